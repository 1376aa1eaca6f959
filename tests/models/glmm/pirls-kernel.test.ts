/**
 * The scalar-term PIRLS kernel (laplace.ts `scalarSystem`: one scalar term, or two with the
 * first nested in the second) against the LMM's general block layout, which
 * `control: { structure: 'dense' }` forces: the same deviance at any parameters, and the same
 * stage-1 deviance. The kernel solves both of glmer's stages (u alone, and u with β).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { glmmDevianceFunction, glmmDevianceGradientFunction, glmmStage1DevianceFunction, glmmStage1GradientFunction } from '../../../src/models/glmm/fit.js';
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

describe('analytic gradient of the Laplace deviance (laplaceGradient)', () => {
  const counts = fx.counts.data.columns;
  const gradientCases = [
    ...cases,
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
        // The differences' own error is ~1e-8 of the scale; an error in any term of the
        // gradient (the trace, the modes' derivatives, the weights' derivative) is far larger.
        ref.forEach((v, i) => expect(Math.abs(r.g[i]! - v)).toBeLessThan(1e-6 * scale));
      }
    });
  }

  for (const c of gradientCases) {
    it(`${c.name}: stage 1's gradient in θ (β and u by the joint PIRLS) equals Richardson differences`, () => {
      const f = glmmStage1DevianceFunction(c.formula, c.data, c.options);
      const G = glmmStage1GradientFunction(c.formula, c.data, c.options);
      expect(G).not.toBeNull();
      const nTheta = c.name.includes('SFT') ? 2 : 1;
      for (const x of [...c.points.map((pt) => pt.slice(0, nTheta)), new Array<number>(nTheta).fill(1.3)]) {
        const r = G!(x)!;
        expect(r.f).toBeCloseTo(f(x), 9);
        const ref = richardsonGradient(f, x);
        const scale = Math.max(1, ...ref.map(Math.abs));
        ref.forEach((v, i) => expect(Math.abs(r.g[i]! - v)).toBeLessThan(1e-6 * scale));
      }
    });
  }

  it('is not offered where it does not apply (non-canonical link, negative binomial, quadrature, a general layout)', () => {
    const c = cases[0]!;
    expect(glmmDevianceGradientFunction(c.formula, c.data, { ...c.options, link: 'probit' })).toBeNull();
    expect(glmmDevianceGradientFunction(c.formula, c.data, { ...c.options, nAgq: 5 })).toBeNull();
    expect(glmmDevianceGradientFunction('y ~ arm + (1 | id)', counts, { family: 'negativeBinomial', offset: 'logDays' })).toBeNull();
    const dense = glmmDevianceGradientFunction(c.formula, c.data, { ...c.options, control: { structure: 'dense' } });
    expect(dense === null || dense(c.points[0]!) === null).toBe(true);
  });
});
