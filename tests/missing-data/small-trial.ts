/** A small two-arm trial in long rows, seeded, for hand-checkable imputation tests. */
import { createRng } from '../../src/random/rng.js';

export function smallTrial(seed: number, n: number, visits: string[], options: { groups?: boolean; missing?: number } = {}): Record<string, unknown>[] {
  const rng = createRng(seed);
  const rows: Record<string, unknown>[] = [];
  const miss = options.missing ?? 0.3;
  for (let i = 0; i < n; i++) {
    const treated = i % 2 === 1;
    const b = 50 + 10 * rng.normal();
    const u = 6 * rng.normal();
    let dropped = false;
    visits.forEach((v, k) => {
      const y = k === 0 ? b : 5 + 0.8 * b + (treated ? 4 - k : 0) + u + 5 * rng.normal() + 2 * k;
      if (k > 0 && !dropped && rng.uniform() < miss) dropped = true;
      rows.push({ id: `p${i}`, arm: treated ? 'SFT' : 'control', visit: v, group: treated && options.groups ? `g${Math.floor(i / 8)}` : null, score: k > 0 && dropped ? null : Math.round(y * 10) / 10 });
    });
  }
  return rows;
}
