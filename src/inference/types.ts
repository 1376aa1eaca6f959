/**
 * Result and option types shared by the inference functions.
 */
import type { Diagnostic } from '../errors/index.js';
import type { Estimate } from '../results/types.js';

/** Direction of a test or of a one-sided interval. */
export type Alternative = 'two.sided' | 'less' | 'greater';

/** Events and group sizes of two groups; group 1 is the treatment (numerator) group. */
export interface TwoGroupCounts {
  /** Events in group 1 (treatment). */
  x1: number;
  /** Size of group 1. */
  n1: number;
  /** Events in group 2 (control). */
  x2: number;
  /** Size of group 2. */
  n2: number;
}

/** An interval estimate. */
export interface IntervalResult extends Estimate {
  estimate: number;
  ci: [number, number];
  /** Total number of observations behind the estimate. */
  n: number;
  /** The method, named precisely enough to reproduce it. */
  method: string;
  diagnostics: Diagnostic[];
}

/** A hypothesis test. */
export interface TestResult {
  statistic: number;
  df: number;
  pValue: number;
  n: number;
  method: string;
  diagnostics: Diagnostic[];
}
