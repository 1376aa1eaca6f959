/**
 * What the benchmark workers (bench/*-worker.ts, one size each in its own process) share: their
 * command line, the SFT-shaped design they fit, the CSV they write for R, and the median.
 */
import { writeFileSync } from 'node:fs';
import { simulateLongColumns, type LongColumns } from '../src/simulate/columns.js';

/** The worker's command line: `<nParticipants> <repeats> [csvPath]` (as `runWorker` in bench/cli.ts passes it). */
export function workerArgs(): { nParticipants: number; repeats: number; csvPath: string | undefined } {
  return { nParticipants: Number(process.argv[2]), repeats: Number(process.argv[3] ?? 3), csvPath: process.argv[4] };
}

/** The LMM benchmarks' model: the partially nested SFT model, the treated arm's groups as a random slope on `trt`. */
export const LMM_FORMULA = 'score ~ arm * visit + (1 | id) + (0 + trt | group)';

/**
 * The LMM benchmarks' data: the SFT-shaped design of `simulateLongColumns` (seed 2026) as the
 * columns of `LMM_FORMULA`, with the fit's factor options.
 */
export function lmmBenchData(nParticipants: number) {
  const sim = simulateLongColumns({ nParticipants, seed: 2026 });
  const trt = Float64Array.from(sim.arm);
  const data = { score: sim.score, arm: sim.arm, visit: sim.visit, id: sim.id, group: sim.group, trt };
  const options = {
    factors: ['arm', 'visit'],
    levels: { arm: ['0', '1'], visit: sim.levels.visit.map((_, i) => String(i)) },
  };
  return { sim, data, options };
}

/** The LMM benchmarks' CSV for R: score, arm, visit, id, group and trt (lmer's indicator of the treated arm). */
export function writeLmmCsv(path: string, sim: LongColumns): void {
  writeCsv(path, 'score,arm,visit,id,group,trt', sim.nRows, (i) => `${sim.score[i]},${sim.arm[i]},${sim.visit[i]},${sim.id[i]},${sim.group[i]},${sim.arm[i]}`);
}

/** Plain CSV for R (not timed), written in chunks of 100,000 lines to keep memory flat. */
export function writeCsv(path: string, header: string, nRows: number, line: (i: number) => string): void {
  const lines: string[] = [header];
  writeFileSync(path, '');
  const flush = () => {
    writeFileSync(path, lines.join('\n') + '\n', { flag: 'a' });
    lines.length = 0;
  };
  for (let i = 0; i < nRows; i++) {
    lines.push(line(i));
    if (lines.length >= 100000) flush();
  }
  flush();
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
