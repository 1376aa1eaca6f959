/**
 * `fitLmmSql`: a linear mixed model fitted from an SQL engine's aggregates, so the rows never
 * leave the engine. Two passes over the rows return the sums the in-memory fit forms in its one
 * pass (models/lmm/structure.ts): a GROUP BY over the cells of the model's factors (counts,
 * levels, column statistics and the per-group cross-products), and the per-participant sums
 * aggregated over participants with the same Z'Z block within each group (the (group, class)
 * aggregation of the nested layout), so what crosses into Node does not grow with the number of
 * rows or participants. The fit then runs on those sums through the same objective, optimiser
 * and result stages as `fitLmm`.
 *
 * Supported: one random term, or two nested ones (participants within groups, partially
 * nested designs included), as the nested block layout needs. Not available in this mode: the
 * conditional modes of the participants, fitted values and residuals (they need the rows),
 * Kenward–Roger df, residual variances by stratum. See docs/methods/sql-engine.md.
 */
import { ArgumentError, FormulaError, SqlEngineError, type Diagnostic } from '../../../errors/index.js';
import { checkBoolean, checkCiLevel, checkInteger, checkOptions, optionKeys } from '../../../errors/checks.js';
import { designSpec, type DesignSpec, type VariableInfo } from '../../../formula/frame.js';
import { barLabel, parseFormula, type ParsedFormula, type RandomTerm } from '../../../formula/parse.js';
import { formatNumberLevel, sortLevels } from '../../../formula/levels.js';
import { dict, own } from '../../../data/own.js';
import { powerOfTwoNear, type ColumnPlan } from '../../centring.js';
import { objectiveFromCrossProducts, type ZColumnStats } from '../objective.js';
import { checkLevelCounts, fitObjective, NO_CLUSTER, oneLevelTermsOf, randomEffectsTable, rankDeficientDiagnostic, reduceX } from '../fit.js';
import type { CrossProducts, ReTerm } from '../structure.js';
import type { LmmFit, LmmOptions, RandomEffectsTable } from '../types.js';
import { duckdbEngine, runQuery, sqlFrom, sqlNumber, wrapEngineError, type SqlColumn, type SqlEngine } from '../../../sql/engine.js';
import { indicatorMonomial, isIndicatorProduct, numericMonomial, SumSet, times, UNIT, type Monomial } from './monomial.js';

/** Where the rows are: a table (or view) of an engine, or a Parquet/CSV file DuckDB reads. */
export type SqlSource =
  | { engine?: SqlEngine; table: string | readonly string[] }
  | { engine?: SqlEngine; parquet: string }
  | { engine?: SqlEngine; csv: string };

/** Options of `fitLmmSql`: those of `fitLmm` that do not need the rows in memory. */
export type LmmSqlOptions = Omit<LmmOptions, 'residualVarianceBy' | 'control' | 'instrument'> & {
  /** Optimiser controls (as `fitLmm`'s, without the in-memory layout switches). */
  control?: Omit<NonNullable<LmmOptions['control']>, 'aggregate' | 'structure'>;
};

/** A fit from aggregates: `fitLmm`'s result without what needs the rows. */
export interface LmmSqlFit extends Omit<LmmFit, 'fitted' | 'residuals' | 'rows' | 'state'> {
  /** Unavailable from aggregates (they need the rows): null. */
  fitted: null;
  residuals: null;
  rows: null;
  /** Conditional modes of the random terms after the first (e.g. the therapy groups); participants' modes are unavailable. */
  randomEffects: RandomEffectsTable[];
  /** The engine, the FROM item and the number of queries run. */
  sql: { engine: string; from: string; queries: number };
}

const SQL_OPTION_KEYS = optionKeys<LmmSqlOptions>()(['reml', 'ddf', 'partialNesting', 'ciLevel', 'control', 'levels', 'factors']);
const SQL_CONTROL_KEYS = optionKeys<NonNullable<LmmSqlOptions['control']>>()(['maxEvaluations', 'simplexTolerance', 'step', 'start']);
const PARTIAL_NESTING_KEYS = optionKeys<NonNullable<LmmOptions['partialNesting']>>()(['cluster', 'arm', 'treated']);
const SOURCE_KEYS = ['engine', 'table', 'parquet', 'csv'];

/** A variable of the model as an SQL expression (over the FROM item's columns). */
interface SqlVariable {
  name: string;
  /** Expression of its value; a factor's values are compared with `literal(level)`. */
  expr: string;
  /** Expression that is NULL exactly when the value is missing. */
  missing: string;
  info: VariableInfo;
  /** SQL literal of a factor level, to compare `expr` with. */
  literal?: (level: string) => string;
  /** Level label of a value as the engine returns it. */
  label?: (value: unknown) => string;
  /** How a factor's levels sort (R: numbers numerically, booleans FALSE first, text by collation). */
  sortAs?: 'number' | 'boolean' | 'text';
  /** A numeric variable equal, on complete rows, to a factor's level indicator. */
  sameAs?: { variable: string; level: string; sql: string };
}

const num = sqlNumber;

/**
 * Fit a linear mixed model from an SQL engine: the same model, estimates and tests as
 * `fitLmm` on the same rows (REML criterion to about 1e-12 relative), computed from GROUP BY
 * aggregates. Asynchronous, as every engine call is.
 *
 * @param formula - lme4-style, with one random term or two nested ones, e.g. `"score ~ arm * visit + (1 | id)"`.
 * @param source - `{ engine, table }`, `{ engine, parquet: path }` or `{ engine, csv: path }`;
 *   without `engine` an in-memory DuckDB is opened (and closed) for the call.
 * @param options - as `fitLmm`'s, without `residualVarianceBy`; `ddf` Satterthwaite or asymptotic.
 * @throws SqlEngineError for a table or column the engine does not have, a failed connection or query.
 * @throws ArgumentError for a column of an unusable SQL type, crossed random terms, or Kenward–Roger df.
 * @example
 * const engine = await duckdbEngine();
 * await engine.query(`CREATE TABLE m AS SELECT * FROM read_csv('sample.csv')`);
 * const fit = await fitLmmSql('score ~ arm * visit + (1 | id)', { engine, table: 'm' }, { partialNesting: { cluster: 'group', arm: 'arm', treated: 'SFT' } });
 * fit.fixedEffects; // as fitLmm on the same rows
 */
export async function fitLmmSql(formula: string, source: SqlSource, options: LmmSqlOptions = {}): Promise<LmmSqlFit> {
  checkOptions('options', options, SQL_OPTION_KEYS);
  checkOptions('options.partialNesting', options.partialNesting, PARTIAL_NESTING_KEYS);
  checkBoolean('options.reml', options.reml);
  const control = checkOptions('options.control', options.control, SQL_CONTROL_KEYS);
  if (control.maxEvaluations !== undefined) checkInteger('options.control.maxEvaluations', control.maxEvaluations, 1, 10_000_000);
  checkCiLevel(options.ciLevel ?? 0.95, 'options.ciLevel');
  const ddf = options.ddf ?? 'Satterthwaite';
  if (ddf !== 'Satterthwaite' && ddf !== 'asymptotic') {
    throw new ArgumentError('options.ddf', ddf, '"Satterthwaite" or "asymptotic" (Kenward–Roger needs the rows: use fitLmm)');
  }
  if (typeof source !== 'object' || source === null) throw new ArgumentError('source', source, '{ engine, table }, { engine, parquet } or { engine, csv }');
  for (const k of Object.keys(source)) if (!SOURCE_KEYS.includes(k)) throw new ArgumentError(`source.${k}`, (source as Record<string, unknown>)[k], `one of ${SOURCE_KEYS.join(', ')}`);
  const given = (source as { engine?: SqlEngine }).engine;
  if (given !== undefined && (typeof given !== 'object' || given === null || typeof given.query !== 'function' || typeof given.columns !== 'function')) {
    throw new ArgumentError('source.engine', given, 'an SqlEngine (duckdbEngine(), postgresEngine() or your own with query, columns and dialect)');
  }
  const parsed = parseFormula(formula);
  if (parsed.random.length === 0 && !options.partialNesting) {
    throw new ArgumentError('formula', formula, 'at least one random-effects term such as "(1 | id)" (or options.partialNesting)');
  }
  const engine = given ?? (await duckdbEngine());
  try {
    return await fitWithEngine(parsed, engine, source, options);
  } finally {
    if (!given) await engine.close?.();
  }
}

