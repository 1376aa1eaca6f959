/**
 * Seeded pseudo-random numbers. Everything random in rcteval takes a seed and draws
 * from this generator, so the same seed gives bit-identical results on every platform
 * (only 32-bit integer arithmetic and IEEE doubles are used).
 *
 * Generator: xoshiro128** (Blackman & Vigna 2018), seeded through SplitMix32 so that
 * nearby seeds give unrelated streams. Doubles take 53 random bits from two outputs.
 */
import { ArgumentError } from '../errors/index.js';

export interface Rng {
  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number;
  /** Integer uniform on 0 … n−1 (n ≥ 1), without modulo bias. */
  int(n: number): number;
  /** Standard normal (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number;
  /** The raw 32-bit output, unsigned. */
  nextUint32(): number;
  /** A fresh generator whose stream is derived from this one's next outputs (for parallel or nested work). */
  fork(): Rng;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * Create a seeded generator.
 * @param seed - any finite number; non-integers and values beyond 32 bits are folded in deterministically.
 * @throws ArgumentError when `seed` is not a finite number.
 * @example
 * const a = createRng(42), b = createRng(42);
 * a.uniform() === b.uniform(); // true
 */
export function createRng(seed: number): Rng {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new ArgumentError('seed', seed, 'a finite number');
  }
  // Fold the full double into 32 bits so that seeds like 2**40 + 1 and 1 differ.
  const hi = Math.floor(seed / 4294967296) >>> 0;
  const lo = seed >>> 0;
  const frac = Math.floor((seed - Math.floor(seed)) * 4294967296) >>> 0;
  const sm = splitmix32((lo ^ Math.imul(hi, 0x27d4eb2d) ^ Math.imul(frac, 0x165667b1)) >>> 0);
  return fromState([sm(), sm(), sm(), sm()]);
}

function fromState(init: number[]): Rng {
  // State and the spare normal live in typed arrays, not in mutated closure variables: V8 boxes
  // a captured number beyond the small-integer range in a fresh heap object on every write,
  // which made each draw cost ~100 ns; typed-array slots are written in place (same bits).
  const s = new Uint32Array(4);
  for (let k = 0; k < 4; k++) s[k] = init[k]! >>> 0;
  if ((s[0]! | s[1]! | s[2]! | s[3]!) === 0) s[0] = 1;
  const spare = new Float64Array(1);
  let hasSpare = false;

  const next = (): number => {
    const s0 = s[0]!;
    const s1 = s[1]!;
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const s2 = s[2]! ^ s0;
    const s3 = s[3]! ^ s1;
    s[1] = s1 ^ s2;
    s[0] = s0 ^ s3;
    s[2] = s2 ^ (s1 << 9);
    s[3] = rotl(s3 >>> 0, 11);
    return result;
  };

  const uniform = (): number => {
    const a = next() >>> 5; // 27 bits
    const b = next() >>> 6; // 26 bits
    return (a * 67108864 + b) / 9007199254740992;
  };

  return {
    nextUint32: next,
    uniform,
    int(n: number): number {
      if (!Number.isInteger(n) || n < 1 || n > 4294967296) throw new ArgumentError('n', n, 'an integer from 1 to 2^32');
      // Rejection sampling on 32-bit outputs removes modulo bias.
      const limit = 4294967296 - (4294967296 % n);
      for (;;) {
        const x = next();
        if (x < limit) return x % n;
      }
    },
    normal(): number {
      if (hasSpare) {
        hasSpare = false;
        return spare[0]!;
      }
      let u = 0;
      while (u === 0) u = uniform();
      const v = uniform();
      const r = Math.sqrt(-2 * Math.log(u));
      spare[0] = r * Math.sin(2 * Math.PI * v);
      hasSpare = true;
      return r * Math.cos(2 * Math.PI * v);
    },
    fork(): Rng {
      const sm = splitmix32((next() ^ 0x5bd1e995) >>> 0);
      const base = [next() ^ sm(), next() ^ sm(), next() ^ sm(), next() ^ sm()];
      return fromState(base);
    },
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
