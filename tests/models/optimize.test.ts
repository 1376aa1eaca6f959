import { describe, expect, it } from 'vitest';
import { minimizeBounded } from '../../src/models/optimize.js';

/** A deterministic value in [−1, 1] from the bits of x: rounding noise that does not average out. */
function hashNoise(x: number[], seed: number): number {
  const b = new Float64Array([...x, seed]);
  const u = new Uint32Array(b.buffer);
  let h = 2166136261;
  for (let i = 0; i < u.length; i++) h = Math.imul(h ^ u[i]!, 16777619) >>> 0;
  return (h / 2 ** 32) * 2 - 1;
}

describe('minimizeBounded', () => {
  // A criterion the size of a 300,000-row REML criterion (6e5), rounded at about 1e-14 of itself.
  const quad = (x: number[]) => 2500 * (x[0]! - 1) ** 2 + 4000 * (x[1]! + 0.08) ** 2 + 1000 * (x[0]! - 1) * (x[1]! + 0.08);
  it('stops once its Newton step is within the noise of its finite-difference gradient', () => {
    // 20 patterns of rounding noise: without the noise test the polish walks within the noise
    // band until a line search happens to fail (65–143 evaluations on these).
    for (let seed = 0; seed < 20; seed++) {
      const r = minimizeBounded((x) => 616853 + quad(x) + 4e-9 * hashNoise(x, seed), [1.3, 0.5], [0, -Infinity], { relativeNoise: 1e-14 });
      expect(r.converged).toBe(true);
      // The optimum to the noise's resolution (|H⁻¹| ε / h, about 1e-7 here) …
      expect(Math.abs(r.x[0]! - 1)).toBeLessThan(1e-6);
      expect(Math.abs(r.x[1]! + 0.08)).toBeLessThan(1e-6);
      // … after the simplex (45) and at most four Newton iterations of 7 evaluations.
      expect(r.evaluations).toBeLessThanOrEqual(45 + 4 * 7);
    }
  });

  it('keeps its full precision when the criterion is small', () => {
    const r = minimizeBounded((x) => 3 + quad(x), [1.3, 0.5], [0, -Infinity], { relativeNoise: 1e-14 });
    expect(r.converged).toBe(true);
    expect(Math.abs(r.x[0]! - 1)).toBeLessThan(1e-8);
    expect(Math.abs(r.x[1]! + 0.08)).toBeLessThan(1e-8);
  });

  it('without relativeNoise the polish stops on its step criterion alone, as before', () => {
    // The same noisy criterion: the default walks within the noise band for some patterns.
    const evaluations = Array.from({ length: 20 }, (_, seed) => minimizeBounded((x) => 616853 + quad(x) + 4e-9 * hashNoise(x, seed), [1.3, 0.5], [0, -Infinity]).evaluations);
    expect(Math.max(...evaluations)).toBeGreaterThan(45 + 4 * 7);
  });
});
