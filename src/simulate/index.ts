/** Synthetic SFT-like trials with known truth: rows, validated data, columns for benchmarks, the committed sample. */
export { simulateTrial, type SimulatedTrial, type SimulationTruth, type TrueEffect, type TrueGroup, type TrueSite } from './trial.js';
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
} from './register.js';
export { simulateTrialData, type SimulatedTrialData } from './trial-data.js';
export { simulateLongColumns, type LongColumns, type LongColumnsOptions } from './columns.js';
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
} from './options.js';
export { measurementsToCsv, participantsToCsv, registerToCsv, sampleCsv, SAMPLE_FILES, SAMPLE_OPTIONS, SAMPLE_SEED, type SampleCsv } from './sample.js';
