/**
 * The generator's output validated into `TrialData`, ready for the analyses.
 */
import type { TrialData } from '../data/types.js';
import { validateTrial } from '../data/validate.js';
import type { SimulateTrialOptions } from './options.js';
import { simulateTrial, type SimulationTruth } from './trial.js';

/** Validated synthetic data and the truth behind them. */
export interface SimulatedTrialData {
  data: TrialData;
  truth: SimulationTruth;
}

/**
 * Simulate a trial ({@link simulateTrial}) and validate it with `validateTrial`, so the result
 * can go straight into the descriptive tables and models.
 *
 * @param options - generator options, see `SimulateTrialOptions`.
 * @throws ArgumentError for invalid options; a `ValidationError` would mean a generator bug.
 * @example
 * const { data, truth } = simulateTrialData({ seed: 3 });
 * data.summary.nParticipants; // 304
 * truth.counts.analysed; // 293
 */
export function simulateTrialData(options?: SimulateTrialOptions): SimulatedTrialData {
  const sim = simulateTrial(options);
  const data = validateTrial({ participants: sim.participants, measurements: sim.measurements, register: sim.register }, { design: sim.design });
  return { data, truth: sim.truth };
}
