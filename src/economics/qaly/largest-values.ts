/**
 * The influence of the largest values of a right-skewed measure (health-care costs, bed-days):
 * the share of the total carried by the top few per cent of participants, and the mean
 * difference between arms with and without them.
 */
import { ArgumentError, type Diagnostic } from '../../errors/index.js';
import { missingValuesExcluded } from '../../errors/diagnostics.js';
import { checkFinite, checkOptions, optionKeys } from '../../errors/checks.js';
import { costTotalOptions, participantCostTotals } from '../costs-by-arm.js';
import { chooseArms } from '../effects.js';
import type { CostParticipant } from '../types.js';
import type { AllowNegative } from '../validate.js';
import { checkValueRows } from './rows.js';
import type { CountsBy } from '../../results/types.js';

/** One participant's value of the measure. */
export interface MeasureValue {
  readonly id: string;
  readonly arm: string;
  readonly group: string | null;
  /** `null` when missing (left out, counted). */
  readonly value: number | null;
}

/** Options of {@link influenceOfLargest}. */
export interface LargestValuesOptions {
  /** Control arm. @defaultValue the arm without therapy groups, else the first arm */
  control?: string;
  /** Treated arm. @defaultValue the other arm */
  treated?: string;
  /** Share of participants counted as "the largest", in (0, 0.5]. @defaultValue 0.05 (top 5 %) */
  share?: number;
}
const LARGEST_KEYS = optionKeys<LargestValuesOptions>()(['control', 'treated', 'share']);

/** Mean by arm and their difference over a set of participants. */
export interface MeanDifference {
  /** Treated − control difference in means. */
  estimate: number;
  meanControl: number;
  meanTreated: number;
  n: CountsBy<'control' | 'treated'>;
}

/** Result of {@link influenceOfLargest}. */
export interface LargestValuesResult {
  control: string;
  treated: string;
  share: number;
  /** Participants of the two arms with a value. */
  n: CountsBy<'control' | 'treated'>;
  /** Participants left out for a missing value. */
  missing: { control: number; treated: number };
  /** k = ⌈share · n⌉ participants with the largest values, both arms pooled (ties broken by input order). */
  largest: { id: string; arm: string; value: number }[];
  /** Share of the pooled total carried by the k largest, or "not estimable: …" when the total is not positive. */
  shareOfTotal: number | string;
  /** Per arm: the share of the arm's total from its own ⌈share · n_arm⌉ largest values. */
  shareOfArmTotal: { control: number | string; treated: number | string };
  /** How many of the pooled k largest are in each arm. */
  largestByArm: { control: number; treated: number };
  /** Difference in means with everyone. */
  all: MeanDifference;
  /** Difference in means without the pooled k largest. */
  withoutLargest: MeanDifference | string;
  method: string;
  diagnostics: Diagnostic[];
}

function topShare(values: readonly number[], share: number): { k: number; order: number[]; share: number | string } {
  const order = values.map((_, i) => i).sort((a, b) => values[b]! - values[a]!);
  const k = Math.ceil(share * values.length - 1e-9);
  const total = values.reduce((s, v) => s + v, 0);
  let top = 0;
  for (let j = 0; j < k; j++) top += values[order[j]!]!;
  return { k, order, share: total > 0 ? top / total : `not estimable: the total is ${total}, not positive` };
}

function meanDiff(rows: readonly { side: 0 | 1; value: number }[]): MeanDifference | string {
  const s = [0, 0];
  const n = [0, 0];
  for (const r of rows) {
    s[r.side]! += r.value;
    n[r.side]!++;
  }
  if (n[0] === 0 || n[1] === 0) return `not estimable: no participant left in the ${n[0] === 0 ? 'control' : 'treated'} arm`;
  const mc = s[0]! / n[0]!;
  const mt = s[1]! / n[1]!;
  return { estimate: mt - mc, meanControl: mc, meanTreated: mt, n: { control: n[0]!, treated: n[1]! } };
}

/**
 * The "influence of the largest values" reading of a skewed measure: with k = ⌈p·n⌉ (p = 5 % by
 * default) over both arms pooled, the share of the pooled total carried by the k largest values,
 * each arm's share from its own ⌈p·n_arm⌉ largest, and the treated − control difference in
 * means with everyone and without the pooled k largest. This is a sensitivity reading (how much
 * of a difference a few very long admissions make), not an estimator: report it beside the
 * bootstrap mean difference. Values must be ≥ 0 (a share of a total needs non-negative parts).
 *
 * @param values - one `{ id, arm, group, value }` per participant.
 * @param options - see {@link LargestValuesOptions}.
 * @throws ValidationError (table `values`) for negative or non-finite values, duplicate ids.
 * @throws ArgumentError for a share outside (0, 0.5] or unknown arms.
 * @example
 * const r = influenceOfLargest([
 *   { id: 'a', arm: 'C', group: null, value: 1 }, { id: 'b', arm: 'C', group: null, value: 2 },
 *   { id: 'c', arm: 'T', group: 'g', value: 3 }, { id: 'd', arm: 'T', group: 'g', value: 94 },
 * ], { share: 0.25 });
 * r.shareOfTotal; // 0.94: the largest quarter (participant d) carries 94 % of the total
 * r.withoutLargest; // { estimate: 1.5, meanControl: 1.5, meanTreated: 3, n: { control: 2, treated: 1 } }
 */
