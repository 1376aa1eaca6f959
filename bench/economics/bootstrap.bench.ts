/**
 * Benchmark of the cost-effectiveness bootstrap: 10,000 replicates on SFT-sized data (304
 * randomised, 19 therapy groups) and on a register-sized trial, on the calling thread and on
 * 2 worker threads (a fresh pool per call, and a pool kept open), median of several runs.
 *
 *   npx tsx bench/economics/bootstrap.bench.ts [--runs 7] [--register 5000] [--source-only]
 *
 * The library is also compiled with tsc into a temporary directory and benchmarked from there,
 * because that is how it runs when installed (workers load plain .js; under tsx they load the
 * .ts worker through tsx, which starts much more slowly). Every configuration is checked to give
 * the same replicates as the single-thread run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { baselineFollowUpEffects } from '../../src/analysis/internal.js';
import * as sourceEconomics from '../../src/economics/index.js';
import * as sourcePool from '../../src/parallel/pool.js';
import { createRng } from '../../src/random/rng.js';
import { simulateTrialData } from '../../src/simulate/trial-data.js';
import { compileLibrary } from '../../tests/parallel/compile.js';

// The pool is Node-only (rcteval/node), outside the economics barrel.
type Lib = typeof sourceEconomics & Pick<typeof sourcePool, 'openWorkerPool'>;
const sourceLib: Lib = { ...sourceEconomics, openWorkerPool: sourcePool.openWorkerPool };
type Input = Parameters<Lib['costEffectiveness']>[0];

const args = process.argv.slice(2);
const flag = (name: string, def: number): number => {
  const i = args.indexOf(name);
  const v = i >= 0 ? Number(args[i + 1]) : Number.NaN;
  return Number.isFinite(v) && v > 0 ? v : def;
};
const RUNS = flag('--runs', 7);
const SOURCE_ONLY = args.includes('--source-only');
const REGISTER_N = flag('--register', 5000);
const REPLICATES = 10_000;

function sftData(): Input {
  const { data } = simulateTrialData({ seed: 1 });
  return { participants: data.participants, effects: baselineFollowUpEffects(data, 'PSP', 'baseline', '9m') };
}

/** A larger two-arm comparison of individuals (no clusters) with skewed costs, as from a register extract. */
function registerData(n: number): Input {
  const rng = createRng(99);
  const participants: Input['participants'][number][] = [];
  const effects: Input['effects'][number][] = [];
  for (let i = 0; i < n; i++) {
    const treated = i % 2 === 1;
    const admitted = rng.uniform() < (treated ? 0.22 : 0.18);
    const cost = Math.round(Math.exp(8.5 + 0.9 * rng.normal())) + (admitted ? Math.round(4900 * Math.exp(2.7 + 1.1 * rng.normal())) : 0);
    participants.push({ id: `R${i}`, arm: treated ? 'treated' : 'control', group: null, costs: { healthcare: cost + (treated ? 47667 : 0) } });
    effects.push({ id: `R${i}`, effect: (treated ? 3 : 0) + 10 * rng.normal() });
  }
  return { participants, effects };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

interface Row {
  build: string;
  data: string;
  estimator: string;
  units: number;
  single: number;
  cold2: number;
  warm2: number;
}

async function benchLib(lib: Lib, build: string, cases: { name: string; input: Input; estimator: 'mean-difference' | 'difference-in-change' | 'ancova' }[]): Promise<Row[]> {
  const rows: Row[] = [];
  const pool = lib.openWorkerPool({ threads: 2 });
  try {
    for (const c of cases) {
      const opts = { seed: 1, replicates: REPLICATES, effectEstimator: c.estimator, wtp: [0, 20000, 50000, 100000] };
      // Warm-up (JIT, worker start) and an identity check of every configuration.
      const ref = await lib.costEffectiveness(c.input, { ...opts, threads: 1 });
      const two = await lib.costEffectiveness(c.input, { ...opts, threads: 2 });
      const viaPool = await lib.costEffectiveness(c.input, { ...opts, pool });
      for (const r of [two, viaPool]) {
        if (r.threadsUsed !== 2) throw new Error(`${build}/${c.name}: expected 2 threads, got ${r.threadsUsed}`);
        if (JSON.stringify(r.plane) !== JSON.stringify(ref.plane)) throw new Error(`${build}/${c.name}: replicates differ between 1 and 2 threads`);
      }
      const single: number[] = [];
      const cold: number[] = [];
      const warm: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        single.push(await time(() => lib.costEffectiveness(c.input, { ...opts, threads: 1 })));
        cold.push(await time(() => lib.costEffectiveness(c.input, { ...opts, threads: 2 })));
        warm.push(await time(() => lib.costEffectiveness(c.input, { ...opts, pool })));
      }
      rows.push({
        build,
        data: c.name,
        estimator: c.estimator,
        units: ref.units.control + ref.units.treated,
        single: median(single),
        cold2: median(cold),
        warm2: median(warm),
      });
    }
  } finally {
    await pool.close();
  }
  return rows;
}

