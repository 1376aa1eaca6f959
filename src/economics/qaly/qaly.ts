/**
 * Quality-adjusted life years from a utility index (EQ-5D) measured at visits: the area under
 * each participant's utility curve by the trapezoid rule, over one or more horizons, with
 * annual discounting after the first year.
 */
import { ArgumentError, ValidationError, issue, type Diagnostic, type ValidationIssue } from '../../errors/index.js';
import { qalyIncompleteCases, tooFewCompleteCasesQaly, valueSetAssumed } from '../../errors/diagnostics.js';
import { checkCiLevel, checkOneOf, checkOptions, optionKeys } from '../../errors/checks.js';
import { studentTQuantile } from '../../distributions/student-t.js';
import { isCalendarDate } from '../../data/schema.js';
import { defaultInstruments, getInstrument, scoreProblem, type InstrumentRegistry } from '../../instruments/registry.js';
import { EQ5D_INDEX } from '../../instruments/defaults.js';
import { checkValueRows } from './rows.js';
import type { Estimate } from '../../results/types.js';

/** A participant as the QALY functions need it (a subset of the data module's `Participant`). */
export interface QalyParticipant {
  readonly id: string;
  readonly arm: string;
  /** Therapy group; `null` for participants in no group. */
  readonly group: string | null;
}

/** One utility measurement (a subset of the data module's `Measurement`). */
export interface UtilityMeasurement {
  readonly id: string;
  readonly visit: string;
  readonly instrument: string;
  /** Utility index; `null` when missing. */
  readonly score: number | null;
  /** Measurement date, ISO `YYYY-MM-DD`; needed with `time: 'dates'`. */
  readonly date?: string | null;
}

/** Participants and their measurements (`trialData` can be passed as is). */
export interface QalyInput {
  readonly participants: readonly QalyParticipant[];
  readonly measurements: readonly UtilityMeasurement[];
}

/** A horizon: the visits whose utilities span it, in time order, the first being time zero (baseline). */
export interface QalyHorizon {
  /** Name in results. @defaultValue the last visit */
  label?: string;
  /** Visits in time order, at least two, e.g. `['baseline', '9m', '15m']`. */
  visits: readonly string[];
}

/** Options of {@link qalys}. */
export interface QalyOptions {
  /** Horizons to compute, e.g. 9 and 15 months as `[{ visits: ['baseline', '9m'] }, { visits: ['baseline', '9m', '15m'] }]`. */
  horizons: readonly QalyHorizon[];
  /** Instrument id of the utility index in the measurements. @defaultValue 'EQ5D_INDEX' */
  instrument?: string;
  /** Registry holding the instrument (its range bounds the utilities). @defaultValue `defaultInstruments` */
  registry?: InstrumentRegistry;
  /**
   * Name of the value set the index was scored with, stated in the result.
   * @defaultValue the first reference of the instrument's registry entry (for the bundled EQ5D_INDEX, the Danish EQ-5D-5L value set, Jensen et al. 2021)
   */
  valueSet?: string;
  /**
   * Time axis of the trapezoids: `'dates'` uses each measurement's date (years = days / 365.25
   * since the first visit's date); `'nominal'` uses `visitMonths` (when dates are absent).
   * @defaultValue 'dates'
   */
  time?: 'dates' | 'nominal';
  /** Months since randomisation of each visit, for `time: 'nominal'`, e.g. `{ baseline: 0, '9m': 9, '15m': 15 }`. @defaultValue none */
  visitMonths?: Readonly<Record<string, number>>;
  /**
   * Annual discount rate in [0, 1) for QALYs after the first year: health in year k (k = 0, 1, …
   * counted from the first visit) is weighted 1/(1 + r)^k. @defaultValue 0.035 (3.5 %)
   */
  discountRate?: number;
  /** Confidence level of the per-arm mean intervals. @defaultValue 0.95 */
  ciLevel?: number;
}

