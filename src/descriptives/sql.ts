/**
 * The outcome table and the participant flow from an SQL engine: the same rows as
 * `describeOutcomes` and `flowCounts`, computed by GROUP BY queries so that a register-scale
 * measurements table never leaves the engine. The tables are checked first, as `validateTrial`
 * checks trial data: what it would refuse is refused here, with the offending participant named.
 */
import type { TrialDesign } from '../data/types.js';
import { ArgumentError } from '../errors/index.js';
import { checkOptions, optionKeys } from '../errors/checks.js';
import { formatNumberLevel } from '../formula/levels.js';
import { duckdbEngine, runQuery, sqlFrom, wrapEngineError, type SqlColumn, type SqlEngine, type SqlTable } from '../sql/engine.js';
import { outcomeRows, type OutcomeSummaryRow } from './describe-outcomes.js';
import { flowRows, type FlowRow } from './flow-counts.js';

/** Where the trial's two tables are: one row per participant, and the long measurements (one row per participant × visit × instrument). */
export interface TrialSqlSource {
  /**
   * The engine that holds (or reads) the tables.
   * @defaultValue a DuckDB engine opened for the call and closed after it (for Parquet or CSV files)
   */
  engine?: SqlEngine;
  /** Participants: at least `id` and `arm`. */
  participants: SqlTable;
  /** Measurements: at least `id`, `visit`, `instrument` and `score` (NULL when missing). */
  measurements: SqlTable;
}

/** Options of `describeOutcomesSql` and `flowCountsSql`. */
export interface TrialSqlOptions {
  /**
   * The tables' column names where they differ from the trial data's own.
   * @defaultValue `{ id: 'id', arm: 'arm', visit: 'visit', instrument: 'instrument', score: 'score' }`
   */
  columns?: { id?: string; arm?: string; visit?: string; instrument?: string; score?: string };
}

/** The design the rows follow: arms, visits and instruments in order (as `TrialDesign`). */
export type TrialSqlDesign = Pick<TrialDesign, 'arms' | 'visits' | 'instruments'>;

const SOURCE_KEYS = optionKeys<TrialSqlSource>()(['engine', 'participants', 'measurements']);
const OPTION_KEYS = optionKeys<TrialSqlOptions>()(['columns']);
const COLUMN_KEYS = optionKeys<NonNullable<TrialSqlOptions['columns']>>()(['id', 'arm', 'visit', 'instrument', 'score']);

/**
 * `describeOutcomes` through an SQL engine: n, missing, mean, SD, median, quartiles (R's type 7,
 * SQL's `PERCENTILE_CONT`) and range per arm × visit × instrument, every combination of the
 * design in its order, from one GROUP BY over the measurements joined to the participants.
 * `missing` counts the arm's randomised participants without a score there, as in memory.
 *
 * @param source - the engine and the two tables (see {@link TrialSqlSource}).
 * @param design - arms, visits and instruments in order; a value in the tables outside it is an error.
 * @param options - see {@link TrialSqlOptions}.
 * @returns the rows `describeOutcomes` gives for the same data.
 * @throws ArgumentError for a missing column or one of the wrong SQL type, a participant listed
 *   twice or without an arm, an arm, visit or instrument outside the design, a measurement of an
 *   unknown participant, two rows for one participant × visit × instrument, NaN or ±Infinity;
 *   SqlEngineError (naming the table) when the engine fails.
 * @example
 * const engine = await duckdbEngine();
 * // tables p (id, arm) and m (id, visit, instrument, score): the hand example of tests/descriptives
 * const rows = await describeOutcomesSql({ engine, participants: { table: 'p' }, measurements: { table: 'm' } }, { arms: ['control', 'SFT'], visits: ['baseline', '9m'], instruments: ['PSP', 'WHO5'] });
 * rows.find((r) => r.arm === 'SFT' && r.visit === 'baseline' && r.instrument === 'PSP');
 * // { arm: 'SFT', visit: 'baseline', instrument: 'PSP', randomised: 4, n: 4, missing: 0,
 * //   mean: 45, sd: 12.909944487358056, median: 45, q1: 37.5, q3: 52.5, min: 30, max: 60 }
 */
