/**
 * The shapes of a fitted MMRM (mixed model for repeated measures). A fit is a plain object, in
 * the vocabulary of `fitLmm`'s fits (fixedEffects, vcov, logLik, aic, bic, diagnostics).
 */
import type { Diagnostic } from '../../errors/index.js';
import type { FrameOptions } from '../../formula/frame.js';
import type { ModelDataOptions } from '../data-input.js';
import type { CovarianceStructure } from '../../formula/parse.js';
import type { OptimizeOptions, OptimizerReport } from '../optimize.js';
import type { FixedEffectRow } from '../lmm/types.js';

/** Degrees of freedom (and, for Kenward–Roger, the adjusted covariance) of the fixed effects, as mmrm's `method`/`vcov`. */
export type MmrmDdf = 'Satterthwaite' | 'Kenward-Roger' | 'Kenward-Roger-Linear' | 'asymptotic';

export interface MmrmOptions extends FrameOptions, ModelDataOptions {
  /**
   * Restricted maximum likelihood (REML) or maximum likelihood.
   * @defaultValue true
   */
  reml?: boolean;
  /**
   * Degrees of freedom for the fixed-effect table, marginal means and tests: Satterthwaite (mmrm's
   * default), Kenward–Roger (mmrm's `method = "Kenward-Roger"`: adjusted covariance with the
   * second-derivative term, in mmrm's parametrisation), Kenward–Roger-Linear (mmrm's
   * `vcov = "Kenward-Roger-Linear"`: without it, as SAS), or asymptotic (normal reference).
   * Kenward–Roger needs REML.
   * @defaultValue 'Satterthwaite'
   */
  ddf?: MmrmDdf;
  /**
   * Beyond mmrm: the therapy-group random intercept of a partially nested design, for rows of
   * `arm == treated` only, added to the MMRM's within-participant covariance (as `fitLmm`'s
   * option). Kenward–Roger is not available with it (Satterthwaite is).
   * @defaultValue none
   */
  partialNesting?: { cluster: string; arm: string; treated: string };
  /** Confidence level of the fixed-effect intervals. @defaultValue 0.95 */
  ciLevel?: number;
  /** Optimiser controls. */
  control?: OptimizeOptions & {
    /** Start values of the variance parameters in mmrm's parametrisation (then the partial-nesting SD ratio). @defaultValue log SD of the response, correlations 0 */
    start?: number[];
  };
}

/** The estimated covariance between visits of one group (or of everyone). */
export interface MmrmCovariance {
  /** The group's level (`us(visit | arm / id)`), or null for one covariance. */
  group: string | null;
  visits: string[];
  /** Σ, visits × visits. */
  covariance: number[][];
  correlation: number[][];
  sd: number[];
}

export interface MmrmFit {
  kind: 'mmrm';
  formula: string;
  structure: CovarianceStructure;
  reml: boolean;
  ddf: MmrmDdf;
  fixedEffects: FixedEffectRow[];
  /** Covariance of the fixed effects (row-major by `fixedEffects` order); Kenward–Roger's adjusted one for those methods. */
  vcov: number[][];
  /** The unadjusted covariance (X'Ω⁻¹X)⁻¹ (equal to `vcov` except for Kenward–Roger). */
  vcovUnadjusted: number[][];
  covariance: MmrmCovariance[];
  /** Variance parameters in mmrm's parametrisation (per group, in the groups' order). */
  theta: number[];
  thetaNames: string[];
  /** Covariance of θ (mmrm's `theta_vcov`: inverse Hessian of −log-likelihood). */
  thetaVcov: number[][];
  /** The partially nested design's cluster variance, or null. */
  clusterVariance: { cluster: string; variance: number; sd: number } | null;
  logLik: number;
  /** −2 log-likelihood (REML or ML, as fitted). */
  deviance: number;
  /** mmrm's: −2 logLik + 2k, k = number of variance parameters (for ML as well, as mmrm). */
  aic: number;
  /** mmrm's: −2 logLik + k log(number of subjects). */
  bic: number;
  nParameters: number;
  nObs: number;
  nSubjects: number;
  nVisits: number;
  dropped: { total: number; missingResponse: number; missingPredictor: Record<string, number> };
  fitted: Float64Array;
  residuals: Float64Array;
  rows: Int32Array;
  optimizer: OptimizerReport;
  droppedColumns: string[];
  diagnostics: Diagnostic[];
}
