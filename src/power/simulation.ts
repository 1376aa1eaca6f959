/**
 * Power by simulation: trials drawn by the columnar SFT generator (partially nested groups,
 * participant random intercepts, MAR dropout), each analysed by the primary mixed model or a
 * user's analysis, rejections counted with a Monte Carlo interval, and the type-I error from
 * the same call (the same designs with effect 0).
 *
 * Reproducibility: replicate i of stream s (0 = power, 1 = type-I error) draws its trial from
 * the seed `replicateSeed(seed, s, i)`, a pure function of the master seed and (s, i). The
 * result therefore does not depend on the order in which replicates run, which is what makes a
 * split over worker threads bit-identical to a sequential run (each thread takes a block of i).
 */
import { ArgumentError, type Diagnostic } from '../errors/index.js';
import { checkBoolean, checkCiLevel, checkFinite, checkInteger, checkOneOf, checkOptions, checkSeed, LIMITS, optionKeys } from '../errors/checks.js';
import { analysesFailed, typeIErrorInflated, workerFallback } from '../errors/diagnostics.js';
import { proportionInterval } from '../inference/proportion-interval.js';
import { simulateLongColumns, type LongColumns, type LongColumnsOptions } from '../simulate/columns.js';
import type { DdfMethod } from '../models/lmm/types.js';
import { replicateSeed } from '../random/streams.js';
import { checkThreads, ranges, runTasks, sharedPool } from '../parallel/engine.js';
import type { ThreadingOptions } from '../parallel/types.js';
import { resolveDesign, type PartiallyNestedDesign } from './analytic.js';
import { runReplicate, type AnalyseFunction, type BuiltInAnalysis, type ReplicateOutcome, type SimulationDesign } from './replicates.js';
import type { Estimate } from '../results/types.js';

export { replicateSeed } from '../random/streams.js';
export { primaryLmmAnalysis, type AnalyseFunction, type SimulationDesign } from './replicates.js';

/**
 * Progress of a power simulation, after each replicate. `rejections` and `failures` count the
 * replicates whose outcomes are in (after each replicate on the calling thread with a function
 * analysis; after each batch of `checkEvery`, or the whole stream, otherwise).
 */
export interface PowerProgress {
  phase: 'power' | 'typeI';
  done: number;
  total: number;
  rejections: number;
  failures: number;
}

/**
 * Options of {@link powerBySimulation}. With the default analysis the replicates run on worker
 * threads (`threads`, `pool`; Node only) with results identical to the calling thread's; a
 * function `analyse` cannot cross to a worker and runs on the calling thread.
 */
