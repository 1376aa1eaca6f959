/**
 * From a parsed formula and data to the numbers a model needs: the response, the
 * fixed-effects matrix X with R's column names and treatment contrasts, and for each
 * random term its grouping factor and its own small model matrix.
 *
 * Coding follows R's `model.matrix`: a factor in a term is coded by treatment contrasts
 * when the term without that factor is already in the model (the intercept counts as
 * the empty term); otherwise by one indicator per level. Without an intercept, the first
 * factor main effect takes all its levels. Columns of an interaction vary the first
 * factor fastest, as in R.
 */
import { ArgumentError, FormulaError } from '../errors/index.js';
import type { ColumnSource } from '../models/data-input.js';
import { formatNumberLevel, sortLevels } from './levels.js';
import type { ParsedFormula, RandomTerm, Term } from './parse.js';
import { quoteName, termLabel } from './parse.js';
import { dict, own } from '../data/own.js';
import { checkOptions, nearestName, optionKeys, pickOptions } from '../errors/checks.js';

const FRAME_OPTION_KEYS = optionKeys<FrameOptions>()(['levels', 'factors']);

/** Options shared by every model function for building the frame. */
export interface FrameOptions {
  /**
   * Level order per factor; the first level is the reference of treatment contrasts,
   * e.g. `{ arm: ['control', 'SFT'], visit: ['baseline', '9m', '15m'] }`.
   * @defaultValue levels sorted as R sorts them (numbers numerically, text by en_US collation)
   */
  levels?: Record<string, readonly string[]>;
  /**
   * Columns to treat as factors even when numeric (grouping variables always are).
   * @defaultValue `[]`
   */
  factors?: readonly string[];
}

/** The frame's own options out of a model function's wider options (which the frame would reject as unknown). */
export function frameOptionsOf(options: FrameOptions): FrameOptions {
  return pickOptions(options, FRAME_OPTION_KEYS);
}

/** How one variable is represented. */
export type VariableInfo =
  | { name: string; kind: 'numeric' }
  | { name: string; kind: 'factor'; levels: string[] };

/** Coding of one variable inside one term. */
export type Coding = 'numeric' | 'contrast' | 'indicator';

/** A term of a design with its columns. */
export interface DesignTerm {
  label: string;
  variables: string[];
  coding: Coding[];
  /** Column names this term contributes, in order. */
  columns: string[];
}

/** The recipe for a model matrix, reusable on new data (predict, marginal means). */
export interface DesignSpec {
  intercept: boolean;
  terms: DesignTerm[];
  columnNames: string[];
  /** For each column, the index of its term in `terms` (−1 = intercept), like R's `assign` minus 1. */
  assign: number[];
}

/** Encoded variables: numeric values or factor codes (−1 = missing). */
export interface EncodedVariable {
  info: VariableInfo;
  /** Numeric values (NaN = missing) when numeric. */
  values?: Float64Array;
  /** Level indices (−1 = missing) when a factor. */
  codes?: Int32Array;
}

/** A random-effects term ready for fitting. */
export interface RandomTermFrame {
  term: RandomTerm;
  /** Grouping factor name as lme4 prints it, e.g. `Subject` or `cask:batch`. */
  groupName: string;
  levels: string[];
  /** Level index of each used row. */
  group: Int32Array;
  /** Column-major n × k model matrix of the term. */
  Z: Float64Array;
  /** Column names, e.g. `(Intercept)`, `Days`. */
  columnNames: string[];
  spec: DesignSpec;
}

/** Everything a model needs from the data. */
export interface ModelFrame {
  formula: ParsedFormula;
  /** Rows used (complete cases). */
  n: number;
  /** Index into the input rows of each used row. */
  rows: Int32Array;
  /** Input rows. */
  nInput: number;
  y: Float64Array;
  /**
   * Column-major n × p fixed-effects matrix. For a design of factors alone it is made on first
   * read (`cellsOf`: the mixed models' fit reads the cells instead and never makes it).
   */
  X: Float64Array;
  spec: DesignSpec;
  random: RandomTermFrame[];
  variables: Record<string, VariableInfo>;
  /** Mean of each numeric variable over the rows used (the reference grid's default, as emmeans). */
  numericMeans: Record<string, number>;
  /** Factors carried beside the model (e.g. residual-variance strata): levels and the code of each used row. */
  extra: Record<string, { levels: string[]; codes: Int32Array }>;
  /** Rows dropped: missing response, and missing values by predictor. */
  dropped: { total: number; missingResponse: number; missingPredictor: Record<string, number> };
}

/**
 * The fixed-effects matrix as a table of its distinct rows, when every fixed-effect term is made
 * of factors alone (an RCT's arm × visit): row i of X is row `cell[i]` of `table`. A pass over
 * the rows reads the cell and a few cached rows instead of p columns of n doubles, and X (n × p,
 * 14 MB at 300,000 rows) need not exist. The values are X's own (0 and 1), so sums formed from
 * either are the same to the bit.
 */