async function fitWithEngine(parsedIn: ParsedFormula, engine: SqlEngine, source: SqlSource, options: LmmSqlOptions): Promise<LmmSqlFit> {
  const d = engine.dialect;
  const q = d.quoteIdentifier;
  const { from, table } = sqlFrom(engine, source, 'source', ['engine']);
  let queries = 0;
  const run = (sql: string, context: { column?: string } = {}) => {
    queries++;
    return runQuery(engine, sql, { table, ...context });
  };
  let columns: SqlColumn[];
  try {
    columns = await engine.columns(from);
    queries++;
  } catch (e) {
    throw wrapEngineError(engine, e, { table }, `Check that ${table} exists and can be read`);
  }
  const byName = new Map(columns.map((c) => [c.name, c]));
  const names = columns.map((c) => c.name);
  const need = (name: string, argument?: string): SqlColumn => {
    const c = byName.get(name);
    if (!c) {
      if (argument) throw new ArgumentError(argument, name, `a column of ${table} (${names.slice(0, 20).join(', ')})`);
      throw new SqlEngineError(d.name, { table, column: name }, `no column "${name}" in ${table}; its columns are ${names.slice(0, 30).join(', ')}`);
    }
    if (c.kind === 'other') throw new ArgumentError(`${table}.${name}`, c.type, 'a numeric, text or boolean SQL column');
    return c;
  };

  // Variables as SQL expressions; partial nesting adds the indicator and recodes the cluster.
  let parsed = parsedIn;
  const vars = dict<SqlVariable>();
  const pn = options.partialNesting;
  let pnCode: string | null = null;
  if (pn) {
    need(pn.cluster, 'options.partialNesting.cluster');
    const armCol = need(pn.arm, 'options.partialNesting.arm');
    let indicator = `${pn.arm}${pn.treated}`;
    for (let k = 1; byName.has(indicator); k++) indicator = `${pn.arm}${pn.treated}.${k}`;
    const armText = armCol.kind === 'boolean' ? `CASE WHEN ${q(pn.arm)} THEN 'TRUE' ELSE 'FALSE' END` : d.castText(q(pn.arm));
    const isTreated = `(${armText} = ${d.quoteString(pn.treated)})`;
    // 0: not treated; 1: treated without a cluster; 2: treated in the placeholder cluster; 3: treated.
    pnCode = `CASE WHEN ${isTreated} THEN (CASE WHEN ${q(pn.cluster)} IS NULL THEN 1 WHEN ${d.castText(q(pn.cluster))} = ${d.quoteString(NO_CLUSTER)} THEN 2 ELSE 3 END) ELSE 0 END`;
    vars[indicator] = {
      name: indicator,
      expr: `(CASE WHEN ${q(pn.arm)} IS NULL THEN NULL WHEN ${isTreated} THEN ${ONE} ELSE ${ZERO} END)`,
      missing: q(pn.arm),
      info: { name: indicator, kind: 'numeric' },
      // On complete rows (the arm is not NULL) a text arm's indicator is the factor's own
      // level indicator, so the sums share it with the fixed effects' arm column.
      ...(armCol.kind === 'text' ? { sameAs: { variable: pn.arm, level: pn.treated, sql: `(CASE WHEN ${q(pn.arm)} = ${d.quoteString(pn.treated)} THEN ${ONE} ELSE ${ZERO} END)` } } : {}),
    };
    vars[pn.cluster] = {
      name: pn.cluster,
      expr: `(CASE WHEN ${q(pn.arm)} IS NULL THEN ${d.quoteString(NO_CLUSTER)} WHEN ${isTreated} THEN ${d.castText(q(pn.cluster))} ELSE ${d.quoteString(NO_CLUSTER)} END)`,
      missing: '1',
      info: { name: pn.cluster, kind: 'factor', levels: [] },
      literal: (l) => d.quoteString(l),
      label: (v) => String(v),
    };
    const terms = [[indicator]];
    const term: RandomTerm = { terms, intercept: false, group: [pn.cluster], label: barLabel(false, terms, [pn.cluster]) };
    parsed = { ...parsed, text: `${parsed.text} + (${term.label})`, random: [...parsed.random, term] };
  }

  if (!parsed.response) throw new FormulaError(parsed.text, 0, 'The formula has no response; expected "score ~ …"');
  const response = parsed.response;
  const fixedVars = new Set<string>();
  for (const t of parsed.fixed) for (const v of t) fixedVars.add(v);
  const groupVars = new Set<string>();
  const reVars = new Set<string>();
  for (const r of parsed.random) {
    if (r.group.length !== 1) throw new ArgumentError('formula', r.label, 'a random term grouped by one column (interaction grouping factors need the rows: use fitLmm)');
    groupVars.add(r.group[0]!);
    for (const t of r.terms) for (const v of t) reVars.add(v);
  }
  const all = [...new Set<string>([parsed.response, ...fixedVars, ...reVars, ...groupVars])];
  for (const [argument, list] of [['options.levels', Object.keys(options.levels ?? {})], ['options.factors', options.factors ?? []]] as const) {
    for (const v of list) if (!byName.has(v) && !own(vars, v)) throw new ArgumentError(argument, v, `a column of ${table} (${names.slice(0, 30).join(', ')})`);
  }
  const factorSet = new Set(options.factors ?? []);
  for (const v of all) {
    if (own(vars, v)) continue;
    const c = need(v);
    const asFactor = groupVars.has(v) || factorSet.has(v) || own(options.levels, v) !== undefined || c.kind !== 'number';
    if (v === parsed.response && c.kind !== 'number') throw new ArgumentError(`${table}.${v}`, c.type, 'a numeric SQL column for the response');
    if (!asFactor) {
      vars[v] = { name: v, expr: `CAST(${q(v)} AS DOUBLE PRECISION)`, missing: q(v), info: { name: v, kind: 'numeric' } };
    } else if (c.kind === 'number') {
      vars[v] = { name: v, expr: q(v), missing: q(v), info: { name: v, kind: 'factor', levels: [] }, literal: (l) => l, label: (x) => formatNumberLevel(num(x)), sortAs: 'number' };
    } else if (c.kind === 'boolean') {
      vars[v] = { name: v, expr: q(v), missing: q(v), info: { name: v, kind: 'factor', levels: [] }, literal: (l) => (l === 'TRUE' ? 'TRUE' : 'FALSE'), label: (x) => (x === true || x === 't' || x === 'true' ? 'TRUE' : 'FALSE'), sortAs: 'boolean' };
    } else {
      vars[v] = { name: v, expr: q(v), missing: q(v), info: { name: v, kind: 'factor', levels: [] }, literal: (l) => d.quoteString(l), label: (x) => String(x) };
    }
  }
  if (groupVars.has(parsed.response) || fixedVars.has(parsed.response)) {
    throw new FormulaError(parsed.text, null, `The response "${parsed.response}" also appears as a predictor`);
  }

  // Two passes over the rows in all: the cells below, then the per-participant pass
  // (aggregateQueries). A COUNT(DISTINCT) of the participants would cost about as much as the
  // per-participant pass, which counts them anyway; it is asked for only when two random terms
  // need ordering that partial nesting does not give (lme4 puts the term with more levels first).
  const predictors = all.filter((v) => v !== response);
  const complete = all.map((v) => `${vars[v]!.missing} IS NOT NULL`).join(' AND ');
  const rowsFrom = `${from} WHERE ${complete}`;
  const dbl = (e: string) => `CAST(${e} AS DOUBLE PRECISION)`;
  const groupList = [...groupVars];
  const userGroups = parsedIn.random.map((r) => r.group[0]!);
  // With partial nesting and one term of the user's (participants), the participants come
  // first: each cluster level holds at least one participant of its own (they are nested, as
  // the per-participant pass checks), and the placeholder level for the other arm at least one
  // more, so the cluster has at most as many levels; on a tie lme4 keeps the formula's order.
  const orderKnown = groupList.length === 1 || (pn !== undefined && userGroups.length === 1 && userGroups[0] !== pn.cluster);
  const nLevelsOf = new Map<string, number>();
  let largest: string;
  if (orderKnown) largest = pn ? userGroups[0]! : groupList[0]!;
  else {
    const distinct = (await run(`SELECT ${groupList.map((g, i) => `${dbl(`COUNT(DISTINCT ${vars[g]!.expr})`)} AS g${i}`).join(', ')} FROM ${rowsFrom}`))[0]!;
    groupList.forEach((g, i) => nLevelsOf.set(g, num(distinct[`g${i}`])));
    largest = groupList.reduce((a, g) => (nLevelsOf.get(g)! > nLevelsOf.get(a)! ? g : a), groupList[0]!);
  }
  const needLevels = all.filter((v) => {
    const participantsOnly = v === largest && parsed.random.filter((r) => r.group[0] === v).length === 1 && !fixedVars.has(v) && !reVars.has(v);
    return vars[v]!.info.kind === 'factor' && !participantsOnly;
  });
  const factorIndex = new Map(needLevels.map((v, i) => [v, i]));
  // The partial-nesting indicator shares the arm's level indicator only when the arm is a cell key.
  for (const v of all) {
    const sa = vars[v]!.sameAs;
    if (sa && !factorIndex.has(sa.variable)) delete vars[v]!.sameAs;
  }

  // The numeric factor of each design column is a product of the term's numeric variables
  // (it does not depend on the factors' levels): each such product, and the response, is a
  // "part". Its sums are taken shifted by its value in one complete row (K), so that they do
  // not lose digits to a far origin (the shifted-data algorithm; exact centring follows in Node).
  const partIndex = new Map<string, number>();
  const partSql: string[] = [];
  const partInDesign: boolean[] = [];
  const partKey = (num: readonly string[]) => num.join(' * ');
  const addPart = (num: readonly string[], design: boolean) => {
    const key = partKey(num);
    let i = partIndex.get(key);
    if (i === undefined) {
      i = partSql.length;
      partIndex.set(key, i);
      partSql.push(num.length === 1 ? num[0]! : `(${num.join(' * ')})`);
      partInDesign.push(false);
    }
    partInDesign[i] ||= design;
    return i;
  };
  const numericOf = (terms: readonly (readonly string[])[]) => {
    for (const t of terms) {
      const nums = t.filter((v) => vars[v]!.info.kind === 'numeric' && !vars[v]!.sameAs).map((v) => vars[v]!.expr).sort();
      if (nums.length) addPart(nums, true);
    }
  };
  numericOf(parsed.fixed);
  for (const r of parsed.random) numericOf(r.terms);
  addPart([vars[response]!.expr], false);
  const firstRow = (await run(`SELECT ${partSql.map((s, i) => `${s} AS k${i}`).join(', ')} FROM ${rowsFrom} LIMIT 1`))[0];
  const K = partSql.map((_, i) => {
    const k = firstRow ? num(firstRow[`k${i}`]) : 0;
    return Number.isFinite(k) ? k : 0;
  });

  // One GROUP BY over every row, by the code of the first missing variable (counted as the
  // in-memory frame counts them), the partial-nesting checks and every factor of the model but
  // the participants: the cells. From them: the counts, the levels (R drops unused ones), every
  // design column's mean, mean square and 0/1-ness, and [X y]'[X y], Z2'Z2, [X y]'Z2 per group.
  const missingCode = `CASE WHEN ${vars[response]!.missing} IS NULL THEN 1 ${predictors.map((v, i) => `WHEN ${vars[v]!.missing} IS NULL THEN ${i + 2} `).join('')}ELSE 0 END`;
  const cellKeys = ['m', ...(pnCode ? ['pc'] : []), ...needLevels.map((_, i) => `f${i}`)];
  // A text cluster enters the key as it is (building the recoded text on every row costs a
  // third of the pass): on complete rows the recoded level is the cluster in the treated arm
  // (partial-nesting code 3) and the placeholder elsewhere.
  const rawCluster = pn && byName.get(pn.cluster)!.kind === 'text' ? pn.cluster : null;
  const cellProj = [`${missingCode} AS m`, ...(pnCode ? [`${pnCode} AS pc`] : []), ...needLevels.map((v, i) => `${v === rawCluster ? q(v) : vars[v]!.expr} AS f${i}`)];
  const cellAggs = [`${dbl('COUNT(*)')} AS cnt`];
  partSql.forEach((s, p) => {
    cellProj.push(`(${s} - ${literalNumber(K[p]!)}) AS w${p}`);
    cellAggs.push(`${dbl(`SUM(w${p})`)} AS s${p}`);
    for (let q2 = 0; q2 <= p; q2++) cellAggs.push(`${dbl(`SUM(w${p} * w${q2})`)} AS q${p}_${q2}`);
    if (partInDesign[p]) {
      cellProj.push(`${s} AS u${p}`);
      cellAggs.push(`${dbl(`SUM(CASE WHEN u${p} <> 0 AND u${p} <> 1 THEN 1 ELSE 0 END)`)} AS b${p}`);
    }
  });
  const cellRows = await run(`SELECT ${[...cellKeys, ...cellAggs].join(', ')} FROM (SELECT ${cellProj.join(', ')} FROM ${from}) AS s GROUP BY ${cellKeys.join(', ')}`);
  const byCode = new Map<number, number>();
  const byPn = new Map<number, number>();
  for (const r of cellRows) {
    const c = num(r['cnt']);
    byCode.set(num(r['m']), (byCode.get(num(r['m'])) ?? 0) + c);
    if (pnCode) byPn.set(num(r['pc']), (byPn.get(num(r['pc'])) ?? 0) + c);
  }
  if (pn) {
    if (!((byPn.get(1) ?? 0) + (byPn.get(2) ?? 0) + (byPn.get(3) ?? 0) > 0)) throw new ArgumentError('options.partialNesting.treated', pn.treated, `a value of "${pn.arm}"`);
    const none = byPn.get(1) ?? 0;
    if (none > 0) throw new ArgumentError(`${table}.${pn.cluster}`, null, `a ${pn.cluster} for every row in arm "${pn.treated}" (partially nested design): ${none} rows have none`);
    if ((byPn.get(2) ?? 0) > 0) throw new ArgumentError(`${table}.${pn.cluster}`, NO_CLUSTER, `a ${pn.cluster} name other than "${NO_CLUSTER}", which stands for the rows outside arm "${pn.treated}"`);
  }
  const n = byCode.get(0) ?? 0;
  const missingResponse = byCode.get(1) ?? 0;
  const nInput = [...byCode.values()].reduce((a, b) => a + b, 0);
  const missingPredictor = dict<number>();
  predictors.forEach((v, i) => {
    const c = byCode.get(i + 2) ?? 0;
    if (c > 0) missingPredictor[v] = c;
  });
  const dropped = { total: nInput - n, missingResponse, missingPredictor };
  if (n === 0) throw new ArgumentError(`${table}.${response}`, missingResponse === nInput ? 'all values missing' : `${nInput} rows, none complete`, 'at least one row with the response and every predictor observed');

  // The complete cells, with their level labels and sums.
  const np = partSql.length;
  const cells = cellRows
    .filter((r) => num(r['m']) === 0)
    .map((r) => ({
      raw: needLevels.map((_, i) => r[`f${i}`]),
      label: needLevels.map((v, i) => (v === rawCluster && num(r['pc']) !== 3 ? NO_CLUSTER : vars[v]!.label!(r[`f${i}`]))),
      cnt: num(r['cnt']),
      s: Float64Array.from({ length: np }, (_, p) => num(r[`s${p}`])),
      q: Float64Array.from({ length: np * np }, (_, pq) => {
        const [p, q2] = [Math.floor(pq / np), pq % np];
        return num(r[p >= q2 ? `q${p}_${q2}` : `q${q2}_${p}`]);
      }),
      b: Float64Array.from({ length: np }, (_, p) => (partInDesign[p] ? num(r[`b${p}`]) : 0)),
    }));

  // Factor levels: sorted as the frame sorts them, or as options.levels gives them.
  needLevels.forEach((v, i) => {
    const sv = vars[v]!;
    const seenRaw = new Map<string, unknown>();
    for (const c of cells) if (!seenRaw.has(c.label[i]!)) seenRaw.set(c.label[i]!, c.raw[i]);
    const values = [...seenRaw.values()];
    const observed = [...seenRaw.keys()];
    const givenLevels = own(options.levels, v);
    let levels: string[];
    if (givenLevels) {
      const unknown = observed.filter((x) => !givenLevels.includes(x));
      if (unknown.length) throw new ArgumentError(`options.levels.${v}`, [...givenLevels], `a list containing every value of "${v}"; missing ${unknown.slice(0, 5).map((x) => JSON.stringify(x)).join(', ')}`);
      const seen = new Set(observed);
      levels = givenLevels.filter((l) => seen.has(l));
    } else if (sv.sortAs === 'number') levels = sortLevels(values.map(num));
    else if (sv.sortAs === 'boolean') levels = sortLevels(observed.map((x) => x === 'TRUE'));
    else levels = sortLevels(observed);
    sv.info = { name: v, kind: 'factor', levels };
    if (groupVars.has(v) && !nLevelsOf.has(v)) nLevelsOf.set(v, levels.length);
  });
  const variables = dict<VariableInfo>();
  for (const v of all) variables[v] = vars[v]!.info;
  const checkTwoLevels = (g: string, nl: number) => {
    if (nl < 2) {
      throw new ArgumentError(`grouping factor "${g}"`, `${nl} level${nl === 1 ? '' : 's'}`, 'at least two levels: a random effect needs several groups to estimate a variance');
    }
  };
  for (const g of groupVars) if (nLevelsOf.has(g)) checkTwoLevels(g, nLevelsOf.get(g)!);

  // Design columns as products of indicators and numeric expressions (monomial.ts), in the
  // frame's order and with its names; the SQL text of each for the rare queries that need it.
  const spec = designSpec(parsed.intercept, parsed.fixed, variables);
  const xExprs = designExpressions(spec, vars);
  const xMonos = designMonomials(spec, vars);
  const random = parsed.random.map((rt) => {
    const rspec = designSpec(rt.intercept, rt.terms, variables);
    if (rspec.columnNames.length === 0) throw new FormulaError(parsed.text, null, `The random term "(${rt.label})" has no columns`);
    const g = rt.group[0]!;
    // The participants' count comes from the per-participant pass: order them first.
    return { rt, g, rspec, zExprs: designExpressions(rspec, vars), zMonos: designMonomials(rspec, vars), nLevels: nLevelsOf.get(g) ?? Infinity };
  });
  // lme4's order: most levels first (stable).
  const order = random.map((_, i) => i).sort((a, b) => random[b]!.nLevels - random[a]!.nLevels || a - b);
  let off = 0;
  const terms: ReTerm[] = order.map((i) => {
    const r = random[i]!;
    const k = r.rspec.columnNames.length;
    const info = variables[r.g]!;
    const t: ReTerm = {
      label: r.rt.label,
      groupName: r.g,
      levels: info.kind === 'factor' ? info.levels : [],
      k,
      columnNames: r.rspec.columnNames,
      group: new Int32Array(0),
      Z: new Float64Array(0),
      thetaOffset: off,
      restOffset: -1,
      frameIndex: i,
    };
    off += (k * (k + 1)) / 2;
    return t;
  });
  if (terms.length > 2) throw new ArgumentError('formula', parsed.text, 'one random term or two nested ones through SQL (more terms need the rows: use fitLmm)');
  const zOf = order.map((i) => random[i]!.zExprs);
  const zMonosOf = order.map((i) => random[i]!.zMonos);
  const nLevels = order.map((i) => random[i]!.nLevels);
  if (nLevels.every(Number.isFinite)) checkLevelCounts(terms, nLevels, n);

  // A column on a cell: x = α·N' + β, with N' its shifted numeric part (α = 0 without one) and
  // β from the cell's indicators, the shift K and the column's centre c.
  const cellCol = (m: Monomial, centre: number) => {
    const p = m.num.length ? partIndex.get(partKey(m.num))! : -1;
    const keys = [...m.ind.entries()].map(([v, a]) => [factorIndex.get(v)!, a.level] as const);
    return (cell: (typeof cells)[number]) => {
      const on = keys.every(([i, l]) => cell.label[i] === l) ? 1 : 0;
      return p < 0 ? { p, alpha: 0, beta: on - centre } : { p, alpha: on, beta: on * K[p]! - centre };
    };
  };
  /** Σ over the rows of a cell of x_a x_b. */
  const cellProduct = (cell: (typeof cells)[number], a: { p: number; alpha: number; beta: number }, b: { p: number; alpha: number; beta: number }) => {
    let v = a.beta * b.beta * cell.cnt;
    if (a.alpha) v += a.alpha * b.beta * cell.s[a.p]!;
    if (b.alpha) v += a.beta * b.alpha * cell.s[b.p]!;
    if (a.alpha && b.alpha) v += a.alpha * b.alpha * cell.q[a.p * np + b.p]!;
    return v;
  };
  // Column statistics: means (centres), 0/1-ness, mean squares (of the Z columns: their SD).
  const statOf = (m: Monomial) => {
    const col = cellCol(m, 0);
    let sum = 0;
    let square = 0;
    let not01 = 0;
    for (const cell of cells) {
      const x = col(cell);
      if (x.alpha === 0 && x.beta === 0) continue;
      sum += x.alpha ? x.alpha * cell.s[x.p]! + x.beta * cell.cnt : x.beta * cell.cnt;
      square += cellProduct(cell, x, x);
      if (x.p >= 0) not01 += cell.b[x.p]!;
    }
    return { mean: sum / n, square: square / n, binary: isIndicatorProduct(m) || not01 === 0 };
  };
  const yMono = numericMonomial(vars[response]!.expr);
  const yStat = statOf(yMono);
  const xStat = xMonos.map(statOf);
  const zStat = zMonosOf.map((ms) => ms.map(statOf));
  for (const [v, s] of [[response, yStat] as const, ...xStat.map((s, j) => [spec.columnNames[j]!, s] as const)]) {
    if (!Number.isFinite(s.mean) || !Number.isFinite(s.square)) throw new ArgumentError(`${table}.${v}`, s.mean, 'finite numbers or NULL (NaN and ±Infinity are not values here)');
  }
  const zStats: ZColumnStats[][] = zStat.map((ss) => ss.map((s) => ({ binary: s.binary, mean: s.mean, sd: Math.sqrt(Math.max(0, s.square - s.mean * s.mean)) })));
  const zMul = zStat.map((ss, t) => Float64Array.from(ss, (s, a) => (zStats[t]![a]!.binary ? 1 : 1 / powerOfTwoNear(Math.sqrt(s.square)))));

  // With partial nesting, the treated arm's indicator is 1 exactly in the clusters and 0 in the
  // placeholder level: within a participant it is constant, and leaves the per-participant sums.
  const sameAs = pn ? Object.values(vars).find((v) => v.sameAs)?.sameAs : undefined;
  const clusterVar = pn ? vars[pn.cluster]! : null;
  const g2Key = pn && sameAs && terms[1]?.groupName === pn.cluster ? { variable: sameAs.variable, level: sameAs.level, value: (g: unknown) => (clusterVar!.label!(g) === NO_CLUSTER ? 0 : 1) } : null;
  let participants = NaN;
  const aggregateOn = async (kept: number[]) => {
    const p = kept.length;
    // The centring plan (models/centring.ts planColumns) from the statistics.
    const xm = kept.map((j) => xStat[j]!.mean);
    const binary = kept.map((j) => xStat[j]!.binary);
    let carrier: Float64Array | null = null;
    const constant = spec.intercept ? kept.indexOf(0) : -1;
    if (constant >= 0) {
      carrier = new Float64Array(p);
      carrier[constant] = 1;
    } else {
      // Without an intercept, the first factor coded by one indicator per level carries the constant.
      const ti = spec.terms.findIndex((t) => t.variables.length === 1 && t.coding[0] === 'indicator');
      if (ti >= 0) {
        const cols = spec.assign.map((a, j) => (a === ti ? j : -1)).filter((j) => j >= 0);
        if (cols.every((j) => kept.includes(j))) {
          carrier = new Float64Array(p);
          for (const j of cols) carrier[kept.indexOf(j)] = 1;
        }
      }
    }
    const centre = new Float64Array(p);
    for (let c = 0; c < p; c++) if (carrier && carrier[c] === 0 && !binary[c]) centre[c] = xm[c]!;
    const yCentre = carrier ? yStat.mean : 0;
    // A centred column is no longer a product of indicators: it enters as one numeric factor.
    const rx = [
      ...kept.map((j, c) => (centre[c] === 0 ? xMonos[j]! : numericMonomial(`(${xExprs[j]!} - ${literalNumber(centre[c]!)})`))),
      numericMonomial(`(${vars[response]!.expr} - ${literalNumber(yCentre)})`),
    ];
    // Per group (or overall), from the cells: [X y]'[X y], Z2'Z2, [X y]'Z2 on the centred columns.
    const pp1 = p + 1;
    const cols = [...kept.map((j, c) => cellCol(xMonos[j]!, centre[c]!)), cellCol(yMono, yCentre)];
    const t2 = terms[1] ?? null;
    const k2 = t2 ? t2.k : 0;
    const z2cols = t2 ? zMonosOf[1]!.map((m) => cellCol(m, 0)) : [];
    const n2 = t2 ? t2.levels.length : 0;
    const RXX = new Float64Array(pp1 * pp1);
    const R22 = new Float64Array(n2 * k2 * k2);
    const R2X = new Float64Array(n2 * pp1 * k2);
    const g2i = t2 ? factorIndex.get(t2.groupName)! : -1;
    const levelOf = t2 ? new Map(t2.levels.map((l, i) => [l, i])) : null;
    for (const cell of cells) {
      const xs = cols.map((f) => f(cell));
      for (let a = 0; a < pp1; a++) for (let b = 0; b <= a; b++) RXX[a * pp1 + b] = RXX[a * pp1 + b]! + cellProduct(cell, xs[a]!, xs[b]!);
      if (!t2) continue;
      const l = levelOf!.get(cell.label[g2i]!)!;
      const zs = z2cols.map((f) => f(cell));
      for (let a = 0; a < k2; a++) for (let b = 0; b < k2; b++) R22[(l * k2 + a) * k2 + b] = R22[(l * k2 + a) * k2 + b]! + cellProduct(cell, zs[a]!, zs[b]!);
      for (let a = 0; a < pp1; a++) for (let b = 0; b < k2; b++) R2X[(l * pp1 + a) * k2 + b] = R2X[(l * pp1 + a) * k2 + b]! + cellProduct(cell, xs[a]!, zs[b]!);
    }
    for (let a = 0; a < pp1; a++) for (let b = 0; b < a; b++) RXX[b * pp1 + a] = RXX[a * pp1 + b]!;
    const agg = await aggregateQueries(run, rowsFrom, rx, terms, zMonosOf, vars, { RXX, R22, R2X }, g2Key);
    participants = agg.n1;
    // Scales from the centred sums of squares (the diagonal of [X y]'[X y]), powers of two.
    const scale = new Float64Array(p).fill(1);
    let logScale = 0;
    for (let c = 0; c < p; c++) {
      if (carrier && carrier[c] !== 0) continue;
      if (binary[c]) continue;
      scale[c] = powerOfTwoNear(Math.sqrt(agg.RXX[c * pp1 + c]! / n));
      logScale += Math.log(scale[c]!);
    }
    if (!(agg.RXX[p * pp1 + p]! > 0)) throw new ArgumentError(`${table}.${response}`, yStat.mean, 'a response that varies between rows (every complete row has the same value)');
    const yScale = powerOfTwoNear(Math.sqrt(agg.RXX[p * pp1 + p]! / n));
    const plan: ColumnPlan = { p, carrier, centre, scale, yCentre, yScale, logScale };
    const xMul = Float64Array.from([...scale].map((s) => 1 / s).concat([1 / yScale]));
    const cp = scaleAggregates(agg, terms, xMul, zMul, n, p);
    return objectiveFromCrossProducts(terms, plan, zMul, cp, options.reml ?? true);
  };
  const all0 = spec.columnNames.map((_, j) => j);
  let objective = await aggregateOn(all0);
  // The participants' count, when it was not asked for up front: each participant is one row
  // of the per-participant pass.
  const firstUnknown = nLevels.findIndex((l) => !Number.isFinite(l));
  if (firstUnknown >= 0) {
    nLevels[firstUnknown] = participants;
    checkTwoLevels(terms[firstUnknown]!.groupName, participants);
    checkLevelCounts(terms, nLevels, n);
  }
  const { kept, aliased, nullBasis: nullVectors } = reduceX(objective);
  const diagnostics: Diagnostic[] = [];
  const droppedColumns = aliased.map((j) => spec.columnNames[j]!);
  if (aliased.length) {
    objective = await aggregateOn(kept);
    diagnostics.push(rankDeficientDiagnostic(droppedColumns));
  }
  const p = kept.length;
  if (n <= p) throw new ArgumentError(table, `${n} complete rows`, `more rows than the ${p} fixed-effect columns`);

  // Levels whose random effect multiplies a nonzero value somewhere (fewer than two: not
  // identified), read off the aggregates: a level is used when its Z'Z block has a positive
  // diagonal. Names are asked of the engine only in that rare case.
  const cpAgg = objective.crossProducts(objective.start);
  const usedLevels = await Promise.all(
    terms.map(async (t, j) => {
      const k = t.k;
      let used = 0;
      const names: string[] = [];
      if (j === 0) {
        const cls = cpAgg.nested ? cpAgg.nested.classes! : cpAgg.classes!;
        cls.count.forEach((c, q) => {
          let pos = false;
          for (let a = 0; a < k; a++) pos ||= cls.A[q * k * k + a * k + a]! > 0;
          if (pos) used += c;
        });
      } else {
        const R22 = cpAgg.nested!.R22;
        t.levels.forEach((l, lev) => {
          let pos = false;
          for (let a = 0; a < k; a++) pos ||= R22[lev * k * k + a * k + a]! > 0;
          if (pos) {
            used++;
            names.push(l);
          }
        });
      }
      if (used >= 2) return ['', ''];
      if (j > 0) return names;
      const nz = zOf[j]!.map((e) => `${e} <> 0`).join(' OR ');
      const rows = await run(`SELECT DISTINCT ${vars[t.groupName]!.expr} AS v FROM ${rowsFrom} AND (${nz}) LIMIT 2`);
      return rows.map((r) => vars[t.groupName]!.label!(r['v']));
    }),
  );
  const unidentified = oneLevelTermsOf(terms, usedLevels);
  if (unidentified) diagnostics.push(unidentified.diagnostic);

  const { fit, state, solution, lamBlocks } = fitObjective({
    terms,
    objective,
    n,
    p,
    options,
    formulaText: parsed.text,
    xNames: kept.map((j) => spec.columnNames[j]!),
    kept,
    droppedColumns,
    nullVectors,
    diagnostics,
    unidentified: unidentified?.reason ?? null,
    dropped,
    nInput,
    rows: new Int32Array(0),
    frame: null,
    zStats,
    nLevels,
  });
  const sigma2 = state.sigma * state.sigma;
  const randomEffects = terms.slice(1).map((t, j) => randomEffectsTable(t, lamBlocks[j + 1]!, solution.u[j + 1]!, solution.cu[j + 1]!, sigma2).table);
  if (pn) {
    const tab = randomEffects.find((r) => r.group === pn.cluster);
    const i = tab ? tab.levels.indexOf(NO_CLUSTER) : -1;
    if (tab && i >= 0) {
      tab.levels.splice(i, 1);
      tab.values.splice(i, 1);
      tab.sd.splice(i, 1);
    }
    const ng = own(fit.nGroups, pn.cluster);
    if (ng !== undefined) fit.nGroups[pn.cluster] = ng - 1;
  }
  return { ...fit, randomEffects, fitted: null, residuals: null, rows: null, sql: { engine: d.name, from, queries } };
}

