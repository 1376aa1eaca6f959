/**
 * The regularized incomplete gamma functions P(a, x) = γ(a, x)/Γ(a) and Q(a, x) = 1 − P(a, x),
 * natural and log scale.
 *
 * Method: for x < a + 1 the series P(a, x) = x^a e^−x / Γ(a + 1) · Σ_{n ≥ 0} x^n / ((a + 1)…(a + n))
 * (A&S 6.5.29); otherwise the continued fraction Q(a, x) = x^a e^−x / Γ(a) ·
 * 1/(x + 1 − a − 1·(1 − a)/(x + 3 − a − 2·(2 − a)/(x + 5 − a − …))) (A&S 6.5.31) by modified Lentz.
 * The directly evaluated quantity is the smaller tail, so both tails keep relative accuracy.
 * The prefactor x^a e^−x / Γ(a + 1) is Loader's saddle-point Poisson term for a ≥ 1.
 */
import { ArgumentError } from '../errors/index.js';
import { type CdfOptions, cdfFlags, fromLogTail } from './options.js';
import { logGamma1p } from './gamma-function.js';
import { logPoissonRaw } from './saddle-point.js';

const FPMIN = 1e-300;

/** log of x^a e^−x / Γ(a + 1). */
function logGammaPrefix(a: number, x: number): number {
  if (a >= 1) return logPoissonRaw(a, x);
  return a * Math.log(x) - x - logGamma1p(a);
}

/** Σ_{n ≥ 0} x^n / ((a + 1)…(a + n)); converges for all x, fast when x < a + 1. */
function gammaSeries(a: number, x: number, maxIterations: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 1; n <= maxIterations; n++) {
    term *= x / (a + n);
    sum += term;
    if (term < sum * Number.EPSILON * 0.5) return sum;
  }
  return Number.NaN;
}

/** The continued fraction of Q(a, x) without its prefactor x^a e^−x / Γ(a). */
function gammaContinuedFraction(a: number, x: number, maxIterations: number): number {
  let b = x + 1 - a;
  let c = 1 / FPMIN;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= maxIterations; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = b + an / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) <= Number.EPSILON) return h;
  }
  return Number.NaN;
}

function budget(a: number): number {
  return Math.ceil(2000 + 20 * Math.sqrt(a));
}

/** P(a, x) (lower) or Q(a, x) (upper), unchecked; a > 0, x ≥ 0. */
export function incompleteGammaRaw(a: number, x: number, lowerTail: boolean, log: boolean): number {
  if (x <= 0) return fromLogTail(Number.NEGATIVE_INFINITY, true, lowerTail, log);
  if (x === Number.POSITIVE_INFINITY) return fromLogTail(Number.NEGATIVE_INFINITY, false, lowerTail, log);
  if (a === Number.POSITIVE_INFINITY) return fromLogTail(Number.NEGATIVE_INFINITY, true, lowerTail, log);
  const lp = logGammaPrefix(a, x);
  let logTail: number;
  let isLower: boolean;
  if (x < a + 1) {
    logTail = lp + Math.log(gammaSeries(a, x, budget(a) * 10));
    isLower = true;
    if (!lowerTail && logTail > -0.105360515657826 && x > 0.5) {
      // Q = 1 − (P ≥ 0.9): evaluate Q by its fraction, which converges for x this large.
      const cf = gammaContinuedFraction(a, x, 100000);
      if (Number.isFinite(cf) && cf > 0) {
        logTail = lp + Math.log(a) + Math.log(cf);
        isLower = false;
      }
    }
  } else {
    logTail = lp + Math.log(a) + Math.log(gammaContinuedFraction(a, x, budget(a)));
    isLower = false;
  }
  if (logTail > 0) logTail = 0;
  return fromLogTail(logTail, isLower, lowerTail, log);
}

/**
 * The regularized lower incomplete gamma function P(a, x) = γ(a, x)/Γ(a) (the Gamma(a, 1)
 * distribution function); with `lowerTail: false` the upper function Q(a, x), computed directly.
 *
 * References: Abramowitz & Stegun (1964) 6.5.29 and 6.5.31; Loader (2000) for the prefactor.
 * @param a - shape, > 0.
 * @param x - point, ≥ 0.
 * @throws ArgumentError when `a` is not positive or `x` is negative or NaN.
 * @example
 * regularizedIncompleteGamma(1, 1); // 0.6321205588285577 = 1 − e^−1
 */
export function regularizedIncompleteGamma(a: number, x: number, options?: CdfOptions): number {
  if (typeof a !== 'number' || !(a > 0)) throw new ArgumentError('a', a, 'a positive number');
  if (typeof x !== 'number' || Number.isNaN(x) || x < 0) throw new ArgumentError('x', x, 'a non-negative number');
  const { lowerTail, log } = cdfFlags(options);
  return incompleteGammaRaw(a, x, lowerTail, log);
}
