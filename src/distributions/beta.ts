/**
 * The beta distribution: density, distribution function and quantile function.
 */
import { ArgumentError } from '../errors/index.js';
import { logBetaRaw } from './gamma-function.js';
import { incompleteBetaRaw } from './incomplete-beta.js';
import { type CdfOptions, type DensityOptions, type QuantileOptions, type TailTarget, cdfFlags, quantileTarget, densityLog } from './options.js';
import { solveLogTail } from './quantile-solver.js';
import { logBinomialTerm } from './saddle-point.js';

function checkShapes(a: number, b: number): void {
  if (typeof a !== 'number' || !(a > 0) || a === Number.POSITIVE_INFINITY) throw new ArgumentError('a', a, 'a positive finite number');
  if (typeof b !== 'number' || !(b > 0) || b === Number.POSITIVE_INFINITY) throw new ArgumentError('b', b, 'a positive finite number');
}

/** log density of Beta(a, b) at x with y = 1 − x given, unchecked. */
export function betaLogPdfRaw(x: number, y: number, a: number, b: number): number {
  if (x < 0 || y < 0) return Number.NEGATIVE_INFINITY;
  if (x === 0) {
    if (a < 1) return Number.POSITIVE_INFINITY;
    if (a > 1) return Number.NEGATIVE_INFINITY;
    return -logBetaRaw(a, b);
  }
  if (y === 0) {
    if (b < 1) return Number.POSITIVE_INFINITY;
    if (b > 1) return Number.NEGATIVE_INFINITY;
    return -logBetaRaw(a, b);
  }
  if (a <= 2 || b <= 2) return (a - 1) * Math.log(x) + (b - 1) * Math.log(y) - logBetaRaw(a, b);
  // (a + b − 1) · C(a + b − 2, a − 1) x^(a−1) y^(b−1): Loader's form keeps large shapes exact.
  return Math.log(a + b - 1) + logBinomialTerm(a - 1, b - 1, x, y);
}

/**
 * Beta(a, b) density x^(a−1) (1 − x)^(b−1) / B(a, b).
 * @throws ArgumentError when a shape is not a positive finite number or `x` is NaN.
 * @example
 * betaPdf(0.5, 2, 2); // 1.5
 */
export function betaPdf(x: number, a: number, b: number, options?: DensityOptions): number {
  if (typeof x !== 'number' || Number.isNaN(x)) throw new ArgumentError('x', x, 'a number (not NaN)');
  checkShapes(a, b);
  const lp = betaLogPdfRaw(x, 0.5 - x + 0.5, a, b);
  return densityLog(options) ? lp : Math.exp(lp);
}

/**
 * Beta(a, b) distribution function, the regularized incomplete beta function I_x(a, b).
 * See {@link regularizedIncompleteBeta} for the method.
 * @throws ArgumentError when a shape is not a positive finite number or `x` is NaN.
 * @example
 * betaCdf(0.5, 2, 3); // 0.6875
 */
export function betaCdf(x: number, a: number, b: number, options?: CdfOptions): number {
  if (typeof x !== 'number' || Number.isNaN(x)) throw new ArgumentError('x', x, 'a number (not NaN)');
  checkShapes(a, b);
  const { lowerTail, log } = cdfFlags(options);
  if (x <= 0) return incompleteBetaRaw(0, 1, a, b, lowerTail, log);
  if (x >= 1) return incompleteBetaRaw(1, 0, a, b, lowerTail, log);
  return incompleteBetaRaw(x, 0.5 - x + 0.5, a, b, lowerTail, log);
}

/** Solution of a beta quantile: x and, accurately, 1 − x. */
export interface BetaQuantile {
  x: number;
  oneMinusX: number;
}

/**
 * Beta quantile from both tails, unchecked. The smaller tail is matched, as the lower tail of
 * Beta(a, b) in ln x or, symmetrically, as the lower tail of Beta(b, a) in ln(1 − x), so that
 * both x and 1 − x come out with full relative precision.
 */
export function betaQuantileRaw(target: TailTarget, a: number, b: number): BetaQuantile {
  if (target.logLower === Number.NEGATIVE_INFINITY) return { x: 0, oneMinusX: 1 };
  if (target.logUpper === Number.NEGATIVE_INFINITY) return { x: 1, oneMinusX: 0 };
  const solveLower = (p: number, aa: number, bb: number) => {
    // Start from the small-x asymptote I_x ≈ x^a / (a B(a, b)), capped at the mean.
    const asym = (p + Math.log(aa) + logBetaRaw(aa, bb)) / aa;
    const start = Math.min(asym, Math.log(aa / (aa + bb)));
    return solveLogTail({
      logTail: (u) => incompleteBetaRaw(Math.exp(u), -Math.expm1(u), aa, bb, true, true),
      logDensity: (u) => betaLogPdfRaw(Math.exp(u), -Math.expm1(u), aa, bb),
      isLower: true,
      target: p,
      start,
      uMax: 0,
    });
  };
  if (target.logLower <= target.logUpper) {
    const s = solveLower(target.logLower, a, b);
    return { x: s.x, oneMinusX: s.oneMinusX };
  }
  const s = solveLower(target.logUpper, b, a);
  return { x: s.oneMinusX, oneMinusX: s.x };
}

/**
 * Beta(a, b) quantile function: the x with I_x(a, b) = p, found by safeguarded Newton steps on
 * the log of the smaller tail (relative precision about 1e-15, also for p near 0 or 1).
 * @throws ArgumentError when `p` is not a probability or a shape is not a positive finite number.
 * @example
 * betaQuantile(0.6875, 2, 3); // 0.5
 */
export function betaQuantile(p: number, a: number, b: number, options?: QuantileOptions): number {
  const target = quantileTarget(p, options);
  checkShapes(a, b);
  return betaQuantileRaw(target, a, b).x;
}