export interface CellDesign {
  p: number;
  nCells: number;
  /** Each frame row's cell. */
  cell: Int32Array;
  /** nCells × p, row-major: the X row of each cell. */
  table: Float64Array;
  /** Whether some row has the cell. */
  used: Uint8Array;
}

/** The largest number of cells (the product of the fixed factors' levels) kept as a table. */
const MAX_CELLS = 4096;

/**
 * The cells of the frames `buildModelFrame` made, by frame object: a copy of a frame (a spread,
 * a decoded state, a frame with its own X) has none and is read through its X.
 */
const frameCells = new WeakMap<ModelFrame, CellDesign>();

/** X of a frame as its distinct rows, when `buildModelFrame` made it so (null otherwise). */
export function cellsOf(frame: ModelFrame): CellDesign | null {
  return frameCells.get(frame) ?? null;
}

/**
 * `CellDesign` of a spec whose terms are made of factors alone (null otherwise, or beyond
 * `MAX_CELLS` cells): a row's cell is its factors' codes in mixed radix, and each cell's X row
 * is made as `fillDesign` makes a row.
 */
function cellDesign(spec: DesignSpec, enc: Record<string, EncodedVariable>, rows: Int32Array, allRows: boolean): CellDesign | null {
  const factors: string[] = [];
  for (const term of spec.terms) {
    for (let j = 0; j < term.variables.length; j++) {
      if (term.coding[j] === 'numeric') return null;
      if (!factors.includes(term.variables[j]!)) factors.push(term.variables[j]!);
    }
  }
  const radix = factors.map((v) => (enc[v]!.info as { levels: string[] }).levels.length);
  const nCells = radix.reduce((a, b) => a * b, 1);
  const n = rows.length;
  // (More cells than rows: the table would be larger than X.)
  if (nCells > MAX_CELLS || nCells > n) return null;
  const p = spec.columnNames.length;
  const cell = new Int32Array(n);
  let stride = 1;
  factors.forEach((v, f) => {
    const codes = enc[v]!.codes!;
    if (allRows) for (let i = 0; i < n; i++) cell[i] = cell[i]! + codes[i]! * stride;
    else for (let i = 0; i < n; i++) cell[i] = cell[i]! + codes[rows[i]!]! * stride;
    stride *= radix[f]!;
  });
  const used = new Uint8Array(nCells);
  for (let i = 0; i < n; i++) used[cell[i]!] = 1;
  const table = new Float64Array(nCells * p);
  const code = new Int32Array(factors.length);
  for (let k = 0; k < nCells; k++) {
    let rest = k;
    for (let f = 0; f < factors.length; f++) {
      code[f] = rest % radix[f]!;
      rest = Math.floor(rest / radix[f]!);
    }
    let col = 0;
    if (spec.intercept) {
      table[k * p] = 1;
      col = 1;
    }
    for (const term of spec.terms) {
      let idx = 0;
      let width = 1;
      let zero = false;
      term.variables.forEach((v, j) => {
        const offset = term.coding[j] === 'contrast' ? 1 : 0;
        const f = factors.indexOf(v);
        const c = code[f]! - offset;
        if (c < 0) zero = true;
        else idx += c * width;
        width *= radix[f]! - offset;
      });
      if (!zero) table[k * p + col + idx] = 1;
      col += width;
    }
  }
  return { p, nCells, cell, table, used };
}

/** X from its cells (the values `fillDesign` gives), with its columns' 0/1-ness recorded. */
export function designFromCells(cells: CellDesign, n: number): Float64Array {
  const { p, cell, table } = cells;
  const X = new Float64Array(n * p);
  for (let c = 0; c < p; c++) {
    const off = c * n;
    for (let i = 0; i < n; i++) X[off + i] = table[cell[i]! * p + c]!;
  }
  binaryColumns.set(X, { n, flags: new Uint8Array(p).fill(1) });
  return X;
}

function findPos(formula: string, name: string): number | null {
  const re = new RegExp(`(^|[^A-Za-z0-9._\`])\`?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\`?(?![A-Za-z0-9._])`);
  const m = re.exec(formula);
  return m ? m.index + m[1]!.length : null;
}

