/**
 * Clinical significance: reliable change (Jacobson–Truax, Gulliksen–Lord–Novick, Edwards–Nunnally,
 * Hageman–Arrindell), cut-offs a/b/c, categories per participant and visit, and their comparison
 * between arms (RD, RR, OR, NNT, χ²/Fisher, proportional odds, probability of superiority).
 * Methods: docs/methods/clinical-significance.md.
 */
export type {
  RciMethod,
  CutoffType,
  CustomCutoff,
  CutoffOption,
  ChangeCategory,
  ChangeStatus,
  NormInput,
  NormsOption,
  NormUsed,
  ClinicalCutoff,
  BaselineSdSource,
  ReliabilityUsed,
  ClinicalSignificanceArrays,
  ClinicalSignificanceOptions,
  TrialClinicalSignificanceOptions,
  ArrayClinicalSignificanceOptions,
  ChangeRow,
  RciParameterRow,
  CategoryCountRow,
  ClinicalSignificanceClassification,
} from './types.js';
export { RCI_METHODS, type RciMethodInfo } from './methods.js';
export { clinicalCutoff, type CutoffNorm, type CutoffNorms } from './cutoff.js';
export { clinicalSignificance } from './clinical-significance.js';
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
} from './compare.js';
export { numberNeededToTreat, type NntOptions, type NntResult, type RiskDifferenceInput } from './nnt.js';
export {
  proportionalOddsComparison,
  probabilityOfSuperiority,
  type OrdinalOptions,
  type ProportionalOddsResult,
  type SuperiorityResult,
} from './ordinal.js';
