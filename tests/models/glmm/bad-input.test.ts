/** fitGlmm's up-front checks (typed errors naming row, field, value and expectation) and its named diagnostics. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { anova } from '../../../src/models/emmeans/anova.js';
import { marginalMeans } from '../../../src/models/emmeans/marginal-means.js';
import { ArgumentError, ValidationError } from '../../../src/errors/index.js';
import { fitGlmm, glmmDevianceFunction } from '../../../src/models/glmm/fit.js';
import { gaussHermiteRule } from '../../../src/models/glmm/gauss-hermite.js';
import { createRng } from '../../../src/random/rng.js';
import { thrown } from '../../thrown.js';

const fx = JSON.parse(readFileSync(new URL('../../fixtures/r/glmm/glmm.json', import.meta.url), 'utf8'));
const cbpp = fx.cbpp.data.columns as Record<string, unknown[]>;

/** 40 participants × 4 visits with a 0/1 outcome drawn by `draw`. */
function binaryRows(seed: number, draw: (arm: string, visit: number, u: () => number) => number): Record<string, unknown>[] {
  const rng = createRng(seed);
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < 40; i++) for (let v = 0; v < 4; v++) rows.push({ id: `S${i}`, arm: i < 20 ? 'A' : 'B', visit: v, y: draw(i < 20 ? 'A' : 'B', v, () => rng.uniform()) });
  return rows;
}