const QALY_OPTION_KEYS = optionKeys<QalyOptions>()(['horizons', 'instrument', 'registry', 'valueSet', 'time', 'visitMonths', 'discountRate', 'ciLevel']);

/** One participant's QALYs over a horizon (complete cases only). */
export interface ParticipantQaly {
  id: string;
  arm: string;
  group: string | null;
  /** Discounted QALYs. */
  qaly: number;
  /** QALYs without discounting. */
  undiscounted: number;
  /** Utility at the first visit of the horizon (for baseline adjustment). */
  baselineUtility: number;
  /** Length of the horizon for this participant, years (first to last visit). */
  years: number;
}

/** Mean QALYs of one arm over a horizon. */
export interface ArmQaly extends Estimate {
  arm: string;
  /** Mean discounted QALYs. */
  estimate: number;
  /** Standard error of the mean, `null` with fewer than 2 participants. */
  se: number | null;
  /** t interval with n − 1 df, `null` with fewer than 2 participants. */
  ci: [number, number] | null;
  df: number;
  sd: number | null;
  /** Mean undiscounted QALYs. */
  undiscounted: number;
  /** Mean baseline utility. */
  baselineUtility: number;
  /** Complete cases. */
  n: number;
  /** Participants left out for a missing utility at one or more visits of the horizon. */
  excluded: number;
}

/** QALYs over one horizon. */
export interface QalyHorizonResult {
  label: string;
  visits: string[];
  participants: ParticipantQaly[];
  /** Participants without a utility at every visit, with the visits missing. */
  incomplete: { id: string; arm: string; missingVisits: string[] }[];
  byArm: ArmQaly[];
  /** Named in every result, since QALYs depend on it. */
  valueSet: string;
  instrument: string;
  discountRate: number;
  time: 'dates' | 'nominal';
  method: string;
  diagnostics: Diagnostic[];
}

/** Result of {@link qalys}. */
export interface QalyResult {
  instrument: string;
  valueSet: string;
  discountRate: number;
  time: 'dates' | 'nominal';
  horizons: QalyHorizonResult[];
  method: string;
  diagnostics: Diagnostic[];
}

const DAYS_PER_YEAR = 365.25;

/**
 * Area under a piecewise-linear utility curve through (tₖ, uₖ), and the same with annual
 * discount factors: the part of a segment in year k (t ∈ [k, k + 1)) is weighted
 * 1/(1 + r)^k, a segment crossing a year boundary being split there at the interpolated
 * utility. This is the exact integral of u(t)·(1 + r)^(−⌊t⌋).
 *
 * @param times - strictly increasing times in years, the first being time zero of the discounting.
 * @param utilities - utilities at those times.
 * @param discountRate - r in [0, 1).
 * @example
 * // 0.6 at baseline, 0.8 at 9 and 15 months: year 1 holds 0.75·0.7 + 0.25·0.8, the last quarter-year is discounted
 * utilityArea([0, 0.75, 1.25], [0.6, 0.8, 0.8], 0.035);
 * // { undiscounted: 0.925, discounted: 0.525 + 0.2 + 0.2 / 1.035 }
 */
export function utilityArea(times: readonly number[], utilities: readonly number[], discountRate: number): { undiscounted: number; discounted: number } {
  if (times.length !== utilities.length || times.length < 2) throw new ArgumentError('utilities', utilities.length, `as many utilities as times (${times.length}), at least 2`);
  checkDiscountRate(discountRate);
  let undiscounted = 0;
  let discounted = 0;
  for (let i = 1; i < times.length; i++) {
    const t0 = times[i - 1]! - times[0]!;
    const t1 = times[i]! - times[0]!;
    const u0 = utilities[i - 1]!;
    const u1 = utilities[i]!;
    if (!(t1 > t0)) throw new ArgumentError(`times[${i}]`, times[i], `a time after times[${i - 1}] = ${times[i - 1]}`);
    undiscounted += ((t1 - t0) * (u0 + u1)) / 2;
    const at = (t: number) => u0 + ((u1 - u0) * (t - t0)) / (t1 - t0);
    let a = t0;
    while (a < t1) {
      const year = Math.floor(a);
      const b = Math.min(t1, year + 1);
      discounted += ((b - a) * (at(a) + at(b))) / 2 / Math.pow(1 + discountRate, year);
      a = b;
    }
  }
  return { undiscounted, discounted };
}

