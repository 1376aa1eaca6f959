import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors/index.js';
import { cohensD, glassDelta, hedgesCorrectionFactor, hedgesG, type Alternative, type EffectSizeResult } from '../../src/effect-size/index.js';
import { loadFixture, num, relErr } from '../distributions/fixture.js';
import { argumentErrorOf } from '../errors/helpers.js';

interface Est {
  estimate: number;
  ci: (number | string)[];
}
interface TwoRow {
  data: string;
  x: number[];
  y: number[];
  type: 'd' | 'g' | 'delta';
  pooledSd: boolean;
  ciLevel: number;
  alternative: Alternative;
  mu: number;
  call: string;
  effectsize: Est;
  precise: Est & { df: number; standardizer: number; J: number };
}
const fx = loadFixture<{ twoSample: TwoRow[]; hedgesJ: { df: number[]; exact: number[]; approximate: number[] } }>('effect-size/effect-size.json');

function compute(r: TwoRow): EffectSizeResult {
  const opts = { ciLevel: r.ciLevel, alternative: r.alternative, mu: r.mu };
  if (r.type === 'd') return cohensD(r.x, r.y, { ...opts, pooledSd: r.pooledSd });
  if (r.type === 'g') return hedgesG(r.x, r.y, { ...opts, pooledSd: r.pooledSd });
  return glassDelta(r.x, r.y, opts);
}

