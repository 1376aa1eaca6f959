/** Missing data: multiple imputation for the partially nested design, Rubin's rules, δ adjustment and tipping points, reference-based imputation. */
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
} from './pool.js';
export { multipleImputation, MI_LIMITS, type MultipleImputation, type MultipleImputationOptions, type CompletedRow } from './impute.js';
export type { Strategy as ImputationStrategy } from './gibbs.js';
export type { DeltaSpec } from './delta.js';
export type { ImputationColumns } from './wide.js';
export { fitImputations, type FitImputationsOptions, type ImputationFits } from './fit-imputations.js';
export { tippingPoint, type TippingPointOptions, type TippingPointResult, type TippingPointRow, type TippingPointSummary, type AnalysisRow } from './tipping-point.js';
