/**
 * Loaders turn a source (CSV text or file, arrays of objects, arquero tables, danfo-shaped
 * frames) into a `LoadedTable`: row objects with canonical field names, numbers as numbers,
 * missing cells as `null`. They never throw on bad data: a cell that is not what its column
 * needs is kept as the text it was, so that `validateTrial` reports it with its row and field;
 * structural problems (malformed CSV, a mapped column that is absent) travel in `issues`.
 */
import { ArgumentError, ValidationError, issue, type ValidationIssue } from '../errors/index.js';
import { scanCsv } from './csv.js';
import { dict } from './own.js';
import type { ArqueroLike, DanfoLike } from './frame-like.js';

export type { ArqueroLike, DanfoLike } from './frame-like.js';
import { COST_PREFIX, ITEM_FIELD_RE, REGISTER_NUMERIC_FIELDS, isCalendarDate } from './schema.js';
import { checkOptions, optionKeys } from '../errors/checks.js';

const ROWS_LOAD_OPTION_KEYS = optionKeys<RowsLoadOptions>()(['parseText', 'nanIsMissing', 'table', 'columns', 'missing', 'decimal', 'diagnosisSeparator', 'dateFormat', 'numericColumns']);

/** @internal Shared with the Node file reader (read-file.ts). */
export const CSV_LOAD_OPTION_KEYS = optionKeys<CsvLoadOptions>()(['delimiter', 'encoding', 'table', 'columns', 'missing', 'decimal', 'diagnosisSeparator', 'dateFormat', 'numericColumns']);

/** Which table a source holds. */
export type TableName = 'participants' | 'measurements' | 'register';

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
   * codes such as `0101` would lose their leading zero. A cell of such a column that is not
   * a number by the rule of `decimal` is an issue of the load (table, row, field, value,
   * expected), as in the canonical numeric columns. A canonical field here is an
   * `ArgumentError` (its type is fixed), and so is a name that is not a column.
   * @defaultValue `[]`
   */
  numericColumns?: readonly string[];
}

/**
 * Character encodings the CSV readers decode. `'latin1'` is ISO-8859-1 (every byte is the
 * code point of the same number); `'windows-1252'` is Excel's "ANSI" on Western Windows
 * (as latin1, except 0x80–0x9F, which hold €, curly quotes, dashes, …).
 */
export type CsvEncoding = 'utf-8' | 'latin1' | 'windows-1252';

const ENCODINGS: readonly CsvEncoding[] = ['utf-8', 'latin1', 'windows-1252'];

/** Options of {@link fromCsv} and {@link readCsvFile}. */
export interface CsvLoadOptions extends LoadOptions, TextParseOptions {
  /**
   * Field delimiter.
   * @defaultValue `','`
   */
  delimiter?: string;
  /**
   * How the bytes of the file are decoded (for {@link readCsvFile}, and {@link fromCsv}
   * given bytes). With `'utf-8'` a byte sequence that is not UTF-8 is a `ValidationError`
   * naming its line and byte offset, never a silent replacement character; a leading
   * byte-order mark is skipped.
   * @defaultValue `'utf-8'`
   */
  encoding?: CsvEncoding;
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

const CAMEL_ALIASES = new Map<string, string>(Object.entries({
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
}));

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
  return CAMEL_ALIASES.get(name.toLowerCase()) ?? name;
}

type Kind = 'number' | 'date' | 'diagnoses' | 'text';

function columnKind(field: string, table: TableName | null, numericExtras: ReadonlySet<string>): Kind {
  // The register table's counts (snake_case in the file, as in data-samples/sft-register.csv).
  if (table === 'register') return REGISTER_NUMERIC_FIELDS.has(field) || numericExtras.has(field) ? 'number' : 'text';
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
  decimal: '.' | ',';
  separator: string;
  dateFormat: DateFormat;
}

const NUMBER_DOT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NUMBER_COMMA = /^[+-]?(?:\d+(?:,\d*)?|,\d+)(?:[eE][+-]?\d+)?$/;
/** The smallest positive normal double: below it a double keeps fewer than 53 bits. */
const MIN_NORMAL = 2.2250738585072014e-308;

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
  return { missing: new Set(missing.map((t) => t.trim())), decimal, separator, dateFormat };
}

