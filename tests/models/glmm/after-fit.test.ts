/**
 * After a GLMM fit: marginal means on the link and response scale, regrid risk differences, odds
 * ratios, interaction contrasts, Wald χ² (joint tests), the likelihood-ratio test, predictions at
 * the population level and with the conditional modes, and population-averaged probabilities,
 * against emmeans, lme4's anova/predict and R's integrate() (tests/fixtures/r/glmm/emmeans-glmm.R).
 *
 * The fit agrees with glmer (tight tolerances) to ~1e-6 relative on β and ~1e-4 on the Hessian-based
 * SEs (finite differences on both sides), so estimates are checked at 1e-5 of max(|estimate|, SE)
 * (link-scale predictions: of max(|η|, 0.3), about the SE of a cell) and SE-based quantities at 1e-3; the population average itself (at R's η) is checked against integrate() at 1e-7.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { anova } from '../../../src/models/emmeans/anova.js';
import { contrast, interactionContrast } from '../../../src/models/emmeans/contrast.js';
import { marginalMeans } from '../../../src/models/emmeans/marginal-means.js';
import { regrid } from '../../../src/models/emmeans/response-scale.js';
import { likelihoodRatioTestGlmm, predictGlmm } from '../../../src/models/glmm/after-fit.js';
import { fitGlmm } from '../../../src/models/glmm/fit.js';
import { linearModelView } from '../../../src/models/emmeans/view.js';
import { makeFamily } from '../../../src/models/glm/family.js';
import { normalAverage } from '../../../src/models/glmm/view.js';
import { ArgumentError } from '../../../src/errors/index.js';

const fx = JSON.parse(readFileSync(new URL('../../fixtures/r/glmm/emmeans-glmm.json', import.meta.url), 'utf8'));
const EST = 1e-5;
const SE = 1e-3;
const worst: Record<string, number> = {};
/** Relative error, on the scale max(|e|, scale) (the "1e-4 of max(|β|, SE)" for estimates). */
function rel(kind: string, a: number, e: number, label: string, tol: number, scale = 1e-300): void {
  const err = Math.abs(a - e) / Math.max(Math.abs(e), scale);
  worst[kind] = Math.max(worst[kind] ?? 0, err);
  if (!(err <= tol)) expect.fail(`${label} [${kind}]: ${a} vs R ${e} (relative error ${err.toExponential(2)} > ${tol})`);
}
afterAll(() => console.log('worst relative errors:', JSON.stringify(worst, (_, v) => (typeof v === 'number' ? Number(v.toExponential(2)) : v))));

const levels = { arm: ['control', 'SFT'], week: ['baseline', '9m', '15m'] };
const data = fx.data.columns;
const m1 = fitGlmm('employed ~ arm * week + (1 | id)', data, { family: 'binomial', levels });
const m0 = fitGlmm('employed ~ arm + week + (1 | id)', data, { family: 'binomial', levels });

function checkRows(kind: string, rows: { estimate: number | null; se: number | null; ci: [number, number] | null; df: number | null }[], t: any, est: string): void {
  expect(rows.length).toBe(t[est].length);
  rows.forEach((r, i) => {
    rel(`${kind} estimate`, r.estimate!, t[est][i], `${kind} row ${i} estimate`, EST, t.SE[i]);
    rel(`${kind} se`, r.se!, t.SE[i], `${kind} row ${i} se`, SE);
    rel(`${kind} ci`, r.ci![0], t['asymp.LCL'][i], `${kind} row ${i} lower`, SE, t.SE[i]);
    rel(`${kind} ci`, r.ci![1], t['asymp.UCL'][i], `${kind} row ${i} upper`, SE, t.SE[i]);
    expect(r.df).toBe(Infinity);
  });
}

