/**
 * Fitting one model to every completed dataset of a multiple imputation, building the model
 * frame once: between completed datasets only the imputed outcome differs, so the parsed
 * formula, the encoded factors, the design and random-effects layout and the cluster grouping
 * are shared, and each dataset is a refit to a new response (on worker threads when asked).
 */
import { ArgumentError, type Diagnostic } from '../errors/index.js';
import { checkOptions, isPlainObject, optionKeys } from '../errors/checks.js';
import { parseFormula } from '../formula/parse.js';
import { lmmFrame } from '../models/lmm/fit.js';
import type { LmmFit, LmmOptions } from '../models/lmm/types.js';
import { checkOlsOptions, olsFrame } from '../models/ols/fit.js';
import type { OlsFit, OlsOptions } from '../models/ols/types.js';
import { checkThreads, ranges, runTasks } from '../parallel/engine.js';
import type { ThreadingOptions } from '../parallel/types.js';
import { completedRows, completedValue, imputationState, type CompletedRow, type MultipleImputation } from './impute.js';
import type { RefitTask } from './refits.js';

/** Options of {@link fitImputations}. */
export interface FitImputationsOptions<M extends 'lmm' | 'ols'> extends ThreadingOptions {
  /** The model: a linear mixed model (`fitLmm`) or least squares (`fitOls`). */
  model: M;
  /** The model's options, as `fitLmm` or `fitOls` take them. @defaultValue {} */
  options?: M extends 'lmm' ? LmmOptions : OlsOptions;
  /**
   * Rows to analyse, by column value, e.g. `{ visit: '9m' }` or `{ visit: ['9m', '15m'] }`.
   * @defaultValue every row (baseline included)
   */
  where?: Record<string, string | number | boolean | (string | number | boolean)[]>;
  /** Called after each fit with the number done. @defaultValue none */
  onProgress?: (progress: { done: number; total: number }) => void;
}

const KEYS = optionKeys<FitImputationsOptions<'lmm' | 'ols'>>()(['model', 'options', 'where', 'threads', 'pool', 'onProgress']);

/** The fits of {@link fitImputations}, one per completed dataset, for `poolFits`, `poolContrasts`, `poolMarginalMeans`. */
export interface ImputationFits<F> {
  fits: F[];
  threadsUsed: number;
  diagnostics: Diagnostic[];
}


/**
 * Fit one model to every completed dataset of `mi`, the model frame built once (formula parsed,
 * factors encoded, design and random-effects layout formed, clusters grouped) and each dataset a
 * refit to its own imputed outcome: the same numbers as calling `fitLmm` / `fitOls` on each
 * completed dataset, for a fraction of the work. The formula's response must be the imputed
 * outcome (other columns are the same in every completed dataset). Pool the fits with
 * `poolFits`, `poolContrasts` or `poolMarginalMeans`. With `threads: 'auto'` the fits run on the
 * calling thread (pooling fits made on workers costs about what the workers save); a number of
 * threads or a `pool` spreads them over workers with the same numbers.
 *
 * @throws ArgumentError for unknown options, a response other than the imputed outcome, a
 *   `where` column that does not exist or selects no row, and anything `fitLmm` / `fitOls` refuse.
 * @example
 * const mi = await multipleImputation(rows, { id: 'id', visit: 'visit', outcome: 'score', arm: 'arm', control: 'control', visits: ['baseline', '9m', '15m'], m: 5, seed: 7 });
 * const { fits } = await fitImputations(mi, 'score ~ arm + baseline', { model: 'ols', where: { visit: '9m' } });
 * poolFits(fits).rows.find((r) => r.label === 'armSFT');
 */
export async function fitImputations(mi: MultipleImputation, formula: string, options: FitImputationsOptions<'lmm'>): Promise<ImputationFits<LmmFit>>;
export async function fitImputations(mi: MultipleImputation, formula: string, options: FitImputationsOptions<'ols'>): Promise<ImputationFits<OlsFit>>;
export async function fitImputations(mi: MultipleImputation, formula: string, options: FitImputationsOptions<'lmm' | 'ols'>): Promise<ImputationFits<LmmFit | OlsFit>> {
  checkOptions('options', options, KEYS);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') throw new ArgumentError('options.onProgress', options.onProgress, 'a function');
  checkThreads(options.threads ?? 'auto', 'options.threads');
  const { task, ys } = prepareRefits(mi, formula, options);
  const run = await runTasks(
    {
      kind: 'refits',
      split: (parts) => ranges(ys.length, parts).map(([a, b]) => ({ ...task, ys: ys.slice(a, b) })),
      // `threads: 'auto'` stays on the calling thread: a fit made on a worker comes back as data,
      // and pooling rebuilds its objective here (a pass over its rows), which cost about what a
      // second thread saved (50 fits of 600 rows: 275 ms on one thread, 351 ms on two, 2 cores).
      worthThreads: false,
      ...(options.onProgress ? { onProgress: (done: number) => options.onProgress!({ done, total: ys.length }) } : {}),
      label: 'the fits',
    },
    options,
  );
  return { fits: run.outputs.flat(), threadsUsed: run.threadsUsed, diagnostics: run.diagnostics };
}

