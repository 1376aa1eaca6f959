/**
 * A small pool of worker threads for the bootstrap (Node only: exported from `rcteval/node`,
 * loaded on demand by engine.ts).
 *
 * Where the worker code comes from:
 * - built library (`dist/`): `worker.js` next to this file, loaded directly;
 * - source checkout (vitest, `npx tsx`): `worker.ts` next to this file, loaded through tsx's
 *   `tsImport` from a tiny inline bootstrap (tsx is a development dependency; a worker does not
 *   inherit the parent's loader hooks, so it has to register tsx itself).
 * If neither works the caller falls back to running the blocks on the main thread; results are
 * the same either way because each block's random stream is fixed in advance (see `kernel.ts`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { RctevalError } from '../../errors/index.js';
import type { BlockSpec, UnitStratum } from './kernel.js';
import type { BootstrapPool, BootstrapPoolOptions } from './pool-types.js';
import type { WorkerReply, WorkerTask } from './worker.js';
import { LIMITS, checkInteger, checkOptions, optionKeys } from '../../errors/checks.js';

export type { BootstrapPool, BootstrapPoolOptions } from './pool-types.js';

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

interface Pending {
  resolve: (sums: Float64Array) => void;
  reject: (err: Error) => void;
}

class WorkerPool implements BootstrapPool {
  readonly threads: number;
  readonly loader: 'compiled' | 'tsx';
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private busy: number[];
  private nextId = 1;
  private broken: Error | null = null;
  private closed = false;

  constructor(entry: Entry, threads: number) {
    this.threads = threads;
    this.loader = entry.loader;
    this.busy = new Array<number>(threads).fill(0);
    for (let w = 0; w < threads; w++) {
      // execArgv: [] so the workers do not inherit loader flags (tsx, vitest) they do not need.
      const worker =
        entry.loader === 'compiled' ? new Worker(entry.url, { execArgv: [] }) : new Worker(entry.code, { eval: true, execArgv: [] });
      worker.on('message', (reply: WorkerReply) => this.onReply(w, reply));
      worker.on('error', (err: Error) => this.fail(err));
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(new RctevalError('WORKER_EXIT', `Bootstrap worker exited with code ${code}`));
      });
      // Idle workers must not keep the process alive; they are ref'd while they have work.
      worker.unref();
      this.workers.push(worker);
    }
  }

  private onReply(w: number, reply: WorkerReply): void {
    const p = this.pending.get(reply.taskId);
    if (!p) return;
    this.pending.delete(reply.taskId);
    this.busy[w] = (this.busy[w] ?? 1) - 1;
    if (this.busy[w] === 0) this.workers[w]?.unref();
    if (reply.error !== undefined || !reply.sums) p.reject(new RctevalError('WORKER_TASK', reply.error ?? 'Worker returned no result'));
    else p.resolve(reply.sums);
  }

  private fail(err: Error): void {
    if (this.broken) return;
    this.broken = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    for (const w of this.workers) void w.terminate();
  }

  async run(strata: readonly UnitStratum[], k: number, blocks: readonly BlockSpec[]): Promise<Float64Array> {
    if (this.closed) throw new RctevalError('POOL_CLOSED', 'The bootstrap pool has been closed');
    if (this.broken) throw this.broken;
    const S = strata.length;
    let total = 0;
    for (const b of blocks) total += b.count;
    const out = new Float64Array(total * S * k);
    // Contiguous chunks of blocks per worker; where a chunk lands in `out` depends only on its blocks.
    const chunks: { blocks: BlockSpec[]; offset: number }[] = [];
    const per = Math.ceil(blocks.length / this.threads);
    let offset = 0;
    for (let i = 0; i < blocks.length; i += per) {
      const chunk = blocks.slice(i, i + per);
      chunks.push({ blocks: chunk, offset });
      for (const b of chunk) offset += b.count * S * k;
    }
    const plain = strata.map((s) => ({ units: s.units, m: s.m }));
    await Promise.all(
      chunks.map(
        (chunk, w) =>
          new Promise<void>((resolve, reject) => {
            const taskId = this.nextId++;
            this.pending.set(taskId, {
              resolve: (sums) => {
                out.set(sums, chunk.offset);
                resolve();
              },
              reject,
            });
            this.busy[w] = (this.busy[w] ?? 0) + 1;
            const worker = this.workers[w]!;
            worker.ref();
            const task: WorkerTask = { taskId, k, strata: plain, blocks: chunk.blocks };
            worker.postMessage(task);
          }),
      ),
    );
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Start worker threads for bootstrap work and keep them for several calls (starting a thread
 * costs tens of milliseconds with the built library and a few hundred through tsx, so a
 * long session or a benchmark should open one pool and pass it as `pool`).
 *
 * Idle workers do not keep the process alive. Call `close()` when done.
 *
 * @param options - see {@link BootstrapPoolOptions}.
 * @throws ArgumentError when `threads` is not a positive integer.
 * @throws RctevalError (code `WORKER_UNAVAILABLE`) when no worker code can be found (neither the
 *   built `worker.js` nor `worker.ts` with tsx installed).
 * @example
 * const pool = openBootstrapPool({ threads: 2 });
 * const res = await costEffectiveness(input, { seed: 7, replicates: 10_000, pool });
 * await pool.close();
 */
export function openBootstrapPool(options: BootstrapPoolOptions = {}): BootstrapPool {
  checkOptions('options', options, optionKeys<BootstrapPoolOptions>()(['threads']));
  const threads = options.threads ?? defaultThreads();
  checkInteger('options.threads', threads, 1, LIMITS.threads);
  const entry = resolveWorkerEntry();
  if (entry === null) {
    throw new RctevalError(
      'WORKER_UNAVAILABLE',
      'No bootstrap worker code found: expected worker.js beside the built library, or worker.ts with tsx installed in a source checkout',
    );
  }
  return new WorkerPool(entry, threads);
}
