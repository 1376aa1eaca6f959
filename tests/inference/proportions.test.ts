import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors/index.js';
import { proportionInterval, riskDifference } from '../../src/inference/index.js';
import { loadFixture, num, relErr } from '../distributions/fixture.js';
import type { TwoRow } from './fixture.js';

type Pair = [number, number];
interface PropRow {
  x: number;
  n: number;
  ciLevel: number;
  wilson: Pair;
  wilsonCc: Pair;
  clopperPearson: Pair;
  agrestiCoull: Pair;
}
const fx = loadFixture<{
  proportions: PropRow[];
  propTestQuirk: { x: number; n: number; propTestCorrected: Pair; propTestUncorrected: Pair };
  twoGroups: TwoRow[];
}>('inference/inference.json');

/** Interval agreement: relative error, absolute for limits that are exactly 0. */
function closeInterval(ours: Pair, theirs: Pair, tol: number, label: string): void {
  for (let i = 0; i < 2; i++) {
    const t = num(theirs[i]);
    const e = t === 0 ? Math.abs(ours[i]!) : relErr(ours[i]!, t);
    expect(e, `${label} limit ${i}: ${ours[i]} vs ${t}`).toBeLessThanOrEqual(tol);
  }
}

describe('single-proportion intervals agree with R (39 cases: 13 counts × 3 levels)', () => {
  it('Wilson = prop.test(correct = FALSE): 1e-14', () => {
    for (const r of fx.proportions) closeInterval(proportionInterval(r.x, r.n, { ciLevel: r.ciLevel }).ci, r.wilson, 1e-14, `wilson ${r.x}/${r.n}`);
  });
  it('Wilson with continuity correction = prop.test(correct = TRUE) when x ≠ n/2: 1e-14', () => {
    for (const r of fx.proportions) {
      closeInterval(proportionInterval(r.x, r.n, { ciLevel: r.ciLevel, method: 'wilson-cc' }).ci, r.wilsonCc, 1e-14, `wilson-cc ${r.x}/${r.n}`);
    }
  });
  it('Clopper–Pearson = binom.test: 1e-12 (beta quantiles)', () => {
    for (const r of fx.proportions) {
      closeInterval(proportionInterval(r.x, r.n, { ciLevel: r.ciLevel, method: 'clopper-pearson' }).ci, r.clopperPearson, 1e-12, `cp ${r.x}/${r.n}`);
    }
  });
  it('Agresti–Coull = its formula in R, truncated to [0, 1]: 1e-14', () => {
    for (const r of fx.proportions) {
      closeInterval(proportionInterval(r.x, r.n, { ciLevel: r.ciLevel, method: 'agresti-coull' }).ci, r.agrestiCoull, 1e-14, `ac ${r.x}/${r.n}`);
    }
  });
  it("R's prop.test drops the continuity correction at x = n/2; ours keeps it (documented difference)", () => {
    const q = fx.propTestQuirk;
    closeInterval(q.propTestCorrected, q.propTestUncorrected, 0, 'R quirk');
    const cc = proportionInterval(q.x, q.n, { method: 'wilson-cc' }).ci;
    const plain = proportionInterval(q.x, q.n).ci;
    expect(cc[0]).toBeLessThan(plain[0]);
    expect(cc[1]).toBeGreaterThan(plain[1]);
  });
  it('result shape and the method named', () => {
    const r = proportionInterval(56, 70);
    expect(r.estimate).toBe(0.8);
    expect(r.n).toBe(70);
    expect(r.x).toBe(56);
    expect(r.ciLevel).toBe(0.95);
    expect(r.method).toBe('Wilson score interval');
    expect(proportionInterval(0, 10, { method: 'clopper-pearson' }).ci[0]).toBe(0);
    expect(proportionInterval(10, 10, { method: 'clopper-pearson' }).ci[1]).toBe(1);
  });
});

describe('riskDifference (Newcombe hybrid score interval)', () => {
  it('reproduces Newcombe (1998) Table II, method 10, to the 4 published decimals', () => {
    // Newcombe, Statistics in Medicine 17 (1998) 873–890, Table II, examples (a)–(h) except (c).
    const published: [number, number, number, number, number, number][] = [
      [56, 70, 48, 80, 0.0524, 0.3339],
      [9, 10, 3, 10, 0.1705, 0.809],
      [5, 56, 0, 29, -0.0381, 0.1926],
      [0, 10, 0, 20, -0.1611, 0.2775],
      [0, 10, 0, 10, -0.2775, 0.2775],
      [10, 10, 0, 20, 0.6791, 1],
      [10, 10, 0, 10, 0.6075, 1],
    ];
    for (const [x1, n1, x2, n2, lo, hi] of published) {
      const r = riskDifference({ x1, n1, x2, n2 });
      expect(Math.round(r.ci[0] * 1e4) / 1e4, `${x1}/${n1} vs ${x2}/${n2}`).toBeCloseTo(lo, 10);
      expect(Math.round(r.ci[1] * 1e4) / 1e4, `${x1}/${n1} vs ${x2}/${n2}`).toBeCloseTo(hi, 10);
    }
  });

  it('agrees with an independent computation in R from prop.test Wilson limits: 1e-13 (95 % and 90 %, methods 10 and 11)', () => {
    for (const r of fx.twoGroups) {
      const counts = { x1: r.x1, n1: r.n1, x2: r.x2, n2: r.n2 };
      for (const [key, lev] of [['95', 0.95], ['90', 0.9]] as const) {
        const ref = r[`newcombe${key}`] as number[];
        const ours = riskDifference(counts, { ciLevel: lev }).ci;
        ours.forEach((v, i) => expect(Math.abs(v - num(ref[i])), `${JSON.stringify(counts)} ${key}`).toBeLessThan(1e-13));
        const refCc = r[`newcombeCc${key}`] as number[] | undefined;
        if (refCc) {
          const cc = riskDifference(counts, { ciLevel: lev, continuity: true }).ci;
          cc.forEach((v, i) => expect(Math.abs(v - num(refCc[i])), `cc ${JSON.stringify(counts)} ${key}`).toBeLessThan(1e-13));
        }
      }
    }
  });

  it('swapping the groups negates the estimate and mirrors the interval', () => {
    const a = riskDifference({ x1: 12, n1: 40, x2: 7, n2: 38 });
    const b = riskDifference({ x1: 7, n1: 38, x2: 12, n2: 40 });
    expect(b.estimate).toBeCloseTo(-a.estimate, 15);
    expect(b.ci[0]).toBeCloseTo(-a.ci[1], 15);
    expect(b.ci[1]).toBeCloseTo(-a.ci[0], 15);
    expect(a.method).toMatch(/method 10/);
    expect(a.n).toBe(78);
  });

  it('bad counts name the argument', () => {
    expect(() => riskDifference({ x1: 11, n1: 10, x2: 1, n2: 10 })).toThrow(ArgumentError);
    expect(() => riskDifference({ x1: 11, n1: 10, x2: 1, n2: 10 })).toThrow(/"x1"/);
    expect(() => riskDifference({ x1: 1, n1: 10, x2: 1, n2: 0 })).toThrow(/"n2"/);
    expect(() => proportionInterval(2.5, 10)).toThrow(/"x"/);
    expect(() => proportionInterval(2, 10, { ciLevel: 95 })).toThrow(/"ciLevel"/);
  });
});
