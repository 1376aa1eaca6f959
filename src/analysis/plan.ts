/**
 * The pre-specified analysis plan: a zod schema (so a plan can live in a JSON file and be
 * checked before any number is computed) and its JSON Schema.
 *
 * The plan names everything an evaluator fixes in advance: the design, the outcomes and the
 * primary visit, the primary model, the effect-size choices, clinical significance,
 * dose–response, subgroups (pre-specified or exploratory), economics, the seed and the
 * report's disclosure rules. Every default is stated in the schema, so the normalised plan
 * stored with the results says exactly what was run.
 */
import { z } from 'zod';
import { ValidationError, issue, type ValidationIssue } from '../errors/index.js';
import { LIMITS } from '../errors/checks.js';
import type { TrialDesign } from '../data/types.js';
import { findRenames } from './plan-renames.js';

const nonEmpty = z.string().min(1);
// Covariates enter a model formula, so they must be names the formula parser reads as one column.
const covariateName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a column name of letters, digits and _ (not starting with a digit)');

const designSchema = z
  .strictObject({
    arms: z.array(nonEmpty).min(1).meta({ description: 'Arms in order; the first is the reference (control) arm.' }),
    visits: z.array(nonEmpty).min(2).meta({ description: 'Visits in time order; the first is baseline.' }),
    instruments: z.array(nonEmpty).min(1),
    visitMonths: z.record(z.string(), z.number()).optional(),
    ungroupedArms: z.array(nonEmpty).optional(),
  })
  .meta({ description: 'The trial design the data are validated against (see docs/data-model.md).' });

const dataSchema = z
  .strictObject({
    delimiter: z.string().length(1).default(','),
    decimal: z.enum(['.', ',']).default('.'),
    missing: z.array(z.string()).default(['', 'NA']),
    dateFormat: z.enum(['YYYY-MM-DD', 'DD-MM-YYYY', 'DD.MM.YYYY', 'DD/MM/YYYY']).default('YYYY-MM-DD'),
    encoding: z
      .enum(['utf-8', 'latin1', 'windows-1252'])
      .default('utf-8')
      .meta({ description: "Character encoding of the CSV files; bytes that are not UTF-8 are an error naming the line unless another encoding is declared (Excel's 'CSV' on Western Windows is windows-1252)." }),
    numericColumns: z.array(nonEmpty).default([]).meta({ description: 'Extra participant columns read as numbers.' }),
    participantColumns: z
      .record(z.string(), nonEmpty)
      .default({})
      .meta({ description: 'Column mapping of the participants file: canonical field → source column.' }),
    measurementColumns: z
      .record(z.string(), nonEmpty)
      .default({})
      .meta({ description: 'Column mapping of the measurements file: canonical field → source column.' }),
    measurementExtras: z
      .array(nonEmpty)
      .default([])
      .meta({ description: 'Single long CSV only: extra columns that belong to measurements (all other extra columns are participant columns).' }),
  })
  .meta({ description: 'How the CLI reads CSV files (ignored by analyzeTrial, which receives validated data).' });

const outcomeSchema = z.strictObject({
  instrument: nonEmpty.meta({ description: 'Instrument id, one of design.instruments.' }),
  label: nonEmpty.optional().meta({ description: 'Name in the report. Default: the instrument id.' }),
  role: z.enum(['primary', 'secondary']).default('secondary'),
});

const mixedModelSchema = z.strictObject({
  type: z.literal('mixed'),
  baseline: z
    .enum(['outcome', 'covariate'])
    .default('outcome')
    .meta({ description: "'outcome': baseline is a visit of the response (arm × visit over all visits); 'covariate': follow-up visits only, adjusted for the baseline score." }),
  partialNesting: z
    .strictObject({
      cluster: z.enum(['group', 'site']).default('group').meta({ description: 'The cluster column: therapy group or site.' }),
      arm: z
        .literal('arm')
        .default('arm')
        .meta({ description: "The column holding each row's arm. In a plan it is always 'arm' (validated trial data have one arm column), so it may be left out; it is accepted so that fitLmm's partialNesting object can be copied as it is." }),
      treated: nonEmpty.meta({ description: 'The arm whose participants are in clusters (one of design.arms); the other arms get no cluster effect.' }),
    })
    .nullable()
    .default(null)
    .meta({ description: "Partially nested design, as fitLmm's partialNesting: a random intercept for the cluster in the treated arm only. null: no cluster term." }),
  ddf: z.enum(['Satterthwaite', 'Kenward-Roger']).default('Satterthwaite'),
  reml: z.boolean().default(true),
  residualVarianceBy: z
    .enum(['arm'])
    .nullable()
    .default(null)
    .meta({ description: "As fitLmm's residualVarianceBy: 'arm' for a residual variance per arm (nlme's varIdent(~ 1 | arm)); null: one residual variance." }),
  covariates: z.array(covariateName).default([]).meta({ description: "Participant-level covariates: 'sex', 'age', 'site', or an extra column." }),
});

const ancovaModelSchema = z.strictObject({
  type: z.literal('ancova'),
  vcov: z.enum(['classical', 'HC0', 'HC1', 'HC2', 'HC3', 'CR0', 'CR1', 'CR1S', 'CR2', 'CR3']).default('classical'),
  cluster: z.enum(['group', 'site']).nullable().default(null).meta({ description: 'Cluster column for CR* covariances; participants without one form their own cluster.' }),
  ddf: z.enum(['residual', 'Satterthwaite']).optional().meta({ description: "Default: 'Satterthwaite' for CR* covariances, 'residual' otherwise." }),
  covariates: z.array(covariateName).default([]),
});

