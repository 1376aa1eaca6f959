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
 * The analyses a worker can run (a function cannot cross to a worker): the primary mixed model's
 * arm × visit test, or the arm effect at one follow-up visit by the partially nested model on
 * that visit's rows, as the analytic power's `analysis` (posttest, ANCOVA on the baseline score,
 * or change from baseline).
 */
export type BuiltInAnalysis = { kind: 'primary'; visit: number; ddf: DdfMethod } | { kind: 'posttest' | 'ancova' | 'change'; visit: number; ddf: DdfMethod };

/** The follow-up analysis of {@link BuiltInAnalysis}: participants without a baseline score are left out of ANCOVA and change. */
export function followUpAnalysis(kind: 'posttest' | 'ancova' | 'change', visit: number, ddf: DdfMethod): AnalyseFunction {
  return (data) => {
    const baseline = new Float64Array(data.nParticipants).fill(Number.NaN);
    for (let r = 0; r < data.nRows; r++) if (data.visit[r] === 0) baseline[data.id[r]!] = data.score[r]!;
    const score: number[] = [];
    const arm: string[] = [];
    const group: number[] = [];
    const base: number[] = [];
    for (let r = 0; r < data.nRows; r++) {
      if (data.visit[r] !== visit) continue;
      const b = baseline[data.id[r]!]!;
      if (kind !== 'posttest' && Number.isNaN(b)) continue;
      score.push(kind === 'change' ? data.score[r]! - b : data.score[r]!);
      arm.push(String(data.arm[r]));
      group.push(data.group[r]!);
      base.push(b);
    }
    const fit = fitLmm(kind === 'ancova' ? 'score ~ arm + baseline' : 'score ~ arm', kind === 'ancova' ? { score, arm, group, baseline: base } : { score, arm, group }, {
      factors: ['arm'],
      levels: { arm: ['0', '1'] },
      partialNesting: { cluster: 'group', arm: 'arm', treated: '1' },
      ddf,
    });
    const row = fit.fixedEffects.find((r) => r.term === 'arm1');
    if (!row || !row.estimable || row.pValue === null) throw new Error(row?.reason ?? 'the arm coefficient is not estimable');
    return row.pValue;
  };
}

export function builtInAnalysis(a: BuiltInAnalysis): AnalyseFunction {
  return a.kind === 'primary' ? primaryLmmAnalysis(a.visit, a.ddf) : followUpAnalysis(a.kind, a.visit, a.ddf);
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

/** Replicates `from` … `to − 1` of one stream, analysed by a built-in analysis (what a worker can run). */
export interface PowerReplicatesTask {
  design: SimulationDesign;
  seed: number;
  stream: 0 | 1;
  from: number;
  to: number;
  analysis: BuiltInAnalysis;
}

export function runPowerReplicates(t: PowerReplicatesTask, done: (n: number) => void): ReplicateOutcome[] {
  const analyse = builtInAnalysis(t.analysis);
  const out: ReplicateOutcome[] = [];
  for (let i = t.from; i < t.to; i++) {
    out.push(runReplicate(t.design, t.seed, t.stream, i, analyse));
    done(1);
  }
  return out;
}
