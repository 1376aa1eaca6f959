/**
 * rcteval: evaluate randomised controlled trials of social and mental-health interventions.
 *
 * The browser-safe core: no Node built-ins, no vega. Figures and reports are in
 * `rcteval/report`; reading and writing files, worker threads and the command line in
 * `rcteval/node`.
 *
 * The public API, by capability. Each section starts with a `//` heading line (the first line
 * of the comment block above its exports); scripts/docs/api.ts groups docs/api.md by these
 * headings, so a new capability adds one block of named exports under a heading of its own.
 * Names are listed, never `export *`, so that a helper made public for a sibling folder does
 * not become API by accident.
 */

// Errors and limits
// Typed errors (every message names what was received and what was expected), the
// diagnostics carried by results, and the size limits every argument is checked against.
export {
  RctevalError,
  SqlEngineError,
  ValidationError,
  ArgumentError,
  FormulaError,
  ConvergenceError,
  type ValidationIssue,
  type Diagnostic,
} from './errors/index.js';
export { LIMITS } from './errors/checks.js';
export { DIAGNOSTIC_CODES, type DiagnosticCode } from './errors/diagnostics.js';

// Results: the shared vocabulary and the not-estimable convention
// Every result row extends `Estimate` (estimate, ci, ciLevel and, where the method gives them,
// se, df, statistic, pValue) and either has finite numbers or is `estimable: false` with a
// reason (docs/methods/not-estimable.md); `waldRow` builds a row by that rule.
export type { CountsBy, Estimate, Interval, TestedEstimate, WaldEstimate } from './results/types.js';
export {
  NotEstimableError,
  notEstimable,
  requireEstimable,
  waldRow,
  whyNotEstimable,
  type Estimability,
  type WaldRow,
} from './results/not-estimable.js';

// Trial data: loading, validation, inclusion criteria
// Loaders from CSV text or bytes, row objects, arquero tables and danfo frames (files are
// read by `readCsvFile` in rcteval/node); validation with every problem as a ValidationIssue.
export type { Sex, Participant, Measurement, TrialDesign, TrialData } from './data/index.js';
export {
  parseCsv,
  fromCsv,
  decodeCsvBytes,
  fromRows,
  fromArquero,
  fromDanfo,
  type CsvParseOptions,
  type CsvParseResult,
  type CsvProblem,
  type CsvEncoding,
  type CsvLoadOptions,
  type RowsLoadOptions,
  type LoadOptions,
  type TextParseOptions,
  type DateFormat,
  type LoadedTable,
  type TableName,
} from './data/index.js';
export type { ArqueroLike, DanfoLike, ModelData, ColumnarData } from './models/data-input.js';
export {
  validateTrial,
  isTrialData,
  trialToRows,
  DEFAULT_SEX_CODES,
  type ValidateTrialOptions,
  type TrialInput,
  type TableInput,
  type TrialToRowsOptions,
  type ModelRow,
} from './data/index.js';
export {
  measurementRowSchema,
  participantRowSchema,
  trialDesignSchema,
  measurementRowJsonSchema,
  participantRowJsonSchema,
  trialDesignJsonSchema,
  type MeasurementRowInput,
  type ParticipantRowInput,
} from './data/index.js';
export {
  checkInclusion,
  diagnosisChapter,
  diagnosisQualifies,
  normaliseIcd10,
  SFT_CHAPTERS,
  SFT_DIAGNOSIS_RULE,
  type DiagnosisRule,
  type InclusionFailure,
  type InclusionInput,
  type InclusionOptions,
  type InclusionReport,
  type InclusionResult,
  type InclusionRule,
} from './data/index.js';

// Instruments: scoring, norms, reliability, cut-offs
export {
  createInstrumentRegistry,
  defaultInstruments,
  defaultInstrumentDefinitions,
  getInstrument,
  instrumentDefinitionSchema,
  scoreFromItems,
  levelOf,
  PSP,
  MHRM,
  WHO5,
  EQ5D_INDEX,
  EQ5D_VAS,
  type InstrumentRegistry,
  type InstrumentRegistryOptions,
  type Instrument,
  type InstrumentDefinition,
  type Direction,
  type Reference,
  type LevelBand,
  type ReliabilityKind,
  type Reliability,
  type PopulationNorm,
  type Cutoff,
  type ItemScoring,
  type MinimalImportantDifference,
} from './instruments/index.js';

