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
import { checkDesign } from '../data/validate.js';
import { defaultInstruments, scoreProblem, type InstrumentRegistry } from '../instruments/registry.js';
import type { Instrument } from '../instruments/types.js';
import { duckdbEngine, runQuery, sqlFrom, sqlNumber, wrapEngineError, type SqlColumn, type SqlEngine, type SqlTable } from '../sql/engine.js';
import { outcomeRows, type OutcomeSummaryRow } from './describe-outcomes.js';
import { flowRows, type FlowRow } from './flow-counts.js';
import { summarise } from './stats.js';

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
  /**
   * Where instrument ranges and steps come from, as `validateTrial`'s option: each score must be
   * one its instrument can take.
   * @defaultValue the built-in registry (`defaultInstruments`)
   */
  instruments?: InstrumentRegistry;
}

/** The design the rows follow: arms, visits and instruments in order (as `TrialDesign`). */
export type TrialSqlDesign = Pick<TrialDesign, 'arms' | 'visits' | 'instruments'>;

const SOURCE_KEYS = optionKeys<TrialSqlSource>()(['engine', 'participants', 'measurements']);
const OPTION_KEYS = optionKeys<TrialSqlOptions>()(['columns', 'instruments']);
const COLUMN_KEYS = optionKeys<NonNullable<TrialSqlOptions['columns']>>()(['id', 'arm', 'visit', 'instrument', 'score']);

/**
 * `describeOutcomes` through an SQL engine: n, missing, mean, SD, median, quartiles (R's type 7,
 * SQL's `PERCENTILE_CONT`) and range per arm × visit × instrument, every combination of the
 * design in its order, from the measurements joined to the participants, grouped by cell (the mean
 * and SD in two passes, as R's, so an offset costs no digits). `missing` counts the arm's
 * randomised participants without a score there, as in memory.
 *
 * @param source - the engine and the two tables (see {@link TrialSqlSource}).
 * @param design - arms, visits and instruments in order; a value in the tables outside it is an error.
 * @param options - see {@link TrialSqlOptions}.
 * @returns the rows `describeOutcomes` gives for the same data.
 * @throws ArgumentError, before anything is computed, for what `validateTrial` refuses: a missing
 *   column or one of the wrong SQL type, a participant listed twice or without an arm, an arm,
 *   visit or instrument outside the design, a measurement of an unknown participant, two rows for
 *   one participant × visit × instrument, a score its instrument cannot take (range, steps, NaN,
 *   ±Infinity), a label that is not a name or an integer, an empty table; SqlEngineError (naming
 *   the table) when the engine fails.
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
    // The mean and SD in two passes, as R's and the in-memory table's: each cell's mean m₁, then
    // Σ(x − m₁) and Σ(x − m₁)² about it (a streaming STDDEV_SAMP lost 4e-9 of the SD at scores
    // near 1e9; sums about any other centre, such as the visit's mean over both arms, cancel when
    // the arms' means differ by much more than a cell's SD). Quantiles are interpolated on doubles
    // (DuckDB interpolates a DECIMAL in its own scale).
    const ordered = (prob: number) => `PERCENTILE_CONT(${prob}) WITHIN GROUP (ORDER BY x)`;
    const rows = await t.run(
      `WITH s AS (SELECT p.${p.arm} AS a, m.${m.visit} AS v, m.${m.instrument} AS k, CAST(m.${m.score} AS DOUBLE PRECISION) AS x FROM ${t.joined} WHERE m.${m.score} IS NOT NULL), ` +
        `c AS (SELECT a, v, k, COUNT(x) AS n, AVG(x) AS m1, MIN(x) AS lo, MAX(x) AS hi, ${ordered(0.25)} AS q1, ${ordered(0.5)} AS q2, ${ordered(0.75)} AS q3 FROM s GROUP BY a, v, k) ` +
        `SELECT c.a, c.v, c.k, c.n, c.m1, c.lo, c.hi, c.q1, c.q2, c.q3, SUM(s.x - c.m1) AS d1, SUM((s.x - c.m1) * (s.x - c.m1)) AS d2 ` +
        `FROM c JOIN s ON s.a = c.a AND s.v = c.v AND s.k = c.k GROUP BY c.a, c.v, c.k, c.n, c.m1, c.lo, c.hi, c.q1, c.q2, c.q3`,
    );
    const { A, V, K } = t;
    const cells: (ReturnType<typeof summaryOf> | null)[] = new Array(A * V * K).fill(null);
    for (const r of rows) cells[t.cellOf(r)] = summaryOf(r);
    return outcomeRows(design, t.randomised, (c) => cells[c] ?? summarise(new Float64Array(0)));
  });
}

/**
 * `flowCounts` through an SQL engine: randomised, analysed (a score at any visit) and measured at
 * each visit (any instrument, then each), per arm and for all arms together, counting
 * participants from one aggregation per participant (the one that also finds unknown and
 * repeated ones), with the rows of `flowCounts`.
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
  // The checks' per-participant aggregation counts the flow as it goes (each participant has one
  // arm, so the all-arms count is the arms' sum).
  return withTables(source, design, options, async (t) => flowRows(design, t.randomised, t.randomised.reduce((x, y) => x + y, 0), t.flow));
}

const num = sqlNumber;

function summaryOf(r: Record<string, unknown>) {
  const n = num(r['n']);
  const d1 = num(r['d1']);
  const lo = num(r['lo']);
  const hi = num(r['hi']);
  // R's mean: the first pass's mean corrected by the mean distance from it; the sum of squares
  // about the mean (zero when every score is the same, as R's).
  const ss = lo === hi ? 0 : Math.max(num(r['d2']) - (d1 * d1) / n, 0);
  const sd = n < 2 ? null : Math.sqrt(ss / (n - 1));
  return { n, mean: lo === hi ? lo : num(r['m1']) + d1 / n, sd, median: num(r['q2']), q1: num(r['q1']), q3: num(r['q3']), min: lo, max: hi };
}

/** What the two queries need once the tables are checked. */
interface CheckedTables {
  run: (sql: string) => Promise<Record<string, unknown>[]>;
  /** The flow's counts in `flowRows`' layout, formed while checking. */
  flow: Int32Array;


