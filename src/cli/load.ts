/**
 * Reading a trial from CSV files for a plan: two files (participants and measurements) or
 * one long file (one row per participant × visit × instrument, participant columns repeated).
 */
import { dict } from '../data/own.js';
import { readFileSync } from 'node:fs';
import { ArgumentError, ValidationError, issue, type ValidationIssue } from '../errors/index.js';
import type { TrialData } from '../data/types.js';
import type { CsvLoadOptions, LoadedTable } from '../data/loaders.js';
import { readCsvFile } from '../data/read-file.js';
import { validateTrial } from '../data/validate.js';
import { parseAnalysisPlan, planDesign, type AnalysisPlan } from '../analysis/plan.js';

/** Where the trial's data are. */
export type TrialFiles = ({ participants: string; measurements: string } | { data: string }) & {
  /** A register table (participant × snapshot week), for a plan with a register section. */
  register?: string;
};

/** Measurement fields of a long file (with `item_<k>` and the plan's `measurementExtras`). */
const MEASUREMENT_COLUMNS = new Set(['visit', 'instrument', 'score', 'date']);
const ITEM_RE = /^item_[1-9]\d*$/;

/**
 * Read and parse an analysis plan from a JSON file.
 * @throws ArgumentError when the file cannot be read or is not JSON; ValidationError (table `plan`) when the plan is invalid.
 * @example
 * const plan = readPlanFile('examples/sft-trial/plan.json');
 * plan.model.type; // 'mixed'
 */
export function readPlanFile(path: string): AnalysisPlan {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ArgumentError('--plan', path, 'a readable JSON file', e instanceof Error ? e.message : String(e));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ArgumentError('--plan', path, 'a file of valid JSON', e instanceof Error ? e.message : String(e));
  }
  return parseAnalysisPlan(json);
}

function csvOptions(plan: AnalysisPlan, columns: Record<string, string>): CsvLoadOptions {
  return {
    delimiter: plan.data.delimiter,
    decimal: plan.data.decimal,
    missing: plan.data.missing,
    dateFormat: plan.data.dateFormat,
    encoding: plan.data.encoding,
    numericColumns: plan.data.numericColumns,
    columns,
  };
}

