import { describe, expect, it } from 'vitest';
import {
  betaCdf,
  betaPdf,
  betaQuantile,
  chiSquaredCdf,
  chiSquaredPdf,
  chiSquaredQuantile,
  fCdf,
  fPdf,
  fQuantile,
  normalCdf,
  normalPdf,
  normalQuantile,
  studentTCdf,
  studentTPdf,
  studentTQuantile,
} from '../../src/distributions/index.js';
import { TAILS, describeWorst, distributionsFixture, num, relErr, worstError, type Row } from './fixture.js';

const fx = distributionsFixture();

/**
 * Quantile agreement: relative error ≤ tol against R (absolute ≤ 1e-15 when R's value is within
 * 1e-12 of 0). Where they differ by more, R's quantile must be the worse inverse of the
 * distribution function: the fixture records R's round-trip error on the smaller tail,
 * |F_s(q_R(p)) / p_s − 1|, and ours must be ≤ 1e-12 and smaller than R's.
 */
function quantileCheck(
  rows: Row[],
  side: 'lower' | 'upper',
  quantile: (r: Row) => number,
  cdfAt: (r: Row, q: number, lowerTail: boolean) => number,
  tol: number,
): { worst: number; rounds: number } {
  let worst = 0;
  let rounds = 0;
  for (const r of rows) {
    const q = quantile(r);
    const expected = num(r[side]);
    const e = q === expected ? 0 : Math.abs(expected) < 1e-12 ? Math.abs(q - expected) / 1e-3 : relErr(q, expected);
    if (e <= tol) {
      worst = Math.max(worst, e);
      continue;
    }
    const p = num(r.p);
    const small = p <= 0.5;
    const ps = small ? p : 0.5 - p + 0.5;
    const ours = Math.abs(cdfAt(r, q, (side === 'lower') === small) / ps - 1);
    const theirs = num(r[`${side}Check`]);
    expect(ours, `round trip of our quantile at ${JSON.stringify(r)}: got ${q}`).toBeLessThan(1e-12);
    expect(ours, `ours must invert better than R's at ${JSON.stringify(r)}: got ${q}`).toBeLessThan(theirs);
    rounds++;
  }
  return { worst, rounds };
}

describe('normal distribution agrees with R', () => {
  for (const [key, lowerTail, log] of TAILS) {
    it(`normalCdf ${key}: relative error ≤ 1e-14 (x from −1e10 to 1e10)`, () => {
      const w = worstError(
        fx.pnorm as Row[],
        (r) => normalCdf(num(r.x), { lowerTail, log }),
        (r) => num(r[key]),
        // R returns exactly 0 for the upper tail beyond x = 37.5193 (Cody's cut-off); the true
        // value there is a subnormal number, which is what we return.
        (a, b) => (b === 0 && a < 1e-300 ? 0 : relErr(a, b)),
      );
      expect(w.error, describeWorst(w)).toBeLessThan(1e-14);
    });
  }
  it('normalPdf and its log: relative error ≤ 1e-14', () => {
    expect(worstError(fx.dnorm as Row[], (r) => normalPdf(num(r.x)), (r) => num(r.value)).error).toBeLessThan(1e-14);
    expect(worstError(fx.dnorm as Row[], (r) => normalPdf(num(r.x), { log: true }), (r) => num(r.logValue)).error).toBeLessThan(1e-14);
  });
  it('normalQuantile (AS 241): relative error ≤ 1e-14 for p from 1e-300, both tails and on the log scale', () => {
    expect(worstError(fx.qnorm as Row[], (r) => normalQuantile(num(r.p)), (r) => num(r.lower)).error).toBeLessThan(1e-14);
    expect(worstError(fx.qnorm as Row[], (r) => normalQuantile(num(r.p), { lowerTail: false }), (r) => num(r.upper)).error).toBeLessThan(1e-14);
    expect(worstError(fx.qnormLog as Row[], (r) => normalQuantile(num(r.logp), { log: true }), (r) => num(r.lower)).error).toBeLessThan(1e-14);
    expect(
      worstError(fx.qnormLog as Row[], (r) => normalQuantile(num(r.logp), { log: true, lowerTail: false }), (r) => num(r.upper)).error,
    ).toBeLessThan(1e-14);
  });
  it('examples from the documentation', () => {
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 15);
    expect(normalQuantile(0.975)).toBe(1.9599639845400536);
    expect(normalPdf(0)).toBe(0.3989422804014327);
    expect(normalCdf(-40, { log: true })).toBeCloseTo(-804.6084420137538, 10);
    expect(normalCdf(3, { mean: 1, sd: 2 })).toBe(normalCdf(1));
  });
  it('beyond AS 241 on the log scale (log p = −1e5) the quantile still inverts the CDF', () => {
    const q = normalQuantile(-1e5, { log: true });
    expect(relErr(normalCdf(q, { log: true }), -1e5)).toBeLessThan(1e-14);
  });
});