describe('the GLMM view (emmeans on glmer)', () => {
  it('the fit agrees with glmer', () => {
    fx.fixef.estimate.forEach((e: number, j: number) => rel('beta', m1.fixedEffects[j]!.estimate, e, `β ${j}`, EST, fx.fixef.se[j]));
    fx.fixef.se.forEach((e: number, j: number) => rel('beta se', m1.fixedEffects[j]!.se!, e, `SE ${j}`, SE));
    rel('logLik', m1.logLik, fx.lrt.logLik[1], 'logLik m1', 1e-8);
    rel('logLik', m0.logLik, fx.lrt.logLik[0], 'logLik m0', 1e-8);
  });

  it('marginal means on the link and response scale, with df ∞', () => {
    checkRows('emm link', marginalMeans(m1, ['arm'], { by: ['week'] }).rows, fx.emmLink, 'emmean');
    const resp = marginalMeans(m1, ['arm'], { by: ['week'], type: 'response' });
    expect(resp.scale).toBe('probability');
    checkRows('emm response', resp.rows, fx.emmResponse, 'prob');
  });

  it('contrasts of response-scale means are conditional odds ratios', () => {
    const or = contrast(marginalMeans(m1, ['arm'], { by: ['week'], type: 'response' }), 'revpairwise');
    expect(or.rows.map((r) => r.contrast)).toEqual(fx.oddsRatios.contrast);
    expect(or.rows[0]!.scale).toBe('odds ratio');
    checkRows('odds ratio', or.rows, fx.oddsRatios, 'odds.ratio');
    or.rows.forEach((r, i) => rel('odds ratio p', r.pValue!, fx.oddsRatioTests['p.value'][i], `p ${i}`, SE));
  });

  it('regrid gives risk differences (random intercept at 0) with delta-method SEs', () => {
    const rg = regrid(marginalMeans(m1, ['arm'], { by: ['week'] }));
    checkRows('regrid', rg.rows, fx.regrid, 'prob');
    const rd = contrast(rg, 'revpairwise');
    expect(rd.rows[0]!.scale).toBe('risk difference');
    checkRows('risk difference', rd.rows, fx.riskDifferences, 'estimate');
    rd.rows.forEach((r, i) => rel('risk difference p', r.pValue!, fx.riskDifferenceTests['p.value'][i], `p ${i}`, SE));
  });

  it('interaction contrasts on the link scale', () => {
    const ic = interactionContrast(marginalMeans(m1, ['arm', 'week']), { arm: 'revpairwise', week: 'trt.vs.ctrl' });
    checkRows('interaction', ic.rows, fx.interaction, 'estimate');
  });

  it('anova gives Wald χ² tests (joint_tests)', () => {
    const a = anova(m1);
    const terms: string[] = fx.jointTests['model term'];
    terms.forEach((term, i) => {
      const row = a.rows.find((r) => r.term === term)!;
      expect(row.numDf).toBe(fx.jointTests.df1[i]);
      expect(row.denDf).toBe(Infinity);
      rel('wald chisq', row.statistic! * row.numDf, fx.jointChisq[i], `χ² ${term}`, SE);
      rel('wald p', row.pValue!, fx.jointTests['p.value'][i], `p ${term}`, SE);
    });
    const ia = a.rows.find((r) => r.term === 'arm:week')!;
    rel('wald chisq', ia.statistic! * 2, fx.interactionWald, 'χ² arm:week (b′V⁻¹b)', SE);
  });
});

describe('likelihoodRatioTestGlmm (anova(m0, m1) for glmer)', () => {
  it('agrees with lme4', () => {
    const lr = likelihoodRatioTestGlmm(m0, m1);
    expect(lr.df).toBe(fx.lrt.df[1]);
    // The statistic is a difference of two log-likelihoods each agreeing to ~1e-9 relative.
    expect(Math.abs(lr.statistic - fx.lrt.chisq[1])).toBeLessThan(1e-5);
    rel('lrt p', lr.pValue, fx.lrt.p[1], 'p', 1e-5);
    rel('lrt deviance', lr.models[1].deviance, fx.lrt.deviance[1], 'deviance m1', 1e-8);
  });

  it('rejects fits in the wrong order or of another family', () => {
    expect(() => likelihoodRatioTestGlmm(m1, m0)).toThrow(ArgumentError);
    const counts = { ...data, employed: data.employed.map((v: number, i: number) => v + (i % 3)) };
    const p = fitGlmm('employed ~ arm + (1 | id)', counts, { family: 'poisson', levels });
    expect(() => likelihoodRatioTestGlmm(p, m1)).toThrow(/family and link/);
    expect(() => likelihoodRatioTestGlmm({} as never, m1)).toThrow(ArgumentError);
  });
});

