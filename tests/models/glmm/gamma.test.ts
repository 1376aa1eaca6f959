/**
 * Gamma GLMMs (skewed costs) against glmmTMB's Gamma family (tests/fixtures/r/glmm/gamma.R):
 * log link with a participant intercept, the partially nested SFT layout, and the canonical
 * inverse link. glmmTMB's nlminb stops a little short on two of them, so the reference is its
 * own TMB objective polished from there (`polished`); on the cost model with a participant
 * intercept rcteval's likelihood is 8e-8 above the one glmmTMB reports, and glmmTMB's objective
 * at rcteval's estimates confirms it. Then the family's bad input.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitGlmm } from '../../../src/models/glmm/fit.js';
import { marginalMeans } from '../../../src/models/emmeans/marginal-means.js';
import { contrast } from '../../../src/models/emmeans/contrast.js';
import { ArgumentError, ValidationError } from '../../../src/errors/index.js';
import type { GlmmFit, GlmmOptions } from '../../../src/models/glmm/types.js';
import { GLMM_AGREEMENT } from '../../tolerances.js';
import { thrown } from '../../thrown.js';

const fx = JSON.parse(readFileSync(new URL('../../fixtures/r/glmm/gamma.json', import.meta.url), 'utf8'));
const costs = fx.costs.data.columns as Record<string, unknown[]>;
const levels = { arm: ['control', 'SFT'], period: ['0', '1', '2'] };

function rel(actual: number, expected: number, tol: number, label: string, floor = 0): void {
  const err = Math.abs(actual - expected) / Math.max(Math.abs(expected), floor);
  if (!(err <= tol)) expect.fail(`${label}: ${actual} vs glmmTMB ${expected} (relative error ${err.toExponential(2)} > ${tol})`);
}

function agrees(fit: GlmmFit, ref: any): void {
  const P = ref.polished;
  // rcteval reaches the polished optimum, and at least the likelihood glmmTMB reports.
  rel(fit.logLik, P.logLik, 1e-10, 'logLik');
  expect(fit.logLik).toBeGreaterThanOrEqual(ref.logLik - 1e-9 * Math.abs(ref.logLik));
  expect(fit.fixedEffects.map((r) => r.term)).toEqual(ref.fixef.term);
  fit.fixedEffects.forEach((r, i) => {
    rel(r.estimate, P.estimate[i], GLMM_AGREEMENT.estimate, `β ${r.term}`, P.se[i]);
    rel(r.se!, P.se[i], GLMM_AGREEMENT.se, `SE ${r.term}`);
  });
  fit.varianceComponents.forEach((v, i) => rel(v.variance, P.variance[i], GLMM_AGREEMENT.se, `variance ${v.group}`));
  rel(fit.dispersion!, P.dispersion, GLMM_AGREEMENT.se, 'dispersion φ');
  expect(fit.negativeBinomialTheta).toBeNull();
  expect(fit.nParameters).toBe(fit.fixedEffects.length + fit.varianceComponents.length + 1);
  rel(fit.aic, -2 * fit.logLik + 2 * fit.nParameters, 1e-15, 'AIC');
  rel(fit.aic, ref.aic, 1e-6, 'AIC vs glmmTMB');
  expect(fit.diagnostics).toEqual([]);
}

describe('fitGlmm gamma against glmmTMB', () => {
  it('log link, a random intercept per participant (rcteval above the likelihood glmmTMB reports)', () => {
    const fit = fitGlmm('cost ~ arm * period + (1 | id)', costs, { family: 'gamma', link: 'log', levels });
    expect(fit.family).toBe('gamma');
    expect(fit.link).toBe('log');
    agrees(fit, fx.costs.intercept);
    expect(fit.logLik - fx.costs.intercept.logLik).toBeGreaterThan(5e-8);
  });

  it('log link, the partially nested SFT design (therapy groups in the treated arm only)', () => {
    const opts: GlmmOptions = { family: 'gamma', link: 'log', levels, partialNesting: { cluster: 'group', arm: 'arm', treated: 'SFT' } };
    const fit = fitGlmm('cost ~ arm * period + (1 | id)', costs, opts);
    agrees(fit, fx.costs.partial);
    expect(fit.nGroups).toEqual({ id: 200, group: 12 });
  });

  it('the canonical inverse link (R’s default for Gamma)', () => {
    const fit = fitGlmm('y ~ x + (1 | cl)', fx.inverse.data.columns, { family: 'gamma' });
    expect(fit.link).toBe('inverse');
    agrees(fit, fx.inverse.fit);
  });

  it('marginal means on the response scale are exp of the link scale; contrasts are ratios of means', () => {
    const fit = fitGlmm('cost ~ arm * period + (1 | id)', costs, { family: 'gamma', link: 'log', levels });
    const link = marginalMeans(fit, ['arm'], { by: ['period'] });
    const resp = marginalMeans(fit, ['arm'], { by: ['period'], type: 'response' });
    resp.rows.forEach((r, i) => rel(r.estimate!, Math.exp(link.rows[i]!.estimate!), 1e-14, `mean ${i}`));
    const ratio = contrast(resp, 'revpairwise').rows;
    const b = Object.fromEntries(fit.fixedEffects.map((r) => [r.term, r.estimate]));
    rel(ratio[0]!.estimate!, Math.exp(b['armSFT']!), 1e-12, 'ratio at period 0');
    rel(ratio[2]!.estimate!, Math.exp(b['armSFT']! + b['armSFT:period2']!), 1e-12, 'ratio at period 2');
  });

  it('population-averaged means: exp(η + σ²/2) with the log link; refused with the inverse link, where they do not exist', () => {
    const fit = fitGlmm('cost ~ arm * period + (1 | id)', costs, { family: 'gamma', link: 'log', levels });
    const s2 = fit.varianceComponents[0]!.variance;
    const cond = marginalMeans(fit, ['arm'], { by: ['period'] });
    const pop = marginalMeans(fit, ['arm'], { by: ['period'], type: 'response', marginal: 'population' });
    pop.rows.forEach((r, i) => rel(r.estimate!, Math.exp(cond.rows[i]!.estimate! + s2 / 2), 1e-11, `population mean ${i}`));
    const inv = fitGlmm('cost ~ arm + (1 | id)', costs, { family: 'gamma', link: 'inverse', levels });
    expect(thrown(() => marginalMeans(inv, ['arm'], { type: 'response', marginal: 'population' }))).toMatchObject({ argument: 'options.marginal', value: 'population' });
  });
});

describe('fitGlmm gamma: bad input', () => {
  const small = { cost: [1200, 800, 4300, 150, 2300, 990], arm: ['c', 'c', 't', 't', 'c', 't'], site: ['a', 'a', 'b', 'b', 'c', 'c'] };

  it('a zero or negative cost is a validation error naming the row, the value and what the family needs', () => {
    const err = thrown(() => fitGlmm('cost ~ arm + (1 | site)', { ...small, cost: [1200, 0, 4300, -5, 2300, 990] }, { family: 'gamma', link: 'log' }));
    expect(err).toBeInstanceOf(ValidationError);
    const issues = (err as ValidationError).issues;
    expect(issues.map((i) => [i.row, i.field, i.value])).toEqual([
      [2, 'cost', 0],
      [4, 'cost', -5],
    ]);
    expect(issues[0]!.expected).toMatch(/> 0 for the gamma family/);
  });

  it('an identity link, quadrature, or a constant response is refused with the option and the reason', () => {
    expect(thrown(() => fitGlmm('cost ~ arm + (1 | site)', small, { family: 'gamma', link: 'identity' }))).toMatchObject({ argument: 'options.link', value: 'identity' });
    const agq = thrown(() => fitGlmm('cost ~ arm + (1 | site)', small, { family: 'gamma', nAgq: 5 }));
    expect(agq).toBeInstanceOf(ArgumentError);
    expect(agq).toMatchObject({ argument: 'options.nAgq', value: 5 });
    const flat = thrown(() => fitGlmm('cost ~ arm + (1 | site)', { ...small, cost: small.cost.map(() => 500) }, { family: 'gamma', link: 'log' }));
    expect(flat).toMatchObject({ argument: 'data.cost' });
    expect((flat as Error).message).toMatch(/dispersion would be 0/);
  });
});