const prePostModelSchema = z.strictObject({
  type: z.literal('pre-post'),
  minimumPairs: z
    .number()
    .int()
    .min(3)
    .default(10)
    .meta({ description: 'Fewest complete baseline/follow-up pairs for a change to be estimated; below it the report says "not estimable".' }),
});

const modelSchema = z.discriminatedUnion('type', [mixedModelSchema, ancovaModelSchema, prePostModelSchema]);

const pAdjustSchema = z.enum(['none', 'holm', 'hochberg', 'hommel', 'bonferroni', 'BH', 'BY']);

const effectSizeSchema = z.strictObject({
  sdMethod: z
    .enum(['pooled', 'control', 'total'])
    .default('pooled')
    .meta({ description: "The baseline SD dividing model-based d, as standardizedModelEffect's sdMethod: pooled within arms, the control (first) arm's, or all baseline scores together." }),
  sdUncertainty: z.enum(['ignore', 'delta']).default('ignore'),
  rules: z.enum(['cohen1988', 'sawilowsky2009', 'gignac2016', 'lovakov2021']).default('cohen1988'),
  observed: z
    .enum(['hedges-g', 'cohens-d', 'none'])
    .default('hedges-g')
    .meta({ description: 'An unadjusted standardized difference in observed change (complete pairs) beside the model-based one.' }),
  pairedType: z.enum(['z', 'rm', 'av']).default('av').meta({ description: 'Standardizer of within-arm (pre-post) changes: d_z, d_rm or d_av.' }),
});

const cutoffChoiceSchema = z.enum(['auto', 'a', 'b', 'c', 'none']);
const customCutoffSchema = z.strictObject({ value: z.number(), label: nonEmpty.optional() });
const CUTOFF_ONE = "one of 'auto', 'a', 'b', 'c', 'none', or a score { value, label? }";
const CUTOFF_ANY = "one of 'auto', 'a', 'b', 'c', 'none' for every outcome, or a map instrument → cut-off, e.g. { \"WHO5\": { \"value\": 50 } }";

const normSchema = z.strictObject({ mean: z.number(), sd: z.number().positive(), population: nonEmpty.optional(), source: nonEmpty.optional() });

const clinicalSchema = z.strictObject({
  outcomes: z.array(nonEmpty).optional().meta({ description: 'Instruments. Default: every outcome.' }),
  visits: z.array(nonEmpty).optional().meta({ description: 'Follow-up visits. Default: every follow-up visit.' }),
  method: z.enum(['jacobson-truax', 'gulliksen-lord-novick', 'edwards-nunnally', 'hageman-arrindell']).default('jacobson-truax'),
  cutoff: z
    .union([cutoffChoiceSchema, z.record(z.string(), z.union([cutoffChoiceSchema, customCutoffSchema], { error: CUTOFF_ONE }))], { error: CUTOFF_ANY })
    .default('auto')
    .meta({
      description:
        "clinicalSignificance's cutoff: one choice for every outcome, or a map instrument → cut-off (outcomes not in the map: 'auto'). 'auto' chooses exactly as clinicalSignificance does: c when both population norms are known, else the instrument's published cut-off, else b or a from the one norm known, else none (reliable change only). A score { value, label } is a published cut-off such as WHO5: 50.",
    }),
  norms: z
    .record(z.string(), z.strictObject({ clinical: z.union([normSchema, z.literal('baseline-sample')]).optional(), functional: normSchema.optional() }))
    .default({})
    .meta({ description: "Norms per instrument replacing the registry's; clinical 'baseline-sample' takes the observed baselines as the dysfunctional population." }),
  reliability: z.record(z.string(), z.number().gt(0).lt(1)).default({}).meta({ description: 'Reliability per instrument, replacing the registry value.' }),
});

const bandSchema = z.strictObject({ label: nonEmpty, min: z.number(), max: z.number() });

const doseResponseSchema = z.strictObject({
  outcomes: z.array(nonEmpty).optional(),
  visits: z.array(nonEmpty).optional().meta({ description: 'Default: the primary visit.' }),
  exposure: z.enum(['sessions', 'proportion']).default('sessions'),
  forms: z.array(z.enum(['linear', 'bands', 'spline'])).min(1).default(['linear', 'bands']),
  bands: z.array(bandSchema).min(2).optional().meta({ description: 'Attendance bands. Default: 0–8, 9–17, 18–26, 27–36.' }),
  spline: z
    .strictObject({ df: z.number().int().min(2).max(6).default(3) })
    .prefault({})
    .meta({ description: "The natural spline of the 'spline' form, as doseResponse's spline: its df (knots at quantiles of attendance)." }),
  clusterRobust: z.boolean().default(true),
  cace: z.boolean().default(true).meta({ description: 'Complier average causal effect and effect per session by instrumental variables (randomisation as instrument).' }),
  atLeast: z.array(z.number().int().min(1)).default([]).meta({ description: 'Effect among those attending at least k sessions, for each k.' }),
  covariates: z.array(covariateName).default([]),
});

const subgroupCommon = {
  label: nonEmpty.optional(),
  prespecified: z.boolean().meta({ description: 'true: named in the protocol; false: exploratory.' }),
};

