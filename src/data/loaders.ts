/**
 * Loaders turn a source (CSV text or file, arrays of objects, arquero tables, danfo-shaped
 * frames) into a `LoadedTable`: row objects with canonical field names, numbers as numbers,
 * missing cells as `null`. They never throw on bad data: a cell that is not what its column
 * needs is kept as the text it was, so that `validateTrial` reports it with its row and field;
 * structural problems (malformed CSV, a mapped column that is absent) travel in `issues`.
 */
import { readFile } from 'node:fs/promises';
import { ArgumentError, issue, type ValidationIssue } from '../errors/index.js';
import { scanCsv } from './csv.js';
import { COST_PREFIX, ITEM_FIELD_RE } from './schema.js';
import { checkOptions, optionKeys } from '../errors/checks.js';

const ROWS_LOAD_OPTION_KEYS = optionKeys<RowsLoadOptions>()(['parseText', 'nanIsMissing', 'table', 'columns', 'missing', 'decimal', 'diagnosisSeparator', 'dateFormat', 'numericColumns']);

const CSV_LOAD_OPTION_KEYS = optionKeys<CsvLoadOptions>()(['delimiter', 'table', 'columns', 'missing', 'decimal', 'diagnosisSeparator', 'dateFormat', 'numericColumns']);

/** Which table a source holds. */
export type TableName = 'participants' | 'measurements';

/** The output of every loader; `validateTrial` accepts it for either table. */
export interface LoadedTable {
  readonly kind: 'rcteval.table';
  readonly origin: 'csv' | 'rows' | 'arquero' | 'danfo';
  /** The table named in the options, or `null` (then `validateTrial` decides by position). */
  readonly table: TableName | null;
  /** Field names present, canonical (after the column mapping), in source order. */
  readonly columns: readonly string[];
  readonly rows: readonly Record<string, unknown>[];
  /** Structural problems met while loading (malformed CSV, a mapped column that is absent). */
  readonly issues: readonly ValidationIssue[];
  /** For CSV: the 1-based line on which each row starts, quoted in validation messages. */
  readonly lines: readonly number[] | null;
  /** The missing-value tokens used when text was parsed, or `null` when nothing was parsed. */
  readonly missing: readonly string[] | null;
}

/** Date formats a loader can read into ISO `YYYY-MM-DD`. */
export type DateFormat = 'YYYY-MM-DD' | 'DD-MM-YYYY' | 'DD.MM.YYYY' | 'DD/MM/YYYY';

/** Options shared by all loaders. */
export interface LoadOptions {
  /**
   * The table the source holds. It decides which columns are numeric when text is parsed;
   * without it, columns are typed by name across both tables (`age`, `score`, `cost_*`, …).
   * @defaultValue `null` (decided by `validateTrial` from where the table is passed)
   */
  table?: TableName | null;
  /**
   * Column mapping, canonical field → source column, e.g. `{ id: 'lopenr', arm: 'gruppe' }`.
   * Keys may be camelCase (`birthDate`) or snake_case (`birth_date`); `cost_<category>` and
   * `item_<k>` keys map cost and item columns. Unmapped columns whose names are canonical (in
   * either spelling, any letter case) are recognised; all others are extra columns.
   * @defaultValue `{}`
   */
  columns?: Record<string, string>;
}

/** Options of the loaders that parse text (CSV, and `fromRows` with `parseText`). */
export interface TextParseOptions {
  /**
   * Cells (after trimming spaces) read as missing (`null`) in every column.
   * @defaultValue `['', 'NA']`
   */
  missing?: readonly string[];
  /**
   * Decimal separator of numeric cells. With `','` (Danish spreadsheets) a `.` in a number is
   * not accepted, so thousands separators are never misread.
   * @defaultValue `'.'`
   */
  decimal?: '.' | ',';
  /**
   * Separator between ICD-10 codes in the `diagnoses` column.
   * @defaultValue `';'`
   */
  diagnosisSeparator?: string;
  /**
   * How date cells are written; they are converted to ISO `YYYY-MM-DD`. A cell that does not
   * match is kept as text (and reported by `validateTrial`).
   * @defaultValue `'YYYY-MM-DD'`
   */
  dateFormat?: DateFormat;
  /**
   * Extra (non-canonical) columns to read as numbers; other extra columns stay text, since
   * codes such as `0101` would lose their leading zero.
   * @defaultValue `[]`
   */
  numericColumns?: readonly string[];
}

