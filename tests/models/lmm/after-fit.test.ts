/**
 * After the fit: likelihood-ratio tests, prediction and type III F tests against lme4
 * and lmerTest fixtures.
 */
import { describe, expect, it } from 'vitest';
import { anova } from '../../../src/models/emmeans/anova.js';
import { fitLmm } from '../../../src/models/lmm/fit.js';
import { likelihoodRatioTest } from '../../../src/models/lmm/likelihood-ratio.js';
import { predict } from '../../../src/models/lmm/predict.js';
import { ArgumentError } from '../../../src/errors/index.js';
import { LMM_CHISQ, LMM_DF, LMM_F, LMM_FIXED, LMM_OBJECTIVE, LMM_P, LMM_P_KR_F, P_FLOOR } from '../../tolerances.js';
import { expectRel, fixtureColumns, loadFixture } from '../fixture-helpers.js';

const sft = loadFixture('sft-lmm');
const sleep = loadFixture('sleepstudy');
const cake = loadFixture('cake');
const sftLevels = { arm: ['control', 'SFT'], visit: ['baseline', '9m', '15m'] };

describe('likelihoodRatioTest', () => {
  it('matches anova() for the arm × visit interaction (ML fits)', () => {
    const r = sft.lrt.interaction;
    const m0 = fitLmm(sft.fits.pn_main_ml.formula, fixtureColumns(sft.data.sft), { reml: false, levels: sftLevels });
    const m1 = fitLmm(sft.fits.pn_explicit_ml.formula, fixtureColumns(sft.data.sft), { reml: false, levels: sftLevels });
    const lrt = likelihoodRatioTest(m0, m1);
    expectRel(lrt.statistic, r.Chisq[1], LMM_CHISQ, 1e-3, 'chisq');
    expect(lrt.df).toBe(r.Df[1]);
    expectRel(lrt.pValue, r.p[1], LMM_P, P_FLOOR, 'p');
    expectRel(lrt.models[0].aic, r.AIC[0], 1e-8, 0, 'AIC0');
    expectRel(lrt.models[1].bic, r.BIC[1], 1e-8, 0, 'BIC1');
    expect(lrt.refitted).toBe(false);
  });

  it('refits REML fits with ML first, as anova() does', () => {
    const r = sleep.lrt.days;
    const m0 = fitLmm(sleep.fits.null_corr_reml.formula, fixtureColumns(sleep.data.sleepstudy));
    const m1 = fitLmm(sleep.fits.corr_reml.formula, fixtureColumns(sleep.data.sleepstudy));
    const lrt = likelihoodRatioTest(m0, m1);
    expect(lrt.refitted).toBe(true);
    expectRel(lrt.models[0].logLik, r.logLik[0], LMM_OBJECTIVE, 0, 'logLik0');
    expectRel(lrt.models[1].logLik, r.logLik[1], LMM_OBJECTIVE, 0, 'logLik1');
    expectRel(lrt.statistic, r.Chisq[1], LMM_CHISQ, 0, 'chisq');
    expectRel(lrt.pValue, r.p[1], LMM_P, P_FLOOR, 'p');
  });

  it('tests a random slope against REML fits with the same fixed effects when asked not to refit', () => {
    const r = sleep.lrt.corr_vs_uncorr_reml;
    if (!r || r.error) return;
    const m0 = fitLmm(sleep.fits.uncorr_reml.formula, fixtureColumns(sleep.data.sleepstudy));
    const m1 = fitLmm(sleep.fits.corr_reml.formula, fixtureColumns(sleep.data.sleepstudy));
    const lrt = likelihoodRatioTest(m0, m1, { refit: false });
    expect(lrt.refitted).toBe(false);
    expectRel(lrt.statistic, r.Chisq[1], LMM_CHISQ, 1e-3, 'chisq');
  });

  it('refuses models in the wrong order or on different rows', () => {
    const m0 = fitLmm(sleep.fits.null_corr_reml.formula, fixtureColumns(sleep.data.sleepstudy));
    const m1 = fitLmm(sleep.fits.corr_reml.formula, fixtureColumns(sleep.data.sleepstudy));
    expect(() => likelihoodRatioTest(m1, m0)).toThrow(ArgumentError);
    const cols = fixtureColumns(sleep.data.sleepstudy);
    const fewer = { ...cols, Reaction: cols.Reaction!.map((v, i) => (i === 0 ? null : v)) };
    const m2 = fitLmm(sleep.fits.corr_reml.formula, fewer);
    expect(() => likelihoodRatioTest(m0, m2)).toThrow(/same rows/);
  });
});

