/**
 * The scalar-term PIRLS kernel (laplace.ts `scalarSystem`: one scalar term, or two with the
 * first nested in the second) against the LMM's general block layout, which
 * `control: { structure: 'dense' }` forces: the same deviance at any parameters, and the same
 * stage-1 deviance. The kernel solves both of glmer's stages (u alone, and u with β).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitGlmm, glmmDevianceFunction, glmmDevianceGradientFunction, glmmStage1DevianceFunction, glmmStage1GradientFunction } from '../../../src/models/glmm/fit.js';
import type { GlmmOptions } from '../../../src/models/glmm/types.js';

const fx = JSON.parse(readFileSync(new URL('../../fixtures/r/glmm/glmm.json', import.meta.url), 'utf8'));
const LEVELS_SFT = { arm: ['control', 'SFT'], visit: ['baseline', '9m', '15m'] };

const cases: { name: string; data: Record<string, unknown[]>; formula: string; options: GlmmOptions; points: number[][] }[] = [
  {
    name: 'one scalar term (cbpp)',
    data: fx.cbpp.data.columns,
    formula: 'incidence ~ period + (1 | herd)',
    options: { family: 'binomial', trials: 'size' },
    points: [
      [0.642, -1.398, -0.992, -1.129, -1.58],
      [1.5, -1, -0.5, -1.5, -2],
      [0.05, -1.2, -1, -1, -1.6],
    ],
  },
  {
    name: 'participants nested in therapy groups, partially (SFT)',
    data: fx.sft.data.columns,
    formula: 'status ~ arm * visit + (1 | id)',
    options: { family: 'binomial', levels: LEVELS_SFT, partialNesting: { cluster: 'therapy_group', arm: 'arm', treated: 'SFT' } },
    points: [
      [1, 0.4, -0.5, 0.3, 0.2, 0.1, -0.2, 0.4],
      [2.5, 0.01, 0.3, -0.4, 0.6, -0.1, 0.8, 0.2],
      [0.2, 1.2, 0, 0, 0, 0, 0, 0],
    ],
  },
];

describe('scalar-term PIRLS kernel', () => {
  for (const c of cases) {
    it(`${c.name}: the deviance equals the general layout's`, () => {
      const fast = glmmDevianceFunction(c.formula, c.data, c.options);
      const general = glmmDevianceFunction(c.formula, c.data, { ...c.options, control: { structure: 'dense' } });
      for (const x of c.points) {
        const a = fast(x);
        const b = general(x);
        expect(Number.isFinite(a)).toBe(true);
        expect(Math.abs(a - b)).toBeLessThan(1e-9 * Math.abs(b));
      }
    });
  }

  it('the first stage (β and u together) equals the general layout\'s', () => {
    const c = cases[1]!;
    const fast = glmmStage1DevianceFunction(c.formula, c.data, c.options);
    const general = glmmStage1DevianceFunction(c.formula, c.data, { ...c.options, control: { structure: 'dense' } });
    for (const th of [[1, 1], [0.8, 0.05], [2, 0.6]]) {
      const a = fast(th);
      const b = general(th);
      expect(Number.isFinite(a)).toBe(true);
      expect(Math.abs(a - b)).toBeLessThan(1e-9 * Math.abs(b));
    }
  });
});

/** Richardson-extrapolated central differences of f at x (numDeriv's scheme, two levels). */
function richardsonGradient(f: (x: number[]) => number, x: number[]): number[] {
  return x.map((_, i) => {
    const d = (h: number): number => {
      const a = [...x];
      const b = [...x];
      a[i] = a[i]! + h;
      b[i] = b[i]! - h;
      return (f(a) - f(b)) / (2 * h);
    };
    const h = 1e-3 * Math.max(Math.abs(x[i]!), 0.1);
    return (4 * d(h / 2) - d(h)) / 3;
  });
}

/**
 * Participants within clusters with the cluster's column varying within a participant (`trt` on
 * alternate rows), successes out of trials, prior weights with zeros: a participant's rows where
 * trt = 0 still couple it to its cluster, which a design like SFT's (trt constant within a
 * participant) never exercises. Deterministic draws (an LCG).
 */
function mixedDesign(): Record<string, unknown[]> {
  let s = 12345;
  const rnd = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const cols: Record<string, unknown[]> = { id: [], cl: [], trt: [], x: [], y: [], n: [], w: [], cnt: [], off: [] };
  for (let i = 0; i < 400; i++) {
    const p = Math.floor(i / 4);
    const trials = 1 + Math.floor(rnd() * 6);
    cols.id!.push(`P${p}`);
    cols.cl!.push(`C${Math.floor(p / 5)}`);
    cols.trt!.push(i % 2);
    cols.x!.push(rnd() - 0.5);
    cols.n!.push(trials);
    cols.y!.push(Math.floor(rnd() * (trials + 1)));
    cols.w!.push(i % 7 === 0 ? 0 : 1 + (i % 3));
    cols.cnt!.push(Math.floor(rnd() * 5));
    cols.off!.push(Math.log(1 + rnd()));
  }
  return cols;
}

