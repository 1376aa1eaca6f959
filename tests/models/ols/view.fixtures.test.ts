/**
 * Marginal means, contrasts and F tests on OLS fits (the OLS linear-model view) against R:
 * emmeans / joint_tests for the classical covariance, clubSandwich's linear_contrast
 * (Satterthwaite df for any contrast) and Wald_test (HTZ, Naive-F, chi-sq) for CR2, CR1 and
 * HC2, on tests/fixtures/r/subgroups/ols-emmeans.json (script ols-emmeans.R beside it):
 * `lm(score ~ baseline + arm * visit * sg)` on a partially nested trial, full rank and with a
 * subgroup level present in one arm only (rank deficient).
 *
 * Everything here is closed form: estimates, SEs and every df to 1e-10 relative (worst 1.5e-13),
 * p-values to 1e-10 (worst 1.7e-13).
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { anova } from '../../../src/models/emmeans/anova.js';
import { contrast } from '../../../src/models/emmeans/contrast.js';
import { marginalMeans } from '../../../src/models/emmeans/marginal-means.js';
import { linearModelView } from '../../../src/models/emmeans/view.js';
import { fitOls } from '../../../src/models/ols/fit.js';
import type { OlsOptions } from '../../../src/models/ols/types.js';
import { fCdf } from '../../../src/distributions/f.js';
import { expectRel, track, worst } from '../fixture-helpers.js';

const fx = JSON.parse(readFileSync(new URL('../../fixtures/r/subgroups/ols-emmeans.json', import.meta.url), 'utf8'));
const TIGHT = 1e-10;
const P = 1e-10;

function fitFor(variant: 'full' | 'rankDeficient', options: OlsOptions) {
  const f = fx.fits[variant];
  return fitOls('score ~ baseline + arm * visit * sg', f.data.columns, { levels: f.data.factorLevels, ...options });
}

const robustOptions: Record<string, OlsOptions> = {
  CR2: { vcov: 'CR2', cluster: 'cluster' },
  CR1: { vcov: 'CR1', cluster: 'cluster', ddf: 'Satterthwaite' },
  HC2: { vcov: 'HC2', ddf: 'Satterthwaite' },
};

describe.each(['full', 'rankDeficient'] as const)('%s design', (variant) => {
  const r = fx.fits[variant];

  it('classical fit: emmeans means and SFT − control by visit × subgroup, with residual df', () => {
    const fit = fitFor(variant, {});
    expect(fit.nObs).toBe(r.nobs);
    const mm = marginalMeans(fit, ['arm', 'visit', 'sg'], { by: ['visit', 'sg'] });
    const e = r.classical.emmeans;
    expect(mm.rows.map((x) => [x.levels.arm, x.levels.visit, x.levels.sg])).toEqual(e.arm.map((a: string, i: number) => [a, e.visit[i], e.sg[i]]));
    mm.rows.forEach((row, i) => {
      if (e.emmean[i] === null) {
        expect(row.estimable).toBe(false);
        expect(row.estimate).toBeNull();
        expect(row.reason).toMatch(/no data to separate/);
        return;
      }
      expect(row.estimable).toBe(true);
      expectRel(row.estimate, e.emmean[i], TIGHT, 1, 'emmean');
      expectRel(row.se, e.SE[i], TIGHT, 0, 'SE');
      expect(row.df).toBe(e.df[i]);
      expectRel(row.ci![0], e['lower.CL'][i], TIGHT, 1, 'lower');
      track('ols view: classical means', row.estimate, e.emmean[i], 1);
    });
    const c = contrast(mm, 'revpairwise');
    const ep = r.classical.pairs;
    expect(c.rows.map((x) => [x.by.visit, x.by.sg])).toEqual(ep.visit.map((v: string, i: number) => [v, ep.sg[i]]));
    c.rows.forEach((row, i) => {
      if (ep.estimate[i] === null) {
        expect(row.estimable).toBe(false);
        return;
      }
      expectRel(row.estimate, ep.estimate[i], TIGHT, 1, 'contrast');
      expectRel(row.se, ep.SE[i], TIGHT, 0, 'contrast SE');
      expectRel(row.statistic, ep['t.ratio'][i], TIGHT, 1, 't');
      expectRel(row.pValue, ep['p.value'][i], P, 1e-12, 'p');
      expectRel(row.ci![1], ep['upper.CL'][i], TIGHT, 1, 'upper');
      track('ols view: classical contrasts', row.estimate, ep.estimate[i], 1);
    });
  });

  describe.each(Object.keys(robustOptions))('%s', (key) => {
    const fit = fitFor(variant, robustOptions[key]!);
    const rr = r.robust[key];

    it('gives linear_contrast estimates, SEs, Satterthwaite df and intervals for the means', () => {
      const mm = marginalMeans(fit, ['arm', 'visit', 'sg'], { by: ['visit', 'sg'] });
      const rows = rr.emmeansRows.map((i: number) => mm.rows[i]!);
      expect(rows.length).toBe(rr.emmeans.Est.length);
      rows.forEach((row: (typeof mm.rows)[number], k: number) => {
        expectRel(row.estimate, rr.emmeans.Est[k], TIGHT, 1, 'Est');
        expectRel(row.se, rr.emmeans.SE[k], TIGHT, 0, 'SE');
        expectRel(row.df, rr.emmeans.df[k], TIGHT, 0, 'df');
        expectRel(row.ci![0], rr.emmeans.CI_L[k], TIGHT, 1, 'CI_L');
        expectRel(row.ci![1], rr.emmeans.CI_U[k], TIGHT, 1, 'CI_U');
        track(`ols view: ${key} Satterthwaite df (means)`, row.df, rr.emmeans.df[k]);
      });
      // rows left out by R are exactly the non-estimable ones
      mm.rows.forEach((row, i) => expect(row.estimable).toBe(rr.emmeansRows.includes(i)));
    });

    it('gives linear_contrast results for SFT − control by visit × subgroup', () => {
      const c = contrast(marginalMeans(fit, ['arm', 'visit', 'sg'], { by: ['visit', 'sg'] }), 'revpairwise');
      rr.pairsRows.forEach((i: number, k: number) => {
        const row = c.rows[i]!;
        expectRel(row.estimate, rr.pairs.Est[k], TIGHT, 1, 'Est');
        expectRel(row.se, rr.pairs.SE[k], TIGHT, 0, 'SE');
        expectRel(row.df, rr.pairs.df[k], TIGHT, 0, 'df');
        expectRel(row.pValue, rr.pairs.p_val[k], P, 1e-12, 'p');
        expectRel(row.ci![0], rr.pairs.CI_L[k], TIGHT, 1, 'CI_L');
        track(`ols view: ${key} Satterthwaite df (contrasts)`, row.df, rr.pairs.df[k]);
        track(`ols view: ${key} contrast p`, row.pValue, rr.pairs.p_val[k]);
      });
      c.rows.forEach((row, i) => expect(row.estimable).toBe(rr.pairsRows.includes(i)));
      expect(c.ddf).toMatch(/^Satterthwaite/);
    });

    it('gives Wald_test HTZ, Naive-F and chi-sq for the arm × subgroup interaction coefficients', () => {
      const w = rr.interactionZero;
      const C = w.C.rows.map((row: number[]) => Float64Array.from(row));
      const names = fit.fixedEffects.map((x) => x.term);
      // the constraint rows pick exactly the arm × subgroup coefficients R names
      expect(C.map((row: Float64Array) => names[row.indexOf(1)])).toEqual(rr.interactionTerms);
      const byTest = (t: string) => w.test.indexOf(t);
      const check = (ddf: string | undefined, test: string) => {
        const k = byTest(test);
        const res = linearModelView(fit, ddf).dfF!(C);
        expect(res.numDf).toBe(w.df_num[k]);
        expectRel(res.F, w.Fstat[k], TIGHT, 0, `${test} F`);
        if (w.df_denom[k] === null) expect(res.denDf).toBe(Infinity);
        else expectRel(res.denDf, w.df_denom[k], TIGHT, 0, `${test} df`);
        expectRel(fCdf(res.F, res.numDf, res.denDf, { lowerTail: false }), w.p_val[k], P, 1e-12, `${test} p`);
        track(`ols view: ${key} ${test} F`, res.F, w.Fstat[k]);
        if (w.df_denom[k] !== null) track(`ols view: ${key} ${test} df`, res.denDf, w.df_denom[k]);
      };
      check(undefined, 'HTZ');
      check('asymptotic', 'chi-sq');
      if (key !== 'HC2') check('naive-t', 'Naive-F');
    });

    if (variant === 'full') {
      it('anova() gives the HTZ test of each term’s type III hypothesis', () => {
        const a = anova(fit);
        expect(a.rows.map((x) => x.term)).toEqual(Object.keys(rr.type3));
        for (const row of a.rows) {
          const w = rr.type3[row.term];
          const k = w.test.indexOf('HTZ');
          expect(row.numDf).toBe(w.df_num[k]);
          expectRel(row.statistic, w.Fstat[k], TIGHT, 0, `${row.term} F`);
          expectRel(row.denDf, w.df_denom[k], TIGHT, 0, `${row.term} df`);
          expectRel(row.pValue, w.p_val[k], P, 1e-12, `${row.term} p`);
          track(`ols view: ${key} anova HTZ df`, row.denDf, w.df_denom[k]);
        }
      });
    }
  });
});

describe('classical anova()', () => {
  it('gives the exact type III F tests of joint_tests (full precision from the same hypotheses)', () => {
    const fit = fitFor('full', {});
    const a = anova(fit);
    const e = fx.fits.full.classical.type3;
    const jt = fx.fits.full.classical.jointTests;
    for (const row of a.rows) {
      expectRel(row.statistic, e[row.term].F, TIGHT, 0, `${row.term} F`);
      expect(row.numDf).toBe(e[row.term].df1);
      expect(row.denDf).toBe(e[row.term].df2);
      expectRel(row.pValue, e[row.term].p, P, 1e-15, `${row.term} p`);
      // joint_tests rounds F to 3 decimals; its p-value is unrounded
      const j = jt.term.indexOf(row.term);
      expect(Math.abs(row.statistic! - jt.F[j])).toBeLessThan(5e-4);
      expectRel(row.pValue, jt.p[j], P, 1e-15, `${row.term} joint_tests p`);
    }
    expect(a.ddf).toBe(`residual (n − p = ${fit.dfResidual})`);
  });

  it('refuses Kenward–Roger df and naive-t without clusters', () => {
    const fit = fitFor('full', {});
    expect(() => marginalMeans(fit, ['arm'], { ddf: 'Kenward-Roger' })).toThrow(/Kenward/);
    expect(() => linearModelView(fit, 'naive-t')).toThrow(/cluster-robust/);
  });
});

afterAll(() => {
  const rows = Object.entries(worst).filter(([k]) => k.startsWith('ols view'));
  if (rows.length) console.log(rows.map(([k, v]) => `${k}: ${v.toExponential(2)}`).join('\n'));
});
