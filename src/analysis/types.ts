/**
 * The results of `analyzeTrial`: plain JSON (objects, arrays, strings, finite numbers, `null`),
 * so they survive `JSON.stringify`/`JSON.parse` and `structuredClone` unchanged and can be stored
 * beside the report. Numbers that are undefined (a mean nobody was measured for) are `null`,
 * never `NaN`.
 */
import type { Diagnostic } from '../errors/index.js';
import type { TrialDesign } from '../data/types.js';
import type { FlowRow } from '../descriptives/flow-counts.js';
import type { BaselineRow } from '../descriptives/baseline-table.js';
import type { OutcomeSummaryRow } from '../descriptives/describe-outcomes.js';
import type { AnalysisPlan } from './plan.js';
import type { CountsBy, Estimability, Estimate, Interval, TestedEstimate, WaldEstimate } from '../results/types.js';

export type { Interval };

/** An error a section or outcome met, with the library's typed error name and code. */
export interface ErrorInfo {
  /** Error class, e.g. `ArgumentError`, `ConvergenceError`. */
  name: string;
  /** Stable error code (`ARGUMENT`, `VALIDATION`, …), or `null` for an unexpected error. */
  code: string | null;
  message: string;
}

/** An estimate with its test and interval, in the library's result vocabulary. */
export interface EstimateRow extends TestedEstimate {}

/**
 * An estimate that may not be estimable: then `estimable` is false, `reason` says why, and the
 * numbers (and the estimate where it is not defined) are `null` (docs/methods/not-estimable.md).
 */
export interface MaybeEstimateRow extends WaldEstimate {}

/** A fixed-effect coefficient. */
export interface CoefficientRow extends MaybeEstimateRow {
  term: string;
}

/** A variance component (or the residual). */
export interface VarianceRow {
  group: string;
  term: string | null;
  variance: number;
  sd: number;
}

/** One fitted model, summarised. */
export interface ModelSummary {
  kind: 'mixed' | 'ancova';
  /** The visit an ANCOVA was fitted at; `null` for a mixed model over visits. */
  visit: string | null;
  formula: string;
  /** The model and its choices in words. */
  method: string;
  nObs: number;
  nParticipants: number;
  /** Clusters of the cluster term or cluster-robust covariance; `null` without one. */
  nClusters: number | null;
  ddf: string;
  coefficients: CoefficientRow[];
  varianceComponents: VarianceRow[];
  logLik: number;
  aic: number;
  converged: boolean;
  singular: boolean;
  diagnostics: Diagnostic[];
}

/** A model-estimated mean of one arm at one visit. */
export interface ArmVisitMean extends Estimate, Estimability {
  arm: string;
  visit: string;
  /** Months since randomisation (design.visitMonths), or `null`. */
  months: number | null;
  se: number | null;
  df: number | null;
  /** Why the mean is not estimable (e.g. nobody of the arm was measured at the visit). */
  reason: string | null;
}

/** A difference between an arm and the reference arm; not estimable ones are kept with the reason. */
export interface ArmDifference extends MaybeEstimateRow {
  arm: string;
  reference: string;
  visit: string;
  months: number | null;
  /** The p-value adjusted across outcomes at the primary visit (plan.multiplicity); `null` elsewhere or with no adjustment. */
  pAdjusted: number | null;
  /** For differences in change: the visit the change is measured from. */
  from: string | null;
}

/** A verbal label for a standardized difference. */
export interface Interpretation {
  label: string;
  /** Rule set, e.g. `cohen1988`. */
  rules: string;
  reference: string | null;
}

/** A standardized difference (model-based or observed). */
export interface StandardizedEffect extends Estimate {
  arm: string;
  reference: string;
  visit: string;
  /** `model`: the model's difference ÷ a baseline SD (Feingold 2009); `observed-change`: Hedges' g / Cohen's d of observed change. */
  basis: 'model' | 'observed-change';
  estimate: number;
  ci: Interval;
  /** Participants behind the SD (model) or the two arms' complete pairs (observed). */
  n: number | null;
  standardizer: number;
  method: string;
  interpretation: Interpretation;
}

/** The arm × visit interaction test: does the arm difference vary over visits? */
export interface InteractionTest extends Estimability {
  term: string;
  numDf: number;
  /** `null` with the statistic and p-value when the test cannot be formed (`reason`). */
  denDf: number | null;
  statistic: number | null;
  pValue: number | null;
  method: string;
}

