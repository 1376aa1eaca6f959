import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../../src/errors/index.js';
import { DEFAULT_LINK, checkResponse, makeFamily, type FamilyName, type LinkName } from '../../../src/models/glm/family.js';
import { validationIssues } from '../../thrown.js';

const fx = JSON.parse(readFileSync(new URL('../../fixtures/r/glm/families.json', import.meta.url), 'utf8'));

/** R's value (null = ±Inf or NaN there) against ours, relative to max(|R|, floor). */
function close(actual: number, expected: number | null, rel: number, label: string, floor = 1e-300): void {
  if (expected === null) {
    expect(Number.isFinite(actual), `${label}: R gives a non-finite value, we give ${actual}`).toBe(false);
    return;
  }
  const tol = rel * Math.max(Math.abs(expected), floor);
  if (!(Math.abs(actual - expected) <= tol)) expect.fail(`${label}: ${actual} vs R ${expected} (diff ${Math.abs(actual - expected)} > ${tol})`);
}

const cases = Object.entries(fx).filter(([k]) => k !== 'meta' && k !== 'aicSums') as [string, any][];

describe('GLM families against R family objects', () => {
  it('covers every family and link', () => {
    expect(cases.map(([, c]) => `${c.family}/${c.link}`).sort()).toEqual([
      'binomial/cloglog', 'binomial/logit', 'binomial/probit', 'gamma/identity', 'gamma/inverse', 'gamma/log',
      'gaussian/identity', 'gaussian/inverse', 'gaussian/log', 'negativeBinomial/log', 'negativeBinomial/log', 'negativeBinomial/log', 'poisson/log',
    ]);
  });
  for (const [key, c] of cases) {
    it(`${key}: links, variance, deviance residuals, log-densities, starts`, () => {
      const f = makeFamily(c.family as FamilyName, c.link as LinkName, c.theta);
      c.eta.forEach((eta: number, i: number) => {
        close(f.linkinv(eta), c.linkinv[i], 1e-13, `${key} linkinv(${eta})`);
        close(f.muEta(eta), c.muEta[i], 1e-12, `${key} muEta(${eta})`);
        expect(f.validEta(eta), `${key} validEta(${eta})`).toBe(c.validEta[i]);
        if (c.muEta[i] !== null) expect(f.muEta(eta)).not.toBe(0);
      });
      c.mu.forEach((mu: number, i: number) => {
        // R's cloglog linkfun is log(-log(1 - μ)), which loses μ below ~1e-8 (-Inf below ε); ours uses log1p, = log μ + μ/2 + O(μ²) there
        if (c.link === 'cloglog' && mu < 1e-7) close(f.linkfun(mu), Math.log(mu) + mu / 2, 1e-14, `${key} linkfun(${mu})`);
        else close(f.linkfun(mu), c.linkfun[i], 1e-13, `${key} linkfun(${mu})`);
        close(f.variance(mu), c.variance[i], 1e-14, `${key} variance(${mu})`);
        expect(f.validMu(mu), `${key} validMu(${mu})`).toBe(c.validMu[i]);
      });
      const t = c.triples;
      t.y.forEach((y: number, i: number) => {
        const mu = t.mu[i];
        const wt = t.wt[i];
        close(f.devResid(y, mu, wt), c.devResid[i], 1e-12, `${key} devResid(${y}, ${mu}, ${wt})`, 1e-14);
        // R's NB aic term subtracts quantities of size θ·log θ; its own rounding sets the floor there
        const ldFloor = c.theta ? 1 + c.theta * Math.abs(Math.log(c.theta)) : 1e-14;
        close(f.logDensity(y, mu, wt, c.dispersion ?? 1), c.logDensity[i], 1e-12, `${key} logDensity(${y}, ${mu}, ${wt})`, ldFloor);
        close(f.initialMu(y, wt), c.initialMu[i], 1e-14, `${key} initialMu(${y}, ${wt})`);
      });
    });
  }

  it('per-observation densities with dispersion deviance / sum(wt) (gamma) or / n (gaussian) add up to R aic', () => {
    for (const name of ['gamma', 'gaussian'] as const) {
      const s = fx.aicSums[name];
      const f = makeFamily(name, 'log');
      const n = s.y.length;
      const disp = name === 'gamma' ? s.deviance / s.wt.reduce((a: number, b: number) => a + b, 0) : s.deviance / n;
      let dev = 0;
      let ll = 0;
      for (let i = 0; i < n; i++) {
        dev += f.devResid(s.y[i], s.mu[i], s.wt[i]);
        ll += f.logDensity(s.y[i], s.mu[i], s.wt[i], disp);
      }
      close(dev, s.deviance, 1e-13, `${name} deviance`);
      // R's aic adds 2 for the dispersion parameter
      close(-2 * ll + 2, s.aic, 1e-13, `${name} aic`);
    }
  });
});