export interface PowerSimulationOptions extends ThreadingOptions {
  /**
   * The trial: participants, groups, visits with retention, the instrument's effect (SD units),
   * participant share of the variance, therapy-group SD, MAR dropout slope.
   * @defaultValue the SFT trial (`simulateLongColumns` defaults: 304 participants, groups of 7–9,
   * three visits with 80 % and 66 % retention, PSP effect 0.3 SD, group SD 0.15)
   */
  design?: SimulationDesign;
  /**
   * Trials simulated for the power (and again for the type-I error).
   * @defaultValue 1000
   */
  replicates?: number;
  /** @defaultValue 1 */
  seed?: number;
  /**
   * Significance level of each test.
   * @defaultValue 0.05
   */
  alpha?: number;
  /**
   * The analysis. Default: the primary mixed model `score ~ arm * visit + (1 | id)` with the
   * therapy groups as a partially nested random intercept and Satterthwaite df, testing the
   * arm × visit coefficient of `visit`.
   * @defaultValue the primary mixed model
   */
  analyse?: AnalyseFunction;
  /**
   * The built-in analysis when `analyse` is not given (these run on worker threads):
   * `'primary'`, the primary mixed model's arm × visit test; or the arm effect at `visit` from
   * the partially nested model on that visit's rows: `'posttest'` (`score ~ arm`), `'ancova'`
   * (`score ~ arm + baseline`) or `'change'` (score − baseline `~ arm`), as the analytic power's
   * `analysis`.
   * @defaultValue 'primary'
   */
  analysis?: 'primary' | 'posttest' | 'ancova' | 'change';
  /**
   * The follow-up visit (index into the design's visits, ≥ 1) whose arm × visit contrast the
   * default analysis tests.
   * @defaultValue the first visit with the largest effect multiplier
   */
  visit?: number;
  /**
   * Denominator df of the default analysis.
   * @defaultValue 'Satterthwaite'
   */
  ddf?: DdfMethod;
  /**
   * Also estimate the type-I error: the same design with effect 0 (therapy groups still vary).
   * @defaultValue true
   */
  typeI?: boolean;
  /**
   * Stop early once the power's Monte Carlo interval lies wholly above or below this target
   * (checked every `checkEvery` replicates, from 2 × `checkEvery` on).
   * @defaultValue none (no early stopping)
   */
  target?: number;
  /** @defaultValue 50 */
  checkEvery?: number;
  /**
   * Monte Carlo interval of the rejection rates.
   * @defaultValue 'wilson'
   */
  ciMethod?: 'wilson' | 'clopper-pearson';
  /** @defaultValue 0.95 */
  ciLevel?: number;
  /** Called after each replicate. @defaultValue none */
  onProgress?: (progress: PowerProgress) => void;
}

/** A rejection rate with its Monte Carlo interval. */
export interface RejectionRate extends Estimate {
  rejections: number;
  /** Replicates whose analysis gave a p-value. */
  n: number;
  /** Replicates run (n + failures). */
  replicates: number;
  failures: FailureSummary;
  method: string;
}

/** Failed analyses by reason: never dropped silently. */
export interface FailureSummary {
  count: number;
  byReason: { reason: string; count: number; replicates: number[] }[];
}

/** Result of {@link powerBySimulation}. */
export interface PowerSimulationResult {
  power: RejectionRate;
  typeIError: RejectionRate | null;
  alpha: number;
  seed: number;
  replicatesRequested: number;
  stoppedEarly: boolean;
  stopReason: string | null;
  analysis: string;
  /** The true effect (score units) at the tested visit and the design's therapy-group ICC there. */
  truth: { effectRaw: number | null; groupIcc: number | null; nParticipants: number; nGroups: number };
  method: string;
  diagnostics: Diagnostic[];
}

const KEYS = optionKeys<PowerSimulationOptions>()([
  'design',
  'replicates',
  'seed',
  'alpha',
  'analyse',
  'analysis',
  'visit',
  'ddf',
  'typeI',
  'target',
  'checkEvery',
  'ciMethod',
  'ciLevel',
  'onProgress',
  'threads',
  'pool',
]);

/** Replicates from which `threads: 'auto'` starts workers (each fit takes ~10 ms; starting a worker ~50). */
const WORTH_THREADS = 40;

interface Tally {
  rejections: number;
  n: number;
  run: number;
  failures: Map<string, number[]>;
}

function rate(t: Tally, ciMethod: 'wilson' | 'clopper-pearson', ciLevel: number): RejectionRate {
  const failures: FailureSummary = {
    count: t.run - t.n,
    byReason: [...t.failures].map(([reason, reps]) => ({ reason, count: reps.length, replicates: reps.slice(0, 20) })).sort((a, b) => b.count - a.count),
  };
  const method = `rejections / analysed replicates, ${ciMethod === 'wilson' ? 'Wilson' : 'Clopper–Pearson'} Monte Carlo interval`;
  if (t.n === 0) return { estimate: null, ci: null, ciLevel, rejections: 0, n: 0, replicates: t.run, failures, method };
  const pi = proportionInterval(t.rejections, t.n, { method: ciMethod, ciLevel });
  return { estimate: pi.estimate, ci: pi.ci, ciLevel, rejections: t.rejections, n: t.n, replicates: t.run, failures, method };
}