function same(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Split one long table into a participants table and a measurements table.
 *
 * Participant columns (the canonical participant fields, `cost_*`, and every extra column not
 * named in `measurementExtras`) must hold the same value on every row of a participant; the
 * first row of each participant gives them. A row with no visit, instrument and score records
 * a participant only (someone randomised who never gave data).
 *
 * @throws ValidationError (table `data`) when a participant column differs between a participant's rows.
 * @example
 * const { participants, measurements } = splitLongTable(fromCsv(text, {}), []);
 */
export function splitLongTable(table: LoadedTable, measurementExtras: readonly string[]): { participants: LoadedTable; measurements: LoadedTable } {
  const extras = new Set(measurementExtras);
  const isMeasurement = (c: string) => MEASUREMENT_COLUMNS.has(c) || ITEM_RE.test(c) || extras.has(c);
  const pCols = table.columns.filter((c) => c === 'id' || !isMeasurement(c));
  const mCols = table.columns.filter((c) => c === 'id' || isMeasurement(c));
  const lineOf = (i: number) => (table.lines ? table.lines[i]! : i + 1);
  const first = new Map<string, { row: Record<string, unknown>; index: number }>();
  const pRows: Record<string, unknown>[] = [];
  const pLines: number[] = [];
  const mRows: Record<string, unknown>[] = [];
  const mLines: number[] = [];
  const issues: ValidationIssue[] = [];
  table.rows.forEach((r, i) => {
    const id = r['id'];
    const key = typeof id === 'string' || typeof id === 'number' ? String(id) : null;
    if (key !== null) {
      const seen = first.get(key);
      if (!seen) {
        const p = dict<unknown>();
        for (const c of pCols) p[c] = r[c];
        first.set(key, { row: p, index: i });
        pRows.push(p);
        pLines.push(lineOf(i));
      } else {
        for (const c of pCols) {
          if (!same(seen.row[c], r[c])) {
            issues.push(issue('data', i + 1, c, r[c], `the same value on every row of participant "${key}" (its first row, line ${lineOf(seen.index)}, has ${JSON.stringify(seen.row[c] ?? null)}), since "${c}" is a participant column; name it in data.measurementExtras if it varies by measurement`));
          }
        }
      }
    } else {
      // Without an id the row can be neither; keep it as a measurement so validateTrial names it.
      pRows.push(Object.fromEntries(pCols.map((c) => [c, r[c]])));
      pLines.push(lineOf(i));
    }
    const empty = ['visit', 'instrument', 'score'].every((c) => r[c] === null || r[c] === undefined || r[c] === '');
    const items = Object.keys(r).some((c) => ITEM_RE.test(c) && r[c] !== null && r[c] !== undefined);
    if (empty && !items) return;
    const m = dict<unknown>();
    for (const c of mCols) m[c] = r[c];
    mRows.push(m);
    mLines.push(lineOf(i));
  });
  if (issues.length > 0) throw new ValidationError(issues, 'The long data file has participant columns that differ within a participant');
  const make = (name: 'participants' | 'measurements', columns: string[], rows: Record<string, unknown>[], lines: number[], own: readonly ValidationIssue[]): LoadedTable => ({
    kind: 'rcteval.table',
    origin: table.origin,
    table: name,
    columns,
    rows,
    issues: own,
    lines,
    missing: table.missing,
  });
  return { participants: make('participants', pCols, pRows, pLines, table.issues), measurements: make('measurements', mCols, mRows, mLines, []) };
}

/**
 * Read the trial's CSV files as the plan describes them (delimiter, decimal mark, missing
 * tokens, date format, column mappings) and validate them against the plan's design.
 *
 * @param files - `{ participants, measurements }` paths, or `{ data }` for one long file; optionally `register` (a register table).
 * @param plan - the normalised plan.
 * @returns validated trial data.
 * @throws ValidationError listing every problem in the files (row, field, value, expectation).
 * @throws ArgumentError when a file cannot be read.
 * @example
 * const trial = await loadTrialFiles({ participants: 'data-samples/sft-participants.csv', measurements: 'data-samples/sft-measurements.csv' }, plan);
 * trial.summary.nParticipants; // 304
 */
export async function loadTrialFiles(files: TrialFiles, plan: AnalysisPlan): Promise<TrialData> {
  const read = async (path: string, option: string, options: CsvLoadOptions) => {
    try {
      return await readCsvFile(path, options);
    } catch (e) {
      if (e instanceof ValidationError) throw e;
      throw new ArgumentError(option, path, 'a readable CSV file', e instanceof Error ? e.message : String(e));
    }
  };
  const register = files.register === undefined ? undefined : await read(files.register, '--register', { ...csvOptions(plan, {}), table: 'register', numericColumns: [] });
  const options = { design: planDesign(plan), ...(plan.register?.statuses ? { register: { statuses: plan.register.statuses } } : {}) };
  if ('data' in files) {
    const table = await read(files.data, '--data', { ...csvOptions(plan, { ...plan.data.participantColumns, ...plan.data.measurementColumns }), table: null });
    const { participants, measurements } = splitLongTable(table, plan.data.measurementExtras);
    return validateTrial({ participants, measurements, ...(register ? { register } : {}) }, options);
  }
  const participants = await read(files.participants, '--participants', { ...csvOptions(plan, plan.data.participantColumns), table: 'participants' });
  const measurements = await read(files.measurements, '--measurements', { ...csvOptions(plan, plan.data.measurementColumns), table: 'measurements', numericColumns: [] });
  return validateTrial({ participants, measurements, ...(register ? { register } : {}) }, options);
}