const subgroupAgeBandSchema = z.strictObject({
  min: z.number(),
  max: z.number().nullable().optional().meta({ description: 'Inclusive; left out (or null) for an open band such as 55+.' }),
  label: nonEmpty.optional().meta({ description: 'Default: "min–max", or "min+" for an open band.' }),
});

// The kinds and their fields are defineSubgroup's (src/subgroups/definitions.ts), so a variable
// reads the same in a plan and in code; only `bands` of 'baseline-level' is a map keyed by
// instrument, since a plan's subgroup section runs over several outcomes.
const subgroupVariableSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('diagnosis-chapter'), ...subgroupCommon }),
  z.strictObject({
    kind: z.literal('age-band'),
    ...subgroupCommon,
    bands: z.array(subgroupAgeBandSchema).min(2).optional().meta({ description: 'Age bands in whole years, both ends inclusive. Default: 18–24, 25–34, 35–44, 45–54, 55+.' }),
  }),
  z.strictObject({ kind: z.literal('sex'), ...subgroupCommon }),
  z.strictObject({
    kind: z.literal('baseline-level'),
    ...subgroupCommon,
    bands: z
      .record(z.string(), z.array(bandSchema).min(2))
      .optional()
      .meta({ description: "Score bands per instrument, low to high, for instruments whose registry entry has none (e.g. MHRM). Default: the registry's bands." }),
  }),
  z.strictObject({
    kind: z.literal('time-since-diagnosis'),
    ...subgroupCommon,
    cutPoints: z.array(z.number()).min(1).optional().meta({ description: 'Cut-points in years (levels closed on the left). Default: the tertiles.' }),
  }),
  z.strictObject({
    kind: z.literal('column'),
    ...subgroupCommon,
    column: nonEmpty.meta({ description: 'A participant field (e.g. site) or an extra participant column.' }),
    cutPoints: z.array(z.number()).min(1).optional().meta({ description: 'Cut a numeric column at these points (levels closed on the left).' }),
  }),
]);

const subgroupsSchema = z.strictObject({
  outcomes: z.array(nonEmpty).optional(),
  visits: z.array(nonEmpty).optional().meta({ description: 'Default: the primary visit.' }),
  test: z
    .enum(['LRT', 'F'])
    .default('LRT')
    .meta({ description: "The interaction test, as subgroupAnalysis's test: 'LRT' the likelihood-ratio test (ML refits; mixed primary model only), 'F' the joint Wald F test. The plan's default is 'LRT', the API's 'F'." }),
  adjust: z.enum(['holm', 'BH', 'none']).default('holm').meta({ description: 'Multiplicity adjustment of the interaction tests across subgroup variables.' }),
  variables: z.array(subgroupVariableSchema).min(1),
});

const wtpRangeSchema = z.strictObject({ from: z.number().min(0), to: z.number().positive(), by: z.number().positive() });

/** Points of a willingness-to-pay range `from, from + by, …, ≤ to` (counting steps keeps values free of accumulated rounding). */
export function wtpRangePoints(w: { from: number; to: number; by: number }): number {
  return Math.floor((w.to - w.from) / w.by + 1e-9) + 1;
}

const wtpSchema = (per: string, defaults: string) =>
  z
    .union([z.array(z.number().min(0)).min(2).max(LIMITS.gridPoints), wtpRangeSchema])
    .optional()
    .meta({ description: `Willingness to pay per ${per}. Default: ${defaults}.` });

const economicsAnalysisSchema = z.strictObject({
  label: nonEmpty.optional(),
  outcome: nonEmpty.meta({ description: 'Instrument whose points are the effect.' }),
  visit: nonEmpty.meta({ description: 'Follow-up visit of the effect.' }),
  costCategories: z.array(nonEmpty).min(1).optional().meta({ description: 'Cost categories summed per participant. Default: all.' }),
  effectEstimator: z
    .enum(['ancova', 'difference-in-change'])
    .default('ancova')
    .meta({ description: "How ΔE is estimated, as costEffectiveness's effectEstimator (the plan's default is 'ancova', the function's 'mean-difference')." }),
});

const economicsSchema = z.strictObject({
  analyses: z.array(economicsAnalysisSchema).min(1),
  currency: nonEmpty.default('DKK'),
  priceYear: z.number().int().optional(),
  wtp: wtpSchema('outcome point', '0 to 200,000 by 5,000'),
  replicates: z.number().int().min(200).max(100000).default(2000),
  ciType: z.enum(['bca', 'percentile']).default('bca'),
  missingCosts: z.enum(['exclude', 'zero']).default('exclude'),
  costsByArm: z.boolean().default(true),
  planePoints: z.number().int().min(0).max(20000).default(2000).meta({ description: 'Replicates kept for the cost-effectiveness plane figure.' }),
});

const qalyHorizonSchema = z.strictObject({
  label: nonEmpty.optional().meta({ description: 'Name in the results. Default: the last visit.' }),
  visits: z.array(nonEmpty).min(2).meta({ description: 'Visits in time order whose utilities span the horizon, the first being baseline (time zero).' }),
});