// Synthetic trials with known truth
// SFT-shaped trials (scores, costs, register outcomes) for examples, tests and power;
// the committed sample in data-samples/ as CSV text (written to disk by `writeSample` in rcteval/node).
export {
  simulateTrial,
  type SimulatedTrial,
  type SimulationTruth,
  type TrueEffect,
  type TrueGroup,
  type TrueSite,
} from './simulate/trial.js';
export { simulateTrialData, type SimulatedTrialData } from './simulate/trial-data.js';
export { simulateLongColumns, type LongColumns, type LongColumnsOptions } from './simulate/columns.js';
export {
  DEFAULT_COSTS,
  DEFAULT_INSTRUMENT_SPECS,
  DEFAULT_MODIFIERS,
  DEFAULT_SESSIONS,
  DEFAULT_VISITS,
  SIM_INSTRUMENTS,
  type AgeBandSpec,
  type AttritionSpec,
  type CostSpec,
  type InstrumentSimSpec,
  type ModifierSpec,
  type ResolvedTrialOptions,
  type SessionSpec,
  type SimInstrumentId,
  type SimulateTrialOptions,
  type VisitSpec,
} from './simulate/options.js';
export {
  DEFAULT_REGISTER,
  REGISTER_STATUSES,
  REGISTER_WEEKS,
  type RegisterBedDaySummary,
  type RegisterOptions,
  type RegisterRow,
  type RegisterSpec,
  type RegisterStatus,
  type RegisterTruth,
  type RegisterWeek,
  type StatusLogOdds,
} from './simulate/register.js';
export {
  sampleCsv,
  participantsToCsv,
  measurementsToCsv,
  registerToCsv,
  SAMPLE_FILES,
  SAMPLE_OPTIONS,
  SAMPLE_SEED,
  type SampleCsv,
} from './simulate/sample.js';

// Descriptive tables: flow, baseline, outcomes by arm and visit
export { flowCounts, type FlowRow, type FlowStage } from './descriptives/flow-counts.js';
export {
  baselineTable,
  BASELINE_AGE_BANDS,
  type AgeBand,
  type BaselineRow,
  type BaselineTableOptions,
  type BaselineVariable,
} from './descriptives/baseline-table.js';
export { describeOutcomes, type OutcomeSummaryRow } from './descriptives/describe-outcomes.js';

// Reproducible randomness
export { createRng, type Rng } from './random/rng.js';

// Distributions (R's d/p/q functions)
export {
  normalPdf,
  normalCdf,
  normalQuantile,
  studentTPdf,
  studentTCdf,
  studentTQuantile,
  chiSquaredPdf,
  chiSquaredCdf,
  chiSquaredQuantile,
  fPdf,
  fCdf,
  fQuantile,
  betaPdf,
  betaCdf,
  betaQuantile,
  binomialPmf,
  binomialCdf,
  hypergeometricPmf,
  hypergeometricCdf,
  noncentralTCdf,
  noncentralTNcpInterval,
  type NormalParameters,
  type CdfOptions,
  type QuantileOptions,
  type DensityOptions,
  type NcpIntervalOptions,
} from './distributions/index.js';

// Tests and intervals for counts and proportions; multiplicity
export {
  pAdjust,
  proportionInterval,
  riskDifference,
  riskRatio,
  oddsRatio,
  chiSquareTest,
  fisherExactTest,
  type Alternative,
  type TwoGroupCounts,
  type IntervalResult,
  type TestResult,
  type PAdjustMethod,
  type PAdjustOptions,
  type ProportionIntervalMethod,
  type ProportionIntervalOptions,
  type ProportionIntervalResult,
  type RiskDifferenceOptions,
  type RiskDifferenceResult,
  type RatioResult,
  type RiskRatioOptions,
  type OddsRatioOptions,
  type OddsRatioMethod,
  type ChiSquareTestOptions,
  type ChiSquareTestResult,
  type FisherExactOptions,
  type FisherExactResult,
  type Table2x2,
} from './inference/index.js';

