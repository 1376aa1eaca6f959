/**
 * Summary statistics of one sample, shared by the descriptive tables. Internal.
 */

import { mean, medianSorted, quantileSorted, sd } from '../statistics/sample.js';

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
 * Summarise values (sorts `values` in place) with the shared sample statistics
 * (statistics/sample.ts: R's `mean`, `sd`, `median` and type-7 `quantile`, to the bit); the
 * SD is two-pass, so data with a large offset (e.g. dates or costs) lose no digits.
 */
export function summarise(values: Float64Array): Summary {
  const n = values.length;
  if (n === 0) return { n: 0, mean: null, sd: null, median: null, q1: null, q3: null, min: null, max: null };
  const m = mean(values);
  const s = n > 1 ? sd(values) : null;
  values.sort();
  return {
    n,
    mean: m,
    sd: s,
    median: medianSorted(values),
    q1: quantileSorted(values, 0.25),
    q3: quantileSorted(values, 0.75),
    min: values[0]!,
    max: values[n - 1]!,
  };
}