/** Encode one column as numeric or factor, rejecting values that are neither. */
export function encodeVariable(
  name: string,
  col: ArrayLike<unknown>,
  asFactor: boolean,
  levelsOption: readonly string[] | undefined,
  intLabels = false,
):
  | { kind: 'numeric'; values: Float64Array }
  | { kind: 'factor'; raw: (string | null)[]; numericRaw: boolean }
  | { kind: 'int-factor'; ints: ArrayLike<number>; nullable?: boolean } {
  const n = col.length;
  // Integer typed arrays as factors (participant ids at register scale): codes without
  // making a string per row.
  if (asFactor && (col instanceof Int32Array || col instanceof Uint8Array || col instanceof Int16Array || col instanceof Uint16Array || col instanceof Uint32Array || col instanceof Int8Array)) {
    return { kind: 'int-factor', ints: col };
  }
  if (!asFactor && col instanceof Float64Array) {
    // Used as it is (never written to): no copy of a register-scale column.
    for (let i = 0; i < n; i++) {
      const v = col[i]!;
      if (v === Infinity || v === -Infinity) throw new ArgumentError(`data.${name}[${i}]`, v, 'a finite number or a missing value');
    }
    return { kind: 'numeric', values: col };
  }
  if (!asFactor && (col instanceof Float32Array || col instanceof Int32Array || col instanceof Uint8Array || col instanceof Int16Array || col instanceof Uint16Array || col instanceof Uint32Array || col instanceof Int8Array)) {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = col[i] as number;
      if (v === Infinity || v === -Infinity) throw new ArgumentError(`data.${name}[${i}]`, v, 'a finite number or a missing value');
      values[i] = v;
    }
    return { kind: 'numeric', values };
  }
  let sawNumber = -1;
  let sawText = -1;
  // Whether every value is a number whose level label is the integer itself (|x| < 1e15).
  let allInt = true;
  for (let i = 0; i < n; i++) {
    const v = col[i];
    if (v === null || v === undefined) continue;
    if (typeof v === 'number') {
      if (v === Infinity || v === -Infinity) throw new ArgumentError(`data[${i}].${name}`, v, 'a finite number or null');
      if (sawNumber < 0) sawNumber = i;
      if (allInt && !Number.isNaN(v) && !(Number.isInteger(v) && Math.abs(v) < 1e15)) allInt = false;
    } else if (typeof v === 'string' || typeof v === 'boolean') {
      if (sawText < 0) sawText = i;
    } else if (typeof v === 'bigint') {
      allInt = false;
      // Read as a double below: only when that is exact.
      if (!Number.isFinite(Number(v)) || BigInt(Number(v)) !== v) throw new ArgumentError(`data[${i}].${name}`, v, 'an integer a double holds exactly (|x| ≤ 2^53), or text for an identifier');
      if (sawNumber < 0) sawNumber = i;
    } else {
      throw new ArgumentError(`data[${i}].${name}`, v, 'a number, a string, a boolean or null');
    }
  }
  if (sawNumber >= 0 && sawText >= 0) {
    const i = Math.max(sawNumber, sawText);
    throw new ArgumentError(
      `data[${i}].${name}`,
      col[i],
      `${sawNumber < sawText ? 'a number like row ' + sawNumber : 'text like row ' + sawText}: a column must not mix numbers and text`,
    );
  }
  const factor = asFactor || sawText >= 0 || levelsOption !== undefined;
  if (!factor) {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = col[i];
      values[i] = v === null || v === undefined ? NaN : Number(v);
    }
    return { kind: 'numeric', values };
  }
  if (intLabels && sawNumber >= 0 && sawText < 0 && allInt) {
    // Integer values (ids, codes in plain arrays or row objects): coded as an integer typed
    // array's are, by value, without a label string per row; the levels and their order are
    // those the labels give (each integer's label is its decimal form, sorted numerically).
    // Missing values (null, undefined, NaN) are NaN here.
    const ints = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = col[i];
      ints[i] = v === null || v === undefined ? NaN : (v as number);
    }
    return { kind: 'int-factor', ints, nullable: true };
  }
  const raw: (string | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const v = col[i];
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) raw[i] = null;
    else if (typeof v === 'boolean') raw[i] = v ? 'TRUE' : 'FALSE';
    else if (typeof v === 'number') raw[i] = formatNumberLevel(v);
    else raw[i] = String(v);
  }
  return { kind: 'factor', raw, numericRaw: sawNumber >= 0 };
}

/**
 * Column names and coding of a set of terms, following R's contrast rule.
 */
export function designSpec(
  intercept: boolean,
  terms: readonly Term[],
  variables: Record<string, VariableInfo>,
): DesignSpec {
  const key = (t: readonly string[]) => [...t].sort().join('\u0000');
  const seen = new Set<string>();
  let emptyPresent = intercept;
  const out: DesignTerm[] = [];
  const columnNames: string[] = [];
  const assign: number[] = [];
  if (intercept) {
    columnNames.push('(Intercept)');
    assign.push(-1);
  }
  terms.forEach((t, ti) => {
    const coding: Coding[] = t.map((v) => {
      const info = variables[v]!;
      if (info.kind === 'numeric') return 'numeric';
      const rest = t.filter((u) => u !== v);
      const marginPresent = rest.length === 0 ? emptyPresent : seen.has(key(rest));
      return marginPresent ? 'contrast' : 'indicator';
    });
    if (t.length === 1 && coding[0] === 'indicator') emptyPresent = true;
    // Labels per variable, then the product with the first variable fastest.
    const parts: string[][] = t.map((v, j) => {
      const info = variables[v]!;
      // R's column names: the variable as written in a formula (back-quoted when not a
      // syntactic name), then the level.
      const name = quoteName(v);
      if (info.kind === 'numeric') return [name];
      const lv = coding[j] === 'contrast' ? info.levels.slice(1) : info.levels;
      return lv.map((l) => `${name}${l}`);
    });
    const cols = productFirstFastest(parts);
    out.push({ label: termLabel(t), variables: [...t], coding, columns: cols });
    for (const c of cols) {
      columnNames.push(c);
      assign.push(ti);
    }
    seen.add(key(t));
  });
  return { intercept, terms: out, columnNames, assign };
}

