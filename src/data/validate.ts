/**
 * `validateTrial`: the only way to make a `TrialData`. It checks every row of both tables
 * against the design and the instrument registry and either returns the validated data or
 * throws one `ValidationError` listing every problem (table, 1-based row, field, value,
 * expectation). Nothing is dropped or coerced: a value is accepted as it is, or reported.
 *
 * The checks are written by hand rather than as per-cell zod parsing: they run in one pass
 * over hundreds of thousands of rows and name the row and field of each problem directly.
 */
import { ArgumentError, ValidationError, issue, type ValidationIssue } from '../errors/index.js';
import { defaultInstruments, itemProblem, scoreProblem, type InstrumentRegistry } from '../instruments/registry.js';
import type { Instrument } from '../instruments/types.js';
import { completedYears } from './dates.js';
import { normaliseIcd10 } from './icd10.js';
import { dict, own } from './own.js';
import { fromRows, isLoadedTable, type LoadedTable, type TableName } from './loaders.js';
import {
  COST_PREFIX,
  DEFAULT_REGISTER_STATUSES,
  DEFAULT_REGISTER_WEEKS,
  ITEM_FIELD_RE,
  MEASUREMENT_FIELDS,
  PARTICIPANT_FIELDS,
  REGISTER_FIELDS,
  REQUIRED_FIELDS,
  isCalendarDate,
} from './schema.js';
import type { Measurement, Participant, RegisterRecord, Sex, TrialData, TrialDesign } from './types.js';
import { checkOptions, optionKeys } from '../errors/checks.js';

/** One table of the input: row objects or a loader's output. */
export type TableInput = readonly object[] | LoadedTable;

/** The input of {@link validateTrial}. */
export interface TrialInput {
  participants: TableInput;
  measurements: TableInput;
  /** Register rows (participant × snapshot week: status, admissions, bed-days, days at risk); optional. */
  register?: TableInput;
}

/** What the register table may contain. */
export interface RegisterDesign {
  /**
   * Labour-market status categories; the first is the reference category of the contrasts.
   * @defaultValue `DEFAULT_REGISTER_STATUSES` (passive_benefits, rehabilitation, disability_pension, work_education)
   */
  statuses?: readonly string[];
  /**
   * Snapshot weeks in time order; the first is the one at randomisation.
   * @defaultValue `DEFAULT_REGISTER_WEEKS` (baseline, 9m, 15m)
   */
  weeks?: readonly string[];
}

/**
 * Recognised spellings of sex (compared after trimming and lower-casing): English and Danish
 * words and initials. Numeric codes are not recognised by default because conventions differ;
 * map them with `sexCodes`.
 */
export const DEFAULT_SEX_CODES: Readonly<Record<string, Sex>> = Object.freeze({
  female: 'female',
  f: 'female',
  woman: 'female',
  kvinde: 'female',
  k: 'female',
  male: 'male',
  m: 'male',
  man: 'male',
  mand: 'male',
  other: 'other',
  andet: 'other',
});

/** Options of {@link validateTrial}. */
export interface ValidateTrialOptions {
  /** Arms, visits and instruments the data are declared to contain. */
  design: TrialDesign;
  /**
   * Where instrument ranges, steps and item scoring come from.
   * @defaultValue `defaultInstruments`
   */
  instruments?: InstrumentRegistry;
  /**
   * Spellings of sex, compared lower-cased; replaces the default vocabulary.
   * @defaultValue `DEFAULT_SEX_CODES`
   */
  sexCodes?: Readonly<Record<string, Sex>>;
  /**
   * Plausible ages in years (inclusive); outside is reported.
   * @defaultValue `{ min: 0, max: 120 }`
   */
  ageRange?: { min: number; max: number };
  /**
   * Participant fields required as columns on top of `id` and `arm` (e.g. `['sex', 'age']`).
   * @defaultValue `[]`
   */
  requiredParticipantFields?: readonly string[];
  /**
   * Status categories and snapshot weeks of the register table (used only when `input.register` is given).
   * @defaultValue `{ statuses: DEFAULT_REGISTER_STATUSES, weeks: DEFAULT_REGISTER_WEEKS }`
   */
  register?: RegisterDesign;
  /**
   * Freeze the returned data so that it cannot drift from what was validated.
   * @defaultValue `true`
   */
  freeze?: boolean;
}

const SEXES: readonly Sex[] = ['female', 'male', 'other'];
const PARTICIPANT_KNOWN = new Set<string>(PARTICIPANT_FIELDS);
const MEASUREMENT_KNOWN = new Set<string>(MEASUREMENT_FIELDS);
const validated = new WeakSet<object>();

/** Whether a value was produced by `validateTrial` (a run-time check for JavaScript callers). */
export function isTrialData(value: unknown): value is TrialData {
  return value !== null && typeof value === 'object' && validated.has(value);
}

type Extra = Record<string, string | number | boolean | null>;

