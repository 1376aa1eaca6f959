/**
 * Agreement of fitOls with R's lm, sandwich::vcovHC / vcovCL and clubSandwich::vcovCR /
 * coef_test on tests/fixtures/r/models/ols.json (script ols.R beside it).
 *
 * Closed-form quantities (coefficients, SEs, every covariance entry, R², F, likelihood) are
 * held to 1e-10 relative (worst 2.7e-12), and so are the clubSandwich Satterthwaite df, closed forms
 * too (worst 2.9e-13); p-values to 1e-9 (worst 5.1e-11), since they pass through the t and F
 * distribution functions.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { fitOls } from '../../../src/models/ols/fit.js';
import type { OlsOptions, OlsVcovType } from '../../../src/models/ols/types.js';
import { expectRel, loadFixture, track, worst } from '../fixture-helpers.js';

const fx = loadFixture('ols');
const CLOSED = 1e-10;
const DF = 1e-10;
const P = 1e-9;

interface Case {
  name: string;
  formula: string;
  data: Record<string, unknown[]>;
  options: OlsOptions;
  /** Our term name for R's. */
  term: (rTerm: string) => string;
  cluster: string | null;
  r: any;
}

const cases: Case[] = [
  {
    name: 'mtcars: mpg ~ wt + hp + factor(cyl)',
    // Our formula language has no factor(): options.factors makes the numeric cyl a factor,
    // whose columns are then named cyl6, cyl8 where R writes factor(cyl)6, factor(cyl)8.
    formula: 'mpg ~ wt + hp + cyl',
    data: fx.data.mtcars.columns,
    options: { factors: ['cyl'] },
    term: (t) => t.replace('factor(cyl)', 'cyl'),
    cluster: 'gear',
    r: fx.fits.mtcars,
  },
  {
    name: 'mtcars: mpg ~ wt + hp + cyl_chr (character column)',
    formula: 'mpg ~ wt + hp + cyl_chr',
    data: fx.data.mtcars.columns,
    options: {},
    term: (t) => t,
    cluster: null,
    r: fx.fits.mtcars_cylchr,
  },
  ...(['sft9', 'sft15'] as const).map((k) => ({
    name: `${k}: score ~ arm + baseline`,
    formula: 'score ~ arm + baseline',
    data: fx.data[k].columns,
    options: { levels: { arm: fx.data[k].factorLevels.arm as string[] } },
    term: (t: string) => t,
    cluster: 'cluster',
    r: fx.fits[k],
  })),
];

/** Compare a covariance matrix entry by entry; an entry's scale is √(V_ii V_jj). */
function expectVcov(mine: number[][], rMat: any, names: string[], kind: string, label: string, term = (t: string) => t): void {
  expect(names).toEqual(rMat.rownames.map(term));
  expect(names).toEqual(rMat.colnames.map(term));
  const rows: (number | null)[][] = rMat.rows;
  rows.forEach((row, i) => {
    row.forEach((v, j) => {
      const got = mine[i]![j]!;
      if (v === null) {
        expect(got, `${label}[${i}][${j}] should be undefined as in R`).toBeNaN();
        return;
      }
      const scale = Math.sqrt(Math.abs(rows[i]![i]! * rows[j]![j]!));
      expectRel(got, v, CLOSED, scale, `${label}[${i}][${j}]`);
      track(kind, got, v, scale);
    });
  });
}

