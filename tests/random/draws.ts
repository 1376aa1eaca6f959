/** Seeded draws from distributions the library does not sample itself, shared by simulation tests. */
import type { Rng } from '../../src/random/rng.js';

/** Marsaglia & Tsang (2000) gamma(shape, 1) draw, with the U^{1/a} boost for shape < 1. */
export function gammaDraw(rng: Rng, shape: number): number {
  if (shape < 1) return gammaDraw(rng, shape + 1) * rng.uniform() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniform();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}