describe('fitGlmm: bad input', () => {
  it('a binomial response outside 0/1 is a ValidationError naming the row', () => {
    const rows = binaryRows(1, (_a, _v, u) => (u() < 0.5 ? 1 : 0));
    rows[5]!.y = 2;
    const e = thrown(() => fitGlmm('y ~ arm + (1 | id)', rows, { family: 'binomial' }));
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).issues[0]).toMatchObject({ row: 6, field: 'y', value: 2 });
  });

  it('successes above trials, and a missing trials value, are ValidationErrors', () => {
    const inc = [...cbpp.incidence!];
    inc[3] = (cbpp.size![3] as number) + 1;
    const e = thrown(() => fitGlmm('incidence ~ period + (1 | herd)', { ...cbpp, incidence: inc }, { family: 'binomial', trials: 'size' }));
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).issues[0]).toMatchObject({ row: 4, field: 'incidence' });
    const size = [...cbpp.size!];
    size[7] = null;
    const e2 = thrown(() => fitGlmm('incidence ~ period + (1 | herd)', { ...cbpp, size }, { family: 'binomial', trials: 'size' }));
    expect(e2).toBeInstanceOf(ValidationError);
    expect((e2 as ValidationError).issues[0]).toMatchObject({ row: 8, field: 'size', value: null });
  });

  it('negative or fractional counts for Poisson and negative binomial are ValidationErrors', () => {
    const c = fx.counts.data.columns as Record<string, unknown[]>;
    for (const [bad, family] of [[-1, 'poisson'], [2.5, 'negativeBinomial']] as const) {
      const y = [...c.y!];
      y[10] = bad;
      const e = thrown(() => fitGlmm('y ~ arm + (1 | id)', { ...c, y }, { family }));
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues[0]).toMatchObject({ row: 11, field: 'y', value: bad });
    }
  });

  it('a non-finite offset (the log of a zero exposure) is a ValidationError naming the row', () => {
    const c = fx.counts.data.columns as Record<string, unknown[]>;
    const logDays = (c.days as number[]).map((d, i) => (i === 12 ? Math.log(0) : Math.log(d)));
    const e = thrown(() => fitGlmm('y ~ arm + (1 | id)', { ...c, logDays }, { family: 'poisson', offset: 'logDays' }));
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).issues[0]).toMatchObject({ row: 13, field: 'logDays', value: -Infinity });
    expect((e as ValidationError).message).toMatch(/positive number/);
  });

  it('an all-zero outcome is an ArgumentError, not an infinite estimate', () => {
    const rows = binaryRows(2, () => 0);
    expect(() => fitGlmm('y ~ arm + (1 | id)', rows, { family: 'binomial' })).toThrow(/both successes and failures/);
    expect(() => fitGlmm('y ~ arm + (1 | id)', rows, { family: 'poisson' })).toThrow(/positive count/);
  });

  it('family/link pairs that do not exist, unknown families and misspelt options are ArgumentErrors', () => {
    const rows = binaryRows(3, (_a, _v, u) => (u() < 0.5 ? 1 : 0));
    expect(() => fitGlmm('y ~ arm + (1 | id)', rows, { family: 'poisson', link: 'logit' })).toThrow(ArgumentError);
    expect(() => fitGlmm('y ~ arm + (1 | id)', rows, { family: 'negativeBinomial', link: 'identity' })).toThrow(/"log"/);
    expect(() => fitGlmm('y ~ arm + (1 | id)', rows, { family: 'gaussian' as never })).toThrow(/one of "binomial", "poisson", "negativeBinomial"/);
    expect(() => fitGlmm('y ~ arm + (1 | id)', rows, { family: 'binomial', nAgg: 5 } as never)).toThrow(/did you mean "nAgq"/);
    expect(() => fitGlmm('y ~ arm + (1 | id)', rows, { family: 'binomial', control: { maxEval: 5 } } as never)).toThrow(/options\.control\.maxEval/);
    expect(() => fitGlmm('y ~ arm + (1 | id)', rows, { family: 'binomial', weights: 'visit' })).toThrow(/trials/);
    expect(() => fitGlmm('y ~ arm + (1 | id)', rows, { family: 'poisson', trials: 'visit' })).toThrow(/binomial/);
    expect(() => fitGlmm('y ~ arm + (1 | id)', rows, { family: 'binomial', offset: 'days' })).toThrow(/options\.offset/);
    expect(() => fitGlmm('y ~ arm + (1 | id)', rows, { family: 'binomial', partialNesting: { cluster: 'id', arm: 'arm', treatment: 'B' } } as never)).toThrow(
      /did you mean "treated"/,
    );
  });

  it('nAgq > 1 needs a single scalar random effect; nAgq is a whole number from 1 to 100', () => {
    expect(() => fitGlmm('y ~ x + (x | id)', fx.slopes.data.columns, { family: 'binomial', nAgq: 5 })).toThrow(/single scalar random effect/);
    expect(() => fitGlmm('incidence ~ period + (1 | herd)', cbpp, { family: 'binomial', trials: 'size', nAgq: 0 })).toThrow(/whole number from 1 to 100/);
  });

  it('rows with a missing response or predictor are dropped one at a time, with a diagnostic', () => {
    const incidence = [...cbpp.incidence!];
    incidence[0] = null;
    const period = [...cbpp.period!];
    period[1] = null;
    const fit = fitGlmm('incidence ~ period + (1 | herd)', { ...cbpp, incidence, period }, { family: 'binomial', trials: 'size' });
    expect(fit.nObs).toBe(54);
    expect(fit.dropped).toMatchObject({ total: 2, missingResponse: 1, missingPredictor: { period: 1 } });
    expect(fit.diagnostics.find((d) => d.code === 'rows-dropped')?.message).toMatch(/2 of 56 rows/);
    expect(Array.from(fit.rows.slice(0, 2))).toEqual([2, 3]);
  });

  it('glmmDevianceFunction takes θ, β (and log θ_NB) and nothing else', () => {
    const dev = glmmDevianceFunction('incidence ~ period + (1 | herd)', cbpp, { family: 'binomial', trials: 'size' });
    expect(() => dev([0.6, -1.4])).toThrow(/5 numbers/);
  });

  it('a formula without random effects points to fitGlm', () => {
    expect(() => fitGlmm('incidence ~ period', cbpp, { family: 'binomial', trials: 'size' })).toThrow(/fitGlm/);
  });
});