export async function describeOutcomesSql(source: TrialSqlSource, design: TrialSqlDesign, options: TrialSqlOptions = {}): Promise<OutcomeSummaryRow[]> {
  return withTables(source, design, options, async (t) => {
    const { m, p } = t.names;
    const dbl = (e: string) => `CAST(${e} AS DOUBLE PRECISION)`;
    const score = `m.${m.score}`;
    const ordered = (prob: number) => `${dbl(`PERCENTILE_CONT(${prob}) WITHIN GROUP (ORDER BY ${score})`)}`;
    const rows = await t.run(
      `SELECT p.${p.arm} AS a, m.${m.visit} AS v, m.${m.instrument} AS k, COUNT(${score}) AS n, ${dbl(`AVG(${dbl(score)})`)} AS mean, ${dbl(`STDDEV_SAMP(${dbl(score)})`)} AS sd, ` +
        `${dbl(`MIN(${score})`)} AS lo, ${dbl(`MAX(${score})`)} AS hi, ${ordered(0.25)} AS q1, ${ordered(0.5)} AS q2, ${ordered(0.75)} AS q3 ` +
        `FROM ${t.joined} WHERE ${score} IS NOT NULL GROUP BY p.${p.arm}, m.${m.visit}, m.${m.instrument}`,
    );
    const { A, V, K } = t;
    const cells: (ReturnType<typeof summaryOf> | null)[] = new Array(A * V * K).fill(null);
    for (const r of rows) cells[t.cellOf(r)] = summaryOf(r);
    return outcomeRows(design, t.randomised, (c) => cells[c] ?? { n: 0, mean: null, sd: null, median: null, q1: null, q3: null, min: null, max: null });
  });
}

/**
 * `flowCounts` through an SQL engine: randomised, analysed (a score at any visit) and measured at
 * each visit (any instrument, then each), per arm and for all arms together, counting
 * participants (`COUNT(DISTINCT id)` over `GROUPING SETS`), with the rows of `flowCounts`.
 *
 * @param source - the engine and the two tables (see {@link TrialSqlSource}).
 * @param design - arms, visits and instruments in order.
 * @param options - see {@link TrialSqlOptions}.
 * @returns the rows `flowCounts` gives for the same data.
 * @throws as {@link describeOutcomesSql}.
 * @example
 * const flow = await flowCountsSql({ engine, participants: { table: 'p' }, measurements: { table: 'm' } }, { arms: ['control', 'SFT'], visits: ['baseline', '9m'], instruments: ['PSP', 'WHO5'] });
 * flow.find((r) => r.stage === 'measured' && r.arm === 'control' && r.visit === '9m' && r.instrument === null);
 * // { stage: 'measured', arm: 'control', visit: '9m', instrument: null, n: 2, randomised: 4, notIncluded: 2, percent: 50 }
 */
export async function flowCountsSql(source: TrialSqlSource, design: TrialSqlDesign, options: TrialSqlOptions = {}): Promise<FlowRow[]> {
  return withTables(source, design, options, async (t) => {
    const { m, p } = t.names;
    // A participant has one arm (checked), so each arm's distinct count is its own and the
    // all-arms count is their sum. Visit and instrument are never NULL (checked): a NULL key
    // says which grouping set a row is of.
    const rows = await t.run(
      `SELECT p.${p.arm} AS a, m.${m.visit} AS v, m.${m.instrument} AS k, COUNT(DISTINCT m.${m.id}) AS n FROM ${t.joined} WHERE m.${m.score} IS NOT NULL ` +
        `GROUP BY GROUPING SETS ((p.${p.arm}), (p.${p.arm}, m.${m.visit}), (p.${p.arm}, m.${m.visit}, m.${m.instrument}))`,
    );
    const { A, V, K } = t;
    const S = 1 + V * (K + 1);
    const counts = new Int32Array((A + 1) * S);
    for (const r of rows) {
      const a = t.armIndex(r['a']);
      const slot = r['v'] === null ? 0 : r['k'] === null ? 1 + t.visitIndex(r['v']) * (K + 1) : 1 + t.visitIndex(r['v']) * (K + 1) + 1 + t.instrumentIndex(r['k']);
      const n = num(r['n']);
      counts[a * S + slot] = counts[a * S + slot]! + n;
      counts[A * S + slot] = counts[A * S + slot]! + n;
    }
    return flowRows(design, t.randomised, t.randomised.reduce((x, y) => x + y, 0), counts);
  });
}