describe.each(cases)('$name', (c) => {
  const r = c.r;
  const fit = fitOls(c.formula, c.data, c.options);
  const rNames = (r.table.term as string[]).map(c.term);

  it('names the coefficients as R does, and agrees on them and their SEs (1e-10)', () => {
    expect(fit.fixedEffects.map((x) => x.term)).toEqual(rNames);
    fit.fixedEffects.forEach((row, j) => {
      expectRel(row.estimate, r.table.estimate[j], CLOSED, r.table.se[j], `estimate ${row.term}`);
      expectRel(row.se, r.table.se[j], CLOSED, 0, `se ${row.term}`);
      expectRel(row.statistic, r.table.t[j], CLOSED, 0, `t ${row.term}`);
      expectRel(row.pValue, r.table.p[j], P, 0, `p ${row.term}`);
      expect(row.df).toBe(r.dfResidual);
      track('coefficient', row.estimate, r.table.estimate[j], r.table.se[j]);
      track('SE (classical)', row.se, r.table.se[j]);
      track('p-value', row.pValue, r.table.p[j]);
    });
  });

  it('agrees on the classical covariance, σ, R², adjusted R², F and the likelihood', () => {
    expectVcov(fit.vcov, r.vcovClassical, rNames, 'vcov (classical)', 'vcov', c.term);
    expect(fit.rank).toBe(r.rank);
    expect(fit.dfResidual).toBe(r.dfResidual);
    expect(fit.nObs).toBe(r.nobs);
    expectRel(fit.sigma, r.sigma, CLOSED, 0, 'sigma');
    expectRel(fit.rSquared, r.rSquared, CLOSED, 0, 'R²');
    expectRel(fit.adjRSquared, r.adjRSquared, CLOSED, 0, 'adjusted R²');
    expect(fit.fStatistic).not.toBeNull();
    expectRel(fit.fStatistic!.statistic, r.fstatistic.value, CLOSED, 0, 'F');
    expect(fit.fStatistic!.numDf).toBe(r.fstatistic.numdf);
    expect(fit.fStatistic!.denDf).toBe(r.fstatistic.dendf);
    expectRel(fit.fStatistic!.pValue, r.fstatistic.p, P, 0, 'F p-value');
    expectRel(fit.logLik, r.logLik, CLOSED, 0, 'logLik');
    expectRel(fit.aic, r.AIC, CLOSED, 0, 'AIC');
    expectRel(fit.bic, r.BIC, CLOSED, 0, 'BIC');
    for (const [k, a, b] of [
      ['sigma', fit.sigma, r.sigma],
      ['R² / adjusted R² / F', fit.rSquared, r.rSquared],
      ['R² / adjusted R² / F', fit.adjRSquared, r.adjRSquared],
      ['R² / adjusted R² / F', fit.fStatistic!.statistic, r.fstatistic.value],
      ['logLik / AIC / BIC', fit.logLik, r.logLik],
      ['logLik / AIC / BIC', fit.aic, r.AIC],
      ['logLik / AIC / BIC', fit.bic, r.BIC],
    ] as const) track(k, a, b);
  });

  it('agrees on fitted values, residuals and leverages row by row', () => {
    expect(Array.from(fit.rows, (i) => i + 1)).toEqual(r.rowIndex);
    const scale = r.sigma;
    r.fitted.forEach((f: number, i: number) => {
      expectRel(fit.fitted[i]!, f, CLOSED, scale, `fitted ${i}`);
      expectRel(fit.residuals[i]!, r.residuals[i], CLOSED, scale, `residual ${i}`);
      expectRel(fit.hatValues[i]!, r.hatValues[i], CLOSED, 0, `leverage ${i}`);
      track('fitted / residual', fit.residuals[i]!, r.residuals[i], scale);
      track('leverage', fit.hatValues[i]!, r.hatValues[i]);
    });
  });

  if (!r.hc) return;

  it.each(['HC0', 'HC1', 'HC2', 'HC3'] as const)('agrees with sandwich::vcovHC type %s', (type) => {
    const f = fitOls(c.formula, c.data, { ...c.options, vcov: type });
    const h = r.hc[type];
    expect(f.vcovType).toBe(type);
    expectVcov(f.vcov, h.vcov, rNames, `vcov (${type})`, type, c.term);
    f.fixedEffects.forEach((row, j) => {
      expectRel(row.se, h.se[j], CLOSED, 0, `${type} se ${row.term}`);
      expectRel(row.statistic, h.t[j], CLOSED, 0, `${type} t ${row.term}`);
      expect(row.df).toBe(h.df);
      expectRel(row.pValue, h.p[j], P, 0, `${type} p ${row.term}`);
      track(`SE (${type})`, row.se, h.se[j]);
      track('p-value', row.pValue, h.p[j]);
    });
  });

  if (!c.cluster) return;
  const cluster = c.cluster;

  it.each(['CR0', 'CR1', 'CR1p', 'CR1S', 'CR2', 'CR3'] as const)(
    'agrees with clubSandwich::vcovCR type %s and coef_test (Satterthwaite, naive-t, z)',
    (type) => {
      const e = r.vcovCR[type];
      const sat = fitOls(c.formula, c.data, { ...c.options, vcov: type, cluster });
      expect(sat.cluster?.nClusters).toBe(r.nClusters);
      expect(sat.ddf).toBe('Satterthwaite');
      expectVcov(sat.vcov, e.vcov, rNames, `vcov (${type})`, type, c.term);
      sat.fixedEffects.forEach((row, j) => {
        const st = e.Satterthwaite;
        if (st.SE[j] === null) {
          // CR1p with G ≤ p: undefined in clubSandwich, and flagged here.
          expect(row.se).toBeNull();
          expect(row.estimable).toBe(false);
          expect(sat.diagnostics.map((d) => d.code)).toContain('vcov-undefined');
          return;
        }
        expectRel(row.estimate, st.beta[j], CLOSED, st.SE[j], `${type} estimate ${row.term}`);
        expectRel(row.se, st.SE[j], CLOSED, 0, `${type} se ${row.term}`);
        expectRel(row.statistic, st.tstat[j], CLOSED, 0, `${type} t ${row.term}`);
        expectRel(row.df, st.df_Satt[j], DF, 0, `${type} Satterthwaite df ${row.term}`);
        expectRel(row.pValue, st.p_Satt[j], P, 0, `${type} Satterthwaite p ${row.term}`);
        track(`SE (${type})`, row.se, st.SE[j]);
        track('Satterthwaite df', row.df, st.df_Satt[j]);
        track('p-value', row.pValue, st.p_Satt[j]);
      });
      const naive = fitOls(c.formula, c.data, { ...c.options, vcov: type, cluster, ddf: 'naive-t' });
      const z = fitOls(c.formula, c.data, { ...c.options, vcov: type, cluster, ddf: 'asymptotic' });
      naive.fixedEffects.forEach((row, j) => {
        const nt = e['naive-t'];
        if (nt.SE[j] === null) return;
        expect(row.df).toBe(nt.df_t[j]);
        expectRel(row.pValue, nt.p_t[j], P, 0, `${type} naive-t p ${row.term}`);
        expect(z.fixedEffects[j]!.df).toBe(Infinity);
        expectRel(z.fixedEffects[j]!.pValue, e.z.p_z[j], P, 0, `${type} z p ${row.term}`);
        track('p-value', row.pValue, nt.p_t[j]);
        track('p-value', z.fixedEffects[j]!.pValue, e.z.p_z[j]);
      });
    },
  );

  // sandwich::vcovCL is clubSandwich's CR1 (cadjust = TRUE, HC0), CR0 (cadjust = FALSE, HC0) and
  // CR1S (cadjust = TRUE, HC1); coeftest then uses the residual df.
  it.each([
    ['HC0_cadjustTRUE', 'CR1'],
    ['HC0_cadjustFALSE', 'CR0'],
    ['HC1_cadjustTRUE', 'CR1S'],
  ] as [string, OlsVcovType][])('agrees with sandwich::vcovCL %s as %s with the residual df', (key, type) => {
    const e = r.vcovCL[key];
    const f = fitOls(c.formula, c.data, { ...c.options, vcov: type, cluster, ddf: 'residual' });
    expectVcov(f.vcov, e.vcov, rNames, 'vcov (vcovCL)', key, c.term);
    f.fixedEffects.forEach((row, j) => {
      expect(row.df).toBe(e.df);
      expectRel(row.pValue, e.p[j], P, 0, `${key} p ${row.term}`);
    });
  });

  if (c.name.startsWith('sft')) {
    it('gives the same CR2 results from the therapy-group column with controls as singletons', () => {
      // R's cluster column is the therapy group for SFT participants and the participant id for
      // controls; the raw therapy_group column is null for controls.
      const f = fitOls(c.formula, c.data, { ...c.options, vcov: 'CR2', cluster: 'therapy_group', clusterMissing: 'singleton' });
      const e = r.vcovCR.CR2.Satterthwaite;
      expect(f.cluster).toMatchObject({ variable: 'therapy_group', nClusters: r.nClusters });
      const controls = (c.data.arm as string[]).filter((a, i) => a === 'control' && c.data.score![i] !== null).length;
      expect(f.cluster!.nSingletons).toBe(controls);
      expect(f.diagnostics.find((d) => d.code === 'cluster-singletons')?.details).toEqual({ nSingletons: controls });
      f.fixedEffects.forEach((row, j) => {
        expectRel(row.se, e.SE[j], CLOSED, 0, `se ${row.term}`);
        expectRel(row.df, e.df_Satt[j], DF, 0, `df ${row.term}`);
      });
    });
  }
});

