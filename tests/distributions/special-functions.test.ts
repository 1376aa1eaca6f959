import { describe, expect, it } from 'vitest';
import {
  brentRoot,
  logBeta,
  logGamma,
  logGamma1p,
  regularizedIncompleteBeta,
  regularizedIncompleteGamma,
} from '../../src/distributions/index.js';
import { integrate, kronrod15 } from '../../src/distributions/quadrature.js';
import { TAILS, describeWorst, distributionsFixture, num, relErr, worstError, type Row } from './fixture.js';

const fx = distributionsFixture();

describe('logGamma and logBeta agree with R', () => {
  it('logGamma: relative error ≤ 1e-14 (absolute ≤ 1e-15 near the zeros at 1 and 2)', () => {
    const w = worstError(
      fx.lgamma as Row[],
      (r) => logGamma(num(r.x)),
      (r) => num(r.value),
      (a, b) => Math.min(relErr(a, b), Math.abs(a - b) / 1e-1),
    );
    expect(w.count).toBe(29);
    expect(w.error, describeWorst(w)).toBeLessThan(1e-14);
  });

  it('logGamma: exact values and poles', () => {
    expect(logGamma(1)).toBe(0);
    expect(logGamma(2)).toBe(0);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 15);
    expect(logGamma(0)).toBe(Number.POSITIVE_INFINITY);
    expect(logGamma(-3)).toBe(Number.POSITIVE_INFINITY);
    // ln Γ(1 + a) ≈ −γ a for small a, with full relative precision.
    expect(relErr(logGamma1p(1e-12), -0.5772156649015329e-12)).toBeLessThan(1e-11);
  });

  it('logBeta: relative error ≤ 1e-14 over a grid with shapes 1e-3 to 1e9', () => {
    const w = worstError(fx.lbeta as Row[], (r) => logBeta(num(r.a), num(r.b)), (r) => num(r.value));
    expect(w.count).toBe(40);
    expect(w.error, describeWorst(w)).toBeLessThan(1e-14);
  });
});

describe('regularized incomplete beta agrees with R pbeta', () => {
  for (const [key, lowerTail, log] of TAILS) {
    it(`${key}: relative error ≤ 1e-12 (grid of 320 points, tails to 1e-284)`, () => {
      const w = worstError(
        fx.pbeta as Row[],
        (r) => regularizedIncompleteBeta(num(r.x), num(r.a), num(r.b), { lowerTail, log }),
        (r) => num(r[key]),
      );
      expect(w.count).toBe(320);
      expect(w.error, describeWorst(w)).toBeLessThan(1e-12);
    });
  }

  it('closed forms: I_x(1, 1) = x, I_x(a, 1) = x^a, symmetry I_x(a, b) = 1 − I_{1−x}(b, a)', () => {
    expect(regularizedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 15);
    expect(relErr(regularizedIncompleteBeta(0.2, 3.5, 1), Math.pow(0.2, 3.5))).toBeLessThan(1e-14);
    const a = regularizedIncompleteBeta(0.37, 4.2, 7.9);
    const b = regularizedIncompleteBeta(0.63, 7.9, 4.2, { lowerTail: false });
    expect(relErr(a, b)).toBeLessThan(1e-14);
  });
});

describe('regularized incomplete gamma agrees with R pgamma', () => {
  for (const [key, lowerTail, log] of TAILS) {
    it(`${key}: relative error ≤ 1e-12`, () => {
      const w = worstError(
        fx.pgamma as Row[],
        (r) => regularizedIncompleteGamma(num(r.a), num(r.x), { lowerTail, log }),
        (r) => num(r[key]),
      );
      expect(w.count).toBe(63);
      expect(w.error, describeWorst(w)).toBeLessThan(1e-12);
    });
  }

  it('closed form: P(1, x) = 1 − e^−x and Q(1, x) = e^−x far in the tail', () => {
    expect(relErr(regularizedIncompleteGamma(1, 0.7), -Math.expm1(-0.7))).toBeLessThan(1e-15);
    expect(relErr(regularizedIncompleteGamma(1, 600, { lowerTail: false }), Math.exp(-600))).toBeLessThan(1e-13);
  });
});

describe('numerical helpers', () => {
  it('Gauss–Kronrod 15 integrates polynomials to degree 22 exactly; its Gauss-7 estimate is exact to degree 13 only', () => {
    for (let k = 0; k <= 22; k++) {
      const r = kronrod15((x) => Math.pow(x, k), -1, 1);
      expect(Math.abs(r.value - (k % 2 === 1 ? 0 : 2 / (k + 1)))).toBeLessThan(1e-15);
      if (k <= 13) expect(r.error).toBeLessThan(1e-15);
    }
    expect(kronrod15((x) => Math.pow(x, 14), -1, 1).error).toBeGreaterThan(1e-5);
  });

  it('adaptive quadrature reaches 1e-14 relative on a peaked integrand', () => {
    const r = integrate((x) => Math.exp(-((x - 0.3) ** 2) / (2 * 1e-4)), -1, 1);
    expect(r.converged).toBe(true);
    expect(relErr(r.value, Math.sqrt(2 * Math.PI * 1e-4))).toBeLessThan(1e-13);
  });

  it('brentRoot finds roots to the requested tolerance and rejects a bracket without sign change', () => {
    expect(brentRoot((x) => x * x - 2, 0, 2)).toBeCloseTo(Math.SQRT2, 14);
    expect(brentRoot((x) => Math.cos(x) - x, 0, 1)).toBeCloseTo(0.7390851332151607, 14);
    expect(() => brentRoot((x) => x * x + 1, -1, 1)).toThrow(/opposite signs/);
  });
});
