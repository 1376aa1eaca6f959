/**
 * The shape of a worker pool, apart from its Node implementation (pool.ts), so the browser-safe
 * core can name it.
 */
import type { TaskKind, TaskInput, TaskOutput } from './tasks.js';

/** Options of `openWorkerPool` (`rcteval/node`). */
export interface WorkerPoolOptions {
  /**
   * Number of worker threads.
   * @defaultValue `min(2, os.availableParallelism())`
   */
  threads?: number;
}

/**
 * A set of running worker threads that the bootstrap, multiple imputation and simulation
 * functions can share (pass it as `pool`).
 */
export interface WorkerPool {
  /** Number of worker threads. */
  readonly threads: number;
  /** How the worker code was loaded: `compiled` (.js from dist) or `tsx` (.ts from a source checkout). */
  readonly loader: 'compiled' | 'tsx';
  /**
   * Run tasks of one kind over the workers; resolves to their outputs in input order.
   * `onItem(n)` is called as a worker reports n more items done.
   * @internal
   */
  run<K extends TaskKind>(kind: K, inputs: readonly TaskInput<K>[], onItem?: (n: number) => void): Promise<TaskOutput<K>[]>;
  /** Stop the workers. The pool cannot be used afterwards. */
  close(): Promise<void>;
}

/** How work is spread over threads. */
export interface ThreadingOptions {
  /**
   * Worker threads to use (Node only; elsewhere the calling thread, with a `worker-fallback`
   * diagnostic when more than 1 was asked for). `1` runs on the calling thread; `'auto'` uses
   * `min(2, os.availableParallelism())` worker threads when the work is large enough to repay
   * starting them, else 1. Results do not depend on this setting.
   * @defaultValue 'auto'
   */
  threads?: number | 'auto';
  /** A pool from `openWorkerPool` (`rcteval/node`) to reuse; when given, `threads` is ignored. */
  pool?: WorkerPool;
}