describe('predictGlmm (predict.merMod)', () => {
  const nd = fx.newdata;
  const rows = nd.arm.map((_: string, i: number) => ({ arm: nd.arm[i], week: nd.week[i], id: nd.id[i] }));
  it('population level (re.form = NA) on both scales', () => {
    predictGlmm(m1, rows, { conditional: false }).forEach((v, i) => rel('predict', v, fx.predict.populationLink[i], `link ${i}`, EST, 0.3));
    predictGlmm(m1, rows, { conditional: false, type: 'response' }).forEach((v, i) => rel('predict', v, fx.predict.populationResponse[i], `response ${i}`, EST));
  });
  it('conditional on the modes (re.form = NULL), a new level at the population level', () => {
    predictGlmm(m1, rows, { allowNewLevels: true }).forEach((v, i) => rel('predict', v, fx.predict.conditionalLink[i], `link ${i}`, EST, 0.3));
    predictGlmm(m1, rows, { allowNewLevels: true, type: 'response' }).forEach((v, i) => rel('predict', v, fx.predict.conditionalResponse[i], `response ${i}`, EST));
  });
  it('an unseen level without allowNewLevels is an error naming the row', () => {
    expect(() => predictGlmm(m1, rows)).toThrow(/newdata\[3\]\.id/);
    expect(() => predictGlmm(m1, rows, { type: 'mean' } as never)).toThrow(ArgumentError);
  });
});

describe('population-averaged probabilities (marginal: population)', () => {
  const pa = marginalMeans(m1, ['arm'], { by: ['week'], type: 'response', marginal: 'population' });
  it('are the inverse link integrated over the random intercept (R integrate())', () => {
    expect(pa.marginal).toBe('population');
    pa.rows.forEach((r, i) => {
      rel('population estimate', r.estimate!, fx.populationAveraged.probability[i], `P ${i}`, EST, fx.populationAveraged.se[i]);
      rel('population se', r.se!, fx.populationAveraged.se[i], `SE ${i}`, SE);
      expect(r.ci![0]).toBeLessThan(r.estimate!);
      expect(r.ci![1]).toBeGreaterThan(r.estimate!);
    });
  });
  it('the quadrature itself agrees with integrate() at the same η', () => {
    const rs = linearModelView(m1).populationResponse!();
    const sigma = m1.varianceComponents[0]!.sd;
    rel('sigma', sigma, fx.sigma, 'σ', 1e-5);
    // At R's η (σ agrees to 2e-7), the quadrature against integrate(): h and h'.
    fx.emmLink.emmean.forEach((eta: number, i: number) => {
      rel('quadrature', rs.linkinv(eta), fx.populationAveraged.probability[i], `h(η) ${i}`, 1e-7);
      rel('quadrature', rs.muEta(eta), fx.populationAveraged.derivative[i], `h'(η) ${i}`, 1e-7);
    });
  });
  it('lie between the conditional probability and 1/2, and contrasts are population risk differences', () => {
    const cond = marginalMeans(m1, ['arm'], { by: ['week'], type: 'response' });
    pa.rows.forEach((r, i) => {
      const c = cond.rows[i]!.estimate!;
      expect(Math.abs(r.estimate! - 0.5)).toBeLessThan(Math.abs(c - 0.5));
    });
    const rd = contrast(pa, 'revpairwise');
    expect(rd.rows[0]!.scale).toBe('risk difference');
    rd.rows.forEach((r, i) => {
      rel('population difference', r.estimate!, fx.populationAveraged.riskDifference[i], `RD ${i}`, EST, fx.populationAveraged.riskDifferenceSe[i]);
      rel('population difference se', r.se!, fx.populationAveraged.riskDifferenceSe[i], `RD SE ${i}`, SE);
    });
  });
  it('the normal average of logit, probit and cloglog inverse links for σ from 0.3 to 8 (integrate())', () => {
    const A = fx.averages;
    for (const link of ['logit', 'probit', 'cloglog'] as const) {
      const f = makeFamily('binomial', link);
      A.eta.forEach((eta: number, i: number) => rel('normal average', normalAverage((x) => f.linkinv(x), eta, A.sigma[i]), A[link][i], `${link} η ${eta} σ ${A.sigma[i]}`, 1e-10));
    }
  });
  it('needs type response and a single random intercept', () => {
    expect(() => marginalMeans(m1, ['arm'], { marginal: 'population' })).toThrow(/options\.type/);
    expect(() => marginalMeans(m1, ['arm'], { type: 'response', marginal: 'everyone' } as never)).toThrow(ArgumentError);
  });
});