describe('predict', () => {
  it('reproduces lme4 fitted values with and without the random effects', () => {
    const r = sleep.fits.corr_reml;
    const data = fixtureColumns(sleep.data.sleepstudy);
    const fit = fitLmm(r.formula, data);
    const withRe = predict(fit, data);
    const fixedOnly = predict(fit, data, { includeRandom: false });
    r.fittedRows.rowIndex.forEach((row: number, k: number) => {
      expectRel(withRe[row - 1]!, r.fittedRows.fitted[k], LMM_FIXED, 1, `fitted ${row}`);
      expectRel(fixedOnly[row - 1]!, r.fittedRows.fixedOnly[k], LMM_FIXED, 1, `fixed ${row}`);
    });
  });

  it('names the row of an unseen group level, or predicts at the population level when allowed', () => {
    const fit = fitLmm(sleep.fits.corr_reml.formula, fixtureColumns(sleep.data.sleepstudy));
    const nd = [{ Days: 2, Subject: '308' }, { Days: 2, Subject: 'new' }];
    expect(() => predict(fit, nd)).toThrow(/newdata\[1\]\.Subject/);
    const p = predict(fit, nd, { allowNewLevels: true });
    expect(p[1]).toBeCloseTo(predict(fit, nd.slice(1), { includeRandom: false })[0]!, 10);
    expect(p[0]).not.toBeCloseTo(p[1]!, 3);
  });
});

describe('anova (type III)', () => {
  const cases: [string, any, any, Record<string, string[]>][] = [
    ['SFT arm × visit', sft.fits.pn_explicit, sft.data.sft, sftLevels],
    ['cake recipe × temperature', cake.fits.reml, cake.data.cake, { recipe: cake.fits.reml.factorLevels.recipe, temperature: cake.fits.reml.factorLevels.temperature }],
    ['sleepstudy Days', sleep.fits.corr_reml, sleep.data.sleepstudy, {}],
  ];
  for (const [label, r, data, levels] of cases) {
    it(`matches lmerTest for ${label} (Satterthwaite and Kenward–Roger)`, () => {
      const fit = fitLmm(r.formula, fixtureColumns(data), { levels });
      for (const [ddf, key] of [['Satterthwaite', 'satterthwaite'], ['Kenward-Roger', 'kenwardRoger']] as const) {
        const ref = r.anovaType3[key];
        const tab = anova(fit, { ddf });
        expect(tab.rows.map((x) => x.term)).toEqual(ref.term);
        tab.rows.forEach((row, i) => {
          expect(row.numDf).toBe(ref.NumDF[i]);
          expectRel(row.statistic, ref.F[i], LMM_F, 1e-6, `${ddf} F ${row.term}`);
          expectRel(row.denDf, ref.DenDF[i], LMM_DF, 0, `${ddf} DenDF ${row.term}`);
          expectRel(row.pValue, ref.p[i], ddf === 'Kenward-Roger' ? LMM_P_KR_F : LMM_P, P_FLOOR, `${ddf} p ${row.term}`);
        });
        if (r.anovaType3.hypothesisMatrices) {
          for (const row of tab.rows) {
            const H = r.anovaType3.hypothesisMatrices[row.term];
            if (!H) continue;
            // Same hypothesis space: each of our rows is a combination of lmerTest's
            // (least-squares residual ~0), and the ranks agree.
            expect(row.L.length).toBe(H.rows.length);
            for (const l of row.L) expect(residualNorm(H.rows, l)).toBeLessThan(1e-6);
          }
        }
      }
    });
  }
});

/** Norm of l minus its projection on the row space of H (Gram–Schmidt). */
function residualNorm(H: number[][], l: number[]): number {
  const basis: number[][] = [];
  for (const h of H) {
    const v = [...h];
    for (const b of basis) {
      const d = b.reduce((a, x, i) => a + x * v[i]!, 0);
      for (let i = 0; i < v.length; i++) v[i] = v[i]! - d * b[i]!;
    }
    const n = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
    if (n > 1e-10) basis.push(v.map((x) => x / n));
  }
  const r = [...l];
  for (const b of basis) {
    const d = b.reduce((a, x, i) => a + x * r[i]!, 0);
    for (let i = 0; i < r.length; i++) r[i] = r[i]! - d * b[i]!;
  }
  return Math.sqrt(r.reduce((a, x) => a + x * x, 0));
}
