/**
 * The municipal group-course cost model (seed 002, "Kommunernes implementering af Social
 * færdighedstræning", 2023 prices): cost per participant from fixed course costs and
 * per-participant costs with dropout, break-even group size, the split of a net result between
 * payers, and substitution of individual support hours.
 */
import { dict } from '../data/own.js';
import { ArgumentError, type Diagnostic } from '../errors/index.js';
import { verySmallGroup } from '../errors/diagnostics.js';
import { checkInteger, checkOptions, optionKeys } from '../errors/checks.js';

/** Inputs of the group-course cost model. All amounts in one currency and price year. */
export interface GroupCourseInputs {
  /**
   * Cost of running one course that does not depend on how many take part: the trainers' time
   * for sessions and preparation, rooms, materials for the group.
   */
  fixedCostPerCourse: number;
  /** Cost per participant who starts (visitation, motivation talks, personal materials). @defaultValue 0 */
  costPerStarter?: number;
  /** Participants who start a course. */
  participantsPerCourse: number;
  /** Participants per course who drop out (give either this or `dropoutRate`). @defaultValue 0 */
  dropouts?: number;
  /** Share of starters who drop out, in [0, 1). @defaultValue 0 */
  dropoutRate?: number;
  /**
   * Whom the cost is spread over: `completers` (the seed's example: a course started by 12 of
   * whom 4 drop out costs 18,000 rather than 12,000 per participant) or `starters`.
   * @defaultValue 'completers'
   */
  perParticipant?: 'completers' | 'starters';
  /** Yearly fixed costs (supervision, certification upkeep), spread over the year's courses. @defaultValue 0 */
  annualFixedCost?: number;
  /** Courses run per year (for `annualFixedCost` and `oneOffCost`). @defaultValue 1 */
  coursesPerYear?: number;
  /** One-off costs (e.g. training the trainers), spread over every course in the horizon. @defaultValue 0 */
  oneOffCost?: number;
  /** Horizon in years over which `oneOffCost` is spread. @defaultValue 5 (seed 002's five-year horizon) */
  horizonYears?: number;
  /**
   * Individual support replaced by the course, per participant who completes: hours and cost
   * per hour. The saving is subtracted from the gross cost.
   * @defaultValue none
   */
  substitution?: { hoursPerParticipant: number; costPerHour: number };
}

/** Result of {@link groupCourseCost}. */
export interface GroupCourseCost {
  starters: number;
  completers: number;
  /** Participants the cost is divided by (completers or starters). */
  divisor: number;
  /** Total cost attributed to one course (fixed + shares of annual and one-off + per-starter costs). */
  costPerCourse: number;
  /** Gross cost per participant. */
  grossCostPerParticipant: number;
  /** Saving from substituted individual support, per participant. */
  savedPerParticipant: number;
  /** Gross − saved. */
  netCostPerParticipant: number;
  /** Gross cost per participant by component. */
  components: { fixed: number; annualFixed: number; oneOff: number; perStarter: number };
  method: string;
  diagnostics: Diagnostic[];
}

function nonNeg(name: string, v: unknown, def?: number): number {
  const x = v === undefined ? def : v;
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) throw new ArgumentError(name, v, 'a finite number ≥ 0');
  return x;
}

function positive(name: string, v: unknown, def?: number): number {
  const x = v === undefined ? def : v;
  if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0) throw new ArgumentError(name, v, 'a finite number > 0');
  return x;
}

/**
 * Cost per participant of a group course.
 *
 * costPerCourse = F + A / coursesPerYear + O / (coursesPerYear · H) + v · starters;
 * completers = starters − dropouts (or starters · (1 − dropoutRate));
 * gross per participant = costPerCourse / completers (or / starters);
 * saved = substitution hours × cost per hour; net = gross − saved.
 *
 * Reference: seed 002 (VIVE/Rambøll for Socialstyrelsen 2023), Tables 1–3 and the text on
 * pp. 16–19; see docs/methods/economics.md for the inputs that reproduce them.
 *
 * @param inputs - see {@link GroupCourseInputs}.
 * @throws ArgumentError for negative amounts, non-positive group size, dropouts ≥ starters, both `dropouts` and `dropoutRate`.
 * @example
 * groupCourseCost({ fixedCostPerCourse: 144000, participantsPerCourse: 12, dropouts: 4 }).grossCostPerParticipant; // 18000
 */