const missingDataSchema = z.strictObject({
  outcome: nonEmpty.optional().meta({ description: 'Instrument whose missing scores are imputed and analysed. Default: the primary outcome.' }),
  m: z.number().int().min(2).max(1000).default(20).meta({ description: 'Number of imputations (completed datasets).' }),
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional().meta({ description: "Seed of the imputations (the tipping-point grid reuses them). Default: the plan's seed + 200." }),
  burnIn: z.number().int().min(1).max(100000).default(200).meta({ description: 'Gibbs sweeps of the shared burn-in before the first imputation.' }),
  between: z.number().int().min(1).max(100000).default(20).meta({ description: "Gibbs sweeps of each imputation's own branch from the burned-in state." }),
  deltas: z
    .array(z.number())
    .min(1)
    .max(41)
    .default([-10, -7.5, -5, -2.5, 0])
    .meta({ description: 'δ grid (outcome points, added to imputed scores after dropout) for each arm; the tipping-point grid is δ_control × δ_treated at the primary visit. Negative = worse where higher is better.' }),
  cumulative: z.boolean().default(false).meta({ description: 'Add δ once per visit since dropout instead of once.' }),
  referenceBased: z
    .array(z.enum(['J2R', 'CR', 'CIR']))
    .max(3)
    .default(['J2R', 'CR', 'CIR'])
    .meta({ description: "Reference-based imputations (rbmi's definitions, the control arm as reference) analysed beside MAR: J2R jump to reference, CR copy reference, CIR copy increments in reference. [] for none." }),
  alpha: z.number().gt(0).lt(1).default(0.05).meta({ description: 'Significance level whose loss defines the tipping point.' }),
  mmrm: z
    .enum(['us', 'cs', 'csh', 'ar1', 'ar1h', 'toep', 'toeph', 'ad', 'adh'])
    .nullable()
    .default(null)
    .meta({ description: "Covariance structure of an MMRM fitted alongside the primary analysis (follow-up visits, baseline as covariate; the model's partial nesting and ddf). null: no MMRM." }),
});

const costUtilitySchema = z.strictObject({
  horizons: z.array(qalyHorizonSchema).min(1).meta({ description: 'QALY horizons, e.g. 9 months [baseline, 9m] and 15 months [baseline, 9m, 15m].' }),
  instrument: nonEmpty.default('EQ5D_INDEX').meta({ description: 'Utility index instrument (its registry range bounds the utilities).' }),
  valueSet: nonEmpty.optional().meta({ description: "Name of the value set the index was scored with. Default: the instrument registry's first reference." }),
  time: z.enum(['dates', 'nominal']).default('dates').meta({ description: "Trapezoids on the measurement dates, or on design.visitMonths ('nominal')." }),
  discountRate: z.number().min(0).lt(1).default(0.035).meta({ description: 'Annual discount rate of QALYs after the first year (Danish guidance: 3.5 %).' }),
  currency: nonEmpty.default('DKK'),
  priceYear: z.number().int().optional(),
  costCategories: z.array(nonEmpty).min(1).optional().meta({ description: 'Cost categories summed per participant. Default: all.' }),
  missingCosts: z.enum(['exclude', 'zero']).default('exclude'),
  wtp: wtpSchema('QALY', '0 to 1,500,000 by 25,000'),
  replicates: z.number().int().min(200).max(100000).default(2000),
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional().meta({ description: "Seed of the joint bootstrap (horizon i uses seed + i). Default: the plan's seed + 100." }),
  ciType: z.enum(['bca', 'percentile']).default('bca'),
  adjustBaseline: z.boolean().default(true).meta({ description: 'Incremental QALYs adjusted for baseline utility in the cost-per-QALY bootstrap (Manca et al. 2005).' }),
  vcov: z.enum(['classical', 'HC1', 'HC2', 'HC3', 'CR1', 'CR2']).default('CR2').meta({ description: 'Covariance of the incremental-QALY regressions; CR* cluster by therapy group.' }),
  planePoints: z.number().int().min(0).max(20000).default(2000).meta({ description: 'Replicates kept for the cost-effectiveness plane figure.' }),
  skewedCosts: z
    .strictObject({
      gamma: z.boolean().default(true).meta({ description: 'Gamma GLM (log link) of total cost on arm.' }),
      twoPart: z.boolean().default(true).meta({ description: 'Two-part model: logit for any cost × gamma for positive costs.' }),
      replicates: z.number().int().min(0).max(100000).default(1000).meta({ description: 'Bootstrap replicates of the two-part difference; 0 for none.' }),
    })
    .optional()
    .meta({ description: 'Mean cost difference by models for skewed costs. Off unless given.' }),
});

const powerSchema = z
  .strictObject({
    design: z
      .strictObject({
        nGroups: z.number().int().min(2).optional().meta({ description: 'Therapy groups (omit when solving for it).' }),
        groupSize: z.number().min(2).optional().meta({ description: 'Mean participants per group at randomisation (omit when solving for it).' }),
        nControls: z.number().int().min(2).optional().meta({ description: 'Controls; or give allocationRatio.' }),
        allocationRatio: z.number().positive().optional().meta({ description: 'Controls per treated participant (default 1 when nControls is not given).' }),
        effect: z.number().optional().meta({ description: 'Effect in SD units (omit when solving for it).' }),
        icc: z.number().min(0).lt(1).meta({ description: 'ICC of the treated arm within therapy groups, in [0, 1).' }),
        groupSizeCv: z.number().min(0).optional(),
        retention: z.union([z.number().gt(0).max(1), z.array(z.number().gt(0).max(1)).min(1)]).optional().meta({ description: 'Share measured at the follow-up, or retention from visit to visit.' }),
        analysis: z.enum(['posttest', 'ancova', 'change']).optional(),
        baselineCorrelation: z.number().min(0).lt(1).optional(),
        controlSdRatio: z.number().positive().optional(),
      })
      .meta({ description: 'The planned partially nested design (docs/methods/power.md).' }),
    target: z.number().gt(0).lt(1).default(0.8),
    alpha: z.number().gt(0).lt(1).default(0.05),
    df: z.enum(['satterthwaite', 'normal']).default('satterthwaite'),
    solveFor: z.enum(['nGroups', 'groupSize', 'nControls', 'effect']).nullable().default(null).meta({ description: 'The unknown to solve for at the target power; null: only the power of the design.' }),
    max: z.number().int().min(2).optional().meta({ description: 'Largest value searched for an integer unknown.' }),
    curves: z
      .array(z.strictObject({ vary: z.enum(['nGroups', 'groupSize', 'nControls', 'effect']), values: z.array(z.number()).min(1).max(LIMITS.gridPoints) }))
      .default([])
      .meta({ description: 'Power curves to draw: the input varied and its grid.' }),
  })
  .meta({ description: 'Planning: analytic power and sample size of a partially nested design, run by `rcteval power` (analyzeTrial ignores this section).' });

