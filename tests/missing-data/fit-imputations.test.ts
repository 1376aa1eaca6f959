/**
 * fitImputations builds the model frame once and refits each completed dataset to its own
 * imputed outcome: the fits must equal fitLmm / fitOls on each completed dataset, on the
 * calling thread and on worker threads alike.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors/index.js';
import { fitImputations } from '../../src/missing-data/fit-imputations.js';
import { multipleImputation } from '../../src/missing-data/impute.js';
import { poolFits } from '../../src/missing-data/pool.js';
import { fitLmm } from '../../src/models/lmm/fit.js';
import { fitOls } from '../../src/models/ols/fit.js';
import { openWorkerPool } from '../../src/parallel/pool.js';
import { smallTrial } from './small-trial.js';

const visits = ['baseline', '9m', '15m'];
const rows = smallTrial(5, 96, visits, { groups: true, missing: 0.25 });
const mi = await multipleImputation(rows, { id: 'id', visit: 'visit', outcome: 'score', arm: 'arm', control: 'control', visits, cluster: 'group', m: 4, burnIn: 20, seed: 8 });
const pool = openWorkerPool({ threads: 2 });
afterAll(() => pool.close());
const lmmOptions = { partialNesting: { cluster: 'group', arm: 'arm', treated: 'SFT' } };
const LMM = 'score ~ baseline + arm * visit + (1 | id)';

describe('fitImputations', () => {
  it('LMM: the same fits as fitLmm on each completed dataset, on the calling thread and on 2 workers', async () => {
    const direct = mi.completed.map((d) => fitLmm(LMM, d.filter((r) => r.visit !== 'baseline'), lmmOptions));
    const one = await fitImputations(mi, LMM, { model: 'lmm', options: lmmOptions, where: { visit: ['9m', '15m'] }, threads: 1 });
    const two = await fitImputations(mi, LMM, { model: 'lmm', options: lmmOptions, where: { visit: ['9m', '15m'] }, pool });
    expect(one.threadsUsed).toBe(1);
    expect(two.threadsUsed).toBe(2);
    for (const r of [one, two]) {
      expect(r.fits.map((f) => f.fixedEffects)).toEqual(direct.map((f) => f.fixedEffects));
      expect(r.fits.map((f) => f.varianceComponents)).toEqual(direct.map((f) => f.varianceComponents));
      expect(r.fits.map((f) => f.logLik)).toEqual(direct.map((f) => f.logLik));
    }
    // Fits that crossed from a worker pool like the calling thread's (fit-as-data).
    expect(poolFits(two.fits).rows).toEqual(poolFits(direct).rows);
  });

  it('OLS with cluster-robust SEs: the same fits as fitOls at 9 months', async () => {
    const o = { vcov: 'CR2', cluster: 'group', clusterMissing: 'singleton' } as const;
    const direct = mi.completed.map((d) => fitOls('score ~ arm + baseline', d.filter((r) => r.visit === '9m'), o));
    const { fits } = await fitImputations(mi, 'score ~ arm + baseline', { model: 'ols', options: o, where: { visit: '9m' } });
    expect(fits.map((f) => f.fixedEffects)).toEqual(direct.map((f) => f.fixedEffects));
  });

  it('refuses a response other than the imputed outcome, unknown where columns and options', async () => {
    await expect(fitImputations(mi, 'baseline ~ arm', { model: 'ols' })).rejects.toThrow(/imputed outcome "score"/);
    await expect(fitImputations(mi, 'score ~ arm', { model: 'ols', where: { vist: '9m' } })).rejects.toThrow(/options\.where\.vist/);
    await expect(fitImputations(mi, 'score ~ arm', { model: 'ols', where: { visit: '12m' } })).rejects.toThrow(ArgumentError);
    await expect(fitImputations(mi, 'score ~ arm', { model: 'glm' } as never)).rejects.toThrow(/options\.model/);
    await expect(fitImputations(mi, 'score ~ arm', { model: 'ols', thread: 2 } as never)).rejects.toThrow(/threads/);
  });
});

describe('documented example (fitImputations)', () => {
  it('pools the 9-month ANCOVA', async () => {
    const m5 = await multipleImputation(rows, { id: 'id', visit: 'visit', outcome: 'score', arm: 'arm', control: 'control', visits: ['baseline', '9m', '15m'], m: 5, seed: 7 });
    const { fits } = await fitImputations(m5, 'score ~ arm + baseline', { model: 'ols', where: { visit: '9m' } });
    const row = poolFits(fits).rows.find((r) => r.label === 'armSFT')!;
    expect(row.estimate).toBeCloseTo(poolFits(m5.completed.map((d) => fitOls('score ~ arm + baseline', d.filter((r) => r.visit === '9m')))).rows.find((r) => r.label === 'armSFT')!.estimate!, 12);
  });
});
