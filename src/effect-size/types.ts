/**
 * Options and result types of the standardized mean differences.
 */
import type { Diagnostic } from '../errors/index.js';
import type { Alternative } from '../inference/types.js';
import type { Estimate } from '../results/types.js';

export type { Alternative };

/** A numeric sample: a plain array or a typed array. */
export type Sample = readonly number[] | Float64Array;

/** Options shared by every standardized difference. */
export interface EffectSizeOptions {
  /**
   * Confidence level. For a one-sided `alternative` the bound is that of a two-sided interval
   * at level 2·ciLevel − 1, as in R's effectsize.
   * @defaultValue 0.95
   */
  ciLevel?: number;
  /**
   * `two.sided`, or a one-sided interval: `less` gives (−∞, upper], `greater` gives [lower, ∞).
   * @defaultValue 'two.sided'
   */
  alternative?: Alternative;
  /**
   * Null value of the mean difference, subtracted before standardizing (effectsize's `mu`).
   * @defaultValue 0
   */
  mu?: number;
}

/** Options of the independent-samples differences. */
export interface TwoSampleOptions extends EffectSizeOptions {
  /**
   * Standardize by the pooled SD √(((n₁ − 1)s₁² + (n₂ − 1)s₂²)/(n₁ + n₂ − 2)) with df = n₁ + n₂ − 2;
   * `false` uses √((s₁² + s₂²)/2) with Welch–Satterthwaite df for the interval.
   * @defaultValue true
   */
  pooledSd?: boolean;
}

/** Which small-sample (Hedges) correction multiplies d and its interval. */
export type SmallSampleCorrection = 'exact' | 'approximate';

/** Options of Hedges' g. */
export interface HedgesOptions extends TwoSampleOptions {
  /**
   * `exact`: J(ν) = Γ(ν/2) / (√(ν/2) Γ((ν − 1)/2)) (Hedges 1981), the factor R's effectsize uses;
   * `approximate`: J(ν) ≈ 1 − 3/(4ν − 1) (Hedges & Olkin 1985).
   * @defaultValue 'exact'
   */
  correction?: SmallSampleCorrection;
}

/** How the interval was obtained. */
export type CiMethod = 'noncentral-t' | 'normal';

/** Group summaries behind a two-sample effect size (treatment first). */
export interface GroupSummary {
  n: [number, number];
  mean: [number, number];
  sd: [number, number];
}

/** A standardized mean difference with its interval. */
export interface EffectSizeResult extends Estimate {
  estimate: number;
  ci: [number, number];
  alternative: Alternative;
  /** Observations: n₁ + n₂ for independent samples, the number of pairs for paired data. */
  n: number;
  /** Degrees of freedom of the t pivot (and of the Hedges correction). */
  df: number;
  /** The effect size and its choices in words, e.g. "Hedges' g (pooled SD, exact J)". */
  method: string;
  ciMethod: CiMethod;
  /** The t statistic pivoted for a noncentral-t interval; for a normal interval, estimate/se. */
  statistic: number;
  /** Standard error used by a normal interval (before any Hedges correction); `null` for noncentral-t intervals. */
  se: number | null;
  /** Mean difference minus `mu`, in outcome units. */
  meanDifference: number;
  /** The SD the difference was divided by. */
  standardizer: number;
  /** Small-sample correction applied to the estimate and both limits (factor 1 when none). */
  correction: { type: 'none' | SmallSampleCorrection; factor: number };
  /** Arm summaries for independent samples; `null` for paired data. */
  groups: GroupSummary | null;
  diagnostics: Diagnostic[];
}