/** Options of {@link fromCsv} and {@link readCsvFile}. */
export interface CsvLoadOptions extends LoadOptions, TextParseOptions {
  /**
   * Field delimiter.
   * @defaultValue `','`
   */
  delimiter?: string;
}

/** Options of {@link fromRows}, {@link fromArquero} and {@link fromDanfo}. */
export interface RowsLoadOptions extends LoadOptions, TextParseOptions {
  /**
   * Parse string values like CSV cells (numbers in numeric columns, missing tokens, the
   * diagnosis separator, the date format). Off by default: values are taken as given.
   * @defaultValue `false`
   */
  parseText?: boolean;
  /**
   * Read `NaN` as a missing value (`null`). danfo.js and some arquero parses mark missing
   * numbers with `NaN`; without this option a `NaN` is reported by `validateTrial`.
   * @defaultValue `false`
   */
  nanIsMissing?: boolean;
}

const CAMEL_ALIASES: Record<string, string> = {
  id: 'id',
  arm: 'arm',
  group: 'group',
  site: 'site',
  sex: 'sex',
  age: 'age',
  birthdate: 'birthDate',
  birth_date: 'birthDate',
  randomisationdate: 'randomisationDate',
  randomisation_date: 'randomisationDate',
  randomizationdate: 'randomisationDate',
  randomization_date: 'randomisationDate',
  diagnoses: 'diagnoses',
  maindiagnosis: 'mainDiagnosis',
  main_diagnosis: 'mainDiagnosis',
  diagnosisdate: 'diagnosisDate',
  diagnosis_date: 'diagnosisDate',
  sessionsattended: 'sessionsAttended',
  sessions_attended: 'sessionsAttended',
  sessionsoffered: 'sessionsOffered',
  sessions_offered: 'sessionsOffered',
  costs: 'costs',
  extra: 'extra',
  visit: 'visit',
  instrument: 'instrument',
  score: 'score',
  items: 'items',
  date: 'date',
};

const PARTICIPANT_NUMERIC = new Set(['age', 'sessionsAttended', 'sessionsOffered']);
const MEASUREMENT_NUMERIC = new Set(['score']);
const PARTICIPANT_DATES = new Set(['birthDate', 'randomisationDate', 'diagnosisDate']);
const MEASUREMENT_DATES = new Set(['date']);

/**
 * The canonical spelling of a field name: known fields in camelCase (any letter case,
 * snake_case accepted), `cost_*` and `item_*` as given, anything else unchanged.
 * @example
 * canonicalField('Birth_Date'); // 'birthDate'
 */
export function canonicalField(name: string): string {
  if (name.startsWith(COST_PREFIX) || ITEM_FIELD_RE.test(name)) return name;
  return CAMEL_ALIASES[name.toLowerCase()] ?? name;
}

type Kind = 'number' | 'date' | 'diagnoses' | 'text';

function columnKind(field: string, table: TableName | null, numericExtras: ReadonlySet<string>): Kind {
  const inParticipants = table !== 'measurements';
  const inMeasurements = table !== 'participants';
  if (inParticipants) {
    if (PARTICIPANT_NUMERIC.has(field) || field.startsWith(COST_PREFIX)) return 'number';
    if (PARTICIPANT_DATES.has(field)) return 'date';
    if (field === 'diagnoses') return 'diagnoses';
  }
  if (inMeasurements) {
    if (MEASUREMENT_NUMERIC.has(field) || ITEM_FIELD_RE.test(field)) return 'number';
    if (MEASUREMENT_DATES.has(field)) return 'date';
  }
  if (numericExtras.has(field)) return 'number';
  return 'text';
}

interface CellParser {
  missing: ReadonlySet<string>;
  parseNumber(s: string): number | null;
  separator: string;
  dateFormat: DateFormat;
}

const NUMBER_DOT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NUMBER_COMMA = /^[+-]?(?:\d+(?:,\d*)?|,\d+)(?:[eE][+-]?\d+)?$/;

