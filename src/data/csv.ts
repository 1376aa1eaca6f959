/**
 * An RFC 4180 CSV parser with no dependency: quoted fields, doubled quotes inside quotes,
 * delimiters and line breaks inside quotes, CRLF / LF / CR line ends, a leading byte-order
 * mark, and a configurable delimiter (`;` for Danish spreadsheets).
 *
 * It never throws on malformed input: it reports each problem with its record and line and
 * keeps going, so that a loader can list every problem at once.
 */
import { ArgumentError } from '../errors/index.js';
import { checkOptions, optionKeys } from '../errors/checks.js';

/** Options of {@link parseCsv}. */
export interface CsvParseOptions {
  /**
   * Field delimiter, one character.
   * @defaultValue `','`
   */
  delimiter?: string;
  /**
   * Skip lines that are entirely empty (they carry no data; a trailing newline is always allowed).
   * @defaultValue `true`
   */
  skipEmptyLines?: boolean;
}

/** A malformed spot in the text. */
export interface CsvProblem {
  /** 0-based index into `records` (the header, if any, is record 0). */
  record: number;
  /** 1-based line on which the record starts. */
  line: number;
  /** 0-based field index within the record. */
  field: number;
  message: string;
}

/** Result of {@link parseCsv}. */
export interface CsvParseResult {
  /** Every record as an array of raw field strings (quotes removed, doubled quotes undone). */
  records: string[][];
  /** 1-based line on which each record starts (parallel to `records`). */
  lines: number[];
  problems: CsvProblem[];
}

const QUOTE = 34; // "
const CR = 13;
const LF = 10;

/**
 * Receives what {@link scanCsv} finds, field by field, so that a loader can type cells
 * straight from the text without first building an array of strings per record.
 */
export interface CsvSink {
  /**
   * One field. Unquoted fields come as the span `[start, end)` of `text` with `value` null
   * (no string is made unless the sink asks for one); quoted fields come as their unescaped
   * `value`.
   */
  field(start: number, end: number, value: string | null): void;
  /** The end of a record that started on `line` (1-based). */
  endRecord(line: number): void;
  /** A malformed spot in the current record. */
  problem(line: number, field: number, message: string): void;
}

/** The delimiter option as a character code, checked. */
function csvDelimiter(options: CsvParseOptions): number {
  const delimiter = options.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new ArgumentError('delimiter', delimiter, 'one character other than a quote or a line break, e.g. "," or ";"');
  }
  return delimiter.charCodeAt(0);
}

/**
 * The scanner under {@link parseCsv}: walks the text once and reports fields, record ends
 * and problems to `sink`. Blank lines are skipped when `skipEmptyLines` is set.
 * @throws ArgumentError for unusable options.
 */
export function scanCsv(text: string, options: CsvParseOptions, sink: CsvSink): void {
  if (typeof text !== 'string') throw new ArgumentError('text', text, 'the CSV text as a string');
  const DELIM = csvDelimiter(options);
  const skipEmpty = options.skipEmptyLines ?? true;
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;

  while (i < n) {
    const recordLine = line;
    const first = text.charCodeAt(i);
    if (skipEmpty && (first === LF || first === CR)) {
      // An empty line carries no data.
      i += first === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      continue;
    }
    let fieldIndex = 0;
    // One iteration per field; the loop ends at a line break or the end of the text.
    for (;;) {
      if (text.charCodeAt(i) === QUOTE) {
        i++;
        let out = '';
        let start = i;
        let closed = false;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            if (text.charCodeAt(i + 1) === QUOTE) {
              out += text.slice(start, i + 1);
              i += 2;
              start = i;
              continue;
            }
            out += text.slice(start, i);
            i++;
            closed = true;
            break;
          }
          if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) line++;
          i++;
        }
        if (!closed) {
          out += text.slice(start, i);
          sink.problem(recordLine, fieldIndex, 'a quoted field is never closed (missing ")');
        } else if (i < n) {
          const c = text.charCodeAt(i);
          if (c !== DELIM && c !== CR && c !== LF) {
            // Keep the stray text so nothing is lost, but say the field is malformed.
            const tailStart = i;
            while (i < n) {
              const d = text.charCodeAt(i);
              if (d === DELIM || d === CR || d === LF) break;
              i++;
            }
            out += text.slice(tailStart, i);
            sink.problem(recordLine, fieldIndex, 'text after the closing quote of a quoted field');
          }
        }
        sink.field(0, 0, out);
      } else {
        const start = i;
        let strayQuote = false;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === DELIM || c === LF || c === CR) break;
          if (c === QUOTE) strayQuote = true;
          i++;
        }
        if (strayQuote) {
          sink.problem(recordLine, fieldIndex, 'a quote inside an unquoted field (quote the whole field and double the inner quote)');
        }
        sink.field(start, i, null);
      }
      fieldIndex++;
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === DELIM) {
        i++;
        if (i >= n) {
          // A delimiter at the very end of the text still opens one last, empty field.
          sink.field(i, i, null);
          break;
        }
        continue;
      }
      // Line break: CRLF, LF or a lone CR.
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      break;
    }
    sink.endRecord(recordLine);
  }
}

/**
 * Parse CSV text into records of raw strings. Values are not typed here: typing belongs to
 * the loader, which knows which columns are numeric.
 *
 * @throws ArgumentError when `text` is not a string or `delimiter` is not a single
 *   character other than a quote or a line break.
 * @example
 * parseCsv('id,note\r\n1,"said ""hi"", left"\r\n').records;
 * // [['id', 'note'], ['1', 'said "hi", left']]
 */
export function parseCsv(text: string, options: CsvParseOptions = {}): CsvParseResult {
  checkOptions('options', options, optionKeys<CsvParseOptions>()(['delimiter', 'skipEmptyLines']));
  const records: string[][] = [];
  const lines: number[] = [];
  const problems: CsvProblem[] = [];
  let fields: string[] = [];
  scanCsv(text, options, {
    field(start, end, value) {
      fields.push(value ?? text.slice(start, end));
    },
    endRecord(line) {
      records.push(fields);
      lines.push(line);
      fields = [];
    },
    problem(line, field, message) {
      problems.push({ record: records.length, line, field, message });
    },
  });
  return { records, lines, problems };
}
