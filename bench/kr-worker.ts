/**
 * One size of the Kenward–Roger benchmark, in its own process: simulate the SFT-shaped data,
 * optionally write them for R, time the fit (asymptotic df) and, on a fresh fit each time, the
 * Kenward–Roger step alone (adjusted covariance plus the df of every coefficient). CPU time
 * (user + system), which a busy shared machine disturbs less than elapsed time.
 * Usage: node --import tsx bench/kr-worker.ts <nParticipants> <repeats> [csvPath]
 */
import { fitLmm } from '../src/models/lmm/fit.js';
import { kenwardRogerDf } from '../src/models/lmm/kenward-roger.js';
import { getState } from '../src/models/lmm/state.js';
import { LMM_FORMULA as FORMULA, lmmBenchData, median, workerArgs, writeLmmCsv } from './worker.js';

const { nParticipants, repeats, csvPath } = workerArgs();
const { sim, data, options } = lmmBenchData(nParticipants);
if (csvPath) writeLmmCsv(csvPath, sim);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const time = (f: () => unknown) => {
  gc();
  const t = cpuMs();
  f();
  return cpuMs() - t;
};
const asy = () => fitLmm(FORMULA, data, { ...options, ddf: 'asymptotic' });
const unitRows = (p: number) => Array.from({ length: p }, (_, j) => Array.from({ length: p }, (_, c) => (c === j ? 1 : 0)));
const krStep = (f: ReturnType<typeof asy>) => kenwardRogerDf(getState(f)!, unitRows(f.fixedEffects.length));
// Untimed warm-up (V8's JIT), as the R script fits once untimed.
for (let w = 0; w < (sim.nRows <= 50_000 ? 2 : 1); w++) krStep(asy());
const krMs: number[] = [];
const asyMs: number[] = [];
for (let r = 0; r < repeats; r++) {
  let f!: ReturnType<typeof asy>;
  asyMs.push(time(() => (f = asy())));
  krMs.push(time(() => krStep(f)));
}
const fit = fitLmm(FORMULA, data, { ...options, ddf: 'Kenward-Roger' });
const row = fit.fixedEffects.find((x) => x.term === 'arm1:visit1')!;
console.log(
  JSON.stringify({
    nRows: fit.nObs,
    fitMs: median(asyMs),
    krMs: median(krMs),
    df: row.df,
    se: row.se,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