/** What refitting needs: the frame (and clusters) built once from the first completed dataset, and each dataset's responses. */
export interface PreparedRefits {
  task: RefitTask;
  ys: Float64Array[];
  /** Each frame row's participant (index in the wide layout). */
  participant: Int32Array;
  /** Each frame row's follow-up visit (0 … K − 1), or −1 for the baseline row. */
  followUp: Int32Array;
}

/** The shared stage of {@link fitImputations} and the tipping point's refits (options checked by the caller). */
export function prepareRefits(mi: MultipleImputation, formula: string, options: Pick<FitImputationsOptions<'lmm' | 'ols'>, 'model' | 'options' | 'where'>): PreparedRefits {
  const state = imputationState(mi);
  if (options.model !== 'lmm' && options.model !== 'ols') throw new ArgumentError('options.model', options.model, "'lmm' or 'ols'");
  if (options.options !== undefined && !isPlainObject(options.options)) throw new ArgumentError('options.options', options.options, `the options of ${options.model === 'lmm' ? 'fitLmm' : 'fitOls'}`);
  const outcome = state.options.outcome;
  const parsed = parseFormula(formula);
  if (parsed.response !== outcome) {
    throw new ArgumentError('formula', formula, `a model of the imputed outcome "${outcome}" (its response); for other analyses fit each of mi.completed yourself`);
  }
  // The first completed dataset as rows, for the frame; the others' responses come straight from
  // the imputed arrays (completedValue: what their rows would hold), so no rows are formed for them.
  const rows0 = completedRows(state, state.imputed[0]!, mi.delta, mi.deltaCumulative);
  const keep = rowFilter(options.where, rows0);
  const selected: number[] = [];
  rows0.forEach((r, j) => keep(r) && selected.push(j));
  const first = selected.map((j) => rows0[j]!);
  let task: RefitTask;
  if (options.model === 'lmm') {
    const o = (options.options ?? {}) as LmmOptions;
    task = { model: 'lmm', frame: lmmFrame(formula, first, o), options: o, ys: [] };
  } else {
    const o = (options.options ?? {}) as OlsOptions;
    checkOlsOptions(o);
    if (parsed.random.length > 0) throw new ArgumentError('formula', formula, "a formula without random-effects terms for model 'ols'");
    const { frame, clusters } = olsFrame(parsed, first, o);
    task = { model: 'ols', frame, options: o, clusters, ys: [] };
  }
  // Every completed dataset has the same rows in the same order (completedRows), so the frame's
  // rows pick each dataset's responses.
  const rows = task.frame.rows;
  const w = state.wide;
  // Completed rows are participant-major: the baseline row, then the K follow-ups.
  const participant = new Int32Array(rows.length);
  const followUp = new Int32Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const j = selected[rows[r]!]!;
    participant[r] = Math.floor(j / (w.K + 1));
    followUp[r] = (j % (w.K + 1)) - 1;
  }
  const ys = state.imputed.map((Y) => {
    const y = new Float64Array(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const i = participant[r]!;
      const k = followUp[r]!;
      y[r] = k < 0 ? w.baseline[i]! : completedValue(w, Y, i, k, mi.delta, mi.deltaCumulative);
    }
    return y;
  });
  return { task, ys, participant, followUp };
}

function rowFilter(where: FitImputationsOptions<'lmm'>['where'], sample: CompletedRow[]): (r: CompletedRow) => boolean {
  if (where === undefined) return () => true;
  if (!isPlainObject(where)) throw new ArgumentError('options.where', where, 'an object { column: value or [values] }');
  const tests = Object.entries(where).map(([col, v]) => {
    if (sample.length > 0 && !(col in sample[0]!)) throw new ArgumentError(`options.where.${col}`, col, `a column of the completed data (${Object.keys(sample[0]!).join(', ')})`);
    const set = new Set(Array.isArray(v) ? v : [v]);
    return (r: CompletedRow) => set.has(r[col] as string | number | boolean);
  });
  const keep = (r: CompletedRow) => tests.every((t) => t(r));
  if (!sample.some(keep)) throw new ArgumentError('options.where', where, 'values that select at least one row of the completed data');
  return keep;
}
