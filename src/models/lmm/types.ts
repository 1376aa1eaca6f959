/**
 * The shapes of a fitted linear mixed model. A fit is a plain object: arrays, numbers
 * and strings (per-row vectors as Float64Array), so it can be inspected, logged and,
 * apart from the per-row vectors, serialised as JSON.
 */
import type { FitState } from '../fit-state.js';
import type { Diagnostic } from '../../errors/index.js';
import type { FrameOptions } from '../../formula/frame.js';
import type { ModelDataOptions } from '../data-input.js';
import type { OptimizeOptions, OptimizerReport } from '../optimize.js';
import type { WaldEstimate } from '../../results/types.js';

/** Denominator degrees of freedom for fixed-effect tests. */
export type DdfMethod = 'Satterthwaite' | 'Kenward-Roger' | 'asymptotic';

export interface LmmOptions extends FrameOptions, ModelDataOptions {
  /**
   * Restricted maximum likelihood (REML) or maximum likelihood.
   * @defaultValue true
   */
  reml?: boolean;
  /**
   * Degrees of freedom for the fixed-effect table: Satterthwaite (as lmerTest), Kenward–Roger
   * (as pbkrtest/lmerTest), or asymptotic (normal reference, df = Infinity).
   * @defaultValue 'Satterthwaite'
   */
  ddf?: DdfMethod;
  /**
   * A factor by whose levels the residual variance differs, e.g. `'arm'` for arm-specific
   * residual variances (nlme's `weights = varIdent(form = ~ 1 | arm)`): Var(ε) = σ²δ²_level,
   * δ = 1 for the first level.
   * @defaultValue none (one residual variance)
   */
  residualVarianceBy?: string;
  /**
   * A partially nested design (therapy groups in the treated arm only) as a first-class
   * option: adds a random intercept for `cluster` that applies to rows of `arm == treated`
   * only, i.e. lme4's `(0 + armTreated | cluster)` with controls (who belong to no cluster)
   * given no cluster effect. Control rows may have a missing cluster.
   * @defaultValue none
   */
  partialNesting?: { cluster: string; arm: string; treated: string };
  /** Confidence level of the fixed-effect intervals. @defaultValue 0.95 */
  ciLevel?: number;
  /** Optimiser controls. */
  control?: OptimizeOptions & {
    /** Start θ (lme4's order); @defaultValue 1 for standard deviations, 0 for correlations */
    start?: number[];
    /**
     * Group term-1 levels with identical Z'Z blocks to make each deviance evaluation
     * independent of the number of participants. Only a speed switch.
     * @defaultValue true
     */
    aggregate?: boolean;
    /**
     * Block layout: 'auto' uses the nested layout when there are two random terms and the
     * larger is nested in the smaller (participants in therapy groups), else the dense one.
     * Only a speed and memory switch; 'dense' is there to check one against the other.
     * @defaultValue 'auto'
     */
    structure?: 'auto' | 'dense';
  };
}

/**
 * A row of the fixed-effects table. A coefficient the design cannot estimate (df numerically
 * zero, a non-finite SE) has `estimable: false`, `null` numbers and the `reason`
 * (docs/methods/not-estimable.md).
 */
export interface FixedEffectRow extends WaldEstimate {
  term: string;
  estimate: number;
  /** t statistic (z when df is asymptotic). */
  statistic: number | null;
}

/** A variance (or the residual) of the random-effects structure. */
export interface VarianceComponentRow {
  /** Grouping factor, or `Residual`. */
  group: string;
  /** Random-effect column, e.g. `(Intercept)` or `Days`; `null` for the residual. */
  term: string | null;
  variance: number;
  sd: number;
}

/** A correlation between two random effects of the same term. */
export interface CorrelationRow {
  group: string;
  term1: string;
  term2: string;
  covariance: number;
  /** `null` when one of the two variances is estimated at 0 (the correlation is then undefined). */
  correlation: number | null;
}

/** Conditional modes of one random-effects term (lme4's `ranef(condVar = TRUE)`). */
export interface RandomEffectsTable {
  group: string;
  terms: string[];
  levels: string[];
  /**
   * `values[level][term]`. For a term with one column (a random intercept per participant, at
   * register scale hundreds of thousands of levels) the rows are formed when first read, then
   * kept; spreading or serialising the table reads them as any property.
   */
  values: number[][];
  /** Conditional standard deviations, same layout (formed on first read likewise). */
  sd: number[][];
}

export interface LmmFit {
  kind: 'lmm';
  formula: string;
  reml: boolean;
  fixedEffects: FixedEffectRow[];
  /** Covariance matrix of the fixed effects (row-major by `fixedEffects` order). */
  vcov: number[][];
  varianceComponents: VarianceComponentRow[];
  correlations: CorrelationRow[];
  /** Residual standard deviation σ (of the first stratum when `residualVarianceBy` is set). */
  sigma: number;
  /** Residual SD per stratum when `residualVarianceBy` is set, else null. */
  residualSd: Record<string, number> | null;
  /** Relative covariance factor parameters in lme4's order. */
  theta: number[];
  /** Names of θ in lme4's style, e.g. `Subject.(Intercept)`, `Subject.Days.(Intercept)`. */
  thetaNames: string[];
  logLik: number;
  /** −2 log-likelihood at the ML scale (only for ML fits; null for REML, as lme4's `deviance()` refuses it). */
  deviance: number | null;
  /** REML criterion (REML fits only). */
  remlCriterion: number | null;
  aic: number;
  bic: number;
  /** Number of estimated parameters: fixed effects, θ and σ. */
  nParameters: number;
  nObs: number;
  nGroups: Record<string, number>;
  /** Rows dropped for missing values, with the reasons. */
  dropped: { total: number; missingResponse: number; missingPredictor: Record<string, number> };
  randomEffects: RandomEffectsTable[];
  fitted: Float64Array;
  residuals: Float64Array;
  /** Input row index of each fitted value. */
  rows: Int32Array;
  ddf: DdfMethod;
  optimizer: OptimizerReport;
  /** Fixed-effect columns dropped for rank deficiency (R-style). */
  droppedColumns: string[];
  singular: boolean;
  diagnostics: Diagnostic[];
  /**
   * What marginal means, contrasts, tests and predictions read beyond the printed result (the
   * model frame, β and its covariance, …), as plain data: it survives JSON and structured clone,
   * so a saved fit answers the same questions with the same bits. Opaque; keep it with the fit.
   */
  state: FitState;
}