function makeCellParser(options: TextParseOptions): CellParser {
  const missing = options.missing ?? ['', 'NA'];
  if (!Array.isArray(missing) || missing.some((t) => typeof t !== 'string')) {
    throw new ArgumentError('missing', missing, 'an array of strings, e.g. ["", "NA"]');
  }
  const decimal = options.decimal ?? '.';
  if (decimal !== '.' && decimal !== ',') throw new ArgumentError('decimal', decimal, '"." or ","');
  const separator = options.diagnosisSeparator ?? ';';
  if (typeof separator !== 'string' || separator.length === 0) throw new ArgumentError('diagnosisSeparator', separator, 'a non-empty string, e.g. ";"');
  const dateFormat = options.dateFormat ?? 'YYYY-MM-DD';
  if (!['YYYY-MM-DD', 'DD-MM-YYYY', 'DD.MM.YYYY', 'DD/MM/YYYY'].includes(dateFormat)) {
    throw new ArgumentError('dateFormat', dateFormat, "one of 'YYYY-MM-DD', 'DD-MM-YYYY', 'DD.MM.YYYY', 'DD/MM/YYYY'");
  }
  const re = decimal === '.' ? NUMBER_DOT : NUMBER_COMMA;
  return {
    missing: new Set(missing.map((t) => t.trim())),
    separator,
    dateFormat,
    parseNumber(s: string): number | null {
      // Exact syntax first: Number() alone would accept '0x10', '' and ' ', and parseFloat '12abc'.
      if (!re.test(s)) return null;
      const x = Number(decimal === '.' ? s : s.replace(',', '.'));
      return Number.isFinite(x) ? x : null;
    },
  };
}

function parseDate(s: string, format: DateFormat): string | null {
  if (format === 'YYYY-MM-DD') return s;
  const sep = format[2]!;
  const parts = s.split(sep);
  if (parts.length !== 3) return null;
  const [d, m, y] = parts as [string, string, string];
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) return null;
  return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
}

/** Type one text cell by its column kind; text that does not fit is returned unchanged. */
function parseCell(raw: string, kind: Kind, p: CellParser): unknown {
  const t = raw.trim();
  if (p.missing.has(t)) return null;
  switch (kind) {
    case 'number': {
      const x = p.parseNumber(t);
      return x === null ? raw : x;
    }
    case 'date':
      return parseDate(t, p.dateFormat) ?? raw;
    case 'diagnoses': {
      const out: string[] = [];
      for (const piece of t.split(p.separator)) {
        const code = piece.trim();
        if (code !== '') out.push(code);
      }
      return out;
    }
    default:
      return raw;
  }
}

/** Dates from arquero or JS code arrive as Date objects; midnight UTC is an unambiguous day. */
function fromDateObject(v: Date): string | Date {
  if (Number.isNaN(v.getTime())) return v;
  const iso = v.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : v;
}

interface ColumnPlan {
  /** canonical field name per source column, or null when the column is not read. */
  fields: (string | null)[];
  issues: ValidationIssue[];
}

/** Decide the canonical field of every source column, reporting clashes instead of guessing. */
function planColumns(source: readonly string[], mapping: Record<string, string>, tableLabel: string): ColumnPlan {
  const issues: ValidationIssue[] = [];
  const fields: (string | null)[] = source.map(() => null);
  const taken = new Map<string, string>(); // canonical field -> source column
  const indexOf = new Map<string, number>();
  source.forEach((name, i) => {
    if (name === '') issues.push(issue(tableLabel, null, `(column ${i + 1})`, name, 'a column name in the header'));
    else if (indexOf.has(name)) issues.push(issue(tableLabel, null, name, name, 'each column name once in the header'));
    else indexOf.set(name, i);
  });
  for (const [key, from] of Object.entries(mapping)) {
    const field = canonicalField(key);
    if (typeof from !== 'string') {
      throw new ArgumentError(`columns.${key}`, from, 'the name of a source column (a string)');
    }
    const i = indexOf.get(from);
    if (i === undefined) {
      issues.push(issue(tableLabel, null, field, from, `a column named "${from}" (mapped to ${field}); the columns are: ${source.join(', ')}`));
      continue;
    }
    if (taken.has(field)) {
      issues.push(issue(tableLabel, null, field, from, `one source column for ${field}, but "${taken.get(field)}" is mapped to it too`));
      continue;
    }
    if (fields[i] !== null) {
      issues.push(issue(tableLabel, null, field, from, `column "${from}" mapped once, but it is also mapped to ${fields[i]}`));
      continue;
    }
    fields[i] = field;
    taken.set(field, from);
  }
  source.forEach((name, i) => {
    if (fields[i] !== null || name === '' || indexOf.get(name) !== i) return;
    const field = canonicalField(name);
    if (taken.has(field)) {
      issues.push(
        issue(tableLabel, null, name, name, `no second column for ${field} (it comes from "${taken.get(field)}"); rename or drop "${name}"`),
      );
      return;
    }
    fields[i] = field;
    taken.set(field, name);
  });
  return { fields, issues };
}