/** |a − b| / max(1, |b|), equal infinities count as 0. */
function err(a: number, b: number): number {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

describe('two-sample effect sizes agree with R effectsize (sleep, mtcars, ToothGrowth; 44 calls)', () => {
  it('estimates equal effectsize to 1e-13', () => {
    for (const r of fx.twoSample) expect(relErr(compute(r).estimate, num(r.effectsize.estimate)), r.call).toBeLessThan(1e-13);
  });

  it('CIs equal the same noncentral-t definitions solved precisely in R to 1e-11', () => {
    for (const r of fx.twoSample) {
      const res = compute(r);
      res.ci.forEach((v, i) => expect(err(v, num(r.precise.ci[i])), `${r.data} ${r.call}`).toBeLessThan(1e-11));
      expect(relErr(res.df, r.precise.df)).toBeLessThan(1e-13);
      expect(relErr(res.standardizer, r.precise.standardizer)).toBeLessThan(1e-13);
      if (r.type === 'g') expect(relErr(res.correction.factor, r.precise.J)).toBeLessThan(1e-13);
    }
  });

  it("CIs equal effectsize's own output to 1e-5 (its Nelder–Mead search stops there)", () => {
    let worst = 0;
    for (const r of fx.twoSample) {
      const res = compute(r);
      res.ci.forEach((v, i) => {
        const e = err(v, num(r.effectsize.ci[i]));
        worst = Math.max(worst, e);
        expect(e, `${r.data} ${r.call}`).toBeLessThan(1e-5);
      });
    }
    expect(worst).toBeGreaterThan(0); // the two searches are genuinely different
  });

  it('result records the method, df, n and group summaries', () => {
    const r = fx.twoSample[0] as TwoRow;
    const d = cohensD(r.x, r.y);
    expect(d.method).toBe("Cohen's d (pooled SD)");
    expect(d.ciMethod).toBe('noncentral-t');
    expect(d.n).toBe(20);
    expect(d.df).toBe(18);
    expect(d.groups?.n).toEqual([10, 10]);
    expect(d.ciLevel).toBe(0.95);
    expect(d.estimate).toBe(0.8321810813495396);
    expect(hedgesG(r.x, r.y).estimate).toBeCloseTo(0.7969352391911207, 14);
    expect(glassDelta(r.x, r.y).estimate).toBeCloseTo(0.8831701903605378, 14);
    expect(hedgesG(r.x, r.y).method).toBe("Hedges' g (pooled SD, exact J)");
    expect(hedgesG(r.x, r.y, { correction: 'approximate' }).correction.factor).toBe(1 - 3 / (4 * 18 - 1));
  });
});

describe('Hedges correction factor', () => {
  it("exact J equals effectsize's gamma-function formula to 5e-13; the approximation is 1 − 3/(4ν − 1)", () => {
    // R's exp(lgamma(ν/2) − log √(ν/2) − lgamma((ν − 1)/2)) itself cancels digits for large ν
    // (2.4e-13 at ν = 1000); ours combines Stirling terms analytically.
    const j = fx.hedgesJ;
    j.df.forEach((df, i) => {
      expect(relErr(hedgesCorrectionFactor(df), j.exact[i] as number)).toBeLessThan(5e-13);
      expect(relErr(hedgesCorrectionFactor(df, 'approximate'), j.approximate[i] as number)).toBeLessThan(1e-15);
    });
  });
  it('exact J is accurate for very large df, where the log-gamma difference would cancel', () => {
    // J(ν) = 1 − 3/(4ν) + O(ν⁻²)
    const nu = 1e8;
    expect(Math.abs(hedgesCorrectionFactor(nu) - (1 - 3 / (4 * nu)))).toBeLessThan(1e-15);
    // J(1000) = 0.99924978117971636752… (40-digit evaluation of the gamma ratio with mpmath).
    expect(relErr(hedgesCorrectionFactor(1000), 0.99924978117971636752)).toBeLessThan(2e-16);
    expect(() => hedgesCorrectionFactor(1)).toThrow(ArgumentError);
  });
});

describe('properties', () => {
  const x = [12.1, 14.3, 9.8, 15.2, 13.3, 11.9, 16.4, 12.8];
  const y = [10.2, 11.8, 9.1, 12.5, 8.7, 10.9, 11.1];
  for (const [name, fn] of [
    ['cohensD', cohensD],
    ['hedgesG', hedgesG],
  ] as const) {
    it(`${name}: swapping the arms flips the sign and mirrors the CI (pooled and unpooled)`, () => {
      for (const pooledSd of [true, false]) {
        const a = fn(x, y, { pooledSd });
        const b = fn(y, x, { pooledSd });
        expect(b.estimate).toBeCloseTo(-a.estimate, 13);
        expect(b.ci[0]).toBeCloseTo(-a.ci[1], 10);
        expect(b.ci[1]).toBeCloseTo(-a.ci[0], 10);
      }
    });
    it(`${name}: rescaling and shifting the outcome leave d and its CI unchanged`, () => {
      const a = fn(x, y);
      const b = fn(
        x.map((v) => 3.7 * v - 40),
        y.map((v) => 3.7 * v - 40),
      );
      expect(b.estimate).toBeCloseTo(a.estimate, 12);
      expect(b.ci[0]).toBeCloseTo(a.ci[0], 10);
      expect(b.ci[1]).toBeCloseTo(a.ci[1], 10);
      expect(b.standardizer).toBeCloseTo(3.7 * a.standardizer, 12);
    });
  }
  it("glassDelta standardizes by the control arm only: rescaling x's spread changes nothing but the CI width", () => {
    const a = glassDelta(x, y);
    const xm = x.reduce((s, v) => s + v, 0) / x.length;
    const b = glassDelta(
      x.map((v) => xm + 2 * (v - xm)),
      y,
    );
    expect(b.estimate).toBeCloseTo(a.estimate, 13);
    expect(b.ci[1] - b.ci[0]).toBeGreaterThan(a.ci[1] - a.ci[0]);
  });
  it('one-sided intervals have an infinite bound and a finite one inside the two-sided interval', () => {
    const two = cohensD(x, y);
    const less = cohensD(x, y, { alternative: 'less' });
    const greater = cohensD(x, y, { alternative: 'greater' });
    expect(less.ci[0]).toBe(Number.NEGATIVE_INFINITY);
    expect(greater.ci[1]).toBe(Number.POSITIVE_INFINITY);
    expect(less.ci[1]).toBeLessThan(two.ci[1]);
    expect(greater.ci[0]).toBeGreaterThan(two.ci[0]);
  });
});

describe('bad input throws ArgumentError naming the argument and value', () => {
  const argOf = argumentErrorOf;
  it('fewer than two values in an arm', () => {
    const e = argOf(() => cohensD([1], [1, 2, 3]));
    expect(e.argument).toBe('x');
    expect(e.value).toEqual([1]);
    expect(e.message).toMatch(/at least 2 values/);
    expect(argOf(() => hedgesG([1, 2], [])).argument).toBe('y');
  });
  it('zero variance', () => {
    expect(argOf(() => cohensD([2, 2, 2], [5, 5])).message).toMatch(/SD is 0/);
    const e = argOf(() => glassDelta([1, 2, 3], [4, 4, 4]));
    expect(e.argument).toBe('y');
    expect(e.value).toEqual([4, 4, 4]);
  });
  it('non-finite values are named by position', () => {
    const e = argOf(() => cohensD([1, Number.NaN, 3], [1, 2]));
    expect(e.argument).toBe('x[1]');
    expect(Number.isNaN(e.value as number)).toBe(true);
    expect(argOf(() => cohensD([1, 2, 3], [1, Number.POSITIVE_INFINITY])).argument).toBe('y[1]');
  });
  it('invalid options', () => {
    expect(argOf(() => cohensD([1, 2, 3], [2, 3, 5], { ciLevel: 1.5 })).argument).toBe('ciLevel');
    expect(argOf(() => cohensD([1, 2, 3], [2, 3, 5], { alternative: 'two-sided' as Alternative })).argument).toBe('alternative');
  });
});
