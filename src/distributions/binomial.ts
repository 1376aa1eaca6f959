/**
 * The binomial distribution: probability mass (Loader's saddle-point form) and distribution
 * function (through the incomplete beta function).
 */
import { ArgumentError } from '../errors/index.js';
import { incompleteBetaRaw } from './incomplete-beta.js';
import { type CdfOptions, type DensityOptions, cdfFlags, fromLogTail, requireCount, requireNumber, densityLog } from './options.js';
import { logBinomialRaw } from './saddle-point.js';

function checkSizeProb(size: number, prob: number): void {
  requireCount('size', size);
  if (typeof prob !== 'number' || Number.isNaN(prob) || prob < 0 || prob > 1) throw new ArgumentError('prob', prob, 'a probability in [0, 1]');
}

/** log P(X = k) for integer k, unchecked. */
export function binomialLogPmfRaw(k: number, size: number, prob: number): number {
  if (k < 0 || k > size || !Number.isInteger(k)) return Number.NEGATIVE_INFINITY;
  return logBinomialRaw(k, size, prob, 0.5 - prob + 0.5);
}

/**
 * Binomial probability P(X = k) = C(n, k) p^k (1 − p)^(n − k), by Loader's saddle-point
 * expansion, accurate to a few ulps also for large n and in the tails.
 *
 * Reference: Loader, C. (2000). Fast and accurate computation of binomial probabilities.
 * @param k - number of successes (0 for non-integers, as a probability mass).
 * @param size - number of trials n (non-negative integer).
 * @param prob - success probability p in [0, 1].
 * @throws ArgumentError when `size` is not a non-negative integer, `prob` not in [0, 1], or `k` NaN.
 * @example
 * binomialPmf(3, 10, 0.5); // 0.1171875 (to 15 digits)
 */
export function binomialPmf(k: number, size: number, prob: number, options?: DensityOptions): number {
  requireNumber('k', k);
  checkSizeProb(size, prob);
  const lp = binomialLogPmfRaw(k, size, prob);
  return densityLog(options) ? lp : Math.exp(lp);
}

/**
 * Binomial distribution function P(X ≤ k) = I_{1−p}(n − k, k + 1) (Abramowitz & Stegun 26.5.24),
 * both tails with relative accuracy. Non-integer k is rounded down.
 * @throws ArgumentError when `size` is not a non-negative integer, `prob` not in [0, 1], or `k` NaN.
 * @example
 * binomialCdf(3, 10, 0.5); // 0.171875
 */
export function binomialCdf(k: number, size: number, prob: number, options?: CdfOptions): number {
  requireNumber('k', k);
  checkSizeProb(size, prob);
  const { lowerTail, log } = cdfFlags(options);
  // Rounding down with R's fuzz, so that 2.9999999999 counts as 3.
  const kk = Math.floor(k + 1e-7);
  if (kk < 0) return fromLogTail(Number.NEGATIVE_INFINITY, true, lowerTail, log);
  if (kk >= size) return fromLogTail(Number.NEGATIVE_INFINITY, false, lowerTail, log);
  return incompleteBetaRaw(0.5 - prob + 0.5, prob, size - kk, kk + 1, lowerTail, log);
}
