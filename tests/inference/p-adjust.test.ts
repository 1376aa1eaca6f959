import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors/index.js';
import { pAdjust, type PAdjustMethod } from '../../src/inference/index.js';
import { loadFixture, num, relErr } from '../distributions/fixture.js';

interface PSet {
  name: string;
  p: number | number[];
  n: number;
  adjusted: Record<PAdjustMethod, number | number[]>;
}
const fx = loadFixture<{ pAdjust: PSet[] }>('inference/inference.json');
const arr = (v: number | number[]): number[] => (Array.isArray(v) ? v.map(num) : [num(v)]);
const methods: PAdjustMethod[] = ['holm', 'hochberg', 'hommel', 'bonferroni', 'BH', 'BY', 'none'];

describe('pAdjust agrees with R p.adjust', () => {
  for (const set of fx.pAdjust) {
    it(`${set.name}: all seven methods to 1e-14 relative`, () => {
      const p = arr(set.p);
      for (const m of methods) {
        const ours = pAdjust(p, m, { n: set.n });
        const theirs = arr(set.adjusted[m]);
        expect(ours.length).toBe(theirs.length);
        ours.forEach((v, i) => expect(relErr(v, theirs[i] as number), `${m}[${i}]: ${v} vs ${theirs[i]}`).toBeLessThanOrEqual(1e-14));
      }
    });
  }

  it('documented example and textbook properties', () => {
    expect(pAdjust([0.01, 0.02, 0.03, 0.04], 'holm')).toEqual([0.04, 0.06, 0.06, 0.06]);
    const p = [0.001, 0.01, 0.02, 0.04, 0.3];
    const bh = pAdjust(p, 'BH');
    const by = pAdjust(p, 'BY');
    // BY is BH times Σ 1/k (capped at 1); Holm never exceeds Bonferroni; Hochberg and Hommel never exceed Holm.
    bh.forEach((v, i) => expect(by[i]).toBeCloseTo(Math.min(1, v * (1 + 1 / 2 + 1 / 3 + 1 / 4 + 1 / 5)), 14));
    const holm = pAdjust(p, 'holm');
    const bonf = pAdjust(p, 'bonferroni');
    holm.forEach((v, i) => expect(v).toBeLessThanOrEqual(bonf[i] as number));
    pAdjust(p, 'hochberg').forEach((v, i) => expect(v).toBeLessThanOrEqual(holm[i] as number));
    pAdjust(p, 'hommel').forEach((v, i) => expect(v).toBeLessThanOrEqual(holm[i] as number));
  });

  it('rejects missing or out-of-range p-values, naming the element', () => {
    expect(() => pAdjust([0.1, Number.NaN], 'BH')).toThrow(ArgumentError);
    expect(() => pAdjust([0.1, Number.NaN], 'BH')).toThrow(/p\[1\]/);
    expect(() => pAdjust([1.2], 'holm')).toThrow(/p\[0\]/);
    expect(() => pAdjust([0.1, 0.2], 'fdr' as PAdjustMethod)).toThrow(/method/);
    expect(() => pAdjust([0.1, 0.2, 0.3], 'holm', { n: 2 })).toThrow(/"n"/);
  });
});