function productFirstFastest(parts: string[][]): string[] {
  let cols: string[][] = [[]];
  for (const p of parts) {
    const next: string[][] = [];
    for (const lab of p) for (const c of cols) next.push([...c, lab]);
    cols = next;
  }
  return cols.map((c) => c.join(':'));
}

/**
 * Fill a column-major design matrix for rows `rows` of the encoded variables.
 * @internal
 */
/**
 * The columns `fillDesign` made 0/1 by construction (the intercept; a term of factors alone),
 * by matrix: the centring plan would otherwise read each such column through to learn what the
 * coding already says (`isBinaryColumn`, models/centring.ts). A design matrix is never written
 * after it is made.
 */
const binaryColumns = new WeakMap<Float64Array, { n: number; flags: Uint8Array }>();

/** The last column of ones made (held weakly: the frames that use it keep it alive). */
let onesColumn: WeakRef<Float64Array> | null = null;

/** Whether column `column` of the n-row design matrix X holds only 0 and 1 by its coding. */
export function binaryByConstruction(X: Float64Array, n: number, column: number): boolean {
  const b = binaryColumns.get(X);
  return b !== undefined && b.n === n && b.flags[column] === 1;
}

export function fillDesign(
  spec: DesignSpec,
  enc: Record<string, EncodedVariable>,
  rows: Int32Array,
): Float64Array {
  const n = rows.length;
  const p = spec.columnNames.length;
  // An intercept alone (the Z of `(1 | id)`): one column of ones per size, shared, since a
  // design matrix is never written after it is made.
  if (spec.intercept && spec.terms.length === 0 && p === 1) {
    let ones = onesColumn?.deref();
    if (!ones || ones.length !== n) {
      ones = new Float64Array(n).fill(1);
      binaryColumns.set(ones, { n, flags: Uint8Array.of(1) });
      onesColumn = new WeakRef(ones);
    }
    return ones;
  }
  const X = new Float64Array(n * p);
  const binary = new Uint8Array(p);
  let col = 0;
  if (spec.intercept) {
    X.fill(1, 0, n);
    binary[0] = 1;
    col = 1;
  }
  // Rows 0…n−1 of the data (no row dropped): read the columns directly.
  let identity = true;
  for (let i = 0; i < n && identity; i++) identity = rows[i] === i;
  // One pass over the rows per term (the register-scale path): the row's column within the
  // term, from its factors' codes, and its value, the product of its numeric variables in
  // the term's order (0 when a factor's level is the contrast's reference).
  for (const term of spec.terms) {
    const nv = term.variables.length;
    const numeric: (Float64Array | null)[] = [];
    const codes: (Int32Array | null)[] = [];
    const offset = new Int32Array(nv);
    const stride = new Int32Array(nv);
    let width = 1;
    term.variables.forEach((v, j) => {
      const e = enc[v]!;
      if (term.coding[j] === 'numeric') {
        numeric.push(e.values!);
        codes.push(null);
        return;
      }
      numeric.push(null);
      codes.push(e.codes!);
      offset[j] = term.coding[j] === 'contrast' ? 1 : 0;
      stride[j] = width;
      width *= (e.info as { levels: string[] }).levels.length - offset[j]!;
    });
    if (nv === 1 && codes[0]) {
      // A factor alone (arm, visit): the commonest term, without the general loop's bookkeeping.
      const c0 = codes[0]!;
      const off = offset[0]!;
      for (let i = 0; i < n; i++) {
        const c = c0[identity ? i : rows[i]!]! - off;
        if (c >= 0) X[(col + c) * n + i] = 1;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const r = identity ? i : rows[i]!;
        let idx = 0;
        let val = 1;
        for (let j = 0; j < nv; j++) {
          const x = numeric[j];
          if (x) {
            val = val * x[r]!;
            continue;
          }
          const c = codes[j]![r]! - offset[j]!;
          if (c < 0) val = 0;
          else idx += c * stride[j]!;
        }
        if (val !== 0) X[(col + idx) * n + i] = val;
      }
    }
    if (numeric.every((x) => x === null)) binary.fill(1, col, col + width);
    col += width;
  }
  binaryColumns.set(X, { n, flags: binary });
  return X;
}

