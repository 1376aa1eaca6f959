/**
 * Multiple imputation for the partially nested trial: the joint multilevel model's Gibbs sampler
 * (gibbs.ts) burned in once, then m branches from that state, each run `between` sweeps on its
 * own generator and giving one completed dataset, under MAR or a reference-based rule,
 * optionally δ-adjusted after dropout (delta.ts). Branch l's generator is a pure function of the
 * seed and l (random/streams.ts), so imputation l is the same whatever the thread count or m.
 */
import { dict } from '../data/own.js';
import { ArgumentError, type Diagnostic } from '../errors/index.js';
import { checkInteger, checkOneOf, checkOptions, checkSeed, LIMITS, optionKeys } from '../errors/checks.js';
import type { ModelData } from '../models/data-input.js';
import { createRng } from '../random/rng.js';
import { burnInState, setupModel, type ModelSetup, type Strategy } from './gibbs.js';
import { checkThreads, ranges, runTasks } from '../parallel/engine.js';
import type { ThreadingOptions } from '../parallel/types.js';
import { toWide, type ImputationColumns, type WideData } from './wide.js';
import { checkDelta, deltaShift, type DeltaSpec } from './delta.js';

/** Options of {@link multipleImputation}. */
export interface MultipleImputationOptions extends ImputationColumns, ThreadingOptions {
  /**
   * Number of imputations (completed datasets).
   * @defaultValue 20
   */
  m?: number;
  /** @defaultValue 1 */
  seed?: number;
  /**
   * Gibbs sweeps of the shared burn-in, from the arm × visit means, before the first imputation.
   * @defaultValue 200
   */
  burnIn?: number;
  /**
   * Gibbs sweeps of each imputation's own branch from the burned-in state (as jomo's
   * `nbetween`): the branches share a start and nothing else, so this many sweeps must make
   * them independent. The sampler's autocorrelation is below 0.05 by lag 5 on SFT-shaped data
   * (docs/methods/missing-data.md).
   * @defaultValue 20
   */
  between?: number;
  /** Called after each imputation with the number done. @defaultValue none */
  onProgress?: (progress: { done: number; total: number }) => void;
  /**
   * How the treated arms' scores after dropout are imputed: `MAR` (own arm), or reference-based as
   * rbmi defines them with the control arm as reference: `J2R` jump to reference, `CR` copy
   * reference, `CIR` copy increments in reference. Missed visits before the last observed one are
   * always imputed under MAR.
   * @defaultValue 'MAR'
   */
  strategy?: Strategy;
  /**
   * δ added to imputed scores after dropout, per arm: one number for every follow-up visit, or one
   * per follow-up visit (in `visits` order, baseline excluded). Negative = worse on a scale where
   * higher is better.
   * @defaultValue no adjustment
   */
  delta?: DeltaSpec;
  /**
   * With `delta`: add δ once per visit since dropout (δ at the first missed visit, 2δ at the
   * next, …) rather than the visit's δ alone.
   * @defaultValue false
   */
  deltaCumulative?: boolean;
  /**
   * Column added to each completed row: the participant's baseline score (for ANCOVA analyses).
   * @defaultValue 'baseline'
   */
  baselineColumn?: string;
  /**
   * Column added to each completed row: `true` where the outcome was imputed.
   * @defaultValue 'imputed'
   */
  imputedColumn?: string;
}

const KEYS = optionKeys<MultipleImputationOptions>()([
  'id',
  'visit',
  'outcome',
  'arm',
  'control',
  'visits',
  'cluster',
  'covariates',
  'm',
  'seed',
  'burnIn',
  'between',
  'onProgress',
  'threads',
  'pool',
  'strategy',
  'delta',
  'deltaCumulative',
  'baselineColumn',
  'imputedColumn',
]);

/** Upper limits on m (imputations) and on the sweeps of the burn-in and of each branch. */
export const MI_LIMITS = { m: 10_000, burnIn: 1_000_000, between: 1_000_000 } as const;