describe('makeFamily', () => {
  it('uses R default links', () => {
    expect(DEFAULT_LINK).toEqual({ gaussian: 'identity', binomial: 'logit', poisson: 'log', negativeBinomial: 'log', gamma: 'inverse' });
    expect(makeFamily('gamma').link).toBe('inverse');
    expect(makeFamily('binomial').estimatesDispersion).toBe(false);
    expect(makeFamily('gamma', 'log').estimatesDispersion).toBe(true);
    expect(makeFamily('negativeBinomial', 'log', 2.5).theta).toBe(2.5);
  });
  it('rejects a family/link pair that does not exist, naming the valid links', () => {
    expect(() => makeFamily('poisson', 'logit')).toThrow(ArgumentError);
    expect(() => makeFamily('poisson', 'logit')).toThrow(/a link of the poisson family: "log"/);
    expect(() => makeFamily('binomial', 'inverse')).toThrow(/"logit", "probit", "cloglog"/);
    expect(() => makeFamily('poison' as FamilyName)).toThrow(/one of "gaussian", "binomial"/);
  });
  it('requires theta for, and only for, the negative binomial', () => {
    expect(() => makeFamily('negativeBinomial')).toThrow(/θ > 0/);
    expect(() => makeFamily('negativeBinomial', 'log', 0)).toThrow(ArgumentError);
    expect(() => makeFamily('negativeBinomial', 'log', Number.NaN)).toThrow(ArgumentError);
    expect(() => makeFamily('poisson', 'log', 2)).toThrow(/belongs to the negativeBinomial family/);
  });
});

describe('checkResponse', () => {
  const rows = [4, 5, 6, 7];
  it('binomial 0/1: every value outside 0/1 named with its row', () => {
    const is = validationIssues(() => checkResponse(makeFamily('binomial'), [0, 1, 2, 0.5], [1, 1, 1, 1], rows, { field: 'employed' }));
    expect(is.map((i) => [i.row, i.field, i.value])).toEqual([
      [6, 'employed', 2],
      [7, 'employed', 0.5],
    ]);
    expect(is[0]!.expected).toMatch(/0 or 1/);
  });
  it('binomial with trials: successes above trials and bad trials', () => {
    const is = validationIssues(() =>
      checkResponse(makeFamily('binomial', 'probit'), [3, 5, 1, 2.5], [4, 4, 0, 6], rows, { field: 'k', trialsField: 'n' }),
    );
    expect(is.map((i) => [i.row, i.field, i.value])).toEqual([
      [5, 'k', 5],
      [6, 'n', 0],
      [7, 'k', 2.5],
    ]);
    expect(() => checkResponse(makeFamily('binomial'), [0, 4, 2], [4, 4, 6], [1, 2, 3], { trialsField: 'n' })).not.toThrow();
  });
  it('counts: negative and non-integer, unless non-integers are allowed', () => {
    const is = validationIssues(() => checkResponse(makeFamily('poisson'), [0, -1, 1.5, 7], [1, 1, 1, 1], rows));
    expect(is.map((i) => i.row)).toEqual([5, 6]);
    const nb = validationIssues(() => checkResponse(makeFamily('negativeBinomial', 'log', 1), [0, -1, 1.5, 7], [1, 1, 1, 1], rows, { allowNonInteger: true }));
    expect(nb.map((i) => i.row)).toEqual([5]);
  });
  it('gamma: zero and negative costs; every family: non-finite values', () => {
    const is = validationIssues(() => checkResponse(makeFamily('gamma', 'log'), [1, 0, -2, Number.NaN], [1, 1, 1, 1], rows));
    expect(is.map((i) => i.row)).toEqual([5, 6, 7]);
    expect(is[2]!.expected).toBe('a finite number');
    expect(() => checkResponse(makeFamily('gaussian'), [-3, 0, 2], [1, 1, 1], [1, 2, 3])).not.toThrow();
  });
});