/**
 * Build the model frame: complete cases, response, X and random-term matrices. The frame is
 * read-only data: its arrays may be shared (a random term's codes, one column of ones per size)
 * and what each column holds by its coding is recorded beside it (`binaryByConstruction`), so
 * a frame's arrays must not be written to.
 * @throws FormulaError for a column that is not in the data (with its position).
 * @throws ArgumentError for bad values, a non-numeric response, no complete rows,
 *   or a grouping factor with fewer than two levels.
 */
export function buildModelFrame(
  formula: ParsedFormula,
  src: ColumnSource,
  options: FrameOptions = {},
  extraFactors: readonly string[] = [],
): ModelFrame {
  checkOptions('options', options, FRAME_OPTION_KEYS);
  const fixedVars = new Set<string>();
  for (const t of formula.fixed) for (const v of t) fixedVars.add(v);
  const groupVars = new Set<string>();
  const reVars = new Set<string>();
  for (const r of formula.random) {
    for (const g of r.group) groupVars.add(g);
    for (const t of r.terms) for (const v of t) reVars.add(v);
  }
  const all = new Set<string>([...(formula.response ? [formula.response] : []), ...fixedVars, ...reVars, ...groupVars, ...extraFactors]);
  for (const v of all) {
    if (!src.has(v)) {
      const avail = src.names();
      throw new FormulaError(
        formula.text,
        findPos(formula.text, v),
        `Column "${v}" is not in the data; available columns: ${avail.slice(0, 30).join(', ')}${avail.length > 30 ? ', …' : ''}`,
      );
    }
  }
  // Levels or factors for a column the data do not have (a typo) would otherwise be ignored.
  for (const [argument, vars] of [['options.levels', Object.keys(options.levels ?? {})], ['options.factors', options.factors ?? []]] as const) {
    for (const v of vars) {
      if (src.has(v)) continue;
      const names = src.names();
      const near = nearestName(v, names);
      throw new ArgumentError(argument, v, `a column of the data (${names.slice(0, 30).join(', ')}${names.length > 30 ? ', …' : ''})`, near ? `Did you mean "${near}"?` : undefined);
    }
  }
  if (!formula.response) throw new FormulaError(formula.text, 0, 'The formula has no response; expected "score ~ …"');
  const factorSet = new Set(options.factors ?? []);
  const nIn = src.nRows;

  const rawEnc = new Map<string, ReturnType<typeof encodeVariable> | { kind: 'coded'; codes: Int32Array; labels: readonly string[] }>();
  for (const v of all) {
    const asFactor = groupVars.has(v) || factorSet.has(v) || extraFactors.includes(v);
    const coded = src.codes?.(v);
    rawEnc.set(v, coded ? { kind: 'coded', codes: coded.codes, labels: coded.labels } : encodeVariable(v, src.column(v), asFactor, own(options.levels, v), true));
  }
  const resp = rawEnc.get(formula.response)!;
  if (resp.kind !== 'numeric') {
    throw new ArgumentError(`data.${formula.response}`, 'text values', 'a numeric response column');
  }
  if (groupVars.has(formula.response) || fixedVars.has(formula.response)) {
    throw new FormulaError(formula.text, findPos(formula.text, formula.response), `The response "${formula.response}" also appears as a predictor`);
  }

  // Complete cases, counting why rows are dropped: a row missing its response counts there,
  // otherwise under the first of the variables (in the frame's order) it misses. Column by
  // column over typed arrays (a row's variables visited in that order give the same counts);
  // the counts are listed in the order of the first row that counts under each, as row by row.
  const keep = new Uint8Array(nIn).fill(1);
  let missingResponse = 0;
  for (let i = 0; i < nIn; i++) {
    if (Number.isNaN(resp.values[i]!)) {
      keep[i] = 0;
      missingResponse++;
    }
  }
  const counted: { v: string; count: number; first: number }[] = [];
  for (const [v, e] of rawEnc) {
    if (v === formula.response || (e.kind === 'int-factor' && !e.nullable)) continue;
    const { count, first } =
      e.kind === 'factor' ? dropMissingLabels(keep, e.raw) : e.kind === 'coded' ? dropMissingCodes(keep, e.codes) : dropMissingNumbers(keep, e.kind === 'numeric' ? e.values : e.ints);
    if (count > 0) counted.push({ v, count, first });
  }
  const missingPredictor = dict<number>();
  for (const c of counted.sort((a, b) => a.first - b.first)) missingPredictor[c.v] = c.count;
  let n = 0;
  for (let i = 0; i < nIn; i++) n += keep[i]!;
  if (n === 0) {
    throw new ArgumentError(
      `data.${formula.response}`,
      missingResponse === nIn ? 'all values missing' : `${nIn} rows, none complete`,
      'at least one row with the response and every predictor observed',
    );
  }
  const rows = new Int32Array(n);
  for (let i = 0, j = 0; i < nIn; i++) if (keep[i]) rows[j++] = i;
  // Every row complete (the usual case at register scale): row j of the frame is row j of the
  // data, and the gathers below become copies.
  const allRows = n === nIn;

  // Levels from the complete cases (R drops unused levels).
  const variables = dict<VariableInfo>();
  const enc = dict<EncodedVariable>();
  for (const [v, e] of rawEnc) {
    if (e.kind === 'numeric') {
      variables[v] = { name: v, kind: 'numeric' };
      enc[v] = { info: variables[v]!, values: e.values };
      continue;
    }
    if (e.kind === 'int-factor') {
      const r = encodeIntFactor(v, e.ints, rows, own(options.levels, v), e.nullable === true, allRows);
      variables[v] = { name: v, kind: 'factor', levels: r.levels };
      enc[v] = { info: variables[v]!, codes: r.codes };
      continue;
    }
    // One pass over the labels: each row's code in order of first appearance, and which of
    // those labels the complete cases use; then the codes are renumbered to the levels' order.
    // (A column the source has coded comes so already.)
    const { tmp, labels } = e.kind === 'coded' ? { tmp: e.codes, labels: e.labels } : firstAppearanceCodes(e.raw, nIn);
    const used = new Uint8Array(labels.length);
    if (allRows) for (let j = 0; j < n; j++) used[tmp[j]!] = 1;
    else for (let j = 0; j < n; j++) used[tmp[rows[j]!]!] = 1;
    const observed = new Set<string>();
    for (let c = 0; c < labels.length; c++) if (used[c] === 1) observed.add(labels[c]!);
    let levels: string[];
    const given = own(options.levels, v);
    if (given) {
      const unknown = [...observed].filter((x) => !given.includes(x));
      if (unknown.length) {
        throw new ArgumentError(`options.levels.${v}`, [...given], `a list containing every value of "${v}"; missing ${unknown.slice(0, 5).map((x) => JSON.stringify(x)).join(', ')}`);
      }
      levels = given.filter((l) => observed.has(l));
    } else if (e.kind === 'factor' && e.numericRaw) {
      levels = sortLevels([...observed].map(Number));
    } else {
      levels = sortLevels(observed);
    }
    const index = new Map(levels.map((l, i) => [l, i]));
    const recode = new Int32Array(labels.length);
    for (let c = 0; c < labels.length; c++) recode[c] = index.get(labels[c]!) ?? -1;
    const codes = new Int32Array(nIn);
    for (let i = 0; i < nIn; i++) {
      const c = tmp[i]!;
      codes[i] = c >= 0 ? recode[c]! : -1;
    }
    variables[v] = { name: v, kind: 'factor', levels };
    enc[v] = { info: variables[v]!, codes };
  }

  const y = allRows ? resp.values.slice() : new Float64Array(n);
  if (!allRows) for (let j = 0; j < n; j++) y[j] = resp.values[rows[j]!]!;
  const numericMeans = dict<number>();
  for (const [v, e] of Object.entries(enc)) {
    if (!e.values || v === formula.response) continue;
    let s = 0;
    const x = e.values;
    if (allRows) for (let j = 0; j < n; j++) s += x[j]!;
    else for (let j = 0; j < n; j++) s += x[rows[j]!]!;
    numericMeans[v] = s / n;
  }

  const spec = designSpec(formula.intercept, formula.fixed, variables);
  const cells = cellDesign(spec, enc, rows, allRows);
  let X: Float64Array | null = cells ? null : fillDesign(spec, enc, rows);

  const random: RandomTermFrame[] = formula.random.map((rt) => {
    const gname = rt.group.join(':');
    let group: Int32Array;
    let levels: string[];
    if (rt.group.length === 1) {
      const e = enc[rt.group[0]!]!;
      levels = (e.info as { levels: string[] }).levels;
      const codes = e.codes!;
      // (The frame's arrays are never written after it is built: the codes made above serve.)
      if (allRows) group = codes;
      else {
        group = new Int32Array(n);
        for (let j = 0; j < n; j++) group[j] = codes[rows[j]!]!;
      }
    } else {
      // Interaction grouping factor: observed combinations, ordered by the factors' levels.
      const parts = rt.group.map((g) => enc[g]!);
      const combos = new Map<string, number[]>();
      const keys: string[] = new Array(n);
      for (let j = 0; j < n; j++) {
        const r = rows[j]!;
        const idx = parts.map((p) => p.codes![r]!);
        const k = idx.map((c, m) => (parts[m]!.info as { levels: string[] }).levels[c]).join(':');
        keys[j] = k;
        if (!combos.has(k)) combos.set(k, idx);
      }
      levels = [...combos.entries()]
        .sort((a, b) => {
          for (let m = a[1].length - 1; m >= 0; m--) if (a[1][m] !== b[1][m]) return a[1][m]! - b[1][m]!;
          return 0;
        })
        .map((x) => x[0]);
      const index = new Map(levels.map((l, i) => [l, i]));
      group = new Int32Array(n);
      for (let j = 0; j < n; j++) group[j] = index.get(keys[j]!)!;
    }
    if (levels.length < 2) {
      throw new ArgumentError(
        `grouping factor "${gname}"`,
        `${levels.length} level${levels.length === 1 ? ` (${JSON.stringify(levels[0])})` : 's'}`,
        'at least two levels: a random effect needs several groups to estimate a variance',
      );
    }
    const rspec = designSpec(rt.intercept, rt.terms, variables);
    if (rspec.columnNames.length === 0) {
      throw new FormulaError(formula.text, findPos(formula.text, gname), `The random term "(${rt.label})" has no columns`);
    }
    const Z = fillDesign(rspec, enc, rows);
    return { term: rt, groupName: gname, levels, group, Z, columnNames: rspec.columnNames, spec: rspec };
  });

  const extra: ModelFrame['extra'] = dict();
  for (const v of extraFactors) {
    const e = enc[v]!;
    const codes = allRows ? e.codes! : new Int32Array(n);
    if (!allRows) for (let j = 0; j < n; j++) codes[j] = e.codes![rows[j]!]!;
    extra[v] = { levels: (e.info as { levels: string[] }).levels, codes };
  }

  const frame: ModelFrame = {
    formula,
    n,
    rows,
    extra,
    nInput: nIn,
    y,
    X: X ?? new Float64Array(0),
    spec,
    random,
    variables,
    numericMeans,
    dropped: { total: nIn - n, missingResponse, missingPredictor },
  };
  if (cells) {
    // Made from the cells on first read, then an ordinary property again.
    Object.defineProperty(frame, 'X', {
      get(this: ModelFrame): Float64Array {
        X ??= designFromCells(cells, n);
        Object.defineProperty(this, 'X', { value: X, writable: true, enumerable: true, configurable: true });
        return X;
      },
      enumerable: true,
      configurable: true,
    });
    frameCells.set(frame, cells);
  }
  return frame;
}

