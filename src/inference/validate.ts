/**
 * Argument checks shared by the inference functions.
 */
import { ArgumentError } from '../errors/index.js';
import type { TwoGroupCounts } from './types.js';
import { ALTERNATIVES, checkOneOf } from '../errors/checks.js';

/** x events out of n trials: integers with 0 ≤ x ≤ n and n ≥ 1. */
export function checkEvents(xName: string, x: number, nName: string, n: number): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new ArgumentError(nName, n, 'a positive integer group size');
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > n) {
    throw new ArgumentError(xName, x, `an integer number of events from 0 to ${nName} = ${n}`);
  }
}

export function checkTwoGroups(counts: TwoGroupCounts): void {
  if (typeof counts !== 'object' || counts === null) throw new ArgumentError('counts', counts, 'an object { x1, n1, x2, n2 }');
  checkEvents('x1', counts.x1, 'n1', counts.n1);
  checkEvents('x2', counts.x2, 'n2', counts.n2);
}

export function checkAlternative(alternative: unknown): void {
  checkOneOf('alternative', alternative, ALTERNATIVES);
}
