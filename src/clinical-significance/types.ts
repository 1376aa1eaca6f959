/**
 * Types of the clinical-significance module: reliable change, cut-offs a/b/c, categories per
 * participant and visit, and the between-arm comparison. Methods: docs/methods/clinical-significance.md.
 */
import type { Diagnostic } from '../errors/index.js';
import type { Direction, InstrumentRegistry } from '../instruments/index.js';

/** The reliable change methods (formulas in {@link RCI_METHODS} and docs/methods/clinical-significance.md). */
export type RciMethod = 'jacobson-truax' | 'gulliksen-lord-novick' | 'edwards-nunnally' | 'hageman-arrindell';

/** The Jacobson–Truax cut-offs, a custom score, or none (reliable change only). */
export type CutoffType = 'a' | 'b' | 'c';

/** A cut-off given as a score, e.g. a published screening threshold. */
export interface CustomCutoff {
  /** The score that separates the ranges: a score beyond it in the better direction is functional. */
  value: number;
  /** What the number is, for the output (e.g. `WHO-5 ≤ 50 poor wellbeing`). @defaultValue `'user-supplied cut-off'` */
  label?: string;
}

/**
 * Which cut-off to use: `'auto'` (the strongest the instrument and norms allow, see
 * `ClinicalSignificanceOptions.cutoff`), `'a'`, `'b'`, `'c'`, `'none'` or a custom score.
 */
export type CutoffOption = 'auto' | CutoffType | 'none' | CustomCutoff;

/**
 * The five categories, from worst to best (the order of the ordinal comparison):
 * - `harmed`: reliable deterioration, functional at baseline and dysfunctional at follow-up;
 * - `deteriorated`: reliable deterioration that is not `harmed`;
 * - `unchanged`: no reliable change in either direction;
 * - `improved`: reliable improvement that is not `recovered`;
 * - `recovered`: reliable improvement, dysfunctional at baseline and functional at follow-up.
 *
 * Without a cut-off only `deteriorated`, `unchanged` and `improved` occur.
 */
export type ChangeCategory = 'harmed' | 'deteriorated' | 'unchanged' | 'improved' | 'recovered';

/**
 * Why a participant × visit has or has no category. A participant without a follow-up score is
 * `missing-follow-up`, never `unchanged`.
 */
export type ChangeStatus = 'classified' | 'missing-follow-up' | 'missing-baseline' | 'missing-both' | 'not-classifiable';

/** A population mean and SD for a cut-off, as the user supplies it. */
export interface NormInput {
  mean: number;
  sd: number;
  /** Who was measured. @defaultValue `'supplied by the user'` */
  population?: string;
  /** Where the numbers come from (a citation). @defaultValue `'supplied by the user'` */
  source?: string;
}

/**
 * Norms that replace (or fill in) the registry's. `clinical: 'baseline-sample'` uses the mean and
 * SD of the observed baseline scores as the dysfunctional population, as Jacobson & Truax (1991)
 * suggest when no clinical norms exist.
 */
export interface NormsOption {
  clinical?: NormInput | 'baseline-sample';
  functional?: NormInput;
}

/** A norm as used, with where it came from. */
export interface NormUsed {
  mean: number;
  sd: number;
  population: string;
  source: string;
  /** `registry`: the instrument registry; `user`: `options.norms`; `baseline-sample`: the observed baselines. */
  origin: 'registry' | 'user' | 'baseline-sample';
}

/** The cut-off that was used, with its formula and inputs. */
export interface ClinicalCutoff {
  /** a/b/c (Jacobson–Truax), a user's score (`custom`), or the instrument's registered published cut-off (`published`, its source in `formula`). */
  type: CutoffType | 'custom' | 'published';
  /** The score: beyond it in the better direction is the functional range; at or on the clinical side of it, the dysfunctional range. */
  value: number;
  /** The formula with the numbers filled in. */
  formula: string;
  direction: Direction;
  clinical: NormUsed | null;
  functional: NormUsed | null;
  /** For a custom cut-off, its label. */
  label: string | null;
}

/** How the baseline SD (and mean) of the reliable change index are taken. */
export type BaselineSdSource = 'pooled' | 'total' | 'per-arm';

/** The reliability as used, with its source. */
export interface ReliabilityUsed {
  value: number;
  /** Citation of the registry's value, or `'supplied by the user'`. */
  source: string;
  kind: string | null;
  statistic: string | null;
  population: string | null;
}

/** Scores of one participant set in plain arrays: the array entry point of {@link clinicalSignificance}. */
export interface ClinicalSignificanceArrays {
  /** Baseline scores; `null` for a missing baseline. */
  baseline: readonly (number | null)[];
  /**
   * Follow-up scores, one array (same length as `baseline`) or one array per visit,
   * e.g. `{ '9m': [...], '15m': [...] }`; `null` for a missing follow-up.
   */
  followUp: readonly (number | null)[] | Readonly<Record<string, readonly (number | null)[]>>;
  /** Arm of each participant; omit for a single group. */
  arm?: readonly string[];
  /** Participant ids. @defaultValue `'1'`, `'2'`, … */
  id?: readonly string[];
}