describe.each(fx.rankDeficient as any[])('rank-deficient lm: $formula', (r) => {
  const data = fx.data.mtcars.columns;
  const fit = fitOls(r.formula, data);

  it('drops the column R aliases, with a diagnostic naming it', () => {
    expect(fit.droppedColumns).toEqual(r.droppedTerms);
    expect(fit.rank).toBe(r.rank);
    expect(fit.columnNames).toEqual(r.coefficients.term);
    const d = fit.diagnostics.find((x) => x.code === 'rank-deficient');
    expect(d?.severity).toBe('warning');
    expect(d?.details).toEqual({ droppedColumns: r.droppedTerms });
    for (const t of r.droppedTerms) expect(d?.message).toContain(`"${t}"`);
  });

  it('agrees on the estimable coefficients, the reduced covariance and fitted values', () => {
    expect(fit.fixedEffects.map((x) => x.term)).toEqual(r.table.term);
    fit.fixedEffects.forEach((row, j) => {
      expectRel(row.estimate, r.table.estimate[j], CLOSED, r.table.se[j], `estimate ${row.term}`);
      expectRel(row.se, r.table.se[j], CLOSED, 0, `se ${row.term}`);
      track('coefficient', row.estimate, r.table.estimate[j], r.table.se[j]);
      track('SE (classical)', row.se, r.table.se[j]);
    });
    expectVcov(fit.vcov, r.vcovReduced, r.table.term, 'vcov (classical)', 'vcov');
    expectRel(fit.sigma, r.sigma, CLOSED, 0, 'sigma');
    expectRel(fit.rSquared, r.rSquared, CLOSED, 0, 'R²');
    expect(fit.fStatistic!.numDf).toBe(r.fstatistic.numdf);
    expectRel(fit.fStatistic!.statistic, r.fstatistic.value, CLOSED, 0, 'F');
    r.fitted.forEach((f: number, i: number) => expectRel(fit.fitted[i]!, f, CLOSED, r.sigma, `fitted ${i}`));
  });

  it('computes HC1 on the kept columns as sandwich does', () => {
    const f = fitOls(r.formula, data, { vcov: 'HC1' });
    expectVcov(f.vcov, r.vcovHC1.matrix, r.table.term, 'vcov (HC1)', 'HC1');
  });
});

afterAll(() => {
  // The validation table of the report: worst relative error per quantity over every case.
  console.log('worst relative error vs R (ols):', JSON.stringify(worst, null, 1));
});
