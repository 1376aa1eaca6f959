/**
 * SFT-shaped trials with known truth for the imputation tests: the columnar generator with
 * everyone measured at every visit, then MAR monotone dropout imposed here — at 9 months on the
 * observed baseline, at 15 months on the observed 9-month score (those doing worse leave more) —
 * so the complete data are known beside the incomplete ones.
 */
import { simulateLongColumns } from '../../src/simulate/columns.js';
import { createRng } from '../../src/random/rng.js';

export interface DropoutTrial {
  complete: Record<string, unknown>[];
  incomplete: Record<string, unknown>[];
  effect: Record<string, number>;
}

const logistic = (x: number) => 1 / (1 + Math.exp(-x));

export function sftWithDropout(seed: number, nParticipants = 300, options: { groupSd?: number; slope?: number; effect?: number } = {}): DropoutTrial {
  const cols = simulateLongColumns({
    nParticipants,
    seed,
    spec: { missingAtVisit: 0, ...(options.effect !== undefined ? { effect: options.effect } : {}) },
    groupSd: options.groupSd ?? 0.15,
    visits: [
      { name: 'baseline', months: 0, retention: 1, effectMultiplier: 0, controlChange: 0 },
      { name: '9m', months: 9, retention: 1, effectMultiplier: 1, controlChange: 0.1 },
      { name: '15m', months: 15, retention: 1, effectMultiplier: 0.4, controlChange: 0.1 },
    ],
  });
  const rng = createRng(seed * 7919 + 1);
  const slope = options.slope ?? 1;
  const complete: Record<string, unknown>[] = [];
  const incomplete: Record<string, unknown>[] = [];
  for (let r = 0; r < cols.nRows; r += 3) {
    const y = [cols.score[r]!, cols.score[r + 1]!, cols.score[r + 2]!];
    // Lower scores (worse functioning) leave more: 9m on baseline, 15m on the observed 9m score.
    const miss9 = rng.uniform() < logistic(-1.4 - slope * ((y[0]! - 48) / 12));
    const miss15 = miss9 || rng.uniform() < logistic(-1.6 - slope * ((y[1]! - 48) / 12));
    for (let v = 0; v < 3; v++) {
      const row = { id: `p${cols.id[r]}`, arm: cols.levels.arm[cols.arm[r]!], visit: cols.levels.visit[v], group: cols.group[r]! >= 0 ? `g${cols.group[r]}` : null, score: y[v] };
      complete.push(row);
      const missing = (v === 1 && miss9) || (v === 2 && miss15);
      incomplete.push({ ...row, score: missing ? null : y[v] });
    }
  }
  return { complete, incomplete, effect: cols.truth.effectRaw };
}
