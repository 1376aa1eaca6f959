/**
 * CONSORT-style participant flow: randomised, analysed, measured at each visit.
 */
import type { TrialData, TrialDesign } from '../data/types.js';
import { checkTrial, designCells, randomisedByArm } from './check.js';

/** Stage of the flow. */
export type FlowStage = 'randomised' | 'analysed' | 'measured';

/**
 * One row of {@link flowCounts}.
 *
 * - `randomised`: participants randomised (`visit` and `instrument` null).
 * - `analysed`: participants with at least one non-missing score at any visit on any instrument.
 * - `measured`: participants with a non-missing score at `visit`, on any instrument when
 *   `instrument` is null, else on that instrument.
 */
export interface FlowRow {
  stage: FlowStage;
  /** Arm, or `null` for all arms together. */
  arm: string | null;
  visit: string | null;
  instrument: string | null;
  /** Participants at this stage. */
  n: number;
  /** Participants randomised (to `arm`, or in total). */
  randomised: number;
  /** `randomised − n`: not (or no longer) counted at this stage. */
  notIncluded: number;
  /** `100 × n ÷ randomised`, unrounded; `null` when nobody was randomised to the arm. */
  percent: number | null;
}

/**
 * Count the participant flow CONSORT-style, per arm and for all arms together: randomised,
 * analysed (at least one score), and measured at each visit (any instrument, then each
 * instrument). Rows come stage by stage in design order; within a stage the arms come
 * first and the all-arms row (`arm: null`) last.
 *
 * @param trial - validated trial data (`validateTrial`).
 * @returns plain JSON rows, see {@link FlowRow}.
 * @throws ArgumentError when `trial` is not trial data.
 * @example
 * const flow = flowCounts(trial); // trial: the hand example in tests/descriptives
 * flow.find((r) => r.stage === 'measured' && r.arm === 'control' && r.visit === '9m' && r.instrument === null);
 * // { stage: 'measured', arm: 'control', visit: '9m', instrument: null, n: 2, randomised: 4, notIncluded: 2, percent: 50 }
 */
export function flowCounts(trial: TrialData): FlowRow[] {
  checkTrial(trial);
  const { A, V, K, armOf, visitIndex, instIndex } = designCells(trial);
  const P = trial.participants.length;
  const personIndex = new Map(trial.participants.map((p, i) => [p.id, i] as const));
  // Per participant: which visit × instrument cells hold a score (a participant counts once
  // however many rows they have).
  const has = new Uint8Array(P * V * K);
  for (const m of trial.measurements) {
    if (m.score === null) continue;
    const p = personIndex.get(m.id);
    const v = visitIndex.get(m.visit);
    const k = instIndex.get(m.instrument);
    if (p === undefined || v === undefined || k === undefined) continue;
    has[(p * V + v) * K + k] = 1;
  }
  // counts[a][slot]: slot 0 analysed, then per visit: 1 + v·(K + 1) any, + 1 + k per instrument.
  const S = 1 + V * (K + 1);
  const counts = new Int32Array((A + 1) * S);
  for (let p = 0; p < P; p++) {
    const a = armOf.get(trial.participants[p]!.id) ?? -1;
    let any = false;
    for (let v = 0; v < V; v++) {
      let anyAtVisit = false;
      for (let k = 0; k < K; k++) {
        if (!has[(p * V + v) * K + k]) continue;
        anyAtVisit = true;
        const slot = 1 + v * (K + 1) + 1 + k;
        if (a >= 0) counts[a * S + slot] = counts[a * S + slot]! + 1;
        counts[A * S + slot] = counts[A * S + slot]! + 1;
      }
      if (anyAtVisit) {
        any = true;
        const slot = 1 + v * (K + 1);
        if (a >= 0) counts[a * S + slot] = counts[a * S + slot]! + 1;
        counts[A * S + slot] = counts[A * S + slot]! + 1;
      }
    }
    if (any) {
      if (a >= 0) counts[a * S] = counts[a * S]! + 1;
      counts[A * S] = counts[A * S]! + 1;
    }
  }
  return flowRows(trial.design, randomisedByArm(trial), P, counts);
}

/**
 * The rows from the counts per arm (A + 1 of them, the last for all arms together), each at
 * slot 0 analysed, then per visit v at 1 + v·(K + 1) measured on any instrument and at
 * 1 + v·(K + 1) + 1 + k on instrument k; shared with `flowCountsSql`. Internal.
 */
export function flowRows(design: Pick<TrialDesign, 'arms' | 'visits' | 'instruments'>, randomised: readonly number[], total: number, counts: Int32Array): FlowRow[] {
  const { arms, visits, instruments } = design;
  const A = arms.length;
  const K = instruments.length;
  const S = 1 + visits.length * (K + 1);
  const row = (stage: FlowStage, a: number, visit: string | null, instrument: string | null, n: number): FlowRow => {
    const r = a < A ? randomised[a]! : total;
    return { stage, arm: a < A ? arms[a]! : null, visit, instrument, n, randomised: r, notIncluded: r - n, percent: r > 0 ? (100 * n) / r : null };
  };
  const rows: FlowRow[] = [];
  for (let a = 0; a <= A; a++) rows.push(row('randomised', a, null, null, a < A ? randomised[a]! : total));
  for (let a = 0; a <= A; a++) rows.push(row('analysed', a, null, null, counts[a * S]!));
  for (let v = 0; v < visits.length; v++) {
    for (let a = 0; a <= A; a++) rows.push(row('measured', a, visits[v]!, null, counts[a * S + 1 + v * (K + 1)]!));
    for (let k = 0; k < K; k++) {
      for (let a = 0; a <= A; a++) rows.push(row('measured', a, visits[v]!, instruments[k]!, counts[a * S + 1 + v * (K + 1) + 1 + k]!));
    }
  }
  return rows;
}
