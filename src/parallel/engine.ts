/**
 * Running tasks (tasks.ts) on the calling thread or on worker threads, with identical results.
 *
 * The worker pool (pool.ts) is Node-only and is not imported here: it is loaded on demand, under
 * Node only, when workers are wanted. The core (`rcteval`) therefore runs in a browser, where a
 * bundler never sees node:worker_threads, while `threads` keeps working in Node from the main
 * entry. Elsewhere the tasks run on the calling thread with the same numbers.
 */
import type { Diagnostic } from '../errors/index.js';
import { checkInteger, LIMITS } from '../errors/checks.js';
import { workerFallback } from '../errors/diagnostics.js';
import { TASKS, type TaskInput, type TaskKind, type TaskOutput } from './tasks.js';
import type { ThreadingOptions } from './types.js';

/** Check a thread count: `'auto'` or a whole number up to {@link LIMITS}.threads. */
export function checkThreads(threads: unknown, argument = 'threads'): void {
  if (threads !== 'auto') checkInteger(argument, threads, 1, LIMITS.threads, "Or 'auto'.");
}

/** Outcome of {@link runTasks}. */
export interface TaskRun<K extends TaskKind> {
  outputs: TaskOutput<K>[];
  /** Threads that did the work (1 = the calling thread). */
  threadsUsed: number;
  /** `main-thread`, `compiled` or `tsx`. */
  loader: 'main-thread' | 'compiled' | 'tsx';
  diagnostics: Diagnostic[];
}

/** What {@link runTasks} needs besides the threading options. */
export interface TaskPlan<K extends TaskKind> {
  kind: K;
  /** The work cut into `parts` tasks (outputs come back in this order). */
  split: (parts: number) => TaskInput<K>[];
  /** With `threads: 'auto'`: whether the work is large enough to repay starting workers. */
  worthThreads: boolean;
  /** Items done so far, after each item (any order of items; the count is exact). */
  onProgress?: (done: number) => void;
  /** What the diagnostic calls the work, e.g. 'the bootstrap'. */
  label: string;
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

/** Tasks per worker thread: several, so a slow task does not leave the other threads idle. */
const TASKS_PER_THREAD = 4;

/**
 * Run the work with the requested threading. Falls back to the calling thread, with a
 * `worker-fallback` diagnostic, if workers cannot be started or fail.
 */
export async function runTasks<K extends TaskKind>(plan: TaskPlan<K>, options: ThreadingOptions = {}): Promise<TaskRun<K>> {
  checkThreads(options.threads ?? 'auto', 'options.threads');
  let done = 0;
  const onItem = (n: number): void => {
    done += n;
    plan.onProgress?.(done);
  };
  const onCallingThread = (diagnostics: Diagnostic[] = []): TaskRun<K> => {
    done = 0;
    const handler = TASKS[plan.kind];
    const outputs = plan.split(1).map((input) => handler(input, onItem).output);
    return { outputs, threadsUsed: 1, loader: 'main-thread', diagnostics };
  };
  // Workers come from sharedPool (the caller's pool, or a temporary one when they are worth it).
  const shared = await sharedPool(options, plan.worthThreads, plan.label);
  const pool = shared.threading.pool;
  if (!pool) return onCallingThread(shared.diagnostics);
  try {
    const outputs = await pool.run(plan.kind, plan.split(pool.threads * TASKS_PER_THREAD), onItem);
    return { outputs, threadsUsed: pool.threads, loader: pool.loader, diagnostics: [] };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return onCallingThread([workerFallback(`Worker threads were unavailable (${message.split('\n')[0]})`, plan.label)]);
  } finally {
    await shared.release();
  }
}

/**
 * One pool for several {@link runTasks} calls (e.g. the batches of a simulation), so workers
 * start once: when the caller gave a pool or wants the calling thread, the options pass through;
 * otherwise workers are started here (when `threads` asks for them, or `'auto'` and the work is
 * worth it) and `release()` stops them.
 */
export async function sharedPool(
  options: ThreadingOptions,
  worthThreads: boolean,
  label: string,
): Promise<{ threading: ThreadingOptions; release: () => Promise<void>; diagnostics: Diagnostic[] }> {
  const requested = options.threads ?? 'auto';
  const calling = { threading: { threads: 1 }, release: async () => {}, diagnostics: [] as Diagnostic[] };
  if (options.pool) return { threading: { pool: options.pool }, release: async () => {}, diagnostics: [] };
  if (requested === 1 || (requested === 'auto' && !worthThreads)) return calling;
  try {
    const module = await nodePoolModule();
    if (module === null) {
      if (requested !== 'auto') calling.diagnostics.push(workerFallback('Worker threads exist in Node only', label));
      return calling;
    }
    const threads = requested === 'auto' ? module.defaultThreads() : requested;
    if (threads === 1) return calling;
    const pool = module.openWorkerPool({ threads });
    return { threading: { pool }, release: () => pool.close(), diagnostics: [] };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    calling.diagnostics.push(workerFallback(`Worker threads were unavailable (${message.split('\n')[0]})`, label));
    return calling;
  }
}

/** Cut `n` items into at most `parts` contiguous ranges [from, to) of nearly equal size. */
export function ranges(n: number, parts: number): [number, number][] {
  const k = Math.max(1, Math.min(parts, n));
  const out: [number, number][] = [];
  for (let j = 0; j < k; j++) out.push([Math.floor((j * n) / k), Math.floor(((j + 1) * n) / k)]);
  return out.filter(([a, b]) => b > a);
}
