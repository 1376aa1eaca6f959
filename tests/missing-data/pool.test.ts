/**
 * Rubin's rules against mice::pool on the same completed datasets (tests/fixtures/r/missing-data/
 * pool.json, script pool.R): mice(nhanes, m = 5) and lm(chl ~ age + bmi) in each. Two routes:
 * mice's own per-imputation estimates and SEs pooled by poolEstimates (the arithmetic alone), and
 * fitOls on the completed data pooled by poolFits (the whole pipeline). Tolerance MI_POOL.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitOls } from '../../src/models/ols/fit.js';
import { poolContrasts, poolEstimates, poolFits, poolMarginalMeans, type PooledRow } from '../../src/missing-data/pool.js';
import { expectRel } from '../models/fixture-helpers.js';
import { MI_POOL } from '../tolerances.js';
import { ArgumentError } from '../../src/errors/index.js';
import { marginalMeans } from '../../src/models/emmeans/marginal-means.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/r/missing-data/pool.json', import.meta.url), 'utf8'));
const P = fx.pooled;

function compare(rows: PooledRow[], pooledR: any, label: string) {
  expect(rows.map((r) => r.label)).toEqual(pooledR.term);
  rows.forEach((r, k) => {
    const at = `${label} ${r.label}`;
    expect(r.estimable).toBe(true);
    expectRel(r.estimate, P.estimate[k], MI_POOL, 0, `${at} estimate`);
    expectRel(r.within, P.ubar[k], MI_POOL, 0, `${at} ubar`);
    expectRel(r.between, P.b[k], MI_POOL, 0, `${at} b`);
    expectRel(r.total, P.t[k], MI_POOL, 0, `${at} t`);
    expectRel(r.df, P.df[k], MI_POOL, 0, `${at} df`);
    expectRel(r.riv, P.riv[k], MI_POOL, 0, `${at} riv`);
    expectRel(r.lambda, P.lambda[k], MI_POOL, 0, `${at} lambda`);
    expectRel(r.fmi, P.fmi[k], MI_POOL, 0, `${at} fmi`);
    expectRel(r.se, P.se[k], MI_POOL, 0, `${at} se`);
    expectRel(r.statistic, P.statistic[k], MI_POOL, 0, `${at} statistic`);
    expectRel(r.pValue, P.pValue[k], MI_POOL, 0, `${at} p`);
    expectRel(r.ci![0], P.lower[k], MI_POOL, 0, `${at} lower`);
    expectRel(r.ci![1], P.upper[k], MI_POOL, 0, `${at} upper`);
  });
}

describe('poolEstimates against mice::pool', () => {
  it("pools mice's per-imputation lm estimates as mice does (dfcom = 22)", () => {
    const per = fx.analyses.map((a: any) => a.term.map((t: string, k: number) => ({ label: t, estimate: a.estimate[k], se: a.se[k], df: a.dfResidual })));
    compare(poolEstimates(per).rows, P, 'poolEstimates');
    expect(poolEstimates(per, { dfComplete: 22 }).rows[1]!.df).toBe(poolEstimates(per).rows[1]!.df);
  });

  it('with an infinite complete-data df gives Rubin’s (m − 1)/λ² df', () => {
    const per = fx.analyses.map((a: any) => a.term.map((t: string, k: number) => ({ label: t, estimate: a.estimate[k], se: a.se[k] })));
    const rows = poolEstimates(per, { dfComplete: Infinity }).rows;
    rows.forEach((r, k) => {
      expectRel(r.df, fx.pooledInf.df[k], MI_POOL, 0, 'df');
      expectRel(r.fmi, fx.pooledInf.fmi[k], MI_POOL, 0, 'fmi');
      expectRel(r.pValue, fx.pooledInf.pValue[k], MI_POOL, 0, 'p');
      expectRel(r.ci![0], fx.pooledInf.lower[k], MI_POOL, 0, 'lower');
    });
  });

  it('fitOls on the completed datasets, pooled by poolFits, matches mice::pool', () => {
    const fits = fx.completed.map((d: Record<string, number[]>) => fitOls('chl ~ age + bmi', d));
    compare(poolFits(fits).rows, P, 'poolFits');
  });

  it('pools marginal means and contrasts row by row with the fit’s df as complete-data df', () => {
    const data = fx.completed.map((d: Record<string, unknown[]>) => ({ ...d, hyp: (d.hyp as number[]).map((h) => (h === 1 ? 'no' : 'yes')) }));
    const fits = data.map((d: any) => fitOls('chl ~ hyp + bmi', d));
    const mm = poolMarginalMeans(fits, ['hyp']);
    const c = poolContrasts(fits, ['hyp'], 'revpairwise');
    // Hand pooling of the same rows.
    const per = fits.map((f: any) => marginalMeans(f, ['hyp']).rows.map((r: any) => ({ label: r.levels.hyp, estimate: r.estimate, se: r.se, df: r.df })));
    const hand = poolEstimates(per).rows;
    expect(mm.rows.map((r) => r.levels.hyp)).toEqual(['no', 'yes']);
    mm.rows.forEach((r, k) => {
      expect(r.estimate).toBe(hand[k]!.estimate);
      expect(r.se).toBe(hand[k]!.se);
      expect(r.dfComplete).toBe(22);
    });
    // With one factor and a covariate, the contrast yes − no is the hyp coefficient.
    const coef = poolFits(fits).rows.find((r) => r.label === 'hypyes')!;
    expect(c.rows[0]!.contrast).toBe('yes - no');
    expectRel(c.rows[0]!.estimate, coef.estimate!, 1e-12, 0, 'contrast');
    expectRel(c.rows[0]!.se, coef.se!, 1e-10, 0, 'contrast se');
    expectRel(c.rows[0]!.df, coef.df!, 1e-10, 0, 'contrast df');
  });

  it('B = 0 (identical imputations) gives T = Ū, fmi from the λ floor as mice, finite df', () => {
    const row = { label: 'x', estimate: 1, se: 0.5, df: 30 };
    const r = poolEstimates([[row], [row], [row]]).rows[0]!;
    expect(r.between).toBe(0);
    expect(r.total).toBe(0.25);
    // mice: λ floored at 1e-4 in the df: dfold = 2e8, dfobs = 31/33·30·(1 − 1e-4), so df → dfobs.
    const dfObs = (31 / 33) * 30 * (1 - 1e-4);
    expect(r.df).toBeCloseTo((dfObs * 2e8) / (2e8 + dfObs), 8);
    expect(r.fmi).toBeCloseTo(2 / (r.df! + 3), 12);
  });

  it('a row not estimable in one imputation is not estimable pooled, with the imputation named', () => {
    const ok = { label: 'x', estimate: 1, se: 0.5, df: 30 };
    const r = poolEstimates([[ok], [{ label: 'x', estimate: 2, se: null, df: null, estimable: false, reason: 'one cluster' }]]).rows[0]!;
    expect(r.estimable).toBe(false);
    expect(r.reason).toContain('imputation 2: one cluster');
    expect(r.se).toBeNull();
  });

  it('refuses m < 2, mismatched rows and unknown options', () => {
    const row = { label: 'x', estimate: 1, se: 0.5 };
    expect(() => poolEstimates([[row]])).toThrow(ArgumentError);
    expect(() => poolEstimates([[row], [{ ...row, label: 'y' }]])).toThrow(/label.*"x"/);
    expect(() => poolEstimates([[row], []])).toThrow(/1 rows/);
    expect(() => poolEstimates([[row], [row]], { dfcom: 3 } as never)).toThrow(/dfComplete/);
    expect(() => poolFits([{}] as never)).toThrow(/at least 2/);
  });
});