/**
 * Power of an analysis of a partially nested trial by simulation, with a Monte Carlo interval,
 * and the type-I error of the same analysis (effect 0) from the same call.
 *
 * Each replicate draws a trial with `simulateLongColumns` from its own seed (see
 * {@link replicateSeed}) and analyses it; an analysis that throws or gives no p-value is a
 * failure, counted and listed by reason, and the rates are over the analysed replicates.
 * With the default analysis, replicates run on worker threads when there are enough of them
 * (`threads: 'auto'`, Node only); results depend only on the seed, not on the threads.
 *
 * @throws ArgumentError for bad options (including the design's, checked before any fit).
 * @example
 * const r = await powerBySimulation({ design: { nParticipants: 120 }, replicates: 20, seed: 7, typeI: false });
 * r.power.n + r.power.failures.count; // 20
 */
export async function powerBySimulation(options: PowerSimulationOptions = {}): Promise<PowerSimulationResult> {
  const o = checkOptions('options', options, KEYS);
  const replicates = checkInteger('options.replicates', o.replicates ?? 1000, 1, LIMITS.replicates);
  const seed = checkSeed(o.seed ?? 1, 'options.seed');
  const alpha = checkFinite('options.alpha', o.alpha ?? 0.05, 0, 1);
  if (!(alpha > 0 && alpha < 1)) throw new ArgumentError('options.alpha', alpha, 'a significance level strictly between 0 and 1');
  if (o.analyse !== undefined && typeof o.analyse !== 'function') throw new ArgumentError('options.analyse', o.analyse, 'a function (data, replicate) => p-value');
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') throw new ArgumentError('options.onProgress', o.onProgress, 'a function');
  checkBoolean('options.typeI', o.typeI);
  const ddf = checkOneOf('options.ddf', o.ddf ?? 'Satterthwaite', ['Satterthwaite', 'Kenward-Roger', 'asymptotic'] as const);
  const ciMethod = checkOneOf('options.ciMethod', o.ciMethod ?? 'wilson', ['wilson', 'clopper-pearson'] as const);
  const ciLevel = checkCiLevel(o.ciLevel ?? 0.95, 'options.ciLevel');
  const target = o.target === undefined ? null : checkFinite('options.target', o.target, 0, 1);
  const checkEvery = checkInteger('options.checkEvery', o.checkEvery ?? 50, 1, LIMITS.replicates);
  checkThreads(o.threads ?? 'auto', 'options.threads');
  if (o.design !== undefined && (typeof o.design !== 'object' || o.design === null)) throw new ArgumentError('options.design', o.design, 'a design object');
  const design = (o.design ?? {}) as SimulationDesign;
  if ('seed' in design || 'clusterWithoutEffect' in design) {
    throw new ArgumentError('options.design.seed', (design as LongColumnsOptions).seed, 'no seed in the design (options.seed seeds every replicate)');
  }
  // Draw one trial up front: checks the design (named errors before any fit) and gives the truth.
  let probe: LongColumns;
  try {
    probe = simulateLongColumns({ ...design, seed: replicateSeed(seed, 0, 0) });
  } catch (e) {
    if (e instanceof ArgumentError) throw new ArgumentError(e.argument.replace(/^options\./, 'options.design.'), e.value, e.expected);
    throw e;
  }
  const visits = probe.truth.visits;
  let visit: number;
  if (o.visit !== undefined) visit = checkInteger('options.visit', o.visit, 1, visits.length - 1, `a follow-up visit index of ${visits.map((v) => v.name).join(', ')}`);
  else {
    if (visits.length < 2) throw new ArgumentError('options.design.visits', visits.length, 'at least two visits (baseline and a follow-up)');
    visit = 1;
    for (let v = 2; v < visits.length; v++) if (visits[v]!.effectMultiplier > visits[visit]!.effectMultiplier) visit = v;
  }
  if (o.analyse !== undefined && o.analysis !== undefined) throw new ArgumentError('options.analysis', o.analysis, 'nothing when options.analyse is given (one analysis)');
  const kind = checkOneOf('options.analysis', o.analysis ?? 'primary', ['primary', 'posttest', 'ancova', 'change'] as const);
  const analysis: BuiltInAnalysis = { kind, visit, ddf };
  const analysisName = o.analyse
    ? 'user-supplied analysis'
    : kind === 'primary'
      ? `primary mixed model score ~ arm * visit + (1 | id) + therapy groups (partially nested), ${ddf} df, test of arm × visit at "${visits[visit]!.name}"`
      : `${kind === 'posttest' ? 'score ~ arm' : kind === 'ancova' ? 'score ~ arm + baseline' : 'change from baseline ~ arm'} at "${visits[visit]!.name}" with therapy groups (partially nested), ${ddf} df`;

  // Replicates run in batches: of `checkEvery` when a target can stop the run early (so the
  // stopping rule sees the same replicates whatever the threads), else the whole stream at once.
  const diagnostics: Diagnostic[] = [];
  const shared = await sharedPool(o, !o.analyse && replicates >= WORTH_THREADS, 'the simulation');
  diagnostics.push(...shared.diagnostics);
  if (o.analyse && typeof o.threads === 'number' && o.threads > 1) {
    diagnostics.push(workerFallback('A function analysis cannot be sent to worker threads', 'the replicates'));
  }
  const runStream = async (stream: 0 | 1, total: number): Promise<{ tally: Tally; stopReason: string | null }> => {
    const tally: Tally = { rejections: 0, n: 0, run: 0, failures: new Map() };
    const phase = stream === 0 ? 'power' : 'typeI';
    const progress = (done: number): void => o.onProgress?.({ phase, done, total, rejections: tally.rejections, failures: tally.run - tally.n });
    const add = (i: number, r: ReplicateOutcome): void => {
      tally.run++;
      if (r.reason !== null) {
        const list = tally.failures.get(r.reason);
        if (list) list.push(i);
        else tally.failures.set(r.reason, [i]);
      } else {
        tally.n++;
        if (r.p < alpha) tally.rejections++;
      }
    };
    const batch = stream === 0 && target !== null ? checkEvery : total;
    for (let from = 0; from < total; from += batch) {
      const to = Math.min(total, from + batch);
      if (o.analyse) {
        for (let i = from; i < to; i++) {
          add(i, runReplicate(design, seed, stream, i, o.analyse));
          progress(i + 1);
        }
      } else {
        const run = await runTasks(
          {
            kind: 'power-replicates',
            split: (parts) => ranges(to - from, parts).map(([a, b]) => ({ design, seed, stream, from: from + a, to: from + b, analysis })),
            worthThreads: false,
            onProgress: (done) => progress(from + done),
            label: 'the simulation',
          },
          shared.threading,
        );
        diagnostics.push(...run.diagnostics);
        let i = from;
        for (const part of run.outputs) for (const r of part) add(i++, r);
      }
      if (stream === 0 && target !== null && tally.run % checkEvery === 0 && tally.run >= 2 * checkEvery && tally.n > 0 && tally.run < total) {
        const ci = proportionInterval(tally.rejections, tally.n, { method: ciMethod, ciLevel }).ci;
        if (ci[0] > target || ci[1] < target) {
          return { tally, stopReason: `after ${tally.run} replicates the ${ciLevel * 100} % interval [${ci[0].toFixed(3)}, ${ci[1].toFixed(3)}] lies wholly ${ci[0] > target ? 'above' : 'below'} the target ${target}` };
        }
      }
    }
    return { tally, stopReason: null };
  };

  let main: Awaited<ReturnType<typeof runStream>>;
  let typeI: Awaited<ReturnType<typeof runStream>> | null;
  try {
    main = await runStream(0, replicates);
    typeI = o.typeI === false ? null : await runStream(1, main.tally.run);
  } finally {
    await shared.release();
  }
  const power = rate(main.tally, ciMethod, ciLevel);
  const typeIError = typeI ? rate(typeI.tally, ciMethod, ciLevel) : null;
  for (const [what, r] of [['power', power], ['type-I error', typeIError]] as const) {
    if (r && r.failures.count > 0) {
      diagnostics.push(analysesFailed(what, r.failures.count, r.replicates, r.failures.byReason));
    }
  }
  if (typeIError?.ci && typeIError.ci[0] > alpha) {
    diagnostics.push(typeIErrorInflated(typeIError.estimate!, typeIError.ci, alpha));
  }
  const tv = visits[visit]!;
  const spec = probe.truth.spec;
  const groupSd = probe.truth.groupSd * tv.effectMultiplier;
  return {
    power,
    typeIError,
    alpha,
    seed,
    replicatesRequested: replicates,
    stoppedEarly: main.stopReason !== null,
    stopReason: main.stopReason,
    analysis: analysisName,
    truth: {
      effectRaw: o.analyse ? null : tv.effectMultiplier * spec.effect * spec.sd,
      groupIcc: o.analyse ? null : (groupSd * groupSd) / (1 + groupSd * groupSd),
      nParticipants: probe.nParticipants,
      nGroups: probe.nGroups,
    },
    method: `Monte Carlo: ${main.tally.run} simulated trials (seed ${seed}, one seed per replicate), rejection at α = ${alpha}`,
    diagnostics,
  };
}

