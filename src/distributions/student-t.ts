/**
 * Student's t distribution with real (non-integer) degrees of freedom, including df = Infinity
 * (the normal distribution): density, distribution function and quantile function.
 *
 * The distribution function uses P(|T| > |t|) = I_w(ν/2, 1/2) with w = ν/(ν + t²)
 * (Abramowitz & Stegun 26.7.1), computing w and 1 − w = t²/(ν + t²) separately so that neither
 * loses digits, and halving for one tail; for t²/ν > 1e100 the leading term of the series,
 * w^(ν/2) / ((ν/2) B(ν/2, 1/2)), is exact to double precision.
 */
import { ArgumentError } from '../errors/index.js';
import { logBetaRaw, stirlingError } from './gamma-function.js';
import { incompleteBetaRaw } from './incomplete-beta.js';
import { normalCdfRaw, normalPdfRaw, normalQuantileFromTails } from './normal.js';
import {
  type CdfOptions,
  type DensityOptions,
  type QuantileOptions,
  type TailTarget,
  LN2,
  LN_SQRT_2PI,
  cdfFlags,
  fromLogTail,
  quantileTarget,
  requireNumber,
  densityLog,
} from './options.js';
import { solveLogTail } from './quantile-solver.js';

function checkDf(df: number): void {
  if (typeof df !== 'number' || Number.isNaN(df) || !(df > 0)) {
    throw new ArgumentError('df', df, 'positive degrees of freedom (non-integer and Infinity allowed)');
  }
}

/** log(1 + x²/ν) without overflow of x². */
function log1pSquareOver(x: number, df: number): number {
  const z = (x * x) / df;
  if (Number.isFinite(z)) return Math.log1p(z);
  return 2 * Math.log(Math.abs(x)) - Math.log(df);
}

/** log density of t_ν at x, unchecked. */
export function studentTLogPdfRaw(x: number, df: number): number {
  if (df === Number.POSITIVE_INFINITY) return normalPdfRaw(x, true);
  if (!Number.isFinite(x)) return Number.NEGATIVE_INFINITY;
  const m = df / 2;
  // ln Γ((ν + 1)/2) − ln Γ(ν/2) − ½ ln(νπ) with the Stirling parts combined analytically,
  // so that large ν does not cancel two huge log-gamma values.
  const ratio = m * Math.log1p(0.5 / m) - 0.5 + stirlingError(m + 0.5) - stirlingError(m) - LN_SQRT_2PI;
  return ratio - (m + 0.5) * log1pSquareOver(x, df);
}

/** t_ν distribution function, unchecked. */
export function studentTCdfRaw(x: number, df: number, lowerTail: boolean, log: boolean): number {
  if (df === Number.POSITIVE_INFINITY) return normalCdfRaw(x, lowerTail, log);
  if (x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY) {
    return fromLogTail(Number.NEGATIVE_INFINITY, x < 0, lowerTail, log);
  }
  if (x === 0) return log ? -LN2 : 0.5;
  const ax = Math.abs(x);
  const x2 = ax * ax;
  let logTwoTail: number;
  if (!Number.isFinite(x2) || x2 / df > 1e100) {
    logTwoTail = (df / 2) * (Math.log(df) - 2 * Math.log(ax)) - logBetaRaw(df / 2, 0.5) - Math.log(df / 2);
  } else {
    const s = df + x2;
    logTwoTail = incompleteBetaRaw(df / s, x2 / s, df / 2, 0.5, true, true);
  }
  // The tail beyond |x| on x's side is half of the two-sided tail.
  return fromLogTail(logTwoTail - LN2, x < 0, lowerTail, log);
}

