/**
 * The bootstrap's inner loop, shared by the main thread and the worker threads.
 *
 * Data are resampling *units* (a therapy group, or one participant) in strata (arms). Each
 * unit is a row of k sums (e.g. number of participants, Σ cost, Σ effect). A replicate draws,
 * in each stratum, as many units as the stratum has, with replacement, and adds up their rows.
 * Any statistic that is a function of per-stratum sums (means, differences of means, the
 * ANCOVA slope from cross-products) is then computed from these sums without touching the
 * participants again.
 *
 * Replicates are cut into blocks of fixed size; block b draws from `createRng(blockSeed[b])`,
 * the seeds coming from one master generator in block order. A block's numbers therefore
 * depend only on the seed and the block's index, never on which thread ran it, which is what
 * makes the results bit-identical for any number of threads.
 */
import { createRng } from '../../random/rng.js';

/** One stratum's units: `m` rows of `k` sums, row-major. */
export interface UnitStratum {
  units: Float64Array;
  m: number;
}

/** A block of consecutive replicates and the seed of its generator. */
export interface BlockSpec {
  /** 0-based block index. */
  index: number;
  /** Index of the block's first replicate. */
  start: number;
  /** Replicates in the block. */
  count: number;
  /** 32-bit seed of the block's generator. */
  seed: number;
}

/**
 * Replicates per block. Part of the definition of the random streams: changing it changes
 * every bootstrap result for a given seed, so it is a constant, not an option.
 */
export const BLOCK_SIZE = 256;

/** Plan the blocks of `replicates` replicates for `seed`: block b gets the b-th output of the master generator. */
export function planBlocks(replicates: number, seed: number): BlockSpec[] {
  const master = createRng(seed);
  const blocks: BlockSpec[] = [];
  for (let start = 0, index = 0; start < replicates; start += BLOCK_SIZE, index++) {
    blocks.push({ index, start, count: Math.min(BLOCK_SIZE, replicates - start), seed: master.nextUint32() });
  }
  return blocks;
}

/**
 * Run one block. Returns `count × S × k` sums: for replicate r, stratum s, column c at
 * `(r·S + s)·k + c`.
 */
export function resampleBlock(strata: readonly UnitStratum[], k: number, count: number, seed: number): Float64Array {
  const S = strata.length;
  const out = new Float64Array(count * S * k);
  const rng = createRng(seed);
  const acc = new Float64Array(k);
  for (let r = 0; r < count; r++) {
    for (let s = 0; s < S; s++) {
      const stratum = strata[s]!;
      const units = stratum.units;
      const m = stratum.m;
      acc.fill(0);
      // Units are added in draw order, so the floating-point sums are the same on every thread.
      for (let j = 0; j < m; j++) {
        const u = rng.int(m) * k;
        for (let c = 0; c < k; c++) acc[c]! += units[u + c]!;
      }
      out.set(acc, (r * S + s) * k);
    }
  }
  return out;
}