/**
 * The generator's design for an analytic design (`partiallyNestedPower`'s), so the two can be
 * compared: k groups of m treated participants (group sizes uniform on whole numbers with the
 * design's coefficient of variation), the controls, one follow-up with the design's retention
 * (MCAR, as the formulas assume), the effect in SD units, the therapy-group SD from the ICC
 * (ICC = σ²_g ÷ (σ²_g + 1) on the unit outcome scale) and the baseline–follow-up correlation as
 * the participants' share of the variance.
 * @throws ArgumentError for a design `partiallyNestedPower` refuses, or a control-arm SD ratio
 *   other than 1 (the generator has one residual SD).
 * @example
 * simulationDesignFor({ nGroups: 10, groupSize: 8, nControls: 80, effect: 0.5, icc: 0.05, retention: 0.8 }).nParticipants; // 160
 */
export function simulationDesignFor(design: PartiallyNestedDesign): SimulationDesign {
  const d = resolveDesign(design);
  if (d.controlSdRatio !== 1) throw new ArgumentError('design.controlSdRatio', d.controlSdRatio, 'a ratio of 1 for a simulation (the generator draws both arms with one residual SD)');
  const m = Math.round(d.groupSize);
  // Uniform on m − h … m + h has variance ((2h + 1)² − 1) / 12.
  const h = Math.min(m - 2, Math.round((Math.sqrt(12 * (d.groupSizeCv * m) ** 2 + 1) - 1) / 2));
  const nTreated = d.nGroups * m;
  const nControls = d.nControls ?? Math.round(d.allocationRatio * nTreated);
  return {
    nParticipants: nTreated + nControls,
    nGroups: d.nGroups,
    treatedShare: nTreated / (nTreated + nControls),
    groupSize: { min: m - Math.max(0, h), max: m + Math.max(0, h) },
    visits: [
      { name: 'baseline', months: 0, retention: 1, effectMultiplier: 0, controlChange: 0 },
      { name: 'follow-up', months: 9, retention: d.retention, effectMultiplier: 1, controlChange: 0 },
    ],
    groupSd: Math.sqrt(d.icc / (1 - d.icc)),
    participantShare: d.baselineCorrelation,
    attritionSlope: 0,
    spec: { effect: d.effect, missingAtVisit: 0 },
  };
}