export function groupCourseCost(inputs: GroupCourseInputs): GroupCourseCost {
  if (typeof inputs !== 'object' || inputs === null) throw new ArgumentError('inputs', inputs, 'an object of group-course inputs');
  checkOptions('inputs', inputs, optionKeys<GroupCourseInputs>()(['fixedCostPerCourse', 'costPerStarter', 'participantsPerCourse', 'dropouts', 'dropoutRate', 'perParticipant', 'annualFixedCost', 'coursesPerYear', 'oneOffCost', 'horizonYears', 'substitution']));
  checkOptions('inputs.substitution', inputs.substitution, optionKeys<NonNullable<GroupCourseInputs['substitution']>>()(['hoursPerParticipant', 'costPerHour']));
  const F = nonNeg('fixedCostPerCourse', inputs.fixedCostPerCourse);
  const v = nonNeg('costPerStarter', inputs.costPerStarter, 0);
  const starters = positive('participantsPerCourse', inputs.participantsPerCourse);
  const A = nonNeg('annualFixedCost', inputs.annualFixedCost, 0);
  const cpy = positive('coursesPerYear', inputs.coursesPerYear, 1);
  const O = nonNeg('oneOffCost', inputs.oneOffCost, 0);
  const H = positive('horizonYears', inputs.horizonYears, 5);
  if (inputs.dropouts !== undefined && inputs.dropoutRate !== undefined) {
    throw new ArgumentError('dropoutRate', inputs.dropoutRate, 'to be left out when dropouts is given', 'Give dropouts (a count) or dropoutRate (a share), not both.');
  }
  let completers: number;
  if (inputs.dropoutRate !== undefined) {
    const d = inputs.dropoutRate;
    if (typeof d !== 'number' || !(d >= 0 && d < 1)) throw new ArgumentError('dropoutRate', d, 'a share in [0, 1)');
    completers = starters * (1 - d);
  } else {
    const D = nonNeg('dropouts', inputs.dropouts, 0);
    if (D >= starters) throw new ArgumentError('dropouts', D, `fewer than participantsPerCourse (${starters})`);
    completers = starters - D;
  }
  const basis = inputs.perParticipant ?? 'completers';
  if (basis !== 'completers' && basis !== 'starters') throw new ArgumentError('perParticipant', basis, "'completers' or 'starters'");
  const divisor = basis === 'completers' ? completers : starters;
  let saved = 0;
  if (inputs.substitution !== undefined) {
    const s = inputs.substitution;
    if (typeof s !== 'object' || s === null) throw new ArgumentError('substitution', s, '{ hoursPerParticipant, costPerHour }');
    saved = nonNeg('substitution.hoursPerParticipant', s.hoursPerParticipant) * nonNeg('substitution.costPerHour', s.costPerHour);
  }
  const annualShare = A / cpy;
  const oneOffShare = O / (cpy * H);
  const variable = v * starters;
  const costPerCourse = F + annualShare + oneOffShare + variable;
  const gross = costPerCourse / divisor;
  const diagnostics: Diagnostic[] = [];
  if (completers < 4) {
    diagnostics.push(verySmallGroup(completers));
  }
  return {
    starters,
    completers,
    divisor,
    costPerCourse,
    grossCostPerParticipant: gross,
    savedPerParticipant: saved,
    netCostPerParticipant: gross - saved,
    components: { fixed: F / divisor, annualFixed: annualShare / divisor, oneOff: oneOffShare / divisor, perStarter: variable / divisor },
    method:
      `Group-course cost model: (fixed ${F} + annual ${A}/${cpy} courses + one-off ${O}/(${cpy}·${H} years) + ${v}·${starters} starters) / ${divisor} ${basis}` +
      (saved > 0 ? `; minus substituted individual support ${saved} per participant` : ''),
    diagnostics,
  };
}

