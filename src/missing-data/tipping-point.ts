/**
 * Tipping-point analysis (Ratitch, O'Kelly & Tosiello 2013; Cro et al. 2020): the MAR imputations
 * are δ-shifted after dropout over a grid of δ for one or two arms, each grid point's m completed
 * datasets analysed and pooled by Rubin's rules; the tipping point is the δ at which the effect
 * stops being significant, or changes sign, with the other arm's δ at 0.
 */
import { dict } from '../data/own.js';
import { ArgumentError } from '../errors/index.js';
import { checkBoolean, checkCiLevel, checkFinite, checkOptions, isPlainObject, LIMITS, optionKeys } from '../errors/checks.js';
import { completedRows, imputationState, type CompletedRow, type MultipleImputation } from './impute.js';
import { poolRows, type PoolInputRow, type PooledRow } from './pool.js';
import { deltaShift } from './delta.js';
import { prepareRefits } from './fit-imputations.js';
import { runRefits } from './refits.js';
import type { LmmOptions } from '../models/lmm/types.js';
import type { OlsOptions } from '../models/ols/types.js';

/** What the analysis of one completed dataset returns: e.g. a coefficient row of fitOls or fitLmm. */
export interface AnalysisRow {
  estimate: number | null;
  se: number | null;
  df?: number | null;
  estimable?: boolean;
  reason?: string | null;
}

/**
 * The analysis of a tipping point given as a model rather than a function: the model is built
 * once and each completed dataset (at each δ) is a refit to its response (see
 * `fitImputations`), much faster than a function that fits from rows every time.
 */
export interface TippingPointModel {
  /** The formula; its response must be the imputed outcome. */
  formula: string;
  model: 'lmm' | 'ols';
  /** The options of `fitLmm` / `fitOls`. @defaultValue {} */
  options?: LmmOptions | OlsOptions;
  /** Rows to analyse, e.g. `{ visit: '9m' }`. @defaultValue every row */
  where?: Record<string, string | number | boolean | (string | number | boolean)[]>;
  /** The fixed-effects term whose estimate is the effect, e.g. `'armSFT'`. */
  term: string;
}

/** Options of {@link tippingPoint}. */
export interface TippingPointOptions {
  /**
   * δ values (score units, added to imputed scores after dropout) for one or two arms, e.g.
   * `{ control: [-10, -5, 0], SFT: [-10, -5, 0] }`. Arms left out keep δ = 0.
   */
  deltas: Record<string, number[]>;
  /**
   * Add δ once per visit since dropout instead of once.
   * @defaultValue false
   */
  cumulative?: boolean;
  /**
   * Significance level whose loss defines the tipping point.
   * @defaultValue 0.05
   */
  alpha?: number;
  /** @defaultValue 0.95 */
  ciLevel?: number;
  /** Complete-data df for the Barnard–Rubin df. @defaultValue the analysis row's own df */
  dfComplete?: number;
}

const KEYS = optionKeys<TippingPointOptions>()(['deltas', 'cumulative', 'alpha', 'ciLevel', 'dfComplete']);

/** One grid point: the δ of each arm and the pooled effect. */
export interface TippingPointRow extends PooledRow {
  delta: Record<string, number>;
}

/** Where, along one arm's δ with the other arm's at 0, the conclusion changes. */
export interface TippingPointSummary {
  arm: string;
  /**
   * The δ, between the grid points that bracket it (linear interpolation of the p-value), at which
   * p first reaches α going from δ = 0 in the direction that weakens the effect; `null` when the
   * grid never gets there (or the effect is not significant at δ = 0).
   */
  lossOfSignificance: number | null;
  /** The δ at which the pooled estimate reaches 0 (interpolated), or `null` within the grid. */
  signChange: number | null;
  /** Why a value is `null`, in plain language. */
  note: string | null;
}

export interface TippingPointResult {
  kind: 'tipping-point';
  /** The arms whose δ vary, in grid order (x axis first). */
  arms: string[];
  rows: TippingPointRow[];
  /** The pooled effect without δ (MAR). */
  mar: TippingPointRow;
  tippingPoints: TippingPointSummary[];
  alpha: number;
  cumulative: boolean;
  m: number;
  method: string;
}

function checkAnalysisRow(row: unknown, l: number): PoolInputRow {
  if (typeof row !== 'object' || row === null) throw new ArgumentError(`analyze(completed[${l}])`, row, 'a row { estimate, se, df } (e.g. a fixedEffects row)');
  const r = row as AnalysisRow;
  for (const f of ['estimate', 'se'] as const) {
    if (r[f] !== null && typeof r[f] !== 'number') throw new ArgumentError(`analyze(completed[${l}]).${f}`, r[f], 'a number or null');
  }
  return { label: 'effect', estimate: r.estimate, se: r.se, df: r.df ?? Infinity, ...(r.estimable !== undefined ? { estimable: r.estimable } : {}), ...(r.reason !== undefined ? { reason: r.reason } : {}) };
}

