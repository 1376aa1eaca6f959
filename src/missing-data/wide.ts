/**
 * Long trial data (one row per participant and visit) to the wide layout the imputation model
 * works on: one row per participant with the baseline score, participant-level covariates, arm,
 * therapy group (treated arms only) and the follow-up scores, missing ones as NaN. Every check on
 * the data is made here, up front, naming the row, the field, what was received and what was expected.
 */
import { dict, own } from '../data/own.js';
import { ArgumentError } from '../errors/index.js';
import { toColumnSource, type ModelData } from '../models/data-input.js';
import { NotEstimableError } from '../results/not-estimable.js';

/** The columns of the long data the imputation reads. */
export interface ImputationColumns {
  /** Participant id column. */
  id: string;
  /** Visit column (text levels; the order is `visits`). */
  visit: string;
  /** Outcome score column (missing: null, undefined or NaN, or the row absent). */
  outcome: string;
  /** Arm column. */
  arm: string;
  /** The control (reference) arm level: no therapy groups. */
  control: string;
  /** Visit levels in time order, the first being baseline. */
  visits: string[];
  /** Therapy-group column of the treated arm(s); controls have none (partial nesting). */
  cluster?: string;
  /** Participant-level numeric covariates (constant within a participant, no missing values). */
  covariates?: string[];
}

export interface WideData {
  N: number;
  /** Follow-up visits K (visits after baseline). */
  K: number;
  ids: string[];
  armLevels: string[];
  /** Index into armLevels; 0 is the control arm. */
  arm: Int32Array;
  clusterLevels: string[];
  /** Index into clusterLevels, −1 without a group. */
  cluster: Int32Array;
  baseline: Float64Array;
  /** covariates[c][i]. */
  covariates: Float64Array[];
  /** N × K follow-up scores, row-major, NaN where missing. */
  Y: Float64Array;
  /** Index (0…K−1) of the last observed follow-up, −1 for none: visits after it are after dropout. */
  lastObserved: Int32Array;
  /** The input row of each participant's baseline and follow-ups (−1 where absent), N × (K + 1). */
  sourceRow: Int32Array;
  visitLevels: string[];
}

const text = (v: unknown): string | null => (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? null : typeof v === 'number' ? String(v) : typeof v === 'string' ? v : null);

