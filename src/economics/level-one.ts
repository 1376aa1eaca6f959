/**
 * Level-1 cost assessment (Socialstyrelsen's guidance, as used in seed 003, "Virksomme
 * gruppebostøtteindsatser", Rambøll 2021): gross cost of establishing and running an
 * intervention, minus the cost of the usual support it replaces, as a present value over a
 * horizon, per participant; price-year adjustment; one-way sensitivity tables.
 */
import { dict } from '../data/own.js';
import { ArgumentError, type Diagnostic } from '../errors/index.js';
import { noGrossCosts } from '../errors/diagnostics.js';
import { checkOptions, optionKeys } from '../errors/checks.js';

/**
 * How an item's amount recurs:
 * - `once`: a one-off amount in year `year` (establishment, training);
 * - `per-year`: every year of the horizon (licences, supervision);
 * - `per-course`: every course run (facilitators' time per course, materials);
 * - `per-participant`: every participant (pre-talks, individual sessions, the support replaced).
 */
export type CostTiming = 'once' | 'per-year' | 'per-course' | 'per-participant';

/** One resource item of a level-1 assessment. */
export interface CostItem {
  label: string;
  /** Category for the breakdown, e.g. `establishment`, `training`, `operation`. */
  category: string;
  /** Amount per occurrence, ≥ 0 (a saving is marked with `saved: true`, not a negative amount). */
  amount: number;
  per: CostTiming;
  /** For `once`: the year it falls in (0 = start, undiscounted). @defaultValue 0 */
  year?: number;
  /**
   * For `per-participant`: the participant subgroup it applies to, a key of
   * `LevelOneInputs.subgroups` (e.g. the share referred under another law).
   * @defaultValue all participants
   */
  subgroup?: string;
  /** Price year of `amount`; converted with `priceIndex` when it differs from `priceYear`. @defaultValue the assessment's `priceYear` */
  priceYear?: number;
  /** The cost of usual support that the intervention replaces: subtracted from the gross cost. @defaultValue false */
  saved?: boolean;
}

/** Inputs of {@link levelOneCostAssessment}. */
export interface LevelOneInputs {
  /** Horizon in years; a fractional last year (2.5) counts in proportion. */
  horizonYears: number;
  /** Courses run per year, all teams together. */
  coursesPerYear: number;
  /** Participants per course. */
  participantsPerCourse: number;
  items: readonly CostItem[];
  /**
   * Annual discount rate; amounts in year t are divided by (1 + r)^t, year 0 undiscounted.
   * @defaultValue 0.04 (the Danish Ministry of Finance rate in force for seed 003's 2020 prices, and the rate its published totals imply)
   */
  discountRate?: number;
  /** Shares of participants in subgroups named by items' `subgroup` (each in [0, 1]). @defaultValue {} */
  subgroups?: Readonly<Record<string, number>>;
  /** Price year of the results. @defaultValue items are taken as given */
  priceYear?: number;
  /** Price index by year (e.g. a wage and price index), needed when an item's `priceYear` differs from `priceYear`. */
  priceIndex?: Readonly<Record<number, number>>;
  /**
   * Denominator of per-participant figures: the present value of the participant count (each
   * year's participants discounted like that year's costs), as Socialstyrelsen's cost model
   * does, or the plain count.
   * @defaultValue 'discounted'
   */
  perParticipantBasis?: 'discounted' | 'undiscounted';
}

/** A present value and its per-participant figure. */
export interface PvAmount {
  total: number;
  perParticipant: number;
}

/** Result of {@link levelOneCostAssessment}. */
export interface LevelOneResult {
  gross: PvAmount;
  saved: PvAmount;
  /** gross − saved. */
  net: PvAmount;
  byCategory: (PvAmount & { category: string; saved: boolean })[];
  participants: { total: number; discounted: number; perYear: number };
  /** Discount factor × fraction of the year counted, for years 0, 1, …. */
  yearWeights: number[];
  method: string;
  diagnostics: Diagnostic[];
}

/**
 * Adjust an amount from one price year to another with a price index:
 * amount · index[to] / index[from].
 * @throws ArgumentError when a year is missing from the index or an index value is not positive.
 * @example
 * priceAdjust(1000, 2015, 2020, { 2015: 100, 2020: 106.3 }); // 1063
 */