/** A within-arm change from baseline (pre-post design). */
export interface WithinArmChange {
  arm: string;
  visit: string;
  from: string;
  /** Participants with a baseline score. */
  nBaseline: number;
  /** Participants with a follow-up score. */
  nFollowUp: number;
  /** Participants with both. */
  nPairs: number;
  estimable: boolean;
  /** Why not, when not estimable. */
  reason: string | null;
  /** Mean of the complete pairs at baseline and follow-up, and the mean change with a paired t interval. */
  meanBaseline: number | null;
  meanFollowUp: number | null;
  change: EstimateRow | null;
  sdChange: number | null;
  effectSize: (Omit<StandardizedEffect, 'arm' | 'reference' | 'visit' | 'basis'> & { type: string }) | null;
}

/** Everything the primary analysis says about one outcome. */
export interface OutcomeResult {
  instrument: string;
  label: string;
  role: 'primary' | 'secondary';
  /** From the instrument registry; `null` for an unregistered instrument. */
  direction: 'higher-better' | 'lower-better' | null;
  range: { min: number; max: number } | null;
  status: 'estimated' | 'not-estimable';
  /** Why not, when not estimable (the library's error message). */
  reason: ErrorInfo | null;
  models: ModelSummary[];
  means: ArmVisitMean[];
  differences: ArmDifference[];
  changeDifferences: ArmDifference[];
  interaction: InteractionTest | null;
  effectSizes: StandardizedEffect[];
  withinArm: WithinArmChange[];
  diagnostics: Diagnostic[];
}

/** One observed score, for trajectory, change and Jacobson figures. */
export interface TrajectoryPoint {
  instrument: string;
  id: string;
  arm: string;
  visit: string;
  months: number | null;
  score: number;
}

/** A section whose capability ran, was not asked for, is not in this build, or failed. */
export type SectionResult<T> =
  | { status: 'done'; result: T }
  | { status: 'not-requested' }
  | { status: 'not-available'; capability: string; reason: string }
  | { status: 'failed'; error: ErrorInfo };

/** Clinical significance (reliable change and cut-offs), as the report reads it. */
export interface ClinicalSignificanceSection {
  /** One row per instrument × visit: the method, reliability, threshold and cut-off used. */
  settings: {
    instrument: string;
    visit: string;
    method: string;
    reliability: number;
    reliabilitySource: string | null;
    /** Critical value of the index. */
    criticalValue: number;
    /** Change (in points) needed for a reliable change; `null` for methods where it depends on the baseline score. */
    threshold: number | null;
    cutoff: { type: string; value: number; formula: string } | null;
    direction: 'higher-better' | 'lower-better';
  }[];
  /** Counts of each category per arm × visit (participants with no follow-up counted under `missing`). */
  categories: { instrument: string; visit: string; arm: string; category: string; n: number; denominator: number; percent: number | null }[];
  /** Participants not classified, per arm: without a follow-up score (never counted as unchanged), without a baseline, or not classifiable. */
  missing: { instrument: string; visit: string; arm: string; noFollowUp: number; noBaseline: number; notClassifiable: number }[];
  /** Between-arm comparisons of "reliably improved" and "recovered". */
  comparisons: {
    instrument: string;
    visit: string;
    outcome: string;
    arm: string;
    reference: string;
    riskDifference: { estimate: number; ci: Interval; method: string };
    riskRatio: { estimate: number | null; ci: Interval | null } | null;
    oddsRatio: { estimate: number | null; ci: Interval | null } | null;
    nnt: { estimate: number | null; text: string } | null;
    test: { method: string; pValue: number } | null;
  }[];
  /** Ordinal comparison across the categories: common odds ratio of a better category, and the probability of superiority. */
  ordinal: {
    instrument: string;
    visit: string;
    arm: string;
    reference: string;
    oddsRatio: { estimate: number; ci: Interval; pValue: number } | null;
    superiority: { estimate: number; ci: Interval; pValue: number } | null;
    method: string;
  }[];
  /** Per participant (individual data only): baseline, follow-up and category. */
  participants: { instrument: string; visit: string; id: string; arm: string; baseline: number; followUp: number; category: string }[];
  /** Category order from best to worst, e.g. recovered, improved, unchanged, deteriorated, harmed. */
  categoryOrder: string[];
  method: string;
  diagnostics: Diagnostic[];
}

