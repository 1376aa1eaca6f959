import { describe, expect, it } from 'vitest';
import { binomialCdf, binomialPmf, hypergeometricCdf, hypergeometricPmf } from '../../src/distributions/index.js';
import { TAILS, describeWorst, distributionsFixture, num, relErr, worstError, type Row } from './fixture.js';

const fx = distributionsFixture();

describe('binomial agrees with R dbinom / pbinom (n up to 1000, probabilities down to 1e-300)', () => {
  it('binomialPmf: relative error ≤ 1e-12; log ≤ 1e-14', () => {
    const w = worstError(fx.binomial as Row[], (r) => binomialPmf(num(r.k), num(r.size), num(r.prob)), (r) => num(r.pmf));
    expect(w.count).toBe(66);
    expect(w.error, describeWorst(w)).toBeLessThan(1e-12);
    const wl = worstError(fx.binomial as Row[], (r) => binomialPmf(num(r.k), num(r.size), num(r.prob), { log: true }), (r) => num(r.logPmf));
    expect(wl.error, describeWorst(wl)).toBeLessThan(1e-14);
  });
  for (const [key, lowerTail, log] of TAILS) {
    it(`binomialCdf ${key}: relative error ≤ 1e-12`, () => {
      const w = worstError(fx.binomial as Row[], (r) => binomialCdf(num(r.k), num(r.size), num(r.prob), { lowerTail, log }), (r) => num(r[key]));
      expect(w.error, describeWorst(w)).toBeLessThan(1e-12);
    });
  }
  it('sums of the mass function equal the distribution function', () => {
    let s = 0;
    for (let k = 0; k <= 7; k++) s += binomialPmf(k, 20, 0.35);
    expect(relErr(binomialCdf(7, 20, 0.35), s)).toBeLessThan(1e-14);
    expect(binomialPmf(3, 10, 0.5)).toBeCloseTo(0.1171875, 15);
    expect(binomialCdf(3, 10, 0.5)).toBeCloseTo(0.171875, 15);
    expect(binomialPmf(2.5, 10, 0.5)).toBe(0);
  });
});

describe('hypergeometric agrees with R dhyper / phyper', () => {
  it('hypergeometricPmf: relative error ≤ 1e-12', () => {
    const w = worstError(fx.hypergeometric as Row[], (r) => hypergeometricPmf(num(r.x), num(r.m), num(r.n), num(r.k)), (r) => num(r.pmf));
    expect(w.count).toBe(19);
    expect(w.error, describeWorst(w)).toBeLessThan(1e-12);
  });
  for (const [key, lowerTail, log] of TAILS) {
    it(`hypergeometricCdf ${key}: relative error ≤ 1e-12`, () => {
      const w = worstError(
        fx.hypergeometric as Row[],
        (r) => hypergeometricCdf(num(r.x), num(r.m), num(r.n), num(r.k), { lowerTail, log }),
        (r) => num(r[key]),
      );
      expect(w.error, describeWorst(w)).toBeLessThan(1e-12);
    });
  }
  it('exact small case: 2 white and 2 black, draw 2', () => {
    expect(hypergeometricPmf(1, 2, 2, 2)).toBeCloseTo(2 / 3, 15);
    expect(hypergeometricPmf(0, 2, 2, 2)).toBeCloseTo(1 / 6, 15);
    expect(hypergeometricPmf(3, 2, 2, 2)).toBe(0);
    expect(hypergeometricCdf(1, 5, 5, 4)).toBeCloseTo(0.2619047619047619, 15);
  });
});