// Effect sizes: two-sample, paired, from a model, interpretation
export {
  cohensD,
  hedgesG,
  glassDelta,
  pairedD,
  pairedG,
  standardizedModelEffect,
  interpretEffectSize,
  EFFECT_SIZE_RULES,
  type Sample,
  type EffectSizeOptions,
  type TwoSampleOptions,
  type HedgesOptions,
  type SmallSampleCorrection,
  type CiMethod,
  type GroupSummary,
  type EffectSizeResult,
  type PairedOptions,
  type PairedType,
  type ModelDifference,
  type StandardizerInput,
  type ModelEffectOptions,
  type ModelEffectResult,
  type InterpretationRules,
  type RuleSetName,
  type InterpretOptions,
  type EffectSizeInterpretation,
} from './effect-size/index.js';

// Formulas and model frames (R's grammar and contrasts)
export { parseFormula, quoteName, type ParsedFormula, type RandomTerm, type Term } from './formula/parse.js';
export { buildModelFrame, type FrameOptions, type ModelFrame, type DesignSpec, type VariableInfo } from './formula/frame.js';

// Linear mixed models (lme4/lmerTest), partially nested designs included
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
export { predict, type PredictOptions } from './models/lmm/predict.js';

// Linear models with robust and cluster-robust errors
export { fitOls, fitOlsFrame } from './models/ols/fit.js';
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

// Generalised linear models (glm, MASS::glm.nb)
export { fitGlm } from './models/glm/fit.js';
export { makeFamily, DEFAULT_LINK, type Family, type FamilyName, type LinkName } from './models/glm/family.js';
export type { GlmFit, GlmOptions, GlmVcovType, GlmControl, GlmCoefficientRow, NegativeBinomialTheta } from './models/glm/types.js';
export { predictGlm, likelihoodRatioTestGlm, type GlmPredictOptions, type GlmPrediction, type GlmLikelihoodRatioOptions, type GlmLikelihoodRatioTest } from './models/glm/after-fit.js';

// Generalised linear mixed models (glmer)
export { fitGlmm, glmmDevianceFunction } from './models/glmm/fit.js';
export type { GlmmFit, GlmmOptions, GlmmFamilyName, GlmmFixedEffectRow } from './models/glmm/types.js';
export { predictGlmm, likelihoodRatioTestGlmm, type GlmmPredictOptions, type GlmmLikelihoodRatioTest, type GlmmLrtModel } from './models/glmm/after-fit.js';

// Marginal means, contrasts and tests on any fitted model (emmeans)
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
export { regrid } from './models/emmeans/response-scale.js';

// Clinical significance: reliable change, cut-offs, categories, between-arm comparison
export { clinicalSignificance } from './clinical-significance/clinical-significance.js';
export { clinicalCutoff, type CutoffNorm, type CutoffNorms } from './clinical-significance/cutoff.js';
export {
  compareClinicalSignificance,
  CHANGE_CATEGORIES,
  type BinaryTestChoice,
  type BinaryOutcome,
  type BinaryTest,
  type BinaryComparisonRow,
  type CategoryProportionRow,
  type MissingRow,
  type OrdinalComparisonRow,
  type CompareClinicalSignificanceOptions,
  type ClinicalSignificanceComparison,
} from './clinical-significance/compare.js';
export { numberNeededToTreat, type NntOptions, type NntResult, type RiskDifferenceInput } from './clinical-significance/nnt.js';
export {
  proportionalOddsComparison,
  probabilityOfSuperiority,
  type OrdinalOptions,
  type ProportionalOddsResult,
  type SuperiorityResult,
} from './clinical-significance/ordinal.js';
export { RCI_METHODS, type RciMethodInfo } from './clinical-significance/methods.js';
export {
  type RciMethod,
  type CutoffType,
  type CustomCutoff,
  type CutoffOption,
  type ChangeCategory,
  type ChangeStatus,
  type NormInput,
  type NormsOption,
  type NormUsed,
  type ClinicalCutoff,
  type BaselineSdSource,
  type ReliabilityUsed,
  type ClinicalSignificanceArrays,
  type ClinicalSignificanceOptions,
  type TrialClinicalSignificanceOptions,
  type ArrayClinicalSignificanceOptions,
  type ChangeRow,
  type RciParameterRow,
  type CategoryCountRow,
  type ClinicalSignificanceClassification,
} from './clinical-significance/types.js';

