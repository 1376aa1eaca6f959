/**
 * Inference helpers: multiplicity adjustment, proportion intervals, two-group comparisons of
 * proportions and tests for contingency tables. Methods: docs/methods/inference.md.
 */
export type { Alternative, TwoGroupCounts, IntervalResult, TestResult } from './types.js';
export { pAdjust, type PAdjustMethod, type PAdjustOptions } from './p-adjust.js';
export {
  proportionInterval,
  type ProportionIntervalMethod,
  type ProportionIntervalOptions,
  type ProportionIntervalResult,
} from './proportion-interval.js';
export { riskDifference, type RiskDifferenceOptions, type RiskDifferenceResult } from './risk-difference.js';
export { riskRatio, oddsRatio, type RatioResult, type RiskRatioOptions, type OddsRatioOptions, type OddsRatioMethod } from './risk-ratio.js';
export { chiSquareTest, type ChiSquareTestOptions, type ChiSquareTestResult } from './chi-square-test.js';
export { fisherExactTest, type FisherExactOptions, type FisherExactResult, type Table2x2 } from './fisher-exact.js';
