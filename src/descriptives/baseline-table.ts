/**
 * Baseline characteristics by arm ("Table 1").
 */
import { ArgumentError } from '../errors/index.js';
import type { Participant, TrialData } from '../data/types.js';
import { checkTrial } from './check.js';
import { summarise } from './stats.js';
import { checkOptions, optionKeys } from '../errors/checks.js';

/** An age band, whole years, both ends inclusive (`max: null` for an open top band). */
export interface AgeBand {
  label: string;
  min: number;
  max: number | null;
}

/** The age bands of the SFT evaluation's sample description. */
export const BASELINE_AGE_BANDS: readonly AgeBand[] = [
  { label: '18–24', min: 18, max: 24 },
  { label: '25–34', min: 25, max: 34 },
  { label: '35–44', min: 35, max: 44 },
  { label: '45–54', min: 45, max: 54 },
  { label: '55+', min: 55, max: null },
];

/** Options of {@link baselineTable}. */
export interface BaselineTableOptions {
  /**
   * Age bands; ages outside every band count as level `other`.
   * @defaultValue 18–24, 25–34, 35–44, 45–54, 55+ ({@link BASELINE_AGE_BANDS})
   */
  ageBands?: readonly AgeBand[];
  /**
   * The visit whose scores are the baseline scores.
   * @defaultValue the first visit of `design.visits`
   */
  baselineVisit?: string;
}

/** The variables of the table, in row order. */
export type BaselineVariable = 'participants' | 'sex' | 'ageBand' | 'diagnosisChapter' | 'age' | 'yearsSinceDiagnosis' | 'baselineScore';

/**
 * One row of {@link baselineTable}: a flat object, either a count (`kind: 'count'`, with
 * `denominator` and `percent`) or a summary of a numeric variable (`kind: 'summary'`, with
 * `missing`, `mean`, `sd`, `median`). Fields not used by the kind are `null`.
 */
export interface BaselineRow {
  variable: BaselineVariable;
  /**
   * Category for counts (`female`, `25–34`, `F2`, `missing`, …); the instrument id for
   * `baselineScore`; `null` for `participants`, `age` and `yearsSinceDiagnosis`.
   */
  level: string | null;
  /** Arm, or `null` for all arms together. */
  arm: string | null;
  kind: 'count' | 'summary';
  /** Count rows: participants in the level. Summary rows: participants with a value. */
  n: number;
  /** Count rows: participants in the arm (the percent's denominator, missing included). */
  denominator: number | null;
  /** Count rows: `100 × n ÷ denominator`, unrounded. */
  percent: number | null;
  /** Summary rows: participants of the arm without a value. */
  missing: number | null;
  mean: number | null;
  /** Sample SD (denominator n − 1). */
  sd: number | null;
  median: number | null;
}

const DAY_MS = 86_400_000;

function dayOf(iso: string | null): number | null {
  if (iso === null) return null;
  const t = Date.parse(`${iso}T00:00:00Z`);
  return Number.isNaN(t) ? null : t / DAY_MS;
}

/** Age at randomisation: the recorded age, else completed years from birth date to randomisation date. */
function ageOf(p: Participant): number | null {
  if (p.age !== null) return p.age;
  if (p.birthDate === null || p.randomisationDate === null) return null;
  const [by, bm, bd] = p.birthDate.split('-').map(Number) as [number, number, number];
  const [ry, rm, rd] = p.randomisationDate.split('-').map(Number) as [number, number, number];
  return ry - by - (rm < bm || (rm === bm && rd < bd) ? 1 : 0);
}

/** Years from diagnosis to randomisation (days ÷ 365.25), or null when a date is missing. */
function yearsSinceDiagnosis(p: Participant): number | null {
  const d = dayOf(p.diagnosisDate);
  const r = dayOf(p.randomisationDate);
  return d === null || r === null ? null : (r - d) / 365.25;
}

/** F2/F3/F4/F6 from the main ICD-10 code; `other` for any other code, `missing` for none. */
function chapterOf(code: string | null): string {
  if (code === null) return 'missing';
  const m = /^F([2346])/.exec(code);
  return m ? `F${m[1]}` : 'other';
}

function bandOf(age: number | null, bands: readonly AgeBand[]): string {
  if (age === null) return 'missing';
  for (const b of bands) if (age >= b.min && (b.max === null || age <= b.max)) return b.label;
  return 'other';
}

function checkBands(bands: unknown): readonly AgeBand[] {
  if (!Array.isArray(bands) || bands.length === 0) throw new ArgumentError('options.ageBands', bands, 'a non-empty array of { label, min, max }');
  bands.forEach((b: unknown, i) => {
    const o = b as Partial<AgeBand> | null;
    if (typeof o !== 'object' || o === null) throw new ArgumentError(`options.ageBands[${i}]`, b, 'an object { label, min, max }');
    if (typeof o.label !== 'string' || o.label === '') throw new ArgumentError(`options.ageBands[${i}].label`, o.label, 'a non-empty string');
    if (typeof o.min !== 'number' || !Number.isFinite(o.min)) throw new ArgumentError(`options.ageBands[${i}].min`, o.min, 'a finite number');
    if (o.max !== null && (typeof o.max !== 'number' || !(o.max >= o.min))) {
      throw new ArgumentError(`options.ageBands[${i}].max`, o.max, `null (open) or a number ≥ min (${o.min})`);
    }
  });
  return bands as readonly AgeBand[];
}

