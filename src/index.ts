/**
 * rcteval: evaluate randomised controlled trials of social and mental-health interventions.
 *
 * The public API, grouped by capability. Every stage is exported on its own so a
 * notebook user can stop anywhere.
 */

// Errors and diagnostics
export * from './errors/index.js';
export { LIMITS } from './errors/checks.js';

// Trial data: model, loaders, validation, inclusion criteria
export * from './data/index.js';
export * from './instruments/index.js';

// Synthetic trials and descriptive tables
export * from './simulate/index.js';
export * from './descriptives/index.js';

// Reproducible randomness
export { createRng, type Rng } from './random/rng.js';

// Distributions, inference helpers, effect sizes
export * from './distributions/index.js';
export * from './inference/index.js';
export * from './effect-size/index.js';

// Formulas and models
export { parseFormula, quoteName, type ParsedFormula, type RandomTerm, type Term } from './formula/parse.js';
export { buildModelFrame, type FrameOptions, type ModelFrame, type DesignSpec, type VariableInfo } from './formula/frame.js';
export { compareLevels, sortLevels } from './formula/levels.js';
export type { ModelData, ColumnarData, ArqueroLike, DanfoLike } from './models/data-input.js';
export { fitLmm, fitFrame as fitLmmFrame, NO_CLUSTER } from './models/lmm/fit.js';
export type {
  LmmFit,
  LmmOptions,
  DdfMethod,
  FixedEffectRow,
  VarianceComponentRow,
  CorrelationRow,
  RandomEffectsTable,
} from './models/lmm/types.js';
export { likelihoodRatioTest, type LikelihoodRatioTest, type LikelihoodRatioRow } from './models/lmm/likelihood-ratio.js';
export { fitGlmm, glmmDevianceFunction } from './models/glmm/fit.js';
export type { GlmmFit, GlmmOptions, GlmmFamilyName, GlmmFixedEffectRow } from './models/glmm/types.js';
export { predictGlmm, likelihoodRatioTestGlmm, type GlmmPredictOptions, type GlmmLikelihoodRatioTest, type GlmmLrtModel } from './models/glmm/after-fit.js';
export { predict, type PredictOptions } from './models/lmm/predict.js';
export { fitOls, fitOlsFrame, clusterIndexFor } from './models/ols/fit.js';
export type { ClusterIndex } from './models/ols/clusters.js';
export type {
  OlsFit,
  OlsOptions,
  OlsVcovType,
  OlsDdf,
  OlsCoefficientRow,
  OlsFTest,
  ClusterSummary,
  ClusterMissingPolicy,
} from './models/ols/types.js';
export { fitGlm } from './models/glm/fit.js';
export { predictGlm, likelihoodRatioTestGlm, type GlmPredictOptions, type GlmPrediction, type GlmLikelihoodRatioOptions, type GlmLikelihoodRatioTest } from './models/glm/after-fit.js';
export { regrid } from './models/emmeans/response-scale.js';
export { makeFamily, checkResponse, DEFAULT_LINK, type Family, type FamilyName, type LinkName } from './models/glm/family.js';
export type { GlmFit, GlmOptions, GlmVcovType, GlmControl, GlmCoefficientRow, NegativeBinomialTheta } from './models/glm/types.js';
export { marginalMeans, type MarginalMeans, type MarginalMeansOptions, type MarginalMeanRow } from './models/emmeans/marginal-means.js';
export {
  contrast,
  interactionContrast,
  contrastCoefficients,
  type ContrastMethod,
  type ContrastOptions,
  type ContrastResult,
  type ContrastRow,
} from './models/emmeans/contrast.js';
export { anova, type AnovaTable, type AnovaRow } from './models/emmeans/anova.js';
// The not-estimable convention of every result row (docs/methods/not-estimable.md)
export {
  MIN_DF,
  MAX_MAGNITUDE,
  NotEstimableError,
  notEstimable,
  requireEstimable,
  unreportableNumbers,
  waldRow,
  whyNotEstimable,
  type Estimability,
  type WaldRow,
} from './results/not-estimable.js';

// Dose–response of attendance (exploratory, within the treated arm) and its causal
// counterpart by instrumental variables
export * from './dose-response/index.js';
// Subgroup analyses by interaction: definitions, per-level effects, interaction tests,
// multiplicity, forest rows
export * from './subgroups/index.js';
// Spline bases (R's splineDesign and ns)
export * from './splines/index.js';

// Clinical significance: reliable change, cut-offs, categories, between-arm comparison
export * from './clinical-significance/index.js';

// Economics: costs by arm, cost-effectiveness (bootstrap CE plane and CEAC, net-benefit
// regression), the group-course cost model, level-1 cost assessment
export * from './economics/index.js';

// Analysis plans and analyzeTrial: a whole pre-specified analysis in one call
export * from './analysis/index.js';
// Reports: Vega-Lite figures rendered to SVG in Node, a self-contained HTML page, Markdown tables
export * from './report/index.js';
// The rcteval command line and its CSV loading (two files or one long file), usable from code
export * from './cli/index.js';

// MMRM: mixed models for repeated measures with the covariance written in the formula (mmrm's
// us/cs/csh/ar1/ar1h/toep/toeph/ad/adh), Satterthwaite and Kenward–Roger df, partial nesting
export { fitMmrm, fitMmrmFrame } from './models/mmrm/fit.js';
export type { MmrmFit, MmrmOptions, MmrmDdf, MmrmCovariance } from './models/mmrm/types.js';
export { COVARIANCE_STRUCTURES, type CovarianceStructure, type CovarianceTerm, type ParseOptions } from './formula/parse.js';
