/**
 * The deviance's internal layouts and shortcuts must not change any number: the nested
 * layout against the dense one, and the class aggregation against the per-level sums.
 */
import { describe, expect, it } from 'vitest';
import { buildModelFrame } from '../../../src/formula/frame.js';
import { parseFormula } from '../../../src/formula/parse.js';
import { toColumnSource } from '../../../src/models/data-input.js';
import { buildReTerms, fitLmm } from '../../../src/models/lmm/fit.js';
import { evaluateDeviance } from '../../../src/models/lmm/deviance.js';
import { formCrossProducts } from '../../../src/models/lmm/structure.js';
import { fixtureColumns, loadFixture } from '../fixture-helpers.js';

const sft = loadFixture('sft-lmm');
const pastes = loadFixture('pastes');
const cases: [string, string, Record<string, unknown[]>][] = [
  ['SFT partially nested', 'score ~ arm * visit + (1 | id) + (0 + sft | group)', fixtureColumns(sft.data.sft)],
  ['Pastes nested', 'strength ~ 1 + (1 | batch/cask)', fixtureColumns(pastes.data.Pastes)],
];

describe.each(cases)('%s', (_, formula, data) => {
  const frame = buildModelFrame(parseFormula(formula), toColumnSource(data), {});
  const p = frame.spec.columnNames.length;
  const make = (structure: 'auto' | 'dense', aggregate: boolean) =>
    formCrossProducts(buildReTerms(frame), frame.X, frame.y, frame.n, p, { structure, aggregate });
  const nested = make('auto', true);
  const nestedPerLevel = make('auto', false);
  const dense = make('dense', false);

  it('uses the nested layout (and its aggregation) where it applies', () => {
    expect(nested.nested).not.toBeNull();
    expect(dense.nested).toBeNull();
    expect(nested.R.length).toBe(0);
    expect(nested.nested!.classes).not.toBeNull();
    expect(nestedPerLevel.nested!.classes).toBeNull();
  });

  it('gives the same deviance in every layout at several θ (to 1e-10 relative)', () => {
    for (const theta of [[1, 1], [0.3, 2.1], [0, 0.5], [1.7, 0]]) {
      for (const reml of [true, false]) {
        const d = evaluateDeviance(dense, theta, reml).deviance;
        expect(Math.abs(evaluateDeviance(nested, theta, reml).deviance - d)).toBeLessThan(1e-10 * Math.abs(d));
        expect(Math.abs(evaluateDeviance(nestedPerLevel, theta, reml).deviance - d)).toBeLessThan(1e-10 * Math.abs(d));
      }
    }
  });

  it('gives the same fit, modes and conditional SDs with the dense layout', () => {
    const a = fitLmm(formula, data);
    const b = fitLmm(formula, data, { control: { structure: 'dense' } });
    expect(a.remlCriterion!).toBeCloseTo(b.remlCriterion!, 8);
    a.fixedEffects.forEach((r, j) => {
      expect(r.estimate).toBeCloseTo(b.fixedEffects[j]!.estimate, 6);
      expect(r.se!).toBeCloseTo(b.fixedEffects[j]!.se!, 6);
    });
    a.randomEffects.forEach((t, j) => {
      t.values.forEach((v, l) => v.forEach((x, c) => expect(x).toBeCloseTo(b.randomEffects[j]!.values[l]![c]!, 5)));
      t.sd.forEach((v, l) => v.forEach((x, c) => expect(x).toBeCloseTo(b.randomEffects[j]!.sd[l]![c]!, 6)));
    });
  });
});
