/**
 * The shape of a bootstrap worker pool, apart from its Node implementation (pool.ts), so the
 * browser-safe core can name it.
 */
import type { BlockSpec, UnitStratum } from './kernel.js';

/** Options of `openBootstrapPool` (`rcteval/node`). */
export interface BootstrapPoolOptions {
  /**
   * Number of worker threads.
   * @defaultValue `min(2, os.availableParallelism())`
   */
  threads?: number;
}

/** A set of running worker threads that bootstrap functions can share (pass it as `pool`). */
export interface BootstrapPool {
  /** Number of worker threads. */
  readonly threads: number;
  /** How the worker code was loaded: `compiled` (.js from dist) or `tsx` (.ts from a source checkout). */
  readonly loader: 'compiled' | 'tsx';
  /**
   * Run the blocks over the workers; resolves to the blocks' sums concatenated in block order.
   * @internal
   */
  run(strata: readonly UnitStratum[], k: number, blocks: readonly BlockSpec[]): Promise<Float64Array>;
  /** Stop the workers. The pool cannot be used afterwards. */
  close(): Promise<void>;
}