/** Mark rows whose value is NaN as dropped (keep[i] = 0) unless already dropped: how many, and the first. */
function dropMissingNumbers(keep: Uint8Array, x: ArrayLike<number>): { count: number; first: number } {
  let count = 0;
  let first = -1;
  for (let i = 0; i < keep.length; i++) {
    if (keep[i] === 1 && Number.isNaN(x[i]!)) {
      keep[i] = 0;
      if (count++ === 0) first = i;
    }
  }
  return { count, first };
}

/** Each label's index in order of first appearance (−1 = missing), and the labels. */
function firstAppearanceCodes(raw: readonly (string | null)[], nIn: number): { tmp: Int32Array; labels: string[] } {
  const first = new Map<string, number>();
  const labels: string[] = [];
  const tmp = new Int32Array(nIn).fill(-1);
  for (let i = 0; i < nIn; i++) {
    const r = raw[i];
    if (r === null || r === undefined) continue;
    let c = first.get(r);
    if (c === undefined) {
      c = labels.length;
      first.set(r, c);
      labels.push(r);
    }
    tmp[i] = c;
  }
  return { tmp, labels };
}

/** `dropMissingNumbers` for codes (missing = −1). */
function dropMissingCodes(keep: Uint8Array, codes: Int32Array): { count: number; first: number } {
  let count = 0;
  let first = -1;
  for (let i = 0; i < keep.length; i++) {
    if (keep[i] === 1 && codes[i]! < 0) {
      keep[i] = 0;
      if (count++ === 0) first = i;
    }
  }
  return { count, first };
}