export function priceAdjust(amount: number, fromYear: number, toYear: number, index: Readonly<Record<number, number>>): number {
  if (!Number.isFinite(amount)) throw new ArgumentError('amount', amount, 'a finite number');
  if (fromYear === toYear) return amount;
  if (typeof index !== 'object' || index === null) throw new ArgumentError('priceIndex', index, 'an object of index values by year');
  const a = index[fromYear];
  const b = index[toYear];
  if (typeof a !== 'number' || !(a > 0)) throw new ArgumentError(`priceIndex[${fromYear}]`, a, 'a positive index value for the item’s price year');
  if (typeof b !== 'number' || !(b > 0)) throw new ArgumentError(`priceIndex[${toYear}]`, b, 'a positive index value for the target price year');
  return (amount * b) / a;
}

/**
 * Year weights for a horizon: wₜ = min(1, H − t)/(1 + r)^t for t = 0 … ⌈H⌉ − 1, year 0 undiscounted.
 * @throws ArgumentError for a non-positive horizon or a rate ≤ −1.
 * @example
 * discountWeights(3, 0.04); // [1, 0.9615…, 0.9245…]
 */
export function discountWeights(horizonYears: number, rate: number): number[] {
  // A year-by-year sum: a horizon of 1e9 years would be a long loop over nothing a user means.
  if (typeof horizonYears !== 'number' || !(horizonYears > 0) || !(horizonYears <= 1000)) {
    throw new ArgumentError('horizonYears', horizonYears, 'a number of years > 0 and at most 1000');
  }
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= -1) throw new ArgumentError('discountRate', rate, 'a finite rate > −1, e.g. 0.04');
  const out: number[] = [];
  for (let t = 0; t < Math.ceil(horizonYears - 1e-12); t++) out.push(Math.min(1, horizonYears - t) / Math.pow(1 + rate, t));
  return out;
}

/**
 * Present value of yearly amounts: Σₜ flowₜ/(1 + r)^t, t = 0, 1, … (year 0 undiscounted).
 * @throws ArgumentError for non-finite flows or a rate ≤ −1.
 * @example
 * presentValue([100, 100], 0.04); // 196.1538…
 */
export function presentValue(flows: readonly number[], rate: number): number {
  if (!Array.isArray(flows)) throw new ArgumentError('flows', flows, 'an array of yearly amounts');
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= -1) throw new ArgumentError('discountRate', rate, 'a finite rate > −1');
  let pv = 0;
  flows.forEach((f, t) => {
    if (typeof f !== 'number' || !Number.isFinite(f)) throw new ArgumentError(`flows[${t}]`, f, 'a finite number');
    pv += f / Math.pow(1 + rate, t);
  });
  return pv;
}

/**
 * Level-1 cost assessment: present value of gross costs, of the usual support replaced, and
 * of the net cost, in total and per participant.
 *
 * PV(item) = amount × occurrences weighted by year: `once` → amount/(1+r)^year;
 * `per-year` → amount·Σwₜ; `per-course` → amount·coursesPerYear·Σwₜ; `per-participant` →
 * amount·share·participantsPerYear·Σwₜ, with wₜ from {@link discountWeights}. Net = gross −
 * saved. Per participant = PV / PV(participants) (or / participants).
 *
 * Reference: Socialstyrelsen, "Vejledning til omkostningsvurderinger" (level 1); seed 003
 * (Rambøll 2021), ch. 4 and appendices 2–6; Finansministeriet (2017), discount rate 4 %.
 *
 * @param inputs - see {@link LevelOneInputs}.
 * @throws ArgumentError for negative amounts, shares outside [0, 1], unknown subgroups, missing price-index years, non-positive horizon or group size.
 * @example
 * const r = levelOneCostAssessment({ horizonYears: 1, coursesPerYear: 1, participantsPerCourse: 10,
 *   items: [{ label: 'course', category: 'operation', amount: 50000, per: 'course' },
 *           { label: 'support replaced', category: 'saved', amount: 3000, per: 'participant', saved: true }] });
 * r.net.perParticipant; // 2000
 */