function compileToTemp(): { dir: string; index: string; pool: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rcteval-bench-'));
  const out = join(dir, 'dist');
  compileLibrary(out, ['economics/index.ts', 'parallel/pool.ts', 'parallel/worker.ts']);
  return { dir, index: join(out, 'economics/index.js'), pool: join(out, 'parallel/pool.js') };
}

const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

/**
 * How much work two threads get done in a second compared with one: the ceiling for any
 * two-thread speed-up on this machine (a shared or oversubscribed host gives less than 2).
 */
async function parallelCeiling(): Promise<number> {
  const code =
    "const { parentPort } = require('node:worker_threads');" +
    "parentPort.on('message', () => { const t = Date.now(); let x = 0; while (Date.now() - t < 1000) x++; parentPort.postMessage(x); });";
  const spin = async (n: number) => {
    const ws = Array.from({ length: n }, () => new Worker(code, { eval: true }));
    await new Promise((r) => setTimeout(r, 300));
    const counts = await Promise.all(ws.map((w) => new Promise<number>((r) => { w.once('message', r); w.postMessage(0); })));
    await Promise.all(ws.map((w) => w.terminate()));
    return counts.reduce((a, b) => a + b, 0);
  };
  const one = await spin(1);
  const two = await spin(2);
  return two / one;
}

async function main(): Promise<void> {
  const startLoad = loadavg().map((x) => x.toFixed(2)).join(' ');
  const ceilingBefore = await parallelCeiling();
  const cases = [
    { name: 'SFT-sized (304; 19 groups + controls)', input: sftData(), estimator: 'difference-in-change' as const },
    { name: 'SFT-sized (304; 19 groups + controls)', input: sftData(), estimator: 'ancova' as const },
    { name: `register extract (${REGISTER_N.toLocaleString('en')} individuals)`, input: registerData(REGISTER_N), estimator: 'mean-difference' as const },
  ];
  const rows: Row[] = [];
  let tmp: string | null = null;
  try {
    if (!SOURCE_ONLY) {
      const built = compileToTemp();
      tmp = built.dir;
      const economics = (await import(pathToFileURL(built.index).href)) as typeof sourceEconomics;
      const pool = (await import(pathToFileURL(built.pool).href)) as typeof sourcePool;
      const lib: Lib = { ...economics, openWorkerPool: pool.openWorkerPool };
      rows.push(...(await benchLib(lib, 'compiled (as dist/)', cases)));
    }
    rows.push(...(await benchLib(sourceLib, 'source via tsx', cases)));
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
  const ceilingAfter = await parallelCeiling();
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`\nCost-effectiveness bootstrap, ${REPLICATES} replicates, median of ${RUNS} runs`);
  console.log(`Node ${process.version}, ${cpu}, ${availableParallelism()} logical CPUs, load average at start ${startLoad} and end ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
  const header = ['build', 'data', 'ΔE estimator', 'units', '1 thread', '2 threads (new pool)', '2 threads (open pool)', 'speed-up (new)', 'speed-up (open)'];
  const lines = rows.map((r) => [
    r.build,
    r.data,
    r.estimator,
    String(r.units),
    fmt(r.single),
    fmt(r.cold2),
    fmt(r.warm2),
    `${(r.single / r.cold2).toFixed(2)}×`,
    `${(r.single / r.warm2).toFixed(2)}×`,
  ]);
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const l of lines) console.log(`| ${l.join(' | ')} |`);
  console.log('\nEvery configuration gave replicates identical to the single-thread run.');
  console.log(
    `Parallel ceiling of this machine (two busy threads' work ÷ one's): ${ceilingBefore.toFixed(2)}× before and ${ceilingAfter.toFixed(2)}× after the runs; ` +
      'no two-thread speed-up can exceed it.',
  );
}

await main();