/** The design's lists and its instruments in the registry (shared with the SQL descriptives). Internal. */
export function checkDesign(design: TrialDesign, registry: InstrumentRegistry): Map<string, Instrument> {
  if (design === null || typeof design !== 'object') throw new ArgumentError('design', design, 'a trial design { arms, visits, instruments }');
  const list = (name: 'arms' | 'visits' | 'instruments', allowEmpty: boolean): string[] => {
    const v = design[name] as unknown;
    if (!Array.isArray(v) || (!allowEmpty && v.length === 0)) throw new ArgumentError(`design.${name}`, v, 'a non-empty array of names');
    const seen = new Set<string>();
    for (const x of v) {
      if (typeof x !== 'string' || x === '') throw new ArgumentError(`design.${name}`, x, 'non-empty strings');
      if (seen.has(x)) throw new ArgumentError(`design.${name}`, x, 'each name once');
      seen.add(x);
    }
    return v as string[];
  };
  const arms = list('arms', false);
  const visits = list('visits', false);
  const instruments = list('instruments', true);
  if (design.visitMonths !== undefined) {
    for (const [visit, months] of Object.entries(design.visitMonths)) {
      if (!visits.includes(visit)) throw new ArgumentError('design.visitMonths', visit, `a declared visit (${visits.join(', ')})`);
      if (typeof months !== 'number' || !Number.isFinite(months)) throw new ArgumentError(`design.visitMonths.${visit}`, months, 'a finite number of months');
    }
  }
  if (design.ungroupedArms !== undefined) {
    if (!Array.isArray(design.ungroupedArms)) throw new ArgumentError('design.ungroupedArms', design.ungroupedArms, 'an array of arm names');
    for (const arm of design.ungroupedArms) {
      if (!arms.includes(arm)) throw new ArgumentError('design.ungroupedArms', arm, `one of the arms (${arms.join(', ')})`);
    }
  }
  const found = new Map<string, Instrument>();
  for (const id of instruments) {
    const inst = registry.get(id);
    if (!inst) {
      throw new ArgumentError(
        'design.instruments',
        id,
        `a registered instrument (${registry.ids().join(', ')})`,
        'Define it with createInstrumentRegistry and pass the registry as options.instruments',
      );
    }
    found.set(id, inst);
  }
  return found;
}

function asTable(input: unknown, slot: TableName): LoadedTable {
  if (isLoadedTable(input)) {
    if (input.table !== null && input.table !== slot) {
      throw new ArgumentError(slot, `a table loaded as ${input.table}`, `the ${slot} table (load it with table: '${slot}')`);
    }
    return input;
  }
  if (!Array.isArray(input)) throw new ArgumentError(slot, input, 'an array of row objects or a loader output (fromCsv, fromRows, …)');
  return fromRows(input as readonly object[], { table: slot });
}

/** Collects issues for one table, appending the source line for CSV input. */
class Issues {
  readonly list: ValidationIssue[] = [];
  // Cells the loader already reported (with the rule it read them by): not reported twice.
  private readonly fromLoader = new Set<string>();
  constructor(
    private readonly table: TableName,
    private readonly lines: readonly number[] | null,
  ) {}
  addLoaded(issues: readonly ValidationIssue[]): void {
    for (const it of issues) {
      this.list.push(it);
      if (it.row !== null) this.fromLoader.add(`${it.row}\u0000${it.field}`);
    }
  }
  add(row: number | null, field: string, value: unknown, expected: string): void {
    if (row !== null && this.fromLoader.has(`${row}\u0000${field}`)) return;
    // Data frames (danfo, pandas exports) often mark missing numbers with NaN; say how to opt in.
    const hint =
      typeof value === 'number' && Number.isNaN(value)
        ? '; NaN is not read as missing unless the loader is told so (nanIsMissing: true)'
        : typeof value === 'string' && value !== '' && value.trim() !== value
          ? '; the text has spaces around it, which are part of the value (remove them)'
          : '';
    const it = issue(this.table, row, field, value, expected + hint);
    const line = row === null || this.lines === null ? undefined : this.lines[row - 1];
    if (line !== undefined) it.message += ` (line ${line} of the file)`;
    this.list.push(it);
  }
}

/**
 * A label (id, arm, group, site, visit): a non-empty string or an integer; `undefined` when
 * invalid. Spaces around a label are invalid rather than trimmed or kept: "p1 " and "p1" would
 * otherwise be two participants, or an arm "SFT " would not be the design's "SFT".
 */
function readLabel(v: unknown): string | null | undefined {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'string') {
    // Printable ASCII at both ends (the usual case) has no surrounding space; else ask trim().
    const a = v.charCodeAt(0);
    const b = v.charCodeAt(v.length - 1);
    return (a > 32 && a < 127 && b > 32 && b < 127) || v.trim() === v ? v : undefined;
  }
  if (typeof v === 'number' && Number.isInteger(v)) return String(v);
  return undefined;
}

function readNumber(v: unknown): number | null | undefined {
  if (v === null || v === undefined) return null;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function readDate(v: unknown): string | null | undefined {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'string') return isCalendarDate(v) ? v : undefined;
  if (v instanceof Date && !Number.isNaN(v.getTime())) {
    const iso = v.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : undefined;
  }
  return undefined;
}

