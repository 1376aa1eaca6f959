/** The @example lines of the TSDoc in src/clinical-significance, asserted. */
import { describe, expect, it } from 'vitest';
import * as C from '../../src/index.js';

describe('documentation examples (src/clinical-significance)', () => {
  it('clinicalCutoff', () => {
    const norms = { clinical: { mean: 70.7, sd: 23.8 }, functional: { mean: 114.8, sd: 17.8 } };
    expect(C.clinicalCutoff('c', norms, 'higher-better').value).toBe(95.93028846153847);
  });

  it('clinicalSignificance', () => {
    const res = C.clinicalSignificance(
      { baseline: [10, 12, 14, 16, 18], followUp: [20, 12, 9, 25, 17] },
      { reliability: 0.8, direction: 'higher-better', cutoff: 'none' },
    );
    expect(res.parameters[0]!.minimumChange).toBeCloseTo(3.92, 14);
    expect(res.rows.map((r) => r.category)).toEqual(['improved', 'unchanged', 'deteriorated', 'improved', 'unchanged']);
  });

  it('compareClinicalSignificance', () => {
    const cs = C.clinicalSignificance(
      {
        baseline: [10, 12, 14, 16, 18, 11, 13, 15, 17, 19],
        followUp: [20, 12, 9, 25, 17, 11, 14, 12, 18, null],
        arm: ['SFT', 'SFT', 'SFT', 'SFT', 'SFT', 'control', 'control', 'control', 'control', 'control'],
      },
      { reliability: 0.8, direction: 'higher-better', cutoff: 'none', arms: ['control', 'SFT'] },
    );
    const cmp = C.compareClinicalSignificance(cs);
    expect(cmp.binary[0]!.riskDifference.estimate).toBe(0.4);
    expect(cmp.missing[0]!.missingFollowUp).toBe(1);
  });

  it('numberNeededToTreat, proportionalOddsComparison, probabilityOfSuperiority', () => {
    expect(C.numberNeededToTreat({ estimate: 0.1, ci: [-0.05, 0.25], ciLevel: 0.95 }).ciText).toBe('NNTB 4 to ∞ to NNTH 20');
    expect(C.proportionalOddsComparison([10, 20, 15], [5, 15, 25]).estimate).toBeCloseTo(2.442523593932799, 13);
    expect(Math.abs(Math.log(C.proportionalOddsComparison([10, 20, 15], [5, 15, 25]).estimate) - 0.893031760953651)).toBeLessThan(1e-8);
    expect(C.probabilityOfSuperiority([10, 20, 15], [5, 15, 25]).estimate).toBe(0.6234567901234568);
  });
});
