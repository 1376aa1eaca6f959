/**
 * Running the unit bootstrap on the main thread or on worker threads, with identical results.
 *
 * The worker pool (pool.ts) is Node-only and is not imported here: it is loaded on demand,
 * under Node only, when workers are wanted. The core (`rcteval`) therefore runs in a browser,
 * where a bundler never sees node:worker_threads, while `threads` keeps working in Node from
 * the main entry. A browser runs the bootstrap on the calling thread with identical results.
 */
import type { Diagnostic } from '../../errors/index.js';
import { planBlocks, resampleBlock, type UnitStratum } from './kernel.js';
import type { BootstrapPool } from './pool-types.js';
import { LIMITS, checkInteger } from '../../errors/checks.js';

/** How a bootstrap is spread over threads. */
export interface ThreadingOptions {
  /**
   * Worker threads to use (Node only; elsewhere the calling thread, with a
   * `worker-fallback` diagnostic when more than 1 was asked for). `1` runs on the calling
   * thread (the single-thread fallback); `'auto'` uses `min(2, os.availableParallelism())`
   * worker threads when the work is large enough to repay starting them
   * (replicates × units × sums ≥ {@link AUTO_THREAD_WORK}), else 1.
   * Results do not depend on this setting.
   * @defaultValue 'auto'
   */
  threads?: number | 'auto';
  /** A pool from `openBootstrapPool` (`rcteval/node`) to reuse; when given, `threads` is ignored. */
  pool?: BootstrapPool;
}

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

/** Check a thread count: `'auto'` or a whole number up to {@link LIMITS}.threads. */
export function checkThreads(threads: unknown, argument = 'threads'): void {
  if (threads !== 'auto') checkInteger(argument, threads, 1, LIMITS.threads, "Or 'auto'.");
}

/** All blocks on the calling thread. */
export function runBootstrapSync(strata: readonly UnitStratum[], k: number, replicates: number, seed: number): Float64Array {
  const S = strata.length;
  const out = new Float64Array(replicates * S * k);
  for (const b of planBlocks(replicates, seed)) out.set(resampleBlock(strata, k, b.count, b.seed), b.start * S * k);
  return out;
}

type PoolModule = typeof import('./pool.js');

/** The Node worker pool module, or `null` on a host without Node's worker threads. */
async function nodePoolModule(): Promise<PoolModule | null> {
  const g = globalThis as { process?: { versions?: { node?: unknown } } };
  if (typeof g.process?.versions?.node !== 'string') return null;
  // Not a string literal, so bundlers do not follow it into node:worker_threads.
  const specifier = './pool.js';
  return (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as PoolModule;
}

/**
 * Run the unit bootstrap with the requested threading. Falls back to the calling thread,
 * with a `worker-fallback` diagnostic, if workers cannot be started or fail.
 */
export async function runBootstrap(
  strata: readonly UnitStratum[],
  k: number,
  replicates: number,
  seed: number,
  options: ThreadingOptions = {},
): Promise<BootstrapRun> {
  const requested = options.threads ?? 'auto';
  checkThreads(requested);
  let units = 0;
  for (const s of strata) units += s.m;
  const onCallingThread = (diagnostics: Diagnostic[] = []): BootstrapRun => ({
    sums: runBootstrapSync(strata, k, replicates, seed),
    threadsUsed: 1,
    loader: 'main-thread',
    diagnostics,
  });
  if (!options.pool && (requested === 1 || (requested === 'auto' && replicates * units * k < AUTO_THREAD_WORK))) return onCallingThread();
  const blocks = planBlocks(replicates, seed);
  let pool: BootstrapPool | null = options.pool ?? null;
  const temporary = pool === null;
  try {
    if (pool === null) {
      const module = await nodePoolModule();
      if (module === null) {
        return onCallingThread(
          requested === 'auto'
            ? []
            : [{ code: 'worker-fallback', severity: 'info', message: 'Worker threads exist in Node only; the bootstrap ran on the calling thread with identical results.' }],
        );
      }
      const threads = requested === 'auto' ? module.defaultThreads() : requested;
      if (threads === 1) return onCallingThread();
      pool = module.openBootstrapPool({ threads });
    }
    const sums = await pool.run(strata, k, blocks);
    return { sums, threadsUsed: pool.threads, loader: pool.loader, diagnostics: [] };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return onCallingThread([
      {
        code: 'worker-fallback',
        severity: 'info',
        message: `Worker threads were unavailable (${message.split('\n')[0]}); the bootstrap ran on the calling thread with identical results.`,
      },
    ]);
  } finally {
    if (temporary && pool) await pool.close();
  }
}