function checkDiscountRate(r: unknown): number {
  if (typeof r !== 'number' || !(r >= 0 && r < 1)) {
    throw new ArgumentError('discountRate', r, 'an annual rate in [0, 1), e.g. 0.035 for 3.5 %');
  }
  return r;
}

function dayNumber(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86400000;
}

interface Cell {
  row: number;
  score: number | null;
  date: string | null;
}

/**
 * Quality-adjusted life years per participant over each horizon, and their means by arm.
 *
 * QALYᵢ = Σₖ (tₖ − tₖ₋₁)(uₖ₋₁ + uₖ)/2 over the horizon's visits (the trapezoid rule, as
 * Matthews et al. 1990 and Richardson & Manca 2004), with tₖ in years from the first visit:
 * actual measurement dates (days / 365.25) or nominal visit months / 12. Discounting: health in
 * year k after the first visit is weighted 1/(1 + r)^k (year 1 undiscounted), a segment crossing
 * the 1-year boundary being split there at the linearly interpolated utility (see
 * {@link utilityArea}); 3.5 % a year by default, the rate of the Danish Ministry of Finance used
 * by the Danish Medicines Council and of NICE's reference case (PMG36, 2022, §4.5). Utilities come from
 * the registry's instrument (`EQ5D_INDEX` by default) and must lie in its range; the value set is
 * named in the result. A participant missing the utility at any visit of a horizon is left out
 * of that horizon (complete cases), counted per arm.
 *
 * @param input - `{ participants, measurements }` (trial data can be passed as is).
 * @param options - see {@link QalyOptions}; `horizons` is required.
 * @throws ValidationError (table `measurements`) for utilities outside the instrument's range, unknown participants, duplicate visits, missing or invalid dates (with `time: 'dates'`), or dates out of visit order, each with row and field.
 * @throws ArgumentError for a bad horizon, an unknown visit or instrument, a discount rate outside [0, 1), or missing `visitMonths` with `time: 'nominal'`.
 * @example
 * const res = qalys({ participants, measurements }, {
 *   horizons: [{ label: '9 months', visits: ['baseline', '9m'] }, { label: '15 months', visits: ['baseline', '9m', '15m'] }],
 *   time: 'nominal', visitMonths: { baseline: 0, '9m': 9, '15m': 15 }, valueSet: 'UK EQ-5D-3L (Dolan 1997)', discountRate: 0.05,
 * });
 * // utilities 0.6, 0.9, 0.9: 0.75·0.75 + 0.25·0.9 + 0.25·0.9 / 1.05
 * res.horizons[1].participants.find((p) => p.id === 'c').qaly;
 */