// Doubles, not decimals: `1.0` is DECIMAL in DuckDB and NUMERIC in PostgreSQL, whose sums of
// products are exact but many times slower.
const ONE = 'CAST(1 AS DOUBLE PRECISION)';
const ZERO = 'CAST(0 AS DOUBLE PRECISION)';

/** A double as an SQL literal that reads back exactly (17 significant digits). */
function literalNumber(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return `CAST(${x} AS DOUBLE PRECISION)`;
  return `CAST(${x.toPrecision(17)} AS DOUBLE PRECISION)`;
}

/** Each design column as an SQL expression (product of numeric values and level indicators, first variable fastest). */
function designExpressions(spec: DesignSpec, vars: Record<string, SqlVariable>): string[] {
  const out: string[] = [];
  if (spec.intercept) out.push(ONE);
  for (const term of spec.terms) {
    let cols: string[][] = [[]];
    term.variables.forEach((v, j) => {
      const sv = vars[v]!;
      let parts: string[];
      if (term.coding[j] === 'numeric') parts = [sv.expr];
      else {
        const levels = (sv.info as { levels: string[] }).levels;
        const lv = term.coding[j] === 'contrast' ? levels.slice(1) : levels;
        parts = lv.map((l) => `(CASE WHEN ${sv.expr} = ${sv.literal!(l)} THEN ${ONE} ELSE ${ZERO} END)`);
      }
      const next: string[][] = [];
      for (const part of parts) for (const c of cols) next.push([...c, part]);
      cols = next;
    });
    for (const c of cols) out.push(c.length === 1 ? c[0]! : `(${c.join(' * ')})`);
  }
  return out;
}