// Dose–response of attendance (exploratory) and its causal counterpart by instrumental variables
export {
  attendanceData,
  type AttendanceDataOptions,
  type AttendanceData,
  type AttendanceRow,
  type ControlAttendancePolicy,
} from './dose-response/attendance-data.js';
export {
  attendanceEffects,
  type AttendanceEffectsOptions,
  type AttendanceEffectsResult,
  type AttendanceEffect,
  type CaceEffect,
} from './dose-response/attendance-effects.js';
export {
  doseResponse,
  type DoseResponseOptions,
  type DoseResponseResult,
  type DoseForm,
  type DoseExposure,
  type DoseOutcome,
  type DoseEstimate,
  type DoseSlope,
  type DoseBandRow,
  type DosePredictionRow,
} from './dose-response/dose-response.js';
export {
  twoStageLeastSquares,
  WEAK_INSTRUMENT_F,
  type IvOptions,
  type IvFit,
  type IvVcovType,
  type IvFirstStage,
} from './dose-response/two-stage-least-squares.js';
export { defaultAttendanceBands, type AttendanceBand, type ResolvedAttendanceBand } from './dose-response/bands.js';

// Spline bases (R's splineDesign and ns)
export { splineDesign } from './splines/spline-design.js';
export { naturalSpline, type NaturalSplineBasis, type NaturalSplineOptions } from './splines/natural-spline.js';

// Subgroup analyses by interaction
// Definitions, per-level effects, interaction tests, multiplicity, forest rows.
export {
  defineSubgroup,
  yearsSinceDiagnosis,
  SUBGROUP_AGE_BANDS,
  type SubgroupSpec,
  type SubgroupDefinition,
  type DefineSubgroupContext,
  type SubgroupAgeBand,
} from './subgroups/definitions.js';
export {
  subgroupAnalysis,
  type SubgroupAnalysisOptions,
  type SubgroupAnalysisResult,
  type SubgroupVariableResult,
  type SubgroupEffect,
  type SubgroupInteractionTest,
  type SubgroupForestRow,
} from './subgroups/analysis.js';
export { SubgroupLevelsError } from './subgroups/errors.js';

// Economics: costs, cost-effectiveness, cost-utility, cost models
// Costs by arm, the bootstrap CE plane and acceptability curve (worker threads in Node:
// `openWorkerPool` in rcteval/node), net-benefit regression, QALYs, skewed-cost models,
// the group-course cost model and the level-1 cost assessment.
export {
  attachCosts,
  costsByArm,
  participantCostTotals,
  TOTAL,
  costEffectiveness,
  DEFAULT_WTP,
  icer,
  netMonetaryBenefit,
  acceptabilityCurve,
  netBenefitRegression,
  percentileInterval,
  bcaInterval,
  type CostParticipant,
  type CostRecord,
  type BootstrapEstimate,
  type CiType,
  type AllowNegative,
  type CostsByArmOptions,
  type CostsByArmResult,
  type CostSummary,
  type CostDifference,
  type CostTotalOptions,
  type ParticipantCostTotal,
  type EffectRecord,
  type CostEffectInput,
  type EffectEstimator,
  type IcerResult,
  type Quadrant,
  type AcceptabilityCurve,
  type CostEffectivenessOptions,
  type CostEffectivenessResult,
  type NetBenefitAtWtp,
  type NetBenefitRegressionOptions,
  type NetBenefitRegressionResult,
  type NetBenefitRegressionRow,
  type BootstrapInterval,
  type WorkerPool,
  type WorkerPoolOptions,
  type ThreadingOptions,
  type ResampleScheme,
} from './economics/index.js';
export {
  qalys,
  utilityArea,
  baselineAdjustedDifference,
  incrementalQaly,
  incrementalCost,
  influenceOfLargest,
  largestCostsInfluence,
  costUtility,
  expectedValueOfPerfectInformation,
  probabilityOfEffectAtCost,
  DEFAULT_WTP_QALY,
  type QalyInput,
  type QalyOptions,
  type QalyHorizon,
  type QalyParticipant,
  type UtilityMeasurement,
  type QalyResult,
  type QalyHorizonResult,
  type ParticipantQaly,
  type ArmQaly,
  type BaselinePair,
  type BaselineAdjustmentOptions,
  type BaselineAdjustedResult,
  type AdjustmentVcov,
  type DifferenceRow,
  type IncrementalCostOptions,
  type MeasureValue,
  type LargestValuesOptions,
  type LargestValuesResult,
  type LargestCostsOptions,
  type MeanDifference,
  type CePlane,
  type CostUtilityOptions,
  type CostUtilityResult,
  type EvpiCurve,
  type EffectAtCostProbability,
} from './economics/index.js';
export {
  gammaCostModel,
  twoPartCostModel,
  type SkewedCostInput,
  type SkewedCostOptions,
  type TwoPartCostOptions,
  type DeltaEstimate,
  type ArmMean,
  type GammaCostModelResult,
  type TwoPartArm,
  type TwoPartBootstrap,
  type TwoPartEstimates,
  type TwoPartCostModelResult,
} from './economics/index.js';
export {
  groupCourseCost,
  groupSizeTable,
  breakEvenGroupSize,
  payerSplit,
  levelOneCostAssessment,
  levelOneMeasures,
  oneWaySensitivity,
  priceAdjust,
  presentValue,
  discountWeights,
  type GroupCourseInputs,
  type GroupCourseCost,
  type BreakEven,
  type PayerItem,
  type PayerSplit,
  type CostItem,
  type CostTiming,
  type LevelOneInputs,
  type LevelOneResult,
  type PvAmount,
  type SensitivityAnalysis,
  type SensitivityRow,
  type SensitivityTable,
} from './economics/index.js';