/** Validate long data and lay it out wide; throws ArgumentError (bad data) or NotEstimableError. */
export function toWide(data: ModelData, cols: ImputationColumns): WideData {
  const src = toColumnSource(data);
  const need = [cols.id, cols.visit, cols.outcome, cols.arm, ...(cols.cluster ? [cols.cluster] : []), ...(cols.covariates ?? [])];
  for (const name of need) if (!src.has(name)) throw new ArgumentError('data', `columns ${src.names().join(', ')}`, `a column "${name}"`);
  const n = src.nRows;
  const idCol = src.column(cols.id);
  const visitCol = src.column(cols.visit);
  const yCol = src.column(cols.outcome);
  const armCol = src.column(cols.arm);
  const clCol = cols.cluster ? src.column(cols.cluster) : null;
  const covCols = (cols.covariates ?? []).map((c) => src.column(c));
  const V = cols.visits.length;
  const K = V - 1;
  const visitIndex = dict<number>();
  cols.visits.forEach((v, k) => (visitIndex[v] = k));

  const idIndex = dict<number>();
  const ids: string[] = [];
  const armOf: number[] = [];
  const clusterOf: number[] = [];
  const armIndex = dict<number>();
  const armLevels = [cols.control];
  armIndex[cols.control] = 0;
  const clusterIndex = dict<number>();
  const clusterLevels: string[] = [];
  const firstRow: number[] = [];
  const rowsAt: number[] = [];
  const covOf: number[][] = [];
  const at = (r: number, field: string) => `data[${r}].${field}`;

  for (let r = 0; r < n; r++) {
    const id = text(idCol[r]);
    if (id === null) throw new ArgumentError(at(r, cols.id), idCol[r], 'a participant id (text or number)');
    const visit = text(visitCol[r]);
    const k = visit === null ? undefined : own(visitIndex, visit);
    if (k === undefined) throw new ArgumentError(at(r, cols.visit), visitCol[r], `one of the visits ${cols.visits.map((v) => JSON.stringify(v)).join(', ')} (options.visits)`);
    const arm = text(armCol[r]);
    if (arm === null) throw new ArgumentError(at(r, cols.arm), armCol[r], 'an arm level');
    let a = own(armIndex, arm);
    if (a === undefined) {
      a = armLevels.length;
      armIndex[arm] = a;
      armLevels.push(arm);
    }
    let cl = -1;
    if (clCol) {
      const c = text(clCol[r]);
      if (a === 0 && c !== null) throw new ArgumentError(at(r, cols.cluster!), clCol[r], `no therapy group: "${cols.control}" is the control arm, which is not nested in groups (partial nesting)`);
      if (a !== 0 && c === null) throw new ArgumentError(at(r, cols.cluster!), clCol[r], `the participant's therapy group (arm "${arm}" is nested in groups)`);
      if (c !== null) {
        let g = own(clusterIndex, c);
        if (g === undefined) {
          g = clusterLevels.length;
          clusterIndex[c] = g;
          clusterLevels.push(c);
        }
        cl = g;
      }
    }
    const covs = covCols.map((col, j) => {
      const v = col[r];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new ArgumentError(at(r, cols.covariates![j]!), v, 'a finite number (covariates of the imputation model cannot be missing)');
      return v;
    });
    let i = own(idIndex, id);
    if (i === undefined) {
      i = ids.length;
      idIndex[id] = i;
      ids.push(id);
      armOf.push(a);
      clusterOf.push(cl);
      firstRow.push(r);
      covOf.push(covs);
      for (let v = 0; v < V; v++) rowsAt.push(-1);
    } else {
      const r0 = firstRow[i]!;
      if (armOf[i] !== a) throw new ArgumentError(at(r, cols.arm), armCol[r], `"${armLevels[armOf[i]!]}", the arm of participant ${JSON.stringify(id)} in data[${r0}]`);
      if (clusterOf[i] !== cl) throw new ArgumentError(at(r, cols.cluster!), clCol![r], `"${clusterLevels[clusterOf[i]!]}", the group of participant ${JSON.stringify(id)} in data[${r0}]`);
      covs.forEach((v, j) => {
        if (v !== covOf[i!]![j]) throw new ArgumentError(at(r, cols.covariates![j]!), v, `${covOf[i!]![j]}, the value in data[${r0}] (covariates are participant-level)`);
      });
    }
    const slot = i * V + k;
    if (rowsAt[slot] !== -1) throw new ArgumentError(at(r, cols.visit), visit, `one row per participant and visit; participant ${JSON.stringify(id)} already has visit ${JSON.stringify(visit)} in data[${rowsAt[slot]}]`);
    rowsAt[slot] = r;
    const y = yCol[r];
    if (!(y === null || y === undefined || (typeof y === 'number' && (Number.isFinite(y) || Number.isNaN(y))))) {
      throw new ArgumentError(at(r, cols.outcome), y, 'a finite number, or null/NaN when missing');
    }
  }
  const N = ids.length;
  if (armLevels.length < 2) throw new ArgumentError(`data[*].${cols.arm}`, armLevels.join(', '), `the control arm "${cols.control}" and at least one other arm`);
  if (armOf.every((a) => a !== 0)) throw new ArgumentError('options.control', cols.control, `an arm level in the data (${armLevels.slice(1).join(', ')})`);

  const num = (r: number): number => {
    const y = yCol[r];
    return typeof y === 'number' && Number.isFinite(y) ? y : NaN;
  };
  const baseline = new Float64Array(N);
  const Y = new Float64Array(N * K).fill(NaN);
  const lastObserved = new Int32Array(N).fill(-1);
  for (let i = 0; i < N; i++) {
    const r0 = rowsAt[i * V]!;
    const b = r0 >= 0 ? num(r0) : NaN;
    if (Number.isNaN(b)) {
      throw new ArgumentError(r0 >= 0 ? at(r0, cols.outcome) : `data (participant ${JSON.stringify(ids[i])})`, r0 >= 0 ? yCol[r0] : 'no baseline row', `a baseline ${cols.outcome} score: the imputation model conditions on baseline (visit "${cols.visits[0]}")`);
    }
    baseline[i] = b;
    for (let k = 0; k < K; k++) {
      const r = rowsAt[i * V + k + 1]!;
      if (r >= 0) {
        const y = num(r);
        Y[i * K + k] = y;
        if (!Number.isNaN(y)) lastObserved[i] = k;
      }
    }
  }
  // A mean of an arm at a visit with no observed score is not identified by the data: any value
  // fits equally well, and the imputations would be drawn from the prior.
  for (let a = 0; a < armLevels.length; a++) {
    for (let k = 0; k < K; k++) {
      let seen = 0;
      for (let i = 0; i < N; i++) if (armOf[i] === a && !Number.isNaN(Y[i * K + k]!)) seen++;
      if (seen < 2) {
        throw new NotEstimableError(
          'Multiple imputation',
          `arm "${armLevels[a]}" has ${seen === 0 ? 'no' : 'only one'} observed "${cols.outcome}" value at visit "${cols.visits[k + 1]}", so its mean there is not identified by the data (at least 2 are needed)`,
        );
      }
    }
  }
  return {
    N,
    K,
    ids,
    armLevels,
    arm: Int32Array.from(armOf),
    clusterLevels,
    cluster: Int32Array.from(clusterOf),
    baseline,
    covariates: covCols.map((_, j) => Float64Array.from(covOf, (c) => c[j]!)),
    Y,
    lastObserved,
    sourceRow: Int32Array.from(rowsAt),
    visitLevels: cols.visits,
  };
}