/**
 * Sweeps × participants (m · between · N) from which `threads: 'auto'` starts workers: below it
 * the imputations take well under a second on one thread (~0.1 µs per participant-sweep measured
 * here), less than starting two workers and sending them the model.
 */
export const AUTO_IMPUTATION_WORK = 2_000_000;

/** A completed row: the participant's columns, visit, outcome, baseline and the imputed flag. */
export type CompletedRow = Record<string, string | number | boolean | null>;

export interface MultipleImputation {
  kind: 'multiple-imputation';
  m: number;
  /** The m completed datasets in long form: every participant at every visit (baseline included). */
  completed: CompletedRow[][];
  /** Participants, follow-up visits, and how many follow-up scores were imputed (by arm and visit). */
  nParticipants: number;
  missing: { arm: string; visit: string; n: number; missing: number; afterDropout: number }[];
  strategy: Strategy;
  delta: DeltaSpec | null;
  deltaCumulative: boolean;
  settings: { seed: number; burnIn: number; between: number; groups: number; covariates: string[]; threads: number };
  /** E.g. `worker-fallback` when workers were asked for and could not run. */
  diagnostics: Diagnostic[];
  method: string;
}

/** What delta adjustment and tipping-point analyses reuse: the undelta'd imputations and the layout. */
export interface ImputationState {
  wide: WideData;
  model: ModelSetup;
  /** Per imputation: N × K imputed follow-ups on the outcome scale (observed ones as observed). */
  imputed: Float64Array[];
  options: Required<Pick<MultipleImputationOptions, 'id' | 'visit' | 'outcome' | 'arm' | 'baselineColumn' | 'imputedColumn'>> & { cluster?: string; covariates: string[] };
  data: ModelData;
}
const states = new WeakMap<MultipleImputation, ImputationState>();
export function imputationState(mi: MultipleImputation): ImputationState {
  const s = states.get(mi);
  if (!s) throw new ArgumentError('imputation', mi, 'a result of multipleImputation() made in this session');
  return s;
}

function checkImputationOptions(options: MultipleImputationOptions): void {
  checkOptions('options', options, KEYS);
  for (const k of ['id', 'visit', 'outcome', 'arm', 'control'] as const) {
    if (typeof options[k] !== 'string' || options[k] === '') throw new ArgumentError(`options.${k}`, options[k], 'a column name (text)');
  }
  if (options.cluster !== undefined && (typeof options.cluster !== 'string' || options.cluster === '')) throw new ArgumentError('options.cluster', options.cluster, 'a column name (text)');
  if (!Array.isArray(options.visits) || options.visits.length < 2 || options.visits.some((v) => typeof v !== 'string')) {
    throw new ArgumentError('options.visits', options.visits, 'the visit levels in time order, baseline first, at least one follow-up (text)');
  }
  if (new Set(options.visits).size !== options.visits.length) throw new ArgumentError('options.visits', options.visits, 'distinct visit levels');
  if (options.visits.length > 31) throw new ArgumentError('options.visits', `${options.visits.length} visits`, 'at most 31 visits');
  if (options.covariates !== undefined && (!Array.isArray(options.covariates) || options.covariates.some((c) => typeof c !== 'string'))) {
    throw new ArgumentError('options.covariates', options.covariates, 'an array of column names');
  }
  if (options.m !== undefined) checkInteger('options.m', options.m, 2, MI_LIMITS.m, 'Rubin’s rules need at least 2 imputations (the between-imputation variance); 20–50 are usual.');
  if (options.seed !== undefined) checkSeed(options.seed, 'options.seed');
  if (options.burnIn !== undefined) checkInteger('options.burnIn', options.burnIn, 1, MI_LIMITS.burnIn);
  if (options.between !== undefined) checkInteger('options.between', options.between, 1, MI_LIMITS.between);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') throw new ArgumentError('options.onProgress', options.onProgress, 'a function');
  checkThreads(options.threads ?? 'auto', 'options.threads');
  if (options.strategy !== undefined) checkOneOf('options.strategy', options.strategy, ['MAR', 'J2R', 'CR', 'CIR']);
  if (options.deltaCumulative !== undefined && typeof options.deltaCumulative !== 'boolean') throw new ArgumentError('options.deltaCumulative', options.deltaCumulative, 'true or false');
  for (const k of ['baselineColumn', 'imputedColumn'] as const) {
    if (options[k] !== undefined && (typeof options[k] !== 'string' || options[k] === '')) throw new ArgumentError(`options.${k}`, options[k], 'a column name (text)');
  }
  void LIMITS;
}

