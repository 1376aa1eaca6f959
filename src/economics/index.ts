/**
 * Economics: costs by arm, trial-based cost-effectiveness (bootstrap CE plane and
 * acceptability curve, net-benefit regression), the municipal group-course cost model and the
 * level-1 cost assessment, and gamma and two-part models for skewed costs.
 */
export type { CostParticipant, CostRecord, BootstrapEstimate, CiType } from './types.js';
export { attachCosts, checkCostParticipants, checkWtpGrid, type AllowNegative } from './validate.js';
export {
  costsByArm,
  participantCostTotals,
  TOTAL,
  type CostsByArmOptions,
  type CostsByArmResult,
  type CostSummary,
  type CostDifference,
  type CostTotalOptions,
  type ParticipantCostTotal,
} from './costs-by-arm.js';
export type { EffectRecord, CostEffectInput, EffectEstimator } from './effects.js';
export { icer, netMonetaryBenefit, acceptabilityCurve, type IcerResult, type Quadrant, type AcceptabilityCurve } from './icer.js';
export {
  costEffectiveness,
  DEFAULT_WTP,
  type CostEffectivenessOptions,
  type CostEffectivenessResult,
  type NetBenefitAtWtp,
} from './cost-effectiveness.js';
export {
  netBenefitRegression,
  type NetBenefitRegressionOptions,
  type NetBenefitRegressionResult,
  type NetBenefitRegressionRow,
} from './net-benefit-regression.js';
export * from './qaly/index.js';
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
} from './skewed-costs.js';
export { percentileInterval, bcaInterval, jackknifeAcceleration, type BootstrapInterval } from './bootstrap/intervals.js';
export type { WorkerPool, WorkerPoolOptions, ThreadingOptions } from '../parallel/types.js';
export type { ResampleScheme } from './bootstrap/units.js';
export {
  groupCourseCost,
  groupSizeTable,
  breakEvenGroupSize,
  payerSplit,
  roundTo,
  type GroupCourseInputs,
  type GroupCourseCost,
  type BreakEven,
  type PayerItem,
  type PayerSplit,
} from './group-course.js';
export {
  levelOneCostAssessment,
  levelOneMeasures,
  oneWaySensitivity,
  priceAdjust,
  presentValue,
  discountWeights,
  type CostItem,
  type CostTiming,
  type LevelOneInputs,
  type LevelOneResult,
  type PvAmount,
  type SensitivityAnalysis,
  type SensitivityRow,
  type SensitivityTable,
} from './level-one.js';
