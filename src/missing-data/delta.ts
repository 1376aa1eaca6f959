/**
 * δ adjustment after dropout (a "pattern-mixture" departure from MAR; Ratitch, O'Kelly & Tosiello
 * 2013; rbmi's `delta`): imputed scores at visits after a participant's last observed follow-up
 * get δ added, per arm and visit, once (δ_{a,k}) or cumulatively (Σ_{j = d+1…k} δ_{a,j}, d the last
 * observed visit). Missed visits before the last observed one are not shifted: their MAR
 * imputation is kept. As in rbmi, δ is added after imputation and not carried into later visits'
 * conditional draws.
 */
import { own } from '../data/own.js';
import { ArgumentError } from '../errors/index.js';
import { isPlainObject } from '../errors/checks.js';
import type { WideData } from './wide.js';

/** δ per arm: one number for all follow-up visits, or one per follow-up visit. Arms left out get 0. */
export type DeltaSpec = Record<string, number | number[]>;

export function checkDelta(argument: string, delta: unknown, w: WideData): void {
  if (!isPlainObject(delta)) throw new ArgumentError(argument, delta, 'an object { arm: δ } with δ a number or one number per follow-up visit');
  for (const [arm, d] of Object.entries(delta)) {
    if (!w.armLevels.includes(arm)) throw new ArgumentError(`${argument}.${arm}`, d, `an arm of the data (${w.armLevels.join(', ')})`);
    const list = Array.isArray(d) ? d : [d];
    if (Array.isArray(d) && d.length !== w.K) throw new ArgumentError(`${argument}.${arm}`, d, `${w.K} numbers, one per follow-up visit (${w.visitLevels.slice(1).join(', ')})`);
    list.forEach((v, k) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new ArgumentError(Array.isArray(d) ? `${argument}.${arm}[${k}]` : `${argument}.${arm}`, v, 'a finite number (score units)');
    });
  }
}

/** The shift of participant i's imputed score at follow-up k (0 before dropout). */
export function deltaShift(delta: DeltaSpec, w: WideData, i: number, k: number, cumulative: boolean): number {
  const d = w.lastObserved[i]!;
  if (k <= d) return 0;
  const spec = own(delta, w.armLevels[w.arm[i]!]!);
  if (spec === undefined) return 0;
  const at = (j: number) => (Array.isArray(spec) ? spec[j]! : spec);
  if (!cumulative) return at(k);
  let s = 0;
  for (let j = d + 1; j <= k; j++) s += at(j);
  return s;
}