/**
 * Multiple imputation of the follow-up scores of a (partially nested) trial from a joint multilevel
 * model: arm × visit means, baseline (and covariates) × visit, an unstructured participant
 * covariance across visits, and therapy-group effects at each visit in the treated arm only. Proper:
 * each imputation is drawn with the parameters drawn from their posterior (Gibbs sampler; see
 * docs/methods/missing-data.md). The imputations run on worker threads when there are enough
 * of them (`threads`, `pool`; Node only) with results identical to the calling thread's. Analyse each completed dataset and pool with `poolFits`,
 * `poolContrasts` or `poolEstimates`.
 *
 * @throws ArgumentError for bad options or data (duplicated visits, unknown visit levels, missing
 *   baseline, a control with a therapy group, …), naming the row and field.
 * @throws NotEstimableError when an arm has fewer than 2 observed scores at a follow-up visit.
 * @example
 * const mi = await multipleImputation(rows, { id: 'id', visit: 'visit', outcome: 'score', arm: 'arm', control: 'control', visits: ['baseline', '9m', '15m'], cluster: 'group', m: 5, seed: 7 });
 * const fits = mi.completed.map((d) => fitOls('score ~ arm + baseline', d.filter((r) => r.visit === '9m')));
 * poolFits(fits).rows.find((r) => r.label === 'armSFT');
 */
export async function multipleImputation(data: ModelData, options: MultipleImputationOptions): Promise<MultipleImputation> {
  checkImputationOptions(options);
  const wide = toWide(data, options);
  if (options.delta !== undefined) checkDelta('options.delta', options.delta, wide);
  const m = options.m ?? 20;
  const seed = options.seed ?? 1;
  const burnIn = options.burnIn ?? 200;
  const strategy = options.strategy ?? 'MAR';
  const model = setupModel(wide);
  if (wide.N <= model.p + wide.K) throw new ArgumentError('data', `${wide.N} participants`, `more than ${model.p + wide.K} participants (the model's ${model.p} coefficients per visit plus ${wide.K} visits)`);
  const between = options.between ?? 20;
  const start = burnInState(model, createRng(seed), burnIn);
  const run = await runTasks(
    {
      kind: 'imputation-branches',
      split: (parts) => ranges(m, parts).map(([from, to]) => ({ model, start, between, strategy, seed, from, to })),
      worthThreads: m * between * wide.N >= AUTO_IMPUTATION_WORK,
      ...(options.onProgress ? { onProgress: (done: number) => options.onProgress!({ done, total: m }) } : {}),
      label: 'the imputation',
    },
    options,
  );
  const imputed = run.outputs.flat();
  const baselineColumn = options.baselineColumn ?? 'baseline';
  const imputedColumn = options.imputedColumn ?? 'imputed';
  const covariates = options.covariates ?? [];
  const state: ImputationState = {
    wide,
    model,
    imputed,
    options: { id: options.id, visit: options.visit, outcome: options.outcome, arm: options.arm, baselineColumn, imputedColumn, covariates, ...(options.cluster ? { cluster: options.cluster } : {}) },
    data,
  };
  const deltaCumulative = options.deltaCumulative ?? false;
  const result: MultipleImputation = {
    kind: 'multiple-imputation',
    m,
    completed: [],
    nParticipants: wide.N,
    missing: missingTable(wide),
    strategy,
    delta: options.delta ?? null,
    deltaCumulative,
    diagnostics: run.diagnostics,
    settings: { seed, burnIn, between, groups: wide.clusterLevels.length, covariates, threads: run.threadsUsed },
    method:
      `joint multilevel model (arm × visit means, baseline${covariates.length ? ' and covariates' : ''} × visit, unstructured covariance across visits` +
      `${wide.clusterLevels.length ? ', therapy-group effects in the treated arm' : ''}); Gibbs sampler, ${burnIn} burn-in sweeps then ${m} branches of ${between} sweeps; ` +
      `${strategy === 'MAR' ? 'missing at random' : `${strategy} after dropout (reference: ${options.control})`}${options.delta ? `; δ-adjusted after dropout${deltaCumulative ? ' (cumulative)' : ''}` : ''}`,
  };
  // The completed datasets as row objects are formed when first read: building m × N × (K + 1)
  // objects costs more than the imputation itself, and fitImputations / tippingPoint read the
  // imputed arrays instead. The property stays an ordinary enumerable value once formed.
  let formed: CompletedRow[][] | null = null;
  Object.defineProperty(result, 'completed', {
    enumerable: true,
    configurable: true,
    get: () => (formed ??= imputed.map((Y) => completedRows(state, Y, options.delta ?? null, deltaCumulative))),
  });
  states.set(result, state);
  return result;
}

