/**
 * Summary statistics of one sample: the one implementation of mean, variance, SD, quantile and
 * median that every capability uses (descriptives, effect sizes, centring, spline knots,
 * subgroup cut points, costs, clinical significance). Internal: not part of the public API.
 *
 * Written as R writes them, so that results agree with R to the last bit:
 * - `mean` is R's `mean.default`: the sum divided by n (R then adds the mean residual; with
 *   the compensated sum below that pass changes nothing).
 * - `variance` is R's `var`: the mean as above, then the sum of squared centred values over
 *   n − 1 (two passes; a one-pass formula loses digits when the data have a large offset).
 * R accumulates these sums in long double (64-bit mantissa); here they are compensated sums
 * (Neumaier's), which carry at least as many bits, so both round to the same double except in
 * rare ties (measured against R: tests/statistics/sample.test.ts).
 * - `quantileSorted` is R's `quantile(type = 7)`, the default: index 1 + (n − 1)p, with the
 *   interpolation written `(1 − h)·lo + h·hi` and skipped when the two order statistics are equal.
 * - `medianSorted` is R's `median`: the middle value, or the `mean` of the middle two.
 *
 * Formulas and references: docs/methods/sample-statistics.md. Hyndman R.J., Fan Y. (1996) Sample quantiles in statistical packages.
 * The American Statistician 50(4):361–365.
 */

/**
 * Mean of the `n` values of `x` from index `from` (all of `x` by default); NaN when n = 0.
 * The sum is compensated and divided once, so the mean is the correctly rounded one (in the
 * rare exceptions, one ulp off), which is what R's long-double sum and residual pass give.
 */
export function mean(x: ArrayLike<number>, from = 0, n = x.length - from): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const v = x[from + i]!;
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  }
  return quotient(s, c, n);
}

/** Sum of squared deviations of `x` from `centre` (the centred sum of squares), compensated. */
export function sumOfSquares(x: ArrayLike<number>, centre: number): number {
  const [hi, lo] = sumOfSquaresParts(x, centre);
  return hi + lo;
}

/** The compensated sum of squares as its two parts (sum, compensation). */
function sumOfSquaresParts(x: ArrayLike<number>, centre: number): [number, number] {
  let ss = 0;
  let c = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - centre;
    const v = d * d;
    const t = ss + v;
    c += ss >= v ? ss - t + v : v - t + ss;
    ss = t;
  }
  return [ss, c];
}

const SPLIT = 134217729; // 2^27 + 1, Dekker's splitter
/** Above this the splitter would overflow; such quotients are formed plainly. */
const SPLIT_LIMIT = 2 ** 970;

/**
 * (hi + lo) / n rounded once, as R's long-double quotient rounds: the remainder of the first
 * quotient is formed exactly (Dekker's product) and its share added.
 */
function quotient(hi: number, lo: number, n: number): number {
  const q = hi / n;
  if (!Number.isFinite(q) || q === 0 || Math.abs(q) > SPLIT_LIMIT || Math.abs(n) > SPLIT_LIMIT) return (hi + lo) / n;
  // q·n = p + e exactly.
  const qa = SPLIT * q;
  const qh = qa - (qa - q);
  const ql = q - qh;
  const na = SPLIT * n;
  const nh = na - (na - n);
  const nl = n - nh;
  const p = q * n;
  const e = qh * nh - p + qh * nl + ql * nh + ql * nl;
  return q + (hi - p - e + lo) / n;
}

/** Sample variance (denominator n − 1), two-pass about {@link mean}; NaN when n < 2. */
export function variance(x: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) return Number.NaN;
  return quotient(...sumOfSquaresParts(x, mean(x)), n - 1);
}

/** Sample standard deviation (denominator n − 1), the square root of {@link variance}. */
export function sd(x: ArrayLike<number>): number {
  return Math.sqrt(variance(x));
}

/**
 * Quantile `p` of ascending `sorted` values by Hyndman & Fan's type 7 (R's default): with
 * index = 1 + (n − 1)p, lo = ⌊index⌋, hi = ⌈index⌉ and h = index − lo,
 * q = (1 − h)·x[lo] + h·x[hi] (1-based), or x[lo] when h = 0 or x[hi] = x[lo]. NaN when empty.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  // The index is formed 1-based, as R forms it, so that h has R's rounding.
  const index = 1 + (n - 1) * p;
  const lo = Math.floor(index);
  const hi = Math.ceil(index);
  const qlo = sorted[lo - 1]!;
  if (!(index > lo) || hi > n) return qlo;
  const qhi = sorted[hi - 1]!;
  if (qhi === qlo) return qlo;
  const h = index - lo;
  return (1 - h) * qlo + h * qhi;
}

/** Median of ascending `sorted` values, as R's `median`: NaN when empty. */
export function medianSorted(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const half = Math.floor(n / 2);
  return n % 2 === 1 ? sorted[half]! : mean([sorted[half - 1]!, sorted[half]!]);
}
