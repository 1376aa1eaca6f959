/**
 * Outcome scores summarised per arm × visit × instrument.
 */
import type { TrialData, TrialDesign } from '../data/types.js';
import { checkTrial, designCells, randomisedByArm } from './check.js';
import { summarise, type Summary } from './stats.js';

/**
 * One row of {@link describeOutcomes}: the scores of one instrument at one visit in one arm.
 * Statistics are `null` when undefined (no scores; `sd` also with one score).
 */
export interface OutcomeSummaryRow extends Summary {
  arm: string;
  visit: string;
  instrument: string;
  /** Participants randomised to the arm. */
  randomised: number;
  /** Randomised participants of the arm without a score here: `randomised − n` (row absent or score missing). */
  missing: number;
}

/**
 * Summarise the outcome scores per arm × visit × instrument: n, missing, mean, SD, median,
 * quartiles (Hyndman–Fan type 7, R's default) and range. Rows come in design order (arms,
 * then visits, then instruments) and every combination appears, with `n = 0` where nothing
 * was measured, so tables keep their shape.
 *
 * @param trial - validated trial data (`validateTrial`).
 * @returns plain JSON rows, see {@link OutcomeSummaryRow}.
 * @throws ArgumentError when `trial` is not trial data.
 * @example
 * const rows = describeOutcomes(trial); // trial: the hand example in tests/descriptives
 * rows.find((r) => r.arm === 'SFT' && r.visit === 'baseline' && r.instrument === 'PSP');
 * // { arm: 'SFT', visit: 'baseline', instrument: 'PSP', randomised: 4, n: 4, missing: 0,
 * //   mean: 45, sd: 12.909944487358056, median: 45, q1: 37.5, q3: 52.5, min: 30, max: 60 }
 */
export function describeOutcomes(trial: TrialData): OutcomeSummaryRow[] {
  checkTrial(trial);
  const { A, V, K, armOf, visitIndex, instIndex } = designCells(trial);
  // Two passes over the measurements (count, then fill) so each cell gets one typed array of
  // its exact size instead of a growing array of boxed numbers.
  const counts = new Int32Array(A * V * K);
  const cellOf = new Int32Array(trial.measurements.length).fill(-1);
  trial.measurements.forEach((m, r) => {
    if (m.score === null) return;
    const a = armOf.get(m.id);
    const v = visitIndex.get(m.visit);
    const k = instIndex.get(m.instrument);
    if (a === undefined || a < 0 || v === undefined || k === undefined) return;
    const c = (a * V + v) * K + k;
    cellOf[r] = c;
    counts[c] = counts[c]! + 1;
  });
  const values: Float64Array[] = Array.from(counts, (n) => new Float64Array(n));
  const fill = new Int32Array(A * V * K);
  trial.measurements.forEach((m, r) => {
    const c = cellOf[r]!;
    if (c < 0) return;
    values[c]![fill[c]!] = m.score as number;
    fill[c] = fill[c]! + 1;
  });
  return outcomeRows(trial.design, randomisedByArm(trial), (c) => summarise(values[c]!));
}

/**
 * The rows in design order (arms, then visits, then instruments) from each cell's summary,
 * cell (a·V + v)·K + k; shared with `describeOutcomesSql`. Internal.
 */
export function outcomeRows(design: Pick<TrialDesign, 'arms' | 'visits' | 'instruments'>, randomised: readonly number[], summaryOf: (cell: number) => Summary): OutcomeSummaryRow[] {
  const { arms, visits, instruments } = design;
  const V = visits.length;
  const K = instruments.length;
  const rows: OutcomeSummaryRow[] = [];
  for (let a = 0; a < arms.length; a++) {
    for (let v = 0; v < V; v++) {
      for (let k = 0; k < K; k++) {
        const s = summaryOf((a * V + v) * K + k);
        rows.push({
          arm: arms[a]!,
          visit: visits[v]!,
          instrument: instruments[k]!,
          randomised: randomised[a]!,
          n: s.n,
          missing: randomised[a]! - s.n,
          mean: s.mean,
          sd: s.sd,
          median: s.median,
          q1: s.q1,
          q3: s.q3,
          min: s.min,
          max: s.max,
        });
      }
    }
  }
  return rows;
}