/** Dose–response (attendance and outcome) as the report reads it. */
export interface DoseResponseSection {
  /** Slopes and band effects: exploratory, since attendance is not randomised. */
  estimates: { instrument: string; visit: string; form: string; term: string; estimate: number; se: number; df: number; ci: Interval; pValue: number; n: number; nClusters: number | null; method: string }[];
  /** Predicted outcome over attendance with a CI band, per instrument × visit × form. */
  curves: { instrument: string; visit: string; form: string; x: number; estimate: number; lower: number; upper: number }[];
  /** Observed points (individual data only). */
  observed: { instrument: string; visit: string; x: number; y: number }[];
  /** Tests of any association of attendance with the outcome (all attendance terms zero), per form. */
  tests: { instrument: string; visit: string; form: string; statistic: number; numDf: number; denDf: number; pValue: number; method: string }[];
  /** Causal (instrumental-variable) estimates: CACE and effect per session. */
  causal: { instrument: string; visit: string; estimand: string; estimate: number; se: number; ci: Interval; pValue: number; firstStageF: number | null; method: string }[];
  exposureLabel: string;
  method: string;
  diagnostics: Diagnostic[];
}

/** Subgroup analyses as the report reads them. */
export interface SubgroupsSection {
  /** One interaction test per instrument × subgroup variable (jointly over the visits analysed). */
  tests: {
    instrument: string;
    visits: string[];
    variable: string;
    label: string;
    prespecified: boolean;
    /** The test; when it cannot be formed, why (`not testable: …`) with `null` statistic and p-values. */
    method: string;
    statistic: number | null;
    numDf: number;
    /** Denominator df of an F test; `null` for a likelihood-ratio (χ²) test. */
    denDf: number | null;
    pValue: number | null;
    /** The p-value adjusted across subgroup variables (`adjust`), or the unadjusted one for `none`. */
    pAdjusted: number | null;
    adjust: string;
  }[];
  /** Forest-plot rows: the arm difference within each level. */
  rows: {
    instrument: string;
    visit: string;
    variable: string;
    level: string;
    nByArm: Record<string, number>;
    estimable: boolean;
    reason: string | null;
    estimate: number | null;
    ci: Interval | null;
    ciLevel: number;
  }[];
  method: string;
  diagnostics: Diagnostic[];
}

/** A bootstrap estimate reduced to what the report prints. */
export interface BootstrapSummary extends Estimate {
  estimate: number;
  se: number | null;
}

/** One cost-effectiveness analysis (an outcome at a visit). */
export interface CostEffectivenessSummary {
  label: string;
  outcome: string;
  visit: string;
  control: string;
  treated: string;
  costCategories: string[] | null;
  n: CountsBy<'control' | 'treated'>;
  excluded: number;
  meanCost: { control: number; treated: number };
  incrementalCost: BootstrapSummary;
  incrementalEffect: BootstrapSummary;
  icer: { estimate: number | null; quadrant: string; interpretation: string };
  /** The quadrant shares of the replicates. */
  quadrantShares: Record<string, number>;
  netBenefit: { wtp: number; estimate: number; ci: Interval | null; probabilityCostEffective: number }[];
  ceac: { wtp: number[]; probability: number[]; probabilityCostSaving: number; probabilityEffectPositive: number };
  /** Replicates of (ΔE, ΔC) kept for the plane (the first `planePoints`). */
  plane: { deltaEffect: number[]; deltaCost: number[] };
  replicates: number;
  seed: number;
  method: string;
  diagnostics: Diagnostic[];
}

/** Economics as the report reads it. */
export interface EconomicsSection {
  currency: string;
  priceYear: number | null;
  costsByArm: {
    arm: string;
    category: string;
    n: number;
    nMissing: number;
    mean: BootstrapSummary;
    median: number | null;
    shareZero: number | null;
  }[];
  costDifferences: { arm: string; reference: string; category: string; difference: BootstrapSummary }[];
  costsMethod: string | null;
  analyses: CostEffectivenessSummary[];
  diagnostics: Diagnostic[];
}

/** A treated − control difference as the report prints it (df `null` for a z reference; `estimable: false` rows carry the reason). */
export type DifferenceSummary = MaybeEstimateRow;