/**
 * Tipping-point analysis of an effect over a grid of δ adjustments after dropout.
 *
 * @param mi - MAR imputations from `multipleImputation` (strategy 'MAR', no delta).
 * @param analyze - the analysis of one completed dataset, returning the effect's row; or a
 *   {@link TippingPointModel} (formula, model, where, term), refitted on one model frame: the
 *   same numbers, far faster on a large grid.
 * @throws ArgumentError for a non-finite δ, an unknown arm, more than two arms, or imputations that are not MAR.
 * @example
 * const tp = tippingPoint(mi, (d) => fitOls('score ~ arm + baseline', d.filter((r) => r.visit === '9m')).fixedEffects[1]!, { deltas: { control: [0, -5], SFT: [0, -5, -10] } });
 * tp.rows.length; // 6 (2 × 3 grid points)
 * tp.tippingPoints.map((t) => t.arm); // ['control', 'SFT']
 */
export function tippingPoint(mi: MultipleImputation, analyze: ((completed: CompletedRow[]) => AnalysisRow) | TippingPointModel, options: TippingPointOptions): TippingPointResult {
  checkOptions('options', options, KEYS);
  const state = imputationState(mi);
  if (typeof analyze !== 'function' && !isPlainObject(analyze)) {
    throw new ArgumentError('analyze', analyze, 'a function from a completed dataset to the effect’s row { estimate, se, df }, or a model { formula, model, where, term }');
  }
  if (mi.strategy !== 'MAR' || mi.delta !== null) throw new ArgumentError('mi', `imputations with strategy ${mi.strategy}${mi.delta ? ' and a delta' : ''}`, 'MAR imputations without delta (the grid adds δ to them)');
  const deltas = options.deltas;
  if (!isPlainObject(deltas)) throw new ArgumentError('options.deltas', deltas, 'an object { arm: [δ, …] } for one or two arms');
  const arms = Object.keys(deltas);
  if (arms.length < 1 || arms.length > 2) throw new ArgumentError('options.deltas', arms, 'δ grids for one or two arms');
  for (const a of arms) {
    if (!state.wide.armLevels.includes(a)) throw new ArgumentError(`options.deltas.${a}`, a, `an arm of the data (${state.wide.armLevels.join(', ')})`);
    const g = deltas[a];
    if (!Array.isArray(g) || g.length === 0) throw new ArgumentError(`options.deltas.${a}`, g, 'a non-empty array of δ values');
    if (g.length > LIMITS.gridPoints) throw new ArgumentError(`options.deltas.${a}`, `${g.length} values`, `at most ${LIMITS.gridPoints}`);
    g.forEach((v, k) => checkFinite(`options.deltas.${a}[${k}]`, v));
  }
  const ciLevel = checkCiLevel(options.ciLevel ?? 0.95, 'options.ciLevel');
  const alpha = checkFinite('options.alpha', options.alpha ?? 0.05, Number.MIN_VALUE, 0.5);
  checkBoolean('options.cumulative', options.cumulative);
  const cumulative = options.cumulative ?? false;
  if (options.dfComplete !== undefined && options.dfComplete !== Infinity) checkFinite('options.dfComplete', options.dfComplete, Number.MIN_VALUE);

  const analyzeAt = typeof analyze === 'function' ? (spec: Record<string, number>) => state.imputed.map((Y, l) => [checkAnalysisRow(analyze(completedRows(state, Y, spec, cumulative)), l)]) : modelAnalysis(mi, analyze, cumulative);
  const cache = new Map<string, TippingPointRow>();
  const evaluate = (d: Record<string, number>): TippingPointRow => {
    const key = arms.map((a) => d[a] ?? 0).join('|');
    const hit = cache.get(key);
    if (hit) return hit;
    const spec = dict<number>();
    for (const a of arms) spec[a] = d[a] ?? 0;
    const per = analyzeAt(spec);
    const row = { ...poolRows(per, options.dfComplete, ciLevel)[0]!, delta: spec };
    cache.set(key, row);
    return row;
  };
  const rows: TippingPointRow[] = [];
  const [ax, ay] = arms as [string, string | undefined];
  for (const dy of ay === undefined ? [0] : deltas[ay]!) {
    for (const dx of deltas[ax]!) rows.push(evaluate(ay === undefined ? { [ax]: dx } : { [ax]: dx, [ay]: dy }));
  }
  const mar = evaluate({});
  const tippingPoints = arms.map((arm) => summarise(arm, [...new Set(deltas[arm]!)].sort((a, b) => a - b), (v) => evaluate({ [arm]: v }), mar, alpha));
  return {
    kind: 'tipping-point',
    arms,
    rows,
    mar,
    tippingPoints,
    alpha,
    cumulative,
    m: mi.m,
    method: `δ added to imputed scores after dropout${cumulative ? ' (cumulative per visit since dropout)' : ''}, ${mi.m} MAR imputations analysed per grid point and pooled by Rubin's rules`,
  };
}

