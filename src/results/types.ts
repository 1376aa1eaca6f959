/**
 * The result vocabulary shared by every capability: the types each result row extends, so
 * that an estimate, its interval and its test have the same names and shapes everywhere
 * (docs/architecture.md, "results"). Types only; the rules that fill them (a row either has
 * finite numbers or is not estimable) are in not-estimable.ts.
 */

/** A two-sided interval `[lower, upper]` in the units of its estimate. */
export type Interval = [number, number];

/**
 * The fields every result row with an estimate shares: the estimate, its `ciLevel` interval
 * and, where the method gives them, a standard error, degrees of freedom, test statistic and
 * two-sided p-value. A row type extends this and narrows what it always has (e.g.
 * `estimate: number` where the estimate always exists); a row that can be not estimable also
 * extends {@link Estimability}, and its numbers are then `null`.
 */
export interface Estimate {
  /** The point estimate; `null` only where the row is not estimable and the estimate is not defined. */
  estimate: number | null;
  /** The `ciLevel` confidence interval; `null` where it cannot be formed. */
  ci: Interval | null;
  /** Confidence level of `ci`, e.g. 0.95. */
  ciLevel: number;
  /** Standard error of the estimate. */
  se?: number | null;
  /** Degrees of freedom of the reference distribution (`Infinity` for a normal reference). */
  df?: number | null;
  /** Test statistic (t, z or as the method states) for the null value of the estimate. */
  statistic?: number | null;
  /** Two-sided p-value of `statistic`. */
  pValue?: number | null;
}

/** An estimate with every number present: a row that is always estimable (a t or z test and its interval). */
export interface TestedEstimate extends Estimate {
  estimate: number;
  se: number;
  df: number;
  statistic: number;
  pValue: number;
  ci: Interval;
}

/** The estimability flag and reason every row that can be not estimable carries. */
export interface Estimability {
  /** False when the data cannot estimate the quantity; the numbers are then `null`. */
  estimable: boolean;
  /** Why the quantity is not estimable, in plain language; `null` when it is. */
  reason: string | null;
}

/** A Wald-type row as `waldRow` makes it: estimate, standard error, df, t statistic, two-sided p and interval. */
export interface WaldRow extends Estimability {
  estimate: number | null;
  se: number | null;
  df: number | null;
  statistic: number | null;
  pValue: number | null;
  ci: Interval | null;
}

/** A Wald-type row with its confidence level: the full vocabulary of a tested estimate that can be not estimable. */
export interface WaldEstimate extends Estimate, Estimability {
  se: number | null;
  df: number | null;
  statistic: number | null;
  pValue: number | null;
}

/**
 * Group sizes of a row that compares groups, keyed like the row's other per-group fields
 * (`n.treated` beside `mean.treated`). The convention for `n` everywhere: a plain count where
 * a row is about one sample or one fit; these counts where it compares groups. (Two-sample
 * effect sizes keep `[n1, n2]` in the order of their arguments, beside `mean` and `sd` pairs.)
 */
export type CountsBy<K extends string> = { [G in K]: number };
