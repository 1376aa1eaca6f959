/**
 * After a GLM fit: marginal means on the link and response scale, regrid, odds/rate ratios and
 * risk differences, Wald χ² type III, likelihood-ratio tests and predictions, against emmeans,
 * car::Anova, anova.glm and predict.glm (tests/fixtures/r/glm/emmeans-glm.R).
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { anova } from '../../../src/models/emmeans/anova.js';
import { contrast, interactionContrast } from '../../../src/models/emmeans/contrast.js';
import { marginalMeans } from '../../../src/models/emmeans/marginal-means.js';
import { regrid } from '../../../src/models/emmeans/response-scale.js';
import { likelihoodRatioTestGlm, predictGlm } from '../../../src/models/glm/after-fit.js';
import { fitGlm } from '../../../src/models/glm/fit.js';
import { fitOls } from '../../../src/models/ols/fit.js';
import { ArgumentError } from '../../../src/errors/index.js';

const fx = JSON.parse(readFileSync(new URL('../../fixtures/r/glm/emmeans-glm.json', import.meta.url), 'utf8'));
const TOL = 1e-8;
const worst: Record<string, number> = {};
function rel(kind: string, a: number, e: number, label: string, tol = TOL): void {
  const err = Math.abs(a - e) / Math.max(Math.abs(e), 1e-300);
  worst[kind] = Math.max(worst[kind] ?? 0, err);
  if (!(err <= tol)) expect.fail(`${label} [${kind}]: ${a} vs R ${e} (relative error ${err.toExponential(2)} > ${tol})`);
}
afterAll(() => console.log('worst relative errors:', JSON.stringify(worst, (_, v) => (typeof v === 'number' ? Number(v.toExponential(2)) : v))));

const levels = { arm: ['control', 'SFT'], week: ['baseline', '9m', '15m'] };
const poissonLevels = { arm: ['control', 'SFT'], site: ['A', 'B', 'C'] };
const sexLevels = { arm: ['control', 'SFT'], sex: ['f', 'm'] };
const B = fx.binomial;
const P = fx.poisson;
const G = fx.gamma;
const NB = fx.negativeBinomial;
const m1 = fitGlm('employed ~ arm * week + age', B.data.columns, { family: 'binomial', levels });
const m0 = fitGlm('employed ~ arm + week + age', B.data.columns, { family: 'binomial', levels });
const p1 = fitGlm('admissions ~ arm * site', P.data.columns, { family: 'poisson', offset: 'logDays', levels: poissonLevels });
const p0 = fitGlm('admissions ~ arm + site', P.data.columns, { family: 'poisson', offset: 'logDays', levels: poissonLevels });
const g1 = fitGlm('cost ~ arm * sex', G.data.columns, { family: 'gamma', link: 'log', levels: sexLevels });
const g0 = fitGlm('cost ~ arm + sex', G.data.columns, { family: 'gamma', link: 'log', levels: sexLevels });

const nb1 = fitGlm('beddays ~ arm * sex', NB.data.columns, { family: 'negativeBinomial', levels: sexLevels });
const nb0 = fitGlm('beddays ~ arm + sex', NB.data.columns, { family: 'negativeBinomial', levels: sexLevels });
const pr = fitGlm('employed ~ arm * week + age', B.data.columns, { family: 'binomial', link: 'probit', levels });

/** Rows vs an emmeans table: estimate column name, SE, CI columns (asymp.* for z, *.CL for t). */
function checkRows(kind: string, rows: { estimate: number | null; se: number | null; ci: [number, number] | null; df: number | null }[], t: any, est: string, tol = TOL): void {
  expect(rows.length).toBe(t[est].length);
  const lo = t['asymp.LCL'] ?? t['lower.CL'];
  const hi = t['asymp.UCL'] ?? t['upper.CL'];
  rows.forEach((r, i) => {
    rel(kind, r.estimate!, t[est][i], `${kind} row ${i} estimate`, tol);
    rel(kind, r.se!, t.SE[i], `${kind} row ${i} se`, tol);
    rel(kind, r.ci![0], lo[i], `${kind} row ${i} lower`, tol);
    rel(kind, r.ci![1], hi[i], `${kind} row ${i} upper`, tol);
    expect(r.df).toBe(t.df[i] ?? Infinity);
  });
}