/**
 * Cost per participant for several group sizes (the seed's Table 1 layout).
 * @param inputs - model inputs; `participantsPerCourse` is replaced by each size.
 * @param sizes - numbers of starters.
 * @throws ArgumentError as {@link groupCourseCost}.
 * @example
 * groupSizeTable({ fixedCostPerCourse: 144000, participantsPerCourse: 10 }, [8, 12]).map((r) => r.grossCostPerParticipant); // [18000, 12000]
 */
export function groupSizeTable(inputs: GroupCourseInputs, sizes: readonly number[]): (GroupCourseCost & { participantsPerCourse: number })[] {
  if (!Array.isArray(sizes) || sizes.length === 0) throw new ArgumentError('sizes', sizes, 'a non-empty array of group sizes');
  return sizes.map((n) => ({ ...groupCourseCost({ ...inputs, participantsPerCourse: n }), participantsPerCourse: n }));
}

/** Result of {@link breakEvenGroupSize}. */
export interface BreakEven {
  /** Smallest number of starters at which net cost per participant ≤ benefit; `null` if none up to `maxSize`. */
  size: number | null;
  /** Net cost per participant at that size. */
  netCostAtSize: number | null;
  /** The continuous solution n* of net cost = benefit (before rounding up), `null` when no size breaks even. */
  exact: number | null;
  benefitPerParticipant: number;
  method: string;
}

/**
 * Break-even group size: the smallest number of starters n for which the net cost per
 * participant is at most the benefit per participant B (the gain from the intervention's
 * effects, e.g. seed 002's five-year net gain before the course cost).
 *
 * With completers = n(1 − d) (or n − D) and fixed cost per course F' (fixed + annual and
 * one-off shares), net(n) = (F' + v·n)/completers − s, which falls with n; the search returns
 * the first integer n with net(n) ≤ B.
 *
 * @param inputs - model inputs without `participantsPerCourse`.
 * @param benefitPerParticipant - B, currency per participant.
 * @param options - `maxSize`: largest size searched. @defaultValue 100
 * @throws ArgumentError for bad inputs or a non-finite benefit.
 * @example
 * breakEvenGroupSize({ fixedCostPerCourse: 144000 }, 20000).size; // 8 (144000/8 = 18000 ≤ 20000; 144000/7 > 20000)
 */
export function breakEvenGroupSize(
  inputs: Omit<GroupCourseInputs, 'participantsPerCourse'>,
  benefitPerParticipant: number,
  options: { maxSize?: number } = {},
): BreakEven {
  checkOptions('options', options, optionKeys<{ maxSize?: number }>()(['maxSize']));
  if (typeof benefitPerParticipant !== 'number' || !Number.isFinite(benefitPerParticipant)) {
    throw new ArgumentError('benefitPerParticipant', benefitPerParticipant, 'a finite number');
  }
  const maxSize = options.maxSize ?? 100;
  checkInteger('options.maxSize', maxSize, 1, 1_000_000);
  const minSize = Math.floor(inputs.dropouts ?? 0) + 1;
  let size: number | null = null;
  let netAt: number | null = null;
  for (let n = minSize; n <= maxSize; n++) {
    const r = groupCourseCost({ ...inputs, participantsPerCourse: n });
    if (r.netCostPerParticipant <= benefitPerParticipant) {
      size = n;
      netAt = r.netCostPerParticipant;
      break;
    }
  }
  // Continuous solution for the record: solve (F' + v n)/c(n) − s = B.
  const probe = groupCourseCost({ ...inputs, participantsPerCourse: Math.max(minSize, 1) });
  const Fp = probe.costPerCourse - (inputs.costPerStarter ?? 0) * probe.starters;
  const v = inputs.costPerStarter ?? 0;
  const s = probe.savedPerParticipant;
  const B = benefitPerParticipant;
  const basis = inputs.perParticipant ?? 'completers';
  let exact: number | null = null;
  if (basis === 'starters') {
    const den = B + s - v;
    exact = den > 0 ? Fp / den : null;
  } else if (inputs.dropoutRate !== undefined) {
    const den = (B + s) * (1 - inputs.dropoutRate) - v;
    exact = den > 0 ? Fp / den : null;
  } else {
    const D = inputs.dropouts ?? 0;
    const den = B + s - v;
    exact = den > 0 ? (Fp + (B + s) * D) / den : null;
  }
  return {
    size,
    netCostAtSize: netAt,
    exact,
    benefitPerParticipant: B,
    method: 'Smallest whole number of starters with net cost per participant ≤ benefit per participant (group-course cost model)',
  };
}