const registerSchema = z.strictObject({
  statuses: z
    .array(nonEmpty)
    .min(2)
    .optional()
    .meta({ description: "Labour-market status categories in the register table, the reference (e.g. passive benefits) first. Default: validateTrial's (passive_benefits, rehabilitation, disability_pension, work_education)." }),
  labels: z.record(z.string(), nonEmpty).default({}).meta({ description: 'Names of status categories in the report, e.g. { "work_education": "work or education" }.' }),
  contrasts: z
    .array(nonEmpty)
    .optional()
    .meta({ description: 'Categories given a binary contrast (a logistic GLMM of being in the category vs not). Default: every category.' }),
  therapyGroup: z
    .boolean()
    .default(true)
    .meta({ description: "Add the therapy-group random intercept in the treated arm (model.partialNesting of a mixed primary model) to the logistic GLMMs, as the LMM does. Ignored without partialNesting." }),
  riskDifference: z
    .enum(['conditional', 'population'])
    .default('conditional')
    .meta({
      description:
        "'conditional': risk differences from response-scale marginal means at random effects 0 (emmeans regrid; a participant with a typical propensity). 'population': shares averaged over the participant random intercept (what share is in the category); needs a single random intercept, so therapyGroup false.",
    }),
  bedDays: z
    .strictObject({
      topShare: z.number().gt(0).lt(0.5).default(0.05).meta({ description: 'The longest stays: the share of participants with most bed-days whose influence is reported (⌈share · n⌉ participants).' }),
      vcov: z.enum(['classical', 'HC0', 'HC1', 'HC2', 'HC3', 'CR2']).default('classical').meta({ description: 'Covariance of the negative-binomial coefficients; CR2 clusters by therapy group (the ungrouped are clusters of their own).' }),
    })
    .nullable()
    .prefault({})
    .meta({ description: 'Bed-days over the register window: negative-binomial (NB2) model with offset log days at risk, the rate ratio, and the influence of the longest stays. null: no bed-day analysis.' }),
});

const reportSchema = z.strictObject({
  title: nonEmpty.optional(),
  smallCellK: z
    .number()
    .int()
    .min(2)
    .nullable()
    .default(null)
    .meta({ description: 'Suppress counts from 1 to k − 1 and leave out individual-level figures. null: off.' }),
  individualData: z.boolean().default(true).meta({ description: 'Keep individual trajectories in the results (spaghetti, change and Jacobson figures).' }),
});