const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : v === null || v === undefined ? NaN : Number(v));

function summaryOf(r: Record<string, unknown>) {
  const n = num(r['n']);
  const sd = r['sd'] === null || n < 2 ? null : num(r['sd']);
  return { n, mean: num(r['mean']), sd, median: num(r['q2']), q1: num(r['q1']), q3: num(r['q3']), min: num(r['lo']), max: num(r['hi']) };
}

/** What the two queries need once the tables are checked. */
interface CheckedTables {
  run: (sql: string) => Promise<Record<string, unknown>[]>;
  /** Quoted column names of each table. */
  names: { p: { id: string; arm: string }; m: { id: string; visit: string; instrument: string; score: string } };
  /** `measurements AS m JOIN participants AS p ON m.id = p.id`. */
  joined: string;
  A: number;
  V: number;
  K: number;
  randomised: number[];
  armIndex: (raw: unknown) => number;
  visitIndex: (raw: unknown) => number;
  instrumentIndex: (raw: unknown) => number;
  /** The design cell (a·V + v)·K + k of a row's a, v and k. */
  cellOf: (r: Record<string, unknown>) => number;
}

async function withTables<T>(source: TrialSqlSource, design: TrialSqlDesign, options: TrialSqlOptions, body: (t: CheckedTables) => Promise<T>): Promise<T> {
  checkOptions('options', options, OPTION_KEYS);
  const given = checkOptions('options.columns', options.columns, COLUMN_KEYS);
  for (const [k, v] of Object.entries(given)) if (typeof v !== 'string' || v === '') throw new ArgumentError(`options.columns.${k}`, v, 'a column name');
  if (typeof source !== 'object' || source === null) throw new ArgumentError('source', source, '{ engine, participants: { table }, measurements: { table } }');
  checkOptions('source', source, SOURCE_KEYS);
  for (const k of ['participants', 'measurements'] as const) {
    const t = source[k] as unknown;
    if (typeof t !== 'object' || t === null || !('table' in t || 'parquet' in t || 'csv' in t)) throw new ArgumentError(`source.${k}`, t, '{ table }, { parquet } or { csv }');
  }
  if (typeof design !== 'object' || design === null) throw new ArgumentError('design', design, '{ arms, visits, instruments }');
  for (const k of ['arms', 'visits', 'instruments'] as const) {
    const list = design[k] as unknown;
    if (!Array.isArray(list) || list.length === 0 || list.some((x) => typeof x !== 'string' || x === '')) throw new ArgumentError(`design.${k}`, list, 'a non-empty list of names');
    const dup = list.find((x, i) => list.indexOf(x) !== i);
    if (dup !== undefined) throw new ArgumentError(`design.${k}`, list, `names listed once ("${dup}" is listed twice)`);
  }
  const engine = source.engine ?? (await duckdbEngine());
  try {
    return await body(await checkTables(engine, source, design, given));
  } finally {
    if (!source.engine) await engine.close?.();
  }
}

