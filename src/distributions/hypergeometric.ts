/**
 * The hypergeometric distribution, in R's parameterisation: x white balls among k drawn without
 * replacement from an urn of m white and n black balls.
 */
import { ArgumentError } from '../errors/index.js';
import { type CdfOptions, type DensityOptions, cdfFlags, fromLogTail, requireCount, requireNumber, densityLog } from './options.js';
import { logBinomialRaw } from './saddle-point.js';

function checkUrn(m: number, n: number, k: number): void {
  requireCount('m', m);
  requireCount('n', n);
  requireCount('k', k);
  if (k > m + n) throw new ArgumentError('k', k, `at most m + n = ${m + n} draws`);
}

/** log P(X = x), unchecked; integer x. */
export function hypergeometricLogPmfRaw(x: number, m: number, n: number, k: number): number {
  if (!Number.isInteger(x) || x < Math.max(0, k - n) || x > Math.min(k, m)) return Number.NEGATIVE_INFINITY;
  if (k === 0) return x === 0 ? 0 : Number.NEGATIVE_INFINITY;
  // C(m, x) C(n, k − x) / C(m + n, k) as a ratio of binomial probabilities with p = k/(m + n):
  // each factor is a saddle-point term of moderate size, so nothing large cancels (Loader 2000).
  const N = m + n;
  const p = k / N;
  const q = (N - k) / N;
  return logBinomialRaw(x, m, p, q) + logBinomialRaw(k - x, n, p, q) - logBinomialRaw(k, N, p, q);
}

/**
 * Hypergeometric probability P(X = x) = C(m, x) C(n, k − x) / C(m + n, k).
 * @param x - white balls drawn.
 * @param m - white balls in the urn.
 * @param n - black balls in the urn.
 * @param k - balls drawn.
 * @throws ArgumentError when m, n, k are not non-negative integers, k > m + n, or x is NaN.
 * @example
 * hypergeometricPmf(1, 2, 2, 2); // 0.6666666666666666 (= 2/3)
 */
export function hypergeometricPmf(x: number, m: number, n: number, k: number, options?: DensityOptions): number {
  requireNumber('x', x);
  checkUrn(m, n, k);
  const lp = hypergeometricLogPmfRaw(x, m, n, k);
  return densityLog(options) ? lp : Math.exp(lp);
}

/** P(X ≤ x) or P(X > x), unchecked; the tail below the mean is summed and the other is its complement. */
export function hypergeometricCdfRaw(x: number, m: number, n: number, k: number, lowerTail: boolean, log: boolean): number {
  let xx = Math.floor(x + 1e-7);
  let white = m;
  let black = n;
  let lower = lowerTail;
  if (xx * (m + n) > k * m) {
    // Count black balls instead: P(X ≤ x) = 1 − P(k − X ≤ k − x − 1).
    white = n;
    black = m;
    xx = k - xx - 1;
    lower = !lower;
  }
  if (xx < 0 || xx < k - black) return fromLogTail(Number.NEGATIVE_INFINITY, true, lower, log);
  if (xx >= white || xx >= k) return fromLogTail(Number.NEGATIVE_INFINITY, false, lower, log);
  const ld = hypergeometricLogPmfRaw(xx, white, black, k);
  // Σ_{j ≤ x} P(j)/P(x) by the ratio P(j − 1)/P(j) = j (n − k + j) / ((k − j + 1)(m − j + 1)).
  let sum = 0;
  let term = 1;
  let j = xx;
  while (j > 0 && term >= Number.EPSILON * sum) {
    term *= (j * (black - k + j)) / ((k + 1 - j) * (white + 1 - j));
    sum += term;
    j--;
  }
  return fromLogTail(ld + Math.log1p(sum), true, lower, log);
}

/**
 * Hypergeometric distribution function P(X ≤ x) (or P(X > x) with `lowerTail: false`).
 * Sums the probability ratios from the mode side that is a tail, so the smaller tail keeps its
 * relative accuracy.
 * @throws ArgumentError when m, n, k are not non-negative integers, k > m + n, or x is NaN.
 * @example
 * hypergeometricCdf(1, 5, 5, 4); // 0.2619047619047619 (= 11/42)
 */
export function hypergeometricCdf(x: number, m: number, n: number, k: number, options?: CdfOptions): number {
  requireNumber('x', x);
  checkUrn(m, n, k);
  const { lowerTail, log } = cdfFlags(options);
  return hypergeometricCdfRaw(x, m, n, k, lowerTail, log);
}