describe('Student t agrees with R (df 0.5 to 3e5, non-integer df included)', () => {
  for (const [key, lowerTail, log] of TAILS) {
    it(`studentTCdf ${key}: relative error ≤ 1e-12 (tails down to 1e-202)`, () => {
      const w = worstError(fx.pt as Row[], (r) => studentTCdf(num(r.x), num(r.df), { lowerTail, log }), (r) => num(r[key]));
      expect(w.count).toBe(140);
      expect(w.error, describeWorst(w)).toBeLessThan(1e-12);
    });
  }
  it('studentTPdf: relative error ≤ 1e-13, log ≤ 1e-14', () => {
    const w = worstError(fx.dt as Row[], (r) => studentTPdf(num(r.x), num(r.df)), (r) => num(r.value));
    expect(w.error, describeWorst(w)).toBeLessThan(1e-13);
    const wl = worstError(fx.dt as Row[], (r) => studentTPdf(num(r.x), num(r.df), { log: true }), (r) => num(r.logValue));
    expect(wl.error, describeWorst(wl)).toBeLessThan(1e-14);
  });
  for (const side of ['lower', 'upper'] as const) {
    it(`studentTQuantile ${side}: relative error ≤ 1e-12 where R's qt is accurate; round trip ≤ 1e-12 elsewhere`, () => {
      const c = quantileCheck(
        fx.qt as Row[],
        side,
        (r) => studentTQuantile(num(r.p), num(r.df), { lowerTail: side === 'lower' }),
        (r, q, lowerTail) => studentTCdf(q, num(r.df), { lowerTail }),
        1e-12,
      );
      // R's qt is inaccurate for p = 1e-300 with df ≤ 5 (and the upper tail with df = 0.5).
      expect(c.rounds).toBeGreaterThan(0);
      expect(c.worst).toBeLessThan(1e-12);
    });
  }
  it('df = Infinity is the normal distribution; the median is exactly 0', () => {
    expect(studentTCdf(1.3, Number.POSITIVE_INFINITY)).toBe(normalCdf(1.3));
    expect(studentTQuantile(0.5, 2.7)).toBe(0);
    expect(studentTQuantile(0.975, Number.POSITIVE_INFINITY)).toBe(normalQuantile(0.975));
  });
  it('closed forms for df = 1 (Cauchy) and df = 2', () => {
    expect(relErr(studentTCdf(-3, 1), 0.5 - Math.atan(3) / Math.PI)).toBeLessThan(1e-14);
    expect(relErr(studentTQuantile(0.9, 2), 0.8 * Math.sqrt(2 / (1 - 0.64)))).toBeLessThan(1e-14);
    // Far tail of the Cauchy: P(T > 1e200) = 1/(π·1e200) to first order; the result comes from
    // exp(−462.9…), so its relative error is bounded by ~462·ε ≈ 1e-13.
    expect(relErr(studentTCdf(1e200, 1, { lowerTail: false }), 1 / (Math.PI * 1e200))).toBeLessThan(1e-13);
  });
});