/** Each design column as a monomial (same columns, order and levels as `designExpressions`). */
function designMonomials(spec: DesignSpec, vars: Record<string, SqlVariable>): Monomial[] {
  const out: Monomial[] = [];
  if (spec.intercept) out.push(UNIT);
  for (const term of spec.terms) {
    let cols: Monomial[] = [UNIT];
    term.variables.forEach((v, j) => {
      const sv = vars[v]!;
      let parts: Monomial[];
      if (term.coding[j] === 'numeric') parts = [sv.sameAs ? indicatorMonomial(sv.sameAs.variable, sv.sameAs.level, sv.sameAs.sql) : numericMonomial(sv.expr)];
      else {
        const levels = (sv.info as { levels: string[] }).levels;
        const lv = term.coding[j] === 'contrast' ? levels.slice(1) : levels;
        parts = lv.map((l) => indicatorMonomial(v, l, `(CASE WHEN ${sv.expr} = ${sv.literal!(l)} THEN ${ONE} ELSE ${ZERO} END)`));
      }
      const next: Monomial[] = [];
      // A column that is zero on every row (two levels of one factor) stays a column of zeros,
      // as in memory: its numeric factor 0 keeps the product defined.
      for (const part of parts) for (const c of cols) next.push(times(c, part) ?? numericMonomial(ZERO));
      cols = next;
    });
    out.push(...cols);
  }
  return out;
}

