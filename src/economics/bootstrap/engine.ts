/**
 * Running the unit bootstrap on the calling thread or on worker threads (src/parallel/), with
 * identical results: each block's random stream is fixed in advance (kernel.ts).
 */
import type { Diagnostic } from '../../errors/index.js';
import { planBlocks, resampleBlock, type UnitStratum } from './kernel.js';
import { LIMITS, checkInteger } from '../../errors/checks.js';
import { ranges, runTasks } from '../../parallel/engine.js';
import type { ThreadingOptions } from '../../parallel/types.js';

export { checkThreads } from '../../parallel/engine.js';
export type { ThreadingOptions } from '../../parallel/types.js';

/**
 * Work (replicates × units × sums per unit) above which `threads: 'auto'` starts workers.
 * Set from bench/economics/bootstrap.bench.ts: below it, starting two workers costs more than
 * it saves (see docs/methods/economics.md).
 */
export const AUTO_THREAD_WORK = 50_000_000;

/** Outcome of a bootstrap run. */
export interface BootstrapRun {
  /** `replicates × S × k` sums. */
  sums: Float64Array;
  /** Threads that did the work (1 = the calling thread). */
  threadsUsed: number;
  /** `main-thread`, `compiled` or `tsx`. */
  loader: 'main-thread' | 'compiled' | 'tsx';
  diagnostics: Diagnostic[];
}

/** Check a replicate count: a whole number up to {@link LIMITS}.replicates. */
export function checkReplicates(replicates: number, argument = 'replicates'): void {
  checkInteger(argument, replicates, 1, LIMITS.replicates, 'e.g. 10000');
}

/** All blocks on the calling thread. */
export function runBootstrapSync(strata: readonly UnitStratum[], k: number, replicates: number, seed: number): Float64Array {
  const S = strata.length;
  const out = new Float64Array(replicates * S * k);
  for (const b of planBlocks(replicates, seed)) out.set(resampleBlock(strata, k, b.count, b.seed), b.start * S * k);
  return out;
}

/**
 * Run the unit bootstrap with the requested threading. Falls back to the calling thread, with a
 * `worker-fallback` diagnostic, if workers cannot be started or fail.
 */
export async function runBootstrap(
  strata: readonly UnitStratum[],
  k: number,
  replicates: number,
  seed: number,
  options: ThreadingOptions = {},
): Promise<BootstrapRun> {
  let units = 0;
  for (const s of strata) units += s.m;
  const blocks = planBlocks(replicates, seed);
  const plain = strata.map((s) => ({ units: s.units, m: s.m }));
  const run = await runTasks(
    {
      kind: 'bootstrap-blocks',
      // Contiguous runs of blocks; where a run's sums land depends only on its blocks.
      split: (parts) => ranges(blocks.length, parts).map(([a, b]) => ({ k, strata: plain, blocks: blocks.slice(a, b) })),
      worthThreads: replicates * units * k >= AUTO_THREAD_WORK,
      label: 'the bootstrap',
    },
    options,
  );
  const sums = new Float64Array(replicates * strata.length * k);
  let offset = 0;
  for (const part of run.outputs) {
    sums.set(part, offset);
    offset += part.length;
  }
  return { sums, threadsUsed: run.threadsUsed, loader: run.loader, diagnostics: run.diagnostics };
}
