import { describe, expect, it } from 'vitest';
import { bcaInterval, jackknifeAcceleration, percentileInterval } from '../../src/economics/index.js';
import { normalCdf, normalQuantile } from '../../src/distributions/normal.js';
import { studentTCdf, studentTQuantile } from '../../src/distributions/student-t.js';
import { ArgumentError } from '../../src/errors/index.js';
import { fixture, thrown } from './helpers.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));
const pnorm = (x: number) => normalCdf(x);
const qnorm = (p: number) => normalQuantile(p);
const pt = (t: number, df: number) => studentTCdf(t, df);
const qt = (p: number, df: number) => studentTQuantile(p, df);

describe('the shared distribution functions on the economics fixture\'s R values', () => {
  const d = fixture().distributions;
  it('pnorm matches R (Cody) to 1e-14 relative', () => {
    d.pnorm.x.forEach((x, i) => {
      const r = d.pnorm.value[i]!;
      if (r === 0 || r === 1) expect(pnorm(x)).toBe(r);
      else expect(rel(pnorm(x), r)).toBeLessThan(1e-14);
    });
  });
  it('qnorm matches R (AS 241) to 1e-14 relative', () => {
    d.qnorm.p.forEach((p, i) => {
      const r = d.qnorm.value[i]!;
      if (r === 0) expect(qnorm(p)).toBe(0);
      else expect(rel(qnorm(p), r)).toBeLessThan(1e-14);
    });
  });
  it('pt and qt match R to 1e-10 relative', () => {
    for (const c of d.pt) expect(rel(pt(c.t, c.df), c.value)).toBeLessThan(1e-10);
    for (const c of d.qt) expect(rel(qt(c.p, c.df), c.value)).toBeLessThan(1e-10);
  });
});

describe('percentile and BCa intervals: exact agreement with boot.ci given R’s replicates', () => {
  const cases = fixture().exact;
  it('the fixture holds integer and non-integer (R + 1)α cases', () => {
    expect(cases.map((c) => c.R)).toEqual([1999, 1999, 2000, 2000]);
  });
  for (const c of cases) {
    it(`${c.statistic}, R = ${c.R}: percentile and BCa at 90 % and 95 % to 1e-10`, () => {
      const p90 = percentileInterval(c.t, 0.9).ci;
      const p95 = percentileInterval(c.t, 0.95).ci;
      const b90 = bcaInterval(c.t, c.t0, c.L, 0.9);
      const b95 = bcaInterval(c.t, c.t0, c.L, 0.95);
      expect(b90.type).toBe('bca');
      const scale = Math.abs(c.perc95[1]! - c.perc95[0]!);
      const close = (ours: number[], theirs: number[]) => {
        expect(Math.abs(ours[0]! - theirs[0]!) / scale).toBeLessThan(1e-10);
        expect(Math.abs(ours[1]! - theirs[1]!) / scale).toBeLessThan(1e-10);
      };
      close(p90, c.perc90);
      close(p95, c.perc95);
      close(b90.ci, c.bca90);
      close(b95.ci, c.bca95);
      // The BCa limits differ from the percentile ones here (skewed costs), so the adjustment was exercised.
      expect(Math.abs(b95.ci[0] - p95[0])).toBeGreaterThan(1e-6 * scale);
    });
  }
});

describe('interval helpers', () => {
  it('percentile interval uses exact order statistics when (R + 1)α is whole (doc example)', () => {
    const t = Array.from({ length: 19 }, (_, i) => i + 1);
    const res = percentileInterval(t, 0.9);
    expect(res.ci).toEqual([1, 19]);
    expect(res.diagnostics.map((d) => d.code)).toContain('extreme-order-statistics');
  });
  it('acceleration of symmetric influence values is 0 (doc example) and sign follows skew', () => {
    expect(jackknifeAcceleration([1, -1])).toBe(0);
    expect(jackknifeAcceleration([5, -1, -1, -1, -1, -1])).toBeGreaterThan(0);
  });
  it('BCa with no bias and no acceleration equals the percentile interval (doc example)', () => {
    const t = Array.from({ length: 999 }, (_, i) => i / 998);
    const b = bcaInterval(t, 0.5, [1, -1], 0.9);
    const p = percentileInterval(t, 0.9);
    // 499 of 999 replicates lie below 0.5, so z0 is qnorm(0.4995), not exactly 0.
    expect(b.z0).toBeCloseTo(qnorm(499 / 999), 15);
    expect(b.ci[0]).toBeCloseTo(p.ci[0], 2);
    expect(b.ci[1]).toBeCloseTo(p.ci[1], 2);
    expect(b.ci[0]).toBeCloseTo(0.05, 2);
  });
  it('BCa falls back to percentile with a diagnostic when every replicate lies on one side', () => {
    const b = bcaInterval([1, 2, 3, 4], 0, [1, -1]);
    expect(b.type).toBe('percentile');
    expect(b.diagnostics.map((d) => d.code)).toContain('bca-unavailable');
  });
  it('rejects a confidence level outside (0, 1) with an ArgumentError naming ciLevel', () => {
    expect(() => percentileInterval([1, 2, 3], 1.5)).toThrow(ArgumentError);
    const e = thrown(() => bcaInterval([1, 2, 3], 2, [1], 0)) as ArgumentError;
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.argument).toBe('ciLevel');
    expect(e.value).toBe(0);
  });
});