/** The zod schema of an analysis plan (input: JSON as written; output: every default filled in). */
export const analysisPlanSchema = z
  .strictObject({
    $schema: z.string().optional(),
    title: nonEmpty,
    description: z.string().optional(),
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(1).meta({ description: 'Seed of every resampling step; the same seed gives identical results.' }),
    ciLevel: z.number().gt(0).lt(1).default(0.95),
    design: designSchema,
    data: dataSchema.prefault({}),
    outcomes: z.array(outcomeSchema).min(1),
    primaryVisit: nonEmpty.optional().meta({ description: 'The visit of the primary comparison. Default: the first follow-up visit.' }),
    model: modelSchema,
    multiplicity: z
      .strictObject({ method: pAdjustSchema.default('none') })
      .prefault({})
      .meta({ description: 'Adjustment of the primary-visit p-values across outcomes.' }),
    effectSizes: effectSizeSchema.prefault({}),
    clinicalSignificance: clinicalSchema.optional(),
    doseResponse: doseResponseSchema.optional(),
    subgroups: subgroupsSchema.optional(),
    economics: economicsSchema.optional(),
    costUtility: costUtilitySchema.optional(),
    missingData: missingDataSchema
      .optional()
      .meta({ description: 'Missing data and sensitivity: missing scores by arm and visit, multiple imputation (joint multilevel model) with the pooled arm difference at each follow-up, a δ tipping-point grid at the primary visit, and optionally an MMRM alongside.' }),
    register: registerSchema
      .optional()
      .meta({ description: 'Register outcomes (needs a register table): labour-market status shares by arm and week, a logistic GLMM contrast per category (odds ratio and risk difference per week), and bed-days from a negative-binomial model.' }),
    report: reportSchema.prefault({}),
    power: powerSchema.optional(),
  })
  .superRefine((plan, ctx) => {
    const { arms, visits, instruments } = plan.design;
    const followUps = visits.slice(1);
    const isInstrument = (v: string, path: (string | number)[]) => {
      if (!instruments.includes(v)) ctx.addIssue({ code: 'custom', path, message: `one of design.instruments (${instruments.join(', ')})` });
    };
    const isFollowUp = (v: string, path: (string | number)[]) => {
      if (!followUps.includes(v)) ctx.addIssue({ code: 'custom', path, message: `a follow-up visit of the design (${followUps.join(', ')})` });
    };
    const checkWtp = (w: number[] | { from: number; to: number; by: number } | undefined, path: string[]) => {
      if (Array.isArray(w)) {
        for (let i = 1; i < w.length; i++) {
          if (!(w[i]! > w[i - 1]!)) {
            ctx.addIssue({ code: 'custom', path: [...path, i], message: `strictly increasing values (${w[i - 1]} is followed by ${w[i]})` });
            break;
          }
        }
      } else if (w && !(w.to > w.from)) {
        ctx.addIssue({ code: 'custom', path: [...path, 'to'], message: `a value above from (${w.from})` });
      } else if (w && wtpRangePoints(w) > LIMITS.gridPoints) {
        ctx.addIssue({ code: 'custom', path: [...path, 'by'], message: `a step giving at most ${LIMITS.gridPoints} grid points (this range gives ${wtpRangePoints(w).toExponential(2)})` });
      }
    };
    const seen = new Set<string>();
    plan.outcomes.forEach((o, i) => {
      isInstrument(o.instrument, ['outcomes', i, 'instrument']);
      if (seen.has(o.instrument)) ctx.addIssue({ code: 'custom', path: ['outcomes', i, 'instrument'], message: 'each instrument once (it is listed twice)' });
      seen.add(o.instrument);
    });
    const outcomeIds = plan.outcomes.map((o) => o.instrument);
    const isOutcome = (v: string, path: (string | number)[]) => {
      if (!outcomeIds.includes(v)) ctx.addIssue({ code: 'custom', path, message: `one of the plan's outcomes (${outcomeIds.join(', ')})` });
    };
    if (plan.primaryVisit !== undefined) isFollowUp(plan.primaryVisit, ['primaryVisit']);
    for (const [i, arm] of (plan.design.ungroupedArms ?? []).entries()) {
      if (!arms.includes(arm)) ctx.addIssue({ code: 'custom', path: ['design', 'ungroupedArms', i], message: `one of design.arms (${arms.join(', ')})` });
    }
    if (plan.design.visitMonths) {
      for (const v of Object.keys(plan.design.visitMonths)) {
        if (!visits.includes(v)) ctx.addIssue({ code: 'custom', path: ['design', 'visitMonths', v], message: `visits of design.visits (${visits.join(', ')}) as keys` });
      }
    }
    const m = plan.model;
    if ((m.type === 'mixed' || m.type === 'ancova') && arms.length < 2) {
      ctx.addIssue({ code: 'custom', path: ['model', 'type'], message: `'pre-post' for a single-arm design (a '${m.type}' model compares arms and needs at least two)` });
    }
    if (m.type === 'mixed' && m.baseline === 'covariate' && visits.length < 3) {
      ctx.addIssue({ code: 'custom', path: ['model', 'baseline'], message: "'outcome', or an 'ancova' model: with one follow-up visit there is one row per participant and no repeated measures to model" });
    }
    if (m.type === 'mixed' && m.partialNesting !== null && !arms.includes(m.partialNesting.treated)) {
      ctx.addIssue({ code: 'custom', path: ['model', 'partialNesting', 'treated'], message: `one of design.arms (${arms.join(', ')})` });
    }
    if (m.type === 'ancova' && m.vcov.startsWith('CR') && m.cluster === null) {
      ctx.addIssue({ code: 'custom', path: ['model', 'cluster'], message: `a cluster column ('group' or 'site'), since ${m.vcov} is cluster-robust` });
    }
    if (m.type === 'ancova' && !m.vcov.startsWith('CR') && m.cluster !== null) {
      ctx.addIssue({ code: 'custom', path: ['model', 'vcov'], message: `a cluster-robust CR* covariance, since a cluster is given` });
    }
    const cs = plan.clinicalSignificance;
    if (cs) {
      cs.outcomes?.forEach((o, i) => isOutcome(o, ['clinicalSignificance', 'outcomes', i]));
      cs.visits?.forEach((v, i) => isFollowUp(v, ['clinicalSignificance', 'visits', i]));
      for (const k of Object.keys(cs.reliability)) isInstrument(k, ['clinicalSignificance', 'reliability', k]);
      if (typeof cs.cutoff === 'object') for (const k of Object.keys(cs.cutoff)) isInstrument(k, ['clinicalSignificance', 'cutoff', k]);
      for (const k of Object.keys(cs.norms)) isInstrument(k, ['clinicalSignificance', 'norms', k]);
    }
    const dr = plan.doseResponse;
    if (dr) {
      dr.outcomes?.forEach((o, i) => isOutcome(o, ['doseResponse', 'outcomes', i]));
      dr.visits?.forEach((v, i) => isFollowUp(v, ['doseResponse', 'visits', i]));
      if (arms.length < 2 && dr.cace) ctx.addIssue({ code: 'custom', path: ['doseResponse', 'cace'], message: 'false for a single-arm design (the CACE uses randomisation as its instrument)' });
    }
    const sg = plan.subgroups;
    if (sg) {
      sg.outcomes?.forEach((o, i) => isOutcome(o, ['subgroups', 'outcomes', i]));
      sg.visits?.forEach((v, i) => isFollowUp(v, ['subgroups', 'visits', i]));
      if (arms.length < 2) ctx.addIssue({ code: 'custom', path: ['subgroups'], message: 'no subgroup section in a single-arm design (subgroup effects are differences between arms)' });
      sg.variables.forEach((v, i) => {
        if (v.kind === 'baseline-level' && v.bands) for (const k of Object.keys(v.bands)) isInstrument(k, ['subgroups', 'variables', i, 'bands', k]);
      });
      if (sg.test === 'LRT' && m.type !== 'mixed') ctx.addIssue({ code: 'custom', path: ['subgroups', 'test'], message: "'F' with an ANCOVA primary model (the likelihood-ratio test compares mixed models)" });
    }
    const ec = plan.economics;
    if (ec) {
      if (arms.length !== 2) ctx.addIssue({ code: 'custom', path: ['economics'], message: `no economics section unless the design has two arms (it has ${arms.length})` });
      ec.analyses.forEach((a, i) => {
        isInstrument(a.outcome, ['economics', 'analyses', i, 'outcome']);
        isFollowUp(a.visit, ['economics', 'analyses', i, 'visit']);
      });
      checkWtp(ec.wtp, ['economics', 'wtp']);
    }
    const cu = plan.costUtility;
    if (cu) {
      if (arms.length !== 2) ctx.addIssue({ code: 'custom', path: ['costUtility'], message: `no cost-utility section unless the design has two arms (it has ${arms.length})` });
      isInstrument(cu.instrument, ['costUtility', 'instrument']);
      cu.horizons.forEach((h, i) => {
        h.visits.forEach((v, j) => {
          if (!visits.includes(v)) ctx.addIssue({ code: 'custom', path: ['costUtility', 'horizons', i, 'visits', j], message: `a visit of the design (${visits.join(', ')})` });
          else if (j > 0 && !(visits.indexOf(v) > visits.indexOf(h.visits[j - 1]!))) {
            ctx.addIssue({ code: 'custom', path: ['costUtility', 'horizons', i, 'visits', j], message: `visits in the design's time order (${h.visits[j - 1]} is followed by ${v})` });
          }
        });
      });
      if (cu.time === 'nominal') {
        for (const v of new Set(cu.horizons.flatMap((h) => h.visits))) {
          if (plan.design.visitMonths?.[v] === undefined) ctx.addIssue({ code: 'custom', path: ['design', 'visitMonths', v], message: `the months of visit ${v}, since costUtility.time is 'nominal'` });
        }
      }
      checkWtp(cu.wtp, ['costUtility', 'wtp']);
    }
    const md = plan.missingData;
    if (md) {
      if (arms.length !== 2) ctx.addIssue({ code: 'custom', path: ['missingData'], message: `no missing-data section unless the design has two arms (it has ${arms.length})` });
      if (md.outcome !== undefined) isOutcome(md.outcome, ['missingData', 'outcome']);
      if (followUps.length < 1) ctx.addIssue({ code: 'custom', path: ['missingData'], message: 'a design with at least one follow-up visit' });
    }
    const rg = plan.register;
    if (rg) {
      if (arms.length !== 2) ctx.addIssue({ code: 'custom', path: ['register'], message: `no register section unless the design has two arms (it has ${arms.length})` });
      if (rg.statuses && new Set(rg.statuses).size !== rg.statuses.length) ctx.addIssue({ code: 'custom', path: ['register', 'statuses'], message: 'each category once' });
      const known = rg.statuses;
      if (known) {
        rg.contrasts?.forEach((c, i) => {
          if (!known.includes(c)) ctx.addIssue({ code: 'custom', path: ['register', 'contrasts', i], message: `one of register.statuses (${known.join(', ')})` });
        });
        for (const k of Object.keys(rg.labels)) if (!known.includes(k)) ctx.addIssue({ code: 'custom', path: ['register', 'labels', k], message: `one of register.statuses (${known.join(', ')}) as key` });
      }
      if (rg.riskDifference === 'population' && rg.therapyGroup && m.type === 'mixed' && m.partialNesting !== null) {
        ctx.addIssue({
          code: 'custom',
          path: ['register', 'riskDifference'],
          message: "'conditional', or therapyGroup false: population-averaged shares average over a single random intercept, and the therapy-group term adds a second",
        });
      }
    }
  })
  .meta({ title: 'rcteval analysis plan', description: 'A pre-specified analysis of a randomised trial, run by analyzeTrial or `rcteval analyze`.' });