/**
 * Read the text of a numeric cell (already trimmed) by the one documented rule: optional
 * sign, digits with `decimal` as the decimal separator, optional exponent; the value is the
 * double nearest to the decimal number written (as `Number()`). Returns the number, or the
 * expectation to report when the text is not read exactly: any other syntax (thousands
 * separators, the other decimal mark, hexadecimal, `Infinity`, `NaN`), a value beyond the
 * largest double, or a nonzero value below the smallest normal double (it would become 0 or
 * lose precision).
 * @example
 * readNumberText('0,83', ','); // 0.83
 * readNumberText('1e-400', '.'); // 'a number whose magnitude is … (1e-400 would underflow to 0)'
 */
export function readNumberText(t: string, decimal: '.' | ','): number | string {
  if (!(decimal === '.' ? NUMBER_DOT : NUMBER_COMMA).test(t)) return `a number written with "${decimal}" as the decimal mark${numberSyntaxHint(t, decimal)}`;
  const x = Number(decimal === '.' ? t : t.replace(',', '.'));
  if (!Number.isFinite(x)) return `a number whose magnitude is at most 1.7976931348623157e308 (${t} overflows a double)`;
  if (Math.abs(x) < MIN_NORMAL) {
    const e = t.search(/[eE]/);
    // A literal with a nonzero digit is not zero; it would be read as 0 or a subnormal.
    if (/[1-9]/.test(e < 0 ? t : t.slice(0, e))) {
      return `a number that is 0 or whose magnitude is at least 2.2250738585072014e-308 (${t} would ${x === 0 ? 'underflow to 0' : 'lose precision as a subnormal double'}); rescale the column`;
    }
  }
  return x;
}

/** Why a cell is not a number, for the common cases that look like one. */
function numberSyntaxHint(t: string, decimal: '.' | ','): string {
  if (/^[+-]?(?:inf|infinity)$/i.test(t)) return ' (infinity is not a finite number)';
  if (/^nan$/i.test(t)) return ' ("NaN" is not a number; mark a missing value with one of the missing tokens)';
  if (/^[+-]?0[xob]/i.test(t)) return ' (hexadecimal, octal and binary literals are not read)';
  const other = decimal === '.' ? ',' : '.';
  if (new RegExp(`^[+-]?\\d{1,3}(?:\\${other}\\d{3})+(?:\\${decimal}\\d*)?$`).test(t)) {
    return ` (thousands separators are not read: write ${t.split(other).join('')}${decimal === '.' ? '' : ', or if "' + other + '" is the decimal mark, set decimal: "' + other + '"'})`;
  }
  if (new RegExp(`^[+-]?\\d*\\${other}\\d+$`).test(t)) return ` (set decimal: "${other}" if "${other}" is the decimal mark of the file)`;
  return '';
}

function parseDate(s: string, format: DateFormat): string | null {
  if (format === 'YYYY-MM-DD') return s;
  const sep = format[2]!;
  const parts = s.split(sep);
  if (parts.length !== 3) return null;
  const [d, m, y] = parts as [string, string, string];
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) return null;
  const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  return isCalendarDate(iso) ? iso : null;
}

/** Receives the expectation of a cell that a loader could not read as its column needs. */
type CellReport = (expected: string) => void;

/**
 * Type one text cell by its column kind. Text that does not fit is returned unchanged and,
 * where only the loader knows the rule (numbers, non-ISO dates), reported through `report`;
 * ISO dates and everything else are checked by `validateTrial`.
 */
