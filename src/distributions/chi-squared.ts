/**
 * The χ² distribution with real degrees of freedom: density, distribution function and quantile
 * function, through the regularized incomplete gamma function P(ν/2, x/2).
 */
import { ArgumentError } from '../errors/index.js';
import { logGamma1p } from './gamma-function.js';
import { incompleteGammaRaw } from './incomplete-gamma.js';
import { normalQuantileFromTails } from './normal.js';
import {
  type CdfOptions,
  type DensityOptions,
  type QuantileOptions,
  type TailTarget,
  LN2,
  cdfFlags,
  quantileTarget,
  requireNumber,
  densityLog,
} from './options.js';
import { solveLogTail } from './quantile-solver.js';
import { logPoissonRaw } from './saddle-point.js';

function checkDf(df: number): void {
  if (typeof df !== 'number' || !(df > 0) || df === Number.POSITIVE_INFINITY) {
    throw new ArgumentError('df', df, 'positive finite degrees of freedom (non-integer allowed)');
  }
}

/** log density of χ²_ν at x, unchecked. */
export function chiSquaredLogPdfRaw(x: number, df: number): number {
  if (x < 0 || x === Number.POSITIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  const k = df / 2;
  const g = x / 2;
  if (x === 0) {
    if (k < 1) return Number.POSITIVE_INFINITY;
    if (k > 1) return Number.NEGATIVE_INFINITY;
    return -LN2;
  }
  // Gamma(k, 1) density at g, from Loader's Poisson term; then the Jacobian 1/2.
  const logG = k < 1 ? Math.log(k / g) + logPoissonRaw(k, g) : logPoissonRaw(k - 1, g);
  return logG - LN2;
}

/** χ²_ν distribution function, unchecked. */
export function chiSquaredCdfRaw(x: number, df: number, lowerTail: boolean, log: boolean): number {
  return incompleteGammaRaw(df / 2, Math.max(x, 0) / 2, lowerTail, log);
}

/** χ²_ν quantile from both tails, unchecked. */
export function chiSquaredQuantileRaw(target: TailTarget, df: number): number {
  if (target.logLower === Number.NEGATIVE_INFINITY) return 0;
  if (target.logUpper === Number.NEGATIVE_INFINITY) return Number.POSITIVE_INFINITY;
  const lowerIsSmall = target.logLower <= target.logUpper;
  // Start: Wilson–Hilferty cube-root approximation, or for a tiny lower tail the leading term
  // P(ν/2, x/2) ≈ (x/2)^(ν/2) / Γ(ν/2 + 1).
  const z = normalQuantileFromTails(target);
  const c = 2 / (9 * df);
  const wh = df * Math.pow(1 - c + z * Math.sqrt(c), 3);
  const k = df / 2;
  const asym = LN2 + (target.logLower + logGamma1p(k)) / k;
  let start = wh > 0 ? Math.log(wh) : asym;
  if (lowerIsSmall && (wh <= 0 || asym < start)) start = asym;
  const sol = solveLogTail({
    logTail: (u) => chiSquaredCdfRaw(Math.exp(u), df, lowerIsSmall, true),
    logDensity: (u) => chiSquaredLogPdfRaw(Math.exp(u), df),
    isLower: lowerIsSmall,
    target: lowerIsSmall ? target.logLower : target.logUpper,
    start,
    uMax: Number.POSITIVE_INFINITY,
  });
  return sol.x;
}

/**
 * χ² density with ν degrees of freedom, x^(ν/2−1) e^(−x/2) / (2^(ν/2) Γ(ν/2)).
 * @throws ArgumentError when `x` is NaN or `df` is not a positive finite number.
 * @example
 * chiSquaredPdf(2, 2); // 0.18393972058572117 = e^−1 / 2
 */
export function chiSquaredPdf(x: number, df: number, options?: DensityOptions): number {
  requireNumber('x', x);
  checkDf(df);
  const lp = chiSquaredLogPdfRaw(x, df);
  return densityLog(options) ? lp : Math.exp(lp);
}

/**
 * χ² distribution function with ν degrees of freedom (non-integer ν allowed),
 * P(X ≤ x) = P(ν/2, x/2), the regularized lower incomplete gamma function; the upper tail
 * (`lowerTail: false`, the p-value of a χ² test) is computed directly.
 * @throws ArgumentError when `x` is NaN or `df` is not a positive finite number.
 * @example
 * chiSquaredCdf(3.841458820694124, 1, { lowerTail: false }); // 0.05 (to 14 digits)
 */
export function chiSquaredCdf(x: number, df: number, options?: CdfOptions): number {
  requireNumber('x', x);
  checkDf(df);
  const { lowerTail, log } = cdfFlags(options);
  return chiSquaredCdfRaw(x, df, lowerTail, log);
}

/**
 * χ² quantile function with ν degrees of freedom, by safeguarded Newton steps on the log of the
 * smaller tail started from the Wilson–Hilferty approximation.
 * @throws ArgumentError when `p` is not a probability or `df` is not a positive finite number.
 * @example
 * chiSquaredQuantile(0.95, 1); // 3.841458820694124 (to 14 digits)
 */
export function chiSquaredQuantile(p: number, df: number, options?: QuantileOptions): number {
  const target = quantileTarget(p, options);
  checkDf(df);
  return chiSquaredQuantileRaw(target, df);
}