/** An analysis plan as written (optional fields may be left out). */
export type AnalysisPlanInput = z.input<typeof analysisPlanSchema>;
/** A normalised analysis plan: every default filled in. */
export type AnalysisPlan = z.output<typeof analysisPlanSchema>;
/** The primary model part of a normalised plan. */
export type PlanModel = AnalysisPlan['model'];
/** The power part of a normalised plan. */
export type PowerPlan = NonNullable<AnalysisPlan['power']>;
/** The clinical-significance part of a normalised plan. */
export type ClinicalSignificancePlan = NonNullable<AnalysisPlan['clinicalSignificance']>;
/** The dose–response part of a normalised plan. */
export type DoseResponsePlan = NonNullable<AnalysisPlan['doseResponse']>;
/** The subgroup part of a normalised plan. */
export type SubgroupsPlan = NonNullable<AnalysisPlan['subgroups']>;
/** One subgroup variable of a normalised plan. */
export type SubgroupVariablePlan = SubgroupsPlan['variables'][number];
/** The economics part of a normalised plan. */
export type EconomicsPlan = NonNullable<AnalysisPlan['economics']>;

/** The cost-utility part of a normalised plan. */
export type CostUtilityPlan = NonNullable<AnalysisPlan['costUtility']>;

/** The missing-data part of a normalised plan. */
export type MissingDataPlan = NonNullable<AnalysisPlan['missingData']>;