describe('a Poisson GLMM with days at risk as offset', () => {
  const P = fx.poisson;
  const p1 = fitGlmm('admissions ~ arm * period + (1 | id)', P.data.columns, { family: 'poisson', offset: 'logDays', levels: { arm: ['control', 'SFT'], period: ['first', 'second'] } });
  const nd = P.newdata.arm.map((_: string, i: number) => ({ arm: P.newdata.arm[i], period: P.newdata.period[i], id: P.newdata.id[i], logDays: P.newdata.logDays[i] }));
  it('rates per 365 days and the rate ratio (emmeans offset = log(365))', () => {
    P.fixef.estimate.forEach((e: number, j: number) => rel('poisson beta', p1.fixedEffects[j]!.estimate, e, `β ${j}`, EST, P.fixef.se[j]));
    const mm = marginalMeans(p1, ['arm'], { type: 'response', offset: Math.log(365) });
    expect(mm.scale).toBe('rate');
    checkRows('poisson rate', mm.rows, P.emmResponse, 'rate');
    const rr = contrast(mm, 'revpairwise');
    expect(rr.rows[0]!.scale).toBe('rate ratio');
    checkRows('rate ratio', rr.rows, P.rateRatios, 'ratio');
    rel('rate ratio p', rr.rows[0]!.pValue!, P.rateRatioTests['p.value'][0], 'p', SE);
  });
  it('predictions include the offset column of newdata', () => {
    predictGlmm(p1, nd, { type: 'response', conditional: false }).forEach((v, i) => rel('poisson predict', v, P.predictPopulation[i], `population ${i}`, EST));
    predictGlmm(p1, nd, { type: 'response' }).forEach((v, i) => rel('poisson predict', v, P.predictConditional[i], `conditional ${i}`, EST));
    expect(() => predictGlmm(p1, nd.map(({ logDays: _, ...r }: { logDays: number }) => r))).toThrow(/logDays/);
  });
  it('the population-averaged rate is exp(η + σ²/2) (log link, closed form)', () => {
    const pa = marginalMeans(p1, ['arm'], { type: 'response', offset: Math.log(365), marginal: 'population' });
    pa.rows.forEach((r, i) => rel('poisson population', r.estimate!, P.populationAveraged[i], `rate ${i}`, EST));
    // And exactly exp(η + σ²/2) at this fit's own η and σ.
    const link = marginalMeans(p1, ['arm'], { offset: Math.log(365) });
    const s2 = p1.varianceComponents[0]!.variance;
    pa.rows.forEach((r, i) => rel('quadrature', r.estimate!, Math.exp(link.rows[i]!.estimate! + s2 / 2), `closed form ${i}`, 1e-12));
  });
});

describe('predictGlmm on a partially nested fit', () => {
  const sft = JSON.parse(readFileSync(new URL('../../fixtures/r/glmm/glmm.json', import.meta.url), 'utf8')).sft;
  const cols = sft.data.columns;
  const fit = fitGlmm('status ~ arm * visit + (1 | id)', cols, {
    family: 'binomial',
    levels: { arm: ['control', 'SFT'], visit: ['baseline', '9m', '15m'] },
    partialNesting: { cluster: 'therapy_group', arm: 'arm', treated: 'SFT' },
  });
  const rows = Array.from(fit.rows, (r) => Object.fromEntries(Object.keys(cols).map((k) => [k, cols[k][r]])));
  it('reproduces the fit\'s own linear predictor on its rows (participant and therapy-group modes)', () => {
    const eta = predictGlmm(fit, rows);
    let worstAbs = 0;
    eta.forEach((e, i) => (worstAbs = Math.max(worstAbs, Math.abs(e - fit.linearPredictor[i]!))));
    expect(worstAbs).toBeLessThan(1e-10);
    // The therapy-group mode matters: without it the SFT rows differ.
    const sftRow = rows.findIndex((r) => r.arm === 'SFT');
    const g = fit.randomEffects.find((t) => t.group === 'therapy_group')!;
    const lev = g.levels.indexOf(String(rows[sftRow]!.therapy_group));
    const noGroup = predictGlmm(fit, [{ ...rows[sftRow]!, therapy_group: 'new group' }], { allowNewLevels: true })[0]!;
    expect(eta[sftRow]! - noGroup).toBeCloseTo(g.values[lev]![0]!, 12);
    expect(() => predictGlmm(fit, [{ ...rows[sftRow]!, therapy_group: 'new group' }])).toThrow(/therapy_group/);
  });
  it('population averages need a single random intercept', () => {
    expect(() => marginalMeans(fit, ['arm'], { type: 'response', marginal: 'population' })).toThrow(/single random intercept/);
    expect(() => marginalMeans(fit, ['arm'], { ddf: 'Satterthwaite' })).toThrow(/asymptotic/);
  });
});