  /** Quoted column names of each table. */
  names: { p: { id: string; arm: string }; m: { id: string; visit: string; instrument: string; score: string } };
  /** `measurements AS m JOIN participants AS p ON m.id = p.id`. */
  joined: string;
  A: number;
  V: number;
  K: number;
  randomised: number[];
  /** The design cell (a·V + v)·K + k of a row's a, v and k. */
  cellOf: (r: Record<string, unknown>) => number;
}

async function withTables<T>(source: TrialSqlSource, design: TrialSqlDesign, options: TrialSqlOptions, body: (t: CheckedTables) => Promise<T>): Promise<T> {
  checkOptions('options', options, OPTION_KEYS);
  const given = checkOptions('options.columns', options.columns, COLUMN_KEYS);
  for (const [k, v] of Object.entries(given)) if (typeof v !== 'string' || v === '') throw new ArgumentError(`options.columns.${k}`, v, 'a column name');
  const registry = options.instruments ?? defaultInstruments;
  if (typeof registry !== 'object' || registry === null || typeof registry.get !== 'function') throw new ArgumentError('options.instruments', registry, 'an instrument registry (createInstrumentRegistry)');
  if (typeof source !== 'object' || source === null) throw new ArgumentError('source', source, '{ engine, participants: { table }, measurements: { table } }');
  checkOptions('source', source, SOURCE_KEYS);
  for (const k of ['participants', 'measurements'] as const) if (source[k] === undefined) throw new ArgumentError(`source.${k}`, undefined, '{ table }, { parquet } or { csv }');
  if (typeof design !== 'object' || design === null) throw new ArgumentError('design', design, '{ arms, visits, instruments }');
  checkOptions('design', design, DESIGN_KEYS);
  for (const k of ['arms', 'visits', 'instruments'] as const) {
    const list = design[k] as unknown;
    if (!Array.isArray(list) || list.length === 0 || list.some((x) => typeof x !== 'string' || x === '')) throw new ArgumentError(`design.${k}`, list, 'a non-empty list of names');
    const dup = list.find((x, i) => list.indexOf(x) !== i);
    if (dup !== undefined) throw new ArgumentError(`design.${k}`, list, `names listed once ("${dup}" is listed twice)`);
  }
  const registered = checkDesign(design, registry);
  const instruments = design.instruments.map((id) => registered.get(id)!);
  const engine = source.engine ?? (await duckdbEngine());
  let result: T;
  try {
    result = await body(await checkTables(engine, source, design, instruments, given));
  } catch (e) {
    // The engine this call opened is closed; a failure to close must not hide the first error.
    if (!source.engine) await Promise.resolve(engine.close?.()).catch(() => undefined);
    throw e;
  }
  if (!source.engine) await engine.close?.();
  return result;
}

const DESIGN_KEYS = optionKeys<TrialSqlDesign>()(['arms', 'visits', 'instruments']);
/** Tolerance of the range and step checks, as the instrument registry's. */
const EPS = 1e-9;

