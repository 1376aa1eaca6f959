/**
 * A fit is data: after JSON.stringify/JSON.parse or a structured clone, marginal means,
 * contrasts, anova, predictions and likelihood-ratio tests give the original fit's results to
 * the bit (toEqual compares numbers with Object.is), for each model family.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors/index.js';
import { anova } from '../../src/models/emmeans/anova.js';
import { contrast } from '../../src/models/emmeans/contrast.js';
import { marginalMeans } from '../../src/models/emmeans/marginal-means.js';
import { decodeState, encodeState } from '../../src/models/fit-state.js';
import { likelihoodRatioTestGlm, predictGlm } from '../../src/models/glm/after-fit.js';
import { fitGlm } from '../../src/models/glm/fit.js';
import { likelihoodRatioTestGlmm, predictGlmm } from '../../src/models/glmm/after-fit.js';
import { fitGlmm } from '../../src/models/glmm/fit.js';
import { fitLmm } from '../../src/models/lmm/fit.js';
import { likelihoodRatioTest } from '../../src/models/lmm/likelihood-ratio.js';
import { predict } from '../../src/models/lmm/predict.js';
import { fitOls } from '../../src/models/ols/fit.js';
import { fixtureColumns, loadFixture } from './fixture-helpers.js';

const viaJson = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const viaClone = <T>(x: T): T => structuredClone(x);

/** Means, pairwise contrasts within visit and the type III table of a fit. */
function questions(fit: object, specs: string[], by: string[], ddf?: 'Kenward-Roger') {
  const mm = marginalMeans(fit, specs, { by, ...(ddf ? { ddf } : {}) });
  return { means: mm.rows, contrasts: contrast(mm, 'revpairwise').rows, anova: anova(fit, ddf ? { ddf } : {}).rows };
}

describe('the state codec', () => {
  it('keeps what JSON loses: typed arrays, Maps, NaN, ±Infinity and −0', () => {
    const value = { a: Float64Array.from([1.5, NaN, -Infinity, -0, 0.1 + 0.2]), b: Int32Array.from([3, -1]), m: new Map([[2, 'x']]), x: -0, y: Infinity, s: ['$f64'] };
    const back = decodeState(viaJson(encodeState(value))) as typeof value;
    expect(back).toEqual(value);
    expect(Object.is(back.a[3], -0)).toBe(true);
    expect(back.a).toBeInstanceOf(Float64Array);
  });
});

describe('LMM (partially nested, arm-specific residual variances)', () => {
  const fx = loadFixture('sft-lmm');
  const data = fixtureColumns(fx.data.sft);
  const levels = { arm: ['control', 'SFT'], visit: ['baseline', '9m', '15m'] };
  const pn = { cluster: 'therapy_group', arm: 'arm', treated: 'SFT' };
  const fit = fitLmm('score ~ arm * visit + (1 | id)', data, { levels, partialNesting: pn, residualVarianceBy: 'arm' });
  const newdata = { arm: ['control', 'SFT'], visit: ['9m', '9m'] };

  for (const [how, trip] of [['JSON', viaJson], ['structured clone', viaClone]] as const) {
    it(`answers the same after ${how}: means, contrasts, anova, predict`, () => {
      const copy = trip(fit);
      expect(questions(copy, ['arm', 'visit'], ['visit'])).toEqual(questions(fit, ['arm', 'visit'], ['visit']));
      expect(predict(copy, newdata, { includeRandom: false })).toEqual(predict(fit, newdata, { includeRandom: false }));
    });
  }

  it('Kenward–Roger, and predictions with the conditional modes, after JSON (sleepstudy, correlated slopes)', () => {
    const sleep = loadFixture('sleepstudy');
    const s = fitLmm(sleep.fits.corr_reml.formula, fixtureColumns(sleep.data.sleepstudy));
    const copy = viaJson(s);
    const kr = (f: object) => anova(f, { ddf: 'Kenward-Roger' }).rows;
    expect(kr(copy)).toEqual(kr(s));
    const nd = { Days: [3, 7], Subject: ['308', 'new'] };
    const opts = { includeRandom: true, allowNewLevels: true };
    expect(predict(copy, nd, opts)).toEqual(predict(s, nd, opts));
  });

  it('likelihood-ratio tests refit from the state of a saved fit', () => {
    const m0 = fitLmm('score ~ arm + visit + (1 | id)', data, { levels, reml: false });
    const m1 = fitLmm('score ~ arm * visit + (1 | id)', data, { levels, reml: false });
    expect(likelihoodRatioTest(viaJson(m0), viaJson(m1))).toEqual(likelihoodRatioTest(m0, m1));
  });

  it('a fit without its state fails with an error that says to keep it', () => {
    const { state: _state, ...bare } = viaJson(fit);
    expect(() => marginalMeans(bare, ['arm'])).toThrow(ArgumentError);
    expect(() => marginalMeans(bare, ['arm'])).toThrow(/"state" field.*keep the whole fit.*refit with fitLmm\./);
    expect(() => predict(bare as never, newdata)).toThrow(/refit with fitLmm/);
    expect(() => likelihoodRatioTest(bare as never, fit)).toThrow(/Argument "m0"/);
  });

  it('means that went through JSON say to recompute them from the fit', () => {
    const mm = viaJson(marginalMeans(fit, ['arm']));
    expect(() => contrast(mm, 'pairwise')).toThrow(/compute the means again from the fit/);
  });
});