describe('marginal means of a GLM (emmeans)', () => {
  it('coefficients agree with glm', () => {
    m1.fixedEffects.forEach((f, i) => rel('coef', f.estimate, B.coefficients[i], f.term));
  });
  it('link scale, z intervals', () => {
    const mm = marginalMeans(m1, ['arm', 'week'], { by: ['week'] });
    expect(mm.type).toBeUndefined();
    checkRows('emm link', mm.rows, B.emmLink, 'emmean');
  });
  it('response scale: probabilities, delta-method SE, back-transformed CI', () => {
    const mm = marginalMeans(m1, ['arm', 'week'], { by: ['week'], type: 'response' });
    expect(mm.scale).toBe('probability');
    checkRows('emm response', mm.rows, B.emmResponse, 'prob');
    checkRows('emm response (averaged)', marginalMeans(m1, ['arm'], { type: 'response' }).rows, B.emmArm, 'prob');
  });
  it('poisson rates at the mean offset and at a given offset', () => {
    checkRows('rate', marginalMeans(p1, ['arm'], { type: 'response' }).rows, P.emmResponseMeanOffset, 'rate');
    checkRows('rate', marginalMeans(p1, ['arm'], { type: 'response', offset: Math.log(365) }).rows, P.emmResponse, 'rate');
  });
  it('gamma: residual df (estimated dispersion)', () => {
    const mm = marginalMeans(g1, ['arm'], { type: 'response' });
    checkRows('gamma mean', mm.rows, G.emmResponse, 'response');
    expect(mm.rows[0]!.df).toBe(g1.dfResidual);
  });
  it('type response needs a link; offset belongs to GLMs', () => {
    const ols = fitOls('cost ~ arm', G.data.columns, { levels: sexLevels });
    expect(() => marginalMeans(ols, ['arm'], { type: 'response' })).toThrow(ArgumentError);
    expect(() => marginalMeans(ols, ['arm'], { offset: 1 })).toThrow(ArgumentError);
    expect(() => marginalMeans(m1, ['arm'], { type: 'probability' as never })).toThrow(ArgumentError);
  });
});

describe('contrasts of a GLM', () => {
  it('odds ratios: exp(Δ), SE exp(Δ)·SE, interval exp, z test on the link scale', () => {
    const c = contrast(marginalMeans(m1, ['arm', 'week'], { by: ['week'], type: 'response' }), 'revpairwise');
    expect(c.rows.map((r) => r.contrast)).toEqual(B.oddsRatios.contrast);
    expect(c.rows.every((r) => r.scale === 'odds ratio')).toBe(true);
    checkRows('odds ratio', c.rows, B.oddsRatios, 'odds.ratio');
    c.rows.forEach((r, i) => {
      rel('odds ratio z', r.statistic!, B.oddsRatioTests['z.ratio'][i], 'z');
      rel('odds ratio p', r.pValue!, B.oddsRatioTests['p.value'][i], 'p');
    });
  });
  it('on the link scale, differences of log-odds named as such', () => {
    const c = contrast(marginalMeans(m1, ['arm', 'week'], { by: ['week'] }), 'revpairwise');
    expect(c.rows[0]!.scale).toBe('difference (logit scale)');
    checkRows('log odds ratio', c.rows, B.linkDiffs, 'estimate');
  });
  it('regrid: risk differences with delta-method SEs', () => {
    const rg = regrid(marginalMeans(m1, ['arm', 'week'], { by: ['week'] }));
    checkRows('regrid means', rg.rows, B.regrid, 'prob');
    const c = contrast(rg, 'revpairwise');
    expect(c.rows.every((r) => r.scale === 'risk difference')).toBe(true);
    checkRows('risk difference', c.rows, B.riskDifferences, 'estimate');
    c.rows.forEach((r, i) => rel('risk difference p', r.pValue!, B.riskDifferenceTests['p.value'][i], 'p'));
    // regrid of response-scale means gives the same grid
    const c2 = contrast(regrid(marginalMeans(m1, ['arm', 'week'], { by: ['week'], type: 'response' })), 'revpairwise');
    c2.rows.forEach((r, i) => rel('risk difference', r.estimate!, c.rows[i]!.estimate!, 'same'));
  });
  it('interaction contrast: ratio of odds ratios', () => {
    const c = interactionContrast(marginalMeans(m1, ['arm', 'week'], { type: 'response' }), { arm: 'revpairwise', week: 'trt.vs.ctrl' });
    checkRows('ratio of odds ratios', c.rows, B.interaction, 'odds.ratio');
    c.rows.forEach((r, i) => rel('ratio of odds ratios p', r.pValue!, B.interactionTests['p.value'][i], 'p'));
  });
  it('poisson rate ratio and rate difference (per 365 days)', () => {
    const mm = marginalMeans(p1, ['arm'], { type: 'response', offset: Math.log(365) });
    const rr = contrast(mm, 'revpairwise');
    expect(rr.rows[0]!.scale).toBe('rate ratio');
    checkRows('rate ratio', rr.rows, P.rateRatios, 'ratio');
    const rd = contrast(regrid(mm), 'revpairwise');
    expect(rd.rows[0]!.scale).toBe('rate difference');
    checkRows('rate difference', rd.rows, P.rateDifferences, 'estimate');
  });
  it('gamma log link: ratio of means on residual df', () => {
    const c = contrast(marginalMeans(g1, ['arm'], { type: 'response' }), 'revpairwise');
    expect(c.rows[0]!.scale).toBe('ratio of means');
    checkRows('gamma ratio', c.rows, G.ratios, 'ratio');
    rel('gamma ratio p', c.rows[0]!.pValue!, G.ratioTests['p.value'][0], 'p');
  });
});