const MODEL_KEYS = optionKeys<TippingPointModel>()(['formula', 'model', 'options', 'where', 'term']);

/**
 * The grid's analysis by refits on one model frame: at δ, each imputation's response is its MAR
 * response plus δ's shift of the imputed scores after dropout (exactly what `completedRows` adds).
 */
function modelAnalysis(mi: MultipleImputation, m: TippingPointModel, cumulative: boolean): (spec: Record<string, number>) => PoolInputRow[][] {
  checkOptions('analyze', m, MODEL_KEYS);
  if (typeof m.term !== 'string' || m.term === '') throw new ArgumentError('analyze.term', m.term, 'the fixed-effects term of the effect, e.g. "armSFT"');
  const state = imputationState(mi);
  const prepared = prepareRefits(mi, m.formula, { model: m.model, ...(m.options ? { options: m.options } : {}), ...(m.where ? { where: m.where } : {}) });
  const { wide: w } = state;
  const { participant, followUp } = prepared;
  const term = m.term;
  return (spec) => {
    const shift = new Float64Array(participant.length);
    for (let r = 0; r < participant.length; r++) {
      const i = participant[r]!;
      const k = followUp[r]!;
      if (k >= 0 && Number.isNaN(w.Y[i * w.K + k]!)) shift[r] = deltaShift(spec, w, i, k, cumulative);
    }
    const ys = prepared.ys.map((y0) => {
      const y = new Float64Array(y0.length);
      for (let r = 0; r < y.length; r++) y[r] = shift[r] === 0 ? y0[r]! : y0[r]! + shift[r]!;
      return y;
    });
    const fits = runRefits({ ...prepared.task, ys }, () => {});
    return fits.map((f, l) => {
      const row = (f.fixedEffects as { term: string }[]).find((r) => r.term === term);
      if (!row) throw new ArgumentError('analyze.term', term, `a fixed-effects term of the model (${f.fixedEffects.map((r) => r.term).join(', ')})`);
      return [checkAnalysisRow(row, l)];
    });
  };
}

function summarise(arm: string, grid: number[], at: (v: number) => TippingPointRow, mar: TippingPointRow, alpha: number): TippingPointSummary {
  if (!mar.estimable || mar.estimate === null || mar.pValue === null) return { arm, lossOfSignificance: null, signChange: null, note: `the effect under MAR is not estimable: ${mar.reason}` };
  const base = mar.estimate;
  // Walk out from δ = 0 on each side; the tipping point is the crossing nearest 0 (on the side
  // where δ moves the estimate towards 0, which is where crossings occur).
  let loss: number | null = mar.pValue >= alpha ? 0 : null;
  let sign: number | null = null;
  for (const side of [grid.filter((v) => v > 0), grid.filter((v) => v < 0).reverse()]) {
    let prev = { d: 0, p: mar.pValue, e: base };
    let sideLoss: number | null = null;
    let sideSign: number | null = null;
    for (const d of side) {
      const row = at(d);
      if (!row.estimable || row.estimate === null || row.pValue === null) break;
      if (sideLoss === null && row.pValue >= alpha) sideLoss = interpolate(prev.d, prev.p, d, row.pValue, alpha);
      if (sideSign === null && Math.sign(row.estimate) !== Math.sign(base)) sideSign = interpolate(prev.d, prev.e, d, row.estimate, 0);
      prev = { d, p: row.pValue, e: row.estimate };
    }
    if (sideLoss !== null && (loss === null || Math.abs(sideLoss) < Math.abs(loss))) loss = sideLoss;
    if (sideSign !== null && (sign === null || Math.abs(sideSign) < Math.abs(sign))) sign = sideSign;
  }
  const notes: string[] = [];
  if (mar.pValue >= alpha) notes.push(`the effect is not significant at α = ${alpha} even under MAR`);
  else if (loss === null) notes.push(`the effect stays significant over the whole grid of δ for ${arm}`);
  if (sign === null) notes.push(`the estimate keeps its sign over the grid of δ for ${arm}`);
  return { arm, lossOfSignificance: loss, signChange: sign, note: notes.length ? notes.join('; ') : null };
}

function interpolate(x0: number, y0: number, x1: number, y1: number, target: number): number {
  if (y1 === y0) return x1;
  return x0 + ((target - y0) * (x1 - x0)) / (y1 - y0);
}
