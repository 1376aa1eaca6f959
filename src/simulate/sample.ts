/**
 * The committed synthetic SFT sample: its options and its CSV rendering (browser-safe; the
 * file writer is write-sample.ts). `data-samples/generate.ts` calls `writeSample`; a test
 * checks that regenerating gives the committed bytes, so the CSV files and the generator
 * cannot drift apart unnoticed.
 */
import { PARTICIPANT_FIELDS } from '../data/schema.js';
import type { Measurement, Participant } from '../data/types.js';
import type { SimulateTrialOptions } from './options.js';
import type { RegisterRow } from './register.js';
import { simulateTrial, type SimulatedTrial } from './trial.js';

/**
 * Seed of the committed sample in data-samples/. Chosen among seeds 1–60 as the draw closest
 * to the published design (smallest sum of squared standardised deviations of the SFT arm
 * size, the main-diagnosis chapter counts, the number of women and the numbers measured at 9
 * and 15 months from 152, 152/50.7/50.7/50.7, 173, 234 and 194), so that the example mirrors
 * the trial; any other seed is an equally valid draw of the same model.
 */
export const SAMPLE_SEED = 52;

/** Options of the committed sample: the defaults (which mirror the SFT trial) with {@link SAMPLE_SEED}. */
export const SAMPLE_OPTIONS: Readonly<SimulateTrialOptions> = Object.freeze({ seed: SAMPLE_SEED });

/** File names of the committed sample. */
export const SAMPLE_FILES = { participants: 'sft-participants.csv', measurements: 'sft-measurements.csv', register: 'sft-register.csv' } as const;

/** Cost categories in column order (`cost_<category>`). */
const COST_ORDER = ['implementation', 'operation', 'psychiatric_admission', 'outpatient', 'support'];

function cell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  // RFC 4180 quoting, only when needed, so the usual file has no quotes at all.
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

function line(cells: readonly (string | number | boolean | null | undefined)[]): string {
  return cells.map(cell).join(',');
}

/** The participant fields with one value each, in the schema's order and in the CSV's snake_case spelling (`birthDate` → `birth_date`). */
const FIXED_COLUMNS = PARTICIPANT_FIELDS.filter((f) => f !== 'costs' && f !== 'extra').map((f) => f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));

/**
 * Render participants as CSV: columns id, arm, group, site, sex, age, birth_date,
 * randomisation_date, diagnoses (codes joined by `;`), main_diagnosis, diagnosis_date,
 * sessions_attended, sessions_offered, then `cost_<category>` for every cost category
 * (known ones first, the rest sorted), then extra columns (sorted). Missing values are empty.
 * @example
 * participantsToCsv(simulateTrial({ seed: 1 }).participants).split('\n')[0]!.startsWith('id,arm,group,site'); // true
 */
export function participantsToCsv(participants: readonly Participant[]): string {
  const costKeys = new Set<string>();
  const extraKeys = new Set<string>();
  for (const p of participants) {
    for (const k of Object.keys(p.costs)) costKeys.add(k);
    for (const k of Object.keys(p.extra)) extraKeys.add(k);
  }
  const costs = [...COST_ORDER.filter((k) => costKeys.has(k)), ...[...costKeys].filter((k) => !COST_ORDER.includes(k)).sort()];
  const extras = [...extraKeys].sort();
  const header = [
    ...FIXED_COLUMNS,
    ...costs.map((c) => `cost_${c}`),
    ...extras,
  ];
  const out = [line(header)];
  for (const p of participants) {
    out.push(
      line([
        p.id,
        p.arm,
        p.group,
        p.site,
        p.sex,
        p.age,
        p.birthDate,
        p.randomisationDate,
        p.diagnoses.join(';'),
        p.mainDiagnosis,
        p.diagnosisDate,
        p.sessionsAttended,
        p.sessionsOffered,
        ...costs.map((c) => p.costs[c]),
        ...extras.map((e) => p.extra[e]),
      ]),
    );
  }
  return `${out.join('\n')}\n`;
}

/**
 * Render measurements as CSV: columns id, visit, instrument, score, item_1 … item_k (k = the
 * most items of any row; empty where an instrument has none), date. Missing values are empty.
 * @example
 * measurementsToCsv(simulateTrial({ seed: 1 }).measurements).split('\n')[0]; // 'id,visit,instrument,score,item_1,item_2,item_3,item_4,item_5,date'
 */
export function measurementsToCsv(measurements: readonly Measurement[]): string {
  let nItems = 0;
  for (const m of measurements) if (m.items && m.items.length > nItems) nItems = m.items.length;
  const itemCols = Array.from({ length: nItems }, (_, j) => `item_${j + 1}`);
  const out = [line(['id', 'visit', 'instrument', 'score', ...itemCols, 'date'])];
  for (const m of measurements) {
    const items = Array.from({ length: nItems }, (_, j) => m.items?.[j] ?? null);
    out.push(line([m.id, m.visit, m.instrument, m.score, ...items, m.date]));
  }
  return `${out.join('\n')}\n`;
}

/**
 * Render register rows as CSV: columns id, week, status, admissions, bed_days, days_at_risk
 * (the last three are per participant, repeated on each of the participant's week rows).
 * A status is empty when the participant had left the register before the week.
 * @example
 * registerToCsv(simulateTrial({ seed: 1 }).register).split('\n')[0]; // 'id,week,status,admissions,bed_days,days_at_risk'
 */
export function registerToCsv(rows: readonly RegisterRow[]): string {
  const out = [line(['id', 'week', 'status', 'admissions', 'bed_days', 'days_at_risk'])];
  for (const r of rows) out.push(line([r.id, r.week, r.status, r.admissions, r.bedDays, r.daysAtRisk]));
  return `${out.join('\n')}\n`;
}

/** The sample as CSV text plus the trial it came from. */
export interface SampleCsv {
  participants: string;
  measurements: string;
  register: string;
  trial: SimulatedTrial;
}

/**
 * Generate a trial and render it as the three CSV files of data-samples/.
 * @param options - generator options; default {@link SAMPLE_OPTIONS} (the committed sample).
 * @throws ArgumentError for invalid generator options.
 * @example
 * const a = sampleCsv();
 * a.participants === sampleCsv().participants; // true: the draw is seeded
 */
export function sampleCsv(options: SimulateTrialOptions = SAMPLE_OPTIONS): SampleCsv {
  const trial = simulateTrial(options);
  return {
    participants: participantsToCsv(trial.participants),
    measurements: measurementsToCsv(trial.measurements),
    register: registerToCsv(trial.register),
    trial,
  };
}