/** Options shared by both entry points of {@link clinicalSignificance}. */
export interface ClinicalSignificanceOptions {
  /**
   * Registered instrument id: gives direction, score range, reliability and norms. Required with
   * trial data; optional with arrays (then `direction` and `reliability` are required).
   */
  instrument?: string;
  /** @defaultValue `defaultInstruments` */
  registry?: InstrumentRegistry;
  /** @defaultValue `'jacobson-truax'` */
  method?: RciMethod;
  /** Reliability in (0, 1). @defaultValue the instrument registry's reliability */
  reliability?: number;
  /** Whether higher scores are better. @defaultValue the instrument's direction (required without an instrument) */
  direction?: Direction;
  /**
   * The cut-off between the dysfunctional and functional ranges. `'auto'` takes the strongest
   * one available, so a first call on any bundled instrument works: Jacobson–Truax c when both
   * population norms (with SDs) are known; else the instrument's registered published cut-off
   * (WHO-5 ≤ 50 poor wellbeing, Topp et al. 2015; PSP ≤ 70, Morosini et al. 2000); else b or a
   * from the one norm known; else none (reliable change only). The result says which in
   * `cutoff.type` and a `cutoff-auto` diagnostic.
   * @defaultValue `'auto'`
   */
  cutoff?: CutoffOption;
  /** Norms replacing or completing the registry's (required for a cut-off the registry has no norms for). */
  norms?: NormsOption;
  /**
   * Baseline SD (and mean) behind the index: `'pooled'` = SD pooled within arms
   * √(Σ(n_g − 1)s_g² / Σ(n_g − 1)) with the overall mean; `'total'` = all baselines as one sample;
   * `'per-arm'` = each arm's own mean and SD; a number = that SD (e.g. a normative SD) with the
   * overall mean. Not a number for Hageman–Arrindell, which needs its sample's pre and post SDs.
   * @defaultValue `'pooled'`
   */
  baselineSd?: BaselineSdSource | number;
  /** Critical value of the index. @defaultValue the method's published value (1.96, 1.96, 2, 1.65) */
  criticalValue?: number;
  /** Arms to include, in order; the first is the reference (control) arm. @defaultValue trial: `design.arms`; arrays: order of first appearance */
  arms?: readonly string[];
}

/** Options of {@link clinicalSignificance} with trial data. */
export interface TrialClinicalSignificanceOptions extends ClinicalSignificanceOptions {
  instrument: string;
  /** Follow-up visits. @defaultValue every design visit after the baseline visit */
  visits?: readonly string[];
  /** @defaultValue `design.visits[0]` */
  baselineVisit?: string;
}

/** Options of {@link clinicalSignificance} with plain arrays. */
export interface ArrayClinicalSignificanceOptions extends ClinicalSignificanceOptions {
  /** Visit name when `followUp` is a single array. @defaultValue `'follow-up'` */
  visit?: string;
}

/** One participant at one follow-up visit. */
export interface ChangeRow {
  id: string;
  arm: string;
  visit: string;
  baseline: number | null;
  followUp: number | null;
  /** followUp − baseline, or `null`. */
  change: number | null;
  /** The method's index (see `parameters[].se`), `null` unless classified. */
  rci: number | null;
  status: ChangeStatus;
  category: ChangeCategory | null;
  /** direction × rci > critical value. */
  reliableImprovement: boolean | null;
  /** direction × rci < −critical value. */
  reliableDeterioration: boolean | null;
  /** Baseline at or on the clinical side of the cut-off (`null` without a cut-off or baseline). */
  dysfunctionalAtBaseline: boolean | null;
  /** Follow-up beyond the cut-off in the better direction (`null` without a cut-off or follow-up). */
  functionalAtFollowUp: boolean | null;
}

/** The numbers behind the index for one visit (and arm, when the SD is per arm). */
export interface RciParameterRow {
  visit: string;
  /** The arm these numbers apply to; `null` when they apply to every arm. */
  arm: string | null;
  /** Participants whose scores gave these statistics. */
  n: number;
  baselineMean: number;
  baselineSd: number;
  /** Standard error of measurement s·√(1 − r). */
  seMeasurement: number;
  /** Denominator of the index: the `se` that `rci` is expressed in. */
  se: number;
  criticalValue: number;
  /** Jacobson–Truax only: the smallest |change| that is reliable, criticalValue × se; `null` for methods where it depends on the baseline. */
  minimumChange: number | null;
  /** Hageman–Arrindell only: follow-up mean, SD, pre–post correlation and reliability of the difference r_dd. */
  followUpMean: number | null;
  followUpSd: number | null;
  correlation: number | null;
  differenceReliability: number | null;
}

/** Missing and classified participants of one arm at one visit. */
export interface MissingRow {
  arm: string;
  visit: string;
  /** Participants in the arm. */
  nParticipants: number;
  classified: number;
  missingFollowUp: number;
  missingBaseline: number;
  missingBoth: number;
  notClassifiable: number;
}

/** Counts of one arm at one visit. */
export interface CategoryCountRow extends MissingRow {
  harmed: number;
  deteriorated: number;
  unchanged: number;
  improved: number;
  recovered: number;
}

/** Result of {@link clinicalSignificance}. */
export interface ClinicalSignificanceClassification {
  instrument: string | null;
  rciMethod: RciMethod;
  /** The method named with its reference. */
  method: string;
  /** The index formula. */
  formula: string;
  direction: Direction;
  reliability: ReliabilityUsed;
  criticalValue: number;
  baselineSdSource: BaselineSdSource | 'given';
  cutoff: ClinicalCutoff | null;
  /** Arms in order (the design's, or `options.arms`, else as first seen in the data). */
  arms: string[];
  /**
   * The reference (control) arm when it was named: the design's first arm for trial data, the
   * first of `options.arms`; `null` when the arms only came from the data, where their order is
   * the rows' order and the reference must be named in the comparison.
   */
  reference: string | null;
  visits: string[];
  parameters: RciParameterRow[];
  /** One row per participant × visit (tidy). */
  rows: ChangeRow[];
  /** Category and missing counts per arm × visit. */
  counts: CategoryCountRow[];
  /** Participants. */
  n: number;
  diagnostics: Diagnostic[];
}