export function levelOneCostAssessment(inputs: LevelOneInputs): LevelOneResult {
  if (typeof inputs !== 'object' || inputs === null) throw new ArgumentError('inputs', inputs, 'an object of level-1 inputs');
  checkOptions('inputs', inputs, optionKeys<LevelOneInputs>()(['horizonYears', 'coursesPerYear', 'participantsPerCourse', 'items', 'discountRate', 'subgroups', 'priceYear', 'priceIndex', 'perParticipantBasis']));
  const rate = inputs.discountRate ?? 0.04;
  const weights = discountWeights(inputs.horizonYears, rate);
  const cpy = inputs.coursesPerYear;
  if (typeof cpy !== 'number' || !Number.isFinite(cpy) || cpy <= 0) throw new ArgumentError('coursesPerYear', cpy, 'a finite number > 0');
  const ppc = inputs.participantsPerCourse;
  if (typeof ppc !== 'number' || !Number.isFinite(ppc) || ppc <= 0) throw new ArgumentError('participantsPerCourse', ppc, 'a finite number > 0');
  const subgroups = inputs.subgroups ?? {};
  for (const [name, s] of Object.entries(subgroups)) {
    if (typeof s !== 'number' || !(s >= 0 && s <= 1)) throw new ArgumentError(`subgroups.${name}`, s, 'a share in [0, 1]');
  }
  if (!Array.isArray(inputs.items)) throw new ArgumentError('items', inputs.items, 'an array of cost items');
  const basis = inputs.perParticipantBasis ?? 'discounted';
  if (basis !== 'discounted' && basis !== 'undiscounted') throw new ArgumentError('perParticipantBasis', basis, "'discounted' or 'undiscounted'");
  const sumW = weights.reduce((a, b) => a + b, 0);
  const perYear = cpy * ppc;
  const undiscountedYears = weights.reduce((a, _w, t) => a + Math.min(1, inputs.horizonYears - t), 0);
  const participantsTotal = perYear * undiscountedYears;
  const participantsPv = perYear * sumW;
  const denom = basis === 'discounted' ? participantsPv : participantsTotal;
  const cats = new Map<string, { total: number; saved: boolean }>();
  let gross = 0;
  let saved = 0;
  inputs.items.forEach((it, i) => {
    const at = `items[${i}]`;
    if (typeof it !== 'object' || it === null) throw new ArgumentError(at, it, 'a cost item { label, category, amount, per }');
    checkOptions(at, it, optionKeys<CostItem>()(['label', 'category', 'amount', 'per', 'year', 'subgroup', 'priceYear', 'saved']));
    if (typeof it.amount !== 'number' || !Number.isFinite(it.amount) || it.amount < 0) {
      throw new ArgumentError(`${at}.amount`, it.amount, 'a finite amount ≥ 0 (mark replaced usual support with saved: true instead of a negative amount)');
    }
    if (typeof it.category !== 'string' || it.category === '') throw new ArgumentError(`${at}.category`, it.category, 'a non-empty string');
    let amount = it.amount;
    if (it.priceYear !== undefined && inputs.priceYear !== undefined && it.priceYear !== inputs.priceYear) {
      if (!inputs.priceIndex) throw new ArgumentError('priceIndex', inputs.priceIndex, `an index covering ${it.priceYear} and ${inputs.priceYear} (${at} is in ${it.priceYear} prices)`);
      amount = priceAdjust(amount, it.priceYear, inputs.priceYear, inputs.priceIndex);
    }
    let share = 1;
    if (it.subgroup !== undefined && it.per !== 'per-participant') {
      throw new ArgumentError(`${at}.subgroup`, it.subgroup, "to be used only with per: 'per-participant'");
    }
    if (it.subgroup !== undefined) {
      const s = subgroups[it.subgroup];
      if (s === undefined) throw new ArgumentError(`${at}.subgroup`, it.subgroup, `one of the subgroups given (${Object.keys(subgroups).join(', ') || 'none'})`);
      share = s;
    }
    let pv: number;
    switch (it.per) {
      case 'once': {
        const year = it.year ?? 0;
        if (!Number.isInteger(year) || year < 0 || year >= weights.length) throw new ArgumentError(`${at}.year`, it.year, `a whole year from 0 to ${weights.length - 1}`);
        pv = amount / Math.pow(1 + rate, year);
        break;
      }
      case 'per-year':
        pv = amount * sumW;
        break;
      case 'per-course':
        pv = amount * cpy * sumW;
        break;
      case 'per-participant':
        pv = amount * share * perYear * sumW;
        break;
      default:
        throw new ArgumentError(`${at}.per`, it.per, "'once', 'per-year', 'per-course' or 'per-participant'");
    }
    const key = it.saved ? `saved:${it.category}` : it.category;
    const c = cats.get(key) ?? { total: 0, saved: it.saved === true };
    c.total += pv;
    cats.set(key, c);
    if (it.saved) saved += pv;
    else gross += pv;
  });
  const diagnostics: Diagnostic[] = [];
  if (inputs.items.length > 0 && inputs.items.every((it) => it.saved)) {
    diagnostics.push(noGrossCosts());
  }
  const byCategory = [...cats.entries()].map(([key, c]) => ({
    category: c.saved ? key.slice('saved:'.length) : key,
    saved: c.saved,
    total: c.total,
    perParticipant: c.total / denom,
  }));
  return {
    gross: { total: gross, perParticipant: gross / denom },
    saved: { total: saved, perParticipant: saved / denom },
    net: { total: gross - saved, perParticipant: (gross - saved) / denom },
    byCategory,
    participants: { total: participantsTotal, discounted: participantsPv, perYear },
    yearWeights: weights,
    method:
      `Level-1 cost assessment: present values over ${inputs.horizonYears} years at ${rate * 100} % a year (year 0 undiscounted), ` +
      `${cpy} course(s) a year × ${ppc} participants; net = gross − cost of usual support replaced; per participant = PV / ` +
      `${basis === 'discounted' ? 'present value of the participant count' : 'participant count'}` +
      (inputs.priceYear !== undefined ? `; ${inputs.priceYear} prices` : ''),
    diagnostics,
  };
}

