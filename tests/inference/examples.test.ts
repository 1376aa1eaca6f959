/** The @example lines of the TSDoc in src/inference, asserted. */
import { describe, expect, it } from 'vitest';
import * as I from '../../src/inference/index.js';

describe('documentation examples (src/inference)', () => {
  it('values', () => {
    expect(I.pAdjust([0.01, 0.02, 0.03, 0.04], 'holm')).toEqual([0.04, 0.06, 0.06, 0.06]);
    const pi = I.proportionInterval(56, 70).ci;
    expect(pi[0]).toBeCloseTo(0.6918335550374695, 14);
    expect(pi[1]).toBeCloseTo(0.8769526075163704, 14);
    const rd = I.riskDifference({ x1: 56, n1: 70, x2: 48, n2: 80 }).ci;
    expect(rd[0]).toBeCloseTo(0.052431472402364926, 14);
    expect(rd[1]).toBeCloseTo(0.33387265403690586, 14);
    expect(I.riskRatio({ x1: 56, n1: 70, x2: 48, n2: 80 }).estimate).toBeCloseTo(4 / 3, 15);
    expect(I.oddsRatio({ x1: 56, n1: 70, x2: 48, n2: 80 }).estimate).toBeCloseTo(8 / 3, 15);
    expect(I.fisherExactTest([[3, 1], [1, 3]]).pValue).toBeCloseTo(0.4857142857142857, 15);
    expect(I.chiSquareTest([[12, 5], [7, 11]]).pValue).toBeCloseTo(0.12305696596513964, 14);
  });
});
