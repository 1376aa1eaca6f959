/**
 * Argument checks shared by the descriptive tables. Internal.
 */
import { ArgumentError } from '../errors/index.js';
import type { TrialData } from '../data/types.js';

/**
 * The tables take validated `TrialData`; a plain object typed with a cast would reach here
 * unchecked, so the shape is confirmed at run time and a misuse fails with a clear message.
 */
export function checkTrial(trial: unknown): asserts trial is TrialData {
  const t = trial as Partial<TrialData> | null | undefined;
  if (
    typeof t !== 'object' ||
    t === null ||
    typeof t.design !== 'object' ||
    t.design === null ||
    !Array.isArray(t.design.arms) ||
    !Array.isArray(t.design.visits) ||
    !Array.isArray(t.design.instruments) ||
    !Array.isArray(t.participants) ||
    !Array.isArray(t.measurements)
  ) {
    throw new ArgumentError('trial', trial, 'validated trial data (the result of validateTrial)');
  }
}

/** Map participant id → index of its arm in `design.arms` (−1 for an arm not declared). */
export function armIndexById(trial: TrialData): Map<string, number> {
  const armIndex = new Map(trial.design.arms.map((a, i) => [a, i] as const));
  const out = new Map<string, number>();
  for (const p of trial.participants) out.set(p.id, armIndex.get(p.arm) ?? -1);
  return out;
}

/**
 * The design's arms, visits and instruments with their counts (A, V, K), each participant's arm
 * index (see {@link armIndexById}), and the index of a visit and of an instrument by name: the
 * cell (arm, visit, instrument) of a measurement row, for the tables counted per cell.
 */
export function designCells(trial: TrialData) {
  const { arms, visits, instruments } = trial.design;
  return {
    arms,
    visits,
    instruments,
    A: arms.length,
    V: visits.length,
    K: instruments.length,
    armOf: armIndexById(trial),
    visitIndex: new Map(visits.map((v, i) => [v, i] as const)),
    instIndex: new Map(instruments.map((k, i) => [k, i] as const)),
  };
}

/** Participants per arm, in `design.arms` order. */
export function randomisedByArm(trial: TrialData): number[] {
  const counts = trial.design.arms.map(() => 0);
  const armIndex = new Map(trial.design.arms.map((a, i) => [a, i] as const));
  for (const p of trial.participants) {
    const a = armIndex.get(p.arm);
    if (a !== undefined) counts[a] = counts[a]! + 1;
  }
  return counts;
}