/** The register part of a normalised plan. */
export type RegisterPlan = NonNullable<AnalysisPlan['register']>;

/** JSON Schema (draft 2020-12) of an analysis plan as written in a JSON file. */
export const analysisPlanJsonSchema: Record<string, unknown> = z.toJSONSchema(analysisPlanSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;

function pathText(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? String(p) : `.${String(p)}`;
  return s === '' ? '(plan)' : s;
}

/** zod's messages as the "expected …" half of a validation issue (the value is shown beside it). */
function expectation(message: string): string {
  return message
    .replace(/^(Invalid (option|input|value)|Too (small|big)): expected /, '')
    .replace(/^Invalid discriminator value\. Expected /, 'one of ')
    .replace(/, received [^,]*$/, '');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/**
 * Check a plan (e.g. parsed from a JSON file) and fill in its defaults.
 *
 * Every problem is reported at once, each naming the field by its path
 * (`model.partialNesting.treated`, `outcomes[1].instrument`), the value received and what was
 * expected. Unknown fields are reported too, so a misspelt option is never silently ignored; a
 * key that was renamed to the API's word (e.g. `model.clustering`, now `model.partialNesting`)
 * gets a message naming its new key and the line to write (docs/architecture.md, "Plan and API
 * vocabulary").
 *
 * @param input - the plan as written.
 * @returns the normalised plan ({@link AnalysisPlan}).
 * @throws ValidationError (table `plan`) listing every problem.
 * @example
 * const plan = parseAnalysisPlan({ title: 'SFT', design: { arms: ['control', 'SFT'], visits: ['baseline', '9m'], instruments: ['PSP'] },
 *   outcomes: [{ instrument: 'PSP', role: 'primary' }], model: { type: 'mixed' } });
 * plan.seed; // 1
 * plan.model.type === 'mixed' && plan.model.ddf; // 'Satterthwaite'
 */
export function parseAnalysisPlan(input: unknown): AnalysisPlan {
  const r = analysisPlanSchema.safeParse(input);
  const renames = findRenames(input);
  if (r.success && renames.length === 0) return r.data;
  // An old key gets its rename message in place of the schema's "no such field" (or missing-field) issue.
  const replaced = renames.flatMap((x) => x.replaces);
  const isReplaced = (path: readonly PropertyKey[]) => replaced.some((p) => p.length <= path.length && p.every((k, j) => k === path[j]));
  const issues: ValidationIssue[] = renames.map((x) => issue('plan', null, pathText(x.path), x.value, x.expected));
  for (const i of r.success ? [] : r.error.issues.flatMap((x) => specific(x))) {
    const keys = i.code === 'unrecognized_keys' ? ((i as { keys?: string[] }).keys ?? []).filter((k) => !isReplaced([...i.path, k])) : [];
    if (i.code === 'unrecognized_keys') {
      if (keys.length === 0) continue;
      const path = [...i.path, keys[0]!];
      issues.push(issue('plan', null, pathText(path), valueAt(input, path), `no such field${keys.length > 1 ? ` (also: ${keys.slice(1).join(', ')})` : ''}; check the spelling against the plan's JSON Schema`));
      continue;
    }
    if (isReplaced(i.path)) continue;
    issues.push(issue('plan', null, pathText(i.path), valueAt(input, i.path), expectation(i.message)));
  }
  throw new ValidationError(issues, 'The analysis plan is not valid');
}

type SchemaIssue = z.core.$ZodIssue;

/**
 * The issues a user can act on. A union (a cut-off as a choice or a map; a grid as values or a
 * range) fails as a whole with one issue per branch; when exactly one branch got past the
 * shape check (its issues lie deeper), those issues are the specific ones, else the union's own
 * message (which lists the shapes) is.
 */
function specific(i: SchemaIssue): SchemaIssue[] {
  if (i.code !== 'invalid_union' || i.errors.length === 0) return [i];
  const deep = i.errors.filter((branch) => branch.some((e) => e.path.length > 0 || e.code === 'invalid_union' || e.code === 'unrecognized_keys'));
  if (deep.length !== 1) return [i];
  return deep[0]!.flatMap((e) => specific({ ...e, path: [...i.path, ...e.path] } as SchemaIssue));
}

/**
 * The plan's design as the data module's `TrialDesign` (for `validateTrial`).
 * @example
 * validateTrial({ participants, measurements }, { design: planDesign(plan) });
 */
export function planDesign(plan: AnalysisPlan): TrialDesign {
  const d = plan.design;
  const out: TrialDesign = { arms: [...d.arms], visits: [...d.visits], instruments: [...d.instruments] };
  if (d.visitMonths !== undefined) out.visitMonths = { ...d.visitMonths };
  if (d.ungroupedArms !== undefined) out.ungroupedArms = [...d.ungroupedArms];
  return out;
}
