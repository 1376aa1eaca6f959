/**
 * The shapes of a fitted generalised linear mixed model: the LMM's vocabulary (fixed-effects
 * rows, variance components, conditional modes, fit criteria, optimiser, diagnostics) with the
 * family, the link and the negative-binomial θ added.
 */
import type { FitState } from '../fit-state.js';
import type { Diagnostic } from '../../errors/index.js';
import type { FrameOptions } from '../../formula/frame.js';
import type { ModelDataOptions } from '../data-input.js';
import type { FamilyName, LinkName } from '../glm/family.js';
import type { CorrelationRow, LmmFit, RandomEffectsTable, VarianceComponentRow } from '../lmm/types.js';
import type { OptimizeOptions } from '../optimize.js';
import type { Estimability, Estimate } from '../../results/types.js';

/** Families `fitGlmm` fits. */
export type GlmmFamilyName = Extract<FamilyName, 'binomial' | 'poisson' | 'negativeBinomial' | 'gamma'>;

export interface GlmmOptions extends FrameOptions, ModelDataOptions {
  /**
   * The response distribution: `binomial` (0/1, or successes out of `trials`), `poisson`,
   * `negativeBinomial` (NB2, θ estimated as glmmTMB's nbinom2), or `gamma` (positive skewed
   * values such as costs; its dispersion φ estimated as glmmTMB's Gamma, Laplace only).
   */
  family: GlmmFamilyName;
  /**
   * Link function: binomial `logit`, `probit` or `cloglog`; Poisson and negative binomial `log`;
   * gamma `log` or `inverse`.
   * @defaultValue the family's default link in R (`logit`, `log`, and `inverse` for the gamma)
   */
  link?: LinkName;
  /** Binomial only: the column holding the number of trials; the response then counts successes (R's `cbind(successes, trials − successes)`). @defaultValue none (0/1 response) */
  trials?: string;
  /** A column added to the linear predictor with coefficient 1 (R's `offset`), e.g. log days at risk. @defaultValue none */
  offset?: string;
  /** A column of prior weights ≥ 0 (Poisson, negative binomial and gamma). @defaultValue none (all 1) */
  weights?: string;
  /**
   * Quadrature points: 1 is the Laplace approximation (lme4's default); more than 1 is adaptive
   * Gauss–Hermite quadrature, available for a single scalar random effect (as glmer's `nAGQ`).
   * @defaultValue 1
   */
  nAgq?: number;
  /** A partially nested design, as in `fitLmm`: a random intercept for `cluster` in the `treated` arm only. @defaultValue none */
  partialNesting?: { cluster: string; arm: string; treated: string };
  /** Confidence level of the fixed-effect intervals. @defaultValue 0.95 */
  ciLevel?: number;
  /** Optimiser controls. */
  control?: OptimizeOptions & {
    /**
     * Block layout of the random effects (a speed switch, as in `fitLmm`).
     * @defaultValue 'auto'
     */
    structure?: 'auto' | 'dense';
  };
}

/** A row of the fixed-effects table (Wald z). */
export interface GlmmFixedEffectRow extends Estimate, Estimability {
  term: string;
  /** The estimate where the optimiser stopped (under separation it runs off towards ±∞). */
  estimate: number;
  /** Standard error; null when not estimable. */
  se: number | null;
  /** z = estimate / se; null when not estimable. */
  statistic: number | null;
  pValue: number | null;
  /** Why the Wald quantities are not estimable (e.g. separation), else null. */
  reason: string | null;
}

export interface GlmmFit {
  kind: 'glmm';
  formula: string;
  family: GlmmFamilyName;
  link: LinkName;
  /** `Laplace` or `adaptive Gauss-Hermite quadrature`. */
  method: string;
  nAgq: number;
  fixedEffects: GlmmFixedEffectRow[];
  /**
   * Covariance of the fixed effects: 2·H⁻¹ from the Hessian H of the deviance in (θ, β) (glmer's
   * default), row-major; null entries for coefficients that are not estimable (separation).
   */
  vcov: (number | null)[][];
  /** `hessian`, or `RX` when the Hessian was not positive definite (the conditional information, glmer's fallback). */
  vcovMethod: 'hessian' | 'RX';
  /** Random-effect variances (no residual: binomial and Poisson have none; NB's is in `negativeBinomialTheta`, the gamma's in `dispersion`). */
  varianceComponents: VarianceComponentRow[];
  correlations: CorrelationRow[];
  /** Relative covariance factor parameters in lme4's order (here the covariance factor itself, σ = 1). */
  theta: number[];
  thetaNames: string[];
  /** NB2 size θ (Var y = μ + μ²/θ), glmmTMB's `sigma()`; null for other families. */
  negativeBinomialTheta: number | null;
  /** Gamma dispersion φ (Var y = φμ², shape 1/φ; glmmTMB's `sigma()²`); null for other families. */
  dispersion: number | null;
  /**
   * Laplace (or AGQ) log-likelihood. For nAgq > 1 it is −deviance/2 on lme4's deviance-residual
   * scale, as glmer reports it (not comparable with nAgq = 1 or glm).
   */
  logLik: number;
  /** −2 logLik. */
  deviance: number;
  aic: number;
  bic: number;
  /** Fixed effects, θ, and the NB θ or the gamma φ. */
  nParameters: number;
  nObs: number;
  nGroups: Record<string, number>;
  /** Rows dropped for missing values, with the reasons. */
  dropped: LmmFit['dropped'];
  /** Conditional modes b = Λũ with conditional SDs (lme4's `ranef(condVar = TRUE)`). */
  randomEffects: RandomEffectsTable[];
  /** Conditional means μ (random effects at their modes), per used row. */
  fitted: Float64Array;
  /** Linear predictor η at the modes. */
  linearPredictor: Float64Array;
  /** Input row index of each fitted value. */
  rows: Int32Array;
  /** The optimiser's record (stage 2's log; `evaluations` counts both stages' deviances and analytic gradients, one each; `gradient` is analytic where the model has one, else finite differences). */
  optimizer: LmmFit['optimizer'];
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
