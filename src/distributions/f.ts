/**
 * The F distribution with real degrees of freedom (either may be Infinity): density,
 * distribution function and quantile function, through the beta distribution of
 * W = ν₁F / (ν₂ + ν₁F) ~ Beta(ν₁/2, ν₂/2).
 */
import { ArgumentError } from '../errors/index.js';
import { betaLogPdfRaw, betaQuantileRaw } from './beta.js';
import { chiSquaredCdfRaw, chiSquaredLogPdfRaw, chiSquaredQuantileRaw } from './chi-squared.js';
import { incompleteBetaRaw } from './incomplete-beta.js';
import {
  type CdfOptions,
  type DensityOptions,
  type QuantileOptions,
  type TailTarget,
  cdfFlags,
  fromLogTail,
  quantileTarget,
  requireNumber,
  densityLog,
} from './options.js';

function checkDf(df1: number, df2: number): void {
  if (typeof df1 !== 'number' || Number.isNaN(df1) || !(df1 > 0)) throw new ArgumentError('df1', df1, 'positive degrees of freedom (Infinity allowed)');
  if (typeof df2 !== 'number' || Number.isNaN(df2) || !(df2 > 0)) throw new ArgumentError('df2', df2, 'positive degrees of freedom (Infinity allowed)');
}

/** log density of F(ν₁, ν₂) at x, unchecked. */
export function fLogPdfRaw(x: number, df1: number, df2: number): number {
  if (x < 0 || x === Number.POSITIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  if (df1 === Number.POSITIVE_INFINITY && df2 === Number.POSITIVE_INFINITY) {
    return x === 1 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }
  if (df2 === Number.POSITIVE_INFINITY) return Math.log(df1) + chiSquaredLogPdfRaw(x * df1, df1);
  if (df1 === Number.POSITIVE_INFINITY) {
    if (x === 0) return Number.NEGATIVE_INFINITY;
    return Math.log(df2) - 2 * Math.log(x) + chiSquaredLogPdfRaw(df2 / x, df2);
  }
  if (x === 0) {
    if (df1 < 2) return Number.POSITIVE_INFINITY;
    if (df1 > 2) return Number.NEGATIVE_INFINITY;
    return 0; // density 1 at 0 when ν₁ = 2
  }
  const s = df2 + df1 * x;
  // f_F(x) = f_W(w) dw/dx with w = ν₁x/s, dw/dx = ν₁ν₂/s².
  return betaLogPdfRaw((df1 * x) / s, df2 / s, df1 / 2, df2 / 2) + Math.log(df1) + Math.log(df2) - 2 * Math.log(s);
}

/** F(ν₁, ν₂) distribution function, unchecked. */
export function fCdfRaw(x: number, df1: number, df2: number, lowerTail: boolean, log: boolean): number {
  if (x <= 0) return fromLogTail(Number.NEGATIVE_INFINITY, true, lowerTail, log);
  if (x === Number.POSITIVE_INFINITY) return fromLogTail(Number.NEGATIVE_INFINITY, false, lowerTail, log);
  if (df1 === Number.POSITIVE_INFINITY && df2 === Number.POSITIVE_INFINITY) {
    return fromLogTail(x < 1 ? Number.NEGATIVE_INFINITY : 0, true, lowerTail, log);
  }
  if (df2 === Number.POSITIVE_INFINITY) return chiSquaredCdfRaw(x * df1, df1, lowerTail, log);
  if (df1 === Number.POSITIVE_INFINITY) return chiSquaredCdfRaw(df2 / x, df2, !lowerTail, log);
  const s = df2 + df1 * x;
  return incompleteBetaRaw((df1 * x) / s, df2 / s, df1 / 2, df2 / 2, lowerTail, log);
}

/** F(ν₁, ν₂) quantile from both tails, unchecked. */
export function fQuantileRaw(target: TailTarget, df1: number, df2: number): number {
  if (target.logLower === Number.NEGATIVE_INFINITY) return 0;
  if (target.logUpper === Number.NEGATIVE_INFINITY) return Number.POSITIVE_INFINITY;
  if (df1 === Number.POSITIVE_INFINITY && df2 === Number.POSITIVE_INFINITY) return 1;
  if (df2 === Number.POSITIVE_INFINITY) return chiSquaredQuantileRaw(target, df1) / df1;
  if (df1 === Number.POSITIVE_INFINITY) {
    const swapped: TailTarget = { logLower: target.logUpper, logUpper: target.logLower, lower: target.upper, upper: target.lower };
    return df2 / chiSquaredQuantileRaw(swapped, df2);
  }
  // F = (ν₂/ν₁) · w/(1 − w); the beta solver returns w and 1 − w each to full precision.
  const w = betaQuantileRaw(target, df1 / 2, df2 / 2);
  return ((df2 / df1) * w.x) / w.oneMinusX;
}

/**
 * Density of the F distribution with ν₁ and ν₂ degrees of freedom.
 * @throws ArgumentError when `x` is NaN or a df is not positive.
 * @example
 * fPdf(1, 2, 2); // 0.25
 */
export function fPdf(x: number, df1: number, df2: number, options?: DensityOptions): number {
  requireNumber('x', x);
  checkDf(df1, df2);
  const lp = fLogPdfRaw(x, df1, df2);
  return densityLog(options) ? lp : Math.exp(lp);
}

/**
 * Distribution function of the F distribution with ν₁ and ν₂ degrees of freedom (non-integer
 * and infinite allowed): P(F ≤ x) = I_w(ν₁/2, ν₂/2), w = ν₁x/(ν₂ + ν₁x), with 1 − w = ν₂/(ν₂ + ν₁x)
 * computed separately so that the upper tail (an ANOVA p-value) keeps its relative accuracy.
 * Reference: Abramowitz & Stegun (1964) 26.6.2.
 * @throws ArgumentError when `x` is NaN or a df is not positive.
 * @example
 * fCdf(3, 2, 10, { lowerTail: false }); // 0.095367431640625 (= 1.6^-5), as R's pf(3, 2, 10, lower.tail = FALSE)
 */
export function fCdf(x: number, df1: number, df2: number, options?: CdfOptions): number {
  requireNumber('x', x);
  checkDf(df1, df2);
  const { lowerTail, log } = cdfFlags(options);
  return fCdfRaw(x, df1, df2, lowerTail, log);
}

/**
 * Quantile function of the F distribution, through the beta quantile of W.
 * @throws ArgumentError when `p` is not a probability or a df is not positive.
 * @example
 * fQuantile(0.95, 2, 10); // 4.1028210151304, as R's qf(0.95, 2, 10)
 */
export function fQuantile(p: number, df1: number, df2: number, options?: QuantileOptions): number {
  const target = quantileTarget(p, options);
  checkDf(df1, df2);
  return fQuantileRaw(target, df1, df2);
}
