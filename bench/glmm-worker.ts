/**
 * One GLMM benchmark size, run in its own process so that its peak memory is its own:
 * simulate an SFT-shaped binary outcome, optionally write it for R, and time fitGlmm.
 * Usage: node --import tsx bench/glmm-worker.ts <nParticipants> <repeats> [csvPath]
 */
import { fitGlmm } from '../src/models/glmm/fit.js';
import { createRng } from '../src/random/rng.js';
import { simulateLongColumns } from '../src/simulate/columns.js';
import { drawBinaryOutcome } from '../tests/models/glmm/coverage-draws.js';
import { median, workerArgs, writeCsv } from './worker.js';

export const FORMULA = 'status ~ arm * week + (1 | id)';

const { nParticipants, repeats, csvPath } = workerArgs();

// The design (participants, arms, therapy groups, dropout) from the trial simulator; the
// binary status from the coverage simulation's logistic model with known truth: participant
// intercept SD 1, therapy-group SD 0.4 in the treated arm, and a treatment effect growing over the weeks.
const sim = simulateLongColumns({ nParticipants, seed: 2026 });
const status = drawBinaryOutcome(sim, createRng(2026));
// Therapy groups as names: partialNesting puts a text placeholder in the control rows, and a
// column may not mix numbers and text (a numeric group column is refused today; see the report).
const groupNames = Array.from({ length: sim.nGroups }, (_, g) => `g${g}`);
const group = Array.from(sim.group, (g) => (g >= 0 ? groupNames[g]! : ''));
const data = { status, arm: sim.arm, week: sim.visit, id: sim.id, group };
const options = {
  family: 'binomial' as const,
  nAgq: 1,
  factors: ['arm', 'week'],
  levels: { arm: ['0', '1'], week: sim.levels.visit.map((_, i) => String(i)) },
  partialNesting: { cluster: 'group', arm: 'arm', treated: '1' },
};

// With glmer's indicator column of the treated arm.
if (csvPath) writeCsv(csvPath, 'status,arm,week,id,group,sft', sim.nRows, (i) => `${status[i]},${sim.arm[i]},${sim.visit[i]},${sim.id[i]},${sim.group[i]},${sim.arm[i]}`);

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

// One untimed fit first up to 50,000 rows, as the R script does, so that neither side's
// timing includes warming up (V8's JIT here; package loading and dispatch in R).
if (sim.nRows <= 50_000) fitGlmm(FORMULA, data, options);
const fits: number[] = [];
// CPU time (user + system) too: on a machine shared with other jobs, wall-clock time measures the load as much as the program.
const cpus: number[] = [];
// Keep only a summary of a fit, so that no two fits' arrays are alive at once.
let summary: Record<string, unknown> = {};
for (let r = 0; r < repeats; r++) {
  gc();
  const t = performance.now();
  const c = process.cpuUsage();
  const fit = fitGlmm(FORMULA, data, options);
  fits.push(performance.now() - t);
  const cu = process.cpuUsage(c);
  cpus.push((cu.user + cu.system) / 1000);
  summary = {
    evaluations: fit.optimizer.evaluations,
    converged: fit.optimizer.converged,
    logLik: fit.logLik,
    fixed: fit.fixedEffects.map((x) => [x.term, x.estimate, x.se]),
    variances: fit.varianceComponents.map((c) => [c.group, c.term, c.variance]),
    diagnostics: fit.diagnostics.map((d) => d.code),
  };
}
process.stdout.write(
  JSON.stringify({
    nParticipants,
    nRows: sim.nRows,
    fitMs: median(fits),
    allMs: fits,
    cpuMs: median(cpus),
    ...summary,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }) + '\n',
);