function checkMapping(columns: unknown): Record<string, string> {
  if (columns === undefined) return {};
  if (columns === null || typeof columns !== 'object' || Array.isArray(columns)) {
    throw new ArgumentError('columns', columns, "an object mapping canonical fields to source columns, e.g. { id: 'lopenr' }");
  }
  return columns as Record<string, string>;
}

function checkTable(table: unknown): TableName | null {
  if (table === undefined || table === null) return null;
  if (table !== 'participants' && table !== 'measurements') throw new ArgumentError('table', table, "'participants' or 'measurements'");
  return table;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * Read a plain decimal (`-12`, `0.83`) straight from the text. With at most 15 digits the
 * mantissa and the power of ten are exact doubles, so one division gives the correctly
 * rounded value, the same as `Number()` (Clinger's fast path). Anything else (exponents,
 * more digits) returns `undefined` for the general parser.
 */
function fastDecimal(text: string, start: number, end: number, decimalCode: number): number | undefined {
  let i = start;
  let c = text.charCodeAt(i);
  const negative = c === 45;
  if (negative || c === 43) i++;
  let mantissa = 0;
  let digits = 0;
  let fraction = 0;
  let dot = false;
  for (; i < end; i++) {
    c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (dot) fraction++;
    } else if (c === decimalCode && !dot) dot = true;
    else return undefined;
  }
  if (digits === 0 || digits > 15) return undefined;
  const v = fraction === 0 ? mantissa : mantissa / POW10[fraction]!;
  return negative ? -v : v;
}

/**
 * Per-column string interning for CSV cells. Long-format files repeat ids, visits,
 * instruments, arms and dates row after row; looking a cell up by a hash of its characters
 * returns the string already made, so a 300,000-row file allocates one string per distinct
 * value instead of one per cell (most of the loading time was garbage collection).
 */
class Interner {
  private readonly buckets = new Map<number, string | string[]>();
  private size = 0;
  // Past this many distinct values a column is mostly unique: stop remembering them.
  private static readonly CAP = 1 << 16;

