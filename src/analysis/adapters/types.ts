/**
 * The contract between `analyzeTrial` and a capability module: one adapter per optional
 * section (clinical significance, dose–response, subgroups, economics). An adapter turns the
 * plan's section into the capability's calls and its output into the section result the
 * report reads. Until a capability is in the library its adapter has `run: null`, and the
 * section is reported as not available: never estimated some other way.
 */
import type { TrialData } from '../../data/types.js';
import type { AnalysisPlan } from '../plan.js';
import type { OutcomeResult } from '../types.js';

/** What every adapter receives besides its section of the plan. */
export interface AnalysisContext {
  trial: TrialData;
  /** The normalised plan. */
  plan: AnalysisPlan;
  /** The primary results per outcome, already computed (sections may reuse them). */
  outcomes: readonly OutcomeResult[];
  /** The visit of the primary comparison. */
  primaryVisit: string;
  /** Whether individual-level rows may be kept in the results (plan.report.individualData). */
  individualData: boolean;
  /** Worker threads for resampling (results do not depend on it). */
  threads: number | 'auto';
  /** Report a step of a long computation (shown by the CLI on stderr). */
  progress: (detail: string) => void;
}

/** An adapter from a plan section to a capability module. */
export interface SectionAdapter<P, R> {
  /** The capability's folder and issue, named when the section is not available. */
  capability: string;
  /** Runs the section; `null` while the capability is not in the library. */
  run: ((context: AnalysisContext, section: P) => Promise<R>) | null;
}