/** The sums as they come from the engine: on centred, unscaled columns. */
interface RawAggregates {
  /** [X y]'[X y], (p + 1)², full. */
  RXX: Float64Array;
  /** Per class (identical Z1'Z1 block, unscaled): block, count, Σ C C' per (r, s). */
  classA: Float64Array;
  classCount: Int32Array;
  classTXX: Float64Array;
  /** Nested layout: per term-2 level R22 and R2X; per (level, class) pair TZZ, TXZ. */
  nested: { R22: Float64Array; R2X: Float64Array; pairLevel: Int32Array; pairClass: Int32Array; TZZ: Float64Array; TXZ: Float64Array } | null;
  /** Levels of term 1 (participants): rows of the per-participant pass. */
  n1: number;
}

/**
 * The per-participant pass: per participant (inner GROUP BY) then per (group, Z1'Z1 block)
 * (outer GROUP BY), each sum asked once (monomial.ts); with the per-group sums (from the cells)
 * laid out as the nested block layout wants them.
 */
async function aggregateQueries(
  run: (sql: string) => Promise<Record<string, unknown>[]>,
  rowsFrom: string,
  rx: Monomial[],
  terms: ReTerm[],
  zMonosOf: Monomial[][],
  vars: Record<string, SqlVariable>,
  fromCells: { RXX: Float64Array; R22: Float64Array; R2X: Float64Array },
  g2Key: { variable: string; level: string; value: (g2: unknown) => number } | null,
): Promise<RawAggregates> {
  const pp1 = rx.length;
  const k1 = terms[0]!.k;
  const kk1 = k1 * k1;
  const t2 = terms[1] ?? null;
  const k2 = t2 ? t2.k : 0;
  const g1 = vars[terms[0]!.groupName]!.expr;
  const g2 = t2 ? vars[t2.groupName]!.expr : null;
  const z1 = zMonosOf[0]!;
  const z2 = t2 ? zMonosOf[1]! : [];
  const dbl = (e: string) => `CAST(${e} AS DOUBLE PRECISION)`;

  // Per participant: A = Z1'Z1, C = [X y]'Z1, S = Z2'Z1, each an alias of a sum times the
  // indicators that are functions of the group (`g2Key`: constant within a participant, as the
  // split check makes sure), which are left out of the sum and multiplied back in Node.
  const per = new SumSet('p');
  type Entry = { alias: string; keyed: boolean } | null;
  const entry = (m: Monomial | null): Entry => {
    if (m === null) return null;
    const atom = g2Key ? m.ind.get(g2Key.variable) : undefined;
    if (!atom || atom.level !== g2Key!.level) return { alias: per.add(m)!, keyed: false };
    const ind = new Map(m.ind);
    ind.delete(g2Key!.variable);
    return { alias: per.add({ ind, num: m.num })!, keyed: true };
  };
  const A: Entry[] = new Array(kk1).fill(null);
  for (let a = 0; a < k1; a++) for (let b = a; b < k1; b++) A[a * k1 + b] = A[b * k1 + a] = entry(times(z1[a]!, z1[b]!));
  const C: Entry[] = [];
  for (let c = 0; c < pp1; c++) for (let a = 0; a < k1; a++) C.push(entry(times(rx[c]!, z1[a]!)));
  const S: Entry[] = [];
  for (let b = 0; b < k2; b++) for (let a = 0; a < k1; a++) S.push(entry(times(z2[b]!, z1[a]!)));
  const aKeys = [...new Set(A.filter((x) => x !== null).map((x) => x!.alias))];
  const isKey = new Set(aKeys);
  // Then per (group, A): sums of products of the participants' sums; a factor in the GROUP BY
  // key comes out of the sum.
  const outerSums = new Map<string, string>();
  const outerCols: string[] = [];
  const outerSum = (e: string) => {
    let alias = outerSums.get(e);
    if (alias === undefined) {
      alias = `o${outerSums.size}`;
      outerSums.set(e, alias);
      outerCols.push(`${dbl(`SUM(${e})`)} AS ${alias}`);
    }
    return alias;
  };
  type Getter = (r: Record<string, unknown>) => number;
  const keyValue = (r: Record<string, unknown>) => g2Key!.value(r['g2']);
  const prod = (x: Entry, y: Entry): Getter => {
    if (x === null || y === null) return () => 0;
    let base: Getter;
    if (isKey.has(x.alias) && isKey.has(y.alias)) base = (r) => num(r[x.alias]) * num(r[y.alias]) * num(r['cnt']);
    else if (isKey.has(x.alias) || isKey.has(y.alias)) {
      const [k, o] = isKey.has(x.alias) ? [x.alias, y.alias] : [y.alias, x.alias];
      const sum = outerSum(o);
      base = (r) => num(r[k]) * num(r[sum]);
    } else {
      const sum = outerSum(x.alias < y.alias ? `${x.alias} * ${y.alias}` : `${y.alias} * ${x.alias}`);
      base = (r) => num(r[sum]);
    }
    const keyed = (x.keyed ? 1 : 0) + (y.keyed ? 1 : 0);
    // An indicator is 0 or 1: its square is itself.
    return keyed ? (r) => (keyValue(r) === 0 ? 0 : base(r)) : base;
  };
  const blockValue = (e: Entry, r: Record<string, unknown>) => (e === null ? 0 : e.keyed && keyValue(r) === 0 ? 0 : num(r[e.alias]));
  const cAt = (c: number, a: number) => C[c * k1 + a]!;
  const sAt = (b: number, a: number) => S[b * k1 + a]!;
  // TXX[(r, s)][a][b] = Σ C[a, r] C[b, s]; only (r ≤ s) and, for r = s, a ≥ b (the rest by symmetry).
  const txxG = new Map<string, Getter>();
  const tzzG = new Map<string, Getter>();
  const txzG = new Map<string, Getter>();
  for (let r = 0; r < k1; r++) for (let s = r; s < k1; s++) for (let a = 0; a < pp1; a++) for (let b = 0; b < pp1; b++) if (!(r === s && b > a)) txxG.set(`${r},${s},${a},${b}`, prod(cAt(a, r), cAt(b, s)));
  for (let r = 0; r < k1; r++) for (let s = 0; s < k1; s++) {
    for (let a = 0; a < k2; a++) for (let b = 0; b < k2; b++) tzzG.set(`${r},${s},${a},${b}`, prod(sAt(a, r), sAt(b, s)));
    for (let a = 0; a < pp1; a++) for (let b = 0; b < k2; b++) txzG.set(`${r},${s},${a},${b}`, prod(cAt(a, r), sAt(b, s)));
  }
  const tzz = (r: number, s: number, a: number, b: number) => tzzG.get(`${r},${s},${a},${b}`)!;
  const txz = (r: number, s: number, a: number, b: number) => txzG.get(`${r},${s},${a},${b}`)!;
  const innerCols = [...per.aggregates];
  if (g2) innerCols.push('MIN(g2) AS g2', 'CASE WHEN MIN(g2) = MAX(g2) THEN 0 ELSE 1 END AS split');
  const rowsOf = (set: SumSet, keys: string[]) => `(SELECT ${[...keys, ...set.projection, '1 AS one_'].join(', ')} FROM ${rowsFrom}) AS r`;
  const innerSql = `SELECT ${innerCols.join(', ')} FROM ${rowsOf(per, [`${g1} AS g1`, ...(g2 ? [`${g2} AS g2`] : [])])} GROUP BY g1`;
  const outSel = [...(g2 ? ['g2', `${dbl('SUM(split)')} AS split`] : []), ...aKeys, `${dbl('COUNT(*)')} AS cnt`, ...outerCols];
  const classSql = `SELECT ${outSel.join(', ')} FROM (${innerSql}) AS per GROUP BY ${[...(g2 ? ['g2'] : []), ...aKeys].join(', ')}`;

  const classRows = await run(classSql);
  const { RXX, R22, R2X } = fromCells;

  // Classes: identical Z1'Z1 blocks across groups.
  const classIndex = new Map<string, number>();
  const classA: number[] = [];
  const classCount: number[] = [];
  const pairClass: number[] = [];
  let n1 = 0;
  for (const r of classRows) {
    if (g2 && num(r['split']) > 0) {
      throw new ArgumentError('formula', `(${terms[0]!.label}) and (${t2!.label})`, `"${terms[0]!.groupName}" nested in "${t2!.groupName}" (each ${terms[0]!.groupName} within one ${t2!.groupName}) through SQL; crossed random terms need the rows: use fitLmm`);
    }
    const block = new Float64Array(kk1);
    for (let a = 0; a < kk1; a++) block[a] = blockValue(A[a]!, r);
    const key = Array.from(block).join(',');
    let c = classIndex.get(key);
    if (c === undefined) {
      c = classIndex.size;
      classIndex.set(key, c);
      classA.push(...block);
      classCount.push(0);
    }
    const cnt = num(r['cnt']);
    classCount[c] = classCount[c]! + cnt;
    n1 += cnt;
    pairClass.push(c);
  }
  const nc = classIndex.size;
  const xx = pp1 * pp1;
  const classTXX = new Float64Array(nc * kk1 * xx);
  const txxList = [...txxG.entries()].map(([k, get]) => [...k.split(',').map(Number), get] as [number, number, number, number, Getter]);
  const addTXX = (c: number, r1: number, s1: number, a1: number, b1: number, v: number) => {
    const o = (c * kk1 + r1 * k1 + s1) * xx + a1 * pp1 + b1;
    classTXX[o] = classTXX[o]! + v;
  };
  classRows.forEach((r, q) => {
    const c = pairClass[q]!;
    for (const [rr, s, a, b, get] of txxList) {
      const v = get(r);
      addTXX(c, rr, s, a, b, v);
      if (rr === s && a !== b) addTXX(c, rr, s, b, a, v);
      if (rr !== s) addTXX(c, s, rr, b, a, v);
    }
  });
  if (!g2) return { RXX, classA: Float64Array.from(classA), classCount: Int32Array.from(classCount), classTXX, nested: null, n1 };

  const levels = t2!.levels;
  const label = vars[t2!.groupName]!.label!;
  const levelIndex = new Map(levels.map((l, i) => [l, i]));
  const levelOfValue = (v: unknown) => {
    const l = levelIndex.get(label(v));
    if (l === undefined) throw new SqlEngineError('SQL', { column: t2!.groupName }, `the engine returned a level ${JSON.stringify(label(v))} of "${t2!.groupName}" that its DISTINCT query did not`);
    return l;
  };
  const kk2 = k2 * k2;
  const nPairs = classRows.length;
  const TZZ = new Float64Array(nPairs * kk1 * kk2);
  const TXZ = new Float64Array(nPairs * kk1 * pp1 * k2);
  const pairLevel = new Int32Array(nPairs);
  classRows.forEach((r, q) => {
    pairLevel[q] = levelOfValue(r['g2']);
    for (let rr = 0; rr < k1; rr++) for (let s = 0; s < k1; s++) {
      const rs = rr * k1 + s;
      for (let a = 0; a < k2; a++) for (let b = 0; b < k2; b++) TZZ[(q * kk1 + rs) * kk2 + a * k2 + b] = tzz(rr, s, a, b)(r);
      for (let a = 0; a < pp1; a++) for (let b = 0; b < k2; b++) TXZ[(q * kk1 + rs) * pp1 * k2 + a * k2 + b] = txz(rr, s, a, b)(r);
    }
  });
  return { RXX, classA: Float64Array.from(classA), classCount: Int32Array.from(classCount), classTXX, nested: { R22, R2X, pairLevel, pairClass: Int32Array.from(pairClass), TZZ, TXZ }, n1 };
}

