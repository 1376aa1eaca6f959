/**
 * Input and result shapes shared by the economics functions.
 */
import type { Diagnostic } from '../errors/index.js';
import type { Estimate } from '../results/types.js';

/**
 * A participant as the economics functions need it. Structurally a subset of the data
 * module's `Participant`, so `trialData.participants` can be passed as is.
 */
export interface CostParticipant {
  /** Participant id, unique. */
  readonly id: string;
  /** Randomised arm. */
  readonly arm: string;
  /** Therapy group (cluster) of a treated participant; `null` for participants in no group (e.g. controls). */
  readonly group: string | null;
  /** Costs by category (e.g. `implementation`, `operation`, `healthcare`, `supportHours`); `null` = not recorded. */
  readonly costs: Readonly<Record<string, number | null>>;
}

/** One cost in long format, to be added to a participant's category total (see `attachCosts`). */
export interface CostRecord {
  /** Participant id; must be one of the participants'. */
  readonly id: string;
  /** Cost category, e.g. `healthcare`. */
  readonly category: string;
  /** Amount in the analysis currency and price year. */
  readonly amount: number;
}

/** An estimate with a bootstrap interval, in the library's result vocabulary. */
export interface BootstrapEstimate extends Estimate {
  /** Point estimate on the original data. */
  estimate: number;
  /** Bootstrap standard error: the standard deviation of the finite replicates. */
  se: number;
  /** The reported interval (`ciType` of the options; BCa unless asked otherwise). */
  ci: [number, number];
  /** Both intervals, for comparison. */
  intervals: { percentile: [number, number]; bca: [number, number] };
  /** BCa bias correction z₀ and acceleration a (jackknife), for audit against R. */
  bca: { z0: number; acceleration: number } | null;
  /** Finite replicates used. */
  replicates: number;
  diagnostics: Diagnostic[];
}

/** Which bootstrap interval is reported as `ci`. */
export type CiType = 'bca' | 'percentile';