describe('χ² agrees with R', () => {
  for (const [key, lowerTail, log] of TAILS) {
    it(`chiSquaredCdf ${key}: relative error ≤ 1e-12`, () => {
      const w = worstError(fx.pchisq as Row[], (r) => chiSquaredCdf(num(r.x), num(r.df), { lowerTail, log }), (r) => num(r[key]));
      expect(w.count).toBe(74);
      expect(w.error, describeWorst(w)).toBeLessThan(1e-12);
    });
  }
  it('chiSquaredPdf: relative error ≤ 1e-13', () => {
    const w = worstError(fx.dchisq as Row[], (r) => chiSquaredPdf(num(r.x), num(r.df)), (r) => num(r.value));
    expect(w.error, describeWorst(w)).toBeLessThan(1e-13);
  });
  for (const side of ['lower', 'upper'] as const) {
    it(`chiSquaredQuantile ${side}: relative error ≤ 1e-12 (R's underflowed 0 accepted as ≤ 1e-300)`, () => {
      let worst = 0;
      for (const r of fx.qchisq as Row[]) {
        const q = chiSquaredQuantile(num(r.p), num(r.df), { lowerTail: side === 'lower' });
        const expected = num(r[side]);
        const e = expected === 0 ? (q < 1e-300 ? 0 : 1) : relErr(q, expected);
        worst = Math.max(worst, e);
      }
      expect(worst).toBeLessThan(1e-12);
    });
  }
});

describe('F agrees with R', () => {
  for (const [key, lowerTail, log] of TAILS) {
    it(`fCdf ${key}: relative error ≤ 1e-12`, () => {
      const w = worstError(fx.pf as Row[], (r) => fCdf(num(r.x), num(r.df1), num(r.df2), { lowerTail, log }), (r) => num(r[key]));
      expect(w.count).toBe(160);
      expect(w.error, describeWorst(w)).toBeLessThan(1e-12);
    });
  }
  it('fPdf: relative error ≤ 1e-13', () => {
    const w = worstError(fx.df as Row[], (r) => fPdf(num(r.x), num(r.df1), num(r.df2)), (r) => num(r.value));
    expect(w.error, describeWorst(w)).toBeLessThan(1e-13);
  });
  for (const side of ['lower', 'upper'] as const) {
    it(`fQuantile ${side}: relative error ≤ 1e-12 where R's qf is accurate; round trip ≤ 1e-12 elsewhere`, () => {
      const c = quantileCheck(
        fx.qf as Row[],
        side,
        (r) => fQuantile(num(r.p), num(r.df1), num(r.df2), { lowerTail: side === 'lower' }),
        (r, q, lowerTail) => fCdf(q, num(r.df1), num(r.df2), { lowerTail }),
        1e-12,
      );
      expect(c.worst).toBeLessThan(1e-12);
    });
  }
  it('infinite degrees of freedom reduce to χ²', () => {
    expect(relErr(fCdf(2.2, 3, Number.POSITIVE_INFINITY), chiSquaredCdf(6.6, 3))).toBeLessThan(1e-15);
    expect(relErr(fQuantile(0.9, 4, Number.POSITIVE_INFINITY), chiSquaredQuantile(0.9, 4) / 4)).toBeLessThan(1e-14);
    expect(relErr(fCdf(0.8, Number.POSITIVE_INFINITY, 7), chiSquaredCdf(7 / 0.8, 7, { lowerTail: false }))).toBeLessThan(1e-15);
  });
});

describe('beta distribution agrees with R', () => {
  it('betaCdf, betaPdf', () => {
    const w = worstError(fx.pbeta as Row[], (r) => betaCdf(num(r.x), num(r.a), num(r.b)), (r) => num(r.lower));
    expect(w.error, describeWorst(w)).toBeLessThan(1e-12);
    const d = worstError(fx.dbeta as Row[], (r) => betaPdf(num(r.x), num(r.a), num(r.b)), (r) => num(r.value));
    expect(d.error, describeWorst(d)).toBeLessThan(1e-13);
  });
  for (const side of ['lower', 'upper'] as const) {
    it(`betaQuantile ${side}: relative error ≤ 1e-12 where R's qbeta is accurate; round trip elsewhere`, () => {
      const c = quantileCheck(
        fx.qbeta as Row[],
        side,
        (r) => betaQuantile(num(r.p), num(r.a), num(r.b), { lowerTail: side === 'lower' }),
        (r, q, lowerTail) => betaCdf(q, num(r.a), num(r.b), { lowerTail }),
        1e-12,
      );
      expect(c.worst).toBeLessThan(1e-12);
    });
  }
});