// Analysis plans: a whole pre-specified analysis in one call
// A plan (JSON, checked by a zod schema) → `analyzeTrial` → one JSON result; the section
// adapters are the extension point for a new plan section.
export {
  analyzeTrial,
  primaryNotEstimable,
  parseAnalysisPlan,
  analysisPlanSchema,
  analysisPlanJsonSchema,
  planDesign,
  defaultAdapters,
  type AnalyzeOptions,
  type ProgressEvent,
  type AnalysisPlan,
  type AnalysisPlanInput,
  type PlanModel,
  type ClinicalSignificancePlan,
  type DoseResponsePlan,
  type SubgroupsPlan,
  type SubgroupVariablePlan,
  type EconomicsPlan,
  type SectionAdapters,
  type SectionAdapter,
  type AnalysisContext,
} from './analysis/index.js';
export type {
  TrialAnalysis,
  OutcomeResult,
  SectionResult,
  TrajectoryPoint,
  ErrorInfo,
  EstimateRow,
  MaybeEstimateRow,
  CoefficientRow,
  VarianceRow,
  ModelSummary,
  ArmVisitMean,
  ArmDifference,
  Interpretation,
  StandardizedEffect,
  InteractionTest,
  WithinArmChange,
  ClinicalSignificanceSection,
  DoseResponseSection,
  SubgroupsSection,
  BootstrapSummary,
  CostEffectivenessSummary,
  EconomicsSection,
  DifferenceSummary,
  SkewedCostSummary,
  CostUtilityHorizon,
  CostUtilitySection,
} from './analysis/types.js';

// Power and sample size for partially nested trials: analytic, by simulation, and the
// parametric bootstrap of a fitted LMM
export {
  partiallyNestedPower,
  solvePartiallyNested,
  type AnalyticPowerOptions,
  type AnalyticPowerResult,
  type PartiallyNestedDesign,
  type PowerAnalysis,
  type PowerDfMethod,
  type SolveFor,
  type SolveOptions,
  type SolveResult,
} from './power/analytic.js';
export {
  powerBySimulation,
  primaryLmmAnalysis,
  replicateSeed,
  simulationDesignFor,
  type AnalyseFunction,
  type FailureSummary,
  type PowerProgress,
  type PowerSimulationOptions,
  type PowerSimulationResult,
  type RejectionRate,
  type SimulationDesign,
} from './power/simulation.js';
export {
  bootstrapLrt,
  defaultFitStatistic,
  parametricBootstrap,
  simulateFromFit,
  type BootstrapLrtOptions,
  type BootstrapLrtResult,
  type BootstrapStatisticRow,
  type FitStatistic,
  type ParametricBootstrapOptions,
  type ParametricBootstrapResult,
  type SimulateFromFitOptions,
  type SimulatedResponses,
} from './power/bootstrap.js';
export { powerCurve, type PowerCurve, type PowerCurveOptions, type PowerCurvePoint } from './power/curve.js';
export { runPowerPlan, type PowerPlanResult } from './analysis/power-plan.js';