describe('analytic gradient of the Laplace deviance (laplaceGradient)', () => {
  const counts = fx.counts.data.columns;
  const mixed = mixedDesign();
  const gradientCases = [
    ...cases,
    { name: 'cluster column varying within participants, trials', data: mixed, formula: 'y ~ x + (1 | id) + (0 + trt | cl)', options: { family: 'binomial', trials: 'n' } as GlmmOptions, points: [[0.8, 0.6, -0.2, 0.3], [1.2, 0.3, 0.1, -0.4]] },
    { name: 'Poisson, nested, offset and weights with zeros', data: mixed, formula: 'cnt ~ x + (1 | id) + (1 | cl)', options: { family: 'poisson', offset: 'off', weights: 'w' } as GlmmOptions, points: [[0.8, 0.6, 0.2, 0.3], [0.3, 1.1, 0.1, -0.4]] },
    { name: 'Poisson with offset and prior weights', data: counts, formula: 'y ~ arm + (1 | id)', options: { family: 'poisson', offset: 'logDays', weights: 'w' } as GlmmOptions, points: [[0.7, -1.2, 0.3], [0.2, -2, 1]] },
  ];
  for (const c of gradientCases) {
    it(`${c.name}: equals Richardson differences of the deviance`, () => {
      const f = glmmDevianceFunction(c.formula, c.data, c.options);
      const G = glmmDevianceGradientFunction(c.formula, c.data, c.options);
      expect(G).not.toBeNull();
      for (const x of c.points) {
        const r = G!(x)!;
        expect(r.f).toBeCloseTo(f(x), 9);
        const ref = richardsonGradient(f, x);
        const scale = Math.max(1, ...ref.map(Math.abs));
        // The differences' own error is ~1e-9 of the scale; an error in any term of the
        // gradient (the trace, the modes' derivatives, the weights' derivative) is far larger.
        ref.forEach((v, i) => expect(Math.abs(r.g[i]! - v)).toBeLessThan(1e-7 * scale));
      }
    });
  }

  for (const c of gradientCases) {
    it(`${c.name}: stage 1's gradient in θ (β and u by the joint PIRLS) equals Richardson differences`, () => {
      const f = glmmStage1DevianceFunction(c.formula, c.data, c.options);
      const G = glmmStage1GradientFunction(c.formula, c.data, c.options);
      expect(G).not.toBeNull();
      const nTheta = c.formula.split('|').length - 1 + (c.options.partialNesting ? 1 : 0);
      for (const x of [...c.points.map((pt) => pt.slice(0, nTheta)), new Array<number>(nTheta).fill(1.3)]) {
        const r = G!(x)!;
        expect(r.f).toBeCloseTo(f(x), 9);
        const ref = richardsonGradient(f, x);
        const scale = Math.max(1, ...ref.map(Math.abs));
        ref.forEach((v, i) => expect(Math.abs(r.g[i]! - v)).toBeLessThan(1e-7 * scale));
      }
    });
  }

  it('a fit with it equals the fit by finite differences on the general layout (cluster column varying within participants)', () => {
    const formula = 'y ~ x + (1 | id) + (0 + trt | cl)';
    const options: GlmmOptions = { family: 'binomial', trials: 'n' };
    const fast = fitGlmm(formula, mixed, options);
    const general = fitGlmm(formula, mixed, { ...options, control: { structure: 'dense' } });
    expect(fast.optimizer.method).toContain('analytic gradient');
    expect(general.optimizer.method).toContain('finite-difference Hessian');
    expect(Math.abs(fast.logLik - general.logLik)).toBeLessThan(1e-8 * Math.abs(general.logLik));
    fast.fixedEffects.forEach((r, j) => {
      const g = general.fixedEffects[j]!;
      expect(Math.abs(r.estimate - g.estimate)).toBeLessThan(1e-4 * Math.max(Math.abs(g.estimate), g.se!));
      expect(Math.abs(r.se! - g.se!)).toBeLessThan(1e-3 * g.se!);
    });
  });

  it('is not offered where it does not apply (non-canonical link, negative binomial, quadrature, a general layout)', () => {
    const c = cases[0]!;
    expect(glmmDevianceGradientFunction(c.formula, c.data, { ...c.options, link: 'probit' })).toBeNull();
    expect(glmmDevianceGradientFunction(c.formula, c.data, { ...c.options, nAgq: 5 })).toBeNull();
    expect(glmmDevianceGradientFunction('y ~ arm + (1 | id)', counts, { family: 'negativeBinomial', offset: 'logDays' })).toBeNull();
    expect(glmmDevianceGradientFunction(c.formula, c.data, { ...c.options, control: { structure: 'dense' } })).toBeNull();
  });
});