describe('OLS (CR2 cluster-robust)', () => {
  const fx = JSON.parse(readFileSync(new URL('../fixtures/r/subgroups/ols-emmeans.json', import.meta.url), 'utf8'));
  const d = fx.fits.full.data;
  const fit = fitOls('score ~ baseline + arm * visit * sg', d.columns, { levels: d.factorLevels, vcov: 'CR2', cluster: 'cluster' });
  it('answers the same after JSON and structured clone', () => {
    const want = questions(fit, ['arm', 'visit'], ['visit']);
    expect(questions(viaJson(fit), ['arm', 'visit'], ['visit'])).toEqual(want);
    expect(questions(viaClone(fit), ['arm', 'visit'], ['visit'])).toEqual(want);
  });
});

describe('GLM and GLMM', () => {
  const fx = JSON.parse(readFileSync(new URL('../fixtures/r/glm/emmeans-glm.json', import.meta.url), 'utf8'));
  const levels = { arm: ['control', 'SFT'], week: ['baseline', '9m', '15m'] };
  const sexLevels = { arm: ['control', 'SFT'], sex: ['f', 'm'] };
  const poissonLevels = { arm: ['control', 'SFT'], site: ['A', 'B', 'C'] };

  it('GLM (negative binomial; Poisson with an offset): means, contrasts, anova, predict, LRT', () => {
    const NB = fx.negativeBinomial;
    const nb1 = fitGlm('beddays ~ arm * sex', NB.data.columns, { family: 'negativeBinomial', levels: sexLevels });
    const nb0 = fitGlm('beddays ~ arm + sex', NB.data.columns, { family: 'negativeBinomial', levels: sexLevels });
    expect(questions(viaJson(nb1), ['arm', 'sex'], ['sex'])).toEqual(questions(nb1, ['arm', 'sex'], ['sex']));
    expect(likelihoodRatioTestGlm(viaJson(nb0), viaClone(nb1))).toEqual(likelihoodRatioTestGlm(nb0, nb1));
    const P = fx.poisson;
    const p1 = fitGlm('admissions ~ arm * site', P.data.columns, { family: 'poisson', offset: 'logDays', levels: poissonLevels });
    const nd = [{ arm: 'SFT', site: 'B', logDays: 3.2 }];
    expect(predictGlm(viaJson(p1), nd, { type: 'response' })).toEqual(predictGlm(p1, nd, { type: 'response' }));
  });

  it('GLMM (binomial, random intercept): means, contrasts, anova, predict, LRT', () => {
    const g = JSON.parse(readFileSync(new URL('../fixtures/r/glmm/emmeans-glmm.json', import.meta.url), 'utf8'));
    // A third of the fixture's participants: the round trip, not the fit, is under test.
    const all = g.data.columns as Record<string, unknown[]>;
    const ids = [...new Set(all.id!)].filter((_, i) => i % 3 === 0);
    const keep = all.id!.flatMap((id, i) => (ids.includes(id) ? [i] : []));
    const data = Object.fromEntries(Object.entries(all).map(([k, v]) => [k, keep.map((i) => v[i])])) as Record<string, unknown[]>;
    const m1 = fitGlmm('employed ~ arm * week + (1 | id)', data, { family: 'binomial', levels });
    const m0 = fitGlmm('employed ~ arm + week + (1 | id)', data, { family: 'binomial', levels });
    const copy = viaJson(m1);
    expect(questions(copy, ['arm', 'week'], ['week'])).toEqual(questions(m1, ['arm', 'week'], ['week']));
    const nd = { arm: ['SFT', 'control'], week: ['9m', '15m'], id: [data.id![0], data.id![1]] };
    expect(predictGlmm(copy, nd, { type: 'response', conditional: true })).toEqual(predictGlmm(m1, nd, { type: 'response', conditional: true }));
    expect(likelihoodRatioTestGlmm(viaJson(m0), copy)).toEqual(likelihoodRatioTestGlmm(m0, m1));
  });
});