export function influenceOfLargest(values: readonly MeasureValue[], options?: LargestValuesOptions): LargestValuesResult {
  const opts = checkOptions('options', options, LARGEST_KEYS);
  if (!Array.isArray(values)) throw new ArgumentError('values', values, 'an array of { id, arm, group, value }');
  const share = checkFinite('share', opts.share ?? 0.05, Number.MIN_VALUE, 0.5);
  checkValueRows(values, 'values', ['value'], true);
  const arms = chooseArms(
    values.map((r) => ({ id: r.id, arm: r.arm, group: r.group, costs: {} })),
    opts.control,
    opts.treated,
  );
  const rows: { id: string; arm: string; side: 0 | 1; value: number }[] = [];
  const missing = { control: 0, treated: 0 };
  for (const r of values) {
    const side = r.arm === arms.treated ? 1 : r.arm === arms.control ? 0 : null;
    if (side === null) continue;
    if (r.value === null) missing[side === 1 ? 'treated' : 'control']++;
    else rows.push({ id: r.id, arm: r.arm, side, value: r.value });
  }
  const all = meanDiff(rows);
  if (typeof all === 'string') throw new ArgumentError(all.includes('control') ? 'control' : 'treated', all.includes('control') ? arms.control : arms.treated, 'an arm with at least one value');
  const pooled = topShare(
    rows.map((r) => r.value),
    share,
  );
  const out = new Set(pooled.order.slice(0, pooled.k));
  const largest = pooled.order.slice(0, pooled.k).map((i) => ({ id: rows[i]!.id, arm: rows[i]!.arm, value: rows[i]!.value }));
  const armShare = (side: 0 | 1) =>
    topShare(
      rows.filter((r) => r.side === side).map((r) => r.value),
      share,
    ).share;
  const diagnostics: Diagnostic[] = [...arms.diagnostics];
  if (missing.control + missing.treated > 0) {
    diagnostics.push(missingValuesExcluded(missing));
  }
  const pct = Math.round(share * 1000) / 10;
  return {
    control: arms.control,
    treated: arms.treated,
    share,
    n: all.n,
    missing,
    largest,
    shareOfTotal: pooled.share,
    shareOfArmTotal: { control: armShare(0), treated: armShare(1) },
    largestByArm: { control: largest.filter((r) => r.arm === arms.control).length, treated: largest.filter((r) => r.arm === arms.treated).length },
    all,
    withoutLargest: meanDiff(rows.filter((_, i) => !out.has(i))),
    method: `Top ${pct} %: the k = ⌈${share}·n⌉ = ${pooled.k} largest of ${rows.length} values (both arms pooled; ties by input order); share of the pooled total they carry; each arm's share from its own top ${pct} %; difference in means (${arms.treated} − ${arms.control}) with everyone and without the pooled top ${pct} %.`,
    diagnostics,
  };
}

/** Options of {@link largestCostsInfluence}. */
export interface LargestCostsOptions extends LargestValuesOptions {
  /** Categories summed into each participant's cost. @defaultValue every category */
  costCategories?: readonly string[];
  /** A missing category: exclude the participant, or count 0. @defaultValue 'exclude' */
  missing?: 'exclude' | 'zero';
  /** Categories allowed to be negative (refused here: a share needs non-negative costs). @defaultValue false */
  allowNegative?: AllowNegative;
}
const LARGEST_COST_KEYS = optionKeys<LargestCostsOptions>()(['control', 'treated', 'share', 'costCategories', 'missing', 'allowNegative']);

/**
 * {@link influenceOfLargest} for per-participant cost totals over `costCategories`.
 * @example
 * largestCostsInfluence(participants, { costCategories: ['healthcare'] }).withoutLargest;
 */
export function largestCostsInfluence(participants: readonly CostParticipant[], options?: LargestCostsOptions): LargestValuesResult & { costCategories: string[] } {
  const opts = checkOptions('options', options, LARGEST_COST_KEYS);
  const totals = participantCostTotals(participants, costTotalOptions(opts));
  const res = influenceOfLargest(
    totals.map((t) => ({ id: t.id, arm: t.arm, group: t.group, value: t.total })),
    { ...(opts.control !== undefined ? { control: opts.control } : {}), ...(opts.treated !== undefined ? { treated: opts.treated } : {}), ...(opts.share !== undefined ? { share: opts.share } : {}) },
  );
  const costCategories = Object.keys(totals[0]?.byCategory ?? {});
  return { ...res, costCategories, method: `Costs (${costCategories.join(' + ')}). ${res.method}` };
}