/** `dropMissingNumbers` for labels (missing = null). */
function dropMissingLabels(keep: Uint8Array, raw: readonly (string | null)[]): { count: number; first: number } {
  let count = 0;
  let first = -1;
  for (let i = 0; i < keep.length; i++) {
    if (keep[i] === 1 && raw[i] === null) {
      keep[i] = 0;
      if (count++ === 0) first = i;
    }
  }
  return { count, first };
}

/**
 * Levels (sorted numerically, or as given) and codes of an integer column used as a factor.
 * @param all - every row is complete (`rows` is 0…n−1): the column is read directly.
 */
function encodeIntFactor(
  name: string,
  ints: ArrayLike<number>,
  rows: Int32Array,
  given: readonly string[] | undefined,
  quoted: boolean,
  all: boolean,
): { levels: string[]; codes: Int32Array } {
  const n = ints.length;
  const m = rows.length;
  let lo = Infinity;
  let hi = -Infinity;
  if (all) {
    for (let i = 0; i < n; i++) {
      const x = ints[i]!;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  } else {
    for (let j = 0; j < m; j++) {
      const x = ints[rows[j]!]!;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  if (m === 0) return { levels: [], codes: new Int32Array(n).fill(-1) };
  // Dense lookup over the value range (ids are usually 0…N); a Map beyond 50 million.
  const span = hi - lo + 1;
  const useTable = span <= 5e7;
  const table = useTable ? new Int32Array(span).fill(-1) : null;
  const map = useTable ? null : new Map<number, number>();
  if (table && all) for (let i = 0; i < n; i++) table[ints[i]! - lo] = 0;
  else if (table) for (let j = 0; j < m; j++) table[ints[rows[j]!]! - lo] = 0;
  else for (let j = 0; j < m; j++) map!.set(ints[rows[j]!]!, 0);
  const codes = new Int32Array(n);
  if (table && !given) {
    // Levels in numeric order: each marked value's code and name in one pass over the range.
    const levels: string[] = [];
    for (let k = 0; k < span; k++) {
      if (table[k] === 0) {
        table[k] = levels.length;
        levels.push(String(k + lo));
      }
    }
    // Every value of the range used (ids 0…N−1): a row's code is its value less the lowest.
    if (all && levels.length === span) for (let i = 0; i < n; i++) codes[i] = ints[i]! - lo;
    else fillIntCodes(ints, lo, hi, table, null, all, codes);
    return { levels, codes };
  }
  let values: number[];
  if (table) {
    values = [];
    for (let k = 0; k < span; k++) if (table[k] === 0) values.push(k + lo);
  } else values = [...map!.keys()].sort((a, b) => a - b);
  let order = values;
  if (given) {
    const labels = new Set(values.map(String));
    const missing = [...labels].filter((l) => !given.includes(l));
    if (missing.length) {
      const shown = missing.slice(0, 5).map((x) => (quoted ? JSON.stringify(x) : x));
      throw new ArgumentError(`options.levels.${name}`, [...given], `a list containing every value of "${name}"; missing ${shown.join(', ')}`);
    }
    order = given.filter((l) => labels.has(l)).map(Number);
  }
  for (let k = 0; k < order.length; k++) {
    if (table) table[order[k]! - lo] = k;
    else map!.set(order[k]!, k);
  }
  fillIntCodes(ints, lo, hi, table, map, all, codes);
  return { levels: order.map(String), codes };
}

/** Each row's code from the value's entry in `table` (at value − lo) or `map`; −1 outside [lo, hi]. */
function fillIntCodes(ints: ArrayLike<number>, lo: number, hi: number, table: Int32Array | null, map: Map<number, number> | null, all: boolean, codes: Int32Array): void {
  const n = ints.length;
  if (table && all) {
    // Every value is within [lo, hi] and marked.
    for (let i = 0; i < n; i++) codes[i] = table[ints[i]! - lo]!;
    return;
  }
  for (let i = 0; i < n; i++) {
    const x = ints[i]!;
    // (NaN, a missing value of a nullable column, fails both tests.)
    codes[i] = !(x >= lo && x <= hi) ? -1 : table ? table[x - lo]! : (map!.get(x) ?? -1);
  }
}

/**
 * Encode new data with a fitted frame's variables (same levels), for prediction.
 * Values not seen in the fit raise an ArgumentError naming the row and column.
 */
export function encodeNewData(
  variables: Record<string, VariableInfo>,
  names: readonly string[],
  src: ColumnSource,
): Record<string, EncodedVariable> {
  const out = dict<EncodedVariable>();
  for (const v of names) {
    const info = own(variables, v);
    if (!info) continue;
    if (!src.has(v)) throw new ArgumentError(`newdata.${v}`, undefined, `a column "${v}" as in the fitted data`);
    const col = src.column(v);
    if (info.kind === 'numeric') {
      const values = new Float64Array(col.length);
      for (let i = 0; i < col.length; i++) {
        const x = col[i];
        if (typeof x !== 'number' || !Number.isFinite(x)) throw new ArgumentError(`newdata[${i}].${v}`, x, 'a finite number');
        values[i] = x;
      }
      out[v] = { info, values };
    } else {
      const index = new Map(info.levels.map((l, i) => [l, i]));
      const codes = new Int32Array(col.length);
      for (let i = 0; i < col.length; i++) {
        const x = col[i];
        const lab = typeof x === 'number' ? formatNumberLevel(x) : typeof x === 'boolean' ? (x ? 'TRUE' : 'FALSE') : String(x);
        const c = index.get(lab);
        if (c === undefined) {
          throw new ArgumentError(`newdata[${i}].${v}`, x, `one of the fitted levels ${info.levels.map((l) => JSON.stringify(l)).join(', ')}`);
        }
        codes[i] = c;
      }
      out[v] = { info, codes };
    }
  }
  return out;
}
