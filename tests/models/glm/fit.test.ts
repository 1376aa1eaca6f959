/** fitGlm: bad input (typed errors naming row, field, received and expected), invariances, diagnostics. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ArgumentError, FormulaError, ValidationError } from '../../../src/errors/index.js';
import { fitGlm } from '../../../src/models/glm/fit.js';
import { digamma, trigamma } from '../../../src/models/glm/irls.js';
import { validationIssues } from '../../thrown.js';

const fx = JSON.parse(readFileSync(new URL('../../fixtures/r/glm/glm.json', import.meta.url), 'utf8'));
const bw = fx.data.bw.columns as Record<string, number[]>;
const bwLevels = fx.data.bw.factorLevels;

const rows = [
  { y: 0, n: 3, k: 1, x: 0.5, days: 30, w: 1, g: 'a' },
  { y: 1, n: 4, k: 3, x: 1.2, days: 12, w: 2, g: 'a' },
  { y: 0, n: 2, k: 0, x: -0.3, days: 45, w: 1, g: 'b' },
  { y: 1, n: 5, k: 4, x: 2.1, days: 9, w: 1.5, g: 'b' },
  { y: 1, n: 3, k: 2, x: 0.9, days: 20, w: 1, g: 'c' },
  { y: 0, n: 6, k: 1, x: -1.1, days: 60, w: 0.5, g: 'c' },
];

describe('fitGlm bad input', () => {
  it('requires a family and names the known ones; a misspelt option suggests the right key', () => {
    expect(() => fitGlm('y ~ x', rows)).toThrow(/options.family.*"gaussian", "binomial", "poisson", "negativeBinomial", "gamma"/s);
    expect(() => fitGlm('y ~ x', rows, { family: 'logistic' as never })).toThrow(ArgumentError);
    expect(() => fitGlm('y ~ x', rows, { family: 'binomial', familly: 'x' } as never)).toThrow(/did you mean "family"/);
    expect(() => fitGlm('y ~ x', rows, { family: 'binomial', control: { eps: 1 } } as never)).toThrow(/options.control.eps/);
  });
  it('a family/link pair that does not exist names the valid links', () => {
    expect(() => fitGlm('k ~ x', rows, { family: 'poisson', link: 'logit' })).toThrow(/options.link.*one of "log"/s);
    expect(() => fitGlm('y ~ x', rows, { family: 'binomial', link: 'log' })).toThrow(/"logit", "probit", "cloglog"/);
  });
  it('a binomial response outside 0/1, and successes above trials, name row and field', () => {
    const bad = rows.map((r, i) => (i === 2 ? { ...r, y: 2 } : r));
    const is = validationIssues(() => fitGlm('y ~ x', bad, { family: 'binomial' }));
    expect(is.map((i) => [i.row, i.field, i.value])).toEqual([[3, 'y', 2]]);
    const over = rows.map((r, i) => (i === 4 ? { ...r, k: 7 } : r));
    const is2 = validationIssues(() => fitGlm('k ~ x', over, { family: 'binomial', trials: 'n' }));
    expect(is2.map((i) => [i.row, i.field, i.value])).toEqual([[5, 'k', 7]]);
    expect(is2[0]!.expected).toMatch(/successes from 0 to the 3 trials in "n"/);
  });
  it('negative or non-integer counts are errors unless non-integers are allowed', () => {
    const bad = rows.map((r, i) => (i === 1 ? { ...r, k: -1 } : i === 3 ? { ...r, k: 2.5 } : r));
    const is = validationIssues(() => fitGlm('k ~ x', bad, { family: 'poisson' }));
    expect(is.map((i) => [i.row, i.value])).toEqual([
      [2, -1],
      [4, 2.5],
    ]);
    const frac = rows.map((r, i) => (i === 3 ? { ...r, k: 2.5 } : r));
    expect(() => fitGlm('k ~ x', frac, { family: 'negativeBinomial' })).toThrow(ValidationError);
    expect(fitGlm('k ~ x', frac, { family: 'poisson', allowNonIntegerCounts: true }).fixedEffects).toHaveLength(2);
  });
  it('a zero cost for the gamma family names the row', () => {
    const bad = rows.map((r, i) => ({ ...r, cost: i === 5 ? 0 : 100 + 10 * i }));
    const is = validationIssues(() => fitGlm('cost ~ x', bad, { family: 'gamma', link: 'log' }));
    expect(is.map((i) => [i.row, i.field, i.value])).toEqual([[6, 'cost', 0]]);
  });
  it('zero or negative exposure is rejected with row and field; exposure needs a log link', () => {
    const bad = rows.map((r, i) => (i === 0 ? { ...r, days: 0 } : i === 3 ? { ...r, days: -5 } : r));
    const is = validationIssues(() => fitGlm('k ~ x', bad, { family: 'poisson', exposure: 'days' }));
    expect(is.map((i) => [i.row, i.field, i.value])).toEqual([
      [1, 'days', 0],
      [4, 'days', -5],
    ]);
    expect(is[0]!.expected).toMatch(/exposure > 0/);
    expect(() => fitGlm('y ~ x', rows, { family: 'binomial', exposure: 'days' })).toThrow(/a log link for an exposure/);
  });
  it('weights, trials and offsets: missing or out-of-range values in used rows are named, not dropped', () => {
    const bad = rows.map((r, i) => (i === 1 ? { ...r, w: 0 } : i === 2 ? { ...r, w: null } : r));
    const is = validationIssues(() => fitGlm('k ~ x', bad, { family: 'poisson', weights: 'w' }));
    expect(is.map((i) => [i.row, i.field, i.value])).toEqual([
      [2, 'w', 0],
      [3, 'w', null],
    ]);
    const badTrials = rows.map((r, i) => (i === 0 ? { ...r, n: 1.5 } : r));
    expect(validationIssues(() => fitGlm('k ~ x', badTrials, { family: 'binomial', trials: 'n' })).map((i) => [i.row, i.field])).toEqual([[1, 'n']]);
    expect(() => fitGlm('k ~ x', rows, { family: 'poisson', offset: 'nope' })).toThrow(/options.offset.*a column of the data/s);
  });
  it('an all-zero outcome (or all successes) is an error naming the cause', () => {
    const zeros = rows.map((r) => ({ ...r, k: 0 }));
    expect(() => fitGlm('k ~ x', zeros, { family: 'poisson' })).toThrow(/data.k.*0 in all 6 rows used.*at least one non-zero/s);
    const ones = rows.map((r) => ({ ...r, y: 1 }));
    expect(() => fitGlm('y ~ x', ones, { family: 'binomial' })).toThrow(/only successes/);
    expect(() => fitGlm('k ~ x', rows.map((r) => ({ ...r, k: r.n })), { family: 'binomial', trials: 'n' })).toThrow(/only successes/);
  });
  it('options that do not belong together', () => {
    expect(() => fitGlm('k ~ x', rows, { family: 'poisson', trials: 'n' })).toThrow(/trials belong to the binomial family/);
    expect(() => fitGlm('k ~ x', rows, { family: 'poisson', vcov: 'CR2' })).toThrow(/options.cluster/);
    expect(() => fitGlm('k ~ x', rows, { family: 'poisson', cluster: 'g' })).toThrow(/cluster-robust type/);
    expect(() => fitGlm('k ~ x + (1 | g)', rows, { family: 'poisson' })).toThrow(/fitGlmm/);
    expect(() => fitGlm('k ~ z', rows, { family: 'poisson' })).toThrow(FormulaError);
    const noCluster = rows.map((r, i) => (i === 3 ? { ...r, g: null } : r));
    expect(() => fitGlm('k ~ x', noCluster, { family: 'poisson', vcov: 'CR1', cluster: 'g' })).toThrow(/clusterMissing/);
    const big = Array.from({ length: 2000 }, (_, i) => ({ k: i % 3, x: (i % 7) - 3, g: i < 1000 ? 'a' : 'b' }));
    expect(() => fitGlm('k ~ x', big, { family: 'poisson', vcov: 'CR2', cluster: 'g' })).toThrow(/Σ n_g³ = 2.00e\+9 here \(largest cluster 1000 rows\)/);
    const fit = fitGlm('k ~ x', noCluster, { family: 'poisson', vcov: 'CR1', cluster: 'g', clusterMissing: 'singleton' });
    expect(fit.cluster).toEqual({ variable: 'g', nClusters: 4, nSingletons: 1, minSize: 1, maxSize: 2 });
  });
});

describe('fitGlm numerics', () => {
  const base = { family: 'binomial' as const, levels: bwLevels };
  const formula = 'low ~ age + lwt + race + smoke';
  it('answers do not depend on a covariate origin or unit (centred working columns)', () => {
    const ref = fitGlm(formula, bw, base);
    const shifted = fitGlm(formula, { ...bw, lwt: bw.lwt!.map((v) => v + 1e7) }, base);
    const scaled = fitGlm(formula, { ...bw, age: bw.age!.map((v) => v * 1000) }, base);
    ref.fixedEffects.forEach((row, j) => {
      const s = shifted.fixedEffects[j]!;
      const c = scaled.fixedEffects[j]!;
      if (row.term !== '(Intercept)') {
        expect(Math.abs(s.estimate! - row.estimate!)).toBeLessThan(1e-9 * row.se!);
        expect(Math.abs(s.se! / row.se! - 1)).toBeLessThan(1e-7);
      }
      const k = row.term === 'age' ? 1000 : 1;
      expect(Math.abs(c.estimate! * k - row.estimate!)).toBeLessThan(1e-9 * row.se!);
      expect(Math.abs((c.se! * k) / row.se! - 1)).toBeLessThan(1e-9);
    });
    // the shifted intercept absorbs 1e7 · β_lwt
    const bl = ref.fixedEffects.find((r) => r.term === 'lwt')!.estimate;
    expect(shifted.fixedEffects[0]!.estimate + 1e7 * bl).toBeCloseTo(ref.fixedEffects[0]!.estimate, 5);
    expect(Math.abs(shifted.deviance - ref.deviance)).toBeLessThan(1e-9 * ref.deviance);
  });
  it('a column that is a linear combination of others is dropped as R does, with a diagnostic', () => {
    const dup = { ...bw, lwt2: bw.lwt!.map((v, i) => 2 * v - bw.age![i]!) };
    const fit = fitGlm('low ~ age + lwt + lwt2 + smoke', dup, base);
    const ref = fitGlm('low ~ age + lwt + smoke', bw, base);
    expect(fit.droppedColumns).toEqual(['lwt2']);
    expect(fit.diagnostics.find((d) => d.code === 'rank-deficient')?.details).toEqual({ droppedColumns: ['lwt2'] });
    fit.fixedEffects.forEach((row, j) => expect(row.estimate).toBeCloseTo(ref.fixedEffects[j]!.estimate, 10));
    expect(fit.rank).toBe(4);
  });
  it('Poisson overdispersion is a diagnostic with what to try (quine)', () => {
    const c = fx.cases.quine_poisson;
    const fit = fitGlm(c.ts.formula, fx.data.qu.columns, { family: 'poisson', levels: fx.data.qu.factorLevels });
    const d = fit.diagnostics.find((x) => x.code === 'overdispersion')!;
    expect(d.message).toMatch(/negativeBinomial/);
    expect(d.details!.dispersionRatio).toBeCloseTo(c.tight.fitted.reduce((s: number, m: number, i: number) => s + (fx.data.qu.columns.Days[i] - m) ** 2 / m, 0) / c.tight.dfResidual, 8);
  });
  it('non-integer prior weights on a 0/1 response: R rounding in the log-likelihood is said', () => {
    const fit = fitGlm('y ~ x', rows, { family: 'binomial', weights: 'w' });
    expect(fit.diagnostics.map((d) => d.code)).toContain('non-integer-binomial-weights');
    expect(fitGlm('y ~ x', rows, { family: 'binomial' }).diagnostics.map((d) => d.code)).not.toContain('non-integer-binomial-weights');
  });
  it('a non-converged fit says so', () => {
    const fit = fitGlm(formula, bw, { ...base, control: { maxIterations: 2 } });
    expect(fit.converged).toBe(false);
    expect(fit.diagnostics.map((d) => d.code)).toContain('not-converged');
  });
  it('digamma and trigamma at known values', () => {
    const gamma = 0.5772156649015329;
    expect(Math.abs(digamma(1) + gamma)).toBeLessThan(1e-15);
    expect(Math.abs(digamma(0.5) + gamma + 2 * Math.LN2)).toBeLessThan(1e-14);
    expect(Math.abs(trigamma(1) - Math.PI ** 2 / 6)).toBeLessThan(1e-14);
    expect(Math.abs(trigamma(0.5) - Math.PI ** 2 / 2)).toBeLessThan(1e-14);
    expect(Math.abs(digamma(1e6) - (Math.log(1e6) - 0.5e-6 - 1 / 12e12))).toBeLessThan(1e-15 * Math.log(1e6));
  });
});
