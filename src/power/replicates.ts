/**
 * One replicate of a power simulation: a trial drawn from its own seed and analysed. Plain data
 * in and out, so replicates run on the calling thread or in a worker (src/parallel/tasks.ts)
 * with identical results.
 */
import { simulateLongColumns, type LongColumns, type LongColumnsOptions } from '../simulate/columns.js';
import { fitLmm } from '../models/lmm/fit.js';
import type { DdfMethod } from '../models/lmm/types.js';
import { replicateSeed } from '../random/streams.js';

/** The trial design of a power simulation: the generator's options without its seed. */
export type SimulationDesign = Omit<LongColumnsOptions, 'seed' | 'clusterWithoutEffect'>;

/** What an analysis returns: a p-value, or null when it could not give one (counted as a failure). */
export type AnalyseFunction = (data: LongColumns, replicate: number) => number | null;

/** A replicate's p-value, or why there is none. */
export type ReplicateOutcome = { p: number; reason: null } | { p: null; reason: string };

/** The default analysis: the primary mixed model's arm × visit test at `visit`. */
export function primaryLmmAnalysis(visit: number, ddf: DdfMethod): AnalyseFunction {
  return (data) => {
    const levels = data.levels.visit.map((_, v) => String(v));
    const fit = fitLmm(
      'score ~ arm * visit + (1 | id)',
      { score: data.score, arm: data.arm, visit: data.visit, id: data.id, group: data.group },
      { factors: ['arm', 'visit'], levels: { arm: ['0', '1'], visit: levels }, partialNesting: { cluster: 'group', arm: 'arm', treated: '1' }, ddf },
    );
    const row = fit.fixedEffects.find((r) => r.term === `arm1:visit${visit}`);
    if (!row) throw new Error(`the coefficient arm1:visit${visit} was dropped (rank deficient design)`);
    if (!row.estimable || row.pValue === null) throw new Error(row.reason ?? 'the arm × visit coefficient is not estimable');
    return row.pValue;
  };
}

/**
 * Replicate i of stream `stream` (0 = power, 1 = type-I error: the same design with effect 0,
 * therapy groups still varying): its trial and the analysis' p-value. An analysis that throws or
 * gives no p-value in [0, 1] is a failure with its reason.
 */
export function runReplicate(design: SimulationDesign, seed: number, stream: 0 | 1, i: number, analyse: AnalyseFunction): ReplicateOutcome {
  const opts: LongColumnsOptions = { ...design, seed: replicateSeed(seed, stream, i) };
  if (stream === 1) {
    opts.spec = { ...(design.spec ?? {}), effect: 0 };
    opts.clusterWithoutEffect = true;
  }
  try {
    const p = analyse(simulateLongColumns(opts), i);
    if (p === null || typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      return { p: null, reason: `the analysis returned ${p === null ? 'no p-value' : `${String(p)}, not a p-value in [0, 1]`}` };
    }
    return { p, reason: null };
  } catch (e) {
    return { p: null, reason: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

/** Replicates `from` … `to − 1` of one stream, analysed by the primary mixed model (the analysis a worker can run). */
export interface PowerReplicatesTask {
  design: SimulationDesign;
  seed: number;
  stream: 0 | 1;
  from: number;
  to: number;
  visit: number;
  ddf: DdfMethod;
}

export function runPowerReplicates(t: PowerReplicatesTask, done: (n: number) => void): ReplicateOutcome[] {
  const analyse = primaryLmmAnalysis(t.visit, t.ddf);
  const out: ReplicateOutcome[] = [];
  for (let i = t.from; i < t.to; i++) {
    out.push(runReplicate(t.design, t.seed, t.stream, i, analyse));
    done(1);
  }
  return out;
}