export function qalys(input: QalyInput, options: QalyOptions): QalyResult {
  const opts = checkOptions('options', options, QALY_OPTION_KEYS);
  if (typeof input !== 'object' || input === null) throw new ArgumentError('input', input, 'an object { participants, measurements }');
  const { participants, measurements } = input;
  if (!Array.isArray(participants)) throw new ArgumentError('participants', participants, 'an array of { id, arm, group }');
  if (!Array.isArray(measurements)) throw new ArgumentError('measurements', measurements, 'an array of { id, visit, instrument, score, date }');
  checkValueRows(participants, 'participants', [], false);
  const registry = opts.registry ?? defaultInstruments;
  const instrument = getInstrument(opts.instrument ?? 'EQ5D_INDEX', registry);
  const valueSet = opts.valueSet ?? instrument.references[0]?.citation ?? `the value set of ${instrument.id} as registered`;
  if (typeof valueSet !== 'string' || valueSet === '') throw new ArgumentError('valueSet', valueSet, 'the name of the value set, e.g. "Danish EQ-5D-5L (Jensen et al. 2021)"');
  const time = checkOneOf('time', opts.time ?? 'dates', ['dates', 'nominal'] as const);
  const discountRate = checkDiscountRate(opts.discountRate ?? 0.035);
  const ciLevel = checkCiLevel(opts.ciLevel ?? 0.95);
  const horizons = checkHorizons(opts.horizons, measurements, instrument.id);
  const months = time === 'nominal' ? checkVisitMonths(opts.visitMonths, horizons) : null;

  // Index the instrument's measurements by participant and visit, checking every row.
  const known = new Map<string, QalyParticipant>();
  for (const p of participants) known.set(p.id, p);
  const cells = new Map<string, Map<string, Cell>>();
  const issues: ValidationIssue[] = [];
  measurements.forEach((m, i) => {
    const row = i + 1;
    if (typeof m !== 'object' || m === null || m.instrument !== instrument.id) return;
    if (!known.has(m.id)) {
      issues.push(issue('measurements', row, 'id', m.id, 'the id of one of the participants'));
      return;
    }
    if (m.score !== null && (typeof m.score !== 'number' || scoreProblem(instrument, m.score) !== null)) {
      issues.push(issue('measurements', row, 'score', m.score, `${scoreProblem(instrument, Number(m.score)) ?? 'a number'} (the range of the ${instrument.id} value set), or null when missing`));
    }
    const date = m.date ?? null;
    if (date !== null && (typeof date !== 'string' || !isCalendarDate(date))) issues.push(issue('measurements', row, 'date', date, 'an ISO date YYYY-MM-DD, or null'));
    let byVisit = cells.get(m.id);
    if (!byVisit) cells.set(m.id, (byVisit = new Map()));
    const prev = byVisit.get(m.visit);
    if (prev) issues.push(issue('measurements', row, 'visit', m.visit, `one ${instrument.id} measurement per participant and visit (also in row ${prev.row})`));
    else byVisit.set(m.visit, { row, score: m.score, date });
  });
  if (issues.length > 0) throw new ValidationError(issues, 'Utility measurements failed validation');

  const arms: string[] = [];
  for (const p of participants) if (!arms.includes(p.arm)) arms.push(p.arm);
  const computed: { h: (typeof horizons)[number]; out: ParticipantQaly[]; incomplete: QalyHorizonResult['incomplete'] }[] = [];
  // A measurement appears in several horizons: report each bad date once.
  const seen = new Set<string>();
  for (const h of horizons) {
    const out: ParticipantQaly[] = [];
    const incomplete: QalyHorizonResult['incomplete'] = [];
    for (const p of participants) {
      const byVisit = cells.get(p.id);
      const present = h.visits.map((v) => byVisit?.get(v));
      const missingVisits = h.visits.filter((_, k) => present[k] === undefined || present[k]!.score === null);
      // Dates are checked on every present measurement, so that bad dates are reported even for incomplete cases.
      const issuesBefore = issues.length;
      let times: number[];
      if (time === 'dates') {
        const t: number[] = [];
        let prev: { visit: string; date: string; day: number } | null = null;
        for (let k = 0; k < h.visits.length; k++) {
          const c = present[k];
          if (!c || c.score === null) continue;
          if (c.date === null) {
            if (!seen.has(`${c.row}|date`)) issues.push(issue('measurements', c.row, 'date', null, `the date of the measurement (or use time: 'nominal' with visitMonths)`));
            seen.add(`${c.row}|date`);
            continue;
          }
          const day = dayNumber(c.date);
          if (prev !== null && !(day > prev.day) && !seen.has(`${c.row}|order`)) {
            seen.add(`${c.row}|order`);
            issues.push(issue('measurements', c.row, 'date', c.date, `a date after the ${prev.visit} date ${prev.date} of participant ${p.id} (visits in order ${h.visits.join(', ')})`));
          }
          prev = { visit: h.visits[k]!, date: c.date, day };
          t.push(day);
        }
        times = t.map((d) => (d - t[0]!) / DAYS_PER_YEAR);
      } else {
        times = h.visits.map((v) => months!.get(v)! / 12);
      }
      if (missingVisits.length > 0) {
        incomplete.push({ id: p.id, arm: p.arm, missingVisits });
        continue;
      }
      if (issues.length > issuesBefore) continue;
      const u = present.map((c) => c!.score!);
      const area = utilityArea(times, u, discountRate);
      out.push({ id: p.id, arm: p.arm, group: p.group, qaly: area.discounted, undiscounted: area.undiscounted, baselineUtility: u[0]!, years: times[times.length - 1]! - times[0]! });
    }
    computed.push({ h, out, incomplete });
  }
  if (issues.length > 0) throw new ValidationError(issues, 'Utility measurements failed validation');
  const results: QalyHorizonResult[] = [];
  for (const { h, out, incomplete } of computed) {
    const byArm = arms.map((arm) => armSummary(arm, out, incomplete, ciLevel));
    const diagnostics: Diagnostic[] = [];
    if (incomplete.length > 0) {
      diagnostics.push(qalyIncompleteCases(h.label, h.visits, incomplete.length, byArm));
    }
    for (const a of byArm) {
      if (a.n < 2) {
        diagnostics.push(tooFewCompleteCasesQaly(h.label, a.arm, a.n));
      }
    }
    results.push({
      label: h.label,
      visits: [...h.visits],
      participants: out,
      incomplete,
      byArm,
      valueSet,
      instrument: instrument.id,
      discountRate,
      time,
      method: methodText(h, instrument.id, valueSet, time, discountRate),
      diagnostics,
    });
  }
  const diagnostics: Diagnostic[] = [];
  if (instrument.id === EQ5D_INDEX.id && opts.valueSet === undefined && registry === defaultInstruments) {
    diagnostics.push(valueSetAssumed(valueSet, instrument.id));
  }
  return {
    instrument: instrument.id,
    valueSet,
    discountRate,
    time,
    horizons: results,
    method: `QALYs by the trapezoid rule over ${results.map((r) => r.label).join(' and ')}; ${instrument.id} utilities (${valueSet}); discount ${round(discountRate * 100)} % a year after the first year.`,
    diagnostics,
  };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function methodText(h: { label: string; visits: readonly string[] }, id: string, valueSet: string, time: 'dates' | 'nominal', r: number): string {
  return (
    `QALYs over ${h.label}: area under the ${id} utility curve through ${h.visits.join(', ')} by the trapezoid rule, ` +
    `time in years from the ${h.visits[0]} visit (${time === 'dates' ? 'actual measurement dates, days / 365.25' : 'nominal visit months / 12'}); ` +
    `discounted at ${round(r * 100)} % a year after the first year (health in year k weighted 1/(1 + r)^k; a segment crossing a year boundary split there at the interpolated utility); ` +
    `utilities from ${valueSet}; complete cases (a utility at every visit); arm means with t intervals (n − 1 df).`
  );
}

function armSummary(arm: string, rows: readonly ParticipantQaly[], incomplete: readonly { arm: string }[], ciLevel: number): ArmQaly {
  const xs = rows.filter((r) => r.arm === arm);
  const n = xs.length;
  const mean = (f: (r: ParticipantQaly) => number) => (n === 0 ? NaN : xs.reduce((s, r) => s + f(r), 0) / n);
  const m = mean((r) => r.qaly);
  const excluded = incomplete.filter((r) => r.arm === arm).length;
  if (n === 0) {
    throw new ArgumentError('participants', arm, `an arm with at least one complete case; arm "${arm}" has none (${excluded} without a utility at every visit)`);
  }
  const base = { arm, estimate: m, ciLevel, df: n - 1, undiscounted: mean((r) => r.undiscounted), baselineUtility: mean((r) => r.baselineUtility), n, excluded };
  if (n < 2) return { ...base, se: null, ci: null, sd: null };
  const sd = Math.sqrt(xs.reduce((s, r) => s + (r.qaly - m) ** 2, 0) / (n - 1));
  const se = sd / Math.sqrt(n);
  const q = studentTQuantile(1 - (1 - ciLevel) / 2, n - 1);
  return { ...base, se, ci: [m - q * se, m + q * se], sd };
}

function checkHorizons(horizons: unknown, measurements: readonly UtilityMeasurement[], instrument: string): { label: string; visits: string[] }[] {
  if (!Array.isArray(horizons) || horizons.length === 0) {
    throw new ArgumentError('horizons', horizons, "a non-empty array of { label?, visits }, e.g. [{ label: '9 months', visits: ['baseline', '9m'] }]");
  }
  const visitsInData = new Set<string>();
  for (const m of measurements) if (m && m.instrument === instrument) visitsInData.add(m.visit);
  const labels = new Set<string>();
  return horizons.map((h: unknown, i) => {
    const arg = `horizons[${i}]`;
    if (typeof h !== 'object' || h === null) throw new ArgumentError(arg, h, 'an object { label?, visits }');
    checkOptions(arg, h as QalyHorizon, ['label', 'visits']);
    const { visits, label } = h as QalyHorizon;
    if (!Array.isArray(visits) || visits.length < 2) throw new ArgumentError(`${arg}.visits`, visits, 'at least two visits in time order, the first being baseline');
    visits.forEach((v, k) => {
      if (typeof v !== 'string' || v === '') throw new ArgumentError(`${arg}.visits[${k}]`, v, 'a visit name');
      if (visits.indexOf(v) !== k) throw new ArgumentError(`${arg}.visits[${k}]`, v, 'each visit once');
      if (!visitsInData.has(v)) throw new ArgumentError(`${arg}.visits[${k}]`, v, `a visit with ${instrument} measurements (${[...visitsInData].join(', ') || 'none'})`);
    });
    const name = label ?? visits[visits.length - 1]!;
    if (typeof name !== 'string' || name === '') throw new ArgumentError(`${arg}.label`, label, 'a non-empty name');
    if (labels.has(name)) throw new ArgumentError(`${arg}.label`, name, 'a label different from the other horizons');
    labels.add(name);
    return { label: name, visits: [...visits] };
  });
}

function checkVisitMonths(visitMonths: unknown, horizons: readonly { visits: readonly string[] }[]): Map<string, number> {
  if (typeof visitMonths !== 'object' || visitMonths === null) {
    throw new ArgumentError('visitMonths', visitMonths, "months since randomisation of each visit, e.g. { baseline: 0, '9m': 9, '15m': 15 }, which time: 'nominal' needs");
  }
  const out = new Map<string, number>();
  horizons.forEach((h, i) => {
    h.visits.forEach((v, k) => {
      const m = (visitMonths as Record<string, unknown>)[v];
      if (typeof m !== 'number' || !Number.isFinite(m)) throw new ArgumentError(`visitMonths.${v}`, m, `the months since randomisation of visit "${v}"`);
      if (k > 0 && !(m > out.get(h.visits[k - 1]!)!)) {
        throw new ArgumentError(`visitMonths.${v}`, m, `more months than visit "${h.visits[k - 1]}" (${out.get(h.visits[k - 1]!)}), the visit before it in horizons[${i}]`);
      }
      out.set(v, m);
    });
  });
  return out;
}