/**
 * The cross-products of the internal columns: every sum scaled by the powers of two of its
 * columns (exact), laid out as `formCrossProducts` lays out its class aggregates.
 * @param xMul - 1/d of each fixed-effect column, then of the response.
 */
function scaleAggregates(agg: RawAggregates, terms: ReTerm[], xMul: Float64Array, zMul: Float64Array[], n: number, p: number): CrossProducts {
  const pp1 = p + 1;
  const k1 = terms[0]!.k;
  const kk1 = k1 * k1;
  const m1 = zMul[0]!;
  const nc = agg.classCount.length;
  const A = Float64Array.from(agg.classA);
  for (let c = 0; c < nc; c++) for (let a = 0; a < k1; a++) for (let b = 0; b < k1; b++) A[c * kk1 + a * k1 + b] = A[c * kk1 + a * k1 + b]! * m1[a]! * m1[b]!;
  const RXX = Float64Array.from(agg.RXX);
  for (let a = 0; a < pp1; a++) for (let b = 0; b < pp1; b++) RXX[a * pp1 + b] = RXX[a * pp1 + b]! * xMul[a]! * xMul[b]!;
  const TXX = Float64Array.from(agg.classTXX);
  const xx = pp1 * pp1;
  for (let c = 0; c < nc; c++) for (let r = 0; r < k1; r++) for (let s = 0; s < k1; s++) for (let a = 0; a < pp1; a++) for (let b = 0; b < pp1; b++) {
    const o = (c * kk1 + r * k1 + s) * xx + a * pp1 + b;
    TXX[o] = TXX[o]! * xMul[a]! * xMul[b]! * m1[r]! * m1[s]!;
  }
  const base = {
    n,
    p,
    terms,
    n1: agg.n1,
    k1,
    A11: new Float64Array(0),
    CD: new Float64Array(0),
    sparsePtr: new Int32Array(0),
    sparseRow: new Int32Array(0),
    sparseK: new Int32Array(0),
    sparseValPtr: new Int32Array(0),
    sparseVal: new Float64Array(0),
    levelsOmitted: true,
  };
  terms[0]!.restOffset = -1;
  if (!agg.nested) {
    // One term: the rest is [X y] alone (m = p + 1), T per class is TXX.
    return { ...base, Q2: 0, m: pp1, R: RXX, nested: null, classes: { count: agg.classCount, A, T: TXX } };
  }
  const t2 = terms[1]!;
  t2.restOffset = 0;
  const k2 = t2.k;
  const kk2 = k2 * k2;
  const m2 = zMul[1]!;
  const nb = agg.nested;
  const n2 = t2.levels.length;
  const R22 = Float64Array.from(nb.R22);
  for (let l = 0; l < n2; l++) for (let a = 0; a < k2; a++) for (let b = 0; b < k2; b++) R22[l * kk2 + a * k2 + b] = R22[l * kk2 + a * k2 + b]! * m2[a]! * m2[b]!;
  const R2X = Float64Array.from(nb.R2X);
  for (let l = 0; l < n2; l++) for (let a = 0; a < pp1; a++) for (let b = 0; b < k2; b++) R2X[(l * pp1 + a) * k2 + b] = R2X[(l * pp1 + a) * k2 + b]! * xMul[a]! * m2[b]!;
  const nPairs = nb.pairLevel.length;
  const TZZ = Float64Array.from(nb.TZZ);
  const TXZ = Float64Array.from(nb.TXZ);
  for (let q = 0; q < nPairs; q++) for (let r = 0; r < k1; r++) for (let s = 0; s < k1; s++) {
    const rs = r * k1 + s;
    for (let a = 0; a < k2; a++) for (let b = 0; b < k2; b++) {
      const o = (q * kk1 + rs) * kk2 + a * k2 + b;
      TZZ[o] = TZZ[o]! * m2[a]! * m2[b]! * m1[r]! * m1[s]!;
    }
    for (let a = 0; a < pp1; a++) for (let b = 0; b < k2; b++) {
      const o = (q * kk1 + rs) * pp1 * k2 + a * k2 + b;
      TXZ[o] = TXZ[o]! * xMul[a]! * m2[b]! * m1[r]! * m1[s]!;
    }
  }
  return {
    ...base,
    Q2: n2 * k2,
    m: n2 * k2 + pp1,
    R: new Float64Array(0),
    nested: {
      n2,
      k2,
      R22,
      R2X,
      RXX,
      levelOf: new Int32Array(0),
      classes: { A, count: agg.classCount, pairLevel: nb.pairLevel, pairClass: nb.pairClass, TZZ, TXZ, TXX },
    },
    classes: null,
  };
}