/** One one-way sensitivity analysis: a parameter, its values, and how a value changes the inputs. */
export interface SensitivityAnalysis<I> {
  parameter: string;
  values: readonly (number | string)[];
  /** Return new inputs with the parameter set to `value` (do not modify `base`). */
  apply: (base: I, value: number | string) => I;
}

/** A row of a one-way sensitivity table. */
export interface SensitivityRow {
  parameter: string;
  value: number | string;
  /** The measures at this value. */
  measures: Record<string, number>;
  /** Measures minus the base case's. */
  change: Record<string, number>;
}

/** Result of {@link oneWaySensitivity}. */
export interface SensitivityTable {
  base: Record<string, number>;
  rows: SensitivityRow[];
  method: string;
}

/**
 * One-way sensitivity analysis: change one input at a time, keep the others at the base case,
 * and tabulate chosen measures with their change from base.
 *
 * @param evaluate - the model (e.g. {@link levelOneCostAssessment} or `groupCourseCost`).
 * @param base - base-case inputs.
 * @param analyses - parameters, values and how to apply them.
 * @param measures - the numbers to tabulate from a result.
 * @throws ArgumentError when an analysis has no values; errors of `evaluate` propagate.
 * @example
 * // Kvindenetværksgruppen (seed 003, Table 17): net cost per participant with 4 and 8 per course.
 * const table = oneWaySensitivity(levelOneCostAssessment, base,
 *   [{ parameter: 'participants per course', values: [4, 8], apply: (b, v) => ({ ...b, participantsPerCourse: Number(v) }) }],
 *   levelOneMeasures);
 * table.rows.map((r) => Math.round(r.measures.netPerParticipant / 100) * 100); // [19600, -10700]
 */
export function oneWaySensitivity<I, R>(
  evaluate: (inputs: I) => R,
  base: I,
  analyses: readonly SensitivityAnalysis<I>[],
  measures: (result: R) => Record<string, number>,
): SensitivityTable {
  if (!Array.isArray(analyses)) throw new ArgumentError('analyses', analyses, 'an array of { parameter, values, apply }');
  const b = measures(evaluate(base));
  const rows: SensitivityRow[] = [];
  analyses.forEach((a, i) => {
    if (!Array.isArray(a.values) || a.values.length === 0) throw new ArgumentError(`analyses[${i}].values`, a.values, 'a non-empty array of values');
    if (typeof a.apply !== 'function') throw new ArgumentError(`analyses[${i}].apply`, a.apply, 'a function (base, value) => inputs');
    for (const v of a.values) {
      const m = measures(evaluate(a.apply(base, v)));
      const change = dict<number>();
      for (const [key, x] of Object.entries(m)) change[key] = x - (b[key] ?? Number.NaN);
      rows.push({ parameter: a.parameter, value: v, measures: m, change });
    }
  });
  return { base: b, rows, method: 'One-way sensitivity analysis: one input changed at a time, all others at the base case' };
}

/**
 * The measures of a level-1 assessment that sensitivity tables show: gross, saved and net per
 * participant, gross and net totals.
 * @example
 * levelOneMeasures(levelOneCostAssessment(inputs)).netPerParticipant; // same as result.net.perParticipant
 */
export function levelOneMeasures(r: LevelOneResult): Record<string, number> {
  return {
    grossTotal: r.gross.total,
    grossPerParticipant: r.gross.perParticipant,
    savedPerParticipant: r.saved.perParticipant,
    netTotal: r.net.total,
    netPerParticipant: r.net.perParticipant,
  };
}
