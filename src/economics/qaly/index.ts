/** Cost-utility: QALYs from a utility index, baseline adjustment, skewed-value readings, cost per QALY and EVPI. */
export {
  qalys,
  utilityArea,
  type QalyInput,
  type QalyOptions,
  type QalyHorizon,
  type QalyParticipant,
  type UtilityMeasurement,
  type QalyResult,
  type QalyHorizonResult,
  type ParticipantQaly,
  type ArmQaly,
} from './qaly.js';
export {
  baselineAdjustedDifference,
  incrementalQaly,
  incrementalCost,
  type BaselinePair,
  type BaselineAdjustmentOptions,
  type BaselineAdjustedResult,
  type AdjustmentVcov,
  type DifferenceRow,
  type IncrementalCostOptions,
} from './baseline-adjustment.js';
export {
  influenceOfLargest,
  largestCostsInfluence,
  type MeasureValue,
  type LargestValuesOptions,
  type LargestValuesResult,
  type LargestCostsOptions,
  type MeanDifference,
} from './largest-values.js';
export {
  costUtility,
  expectedValueOfPerfectInformation,
  probabilityOfEffectAtCost,
  DEFAULT_WTP_QALY,
  type CePlane,
  type CostUtilityOptions,
  type CostUtilityResult,
  type EvpiCurve,
  type EffectAtCostProbability,
} from './cost-utility.js';