/** One line of a net result: a gain (positive) or a cost (negative) per participant, and who bears it. */
export interface PayerItem {
  label: string;
  /** Per participant; positive = gain (saving), negative = cost. */
  amount: number;
  /** Shares by payer (e.g. `{ municipality: 0.8, region: 0.2 }`), summing to 1. */
  payers: Readonly<Record<string, number>>;
}

/** Result of {@link payerSplit}. */
export interface PayerSplit {
  total: number;
  byPayer: Record<string, number>;
  /** byPayer / total (when total ≠ 0). */
  shares: Record<string, number>;
  items: PayerItem[];
  method: string;
}

/**
 * Net result per participant and its split between payers (municipality, region, state, …):
 * total = Σ amountᵢ, byPayer[p] = Σ amountᵢ · shareᵢ[p].
 *
 * Reference: seed 002, Figure 6 (municipality 72 %, region 17 %, state 11 % of ≈ 30,000 DKK).
 *
 * @param items - gains and costs with payer shares.
 * @throws ArgumentError when an amount is not finite, or shares are negative or do not sum to 1 (±1e-9).
 * @example
 * payerSplit([{ label: 'net gain', amount: 30000, payers: { municipality: 0.72, region: 0.17, state: 0.11 } }]).byPayer.municipality; // 21600
 */
export function payerSplit(items: readonly PayerItem[]): PayerSplit {
  if (!Array.isArray(items) || items.length === 0) throw new ArgumentError('items', items, 'a non-empty array of { label, amount, payers }');
  let total = 0;
  const byPayer = dict<number>();
  items.forEach((it, i) => {
    if (typeof it.amount !== 'number' || !Number.isFinite(it.amount)) throw new ArgumentError(`items[${i}].amount`, it.amount, 'a finite number');
    if (typeof it.payers !== 'object' || it.payers === null) throw new ArgumentError(`items[${i}].payers`, it.payers, 'an object of shares by payer');
    let sum = 0;
    for (const [payer, share] of Object.entries(it.payers)) {
      if (typeof share !== 'number' || !(share >= 0)) throw new ArgumentError(`items[${i}].payers.${payer}`, share, 'a share ≥ 0');
      sum += share;
    }
    if (Math.abs(sum - 1) > 1e-9) throw new ArgumentError(`items[${i}].payers`, it.payers, 'shares summing to 1', `They sum to ${sum}.`);
    total += it.amount;
    for (const [payer, share] of Object.entries(it.payers)) byPayer[payer] = (byPayer[payer] ?? 0) + it.amount * (share as number);
  });
  const shares = dict<number>();
  for (const [p, v] of Object.entries(byPayer)) shares[p] = total !== 0 ? v / total : Number.NaN;
  return { total, byPayer, shares, items: [...items], method: 'Net result = Σ gains − Σ costs per participant; each item split by its payer shares' };
}

/**
 * Round as publications do: to a multiple of `step`, to the nearest (halves away from zero),
 * up or down.
 * @example
 * roundTo(14400, 1000); // 14000
 * roundTo(14400, 1000, 'up'); // 15000
 */
export function roundTo(x: number, step: number, mode: 'nearest' | 'up' | 'down' = 'nearest'): number {
  if (!Number.isFinite(x)) throw new ArgumentError('x', x, 'a finite number');
  if (!(step > 0)) throw new ArgumentError('step', step, 'a number > 0');
  const q = x / step;
  // Snap values within floating-point noise of a multiple so that 1.0000000000000002 steps do not round up.
  const snapped = Math.abs(q - Math.round(q)) < 1e-9 ? Math.round(q) : q;
  const r = mode === 'up' ? Math.ceil(snapped) : mode === 'down' ? Math.floor(snapped) : Math.sign(snapped) * Math.round(Math.abs(snapped));
  return r * step + 0;
}