describe('other families and links', () => {
  // glm.nb stops its θ alternation at its own tolerance (θ to 1.5e-8), hence 1e-6 here.
  it('negative binomial: rate ratio with z intervals, LR test at each model\'s own θ (anova.negbin)', () => {
    expect(nb1.negativeBinomialTheta).toMatchObject({ estimable: true });
    rel('nb theta', (nb1.negativeBinomialTheta as { estimate: number }).estimate, NB.theta, 'theta', 1e-6);
    const mm = marginalMeans(nb1, ['arm'], { type: 'response' });
    checkRows('nb rate', mm.rows, NB.emmResponse, 'response', 1e-6);
    const c = contrast(mm, 'revpairwise');
    expect(c.rows[0]!.scale).toBe('rate ratio');
    checkRows('nb rate ratio', c.rows, NB.rateRatios, 'ratio', 1e-6);
    const t = likelihoodRatioTestGlm(nb0, nb1);
    rel('nb lrt', t.statistic, NB.lrt.statistic[1], 'LR', 1e-6);
    rel('nb lrt', t.pValue, NB.lrt.p[1], 'p', 1e-6);
    expect(t.df).toBe(NB.lrt.df[1]);
  });
  it('probit: response-scale means; contrasts stay differences on the probit scale', () => {
    pr.fixedEffects.forEach((f, i) => rel('probit coef', f.estimate, fx.probit.coefficients[i], f.term));
    const mm = marginalMeans(pr, ['arm', 'week'], { by: ['week'], type: 'response' });
    checkRows('probit means', mm.rows, fx.probit.emmResponse, 'prob');
    const c = contrast(mm, 'revpairwise');
    expect(c.rows.map((r) => r.contrast)).toEqual(fx.probit.contrasts.contrast);
    expect(c.rows[0]!.scale).toBe('difference (probit scale)');
    checkRows('probit difference', c.rows, fx.probit.contrasts, 'estimate');
    // The probit coefficients agree to 2e-9 (where glm's iteration stops); the small p-value amplifies that.
    c.rows.forEach((r, i) => rel('probit p', r.pValue!, fx.probit.contrastTests['p.value'][i], 'p', 1e-7));
  });
});

