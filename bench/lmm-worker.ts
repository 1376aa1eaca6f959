/**
 * One benchmark size, run in its own process so that its peak memory is its own:
 * simulate the SFT-shaped data, optionally write them for R, and time fitLmm.
 * Usage: node --import tsx bench/lmm-worker.ts <nParticipants> <repeats> [csvPath]
 */
import { fitLmm } from '../src/models/lmm/fit.js';
import { buildReTerms } from '../src/models/lmm/fit.js';
import { buildModelFrame } from '../src/formula/frame.js';
import { parseFormula } from '../src/formula/parse.js';
import { toColumnSource } from '../src/models/data-input.js';
import { formCrossProducts } from '../src/models/lmm/structure.js';
import { LMM_FORMULA as FORMULA, lmmBenchData, median, workerArgs, writeLmmCsv } from './worker.js';

const { nParticipants, repeats, csvPath } = workerArgs();
const { sim, data, options } = lmmBenchData(nParticipants);
if (csvPath) writeLmmCsv(csvPath, sim);

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const time = (f: () => unknown) => {
  gc();
  const t = performance.now();
  f();
  return performance.now() - t;
};

// Untimed fits first, as the R script does, so that neither side's timing includes warming
// up (here V8's JIT, which needs a few calls to reach its optimised tiers; package loading
// and method dispatch in R). Times are then steady-state medians.
const warmups = sim.nRows <= 50_000 ? 3 : sim.nRows <= 500_000 ? 1 : 0;
for (let w = 0; w < warmups; w++) {
  fitLmm(FORMULA, data, options);
  fitLmm(FORMULA, data, { ...options, ddf: 'asymptotic' });
}
// The single-pass floor: building the frame plus forming the cross-products once.
const parsed = parseFormula(FORMULA);
const floor: number[] = [];
for (let r = 0; r < repeats; r++) {
  floor.push(
    time(() => {
      const fr = buildModelFrame(parsed, toColumnSource(data), options);
      formCrossProducts(buildReTerms(fr), fr.X, fr.y, fr.n, fr.spec.columnNames.length);
    }),
  );
}
const fits: number[] = [];
const fitsSatt: number[] = [];
// Keep only a summary of a fit, so that no two fits' arrays are alive at once.
let summary: Record<string, unknown> = {};
for (let r = 0; r < repeats; r++) {
  fits.push(
    time(() => {
      const fit = fitLmm(FORMULA, data, { ...options, ddf: 'asymptotic' });
      summary = {
        evaluations: fit.optimizer.evaluations,
        remlCriterion: fit.remlCriterion,
        fixed: fit.fixedEffects.map((x) => [x.term, x.estimate, x.se]),
        variances: fit.varianceComponents.map((v) => [v.group, v.term, v.variance]),
      };
    }),
  );
}
for (let r = 0; r < repeats; r++) fitsSatt.push(time(() => void fitLmm(FORMULA, data, options)));
process.stdout.write(
  JSON.stringify({
    nParticipants,
    nRows: sim.nRows,
    floorMs: median(floor),
    fitMs: median(fits),
    fitSatterthwaiteMs: median(fitsSatt),
    ...summary,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }) + '\n',
);