function parseCell(raw: string, kind: Kind, p: CellParser, report: CellReport): unknown {
  const t = raw.trim();
  if (p.missing.has(t)) return null;
  switch (kind) {
    case 'number': {
      const x = readNumberText(t, p.decimal);
      if (typeof x === 'number') return x;
      report(`${x}, or a missing cell (${[...p.missing].map((m) => JSON.stringify(m)).join(', ')})`);
      return raw;
    }
    case 'date': {
      const iso = parseDate(t, p.dateFormat);
      if (iso === null) report(`a date written ${p.dateFormat} (a four-digit year) that exists in the calendar, or a missing cell`);
      return iso ?? raw;
    }
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
  const mappedFrom = new Set(Object.values(mapping));
  source.forEach((name, i) => {
    if (fields[i] !== null || name === '' || indexOf.get(name) !== i) return;
    const field = canonicalField(name);
    const trimmed = name.trim();
    if (trimmed !== name && (canonicalField(trimmed) !== trimmed || CANONICAL_FIELDS.has(trimmed) || trimmed.startsWith(COST_PREFIX) || ITEM_FIELD_RE.test(trimmed) || mappedFrom.has(trimmed))) {
      // " arm" would otherwise be an extra column and "arm" reported missing, with the spaces hard to see.
      issues.push(issue(tableLabel, null, JSON.stringify(name), name, `a column name without spaces around it ("${trimmed}")`));
      return;
    }
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

/** @internal */
export function checkTable(table: unknown): TableName | null {
  if (table === undefined || table === null) return null;
  if (table !== 'participants' && table !== 'measurements' && table !== 'register') throw new ArgumentError('table', table, "'participants', 'measurements' or 'register'");
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
 * Decode the bytes of a CSV file. UTF-8 is decoded strictly: the first byte sequence that is
 * not UTF-8 is reported with its line and byte offset instead of becoming U+FFFD (the usual
 * cause is a file saved as Latin-1 or Windows-1252, which `encoding` then declares).
 * @throws ValidationError for bytes that are not UTF-8 when `encoding` is `'utf-8'`.
 * @throws ArgumentError for an unknown encoding.
 * @example
 * decodeCsvBytes(new Uint8Array([0x69, 0x64, 0x0a, 0xf8]), 'latin1'); // 'id\nø'
 */
export function decodeCsvBytes(bytes: Uint8Array, encoding: CsvEncoding = 'utf-8', table = 'csv', file?: string): string {
  if (!ENCODINGS.includes(encoding)) throw new ArgumentError('encoding', encoding, `one of ${ENCODINGS.map((e) => `'${e}'`).join(', ')}`);
  if (encoding === 'latin1' || encoding === 'windows-1252') {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    // Node's TextDecoder('windows-1252') decodes as latin1 in some versions; map 0x80–0x9F here.
    return encoding === 'latin1' ? text : text.replace(/[\u0080-\u009f]/g, (c) => WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80]!);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const line = lineAt((i) => bytes[i] ?? -1, at);
    const shown = Array.from(bytes.subarray(at, at + 4), (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
    throw new ValidationError(
      [
        issue(
          table,
          null,
          '(file)',
          `bytes ${shown} at line ${line}, byte offset ${at}`,
          `UTF-8 text; the file is in another encoding (a spreadsheet's "CSV" is often Windows-1252): load it with encoding: 'windows-1252' or 'latin1', or save it as UTF-8`,
        ),
      ],
      `The CSV file${file === undefined ? '' : ` ${file}`} is not valid UTF-8 (line ${line}, byte offset ${at})`,
    );
  }
}

/**
 * Windows-1252 bytes 0x80–0x9F (the WHATWG Encoding Standard's table; the five bytes it leaves
 * undefined keep the C1 control of the same number, as browsers decode them).
 */
const WINDOWS_1252_HIGH = [...'\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178'];

/** Offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629), or the length. */
function firstInvalidUtf8(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const need = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (need === 0) return i;
    // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    const c1 = b[i + 1];
    if (c1 === undefined || c1 < lo || c1 > hi) return i;
    for (let k = 2; k <= need; k++) {
      const ck = b[i + k];
      if (ck === undefined || ck < 0x80 || ck > 0xbf) return i;
    }
    i += need + 1;
  }
  return n;
}

/** The 1-based line of position `at`, counting CRLF, LF and lone CR line ends as the scanner does. */
function lineAt(codeAt: (i: number) => number, at: number): number {
  let line = 1;
  for (let i = 0; i < at; i++) {
    const c = codeAt(i);
    if (c === 10 || (c === 13 && codeAt(i + 1) !== 10)) line++;
  }
  return line;
}

const CANONICAL_FIELDS = new Set(CAMEL_ALIASES.values());

/** The `numericColumns` option as a set: extra columns only (a canonical field's type is fixed). */
function checkNumericColumns(names: unknown): Set<string> {
  if (names === undefined) return new Set();
  if (!Array.isArray(names) || names.some((x) => typeof x !== 'string')) throw new ArgumentError('numericColumns', names, 'an array of column names');
  for (const name of names as string[]) {
    const field = canonicalField(name);
    if (CANONICAL_FIELDS.has(field) || field.startsWith(COST_PREFIX) || ITEM_FIELD_RE.test(field)) {
      throw new ArgumentError('numericColumns', name, `extra columns only: "${name}" is the canonical field ${field}, whose type is fixed`);
    }
  }
  return new Set(names as string[]);
}

/** Issues for `numericColumns` entries that name no column. */
function unknownNumericColumns(numericExtras: ReadonlySet<string>, fields: readonly (string | null)[], tableLabel: string): ValidationIssue[] {
  const present = new Set(fields);
  return [...numericExtras]
    .filter((c) => !present.has(c))
    .map((c) => issue(tableLabel, null, c, c, `a column named "${c}" (listed in numericColumns); the columns are: ${fields.filter((f) => f !== null).join(', ')}`));
}

/**
 * Load CSV text (or the bytes of a CSV file, decoded by `options.encoding`). The header
 * names the columns; `options.columns` maps other names onto the canonical fields. Numeric
 * columns (`age`, `sessions_attended`, `sessions_offered`, `cost_<category>`, `score`,
 * `item_<k>`, and `numericColumns`) become numbers by the rule of {@link readNumberText};
 * a missing token becomes `null`; a cell that is not a number is kept as text and reported
 * in `issues` with its row, field and line. `diagnoses` is split on `;`. Unknown columns
 * stay text, exactly as written. Text that holds U+FFFD (what a decoder writes for bytes it
 * could not read) is reported: the file was decoded with the wrong encoding.
 *
 * @throws ArgumentError for unusable options (never for bad data: see `LoadedTable.issues`).
 * @throws ValidationError for bytes that are not in the declared encoding.
 * @example
 * const t = fromCsv('lopenr,gruppe,alder\n7,SFT,34\n', { table: 'participants', columns: { id: 'lopenr', arm: 'gruppe', age: 'alder' } });
 * t.rows[0]; // { id: '7', arm: 'SFT', age: 34 }
 */
export function fromCsv(input: string | Uint8Array, options: CsvLoadOptions = {}): LoadedTable {
  checkOptions('options', options, CSV_LOAD_OPTION_KEYS);
  const table = checkTable(options.table);
  const mapping = checkMapping(options.columns);
  const parser = makeCellParser(options);
  const tableLabel = table ?? 'csv';
  const numericExtras = checkNumericColumns(options.numericColumns);
  let text: string;
  if (input instanceof Uint8Array) text = decodeCsvBytes(input, options.encoding ?? 'utf-8', tableLabel);
  else {
    if (options.encoding !== undefined && options.encoding !== 'utf-8') {
      throw new ArgumentError('encoding', options.encoding, "no encoding for text, which is decoded already (pass the file's bytes, or use readCsvFile)");
    }
    text = input;
  }
  const delimiter = options.delimiter ?? ',';
  const decimalCode = parser.decimal.charCodeAt(0);
  const missingTokens = [...parser.missing];
  const issues: ValidationIssue[] = [];
  const rows: Record<string, unknown>[] = [];
  const lines: number[] = [];

  const replacement = text.indexOf('\uFFFD');
  if (replacement >= 0) {
    const line = lineAt((i) => text.charCodeAt(i), replacement);
    issues.push(
      issue(
        tableLabel,
        null,
        '(file)',
        text.slice(Math.max(0, replacement - 20), replacement + 20),
        `text without U+FFFD replacement characters: the one at line ${line} means bytes were lost when the file was decoded; read the file with readCsvFile and its encoding (e.g. encoding: 'windows-1252')`,
      ),
    );
  }

  // Set once the header is read.
  let header: string[] | null = null;
  let fields: (string | null)[] = [];
  let kinds: Kind[] = [];
  let interners: Interner[] = [];
  let width = 0;

  let headerCells: string[] = [];
  let row: Record<string, unknown> = dict();
  let col = 0;
  // Problems of the current record: the scanner reports one just before the field it concerns.
  let recordProblems: { col: number; message: string; value: string | null }[] | null = null;
  // Cells of the current record that could not be typed (the line is known at its end).
  let cellProblems: { field: string; value: string; expected: string }[] | null = null;
  // The cell being typed, for `report` (kept in variables: no closure per cell).
  let currentField = '';
  let currentStart = 0;
  let currentEnd = 0;
  let currentValue: string | null = null;
  const report: CellReport = (expected) => {
    (cellProblems ??= []).push({ field: currentField, value: currentValue ?? text.slice(currentStart, currentEnd), expected });
  };

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
      return parseCell(text.slice(start, end), kind, parser, report);
    }
    if (kind === 'text' || (kind === 'date' && parser.dateFormat === 'YYYY-MM-DD' && s === start && e === end)) {
      return interners[c]!.get(text, start, end);
    }
    return parseCell(text.slice(start, end), kind, parser, report);
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
      currentField = field;
      currentStart = start;
      currentEnd = end;
      currentValue = value;
      row[field] = value === null ? spanCell(start, end, c) : parseCell(value, kinds[c]!, parser, report);
    },
    endRecord(line) {
      if (header === null) {
        header = headerCells;
        const plan = planColumns(header, mapping, tableLabel);
        issues.push(...plan.issues, ...unknownNumericColumns(numericExtras, plan.fields, tableLabel));
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
      if (cellProblems) for (const p of cellProblems) issues.push(issue(tableLabel, r, p.field, p.value, `${p.expected} (line ${line} of the file)`));
      row = dict();
      col = 0;
      recordProblems = null;
      cellProblems = null;
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
  const numericExtras = checkNumericColumns(options.numericColumns);
  const plan = planColumns(source, mapping, tableLabel);
  const issues = [...plan.issues, ...unknownNumericColumns(numericExtras, plan.fields, tableLabel)];
  const fieldOf = new Map<string, string>();
  source.forEach((name, i) => {
    const f = plan.fields[i];
    if (f !== null && f !== undefined) fieldOf.set(name, f);
  });
  const kindOf = new Map<string, Kind>();
  for (const f of fieldOf.values()) kindOf.set(f, columnKind(f, table, numericExtras));
  const rows: Record<string, unknown>[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const src = getRow(i);
    if (src === null || typeof src !== 'object' || Array.isArray(src)) {
      // Keep the slot so that later row numbers stay those of the source.
      issues.push(issue(tableLabel, i + 1, '(row)', src, 'a row object with one field per column'));
      rows[i] = dict();
      continue;
    }
    const row = dict<unknown>();
    for (const key in src) {
      const field = fieldOf.get(key);
      if (field === undefined) continue;
      let v = src[key];
      if (v === undefined) continue;
      if (v instanceof Date) v = fromDateObject(v);
      else if (nanIsMissing && typeof v === 'number' && Number.isNaN(v)) v = null;
      const original = v;
      let reported = false;
      if (parser !== null && typeof v === 'string') {
        v = parseCell(v, kindOf.get(field) ?? 'text', parser, (expected) => {
          reported = true;
          issues.push(issue(tableLabel, i + 1, field, original, expected));
        });
      }
      // validateTrial checks the canonical numeric fields; an extra column declared numeric
      // is checked here, since validateTrial accepts text in extra columns.
      if (!reported && numericExtras.has(field) && v !== null && !(typeof v === 'number' && Number.isFinite(v))) {
        issues.push(issue(tableLabel, i + 1, field, original, `a finite number or null (${field} is listed in numericColumns${parser === null && typeof v === 'string' ? '; set parseText: true to read numbers written as text' : ''})`));
      }
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
      const row = dict<unknown>();
      for (const name of names) row[name] = get(name, i);
      return row;
    },
    n,
    options,
  );
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
  values.forEach((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== columns.length) {
      throw new ArgumentError(`frame.values[${i}]`, row, `an array of ${columns.length} values, one per column`);
    }
  });
  return rowsTable(
    'danfo',
    columns,
    (i) => {
      const src = values[i] as readonly unknown[];
      const row = dict<unknown>();
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