/** The checks `validateTrial` makes of the same data, as queries, then what the two tables offer. */
async function checkTables(engine: SqlEngine, source: TrialSqlSource, design: TrialSqlDesign, given: NonNullable<TrialSqlOptions['columns']>): Promise<CheckedTables> {
  const d = engine.dialect;
  const q = d.quoteIdentifier;
  const col = { id: 'id', arm: 'arm', visit: 'visit', instrument: 'instrument', score: 'score', ...given };
  const P = sqlFrom(engine, source.participants, 'source.participants');
  const M = sqlFrom(engine, source.measurements, 'source.measurements');
  const describe = async (t: { from: string; table: string }): Promise<Map<string, SqlColumn>> => {
    try {
      return new Map((await engine.columns(t.from)).map((c) => [c.name, c]));
    } catch (e) {
      throw wrapEngineError(engine, e, { table: t.table }, `Check that ${t.table} exists and can be read`);
    }
  };
  const pCols = await describe(P);
  const mCols = await describe(M);
  const need = (cols: Map<string, SqlColumn>, t: string, key: keyof typeof col, kinds: readonly string[]): SqlColumn => {
    const c = cols.get(col[key]);
    if (!c) throw new ArgumentError(given[key] !== undefined ? `options.columns.${key}` : `${t}.${col[key]}`, col[key], `a column of ${t} (${[...cols.keys()].slice(0, 20).join(', ')})`);
    if (!kinds.includes(c.kind)) throw new ArgumentError(`${t}.${c.name}`, c.type, `a ${kinds.join(' or ')} SQL column`);
    return c;
  };
  const pId = need(pCols, P.table, 'id', ['number', 'text']);
  const arm = need(pCols, P.table, 'arm', ['number', 'text', 'boolean']);
  const mId = need(mCols, M.table, 'id', ['number', 'text']);
  const visit = need(mCols, M.table, 'visit', ['number', 'text', 'boolean']);
  const instrument = need(mCols, M.table, 'instrument', ['number', 'text', 'boolean']);
  need(mCols, M.table, 'score', ['number']);
  if (pId.kind !== mId.kind) throw new ArgumentError(`${M.table}.${mId.name}`, mId.type, `ids of the same kind as ${P.table}.${pId.name} (${pId.type})`);

  const run = (sql: string, table = M.table) => runQuery(engine, sql, { table });
  const names = {
    p: { id: q(col.id), arm: q(col.arm) },
    m: { id: q(col.id), visit: q(col.visit), instrument: q(col.instrument), score: q(col.score) },
  };
  const label = (c: SqlColumn, x: unknown): string => (c.kind === 'number' ? formatNumberLevel(num(x)) : c.kind === 'boolean' ? (x === true || x === 't' || x === 'true' ? 'TRUE' : 'FALSE') : String(x));
  const idText = (x: unknown) => label(pId, x);
  const indexOf = (list: readonly string[], c: SqlColumn) => {
    const at = new Map(list.map((x, i) => [x, i] as const));
    return (raw: unknown) => at.get(label(c, raw)) ?? -1;
  };
  const armIndex = indexOf(design.arms, arm);
  const visitIndex = indexOf(design.visits, visit);
  const instrumentIndex = indexOf(design.instruments, instrument);
  // An example row for a message: the first id (in id order) where `where` holds.
  const exampleId = async (from: string, table: string, where: string): Promise<string> => {
    const r = await run(`SELECT MIN(${names.p.id}) AS id FROM ${from} WHERE ${where}`, table);
    return r[0] && r[0]['id'] !== null ? idText(r[0]['id']) : '(none)';
  };
  const literal = (c: SqlColumn, raw: unknown) => (c.kind === 'number' ? String(num(raw)) : c.kind === 'boolean' ? (label(c, raw) === 'TRUE' ? 'TRUE' : 'FALSE') : d.quoteString(String(raw)));

  // Participants: each id once, with an arm of the design.
  const byArm = await run(`SELECT ${names.p.arm} AS a, COUNT(*) AS n, COUNT(${names.p.id}) AS ids FROM ${P.from} GROUP BY ${names.p.arm}`, P.table);
  const randomised = design.arms.map(() => 0);
  for (const r of byArm) {
    if (num(r['ids']) < num(r['n'])) throw new ArgumentError(`${P.table}.${col.id}`, null, 'an id on every participant row');
    if (r['a'] === null) {
      const id = await exampleId(P.from, P.table, `${names.p.arm} IS NULL`);
      throw new ArgumentError(`${P.table}[${col.id} ${id}].${col.arm}`, null, `one of ${design.arms.join(', ')}`);
    }
    const a = armIndex(r['a']);
    if (a < 0) {
      const id = await exampleId(P.from, P.table, `${names.p.arm} = ${literal(arm, r['a'])}`);
      throw new ArgumentError(`${P.table}[${col.id} ${id}].${col.arm}`, label(arm, r['a']), `one of ${design.arms.join(', ')} (design.arms)`);
    }
    randomised[a] = num(r['n']);
  }
  const twice = await run(`SELECT ${names.p.id} AS id FROM ${P.from} GROUP BY ${names.p.id} HAVING COUNT(*) > 1 ORDER BY ${names.p.id} LIMIT 1`, P.table);
  if (twice.length > 0) throw new ArgumentError(`${P.table}.${col.id}`, idText(twice[0]!['id']), 'each participant on one row (this id is on two or more)');

  // Measurements: id, visit and instrument given and in the design, scores finite or NULL.
  const byCell = await run(
    `SELECT ${names.m.visit} AS v, ${names.m.instrument} AS k, COUNT(*) AS n, COUNT(${names.m.id}) AS ids, ` +
      `CAST(MIN(${names.m.score}) AS DOUBLE PRECISION) AS lo, CAST(MAX(${names.m.score}) AS DOUBLE PRECISION) AS hi FROM ${M.from} GROUP BY ${names.m.visit}, ${names.m.instrument}`,
  );
  for (const r of byCell) {
    if (num(r['ids']) < num(r['n'])) throw new ArgumentError(`${M.table}.${col.id}`, null, 'an id on every measurement row');
    for (const [key, c, list, i, what] of [['v', visit, design.visits, visitIndex, 'visits'], ['k', instrument, design.instruments, instrumentIndex, 'instruments']] as const) {
      if (r[key] === null) {
        const id = await exampleId(M.from, M.table, `${q(c.name)} IS NULL`);
        throw new ArgumentError(`${M.table}[${col.id} ${id}].${c.name}`, null, `one of ${list.join(', ')}`);
      }
      if (i(r[key]) < 0) {
        const id = await exampleId(M.from, M.table, `${q(c.name)} = ${literal(c, r[key])}`);
        throw new ArgumentError(`${M.table}[${col.id} ${id}].${c.name}`, label(c, r[key]), `one of ${list.join(', ')} (design.${what})`);
      }
    }
    for (const e of ['lo', 'hi'] as const) {
      const x = r[e] === null ? 0 : num(r[e]);
      if (!Number.isFinite(x)) {
        throw new ArgumentError(`${M.table}.${col.score}`, x, `finite numbers or NULL (NaN and ±Infinity are not scores; visit ${label(visit, r['v'])}, ${label(instrument, r['k'])})`);
      }
    }
  }
  const joined = `${M.from} AS m JOIN ${P.from} AS p ON m.${names.m.id} = p.${names.p.id}`;
  const unknown = await run(`SELECT MIN(m.${names.m.id}) AS id FROM ${M.from} AS m LEFT JOIN ${P.from} AS p ON m.${names.m.id} = p.${names.p.id} WHERE p.${names.p.id} IS NULL`);
  if (unknown[0] && unknown[0]['id'] !== null) throw new ArgumentError(`${M.table}.${col.id}`, idText(unknown[0]['id']), `a participant of ${P.table}`);
  const repeated = await run(
    `SELECT ${names.m.id} AS id, ${names.m.visit} AS v, ${names.m.instrument} AS k FROM ${M.from} GROUP BY ${names.m.id}, ${names.m.visit}, ${names.m.instrument} HAVING COUNT(*) > 1 ORDER BY ${names.m.id} LIMIT 1`,
  );
  if (repeated.length > 0) {
    const r = repeated[0]!;
    throw new ArgumentError(`${M.table}[${col.id} ${idText(r['id'])}]`, `${label(visit, r['v'])} × ${label(instrument, r['k'])}`, 'one row per participant × visit × instrument (this one has two or more)');
  }
  const V = design.visits.length;
  const K = design.instruments.length;
  return {
    run: (sql) => run(sql),
    names,
    joined,
    A: design.arms.length,
    V,
    K,
    randomised,
    armIndex,
    visitIndex,
    instrumentIndex,
    cellOf: (r) => (armIndex(r['a']) * V + visitIndex(r['v'])) * K + instrumentIndex(r['k']),
  };
}
