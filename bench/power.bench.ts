/**
 * Benchmark of src/power (issue 16), beside R in the same run:
 *
 * 1. Power by simulation: `replicates` SFT-sized trials (simulateLongColumns defaults: 304
 *    participants, three visits, MAR dropout) each fitted with the primary partially nested model
 *    and Satterthwaite df; R fits the first `rFits` of the same trials with lmerTest::lmer (the
 *    Satterthwaite t test of arm × visit) and its time is extrapolated to `replicates` fits.
 * 2. Parametric bootstrap: `nsim` refits of the SFT sample's PSP model (parametricBootstrap)
 *    beside lme4's bootMer with `rBoot` simulations, extrapolated to `nsim`; then the first
 *    `eager` of the same responses refitted the long way (a new `fitFrame` of the model frame
 *    with the response swapped, every part of the fit formed, the optimiser's default simplex:
 *    the refit before issue 16's work), for its time and for the agreement of the optima.
 *
 *   npx tsx bench/power.bench.ts [--replicates 1000] [--r-fits 50] [--nsim 1000] [--r-boot 200] [--eager 200] [--no-r] [--only sim|boot]
 *
 * Times are CPU seconds of this process (user + system) and wall-clock seconds; on a shared
 * machine CPU time is the steadier figure. Replicates run on one thread.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchArgs } from './cli.js';
import { powerBySimulation, replicateSeed } from '../src/power/simulation.js';
import { openWorkerPool } from '../src/parallel/pool.js';
import { defaultFitStatistic, parametricBootstrap, simulateFromFit } from '../src/power/bootstrap.js';
import { simulateLongColumns } from '../src/simulate/columns.js';
import { fitFrame, fitLmm, hidePlaceholder } from '../src/models/lmm/fit.js';
import { getState } from '../src/models/lmm/state.js';
import { readFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const arg = (name: string, def: number): number => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : def;
};
const { useR } = benchArgs(argv);
const replicates = arg('--replicates', 1000);
const rFits = arg('--r-fits', 50);
const nsim = arg('--nsim', 1000);
const rBoot = arg('--r-boot', 200);
const eagerN = arg('--eager', 200);
const seed = 2026;
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : null;
if (only !== null && only !== 'sim' && only !== 'boot') throw new Error(`--only ${only}: expected sim or boot`);

const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const timed = <T>(f: () => T): { value: T; cpu: number; wall: number } => {
  const c0 = cpu();
  const w0 = performance.now();
  const value = f();
  return { value, cpu: cpu() - c0, wall: (performance.now() - w0) / 1000 };
};
const timedAsync = async <T>(f: () => Promise<T>): Promise<{ value: T; cpu: number; wall: number }> => {
  const c0 = cpu();
  const w0 = performance.now();
  const value = await f();
  return { value, cpu: cpu() - c0, wall: (performance.now() - w0) / 1000 };
};
const runR = (...a: string[]): Record<string, number> | null => {
  const r = spawnSync('Rscript', ['bench/power-r.R', ...a], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) {
    console.log(`R failed: ${r.stderr.slice(-400)}`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
};

if (only !== 'boot') {
  // Warm-up (V8's JIT), untimed.
  await powerBySimulation({ replicates: 5, seed: 1, typeI: false, threads: 1 });

  console.log(`## Power by simulation: ${replicates} SFT-sized trials, primary LMM with Satterthwaite df`);
  const js = await timedAsync(() => powerBySimulation({ replicates, seed, typeI: false, threads: 1 }));
  const p = js.value.power;
  console.log(`rcteval: ${js.cpu.toFixed(1)} s CPU, ${js.wall.toFixed(1)} s wall (${((1000 * js.cpu) / replicates).toFixed(1)} ms CPU a trial); power ${p.estimate!.toFixed(3)} [${p.ci![0].toFixed(3)}, ${p.ci![1].toFixed(3)}], failures ${p.failures.count}`);
  // The same replicates on two worker threads (one pool, started before timing): identical numbers, wall-clock halved at best.
  const pool = openWorkerPool({ threads: 2 });
  await powerBySimulation({ replicates: 4, seed: 1, typeI: false, pool });
  const js2 = await timedAsync(() => powerBySimulation({ replicates, seed, typeI: false, pool }));
  await pool.close();
  if (js2.value.power.rejections !== p.rejections) throw new Error('2 threads gave other rejections than 1');
  console.log(`rcteval on 2 worker threads: ${js2.wall.toFixed(1)} s wall (${(js.wall / js2.wall).toFixed(2)}× the 1-thread speed), same rejections`);
  let rSim: Record<string, number> | null = null;
  if (useR) {
    const dir = join(tmpdir(), `rcteval-power-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const csv = join(dir, 'sims.csv');
    const lines = ['rep,score,arm,visit,id,group,trt'];
    for (let r = 0; r < rFits; r++) {
      const d = simulateLongColumns({ seed: replicateSeed(seed, 0, r) });
      for (let i = 0; i < d.nRows; i++) lines.push(`${r},${d.score[i]},${d.arm[i]},${d.visit[i]},${d.id[i]},${d.group[i]! < 0 ? 'none' : d.group[i]},${d.arm[i]}`);
    }
    writeFileSync(csv, lines.join('\n') + '\n');
    rSim = runR(csv, String(rFits));
    rmSync(dir, { recursive: true, force: true });
    if (rSim) {
      const perFit = rSim['cpuSeconds']! / rFits;
      console.log(`R lme4 + lmerTest: ${rSim['cpuSeconds']!.toFixed(1)} s CPU for ${rFits} fits (${(1000 * perFit).toFixed(0)} ms a fit) → ${(perFit * replicates).toFixed(0)} s extrapolated to ${replicates}; rcteval is ${((perFit * replicates) / js.cpu).toFixed(1)}× faster (CPU)`);
    }
  }
}

if (only !== 'sim') {
  console.log(`\n## Parametric bootstrap: ${nsim} refits of the SFT sample's PSP model`);
  const fx = JSON.parse(readFileSync(new URL('../tests/fixtures/r/models/sft-sample.json', import.meta.url), 'utf8')) as {
    data: { PSP: { columns: { id: string[]; visit: string[]; score: (number | null)[]; arm: string[]; group: string[] } } };
  };
  const c = fx.data.PSP.columns;
  const rows = c.id.map((id, i) => ({ id, visit: c.visit[i], score: c.score[i], arm: c.arm[i], group: c.group[i] })).filter((r) => r.score !== null);
  const m1 = fitLmm('score ~ arm * visit + (1 | id)', rows, { levels: { arm: ['control', 'SFT'], visit: ['baseline', '9m', '15m'] }, partialNesting: { cluster: 'group', arm: 'arm', treated: 'SFT' } });
  await parametricBootstrap(m1, { nsim: 5, seed: 1, threads: 1 });
  const boot = await timedAsync(() => parametricBootstrap(m1, { nsim, seed: 1, threads: 1 }));
  console.log(`rcteval: ${boot.cpu.toFixed(1)} s CPU, ${boot.wall.toFixed(1)} s wall (${((1000 * boot.cpu) / nsim).toFixed(1)} ms a refit), failures ${boot.value.failures.count}`);
  // The same refits on two worker threads (one pool, started and warmed before timing): identical numbers.
  const pool = openWorkerPool({ threads: 2 });
  await parametricBootstrap(m1, { nsim: 4, seed: 1, pool });
  const boot2 = await timedAsync(() => parametricBootstrap(m1, { nsim, seed: 1, pool }));
  await pool.close();
  if (JSON.stringify(boot2.value.statistics) !== JSON.stringify(boot.value.statistics)) throw new Error('2 threads gave other bootstrap statistics than 1');
  console.log(`rcteval on 2 worker threads: ${boot2.wall.toFixed(1)} s wall (${(boot.wall / boot2.wall).toFixed(2)}× the 1-thread speed), identical statistics`);
  let rPerRefit: number | null = null;
  if (useR) {
    const rb = runR('boot', String(rBoot));
    if (rb) {
      const per = rb['cpuSeconds']! / rBoot;
      console.log(`R bootMer(nsim = ${rBoot}): ${rb['cpuSeconds']!.toFixed(1)} s CPU (${(1000 * per).toFixed(0)} ms a refit) → ${(per * nsim).toFixed(0)} s extrapolated to ${nsim}; rcteval / bootMer = ${(boot.cpu / (per * nsim)).toFixed(3)} in CPU seconds (V8's concurrent garbage collector counts), ${(boot.wall / ((rb['elapsedSeconds']! / rBoot) * nsim)).toFixed(3)} in wall-clock (R elapsed ${rb['elapsedSeconds']!.toFixed(1)} s for ${rBoot}); on 2 worker threads ${(boot2.wall / ((rb['elapsedSeconds']! / rBoot) * nsim)).toFixed(3)} in wall-clock`);
      rPerRefit = per;
    }
  }
  if (eagerN > 0) {
    const s = getState(m1)!;
    const ys = simulateFromFit(m1, { nsim: eagerN, seed: 1 }).y;
    const eager = timed(() =>
      ys.map((y) => {
        const f = fitFrame({ ...s.frame, y }, { ...s.options, ddf: 'asymptotic', control: { ...s.options.control, start: m1.theta } });
        hidePlaceholder(f, 'group');
        defaultFitStatistic(f);
        return f.remlCriterion!;
      }),
    );
    const perEager = eager.cpu / eagerN;
    const fast = (await parametricBootstrap(m1, { nsim: eagerN, seed: 1, statistic: (f) => ({ crit: f.remlCriterion! }) })).replicates['crit']!;
    let worst = 0;
    let worse = 0;
    let better = 0;
    eager.value.forEach((e, r) => {
      const d = fast[r]! - e;
      if (Math.abs(d) > Math.abs(worst)) worst = d;
      if (d > 1e-9) worse++;
      if (d < -1e-9) better++;
    });
    console.log(
      `eager refits (before issue 16's work), the first ${eagerN} responses: ${(1000 * perEager).toFixed(1)} ms a refit, ${(perEager / (boot.cpu / nsim)).toFixed(1)}× the time of parametricBootstrap's` +
        (rPerRefit ? `; eager / bootMer = ${(perEager / rPerRefit).toFixed(3)}` : '') +
        `. REML criteria, parametricBootstrap − eager: worst ${worst.toExponential(1)}; higher by > 1e-9 in ${worse}, lower in ${better} of ${eagerN}`,
    );
  }
}
