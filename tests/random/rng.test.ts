import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/random/rng.js';
import { ArgumentError } from '../../src/errors/index.js';

describe('createRng', () => {
  it('gives bit-identical streams for the same seed and different ones for different seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xa = Array.from({ length: 100 }, () => a.uniform());
    const xb = Array.from({ length: 100 }, () => b.uniform());
    const xc = Array.from({ length: 100 }, () => c.uniform());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });

  it('matches the xoshiro128** reference output for a known state', () => {
    // Reference: xoshiro128** with state seeded by SplitMix32(0); first outputs computed
    // with the C reference implementation logic transcribed in the test below.
    const r = createRng(0);
    const first = [r.nextUint32(), r.nextUint32(), r.nextUint32()];
    // Recompute independently with BigInt arithmetic.
    const sm = (() => {
      let s = 0n;
      return () => {
        s = (s + 0x9e3779b9n) & 0xffffffffn;
        let z = s;
        z = ((z ^ (z >> 16n)) * 0x85ebca6bn) & 0xffffffffn;
        z = ((z ^ (z >> 13n)) * 0xc2b2ae35n) & 0xffffffffn;
        return (z ^ (z >> 16n)) & 0xffffffffn;
      };
    })();
    const st = [sm(), sm(), sm(), sm()];
    const rot = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & 0xffffffffn;
    const ref: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [s0, s1, s2, s3] = st as [bigint, bigint, bigint, bigint];
      ref.push(Number((rot((s1 * 5n) & 0xffffffffn, 7n) * 9n) & 0xffffffffn));
      const t = (s1 << 9n) & 0xffffffffn;
      let n2 = s2 ^ s0;
      let n3 = s3 ^ s1;
      const n1 = s1 ^ n2;
      const n0 = s0 ^ n3;
      n2 ^= t;
      n3 = rot(n3, 11n);
      st[0] = n0;
      st[1] = n1;
      st[2] = n2;
      st[3] = n3;
    }
    expect(first).toEqual(ref);
  });

  it('has uniform and normal moments close to theory', () => {
    const r = createRng(7);
    const n = 200_000;
    let su = 0;
    let sn = 0;
    let sn2 = 0;
    for (let i = 0; i < n; i++) {
      su += r.uniform();
      const z = r.normal();
      sn += z;
      sn2 += z * z;
    }
    expect(Math.abs(su / n - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(sn / n)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(sn2 / n - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
  });

  it('draws integers without bias over all values', () => {
    const r = createRng(3);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[r.int(6)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });

  it('rejects a non-finite seed with an ArgumentError naming it', () => {
    expect(() => createRng(Number.NaN)).toThrow(ArgumentError);
    expect(() => createRng(Number.NaN)).toThrow(/seed/);
  });

  it('forks into reproducible, distinct streams', () => {
    const a = createRng(5).fork();
    const b = createRng(5).fork();
    expect(a.uniform()).toBe(b.uniform());
    const parent = createRng(5);
    const child = parent.fork();
    expect(child.uniform()).not.toBe(parent.uniform());
  });
});
