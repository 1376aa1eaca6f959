/** The @example lines of the TSDoc in src/effect-size, asserted. */
import { describe, expect, it } from 'vitest';
import * as E from '../../src/effect-size/index.js';

// datasets::sleep: extra sleep under drug 2 (x) and drug 1 (y), patients 1–10 in order.
const x = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
const y = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0, 2];

describe('documentation examples (src/effect-size)', () => {
  it('values', () => {
    expect(E.cohensD(x, y).estimate).toBe(0.8321810813495396);
    expect(E.hedgesG(x, y).estimate).toBeCloseTo(0.7969352391911207, 15);
    expect(E.glassDelta(x, y).estimate).toBeCloseTo(0.8831701903605378, 15);
    expect(E.pairedD(x, y).estimate).toBeCloseTo(1.2845575625910546, 15);
    expect(E.pairedG(x, y).estimate).toBeCloseTo(1.173924903514205, 15);
    expect(E.hedgesCorrectionFactor(18)).toBeCloseTo(0.9576464270237182, 15);
    expect(E.interpretEffectSize(0.45).label).toBe('small');
    expect(E.interpretEffectSize(0.45, { rules: 'gignac2016' }).label).toBe('moderate');
    const m = E.standardizedModelEffect({ estimate: 5, se: 2, df: 58 }, 10).ci;
    expect(m[0]).toBeCloseTo(0.09965650317095293, 15);
    expect(m[1]).toBeCloseTo(0.9003434968290471, 15);
  });
});
