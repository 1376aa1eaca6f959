/**
 * Multiple imputation against known truth: SFT-shaped trials (groups in the treated arm only)
 * with MAR monotone dropout — at 9 months on the baseline score, at 15 months on the observed
 * 9-month score — analysed by ANCOVA at each visit (cluster-robust CR1, controls as singletons)
 * in each completed dataset and pooled by Rubin's rules. Bias is measured against the same
 * trial's complete-data estimate (paired, so the Monte Carlo error is that of the missingness
 * alone); coverage of the true effect must lie within the Monte Carlo bounds of 95 %. A small
 * replicate count keeps the test fast; bench/missing-data-coverage.ts runs 500 replicates.
 */
import { describe, expect, it } from 'vitest';
import { multipleImputation } from '../../src/missing-data/impute.js';
import { poolFits } from '../../src/missing-data/pool.js';
import { fitOls } from '../../src/models/ols/fit.js';
import { coverageBounds } from '../tolerances.js';
import { sftWithDropout } from './sft-dropout.js';

// CR1 with G − 1 df: cluster-robust for the therapy groups and quicker than CR2 (the test's budget).
const OLS = { vcov: 'CR1', cluster: 'group', clusterMissing: 'singleton', ddf: 'naive-t' } as const;
const withBaseline = (rows: Record<string, unknown>[]) => {
  const b = new Map(rows.filter((r) => r.visit === 'baseline').map((r) => [r.id, r.score]));
  return rows.map((r): Record<string, unknown> => ({ ...r, baseline: b.get(r.id) }));
};

describe('multiple imputation: simulation with known truth', () => {
  it('is unbiased for the 9- and 15-month effects and covers them at 95 % (MAR dropout on baseline and 9-month scores)', async () => {
    const R = 30;
    const effect = 0.5;
    const out = { '9m': { diff: [] as number[], cover: 0, cc: [] as number[] }, '15m': { diff: [] as number[], cover: 0, cc: [] as number[] } };
    let truth: Record<string, number> = {};
    for (let rep = 0; rep < R; rep++) {
      const t = sftWithDropout(1000 + rep, 600, { effect });
      truth = t.effect;
      const mi = await multipleImputation(t.incomplete, { id: 'id', visit: 'visit', outcome: 'score', arm: 'arm', control: 'control', visits: ['baseline', '9m', '15m'], cluster: 'group', m: 5, burnIn: 50, seed: rep });
      const complete = withBaseline(t.complete);
      const incomplete = withBaseline(t.incomplete);
      for (const v of ['9m', '15m'] as const) {
        const pooled = poolFits(mi.completed.map((d) => fitOls('score ~ arm + baseline', d.filter((r) => r.visit === v), OLS))).rows.find((r) => r.label === 'armSFT')!;
        const full = fitOls('score ~ arm + baseline', complete.filter((r) => r.visit === v), OLS).fixedEffects.find((r) => r.term === 'armSFT')!;
        const cc = fitOls('score ~ arm + baseline', incomplete.filter((r) => r.visit === v), OLS).fixedEffects.find((r) => r.term === 'armSFT')!;
        out[v].diff.push(pooled.estimate! - full.estimate);
        out[v].cc.push(cc.estimate - full.estimate);
        if (pooled.ci![0] <= truth[v]! && truth[v]! <= pooled.ci![1]) out[v].cover++;
      }
    }
    const mean = (x: number[]) => x.reduce((a, v) => a + v, 0) / x.length;
    const [lo, hi] = coverageBounds(0.95, R, 1);
    for (const v of ['9m', '15m'] as const) {
      const bias = mean(out[v].diff);
      // Bias within 5 % of the effect (paired with the complete-data estimate of the same trial).
      expect(Math.abs(bias)).toBeLessThan(0.05 * truth[v]!);
      expect(out[v].cover / R).toBeGreaterThanOrEqual(lo);
      expect(out[v].cover / R).toBeLessThanOrEqual(hi);
    }
    // The dropout is informative for complete cases at 15 months (it depends on the 9-month score,
    // which the treatment moves): complete-case ANCOVA drifts from the complete-data estimate more than MI does.
    expect(Math.abs(mean(out['15m'].cc))).toBeGreaterThan(Math.abs(mean(out['15m'].diff)));
  });
});
