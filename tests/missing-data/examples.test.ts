/** The @example blocks of the missing-data functions, run on a small trial with therapy groups. */
import { describe, expect, it } from 'vitest';
import { multipleImputation } from '../../src/missing-data/impute.js';
import { poolContrasts, poolEstimates, poolFits, poolMarginalMeans } from '../../src/missing-data/pool.js';
import { tippingPoint } from '../../src/missing-data/tipping-point.js';
import { fitOls } from '../../src/models/ols/fit.js';
import { fitLmm } from '../../src/models/lmm/fit.js';
import { smallTrial } from './small-trial.js';

const rows = smallTrial(8, 96, ['baseline', '9m', '15m'], { groups: true, missing: 0.25 });
const mi = await multipleImputation(rows, { id: 'id', visit: 'visit', outcome: 'score', arm: 'arm', control: 'control', visits: ['baseline', '9m', '15m'], cluster: 'group', m: 5, seed: 7 });

describe('examples', () => {
  it('poolEstimates', async () => {
    const pooled = poolEstimates([
      [{ label: 'armSFT', estimate: 3.1, se: 1.2, df: 200 }],
      [{ label: 'armSFT', estimate: 2.7, se: 1.25, df: 200 }],
      [{ label: 'armSFT', estimate: 3.4, se: 1.18, df: 200 }],
    ]);
    expect(pooled.rows[0]!.estimate).toBeCloseTo(3.0666667, 6);
  });

  it('multipleImputation and poolFits', async () => {
    const fits = mi.completed.map((d) => fitOls('score ~ arm + baseline', d.filter((r) => r.visit === '9m')));
    const row = poolFits(fits).rows.find((r) => r.label === 'armSFT')!;
    expect(row.estimable).toBe(true);
    expect(row.m).toBe(5);
    expect(row.fmi!).toBeGreaterThan(0);
  });

  it('poolMarginalMeans and poolContrasts on LMM fits', async () => {
    const fits = mi.completed.slice(0, 3).map((d) => fitLmm('score ~ baseline + arm * visit + (1 | id)', d.filter((r) => r.visit !== 'baseline'), { partialNesting: { cluster: 'group', arm: 'arm', treated: 'SFT' }, levels: { visit: ['9m', '15m'] } }));
    const mm = poolMarginalMeans(fits, ['arm', 'visit']);
    expect(mm.rows[0]!.levels).toEqual({ arm: 'control', visit: '9m' });
    const d = poolContrasts(fits, ['arm'], 'revpairwise', { by: ['visit'] });
    const at9 = d.rows.find((r) => r.by.visit === '9m')!;
    expect(at9.contrast).toBe('SFT - control');
    expect(at9.estimable).toBe(true);
    // The pooled contrast is the mean of the per-imputation contrasts.
    expect(at9.estimate!).toBeCloseTo((mm.rows.find((r) => r.levels.arm === 'SFT' && r.levels.visit === '9m')!.estimate! - mm.rows[0]!.estimate!), 6);
  });

  it('tippingPoint', async () => {
    const tp = tippingPoint(mi, (d) => fitOls('score ~ arm + baseline', d.filter((r) => r.visit === '9m')).fixedEffects[1]!, { deltas: { control: [0, -5], SFT: [0, -5, -10] } });
    expect(tp.rows).toHaveLength(6);
    expect(tp.tippingPoints.map((t) => t.arm)).toEqual(['control', 'SFT']);
  });
});