/** A skewed-cost model's mean cost difference, or why there is none. */
export type SkewedCostSummary =
  | {
      estimable: true;
      model: 'gamma' | 'two-part';
      n: number;
      /** Mean cost per arm by recycled predictions. */
      arms: { arm: string; estimate: number; ci: Interval | null; zeros: number; n: number }[];
      difference: DifferenceSummary;
      /** Percentile bootstrap of the two-part difference (`null` for the gamma model or with 0 replicates). */
      bootstrap: { estimate: number; se: number | null; ci: Interval | null; ciLevel: number; replicates: number; seed: number } | null;
      method: string;
      diagnostics: Diagnostic[];
    }
  | { estimable: false; model: 'gamma' | 'two-part'; reason: string; method: string; diagnostics: Diagnostic[] };

/** QALYs and cost per QALY over one horizon. */
export interface CostUtilityHorizon {
  label: string;
  visits: string[];
  /** Mean discounted QALYs by arm (complete cases). */
  byArm: { arm: string; n: number; excluded: number; estimate: number; se: number | null; ci: Interval | null; ciLevel: number; undiscounted: number; baselineUtility: number }[];
  /** Incremental QALYs: difference in means and the baseline-utility-adjusted arm coefficient. */
  incrementalQaly: {
    n: CountsBy<'control' | 'treated'>;
    unadjusted: DifferenceSummary;
    adjusted: DifferenceSummary;
    vcov: string;
    method: string;
    diagnostics: Diagnostic[];
  };
  /** The joint bootstrap of costs and QALYs (effect = QALYs). */
  costPerQaly: CostEffectivenessSummary & { adjustBaseline: boolean };
  /** Expected value of perfect information per person over the willingness-to-pay grid. */
  evpi: { wtp: number[]; perPerson: number[]; replicates: number; method: string };
  method: string;
  diagnostics: Diagnostic[];
}

/** Cost-utility as the report reads it. */
export interface CostUtilitySection {
  instrument: string;
  valueSet: string;
  discountRate: number;
  time: 'dates' | 'nominal';
  currency: string;
  priceYear: number | null;
  horizons: CostUtilityHorizon[];
  /** Skewed-cost models of the participants' total costs (empty unless the plan asks). */
  skewedCosts: SkewedCostSummary[];
  method: string;
  diagnostics: Diagnostic[];
}

/** An arm difference at one visit under a stated missing-data assumption (missing-data section). */
export interface MissingDataEffect extends DifferenceSummary {
  visit: string;
  /** Fraction of missing information (pooled results); `null` for a single fit. */
  fmi: number | null;
}

/** The missing-data section: missingness, the effect under MAR (primary, MI, MMRM) and the δ tipping point. */
export interface MissingDataSection {
  instrument: string;
  label: string;
  treated: string;
  reference: string;
  primaryVisit: string;
  /** Missing follow-up scores by arm and visit (`afterDropout`: after the last observed follow-up). */
  missing: { arm: string; visit: string; n: number; missing: number; afterDropout: number }[];
  /** The primary analysis (analysis result of the outcome) at the primary visit, under MAR. */
  primary: MissingDataEffect & { analysis: string };
  /** MI-pooled ANCOVA arm difference at each follow-up visit. */
  imputation: { m: number; seed: number; burnIn: number; between: number; rows: MissingDataEffect[]; method: string };
  /** MI-pooled ANCOVA under each reference-based rule of the plan (MNAR for the treated arm after dropout). */
  referenceBased: { strategy: 'J2R' | 'CR' | 'CIR'; rows: MissingDataEffect[]; method: string }[];
  /** MMRM alongside, when asked for. */
  mmrm: { structure: string; formula: string; rows: MissingDataEffect[]; method: string } | null;
  /** The δ grid (δ per arm; the MAR imputations shifted after dropout), pooled at the primary visit. */
  tippingPoint: {
    arms: string[];
    rows: (MissingDataEffect & { delta: Record<string, number> })[];
    /** The grid point with every δ at 0 (MAR). */
    mar: MissingDataEffect;
    tippingPoints: { arm: string; lossOfSignificance: number | null; signChange: number | null; note: string | null }[];
    alpha: number;
    cumulative: boolean;
    m: number;
    method: string;
  };
  method: string;
  diagnostics: Diagnostic[];
}

/** Share of one labour-market status among an arm's participants in the register in one snapshot week. */
export interface RegisterShareRow {
  arm: string;
  week: string;
  status: string;
  /** Participants in the status. */
  count: number;
  /** Participants of the arm with a status that week (those who left the register are not counted). */
  total: number;
  /** count / total; `null` when nobody of the arm has a status that week. */
  share: number | null;
}

