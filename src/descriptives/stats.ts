/**
 * Summary statistics of one sample, shared by the descriptive tables. Internal.
 */

/**
 * Quantile of sorted data by Hyndman & Fan's type 7 (R's default `quantile()`):
 * h = (n − 1)·p, q = (1 − f)·x[⌊h⌋] + f·x[⌈h⌉] with f = h − ⌊h⌋ (0-based).
 * Written as R writes it, `(1 − f)·lo + f·hi`, so results agree with R to the last bit or two.
 *
 * Reference: Hyndman R.J., Fan Y. (1996) Sample quantiles in statistical packages.
 * The American Statistician 50(4):361–365.
 */
export function quantileSorted(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const xlo = sorted[lo]!;
  const f = h - lo;
  if (f === 0 || hi >= n) return xlo;
  const xhi = sorted[hi]!;
  return xhi === xlo ? xlo : (1 - f) * xlo + f * xhi;
}

/** n, mean, SD (n − 1 denominator), median, quartiles, min and max; `null` where undefined. */
export interface Summary {
  /** Non-missing values (for an outcome row: one score per participant, as validated data have no duplicate id × visit × instrument). */
  n: number;
  mean: number | null;
  /** Sample SD (denominator n − 1). */
  sd: number | null;
  median: number | null;
  /** First quartile, R's default type 7. */
  q1: number | null;
  /** Third quartile, R's default type 7. */
  q3: number | null;
  min: number | null;
  max: number | null;
}

/**
 * Summarise values (sorts `values` in place). Mean and SD are two-pass, with the mean refined
 * by the mean residual as R's `mean()` does, which keeps them accurate for data with a large
 * offset (e.g. dates or costs) where one-pass formulas lose digits.
 */
export function summarise(values: Float64Array): Summary {
  const n = values.length;
  if (n === 0) return { n: 0, mean: null, sd: null, median: null, q1: null, q3: null, min: null, max: null };
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i]!;
  let mean = s / n;
  let r = 0;
  for (let i = 0; i < n; i++) r += values[i]! - mean;
  mean += r / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    ss += d * d;
  }
  values.sort();
  return {
    n,
    mean,
    sd: n > 1 ? Math.sqrt(ss / (n - 1)) : null,
    median: quantileSorted(values, 0.5),
    q1: quantileSorted(values, 0.25),
    q3: quantileSorted(values, 0.75),
    min: values[0]!,
    max: values[n - 1]!,
  };
}
