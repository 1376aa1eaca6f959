/**
 * The scalar-term PIRLS kernel (laplace.ts `scalarSystem`: one scalar term, or two with the
 * first nested in the second) against the LMM's general block layout, which
 * `control: { structure: 'dense' }` forces: the same deviance at any parameters, and the same
 * stage-1 deviance. The kernel solves both of glmer's stages (u alone, and u with β).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { glmmDevianceFunction, glmmStage1DevianceFunction } from '../../../src/models/glmm/fit.js';
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
