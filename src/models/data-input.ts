/**
 * Accepting model data in the forms notebook users have: an array of row objects
 * (missing = null or undefined), an arquero table, a danfo-shaped frame
 * `{ columns, values }`, or a plain object of equal-length columns (arrays or typed
 * arrays: the fast path for register-scale data).
 */
import { ArgumentError } from '../errors/index.js';
import type { ArqueroLike, DanfoLike } from '../data/frame-like.js';
import type { TrialData } from '../data/types.js';
import { isTrialData as isValidatedTrial, trialToRows } from '../data/validate.js';

/** A plain object of equal-length columns. */
export type ColumnarData = Record<string, ArrayLike<unknown>>;

export type { ArqueroLike, DanfoLike } from '../data/frame-like.js';

/** Data a model function accepts (validated trial data with its `instrument` option). */
// Rows are any objects (interfaces without an index signature included).
export type ModelData = readonly object[] | ArqueroLike | DanfoLike | ColumnarData | TrialData;

/** Column access over any accepted data form. */
export interface ColumnSource {
  nRows: number;
  has(name: string): boolean;
  names(): string[];
  column(name: string): ArrayLike<unknown>;
  /**
   * A text column already coded, when the source has it so (partial nesting's cluster column):
   * each row's index into `labels` (−1 = missing), the same column as `column(name)` gives.
   */
  codes?(name: string): { codes: Int32Array; labels: readonly string[] } | undefined;
}

function isArquero(d: unknown): d is ArqueroLike {
  return typeof d === 'object' && d !== null && typeof (d as ArqueroLike).columnNames === 'function' && typeof (d as ArqueroLike).array === 'function';
}

function isDanfo(d: unknown): d is DanfoLike {
  return (
    typeof d === 'object' && d !== null && Array.isArray((d as DanfoLike).columns) && Array.isArray((d as DanfoLike).values)
  );
}

/** Validated trial data (participants, measurements, design), which models take only as rows. */
function isTrialData(d: unknown): boolean {
  if (typeof d !== 'object' || d === null) return false;
  const t = d as { participants?: unknown; measurements?: unknown; design?: unknown };
  return Array.isArray(t.participants) && Array.isArray(t.measurements) && typeof t.design === 'object' && t.design !== null;
}

/** What every model fit's options say about its data. */
export interface ModelDataOptions {
  /**
   * With validated trial data (from `validateTrial`) as `data`: the instrument to model. The
   * data become `trialToRows(data, { instrument })`, one row per participant × visit with the
   * columns id, arm, group, site, visit, months, score and baseline.
   * @defaultValue none: `data` are model rows
   */
  instrument?: string;
}

/**
 * Wrap model data as a column source; validated trial data with `instrument` become that
 * instrument's model rows.
 * @throws ArgumentError when `data` is none of the accepted forms or columns differ in length,
 *   trial data come without `instrument`, or `instrument` comes with other data.
 */
export function toColumnSource(data: ModelData, argument = 'data', instrument?: string): ColumnSource {
  if (instrument !== undefined) {
    if (!isValidatedTrial(data)) {
      throw new ArgumentError('options.instrument', instrument, 'only with validated trial data (from validateTrial) as data; model rows hold one instrument already');
    }
    return toColumnSource(trialToRows(data, { instrument }), argument);
  }
  if (Array.isArray(data)) {
    const rows = data as readonly Record<string, unknown>[];
    for (let i = 0; i < Math.min(rows.length, 1); i++) {
      if (typeof rows[i] !== 'object' || rows[i] === null) throw new ArgumentError(`${argument}[${i}]`, rows[i], 'a row object');
    }
    const cache = new Map<string, unknown[]>();
    let nameSet: Set<string> | null = null;
    return {
      nRows: rows.length,
      has(name) {
        if (nameSet) return nameSet.has(name);
        // A column is there when some row has it as its own key: usually the first row says so,
        // without listing every row's keys (an array per row at register scale).
        for (const r of rows) if (typeof r === 'object' && r !== null && Object.hasOwn(r, name)) return true;
        return false;
      },
      names() {
        if (!nameSet) nameSet = new Set(rows.flatMap((r) => Object.keys(r ?? {})));
        return [...nameSet];
      },
      column(name) {
        let c = cache.get(name);
        if (!c) {
          c = new Array(rows.length);
          // A column named like an Object.prototype member (`constructor`, `toString`) must
          // not read the inherited function on rows that lack it.
          const inherited = name in Object.prototype;
          for (let i = 0; i < rows.length; i++) {
            const r = rows[i];
            if (typeof r !== 'object' || r === null) throw new ArgumentError(`${argument}[${i}]`, r, 'a row object');
            c[i] = inherited && !Object.hasOwn(r, name) ? undefined : r[name];
          }
          cache.set(name, c);
        }
        return c;
      },
    };
  }
  if (isArquero(data)) {
    const names = data.columnNames();
    return { nRows: data.numRows(), has: (n) => names.includes(n), names: () => names, column: (n) => data.array!(n) };
  }
  if (isDanfo(data)) {
    const { columns, values } = data;
    return {
      nRows: values.length,
      has: (n) => columns.includes(n),
      names: () => [...columns],
      column(n) {
        const j = columns.indexOf(n);
        return values.map((row, i) => {
          if (!Array.isArray(row) || row.length !== columns.length) throw new ArgumentError(`${argument}.values[${i}]`, row, `an array of ${columns.length} values, one per column`);
          return row[j] as unknown;
        });
      },
    };
  }
  if (isTrialData(data)) {
    throw new ArgumentError(
      argument,
      'validated trial data (TrialData)',
      'model rows: an array of row objects, an arquero table, a danfo frame or an object of columns',
      'A model fits one instrument, one row per participant × visit: name it with options.instrument (e.g. { instrument: "PSP" }), or make the rows with trialToRows(trial, { instrument: "PSP" })',
    );
  }
  if (typeof data === 'object' && data !== null) {
    const cols = data as ColumnarData;
    const names = Object.keys(cols);
    let n = -1;
    for (const k of names) {
      const c = cols[k];
      if (c === null || typeof c !== 'object' || typeof (c as ArrayLike<unknown>).length !== 'number') {
        throw new ArgumentError(`${argument}.${k}`, c, 'an array or typed array (a column)');
      }
      if (n < 0) n = c.length;
      else if (c.length !== n) {
        throw new ArgumentError(`${argument}.${k}`, `length ${c.length}`, `length ${n} like the other columns`);
      }
    }
    return { nRows: Math.max(n, 0), has: (k) => Object.hasOwn(cols, k), names: () => names, column: (k) => cols[k]! };
  }
  throw new ArgumentError(argument, data, 'an array of row objects, an arquero table, a { columns, values } frame or an object of columns');
}