/**
 * Tabulate baseline characteristics by arm and for all arms together: participants; sex;
 * age band; main diagnosis chapter (F2/F3/F4/F6 from the main ICD-10 code); age and years
 * since diagnosis (mean, SD, median); baseline scores per instrument (n, mean, SD, median).
 *
 * Categorical variables list their levels in a fixed order (sex: female, male, then other
 * and missing if they occur; age bands in band order; chapters F2, F3, F4, F6, then other and
 * missing if they occur), with every level in every arm, zeros included.
 *
 * @param trial - validated trial data (`validateTrial`).
 * @param options - see {@link BaselineTableOptions}.
 * @returns plain JSON rows, see {@link BaselineRow}: per variable and level, the arms in
 *   design order then all arms (`arm: null`).
 * @throws ArgumentError when `trial` is not trial data, `options.baselineVisit` is not a
 *   visit of the design, or an age band is malformed.
 * @example
 * const rows = baselineTable(trial); // trial: the hand example in tests/descriptives
 * rows.find((r) => r.variable === 'sex' && r.level === 'female' && r.arm === 'SFT');
 * // { variable: 'sex', level: 'female', arm: 'SFT', kind: 'count', n: 3, denominator: 4, percent: 75,
 * //   missing: null, mean: null, sd: null, median: null }
 */
export function baselineTable(trial: TrialData, options: BaselineTableOptions = {}): BaselineRow[] {
  checkOptions('options', options, optionKeys<BaselineTableOptions>()(['ageBands', 'baselineVisit']));
  checkTrial(trial);
  if (typeof options !== 'object' || options === null) throw new ArgumentError('options', options, 'an object');
  const bands = options.ageBands === undefined ? BASELINE_AGE_BANDS : checkBands(options.ageBands);
  const { arms, visits, instruments } = trial.design;
  const baselineVisit = options.baselineVisit ?? visits[0];
  if (baselineVisit === undefined || !visits.includes(baselineVisit)) {
    throw new ArgumentError('options.baselineVisit', options.baselineVisit, `one of the design's visits (${visits.join(', ')})`);
  }
  const A = arms.length;
  const armIndex = new Map(arms.map((a, i) => [a, i] as const));
  // Group index: arms 0…A−1, and A for all arms together; participants of an undeclared arm
  // (impossible after validation) count only in the total.
  const people: Participant[][] = Array.from({ length: A + 1 }, () => []);
  for (const p of trial.participants) {
    const a = armIndex.get(p.arm);
    if (a !== undefined) people[a]!.push(p);
    people[A]!.push(p);
  }
  const armName = (a: number): string | null => (a < A ? arms[a]! : null);
  const rows: BaselineRow[] = [];
  const count = (variable: BaselineVariable, level: string | null, a: number, n: number): BaselineRow => {
    const d = people[a]!.length;
    return { variable, level, arm: armName(a), kind: 'count', n, denominator: d, percent: d > 0 ? (100 * n) / d : null, missing: null, mean: null, sd: null, median: null };
  };
  const summary = (variable: BaselineVariable, level: string | null, a: number, values: number[]): BaselineRow => {
    const s = summarise(Float64Array.from(values));
    return {
      variable,
      level,
      arm: armName(a),
      kind: 'summary',
      n: s.n,
      denominator: null,
      percent: null,
      missing: people[a]!.length - s.n,
      mean: s.mean,
      sd: s.sd,
      median: s.median,
    };
  };

  for (let a = 0; a <= A; a++) rows.push(count('participants', null, a, people[a]!.length));

  const categorical = (variable: BaselineVariable, fixed: readonly string[], levelOf: (p: Participant) => string): void => {
    const seen = new Set(trial.participants.map(levelOf));
    const extra = ['other', 'missing'].filter((l) => seen.has(l) && !fixed.includes(l));
    for (const level of [...fixed, ...extra]) {
      for (let a = 0; a <= A; a++) rows.push(count(variable, level, a, people[a]!.filter((p) => levelOf(p) === level).length));
    }
  };
  categorical('sex', ['female', 'male'], (p) => p.sex ?? 'missing');
  categorical('ageBand', bands.map((b) => b.label), (p) => bandOf(ageOf(p), bands));
  categorical('diagnosisChapter', ['F2', 'F3', 'F4', 'F6'], (p) => chapterOf(p.mainDiagnosis));

  const numeric = (variable: BaselineVariable, valueOf: (p: Participant) => number | null): void => {
    for (let a = 0; a <= A; a++) {
      const values: number[] = [];
      for (const p of people[a]!) {
        const v = valueOf(p);
        if (v !== null) values.push(v);
      }
      rows.push(summary(variable, null, a, values));
    }
  };
  numeric('age', ageOf);
  numeric('yearsSinceDiagnosis', yearsSinceDiagnosis);

  const scores = new Map<string, Map<string, number>>(instruments.map((k) => [k, new Map()]));
  for (const m of trial.measurements) {
    if (m.visit !== baselineVisit || m.score === null) continue;
    scores.get(m.instrument)?.set(m.id, m.score);
  }
  for (const k of instruments) {
    const byId = scores.get(k)!;
    for (let a = 0; a <= A; a++) {
      const values: number[] = [];
      for (const p of people[a]!) {
        const v = byId.get(p.id);
        if (v !== undefined) values.push(v);
      }
      rows.push(summary('baselineScore', k, a, values));
    }
  }
  return rows;
}
