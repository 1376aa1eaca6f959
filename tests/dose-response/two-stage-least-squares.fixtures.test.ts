/**
 * twoStageLeastSquares against AER::ivreg with sandwich and clubSandwich covariances
 * (tests/fixtures/r/dose-response/iv.json, script iv.R beside it): coefficients, classical,
 * HC0/HC1, cluster-robust CR0–CR3 SEs, Satterthwaite and naive-t df, and the first stage.
 * All closed form: 1e-10 relative (coefficients pass through two least-squares solves; worst 1.5e-13).
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { twoStageLeastSquares, type IvOptions, type IvVcovType } from '../../src/dose-response/two-stage-least-squares.js';
import { ArgumentError } from '../../src/errors/index.js';
import { expectRel, track, worst } from '../models/fixture-helpers.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/r/dose-response/iv.json', import.meta.url), 'utf8'));
const data = fx.data.columns as Record<string, unknown[]>;
const TOL = 1e-10;

describe.each(Object.keys(fx.fits))('%s', (name) => {
  const r = fx.fits[name];
  const base: IvOptions = { outcome: 'y', endogenous: r.endogenous, instruments: r.instruments, covariates: r.covariates };
  const fitWith = (vcov: IvVcovType, extra: Partial<IvOptions> = {}) =>
    twoStageLeastSquares(data, { ...base, vcov, ...(vcov.startsWith('CR') ? { cluster: 'cluster' } : {}), ...extra });

  it('gives ivreg coefficients, classical SEs, t and p with n − k df', () => {
    const fit = fitWith('classical');
    expect(fit.nObs).toBe(r.nobs);
    expect(Array.from(fit.rows)).toEqual(r.rowIndex);
    expect(fit.dfResidual).toBe(r.dfResidual);
    expectRel(fit.sigma, r.sigma, TOL, 0, 'sigma');
    fit.coefficients.forEach((row, j) => {
      expect(row.term).toBe(r.classical.term[j]);
      expectRel(row.estimate, r.classical.estimate[j], TOL, 1e-3, 'estimate');
      expectRel(row.se, r.classical.se[j], TOL, 0, 'se');
      expectRel(row.statistic, r.classical.t[j], TOL, 1, 't');
      expectRel(row.pValue, r.classical.p[j], 1e-7, 1e-15, 'p');
      expect(row.df).toBe(r.dfResidual);
      track('2SLS coefficients', row.estimate, r.classical.estimate[j], 1e-3);
      track('2SLS classical SE', row.se, r.classical.se[j]);
    });
  });

  it.each(['HC0', 'HC1'] as const)('gives sandwich::vcovHC %s', (type) => {
    const fit = fitWith(type);
    const e = r.hc[type];
    fit.vcov.forEach((row, i) => row.forEach((v, j) => expectRel(v, e.vcov.rows[i][j], TOL, Math.abs(e.vcov.rows[i][i]) * 1e-6, 'vcov')));
    fit.coefficients.forEach((row, j) => {
      expectRel(row.se, e.se[j], TOL, 0, 'se');
      expect(row.df).toBe(r.dfResidual);
      track('2SLS HC SE', row.se, e.se[j]);
    });
  });

  it('gives sandwich::vcovCL (cadjust) as CR1 (HC0) and CR1S (HC1)', () => {
    for (const [ours, theirs] of [['CR1', 'HC0'], ['CR1S', 'HC1']] as const) {
      const fit = fitWith(ours, { ddf: 'residual' });
      fit.coefficients.forEach((row, j) => {
        expectRel(row.se, r.cl[theirs].se[j], TOL, 0, `${ours} se`);
        expectRel(row.pValue, r.cl[theirs].p[j], 1e-7, 1e-15, `${ours} p`);
      });
    }
  });

  it.each(['CR0', 'CR1', 'CR1S', 'CR2', 'CR3'] as const)('gives clubSandwich vcovCR %s with coef_test Satterthwaite and naive-t df', (type) => {
    const e = r.cr[type];
    const fit = fitWith(type);
    expect(fit.cluster?.nClusters).toBeGreaterThan(1);
    fit.coefficients.forEach((row, j) => {
      expectRel(row.se, e.coefTest.SE[j], TOL, 0, 'se');
      expectRel(row.df, e.coefTest.df_Satt[j], TOL, 0, 'Satterthwaite df');
      expectRel(row.pValue, e.coefTest.p_Satt[j], 1e-7, 1e-15, 'Satterthwaite p');
      track(`2SLS ${type} SE`, row.se, e.coefTest.SE[j]);
      track('2SLS Satterthwaite df', row.df, e.coefTest.df_Satt[j]);
    });
    const naive = fitWith(type, { ddf: 'naive-t' });
    naive.coefficients.forEach((row, j) => {
      expect(row.df).toBe(e.coefTest.df_t[j]);
      expectRel(row.pValue, e.coefTest.p_t[j], 1e-7, 1e-15, 'naive-t p');
    });
  });

  it('gives the first stage: coefficients, classical F (= ivreg weak-instruments test), partial R², robust F', () => {
    const classical = fitWith('classical').firstStage[0]!;
    const fs = r.firstStage;
    expect(classical.endogenous).toBe(r.endogenous[0]);
    expectRel(classical.statistic, fs.classicalF.F, TOL, 0, 'F');
    expectRel(classical.statistic, r.weakInstruments.statistic, TOL, 0, 'weak-instruments F');
    expect(classical.numDf).toBe(fs.classicalF.df1);
    expect(classical.denDf).toBe(fs.classicalF.df2);
    expectRel(classical.pValue, fs.classicalF.p, 1e-6, 1e-300, 'p');
    expectRel(classical.partialRSquared, fs.partialRSquared, TOL, 0, 'partial R²');
    classical.coefficients.forEach((row) => {
      const k = fs.coefficients.term.indexOf(row.term);
      expect(k).toBeGreaterThanOrEqual(0);
      expectRel(row.estimate, fs.coefficients.Estimate[k], TOL, 0, 'first-stage coefficient');
      expectRel(row.se, fs.coefficients['Std. Error'][k], TOL, 0, 'first-stage se');
    });
    const hc1 = fitWith('HC1').firstStage[0]!;
    expectRel(hc1.statistic, fs.HC1.F, TOL, 0, 'HC1 Wald F');
    expect(hc1.denDf).toBe(fs.HC1.df2);
    expectRel(hc1.classical.statistic, fs.classicalF.F, TOL, 0, 'classical F beside the robust one');
    const cr2 = fitWith('CR2').firstStage[0]!;
    expectRel(cr2.statistic, fs.CR2.Fstat, TOL, 0, 'HTZ F');
    expectRel(cr2.denDf, fs.CR2.df_denom, TOL, 0, 'HTZ df');
    expect(cr2.method).toMatch(/HTZ/);
    track('2SLS first-stage F', classical.statistic, fs.classicalF.F);
    track('2SLS first-stage HTZ df', cr2.denDf, fs.CR2.df_denom);
  });
});

describe('bad input', () => {
  const base: IvOptions = { outcome: 'y', endogenous: ['sessions'], instruments: ['z'], covariates: ['x'] };
  it('refuses an under-identified model, HC2/HC3 and a CR type without a cluster', () => {
    expect(() => twoStageLeastSquares(data, { ...base, instruments: [] })).toThrow(ArgumentError);
    expect(() => twoStageLeastSquares(data, { ...base, vcov: 'HC2' as IvVcovType })).toThrow(/HC2\/HC3/);
    expect(() => twoStageLeastSquares(data, { ...base, vcov: 'CR2' })).toThrow(/cluster/);
    expect(() => twoStageLeastSquares(data, { ...base, instruments: ['x'] })).toThrow(/neither endogenous regressors nor covariates/);
  });
  it('refuses instruments that do not move the endogenous regressor beyond the covariates', () => {
    const n = 40;
    const rows = Array.from({ length: n }, (_, i) => ({ y: i % 7, d: (i * 3) % 5, x: i, z: 2 * i + 1 }));
    expect(() => twoStageLeastSquares(rows, { outcome: 'y', endogenous: ['d'], instruments: ['z'], covariates: ['x'] })).toThrow(/not identified|span/);
  });
  it('flags a weak instrument', () => {
    const rows = Array.from({ length: 60 }, (_, i) => ({ y: Math.sin(i) * 3 + i / 10, d: Math.cos(i * 1.7) * 4, z: i % 2 }));
    const fit = twoStageLeastSquares(rows, { outcome: 'y', endogenous: ['d'], instruments: ['z'] });
    expect(fit.firstStage[0]!.classical.statistic).toBeLessThan(10);
    expect(fit.diagnostics.map((d) => d.code)).toContain('weak-instrument');
  });
});

afterAll(() => {
  const rows = Object.entries(worst).filter(([k]) => k.startsWith('2SLS'));
  if (rows.length) console.log(rows.map(([k, v]) => `${k}: ${v.toExponential(2)}`).join('\n'));
});