function missingTable(w: WideData): MultipleImputation['missing'] {
  const out: MultipleImputation['missing'] = [];
  for (let a = 0; a < w.armLevels.length; a++) {
    for (let k = 0; k < w.K; k++) {
      let n = 0;
      let miss = 0;
      let after = 0;
      for (let i = 0; i < w.N; i++) {
        if (w.arm[i] !== a) continue;
        n++;
        if (Number.isNaN(w.Y[i * w.K + k]!)) {
          miss++;
          if (k > w.lastObserved[i]!) after++;
        }
      }
      out.push({ arm: w.armLevels[a]!, visit: w.visitLevels[k + 1]!, n, missing: miss, afterDropout: after });
    }
  }
  return out;
}

/** Participant i's completed score at follow-up k: observed, or imputed plus δ after dropout. */
export function completedValue(w: WideData, Y: Float64Array, i: number, k: number, delta: DeltaSpec | null, cumulative: boolean): number {
  const missing = Number.isNaN(w.Y[i * w.K + k]!);
  let y = missing ? Y[i * w.K + k]! : w.Y[i * w.K + k]!;
  if (missing && delta) y += deltaShift(delta, w, i, k, cumulative);
  return y;
}

/** Long completed rows from N × K imputed follow-ups (outcome scale), with δ after dropout. */
export function completedRows(s: ImputationState, Y: Float64Array, delta: DeltaSpec | null, cumulative: boolean): CompletedRow[] {
  const { wide: w, options: o } = s;
  const { N, K } = w;
  const rows: CompletedRow[] = [];
  for (let i = 0; i < N; i++) {
    const base: CompletedRow = dict<string | number | boolean | null>();
    base[o.id] = w.ids[i]!;
    base[o.arm] = w.armLevels[w.arm[i]!]!;
    if (o.cluster) base[o.cluster] = w.cluster[i]! >= 0 ? w.clusterLevels[w.cluster[i]!]! : null;
    o.covariates.forEach((c, j) => (base[c] = w.covariates[j]![i]!));
    base[o.baselineColumn] = w.baseline[i]!;
    rows.push({ ...base, [o.visit]: w.visitLevels[0]!, [o.outcome]: w.baseline[i]!, [o.imputedColumn]: false });
    for (let k = 0; k < K; k++) {
      const missing = Number.isNaN(w.Y[i * K + k]!);
      rows.push({ ...base, [o.visit]: w.visitLevels[k + 1]!, [o.outcome]: completedValue(w, Y, i, k, delta, cumulative), [o.imputedColumn]: missing });
    }
  }
  return rows;
}