// MMRM: mixed models for repeated measures
// The covariance written in the formula as mmrm does (us, cs/csh, ar1/ar1h, toep/toeph, ad/adh;
// per arm with `us(visit | arm / id)`), REML/ML, Satterthwaite and Kenward–Roger df, and the
// partially nested therapy-group effect.
export { fitMmrm, fitMmrmFrame } from './models/mmrm/fit.js';
export type { MmrmFit, MmrmOptions, MmrmDdf, MmrmCovariance } from './models/mmrm/types.js';
export { COVARIANCE_STRUCTURES, type CovarianceStructure, type CovarianceTerm, type ParseOptions } from './formula/parse.js';

// Missing data: multiple imputation, Rubin's rules, δ adjustment, reference-based imputation
// Imputation from a joint multilevel model respecting partial nesting, Rubin's rules for any
// fit (coefficients, marginal means, contrasts), tipping points, J2R / CR / CIR.
export {
  poolEstimates,
  poolFits,
  poolMarginalMeans,
  poolContrasts,
  barnardRubinDf,
  type PoolInputRow,
  type PooledRow,
  type PooledEstimates,
  type PoolOptions,
  type PoolFitsOptions,
  type PoolMarginalMeansOptions,
  type PooledMarginalMeanRow,
  type PoolContrastsOptions,
  type PooledContrastRow,
} from './missing-data/pool.js';
export { multipleImputation, MI_LIMITS, type MultipleImputation, type MultipleImputationOptions, type CompletedRow } from './missing-data/impute.js';
export type { Strategy as ImputationStrategy } from './missing-data/gibbs.js';
export type { DeltaSpec } from './missing-data/delta.js';
export type { ImputationColumns } from './missing-data/wide.js';
export { fitImputations, type FitImputationsOptions, type ImputationFits } from './missing-data/fit-imputations.js';
export { tippingPoint, type TippingPointOptions, type TippingPointResult, type TippingPointRow, type TippingPointSummary, type AnalysisRow } from './missing-data/tipping-point.js';

// Register outcomes: labour-market status and bed-days from registers
// The register table's schema and defaults, and the register plan section's adapter helpers
// (status shares, the longest stays); the models are fitGlm / fitGlmm.
export {
  DEFAULT_REGISTER_STATUSES,
  DEFAULT_REGISTER_WEEKS,
  REGISTER_FIELDS,
  registerRowJsonSchema,
  registerRowSchema,
  type RegisterRowInput,
} from './data/schema.js';
export type { RegisterDesign } from './data/validate.js';
export type { RegisterPlan } from './analysis/plan.js';
export { longestStays, registerAdapter, registerShares } from './analysis/adapters/register.js';
export type {
  RegisterSection,
  RegisterShareRow,
  RegisterContrastRow,
  RegisterCategoryContrast,
  RegisterBedDaysByArm,
  RegisterRateRatio,
  RegisterBedDays,
} from './analysis/types.js';

// Missing data and sensitivity: the plan section's adapter and report section (issue 13, item 4)
export type { MissingDataPlan } from './analysis/plan.js';
export { missingDataAdapter, missingDataRows, missingDataSeed } from './analysis/adapters/missing-data.js';
export type { MissingDataSection, MissingDataEffect } from './analysis/types.js';
export { missingDataChapter, missingDataSection, type AssumptionResult, type MissingDataChapterInput } from './report/sections/missing-data.js';
export type { TippingPointView } from './report/figures/tipping-point.js';

// Package version (recorded in every analysis)
export { VERSION } from './version.js';