describe('fitGlmm: named diagnostics', () => {
  it('complete separation names the term; its Wald quantities are not estimable, the others are', () => {
    const rows = binaryRows(7, (arm, _v, u) => (arm === 'B' ? 0 : u() < 0.5 ? 1 : 0));
    const fit = fitGlmm('y ~ arm + (1 | id)', rows, { family: 'binomial' });
    const sep = fit.diagnostics.find((d) => d.code === 'separation');
    expect(sep?.details).toMatchObject({ terms: ['armB'] });
    const b = fit.fixedEffects.find((r) => r.term === 'armB')!;
    expect(b).toMatchObject({ estimable: false, se: null, statistic: null, pValue: null, ci: null });
    expect(b.estimate).toBeLessThan(-8);
    expect(b.reason).toMatch(/separation/);
    expect(fit.vcov[1]).toEqual([null, null]);
    expect(fit.vcov[0]![0]).toBeCloseTo(fit.fixedEffects[0]!.se! ** 2, 12);
    // Arm A alone: 80 Bernoulli draws, the intercept's SE near 1/√(80·p(1 − p)).
    const a = fit.fixedEffects[0]!;
    expect(a.estimable).toBe(true);
    const y = rows.filter((r) => r.arm === 'A').map((r) => r.y as number);
    const pA = y.reduce((s, v) => s + v, 0) / y.length;
    expect(a.estimate).toBeCloseTo(Math.log(pA / (1 - pA)), 4);
    expect(a.se!).toBeCloseTo(1 / Math.sqrt(80 * pA * (1 - pA)), 4);
    // After the fit: arm A's mean is estimable (its SE is the intercept's), arm B's and the test of arm are not.
    const mm = marginalMeans(fit, ['arm'], { type: 'response' });
    expect(mm.rows[0]).toMatchObject({ estimable: true });
    expect(mm.rows[0]!.se).toBeCloseTo(Math.abs(pA * (1 - pA)) * a.se!, 6);
    expect(mm.rows[1]).toMatchObject({ estimable: false, se: null, ci: null });
    expect(mm.rows[1]!.estimate).toBeLessThan(1e-3); // arm B never succeeds: a probability near 0
    expect(mm.rows[1]!.reason).toMatch(/armB.*separation/);
    expect(anova(fit).rows[0]).toMatchObject({ estimable: false, statistic: null });
  });

  it('a fit with no between-participant variation is singular, with the term named', () => {
    // Every participant has the same outcome pattern over the visits: the participant variance is 0.
    const rows = binaryRows(8, (_a, v) => (v === 1 || v === 2 ? 1 : 0));
    const fit = fitGlmm('y ~ visit + (1 | id)', rows, { family: 'binomial' });
    expect(fit.singular).toBe(true);
    expect(fit.varianceComponents[0]!.variance).toBeLessThan(1e-8);
    expect(fit.diagnostics.find((d) => d.code === 'singular')?.details).toMatchObject({ terms: ['(1 | id)'] });
    // θ = 0: the fit is the GLM, logit of 1/2 with a zero slope.
    expect(fit.fixedEffects[0]!.estimate).toBeCloseTo(0, 6);
    expect(fit.fixedEffects[1]!.estimate).toBeCloseTo(0, 6);
  });
});

describe('fitGlmm: rank deficiency and non-convergence', () => {
  it('drops an aliased column as R does and fits the same model as without it', () => {
    const cols = fx.slopes.data.columns as Record<string, unknown[]>;
    const x2 = (cols.x as number[]).map((v) => 2 * v - 1);
    const withAlias = fitGlmm('y ~ x + x2 + (1 | id)', { ...cols, x2 }, { family: 'binomial' });
    const plain = fitGlmm('y ~ x + (1 | id)', cols, { family: 'binomial' });
    expect(withAlias.droppedColumns).toEqual(['x2']);
    expect(withAlias.diagnostics.find((d) => d.code === 'rank-deficient')?.details).toMatchObject({ droppedColumns: ['x2'] });
    expect(withAlias.fixedEffects.map((r) => r.term)).toEqual(['(Intercept)', 'x']);
    expect(Math.abs(withAlias.logLik - plain.logLik)).toBeLessThan(1e-9);
    withAlias.fixedEffects.forEach((r, j) => expect(Math.abs(r.estimate - plain.fixedEffects[j]!.estimate)).toBeLessThan(1e-6));
  });

  it('an evaluation budget too small to converge is a not-converged diagnostic, not an exception', () => {
    const fit = fitGlmm('y ~ x + (x | id)', fx.slopes.data.columns, { family: 'binomial', control: { maxEvaluations: 25 } });
    expect(fit.optimizer.converged).toBe(false);
    const d = fit.diagnostics.find((x) => x.code === 'not-converged');
    expect(d?.message).toMatch(/did not confirm convergence/);
    expect(Number.isFinite(fit.logLik)).toBe(true);
  });
});

describe('Gauss-Hermite rules', () => {
  it('equal lme4\'s GHrule nodes and weights', () => {
    for (const [k, ref] of Object.entries(fx.ghrule) as [string, { z: number[]; w: number[] }][]) {
      const r = gaussHermiteRule(Number(k.slice(1)));
      ref.z.forEach((z, i) => expect(Math.abs(r.z[i]! - z)).toBeLessThan(1e-13 * Math.max(1, Math.abs(z))));
      ref.w.forEach((w, i) => expect(Math.abs(r.w[i]! - w)).toBeLessThan(1e-13 * Math.max(w, 1e-300) + 1e-30));
    }
  });
});
