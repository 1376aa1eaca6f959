/** The @example lines of the TSDoc in src/distributions, asserted. */
import { describe, expect, it } from 'vitest';
import * as D from '../../src/distributions/index.js';

describe('documentation examples (src/distributions)', () => {
  it('special functions', () => {
    expect(D.logGamma(0.5)).toBeCloseTo(0.5723649429247001, 15);
    expect(D.logBeta(0.5, 0.5)).toBeCloseTo(1.1447298858494002, 15);
    expect(D.regularizedIncompleteBeta(0.5, 2, 3)).toBeCloseTo(0.6875, 15);
    expect(D.regularizedIncompleteGamma(1, 1)).toBeCloseTo(0.6321205588285577, 15);
    expect(D.brentRoot((x) => x * x - 2, 0, 2)).toBeCloseTo(1.4142135623730951, 15);
  });
  it('continuous distributions (values as R gives them)', () => {
    expect(D.normalCdf(1.959963984540054)).toBeCloseTo(0.975, 15);
    expect(D.normalCdf(-40, { log: true })).toBeCloseTo(-804.6084420137538, 12);
    expect(D.normalQuantile(0.975)).toBe(1.9599639845400536);
    expect(D.normalPdf(0)).toBe(0.3989422804014327);
    expect(D.studentTPdf(0, 1)).toBeCloseTo(0.3183098861837907, 15);
    expect(D.studentTCdf(2.5, 13.42, { lowerTail: false })).toBeCloseTo(0.013047693024312669, 15);
    expect(D.studentTQuantile(0.975, 2.7)).toBeCloseTo(3.3921483831737502, 14);
    expect(D.chiSquaredPdf(2, 2)).toBeCloseTo(0.18393972058572117, 15);
    expect(D.chiSquaredCdf(3.841458820694124, 1, { lowerTail: false })).toBeCloseTo(0.05, 14);
    expect(D.chiSquaredQuantile(0.95, 1)).toBeCloseTo(3.841458820694124, 14);
    expect(D.fPdf(1, 2, 2)).toBeCloseTo(0.25, 15);
    expect(D.fCdf(3, 2, 10, { lowerTail: false })).toBeCloseTo(0.095367431640625, 15);
    expect(D.fQuantile(0.95, 2, 10)).toBeCloseTo(4.1028210151304005, 14);
    expect(D.betaPdf(0.5, 2, 2)).toBeCloseTo(1.5, 15);
    expect(D.betaCdf(0.5, 2, 3)).toBeCloseTo(0.6875, 15);
    expect(D.betaQuantile(0.6875, 2, 3)).toBeCloseTo(0.5, 15);
    expect(D.noncentralTCdf(2, 10, 1)).toBeCloseTo(0.80761156253031108, 14);
    const [lo, hi] = D.noncentralTNcpInterval(2, 18);
    expect(lo).toBeCloseTo(-0.08940909158024281, 12);
    expect(hi).toBeCloseTo(4.039605428799354, 12);
  });
  it('discrete distributions', () => {
    expect(D.binomialPmf(3, 10, 0.5)).toBeCloseTo(0.1171875, 15);
    expect(D.binomialCdf(3, 10, 0.5)).toBeCloseTo(0.171875, 15);
    expect(D.hypergeometricPmf(1, 2, 2, 2)).toBeCloseTo(2 / 3, 15);
    expect(D.hypergeometricCdf(1, 5, 5, 4)).toBeCloseTo(0.2619047619047619, 15);
  });
});