/** The checks `validateTrial` makes of the same data, as queries, then what the two tables offer. */
async function checkTables(engine: SqlEngine, source: TrialSqlSource, design: TrialSqlDesign, instruments: readonly Instrument[], given: NonNullable<TrialSqlOptions['columns']>): Promise<CheckedTables> {
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
  const need = (cols: Map<string, SqlColumn>, t: string, key: keyof typeof col, kinds: readonly string[], what: string): SqlColumn => {
    const c = cols.get(col[key]);
    if (!c) throw new ArgumentError(given[key] !== undefined ? `options.columns.${key}` : `${t}.${col[key]}`, col[key], `a column of ${t} (${[...cols.keys()].slice(0, 20).join(', ')})`);
    if (!kinds.includes(c.kind)) throw new ArgumentError(`${t}.${c.name}`, c.type, what);
    return c;
  };
  // Labels are text or integers, as validateTrial reads them; a score is a number.
  const labelKinds = ['number', 'text'];
  const labelType = 'a text or integer SQL column';
  const pId = need(pCols, P.table, 'id', labelKinds, labelType);
  const arm = need(pCols, P.table, 'arm', labelKinds, labelType);
  const mId = need(mCols, M.table, 'id', labelKinds, labelType);
  const visit = need(mCols, M.table, 'visit', labelKinds, labelType);
  const instrument = need(mCols, M.table, 'instrument', labelKinds, labelType);
  need(mCols, M.table, 'score', ['number'], 'a number SQL column');
  if (pId.kind !== mId.kind) throw new ArgumentError(`${M.table}.${mId.name}`, mId.type, `ids of the same kind as ${P.table}.${pId.name} (${pId.type})`);

  const run = (sql: string, table = M.table) => runQuery(engine, sql, { table });
  const names = {
    p: { id: q(col.id), arm: q(col.arm) },
    m: { id: q(col.id), visit: q(col.visit), instrument: q(col.instrument), score: q(col.score) },
  };
  // A label as the in-memory data name it: an integer as its digits (a BIGINT comes back as a
  // bigint or as text, and keeps every digit), text as it is; '' is a missing label.
  const label = (x: unknown): string | null =>
    x === null || x === undefined || x === '' ? null : typeof x === 'bigint' || typeof x === 'string' ? String(x) : formatNumberLevel(num(x));
  const indexOf = (list: readonly string[]) => {
    const at = new Map(list.map((x, i) => [x, i] as const));
    return (raw: unknown) => at.get(label(raw) ?? '') ?? -1;
  };
  const armIndex = indexOf(design.arms);
  const visitIndex = indexOf(design.visits);
  const instrumentIndex = indexOf(design.instruments);
  const literal = (c: SqlColumn, raw: unknown) => {
    if (c.kind !== 'number') return d.quoteString(String(raw));
    // (A name that is no number matches no row of a number column.)
    const l = String(label(raw));
    return /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(l) ? l : 'NULL';
  };
  const dblOf = (x: string) => `CAST('${x}' AS DOUBLE PRECISION)`;
  // A label validateTrial refuses: text empty or with spaces around it, a number not an integer.
  const badLabel = (c: SqlColumn, e: string) =>
    c.kind === 'text' ? `(${e} = '' OR ${e} <> TRIM(${e}))` : `(${e} <> ROUND(${e}) OR ${e} = ${dblOf('NaN')} OR ${e} = ${dblOf('Infinity')} OR ${e} = ${dblOf('-Infinity')})`;
  const labelExpected = 'a non-empty name without spaces around it, or an integer';
  // The first participant (in id order) of a table where `where` holds.
  const exampleId = async (from: string, table: string, where: string): Promise<string> => {
    const r = await run(`SELECT ${names.p.id} AS id FROM ${from} WHERE ${where} ORDER BY ${names.p.id} LIMIT 1`, table);
    return r[0] ? String(label(r[0]['id'])) : '(none)';
  };
  const at = (table: string, id: string, column?: string) => `${table}[${col.id} ${id}]${column ? `.${column}` : ''}`;

  // Participants: each id once and well formed, with an arm of the design.
  const byArm = await run(`SELECT ${names.p.arm} AS a, COUNT(*) AS n, COUNT(${names.p.id}) AS ids FROM ${P.from} GROUP BY ${names.p.arm}`, P.table);
  if (byArm.length === 0) throw new ArgumentError(P.table, 0, 'at least one participant row');
  const randomised = design.arms.map(() => 0);
  for (const r of byArm) {
    if (num(r['ids']) < num(r['n'])) throw new ArgumentError(`${P.table}.${col.id}`, null, 'an id on every participant row');
    if (label(r['a']) === null) {
      const id = await exampleId(P.from, P.table, r['a'] === null ? `${names.p.arm} IS NULL` : `${names.p.arm} = ''`);
      throw new ArgumentError(at(P.table, id, col.arm), r['a'], `one of ${design.arms.join(', ')}`);
    }
    const a = armIndex(r['a']);
    if (a < 0) {
      const id = await exampleId(P.from, P.table, `${names.p.arm} = ${literal(arm, r['a'])}`);
      const spaces = typeof r['a'] === 'string' && r['a'].trim() !== r['a'] ? '; the text has spaces around it, which are part of the value (remove them)' : '';
      throw new ArgumentError(at(P.table, id, col.arm), label(r['a']), `one of ${design.arms.join(', ')} (design.arms)${spaces}`);
    }
    randomised[a] = num(r['n']);
  }
  const badPid = await run(`SELECT ${names.p.id} AS id FROM ${P.from} WHERE ${badLabel(pId, names.p.id)} ORDER BY ${names.p.id} LIMIT 1`, P.table);
  if (badPid.length > 0) throw new ArgumentError(`${P.table}.${col.id}`, badPid[0]!['id'], labelExpected);
  const twice = await run(`SELECT ${names.p.id} AS id FROM ${P.from} GROUP BY ${names.p.id} HAVING COUNT(*) > 1 ORDER BY ${names.p.id} LIMIT 1`, P.table);
  if (twice.length > 0) throw new ArgumentError(`${P.table}.${col.id}`, label(twice[0]!['id']), 'each participant on one row (this id is on two or more)');

  // Measurements: id, visit and instrument given and in the design.
  const byCell = await run(
    `SELECT ${names.m.visit} AS v, ${names.m.instrument} AS k, COUNT(*) AS n, COUNT(${names.m.id}) AS ids FROM ${M.from} GROUP BY ${names.m.visit}, ${names.m.instrument}`,
  );
  if (byCell.length === 0) throw new ArgumentError(M.table, 0, 'at least one measurement row');
  for (const r of byCell) {
    if (num(r['ids']) < num(r['n'])) throw new ArgumentError(`${M.table}.${col.id}`, null, 'an id on every measurement row');
    for (const [key, c, list, i, what] of [['v', visit, design.visits, visitIndex, 'visits'], ['k', instrument, design.instruments, instrumentIndex, 'instruments']] as const) {
      if (label(r[key]) === null) {
        const id = await exampleId(M.from, M.table, r[key] === null ? `${q(c.name)} IS NULL` : `${q(c.name)} = ''`);
        throw new ArgumentError(at(M.table, id, c.name), r[key], `one of ${list.join(', ')}`);
      }
      if (i(r[key]) < 0) {
        const id = await exampleId(M.from, M.table, `${q(c.name)} = ${literal(c, r[key])}`);
        const spaces = typeof r[key] === 'string' && r[key].trim() !== r[key] ? '; the text has spaces around it, which are part of the value (remove them)' : '';
        throw new ArgumentError(at(M.table, id, c.name), label(r[key]), `one of ${list.join(', ')} (design.${what})${spaces}`);
      }
    }
  }
  // Then, row by row in one pass: an id validateTrial refuses, or a score its instrument cannot
  // take (out of range, off its steps, NaN or ±Infinity; a NaN sorts above every number).
  const x = names.m.score;
  const scoreBad = instruments.map((inst) => {
    const { min, max } = inst.range;
    const off = inst.step === null ? '' : ` OR ABS((${x} - ${min}) / ${inst.step} - ROUND((${x} - ${min}) / ${inst.step})) >= ${EPS} * GREATEST(1, ABS((${x} - ${min}) / ${inst.step}))`;
    return `(${names.m.instrument} = ${literal(instrument, inst.id)} AND (${x} < ${min - EPS} OR ${x} > ${max + EPS} OR ${x} = ${dblOf('NaN')}${off}))`;
  });
  const bad = await run(
    `SELECT ${names.m.id} AS id, ${names.m.instrument} AS k, CAST(${x} AS DOUBLE PRECISION) AS x, CASE WHEN ${badLabel(mId, names.m.id)} THEN 1 ELSE 0 END AS badid FROM ${M.from} ` +
      `WHERE ${badLabel(mId, names.m.id)} OR (${x} IS NOT NULL AND (${scoreBad.join(' OR ')})) ORDER BY ${names.m.id} LIMIT 1`,
  );
  if (bad.length > 0) {
    const r = bad[0]!;
    if (num(r['badid']) === 1) throw new ArgumentError(`${M.table}.${col.id}`, r['id'], labelExpected);
    const value = num(r['x']);
    const inst = instruments[instrumentIndex(r['k'])]!;
    throw new ArgumentError(at(M.table, String(label(r['id'])), col.score), value, Number.isFinite(value) ? scoreProblem(inst, value)! : 'a finite number or NULL (NaN and ±Infinity are not scores)');
  }
  const joined = `${M.from} AS m JOIN ${P.from} AS p ON m.${names.m.id} = p.${names.p.id}`;
  // One aggregation per participant finds a measurement of an unknown participant and a repeated
  // participant × visit × instrument, and counts the flow: per design cell (every row's visit and
  // instrument are in the design, checked above) the participant's rows and scores, then per arm
  // (NULL: not in the participants table) how many have a score there, at each visit, anywhere.
  const V = design.visits.length;
  const K = design.instruments.length;
  const cellSql: string[] = [];
  for (let v = 0; v < V; v++) for (let k = 0; k < K; k++) cellSql.push(`m.${names.m.visit} = ${literal(visit, design.visits[v])} AND m.${names.m.instrument} = ${literal(instrument, design.instruments[k])}`);
  const inner = cellSql.flatMap((c, i) => [`SUM(CASE WHEN ${c} THEN 1 ELSE 0 END) AS r${i}`, `SUM(CASE WHEN ${c} AND m.${names.m.score} IS NOT NULL THEN 1 ELSE 0 END) AS s${i}`]);
  const scoredAny = (cells: number[]) => `SUM(CASE WHEN ${cells.map((i) => `i.s${i}`).join(' + ')} > 0 THEN 1 ELSE 0 END)`;
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
  const outer = [
    `p.${names.p.arm} AS a`,
    `COUNT(p.${names.p.id}) AS known`,
    `MIN(i.id) AS example`,
    `${scoredAny(range(0, V * K))} AS analysed`,
    ...range(0, V).map((v) => `${scoredAny(range(v * K, (v + 1) * K))} AS v${v}`),
    ...cellSql.map((_, i) => `SUM(CASE WHEN i.s${i} > 0 THEN 1 ELSE 0 END) AS c${i}`),
    ...cellSql.map((_, i) => `MAX(i.r${i}) AS d${i}`),
  ];
  const perArm = await run(`SELECT ${outer.join(', ')} FROM (SELECT m.${names.m.id} AS id, ${inner.join(', ')} FROM ${M.from} AS m GROUP BY m.${names.m.id}) AS i LEFT JOIN ${P.from} AS p ON i.id = p.${names.p.id} GROUP BY p.${names.p.arm}`);
  const unknown = perArm.find((r) => num(r['known']) === 0);
  // (The group of unknown participants: its smallest id.)
  if (unknown) throw new ArgumentError(`${M.table}.${col.id}`, label(unknown['example']), `a participant of ${P.table}`);
  for (let i = 0; i < V * K; i++) {
    if (!perArm.some((r) => num(r[`d${i}`]) > 1)) continue;
    const v = design.visits[Math.floor(i / K)]!;
    const k = design.instruments[i % K]!;
    const r = await run(`SELECT m.${names.m.id} AS id FROM ${M.from} AS m WHERE ${cellSql[i]} GROUP BY m.${names.m.id} HAVING COUNT(*) > 1 ORDER BY m.${names.m.id} LIMIT 1`);
    throw new ArgumentError(at(M.table, String(label(r[0]?.['id']))), `${v} × ${k}`, 'one row per participant × visit × instrument (this one has two or more)');
  }
  // The flow's counts in flowRows' layout, per arm and (last) all arms together.
  const S = 1 + V * (K + 1);
  const flow = new Int32Array((design.arms.length + 1) * S);
  for (const r of perArm) {
    const a = armIndex(r['a']);
    const add = (slot: number, key: string) => {
      flow[a * S + slot] = flow[a * S + slot]! + num(r[key]);
      flow[design.arms.length * S + slot] = flow[design.arms.length * S + slot]! + num(r[key]);
    };
    add(0, 'analysed');
    for (let v = 0; v < V; v++) {
      add(1 + v * (K + 1), `v${v}`);
      for (let k = 0; k < K; k++) add(1 + v * (K + 1) + 1 + k, `c${v * K + k}`);
    }
  }
  return {
    run: (sql) => run(sql),
    flow,
    names,
    joined,
    A: design.arms.length,
    V,
    K,
    randomised,
    cellOf: (r) => (armIndex(r['a']) * V + visitIndex(r['v'])) * K + instrumentIndex(r['k']),
  };
}
