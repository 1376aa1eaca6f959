/**
 * Property test (issue 10, class 1): the baseline-adjusted (ANCOVA) incremental effect is formed
 * from sums in every bootstrap replicate; shifting baseline and follow-up scores by 1e9, or
 * scaling them by 1e-6 or 1e6, must leave it (scaled) and its interval unchanged to 1e-6 relative.
 * Before centring, Σb² − (Σb)²/n cancelled catastrophically for the shifted scores.
 */
import { describe, expect, it } from 'vitest';
import { costEffectiveness } from '../../src/economics/index.js';
import { fixture, fixtureInput } from './helpers.js';

const opts = { seed: 3, replicates: 400, effectEstimator: 'ancova' as const, threads: 1 as const };

describe('costEffectiveness (ANCOVA) is invariant to the origin and unit of the scores', async () => {
  const input = fixtureInput();
  const base = await costEffectiveness(input, opts);
  it('agrees with R before any transform', () => {
    expect(Math.abs(base.incrementalEffect.estimate - fixture().ancova_effect)).toBeLessThan(1e-10);
  });
  for (const [label, shift, scale] of [['+ 1e9', 1e9, 1], ['× 1e-6', 0, 1e-6], ['× 1e6', 0, 1e6]] as const) {
    it(`scores ${label}`, async () => {
      const moved = {
        participants: input.participants,
        effects: input.effects.map((e) => ({ ...e, baseline: e.baseline! * scale + shift, followUp: e.followUp! * scale + shift })),
      };
      const res = await costEffectiveness(moved, opts);
      const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
      expect(rel(res.incrementalEffect.estimate / scale, base.incrementalEffect.estimate)).toBeLessThan(1e-6);
      expect(rel(res.incrementalEffect.se! / scale, base.incrementalEffect.se!)).toBeLessThan(1e-6);
      res.incrementalEffect.ci!.forEach((v, i) => expect(rel(v / scale, base.incrementalEffect.ci![i]!)).toBeLessThan(1e-6));
      expect(rel(res.incrementalCost.estimate, base.incrementalCost.estimate)).toBeLessThan(1e-12);
      expect(rel(res.meanEffect.control / scale - shift / scale, base.meanEffect.control)).toBeLessThan(1e-6);
    });
  }
});