/** Treated vs control in one snapshot week, for one status category. */
export interface RegisterContrastRow {
  week: string;
  /** Conditional odds ratio (treated / control) from the logistic GLMM; z test and interval on the log-odds scale. */
  oddsRatio: MaybeEstimateRow;
  /** Risk difference (treated − control) on the probability scale, delta-method SE. */
  riskDifference: MaybeEstimateRow;
}

/** The binary contrast of one status category (in it vs not) from a logistic GLMM. */
export interface RegisterCategoryContrast {
  status: string;
  label: string;
  estimable: boolean;
  /** Why the model could not be fitted (then `rows` is empty). */
  reason: string | null;
  formula: string;
  method: string;
  nObs: number;
  nParticipants: number;
  /** Rows in the category (the events). */
  nEvents: number;
  rows: RegisterContrastRow[];
  /** Random-intercept variances (participant; therapy group in the treated arm). */
  varianceComponents: VarianceRow[];
  diagnostics: Diagnostic[];
}

/** Bed-days over the register window by arm, as observed. */
export interface RegisterBedDaysByArm {
  arm: string;
  n: number;
  total: number;
  mean: number | null;
  median: number | null;
  max: number | null;
  /** Participants with no bed-day. */
  zeros: number;
  /** Share of the arm's bed-days from its top `topShare` of participants (`null` when the arm has none). */
  topShareOfBedDays: number | null;
}

/** A negative-binomial rate ratio, or why there is none. */
export interface RegisterRateRatio {
  estimable: boolean;
  reason: string | null;
  n: number;
  /** Rate ratio treated / control (z test and interval on the log scale). */
  rateRatio: MaybeEstimateRow;
  /** NB2 size θ (Var = μ + μ²/θ), `null` when not estimable. */
  theta: number | null;
  method: string;
  diagnostics: Diagnostic[];
}

/** Bed-days: description, the negative-binomial rate ratio and the influence of the longest stays. */
export interface RegisterBedDays {
  formula: string;
  byArm: RegisterBedDaysByArm[];
  all: RegisterRateRatio;
  influence: {
    /** The share of participants set aside (plan: bedDays.topShare). */
    topShare: number;
    /** Participants set aside: ⌈topShare · n⌉ with most bed-days (ties at the cut kept together by id order). */
    k: number;
    /** Their share of all bed-days. */
    shareOfBedDays: number | null;
    /** Set-aside participants per arm. */
    byArm: Record<string, number>;
    /** The rate ratio without them. */
    without: RegisterRateRatio;
  };
}

/** Register outcomes as the report reads them. */
export interface RegisterSection {
  statuses: string[];
  labels: Record<string, string>;
  weeks: string[];
  shares: RegisterShareRow[];
  contrasts: RegisterCategoryContrast[];
  /** `conditional` (random effects at 0) or `population` (averaged over the participant intercept). */
  riskDifference: 'conditional' | 'population';
  /** `null` when the plan asks for no bed-day analysis. */
  bedDays: RegisterBedDays | null;
  method: string;
  diagnostics: Diagnostic[];
}

/** Everything `analyzeTrial` returns. */
export interface TrialAnalysis {
  kind: 'rcteval.analysis';
  /** Version of the results format. */
  format: 1;
  software: { name: 'rcteval'; version: string };
  /** The normalised plan (every default filled in). */
  plan: AnalysisPlan;
  design: TrialDesign;
  /** Arm compared against (the design's first arm). */
  reference: string;
  primaryVisit: string;
  data: { nParticipants: number; nMeasurements: number; missingScores: number; byArm: Record<string, number> };
  descriptives: { flow: FlowRow[]; baseline: BaselineRow[]; outcomes: OutcomeSummaryRow[] };
  outcomes: OutcomeResult[];
  /** Observed scores, when the plan keeps individual data. */
  trajectories: TrajectoryPoint[] | null;
  clinicalSignificance: SectionResult<ClinicalSignificanceSection>;
  doseResponse: SectionResult<DoseResponseSection>;
  subgroups: SectionResult<SubgroupsSection>;
  economics: SectionResult<EconomicsSection>;
  costUtility: SectionResult<CostUtilitySection>;
  register: SectionResult<RegisterSection>;
  missingData: SectionResult<MissingDataSection>;
  diagnostics: Diagnostic[];
}