  get(text: string, start: number, end: number): string {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
    h &= 0x3fffffff;
    const len = end - start;
    const hit = this.buckets.get(h);
    if (hit !== undefined) {
      if (typeof hit === 'string') {
        if (hit.length === len && text.startsWith(hit, start)) return hit;
      } else {
        for (const s of hit) if (s.length === len && text.startsWith(s, start)) return s;
      }
    }
    const value = text.slice(start, end);
    if (this.size < Interner.CAP) {
      this.size++;
      if (hit === undefined) this.buckets.set(h, value);
      else if (typeof hit === 'string') this.buckets.set(h, [hit, value]);
      else hit.push(value);
    }
    return value;
  }
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/**
 * Load CSV text. The header names the columns; `options.columns` maps other names onto the
 * canonical fields. Numeric columns (`age`, `sessions_attended`, `sessions_offered`,
 * `cost_<category>`, `score`, `item_<k>`) become numbers; a missing token becomes `null`;
 * any other text in a numeric column is kept as text, so that `validateTrial` reports it
 * with its row and field. `diagnoses` is split on `;`. Unknown columns stay text.
 *
 * @throws ArgumentError for unusable options (never for bad data: see `LoadedTable.issues`).
 * @example
 * const t = fromCsv('lopenr,gruppe,alder\n7,SFT,34\n', { table: 'participants', columns: { id: 'lopenr', arm: 'gruppe', age: 'alder' } });
 * t.rows[0]; // { id: '7', arm: 'SFT', age: 34 }
 */
export function fromCsv(text: string, options: CsvLoadOptions = {}): LoadedTable {
  checkOptions('options', options, CSV_LOAD_OPTION_KEYS);
  const table = checkTable(options.table);
  const mapping = checkMapping(options.columns);
  const parser = makeCellParser(options);
  const tableLabel = table ?? 'csv';
  const delimiter = options.delimiter ?? ',';
  const decimalCode = (options.decimal ?? '.').charCodeAt(0);
  const missingTokens = [...parser.missing];
  const numericExtras = new Set(options.numericColumns ?? []);
  const issues: ValidationIssue[] = [];
  const rows: Record<string, unknown>[] = [];
  const lines: number[] = [];

  // Set once the header is read.
  let header: string[] | null = null;
  let fields: (string | null)[] = [];
  let kinds: Kind[] = [];
  let interners: Interner[] = [];
  let width = 0;

  let headerCells: string[] = [];
  let row: Record<string, unknown> = {};
  let col = 0;
  // Problems of the current record: the scanner reports one just before the field it concerns.
  let recordProblems: { col: number; message: string; value: string | null }[] | null = null;

  const isMissingSpan = (start: number, end: number): boolean => {
    if (start === end) return parser.missing.has('');
    for (const tok of missingTokens) if (tok.length === end - start && text.startsWith(tok, start)) return true;
    return false;
  };

  const spanCell = (start: number, end: number, c: number): unknown => {
    let s = start;
    let e = end;
    while (s < e && isBlank(text.charCodeAt(s))) s++;
    while (e > s && isBlank(text.charCodeAt(e - 1))) e--;
    if (isMissingSpan(s, e)) return null;
    const kind = kinds[c]!;
    if (kind === 'number') {
      const x = fastDecimal(text, s, e, decimalCode);
      if (x !== undefined) return x;
      return parseCell(text.slice(start, end), kind, parser);
    }
    if (kind === 'text' || (kind === 'date' && parser.dateFormat === 'YYYY-MM-DD' && s === start && e === end)) {
      return interners[c]!.get(text, start, end);
    }
    return parseCell(text.slice(start, end), kind, parser);
  };

  scanCsv(text, delimiter === undefined ? {} : { delimiter }, {
    field(start, end, value) {
      if (header === null) {
        headerCells.push(value ?? text.slice(start, end));
        return;
      }
      const pending = recordProblems?.[recordProblems.length - 1];
      if (pending && pending.col === col && pending.value === null) pending.value = value ?? text.slice(start, end);
      const c = col++;
      if (c >= width) return;
      const field = fields[c];
      if (field === null || field === undefined) return;
      row[field] = value === null ? spanCell(start, end, c) : parseCell(value, kinds[c]!, parser);
    },
    endRecord(line) {
      if (header === null) {
        header = headerCells;
        const plan = planColumns(header, mapping, tableLabel);
        issues.push(...plan.issues);
        fields = plan.fields;
        kinds = fields.map((f) => (f === null ? 'text' : columnKind(f, table, numericExtras)));
        interners = fields.map(() => new Interner());
        width = header.length;
        if (recordProblems) {
          for (const p of recordProblems) issues.push(issue(tableLabel, null, `(column ${p.col + 1})`, header[p.col], `a well-formed header: ${p.message}`));
        }
        recordProblems = null;
        return;
      }
      const r = rows.length + 1;
      rows.push(row);
      lines.push(line);
      if (col !== width) {
        issues.push(issue(tableLabel, r, '(row)', `${col} field${col === 1 ? '' : 's'}`, `${width} fields, as many as the header has (line ${line})`));
      }
      if (recordProblems) {
        for (const p of recordProblems) {
          const name = fields[p.col] ?? header[p.col] ?? `(field ${p.col + 1})`;
          issues.push(issue(tableLabel, r, name, p.value, `well-formed CSV: ${p.message} (line ${line})`));
        }
      }
      row = {};
      col = 0;
      recordProblems = null;
    },
    problem(_line, field, message) {
      (recordProblems ??= []).push({ col: field, message, value: null });
    },
  });

  if (header === null) {
    issues.push(issue(tableLabel, null, '(file)', text.length === 0 ? '' : text.slice(0, 60), 'a header line naming the columns, then data rows'));
    return freezeTable({ kind: 'rcteval.table', origin: 'csv', table, columns: [], rows: [], issues, lines: [], missing: missingTokens });
  }
  const columns = fields.filter((f): f is string => f !== null);
  return freezeTable({ kind: 'rcteval.table', origin: 'csv', table, columns, rows, issues, lines, missing: missingTokens });
}

/**
 * Read a CSV file (UTF-8, with or without a byte-order mark) and load it with {@link fromCsv}.
 * @throws ArgumentError for unusable options; the file system's error when the file cannot be read.
 * @example
 * const participants = await readCsvFile('data-samples/sft-participants.csv', { table: 'participants' });
 */
export async function readCsvFile(path: string, options: CsvLoadOptions = {}): Promise<LoadedTable> {
  checkOptions('options', options, CSV_LOAD_OPTION_KEYS);
  if (typeof path !== 'string' || path === '') throw new ArgumentError('path', path, 'a file path');
  const text = await readFile(path, 'utf8');
  return fromCsv(text, options);
}

function rowsTable(
  origin: LoadedTable['origin'],
  source: readonly string[],
  getRow: (i: number) => Record<string, unknown> | null,
  n: number,
  options: RowsLoadOptions,
): LoadedTable {
  const table = checkTable(options.table);
  const mapping = checkMapping(options.columns);
  const parseText = options.parseText ?? false;
  const nanIsMissing = options.nanIsMissing ?? false;
  const parser = parseText ? makeCellParser(options) : null;
  const tableLabel = table ?? origin;
  const plan = planColumns(source, mapping, tableLabel);
  const issues = [...plan.issues];
  const fieldOf = new Map<string, string>();
  source.forEach((name, i) => {
    const f = plan.fields[i];
    if (f !== null && f !== undefined) fieldOf.set(name, f);
  });
  const numericExtras = new Set(options.numericColumns ?? []);
  const kindOf = new Map<string, Kind>();
  for (const f of fieldOf.values()) kindOf.set(f, columnKind(f, table, numericExtras));
  const rows: Record<string, unknown>[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const src = getRow(i);
    if (src === null || typeof src !== 'object' || Array.isArray(src)) {
      // Keep the slot so that later row numbers stay those of the source.
      issues.push(issue(tableLabel, i + 1, '(row)', src, 'a row object with one field per column'));
      rows[i] = {};
      continue;
    }
    const row: Record<string, unknown> = {};
    for (const key in src) {
      const field = fieldOf.get(key);
      if (field === undefined) continue;
      let v = src[key];
      if (v === undefined) continue;
      if (v instanceof Date) v = fromDateObject(v);
      else if (nanIsMissing && typeof v === 'number' && Number.isNaN(v)) v = null;
      if (parser !== null && typeof v === 'string') v = parseCell(v, kindOf.get(field) ?? 'text', parser);
      row[field] = v;
    }
    rows[i] = row;
  }
  const columns = plan.fields.filter((f): f is string => f !== null);
  return freezeTable({ kind: 'rcteval.table', origin, table, columns, rows, issues, lines: null, missing: parser ? [...parser.missing] : null });
}

function keysOf(rows: readonly unknown[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) if (r !== null && typeof r === 'object' && !Array.isArray(r)) for (const k in r as object) seen.add(k);
  return [...seen];
}

/**
 * Load an array of row objects (e.g. JSON, or rows built in code). Field names are
 * canonicalised (`birth_date` → `birthDate`) and mapped with `options.columns`; values are
 * taken as given unless `parseText` is set (for all-text rows such as d3's `csvParse` output).
 * Dates given as `Date` objects at midnight UTC become ISO strings.
 *
 * @throws ArgumentError when `rows` is not an array or an option is unusable.
 * @example
 * fromRows([{ id: 1, arm: 'control', birth_date: '1980-05-01' }]).rows[0];
 * // { id: 1, arm: 'control', birthDate: '1980-05-01' }
 */
export function fromRows(rows: readonly object[], options: RowsLoadOptions = {}): LoadedTable {
  checkOptions('options', options, ROWS_LOAD_OPTION_KEYS);
  if (!Array.isArray(rows)) throw new ArgumentError('rows', rows, 'an array of row objects');
  return rowsTable('rows', keysOf(rows), (i) => rows[i] as Record<string, unknown> | null, rows.length, options);
}

/** The parts of an arquero table the loader uses (duck-typed: arquero is not a dependency). */
export interface ArqueroLike {
  columnNames(): string[];
  numRows(): number;
  objects?(): object[];
  get?(name: string, row?: number): unknown;
}

/**
 * Load an arquero table (any object with `columnNames()` and either `objects()` or
 * `numRows()`/`get(name, row)`), with the same rules as {@link fromRows}.
 * @throws ArgumentError when `table` does not look like an arquero table.
 * @example
 * fromArquero(aq.table({ id: ['a', 'b'], arm: ['SFT', 'control'] })).rows.length; // 2
 */
export function fromArquero(table: ArqueroLike, options: RowsLoadOptions = {}): LoadedTable {
  checkOptions('options', options, ROWS_LOAD_OPTION_KEYS);
  const t = table as Partial<ArqueroLike> | null;
  if (!t || typeof t.columnNames !== 'function' || typeof t.numRows !== 'function' || (typeof t.objects !== 'function' && typeof t.get !== 'function')) {
    throw new ArgumentError('table', table, 'an arquero table (columnNames(), numRows(), and objects() or get(name, row))');
  }
  const names = t.columnNames();
  if (typeof t.objects === 'function') {
    const objs = t.objects.call(table);
    return rowsTable('arquero', names, (i) => (objs[i] as Record<string, unknown> | undefined) ?? null, objs.length, options);
  }
  const get = t.get!.bind(table);
  const n = t.numRows.call(table);
  return rowsTable(
    'arquero',
    names,
    (i) => {
      const row: Record<string, unknown> = {};
      for (const name of names) row[name] = get(name, i);
      return row;
    },
    n,
    options,
  );
}

/** A danfo.js DataFrame's shape: column names and row-major values. */
export interface DanfoLike {
  columns: readonly string[];
  values: readonly (readonly unknown[])[];
}

/**
 * Load a danfo-shaped frame `{ columns, values }` (a danfo.js DataFrame has both), with the
 * same rules as {@link fromRows}. danfo.js itself is not a dependency.
 * @throws ArgumentError when `frame` lacks `columns` or `values`, or a row has another width.
 * @example
 * fromDanfo({ columns: ['id', 'arm'], values: [['a', 'SFT']] }).rows[0]; // { id: 'a', arm: 'SFT' }
 */
export function fromDanfo(frame: DanfoLike, options: RowsLoadOptions = {}): LoadedTable {
  checkOptions('options', options, ROWS_LOAD_OPTION_KEYS);
  const f = frame as Partial<DanfoLike> | null;
  if (!f || !Array.isArray(f.columns) || !Array.isArray(f.values)) {
    throw new ArgumentError('frame', frame, 'a danfo-shaped frame { columns: string[], values: unknown[][] }');
  }
  const columns = f.columns;
  const values = f.values;
  values.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== columns.length) {
      throw new ArgumentError(`frame.values[${i}]`, row, `an array of ${columns.length} values, one per column`);
    }
  });
  return rowsTable(
    'danfo',
    columns,
    (i) => {
      const src = values[i]!;
      const row: Record<string, unknown> = {};
      for (let c = 0; c < columns.length; c++) row[columns[c]!] = src[c];
      return row;
    },
    values.length,
    options,
  );
}

/** Whether a value is a loader's output. */
export function isLoadedTable(value: unknown): value is LoadedTable {
  return value !== null && typeof value === 'object' && (value as { kind?: unknown }).kind === 'rcteval.table';
}

function freezeTable(t: LoadedTable): LoadedTable {
  // Row objects are left unfrozen: freezing hundreds of thousands of them would cost more than
  // loading them, and validateTrial copies what it keeps.
  return Object.freeze({ ...t, columns: Object.freeze([...t.columns]), issues: Object.freeze([...t.issues]) });
}
