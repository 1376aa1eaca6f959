/**
 * Shared option types, argument checks and log-scale helpers for the distribution functions.
 */
import { ArgumentError } from '../errors/index.js';
import { checkBoolean, checkOptions, optionKeys } from '../errors/checks.js';

/** Options of every cumulative distribution function. */
export interface CdfOptions {
  /**
   * `true` returns P[X ≤ x]; `false` returns P[X > x], computed directly (not as 1 − P[X ≤ x])
   * so that small upper-tail probabilities keep their relative accuracy.
   * @defaultValue true
   */
  lowerTail?: boolean;
  /**
   * Return the natural logarithm of the probability. Use it for probabilities below ~1e-308,
   * which underflow to 0 on the probability scale but are still accurate on the log scale.
   * @defaultValue false
   */
  log?: boolean;
}

/** Options of every quantile function. */
export interface QuantileOptions {
  /**
   * `true`: `p` is P[X ≤ x]; `false`: `p` is P[X > x].
   * @defaultValue true
   */
  lowerTail?: boolean;
  /**
   * `p` is given as log(p).
   * @defaultValue false
   */
  log?: boolean;
}

/** Options of density and probability mass functions. */
export interface DensityOptions {
  /**
   * Return the natural logarithm of the density.
   * @defaultValue false
   */
  log?: boolean;
}

const CDF_KEYS = optionKeys<CdfOptions>()(['lowerTail', 'log']);
const QUANTILE_KEYS = optionKeys<QuantileOptions>()(['lowerTail', 'log']);
const DENSITY_KEYS = optionKeys<DensityOptions>()(['log']);

/** Read the density flag, rejecting unknown options (`keys`: the function's whole option list when it has more). */
export function densityLog(options: DensityOptions | undefined, keys: readonly string[] = DENSITY_KEYS): boolean {
  const log = checkOptions('options', options, keys).log;
  checkBoolean('options.log', log);
  return log ?? false;
}

/** ln(2π)/2 = ln √(2π). */
export const LN_SQRT_2PI = 0.918938533204672741780329736406;
/** ln(2). */
export const LN2 = 0.693147180559945309417232121458;
/** ln(2π). */
export const LN_2PI = 1.837877066409345483560659472811;

/**
 * log(1 − exp(x)) for x ≤ 0 without cancellation (Mächler 2012, "Accurately computing
 * log(1 − exp(−|a|))"): expm1 near 0, log1p far from 0.
 */
export function log1mexp(x: number): number {
  if (x > 0) return Number.NaN;
  return x > -LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}

/**
 * Turn the log of one tail into the requested tail and scale.
 * @param logTail - log of the probability of the tail described by `isLower`.
 * @param isLower - whether `logTail` is the lower tail.
 */
export function fromLogTail(logTail: number, isLower: boolean, lowerTail: boolean, log: boolean): number {
  if (isLower === lowerTail) return log ? logTail : Math.exp(logTail);
  return log ? log1mexp(logTail) : -Math.expm1(logTail);
}

/**
 * A quantile-function argument converted to the logs of both tails, each computed from the
 * given representation without losing the small one.
 */
export interface TailTarget {
  /** log P[X ≤ x]. */
  logLower: number;
  /** log P[X > x]. */
  logUpper: number;
  /** P[X ≤ x] on the natural scale (exactly the argument when it was given that way). */
  lower: number;
  /** P[X > x] on the natural scale. */
  upper: number;
}

/** Validate a probability argument of a quantile function and express it on both tails. */
export function quantileTarget(p: number, options: QuantileOptions | undefined, argument = 'p', keys: readonly string[] = QUANTILE_KEYS): TailTarget {
  checkOptions('options', options, keys);
  checkBoolean('options.lowerTail', options?.lowerTail);
  checkBoolean('options.log', options?.log);
  const lowerTail = options?.lowerTail ?? true;
  const log = options?.log ?? false;
  if (typeof p !== 'number' || Number.isNaN(p)) {
    throw new ArgumentError(argument, p, log ? 'a log-probability (a number ≤ 0)' : 'a probability in [0, 1]');
  }
  let logP: number;
  let natP: number;
  if (log) {
    if (p > 0) throw new ArgumentError(argument, p, 'a log-probability (a number ≤ 0)');
    logP = p;
    natP = Math.exp(p);
  } else {
    if (p < 0 || p > 1) throw new ArgumentError(argument, p, 'a probability in [0, 1]');
    logP = Math.log(p);
    natP = p;
  }
  // The complementary tail: from log p when that is accurate, otherwise 1 − p on the natural scale.
  const logQ = log ? log1mexp(logP) : Math.log1p(-p);
  const natQ = log ? -Math.expm1(logP) : 0.5 - p + 0.5;
  return lowerTail
    ? { logLower: logP, logUpper: logQ, lower: natP, upper: natQ }
    : { logLower: logQ, logUpper: logP, lower: natQ, upper: natP };
}

/** Read the two CDF flags with their defaults. */
export function cdfFlags(options: CdfOptions | undefined, keys: readonly string[] = CDF_KEYS): { lowerTail: boolean; log: boolean } {
  checkOptions('options', options, keys);
  checkBoolean('options.lowerTail', options?.lowerTail);
  checkBoolean('options.log', options?.log);
  return { lowerTail: options?.lowerTail ?? true, log: options?.log ?? false };
}

/** Throw unless `value` is a number that is not NaN (±Infinity allowed). */
export function requireNumber(argument: string, value: number): void {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new ArgumentError(argument, value, 'a number (not NaN)');
}

/** Throw unless `value` is a non-negative integer (as a double; up to 2^53). */
export function requireCount(argument: string, value: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ArgumentError(argument, value, 'a non-negative integer');
  }
}
