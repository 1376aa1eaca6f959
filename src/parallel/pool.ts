/**
 * A small pool of worker threads for the library's parallel work (Node only: exported from
 * `rcteval/node`, loaded on demand by engine.ts).
 *
 * Where the worker code comes from:
 * - built library (`dist/`): `worker.js` next to this file, loaded directly;
 * - source checkout (vitest, `npx tsx`): `worker.ts` next to this file, loaded through tsx's
 *   `tsImport` from a tiny inline bootstrap (tsx is a development dependency; a worker does not
 *   inherit the parent's loader hooks, so it has to register tsx itself).
 * If neither works the caller falls back to the calling thread; results are the same either way
 * because every task's output depends on the task alone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { RctevalError } from '../errors/index.js';
import { LIMITS, checkInteger, checkOptions, optionKeys } from '../errors/checks.js';
import type { TaskInput, TaskKind, TaskOutput } from './tasks.js';
import type { WorkerPool, WorkerPoolOptions } from './types.js';
import type { WorkerMessage, WorkerReply } from './worker.js';

export type { WorkerPool, WorkerPoolOptions } from './types.js';

type Entry = { loader: 'compiled'; url: URL } | { loader: 'tsx'; code: string };

function tsxApiUrl(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const pkgPath = require.resolve('tsx/package.json');
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports?: Record<string, unknown> };
    const api = pkg.exports?.['./esm/api'] as { import?: { default?: string } } | undefined;
    const rel = api?.import?.default;
    if (typeof rel !== 'string') return null;
    const file = join(dirname(pkgPath), rel);
    return existsSync(file) ? pathToFileURL(file).href : null;
  } catch {
    return null;
  }
}

/** Where to load the worker from, or `null` when no worker can be started here. */
export function resolveWorkerEntry(): Entry | null {
  const js = new URL('./worker.js', import.meta.url);
  if (js.protocol === 'file:' && existsSync(fileURLToPath(js))) return { loader: 'compiled', url: js };
  const ts = new URL('./worker.ts', import.meta.url);
  if (ts.protocol === 'file:' && existsSync(fileURLToPath(ts))) {
    const api = tsxApiUrl();
    if (api === null) return null;
    // Rethrow on the next tick so a loading failure surfaces as the worker's 'error' event.
    const code =
      `import(${JSON.stringify(api)})` +
      `.then((m) => m.tsImport(${JSON.stringify(ts.href)}, ${JSON.stringify(ts.href)}))` +
      `.catch((e) => process.nextTick(() => { throw e; }));`;
    return { loader: 'tsx', code };
  }
  return null;
}

/** Default number of threads: both cores of the target machines, never more than the host has. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

interface Job {
  taskId: number;
  message: WorkerMessage;
  resolve: (output: unknown) => void;
  reject: (err: Error) => void;
  onItem?: ((n: number) => void) | undefined;
}

class NodeWorkerPool implements WorkerPool {
  readonly threads: number;
  readonly loader: 'compiled' | 'tsx';
  private readonly workers: Worker[] = [];
  /** The job each worker is running, or null when it is idle. */
  private readonly running: (Job | null)[];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private broken: Error | null = null;
  private closed = false;

  constructor(entry: Entry, threads: number) {
    this.threads = threads;
    this.loader = entry.loader;
    this.running = new Array<Job | null>(threads).fill(null);
    for (let w = 0; w < threads; w++) {
      // execArgv: [] so the workers do not inherit loader flags (tsx, vitest) they do not need.
      const worker = entry.loader === 'compiled' ? new Worker(entry.url, { execArgv: [] }) : new Worker(entry.code, { eval: true, execArgv: [] });
      worker.on('message', (reply: WorkerReply) => this.onReply(w, reply));
      worker.on('error', (err: Error) => this.fail(err));
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(new RctevalError('WORKER_EXIT', `Worker thread exited with code ${code}`));
      });
      // Idle workers must not keep the process alive; they are ref'd while they have work.
      worker.unref();
      this.workers.push(worker);
    }
  }

  private dispatch(): void {
    for (let w = 0; w < this.threads && this.queue.length > 0; w++) {
      if (this.running[w] !== null) continue;
      const job = this.queue.shift()!;
      this.running[w] = job;
      const worker = this.workers[w]!;
      worker.ref();
      worker.postMessage(job.message);
    }
  }

  private onReply(w: number, reply: WorkerReply): void {
    const job = this.running[w];
    if (!job || job.taskId !== reply.taskId) return;
    if (reply.type === 'progress') {
      job.onItem?.(reply.n);
      return;
    }
    this.running[w] = null;
    if (this.queue.length === 0) this.workers[w]!.unref();
    if (reply.type === 'error') job.reject(new RctevalError('WORKER_TASK', reply.error));
    else job.resolve(reply.output);
    this.dispatch();
  }

  private fail(err: Error): void {
    if (this.broken) return;
    this.broken = err;
    for (const job of [...this.running, ...this.queue]) job?.reject(err);
    this.queue.length = 0;
    this.running.fill(null);
    for (const w of this.workers) void w.terminate();
  }

  run<K extends TaskKind>(kind: K, inputs: readonly TaskInput<K>[], onItem?: (n: number) => void): Promise<TaskOutput<K>[]> {
    if (this.closed) return Promise.reject(new RctevalError('POOL_CLOSED', 'The worker pool has been closed'));
    if (this.broken) return Promise.reject(this.broken);
    const jobs = inputs.map(
      (input) =>
        new Promise<TaskOutput<K>>((resolve, reject) => {
          const taskId = this.nextId++;
          this.queue.push({ taskId, message: { taskId, kind, input }, resolve: resolve as (o: unknown) => void, reject, onItem });
        }),
    );
    this.dispatch();
    return Promise.all(jobs);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Start worker threads and keep them for several calls: the economics bootstrap
 * (`costEffectiveness`, `costUtility`), `multipleImputation` and `powerBySimulation` take it as
 * `pool`. Starting a thread costs tens of milliseconds with the built library and a few hundred
 * through tsx, so a long session or a benchmark should open one pool and pass it on.
 *
 * Idle workers do not keep the process alive. Call `close()` when done.
 *
 * @param options - see {@link WorkerPoolOptions}.
 * @throws ArgumentError when `threads` is not a positive integer.
 * @throws RctevalError (code `WORKER_UNAVAILABLE`) when no worker code can be found (neither the
 *   built `worker.js` nor `worker.ts` with tsx installed).
 * @example
 * const pool = openWorkerPool({ threads: 2 });
 * const res = await costEffectiveness(input, { seed: 7, replicates: 10_000, pool });
 * await pool.close();
 */
export function openWorkerPool(options: WorkerPoolOptions = {}): WorkerPool {
  checkOptions('options', options, optionKeys<WorkerPoolOptions>()(['threads']));
  const threads = options.threads ?? defaultThreads();
  checkInteger('options.threads', threads, 1, LIMITS.threads);
  const entry = resolveWorkerEntry();
  if (entry === null) {
    throw new RctevalError(
      'WORKER_UNAVAILABLE',
      'No worker code found: expected worker.js beside the built library, or worker.ts with tsx installed in a source checkout',
    );
  }
  return new NodeWorkerPool(entry, threads);
}