/** t_ν quantile from both tails, unchecked. */
export function studentTQuantileRaw(target: TailTarget, df: number): number {
  if (df === Number.POSITIVE_INFINITY) return normalQuantileFromTails(target);
  if (target.logLower === Number.NEGATIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  if (target.logUpper === Number.NEGATIVE_INFINITY) return Number.POSITIVE_INFINITY;
  if (target.logLower === target.logUpper) return 0;
  const lowerIsSmall = target.logLower < target.logUpper;
  const logP = lowerIsSmall ? target.logLower : target.logUpper;
  // Start: Cornish–Fisher expansion about the normal quantile (A&S 26.7.5); for few df and
  // small p also the power-law tail P(T > q) ≈ ν^((ν−1)/2) q^−ν / B(ν/2, 1/2).
  const z = normalQuantileFromTails({ logLower: logP, logUpper: Math.log1p(-Math.exp(logP)), lower: Math.exp(logP), upper: -Math.expm1(logP) });
  const zp = -z; // z < 0 for the small lower tail
  const z2 = zp * zp;
  const cf =
    zp +
    (zp * (z2 + 1)) / (4 * df) +
    (zp * (5 * z2 * z2 + 16 * z2 + 3)) / (96 * df * df) +
    (zp * (3 * z2 * z2 * z2 + 19 * z2 * z2 + 17 * z2 - 15)) / (384 * df * df * df);
  const logAsym = (((df - 1) / 2) * Math.log(df) - logBetaRaw(df / 2, 0.5) - logP) / df;
  let start = cf > 0 ? Math.log(cf) : -20;
  if (df <= 4) start = Math.max(start, logAsym);
  const sol = solveLogTail({
    logTail: (u) => studentTCdfRaw(Math.exp(u), df, false, true),
    logDensity: (u) => studentTLogPdfRaw(Math.exp(u), df),
    isLower: false,
    target: logP,
    start,
    uMax: Number.POSITIVE_INFINITY,
  });
  return lowerIsSmall ? -sol.x : sol.x;
}

/**
 * Density of Student's t distribution with ν degrees of freedom,
 * Γ((ν + 1)/2) / (Γ(ν/2) √(νπ)) · (1 + x²/ν)^−(ν+1)/2.
 * @param x - point.
 * @param df - degrees of freedom ν > 0 (non-integer allowed; Infinity gives the normal density).
 * @throws ArgumentError when `x` is NaN or `df` is not positive.
 * @example
 * studentTPdf(0, 1); // 0.3183098861837907 (= 1/π)
 */
export function studentTPdf(x: number, df: number, options?: DensityOptions): number {
  requireNumber('x', x);
  checkDf(df);
  const lp = studentTLogPdfRaw(x, df);
  return densityLog(options) ? lp : Math.exp(lp);
}

/**
 * Distribution function of Student's t distribution with ν degrees of freedom (non-integer ν,
 * ν = Infinity), via the regularized incomplete beta function; both tails keep their relative
 * accuracy down to the underflow limit, and beyond it on the log scale.
 *
 * Formula: P(T > |t|) = ½ I_{ν/(ν + t²)}(ν/2, 1/2). Reference: Abramowitz & Stegun (1964) 26.7.1.
 * @throws ArgumentError when `x` is NaN or `df` is not positive.
 * @example
 * studentTCdf(2.5, 13.42, { lowerTail: false }); // 0.013047693024312669, as R's pt(2.5, 13.42, lower.tail = FALSE)
 */
export function studentTCdf(x: number, df: number, options?: CdfOptions): number {
  requireNumber('x', x);
  checkDf(df);
  const { lowerTail, log } = cdfFlags(options);
  return studentTCdfRaw(x, df, lowerTail, log);
}

/**
 * Quantile function of Student's t distribution with ν degrees of freedom (non-integer ν,
 * ν = Infinity), by safeguarded Newton steps on the log of the smaller tail, started from the
 * Cornish–Fisher expansion; relative precision about 1e-15 even for p = 1e-300.
 * @throws ArgumentError when `p` is not a probability or `df` is not positive.
 * @example
 * studentTQuantile(0.975, 2.7); // 3.39214838317375, as R's qt(0.975, 2.7)
 */
export function studentTQuantile(p: number, df: number, options?: QuantileOptions): number {
  const target = quantileTarget(p, options);
  checkDf(df);
  return studentTQuantileRaw(target, df);
}