function isExtraValue(v: unknown): v is string | number | boolean | null {
  return v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

function numberExpectation(t: LoadedTable, what: string): string {
  const tokens = t.missing;
  const missing = tokens ? `a missing cell (${tokens.map((x) => JSON.stringify(x)).join(', ')})` : 'null';
  return `${what} or ${missing}; text is never read as a number`;
}

function checkColumns(t: LoadedTable, required: readonly string[], out: Issues, slot: TableName): void {
  const present = new Set(t.columns);
  for (const field of required) {
    if (!present.has(field)) out.add(null, field, undefined, `a column "${field}" in the ${slot} table (present: ${t.columns.join(', ') || 'none'})`);
  }
  if (t.rows.length === 0) out.add(null, '(table)', 0, `at least one data row in the ${slot} table (the file or array is empty)`);
}

function checkItemColumns(t: LoadedTable, out: Issues): void {
  let max = 0;
  const ks = new Set<number>();
  for (const c of t.columns) {
    const m = ITEM_FIELD_RE.exec(c);
    if (m) {
      const k = Number(m[1]);
      ks.add(k);
      if (k > max) max = k;
    }
  }
  for (let k = 1; k <= max; k++) if (!ks.has(k)) out.add(null, `item_${k}`, undefined, `a column item_${k}: item columns run item_1 … item_${max} without gaps`);
}

interface Context {
  design: TrialDesign;
  instruments: Map<string, Instrument>;
  sexCodes: Readonly<Record<string, Sex>>;
  ageMin: number;
  ageMax: number;
  arms: Set<string>;
  ungrouped: Set<string>;
}

/** Checks one cost value and records it under its category. */
function addCost(costs: Record<string, number | null>, category: string, field: string, v: unknown, r: number, t: LoadedTable, out: Issues): void {
  if (category === '') return out.add(r, field, v, 'a cost category name after "cost_"');
  if (own(costs, category) !== undefined) return out.add(r, field, v, `one value for cost category "${category}" (given twice)`);
  const x = readNumber(v);
  if (x === undefined) out.add(r, field, v, numberExpectation(t, 'a cost ≥ 0'));
  else if (x !== null && x < 0) out.add(r, field, v, 'a cost ≥ 0 (refunds and savings belong in the analysis, not in a cost column)');
  costs[category] = x ?? null;
}

/** Checks one extra value and records it. */
function addExtra(extra: Extra, key: string, field: string, v: unknown, r: number, out: Issues): void {
  if (own(extra, key) !== undefined) return out.add(r, field, v, `one value for extra field "${key}" (given twice)`);
  if (!isExtraValue(v)) return out.add(r, field, v, 'text, a finite number, true/false or empty');
  extra[key] = v;
}

/** Adds the entries of a row's `extra` object, if it has one. */
function addExtraObject(extra: Extra, v: unknown, r: number, out: Issues): void {
  if (v === undefined || v === null) return;
  if (typeof v !== 'object' || Array.isArray(v)) return out.add(r, 'extra', v, 'an object of further fields');
  for (const [k, x] of Object.entries(v)) addExtra(extra, k, `extra.${k}`, x, r, out);
}

function validateParticipants(t: LoadedTable, ctx: Context, out: Issues): Participant[] {
  const participants: Participant[] = new Array(t.rows.length);
  const firstRow = new Map<string, number>();
  const armList = ctx.design.arms.join(', ');
  const ageExpected = `an age in years from ${ctx.ageMin} to ${ctx.ageMax}`;
  // Which columns are costs and which are extras is known from the columns, not row by row.
  const costColumns = t.columns.filter((c) => c.startsWith(COST_PREFIX));
  const extraColumns = t.columns.filter((c) => !PARTICIPANT_KNOWN.has(c) && !c.startsWith(COST_PREFIX));
  for (let i = 0; i < t.rows.length; i++) {
    const r = i + 1;
    const row = t.rows[i]!;

    const id = readLabel(row.id);
    if (id === undefined || id === null) out.add(r, 'id', row.id, 'a participant id (non-empty text or an integer)');
    else if (firstRow.has(id)) out.add(r, 'id', row.id, `a unique participant id; "${id}" is already on row ${firstRow.get(id)}`);
    else firstRow.set(id, r);

    const arm = readLabel(row.arm);
    if (arm === undefined || arm === null || !ctx.arms.has(arm)) out.add(r, 'arm', row.arm, `one of the design's arms (${armList})`);

    const group = readLabel(row.group);
    if (group === undefined) out.add(r, 'group', row.group, 'a therapy group name (text or an integer) or empty for none');
    else if (group !== null && arm && ctx.ungrouped.has(arm)) {
      out.add(r, 'group', row.group, `no group: the design says participants in arm "${arm}" belong to no group`);
    }
    const site = readLabel(row.site);
    if (site === undefined) out.add(r, 'site', row.site, 'a site or municipality name (text or an integer) or empty');

    let sex: Sex | null = null;
    if (row.sex !== null && row.sex !== undefined && row.sex !== '') {
      const key = typeof row.sex === 'string' || typeof row.sex === 'number' ? String(row.sex).trim().toLowerCase() : undefined;
      const mapped = key === undefined ? undefined : own(ctx.sexCodes, key);
      if (mapped === undefined) out.add(r, 'sex', row.sex, `a recognised sex (${Object.keys(ctx.sexCodes).join(', ')}) or empty`);
      else sex = mapped;
    }

    const age = readNumber(row.age);
    if (age === undefined) out.add(r, 'age', row.age, numberExpectation(t, ageExpected));
    else if (age !== null && (age < ctx.ageMin || age > ctx.ageMax)) out.add(r, 'age', row.age, ageExpected);

    const birthDate = readDate(row.birthDate);
    if (birthDate === undefined) out.add(r, 'birthDate', row.birthDate, 'an ISO date YYYY-MM-DD that exists in the calendar, or empty');
    const randomisationDate = readDate(row.randomisationDate);
    if (randomisationDate === undefined) out.add(r, 'randomisationDate', row.randomisationDate, 'an ISO date YYYY-MM-DD that exists in the calendar, or empty');
    const diagnosisDate = readDate(row.diagnosisDate);
    if (diagnosisDate === undefined) out.add(r, 'diagnosisDate', row.diagnosisDate, 'an ISO date YYYY-MM-DD that exists in the calendar, or empty');
    if (birthDate && randomisationDate) {
      if (birthDate > randomisationDate) out.add(r, 'birthDate', birthDate, `a date before the randomisation date ${randomisationDate}`);
      else if (typeof age === 'number' && age >= ctx.ageMin && age <= ctx.ageMax) {
        const years = completedYears(birthDate, randomisationDate);
        if (Math.floor(age) !== years) out.add(r, 'age', row.age, `${years}, the completed years from birthDate ${birthDate} to randomisationDate ${randomisationDate}`);
      }
    }
    if (birthDate && diagnosisDate && diagnosisDate < birthDate) out.add(r, 'diagnosisDate', diagnosisDate, `a date after the birth date ${birthDate}`);

    const diagnoses: string[] = [];
    const rawDiagnoses = row.diagnoses;
    const diagnosesGiven = rawDiagnoses !== undefined;
    if (rawDiagnoses !== null && rawDiagnoses !== undefined) {
      const codes = typeof rawDiagnoses === 'string' ? rawDiagnoses.split(';').map((c) => c.trim()).filter((c) => c !== '') : rawDiagnoses;
      if (!Array.isArray(codes)) out.add(r, 'diagnoses', rawDiagnoses, 'ICD-10 codes: an array, or text with codes separated by ";"');
      else {
        for (const raw of codes) {
          const code = typeof raw === 'string' ? normaliseIcd10(raw) : null;
          if (code === null) out.add(r, 'diagnoses', raw, 'an ICD-10 code such as F20.0 or F332');
          else if (diagnoses.includes(code)) out.add(r, 'diagnoses', raw, `each diagnosis once (${code} is listed twice)`);
          else diagnoses.push(code);
        }
      }
    }
    let mainDiagnosis: string | null = null;
    if (row.mainDiagnosis !== null && row.mainDiagnosis !== undefined && row.mainDiagnosis !== '') {
      const code = typeof row.mainDiagnosis === 'string' ? normaliseIcd10(row.mainDiagnosis) : null;
      if (code === null) out.add(r, 'mainDiagnosis', row.mainDiagnosis, 'an ICD-10 code such as F20.0');
      else {
        mainDiagnosis = code;
        // A table with only a main-diagnosis column records exactly one diagnosis per person.
        if (!diagnosesGiven) diagnoses.push(code);
        else if (!diagnoses.includes(code)) {
          out.add(r, 'mainDiagnosis', row.mainDiagnosis, `one of the participant's diagnoses (${diagnoses.join(', ') || 'none recorded'})`);
        }
      }
    }

    const attended = readNumber(row.sessionsAttended);
    const offered = readNumber(row.sessionsOffered);
    if (attended === undefined) out.add(r, 'sessionsAttended', row.sessionsAttended, numberExpectation(t, 'a whole number of sessions ≥ 0'));
    else if (attended !== null && (attended < 0 || !Number.isInteger(attended))) out.add(r, 'sessionsAttended', attended, 'a whole number of sessions ≥ 0');
    if (offered === undefined) out.add(r, 'sessionsOffered', row.sessionsOffered, numberExpectation(t, 'a whole number of sessions ≥ 0'));
    else if (offered !== null && (offered < 0 || !Number.isInteger(offered))) out.add(r, 'sessionsOffered', offered, 'a whole number of sessions ≥ 0');
    if (typeof attended === 'number' && typeof offered === 'number' && attended > offered) {
      out.add(r, 'sessionsAttended', attended, `at most the ${offered} sessions offered`);
    }

    const costs = dict<number | null>();
    const extra: Extra = dict();
    const rawCosts = row.costs;
    if (rawCosts !== undefined && rawCosts !== null) {
      if (typeof rawCosts !== 'object' || Array.isArray(rawCosts)) out.add(r, 'costs', rawCosts, 'an object of costs by category, e.g. { healthcare: 1200 }');
      else for (const [category, v] of Object.entries(rawCosts)) addCost(costs, category, `costs.${category}`, v, r, t, out);
    }
    for (const key of costColumns) {
      const v = row[key];
      if (v !== undefined) addCost(costs, key.slice(COST_PREFIX.length), key, v, r, t, out);
    }
    addExtraObject(extra, row.extra, r, out);
    for (const key of extraColumns) {
      const v = row[key];
      if (v !== undefined) addExtra(extra, key, key, v, r, out);
    }

    participants[i] = {
      id: id ?? '',
      arm: arm ?? '',
      group: group ?? null,
      site: site ?? null,
      sex,
      age: age ?? null,
      birthDate: birthDate ?? null,
      randomisationDate: randomisationDate ?? null,
      diagnoses,
      mainDiagnosis,
      diagnosisDate: diagnosisDate ?? null,
      sessionsAttended: attended ?? null,
      sessionsOffered: offered ?? null,
      costs,
      extra,
    };
  }
  return participants;
}

interface MeasurementResult {
  measurements: Measurement[];
  missingScores: number;
  missingByInstrument: Record<string, number>;
}

function validateMeasurements(t: LoadedTable, ctx: Context, participantIndex: ReadonlyMap<string, number>, out: Issues): MeasurementResult {
  const measurements: Measurement[] = new Array(t.rows.length);
  const visitIndex = new Map(ctx.design.visits.map((v, i) => [v, i]));
  const instrumentIds = ctx.design.instruments;
  const instrumentIndex = new Map(instrumentIds.map((v, i) => [v, i]));
  const instrumentsByIndex = instrumentIds.map((id) => ctx.instruments.get(id)!);
  const nVisits = visitIndex.size;
  const nInstruments = instrumentIds.length;
  const visitList = ctx.design.visits.join(', ');
  const instrumentList = instrumentIds.join(', ') || 'none declared';
  // (participant, visit, instrument) as one number: no string key per row.
  const seen = new Map<number, number>();
  const missingCounts = new Array<number>(nInstruments).fill(0);
  let missingScores = 0;
  const scoreExpected = numberExpectation(t, 'a score');
  const itemExpected = numberExpectation(t, 'an item score');
  const itemColumns = t.columns
    .map((c) => ({ key: c, m: ITEM_FIELD_RE.exec(c) }))
    .filter((c) => c.m !== null)
    .map((c) => ({ key: c.key, k: Number(c.m![1]) }))
    .sort((a, b) => a.k - b.k);
  const nItemSlots = itemColumns.length ? itemColumns[itemColumns.length - 1]!.k : 0;
  const extraColumns = t.columns.filter((c) => !MEASUREMENT_KNOWN.has(c) && !ITEM_FIELD_RE.test(c));

  for (let i = 0; i < t.rows.length; i++) {
    const r = i + 1;
    const row = t.rows[i]!;

    const { id, pi, label: visit, li: vi } = rowIdAndLabel(row, r, participantIndex, 'visit', visitIndex, `one of the design's visits (${visitList})`, out);

    const instrumentId = typeof row.instrument === 'string' && row.instrument !== '' ? row.instrument : null;
    const ii = instrumentId === null ? undefined : instrumentIndex.get(instrumentId);
    const instrument = ii === undefined ? undefined : instrumentsByIndex[ii];
    if (ii === undefined) out.add(r, 'instrument', row.instrument, `one of the design's instruments (${instrumentList})`);

    if (pi !== undefined && vi !== undefined && ii !== undefined) {
      const key = (pi * nVisits + vi) * nInstruments + ii;
      const first = seen.get(key);
      if (first !== undefined) out.add(r, 'id', row.id, `one row per (id, visit, instrument); (${id}, ${visit}, ${instrumentId}) is already on row ${first}`);
      else seen.set(key, r);
    }

    const score = readNumber(row.score);
    if (score === undefined) out.add(r, 'score', row.score, scoreExpected);
    else if (score === null) {
      missingScores++;
      if (ii !== undefined) missingCounts[ii]!++;
    } else if (instrument) {
      const problem = scoreProblem(instrument, score);
      if (problem) out.add(r, 'score', score, problem);
    }

    let items: (number | null)[] | null = null;
    let itemsOk = true;
    let fromColumns = false;
    const rawItems = row.items;
    if (rawItems !== undefined && rawItems !== null) {
      if (!Array.isArray(rawItems)) {
        out.add(r, 'items', rawItems, 'an array of item scores');
        itemsOk = false;
      } else {
        items = new Array(rawItems.length);
        for (let k = 0; k < rawItems.length; k++) {
          const x = readNumber(rawItems[k]);
          if (x === undefined) {
            out.add(r, `items[${k}]`, rawItems[k], itemExpected);
            itemsOk = false;
          }
          items[k] = x ?? null;
        }
      }
    }
    if (nItemSlots > 0) {
      // A row whose item cells are all empty records no items: tables that share item
      // columns across instruments leave them empty for instruments without items.
      let any = false;
      for (const c of itemColumns) {
        const v = row[c.key];
        if (v !== undefined && v !== null) {
          any = true;
          break;
        }
      }
      if (any) {
        if (items !== null || !itemsOk) {
          out.add(r, 'items', rawItems, 'item scores either as an items array or as item_k columns, not both');
          itemsOk = false;
        } else {
          fromColumns = true;
          items = new Array<number | null>(nItemSlots).fill(null);
          for (const c of itemColumns) {
            const v = row[c.key];
            const x = readNumber(v);
            if (x === undefined) {
              out.add(r, c.key, v, itemExpected);
              itemsOk = false;
            }
            items[c.k - 1] = x ?? null;
          }
        }
      }
    }
    if (items !== null && itemsOk && instrument?.items) {
      const scoring = instrument.items;
      if (items.length !== scoring.count) {
        out.add(r, 'items', `${items.length} items`, `${scoring.count} item scores for ${instrument.id}`);
      } else {
        let sum = 0;
        let complete = true;
        let inRange = true;
        for (let k = 0; k < items.length; k++) {
          const v = items[k]!;
          if (v === null) {
            complete = false;
            continue;
          }
          const problem = itemProblem(instrument, v);
          if (problem) {
            inRange = false;
            out.add(r, fromColumns ? `item_${k + 1}` : `items[${k}]`, v, problem);
          }
          sum += v;
        }
        if (complete && inRange && typeof score === 'number') {
          const total = scoring.multiplier * sum;
          if (Math.abs(total - score) > 1e-9 * Math.max(1, Math.abs(total))) {
            const rule = scoring.multiplier === 1 ? 'the sum of the items' : `${scoring.multiplier} × the sum of the items`;
            out.add(r, 'score', score, `${total}, ${rule} (${items.join(' + ')}), as ${instrument.id} scoring defines the total`);
          }
        }
      }
    }

    let extra: Extra | null = null;
    if (row.extra !== undefined && row.extra !== null) {
      extra = dict();
      addExtraObject(extra, row.extra, r, out);
    }
    for (const key of extraColumns) {
      const v = row[key];
      if (v === undefined) continue;
      extra ??= {};
      addExtra(extra, key, key, v, r, out);
    }

    const date = readDate(row.date);
    if (date === undefined) out.add(r, 'date', row.date, 'an ISO date YYYY-MM-DD that exists in the calendar, or empty');

    const m: Measurement = {
      id: id ?? '',
      visit: visit ?? '',
      instrument: instrumentId ?? '',
      score: score ?? null,
      items,
      date: date ?? null,
    };
    if (extra !== null) m.extra = extra;
    measurements[i] = m;
  }
  const missingByInstrument = dict<number>();
  instrumentIds.forEach((id, k) => (missingByInstrument[id] = missingCounts[k]!));
  return { measurements, missingScores, missingByInstrument };
}

function checkNameList(path: string, v: unknown, fallback: readonly string[]): string[] {
  if (v === undefined) return [...fallback];
  if (!Array.isArray(v) || v.length === 0) throw new ArgumentError(path, v, 'a non-empty array of names');
  const seen = new Set<string>();
  for (const x of v) {
    if (typeof x !== 'string' || x === '' || x.trim() !== x) throw new ArgumentError(path, x, 'non-empty strings without spaces around them');
    if (seen.has(x)) throw new ArgumentError(path, x, 'each name once');
    seen.add(x);
  }
  return v as string[];
}

const REGISTER_KNOWN = new Set<string>([...REGISTER_FIELDS, 'bedDays', 'daysAtRisk']);
const REGISTER_TOTALS = [
  { field: 'admissions', alias: 'admissions', key: 'admissions' },
  { field: 'bed_days', alias: 'bedDays', key: 'bedDays' },
  { field: 'days_at_risk', alias: 'daysAtRisk', key: 'daysAtRisk' },
] as const;

/**
 * The register table: every row a known participant in a known week (once), a known status
 * or empty, counts that are non-negative integers, days at risk a positive integer, and a
 * participant's totals (repeated on each of its rows) the same on every row.
 */
/**
 * A measurement or register row's participant and its visit (or week): the labels as read and
 * their indices, undefined where the row names no participant or no such label (then an issue
 * on that field says so).
 */
function rowIdAndLabel(
  row: Record<string, unknown>,
  r: number,
  participantIndex: ReadonlyMap<string, number>,
  field: 'visit' | 'week',
  labelIndex: ReadonlyMap<string, number>,
  expected: string,
  out: Issues,
): { id: string | null | undefined; pi: number | undefined; label: string | null | undefined; li: number | undefined } {
  const id = readLabel(row.id);
  const pi = id ? participantIndex.get(id) : undefined;
  if (id === undefined || id === null) out.add(r, 'id', row.id, 'a participant id (non-empty text or an integer)');
  else if (pi === undefined) out.add(r, 'id', row.id, 'the id of a participant in the participants table');
  const label = readLabel(row[field]);
  const li = label ? labelIndex.get(label) : undefined;
  if (li === undefined) out.add(r, field, row[field], expected);
  return { id, pi, label, li };
}

function validateRegister(t: LoadedTable, statuses: readonly string[], weeks: readonly string[], participantIndex: ReadonlyMap<string, number>, out: Issues): RegisterRecord[] {
  const records: RegisterRecord[] = new Array(t.rows.length);
  const weekIndex = new Map(weeks.map((w, i) => [w, i] as const));
  const statusSet = new Set(statuses);
  const statusList = statuses.join(', ');
  const weekList = weeks.join(', ');
  const seen = new Map<number, number>();
  // The first row of each participant, and its totals, for the repeated-totals check.
  const firstTotals = new Map<number, { row: number; values: (number | null)[] }>();
  for (const c of t.columns) {
    if (!REGISTER_KNOWN.has(c)) out.add(null, c, undefined, `a register field (${REGISTER_FIELDS.join(', ')}); "${c}" is not one`);
  }
  for (let i = 0; i < t.rows.length; i++) {
    const r = i + 1;
    const row = t.rows[i]!;
    const { id, pi, label: week, li: wi } = rowIdAndLabel(row, r, participantIndex, 'week', weekIndex, `one of the register's snapshot weeks (${weekList})`, out);
    if (pi !== undefined && wi !== undefined) {
      const key = pi * weeks.length + wi;
      const first = seen.get(key);
      if (first !== undefined) out.add(r, 'week', row.week, `one row per (id, week); (${id}, ${week}) is already on row ${first}`);
      else seen.set(key, r);
    }

    const rawStatus = row.status;
    let status: string | null = null;
    if (rawStatus !== undefined && rawStatus !== null && rawStatus !== '') {
      if (typeof rawStatus === 'string' && statusSet.has(rawStatus)) status = rawStatus;
      else out.add(r, 'status', rawStatus, `one of the register's status categories (${statusList}), or empty after the participant left the register`);
    }

    const values: (number | null)[] = [];
    for (const f of REGISTER_TOTALS) {
      const field = row[f.field] !== undefined ? f.field : f.alias;
      const v = row[field];
      const x = readNumber(v);
      const positive = f.key === 'daysAtRisk';
      const what = positive ? 'a whole number of days ≥ 1 (days in the register window)' : `a whole number ≥ 0 (${f.key === 'admissions' ? 'admissions' : 'bed-days'} over the register window)`;
      if (x === undefined || (x !== null && (!Number.isInteger(x) || x < (positive ? 1 : 0)))) {
        out.add(r, field, v, x === undefined ? numberExpectation(t, what) : what);
        values.push(null);
      } else values.push(x);
    }
    if (values[0] === 0 && (values[1] ?? 0) > 0) out.add(r, 'bed_days', values[1], '0 bed-days for a participant with 0 admissions');
    if (pi !== undefined) {
      const first = firstTotals.get(pi);
      if (first === undefined) firstTotals.set(pi, { row: r, values });
      else {
        REGISTER_TOTALS.forEach((f, k) => {
          if (values[k] !== first.values[k] && values[k] !== null && first.values[k] !== null) {
            out.add(r, f.field, values[k], `${first.values[k]}, the participant's total on row ${first.row} (totals over the window are repeated on each of the participant's rows)`);
          }
        });
      }
    }
    records[i] = { id: id ?? '', week: week ?? '', status, admissions: values[0]!, bedDays: values[1]!, daysAtRisk: values[2]! };
  }
  return records;
}

function relabel(issues: readonly ValidationIssue[], slot: TableName): ValidationIssue[] {
  return issues.map((it) => (it.table === slot ? it : issue(slot, it.row, it.field, it.value, it.expected)));
}

function freezeAll<T extends object>(items: T[], nested: (item: T) => void): void {
  for (const item of items) {
    nested(item);
    Object.freeze(item);
  }
  Object.freeze(items);
}

/**
 * Validate participants and measurements against a trial design and return the branded
 * `TrialData` that models accept, or throw a `ValidationError` listing every problem.
 *
 * Each table may be an array of row objects (camelCase or snake_case fields; see
 * `participantRowSchema`) or a loader's output (`fromCsv`, `readCsvFile`, `fromRows`,
 * `fromArquero`, `fromDanfo`). Missing scores (`null`) are allowed and counted in `summary`.
 *
 * @throws ValidationError with `issues` (table, 1-based row, field, value, expected) for bad data.
 * @throws ArgumentError for a malformed design or options (e.g. an unregistered instrument).
 * @example
 * const trial = validateTrial(
 *   {
 *     participants: [{ id: 'p1', arm: 'control' }, { id: 'p2', arm: 'SFT', group: 'g1' }],
 *     measurements: [
 *       { id: 'p1', visit: 'baseline', instrument: 'PSP', score: 45 },
 *       { id: 'p2', visit: 'baseline', instrument: 'PSP', score: null },
 *     ],
 *   },
 *   { design: { arms: ['control', 'SFT'], visits: ['baseline', '9m'], instruments: ['PSP'] } },
 * );
 * trial.summary.missingScores; // 1
 */
export function validateTrial(input: TrialInput, options: ValidateTrialOptions): TrialData {
  checkOptions('options', options, optionKeys<ValidateTrialOptions>()(['design', 'instruments', 'sexCodes', 'ageRange', 'requiredParticipantFields', 'register', 'freeze']));
  checkOptions('options.register', options.register, optionKeys<RegisterDesign>()(['statuses', 'weeks']));
  checkOptions('options.design', options.design, optionKeys<TrialDesign>()(['arms', 'visits', 'instruments', 'visitMonths', 'ungroupedArms']));
  checkOptions('options.ageRange', options.ageRange, optionKeys<NonNullable<ValidateTrialOptions['ageRange']>>()(['min', 'max']));
  if (input === null || typeof input !== 'object') throw new ArgumentError('input', input, '{ participants, measurements }');
  if (options === null || typeof options !== 'object') throw new ArgumentError('options', options, '{ design, ... }');
  const registry = options.instruments ?? defaultInstruments;
  const instruments = checkDesign(options.design, registry);
  const sexCodes = options.sexCodes ?? DEFAULT_SEX_CODES;
  for (const [k, v] of Object.entries(sexCodes)) {
    if (!SEXES.includes(v)) throw new ArgumentError(`sexCodes.${k}`, v, `one of ${SEXES.join(', ')}`);
  }
  const normalisedSexCodes = dict<Sex>();
  for (const [k, v] of Object.entries(sexCodes)) normalisedSexCodes[k.trim().toLowerCase()] = v;
  const ageMin = options.ageRange?.min ?? 0;
  const ageMax = options.ageRange?.max ?? 120;
  if (!(Number.isFinite(ageMin) && Number.isFinite(ageMax) && ageMin < ageMax)) {
    throw new ArgumentError('ageRange', options.ageRange, 'finite { min, max } with min < max');
  }
  const design = options.design;
  const ctx: Context = {
    design,
    instruments,
    sexCodes: normalisedSexCodes,
    ageMin,
    ageMax,
    arms: new Set(design.arms),
    ungrouped: new Set(design.ungroupedArms ?? []),
  };

  const pTable = asTable(input.participants, 'participants');
  const mTable = asTable(input.measurements, 'measurements');
  const pIssues = new Issues('participants', pTable.lines);
  const mIssues = new Issues('measurements', mTable.lines);
  pIssues.addLoaded(relabel(pTable.issues, 'participants'));
  mIssues.addLoaded(relabel(mTable.issues, 'measurements'));
  checkColumns(pTable, [...REQUIRED_FIELDS.participants, ...(options.requiredParticipantFields ?? [])], pIssues, 'participants');
  checkColumns(mTable, REQUIRED_FIELDS.measurements, mIssues, 'measurements');
  checkItemColumns(mTable, mIssues);

  const participants = validateParticipants(pTable, ctx, pIssues);
  const participantIndex = new Map<string, number>();
  participants.forEach((p, k) => {
    if (p.id !== '' && !participantIndex.has(p.id)) participantIndex.set(p.id, k);
  });
  const { measurements, missingScores, missingByInstrument } = validateMeasurements(mTable, ctx, participantIndex, mIssues);

  const registerStatuses = checkNameList('options.register.statuses', options.register?.statuses, DEFAULT_REGISTER_STATUSES);
  const registerWeeks = checkNameList('options.register.weeks', options.register?.weeks, DEFAULT_REGISTER_WEEKS);
  let register: RegisterRecord[] | null = null;
  const rIssues = new Issues('register', null);
  if (input.register !== undefined && input.register !== null) {
    const rTable = asTable(input.register, 'register');
    const issuesOf = new Issues('register', rTable.lines);
    issuesOf.addLoaded(relabel(rTable.issues, 'register'));
    checkColumns(rTable, ['id', 'week'], issuesOf, 'register');
    register = validateRegister(rTable, registerStatuses, registerWeeks, participantIndex, issuesOf);
    rIssues.list.push(...issuesOf.list);
  }

  const all = [...pIssues.list, ...mIssues.list, ...rIssues.list];
  if (all.length > 0) throw new ValidationError(all, `The trial data failed validation with ${all.length} problem${all.length === 1 ? '' : 's'}`);

  const byArm = dict<number>();
  for (const arm of design.arms) byArm[arm] = 0;
  for (const p of participants) byArm[p.arm]!++;

  const designCopy: TrialDesign = {
    arms: [...design.arms],
    visits: [...design.visits],
    instruments: [...design.instruments],
  };
  if (design.visitMonths) designCopy.visitMonths = Object.assign(dict<number>(), design.visitMonths);
  if (design.ungroupedArms) designCopy.ungroupedArms = [...design.ungroupedArms];

  const data = {
    design: designCopy,
    participants,
    measurements,
    register,
    registerDesign: register === null ? null : { statuses: registerStatuses, weeks: registerWeeks },
    summary: {
      nParticipants: participants.length,
      nMeasurements: measurements.length,
      missingScores,
      byArm,
      missingByInstrument,
    },
  };
  if (options.freeze ?? true) {
    freezeAll(participants, (p) => {
      Object.freeze(p.diagnoses);
      Object.freeze(p.costs);
      Object.freeze(p.extra);
    });
    freezeAll(measurements, (m) => {
      if (m.items) Object.freeze(m.items);
      if (m.extra) Object.freeze(m.extra);
    });
    if (register !== null) freezeAll(register, () => {});
    if (data.registerDesign !== null) {
      Object.freeze(registerStatuses);
      Object.freeze(registerWeeks);
      Object.freeze(data.registerDesign);
    }
    Object.freeze(designCopy);
    Object.freeze(data.summary);
    Object.freeze(data);
  }
  validated.add(data);
  return data as unknown as TrialData;
}

/** One row of {@link trialToRows}: a measurement with what a model needs beside it. */
export interface ModelRow {
  id: string;
  arm: string;
  group: string | null;
  site: string | null;
  visit: string;
  /** Months since randomisation from `design.visitMonths`, or `null`. */
  months: number | null;
  score: number | null;
  /** The participant's score on the same instrument at the baseline visit, or `null`. */
  baseline: number | null;
}

/** Options of {@link trialToRows}. */
export interface TrialToRowsOptions {
  /** The instrument whose measurements become rows. */
  instrument: string;
  /**
   * Visits to include, in design order.
   * @defaultValue all of `design.visits` (the baseline visit included)
   */
  visits?: readonly string[];
  /**
   * The visit whose score is `baseline`.
   * @defaultValue `design.visits[0]`
   */
  baselineVisit?: string;
  /**
   * One row per participant × visit, with `score: null` where no measurement row exists;
   * otherwise only measured rows (a row with a missing score is kept either way).
   * @defaultValue `false`
   */
  complete?: boolean;
}

/**
 * Long rows `{ id, arm, group, site, visit, months, score, baseline }` of one instrument,
 * ordered by participant then visit, ready for a model formula such as
 * `score ~ arm * visit + baseline + (1 | id)`.
 *
 * @throws ArgumentError when `trial` did not come from `validateTrial`, or the instrument or a
 *   visit is not in the design.
 * @example
 * trialToRows(trial, { instrument: 'PSP' })[0];
 * // { id: 'p1', arm: 'control', group: null, site: null, visit: 'baseline', months: null, score: 45, baseline: 45 }
 */
export function trialToRows(trial: TrialData, options: TrialToRowsOptions): ModelRow[] {
  checkOptions('options', options, optionKeys<TrialToRowsOptions>()(['instrument', 'visits', 'baselineVisit', 'complete']));
  if (!isTrialData(trial)) throw new ArgumentError('trial', trial, 'trial data returned by validateTrial');
  const design = trial.design;
  if (!options || typeof options.instrument !== 'string' || !design.instruments.includes(options.instrument)) {
    throw new ArgumentError('options.instrument', options?.instrument, `one of the design's instruments (${design.instruments.join(', ')})`);
  }
  const instrument = options.instrument;
  const baselineVisit = options.baselineVisit ?? design.visits[0]!;
  if (!design.visits.includes(baselineVisit)) throw new ArgumentError('options.baselineVisit', baselineVisit, `one of the design's visits (${design.visits.join(', ')})`);
  const wanted = options.visits ?? design.visits;
  for (const v of wanted) if (!design.visits.includes(v)) throw new ArgumentError('options.visits', v, `one of the design's visits (${design.visits.join(', ')})`);
  const visits = design.visits.filter((v) => wanted.includes(v));
  const visitIndex = new Map(visits.map((v, i) => [v, i]));

  // Scores per participant, one slot per included visit; `undefined` = no measurement row.
  const byId = new Map<string, (number | null | undefined)[]>();
  const baselineById = new Map<string, number | null>();
  for (const m of trial.measurements) {
    if (m.instrument !== instrument) continue;
    if (m.visit === baselineVisit) baselineById.set(m.id, m.score);
    const k = visitIndex.get(m.visit);
    if (k === undefined) continue;
    let slots = byId.get(m.id);
    if (!slots) {
      slots = new Array(visits.length);
      byId.set(m.id, slots);
    }
    slots[k] = m.score;
  }
  const months = design.visitMonths;
  const rows: ModelRow[] = [];
  const complete = options.complete ?? false;
  for (const p of trial.participants) {
    const slots = byId.get(p.id);
    if (!slots && !complete) continue;
    const baseline = baselineById.get(p.id) ?? null;
    for (let k = 0; k < visits.length; k++) {
      const s = slots?.[k];
      if (s === undefined && !complete) continue;
      const visit = visits[k]!;
      rows.push({
        id: p.id,
        arm: p.arm,
        group: p.group,
        site: p.site,
        visit,
        months: months?.[visit] ?? null,
        score: s ?? null,
        baseline,
      });
    }
  }
  return rows;
}