describe('Wald tests and likelihood-ratio tests', () => {
  it('type III Wald χ² (joint_tests; car::Anova type 3 with sum contrasts)', () => {
    const a = anova(m1);
    const car = B.carAnova3;
    a.rows.forEach((r, i) => {
      const k = car.term.indexOf(r.term);
      rel('wald chisq', r.chiSquare!, car.chisq[k], r.term);
      expect(r.numDf).toBe(car.df[k]);
      expect(r.denDf).toBe(Infinity);
      rel('wald p', r.pValue!, B.jointTests['p.value'][i], r.term, 1e-7);
    });
    const ap = anova(p1);
    ap.rows.forEach((r) => rel('wald chisq', r.chiSquare!, P.carAnova3.chisq[P.carAnova3.term.indexOf(r.term)], r.term));
  });
  it('gamma: F tests on residual df as joint_tests', () => {
    const a = anova(g1);
    a.rows.forEach((r, i) => {
      expect(r.denDf).toBe(G.jointTests.df2[i]);
      expect(r.chiSquare).toBeUndefined();
      rel('gamma F p', r.pValue!, G.jointTests['p.value'][i], r.term, 1e-7);
      expect(Math.abs(r.statistic! - G.jointTests['F.ratio'][i])).toBeLessThan(5e-4);
    });
  });
  it('deviance test of nested binomial and poisson fits (anova, test = "Chisq")', () => {
    const t = likelihoodRatioTestGlm(m0, m1);
    rel('lrt', t.deviance, B.lrt.deviance[1], 'deviance');
    expect(t.df).toBe(B.lrt.df[1]);
    rel('lrt', t.pValue, B.lrt.p[1], 'p');
    const tp = likelihoodRatioTestGlm(p0, p1);
    rel('lrt', tp.statistic, P.lrt.deviance[1], 'deviance');
    rel('lrt', tp.pValue, P.lrt.p[1], 'p');
  });
  it('gamma: F test with the estimated dispersion (test = "F")', () => {
    const t = likelihoodRatioTestGlm(g0, g1);
    rel('lrt F', t.deviance, G.lrt.deviance[1], 'deviance');
    rel('lrt F', t.statistic, G.lrt.F[1], 'F');
    expect(t.denDf).toBe(G.lrt.residDf[1]);
    rel('lrt F', t.pValue, G.lrt.p[1], 'p');
  });
  it('refuses fits that are not nested in order, or of another family', () => {
    expect(() => likelihoodRatioTestGlm(m1, m0)).toThrow(ArgumentError);
    expect(() => likelihoodRatioTestGlm(p0, m1)).toThrow(ArgumentError);
    expect(() => likelihoodRatioTestGlm(m0, m1, { test: 'F' })).toThrow(ArgumentError);
    expect(() => likelihoodRatioTestGlm(m0, m1, { tset: 'F' } as never)).toThrow(ArgumentError);
  });
});

describe('predictGlm (predict.glm)', () => {
  const nd = B.newdata;
  const rows = nd.arm.map((_: string, i: number) => ({ arm: nd.arm[i], week: nd.week[i], age: nd.age[i] }));
  it('link and response scale with standard errors', () => {
    predictGlm(m1, rows).forEach((p, i) => {
      rel('predict link', p.estimate, B.predictLink.fit[i], 'fit');
      rel('predict link', p.se, B.predictLink.se[i], 'se');
    });
    predictGlm(m1, rows, { type: 'response' }).forEach((p, i) => {
      rel('predict response', p.estimate, B.predictResponse.fit[i], 'fit');
      rel('predict response', p.se, B.predictResponse.se[i], 'se');
    });
  });
  it('with the offset column of new data', () => {
    const n2 = P.newdata;
    const rows2 = n2.arm.map((_: string, i: number) => ({ arm: n2.arm[i], site: n2.site[i], logDays: n2.logDays[i] }));
    predictGlm(p1, rows2, { type: 'response' }).forEach((p, i) => {
      rel('predict offset', p.estimate, P.predictResponse.fit[i], 'fit');
      rel('predict offset', p.se, P.predictResponse.se[i], 'se');
    });
    expect(() => predictGlm(p1, [{ arm: 'SFT', site: 'A' }])).toThrow(/logDays/);
    expect(() => predictGlm(m1, [{ arm: 'SFT', week: '2y', age: 40 }])).toThrow(ArgumentError);
    expect(() => predictGlm(m1, rows, { type: 'mean' as never })).toThrow(ArgumentError);
  });
});
