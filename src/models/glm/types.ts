/**
 * The shapes of a generalised linear model fit, in the library's result vocabulary
 * (the coefficient rows are the mixed model's `FixedEffectRow`).
 */
import type { FitState } from '../fit-state.js';
import type { Diagnostic } from '../../errors/index.js';
import type { FrameOptions } from '../../formula/frame.js';
import type { ModelDataOptions } from '../data-input.js';
import type { FixedEffectRow } from '../lmm/types.js';
import type { ClusterMissingPolicy, ClusterSummary } from '../ols/types.js';
import type { FamilyName, LinkName } from './family.js';

/**
 * Covariance estimator of the coefficients.
 *
 * - `classical`: φ̂(X'WX)⁻¹ with the working weights W at the estimate, as `vcov(glm(...))`.
 * - `HC0`–`HC3`: heteroskedasticity-consistent, as `sandwich::vcovHC(fit, type = ...)`.
 * - `CR0`, `CR1`, `CR1S`, `CR2`: cluster-robust, as `clubSandwich::vcovCR(fit, type = ...)`
 *   (CR2 with clubSandwich's working model for glm, the inverse of the GLM variance). They need `cluster`.
 */
export type GlmVcovType = 'classical' | 'HC0' | 'HC1' | 'HC2' | 'HC3' | 'CR0' | 'CR1' | 'CR1S' | 'CR2';

/** Iteration control of IRLS (and of the negative-binomial θ alternation). */
export interface GlmControl {
  /**
   * Convergence when |D − D_old| / (|D| + 0.1) < epsilon for the deviance D, R's glm.fit
   * criterion; R's default is 1e-8, ours is tighter.
   * @defaultValue 1e-10
   */
  epsilon?: number;
  /** Maximum IRLS iterations (and outer θ iterations for the negative binomial). @defaultValue 100 */
  maxIterations?: number;
}

export interface GlmOptions extends FrameOptions, ModelDataOptions {
  /** The response distribution. Required: a 0/1 or count outcome is never fitted as normal by default. */
  family?: FamilyName;
  /** @defaultValue the family's default link (binomial logit, poisson and negativeBinomial log, gamma inverse as R, gaussian identity) */
  link?: LinkName;
  /**
   * Binomial only: the column of trials; the response is then the number of successes out of
   * them (R's `cbind(successes, failures)`).
   * @defaultValue undefined (a 0/1 response)
   */
  trials?: string;
  /** Column of prior weights (finite, > 0). @defaultValue undefined (all 1) */
  weights?: string;
  /** Column added to the linear predictor with coefficient 1, e.g. the log of days at risk. @defaultValue undefined */
  offset?: string;
  /**
   * Column of exposures (e.g. days at risk, > 0): log(exposure) is added to the offset, so that
   * coefficients are log rate ratios. Needs a log link.
   * @defaultValue undefined
   */
  exposure?: string;
  /** Accept non-integer counts for the poisson and negativeBinomial families. @defaultValue false */
  allowNonIntegerCounts?: boolean;
  /** @defaultValue 'classical' */
  vcov?: GlmVcovType;
  /** Column of the cluster id, required by the `CR*` types and refused by the others. @defaultValue undefined */
  cluster?: string;
  /** Rows with a missing cluster id: an error, or a cluster of their own each. @defaultValue 'error' */
  clusterMissing?: ClusterMissingPolicy;
  /** Confidence level of the coefficient intervals. @defaultValue 0.95 */
  ciLevel?: number;
  /** @defaultValue `{ epsilon: 1e-10, maxIterations: 100 }` */
  control?: GlmControl;
}

/**
 * A coefficient row. `df` is `Infinity` (z test) when the dispersion is fixed (binomial,
 * poisson, negative binomial) and the residual df (t test) when it is estimated, as `summary.glm`.
 */
/** A coefficient row; under separation `estimable` is false, the numbers are `null` and `reason` says why. */
export type GlmCoefficientRow = FixedEffectRow;

/** The negative-binomial size θ (Var = μ + μ²/θ), or why it has no finite estimate. */
export type NegativeBinomialTheta =
  | { estimable: true; estimate: number; se: number }
  | { estimable: false; reason: string };

export interface GlmFit {
  kind: 'glm';
  formula: string;
  family: FamilyName;
  link: LinkName;
  /** What was fitted, in words, e.g. `"binomial GLM (logit link), IRLS, classical covariance"`. */
  method: string;
  vcovType: GlmVcovType;
  fixedEffects: GlmCoefficientRow[];
  /** Covariance of the coefficients (rows and columns in `fixedEffects` order). */
  vcov: number[][];
  /** Column names of the full design, aliased ones included. */
  columnNames: string[];
  /** Columns dropped as aliased (R's NA coefficients). */
  droppedColumns: string[];
  rank: number;
  deviance: number;
  nullDeviance: number;
  dfResidual: number;
  dfNull: number;
  /** φ: 1 for binomial, poisson and negative binomial; the Pearson estimate Σ w(y − μ)²/V(μ)/(n − p) otherwise (summary.glm). */
  dispersion: number;
  logLik: number;
  /** Parameters counted by AIC and BIC: the rank, plus 1 for an estimated dispersion or θ (R's logLik df). */
  logLikDf: number;
  aic: number;
  bic: number;
  nObs: number;
  /** Negative binomial only (else `null`). */
  negativeBinomialTheta: NegativeBinomialTheta | null;
  iterations: number;
  converged: boolean;
  /** Rows dropped for missing values in the formula's variables. */
  dropped: { total: number; missingResponse: number; missingPredictor: Record<string, number> };
  /** Fitted means μ̂ (proportions for binomial), per fit row. */
  fitted: Float64Array;
  /** Linear predictor η̂ (offset included), per fit row. */
  linearPredictor: Float64Array;
  /** Working weights at the estimate, per fit row. */
  workingWeights: Float64Array;
  /** Input row index of each fit row. */
  rows: Int32Array;
  cluster: ClusterSummary | null;
  diagnostics: Diagnostic[];
  /**
   * What marginal means, contrasts, tests and predictions read beyond the printed result (the
   * model frame, β and its covariance, …), as plain data: it survives JSON and structured clone,
   * so a saved fit answers the same questions with the same bits. Opaque; keep it with the fit.
   */
  state: FitState;
}
