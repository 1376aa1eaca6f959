/** Power and sample size for partially nested trials: analytic, by simulation, and the parametric bootstrap of a fit. */
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
} from './analytic.js';
export {
  powerBySimulation,
  primaryLmmAnalysis,
  replicateSeed,
  type AnalyseFunction,
  type FailureSummary,
  type PowerProgress,
  type PowerSimulationOptions,
  type PowerSimulationResult,
  type RejectionRate,
  type SimulationDesign,
} from './simulation.js';
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
} from './bootstrap.js';
export { powerCurve, type PowerCurve, type PowerCurveOptions, type PowerCurvePoint } from './curve.js';
