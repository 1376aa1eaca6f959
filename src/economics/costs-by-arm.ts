/**
 * Costs by arm: per-participant totals by category, means with bootstrap intervals, medians
 * and shares of zero, and the differences between arms.
 */
import { dict } from '../data/own.js';
import { medianSorted, sd as sampleSd } from '../statistics/sample.js';
import { ArgumentError, type Diagnostic } from '../errors/index.js';
import { missingCosts } from '../errors/diagnostics.js';
import { checkReplicates, runBootstrapSync } from './bootstrap/engine.js';
import { bootstrapEstimate, buildUnits, type ResampleScheme, type UnitRow } from './bootstrap/units.js';
import type { BootstrapEstimate, CiType, CostParticipant } from './types.js';
import { checkCostParticipants, type AllowNegative } from './validate.js';
import { checkCiLevel, checkOneOf, checkOptions, checkSeed, optionKeys } from '../errors/checks.js';

/** Name of the all-categories total in results. */
export const TOTAL = 'total';

/** Options of {@link participantCostTotals}. */
export interface CostTotalOptions {
  /** Categories to include. @defaultValue every category found, in order of first appearance */
  categories?: readonly string[];
  /**
   * A category that is `null` or absent for a participant: `exclude` leaves the participant out
   * of that category and of the total; `zero` counts it as 0.
   * @defaultValue 'exclude'
   */
  missing?: 'exclude' | 'zero';
  /** Categories where negative amounts are allowed, or `true` for all. @defaultValue false */
  allowNegative?: AllowNegative;
}

/**
 * The cost-total options shared by the cost-effectiveness functions, checked: complete
 * cases by default, negative costs refused unless allowed, and an optional category list.
 * @internal
 */
export function costTotalOptions(options: {
  missing?: CostTotalOptions['missing'];
  allowNegative?: CostTotalOptions['allowNegative'];
  costCategories?: readonly string[];
}): CostTotalOptions {
  const out: CostTotalOptions = { missing: options.missing ?? 'exclude', allowNegative: options.allowNegative ?? false };
  if (options.costCategories !== undefined) {
    const cc = options.costCategories;
    if (!Array.isArray(cc) || cc.length === 0 || cc.some((c) => typeof c !== 'string' || c === '')) {
      throw new ArgumentError('costCategories', cc, 'a non-empty array of cost category names');
    }
    out.categories = [...cc];
  }
  return out;
}

/** One participant's costs: by category (after the missing rule) and the total. */
export interface ParticipantCostTotal {
  id: string;
  arm: string;
  group: string | null;
  byCategory: Record<string, number | null>;
  /** Sum over the categories; `null` when a category is missing and `missing` is `exclude`. */
  total: number | null;
}

function categoriesOf(participants: readonly CostParticipant[], wanted: readonly string[] | undefined): string[] {
  if (wanted !== undefined && (!Array.isArray(wanted) || wanted.length === 0 || wanted.some((c) => typeof c !== 'string' || c === ''))) {
    throw new ArgumentError('categories', wanted, 'a non-empty array of category names');
  }
  const seen: string[] = [];
  const set = new Set<string>();
  for (const p of participants) {
    for (const c of Object.keys(p.costs)) {
      if (!set.has(c)) {
        set.add(c);
        seen.push(c);
      }
    }
  }
  if (wanted === undefined) return seen;
  // A misspelt category would otherwise leave every total missing and fail later as "too few participants".
  wanted.forEach((c, i) => checkOneOf(`categories[${i}]`, c, seen));
  return [...wanted];
}

/**
 * Per-participant cost totals over categories.
 *
 * total_i = Σ_c cost_ic over the chosen categories; with `missing: 'exclude'` a participant
 * with any category missing gets `total: null`.
 *
 * @param participants - participants with `costs` by category.
 * @param options - see {@link CostTotalOptions}.
 * @throws ValidationError for bad or negative (unless allowed) costs, duplicate ids.
 * @throws ArgumentError for a bad `categories` list, or a category named `total`.
 * @example
 * participantCostTotals([{ id: 'a', arm: 'SFT', group: 'g1', costs: { operation: 100, healthcare: 50 } }])[0].total; // 150
 */
export function participantCostTotals(participants: readonly CostParticipant[], options: CostTotalOptions = {}): ParticipantCostTotal[] {
  checkOptions('options', options, optionKeys<CostTotalOptions>()(['categories', 'missing', 'allowNegative']));
  checkCostParticipants(participants, options.allowNegative ?? false);
  const categories = categoriesOf(participants, options.categories);
  if (categories.includes(TOTAL)) {
    throw new ArgumentError('categories', categories, `category names other than "${TOTAL}"`, `"${TOTAL}" is reserved for the sum over categories; rename that category.`);
  }
  const missing = options.missing ?? 'exclude';
  if (missing !== 'exclude' && missing !== 'zero') throw new ArgumentError('missing', missing, "'exclude' or 'zero'");
  return participants.map((p) => {
    const byCategory = dict<number | null>();
    let total: number | null = 0;
    for (const c of categories) {
      const raw = p.costs[c];
      const v = raw === null || raw === undefined ? (missing === 'zero' ? 0 : null) : raw;
      byCategory[c] = v;
      total = v === null || total === null ? null : total + v;
    }
    return { id: p.id, arm: p.arm, group: p.group, byCategory, total };
  });
}

/** Options of {@link costsByArm}. */
export interface CostsByArmOptions extends CostTotalOptions {
  /** Arms in order; the first is the reference for differences. @defaultValue arms in order of first appearance */
  arms?: readonly string[];
  /**
   * Resampling per arm. `'auto'`: arms where some participant has a therapy group are
   * resampled by group (cluster bootstrap), the others by individual.
   * @defaultValue 'auto'
   */
  resample?: 'auto' | Readonly<Record<string, ResampleScheme>>;
  /** Bootstrap replicates. @defaultValue 5000 */
  replicates?: number;
  /** Seed of the bootstrap. @defaultValue 1 */
  seed?: number;
  /** Confidence level. @defaultValue 0.95 */
  ciLevel?: number;
  /** Interval reported as `ci`. @defaultValue 'bca' */
  ciType?: CiType;
}

/** Costs of one category in one arm. `estimate` is the mean cost per participant. */
export interface CostSummary extends BootstrapEstimate {
  arm: string;
  category: string;
  /** Participants with a value for this category. */
  n: number;
  /** Participants of the arm without one. */
  nMissing: number;
  sd: number;
  median: number;
  /** Share of participants with a cost of exactly 0. */
  shareZero: number;
  min: number;
  max: number;
  /** Sum over participants. */
  sum: number;
}

/** Difference in mean cost between an arm and the reference arm. */
export interface CostDifference extends BootstrapEstimate {
  arm: string;
  reference: string;
  category: string;
}

/** Result of {@link costsByArm}. */
export interface CostsByArmResult {
  arms: string[];
  reference: string;
  /** The categories, then `total`. */
  categories: string[];
  summaries: CostSummary[];
  differences: CostDifference[];
  /** Participants analysed. */
  n: number;
  resample: Record<string, ResampleScheme>;
  replicates: number;
  seed: number;
  ciLevel: number;
  method: string;
  diagnostics: Diagnostic[];
}

/** Decide the resampling of each arm. */
export function resolveSchemes(
  participants: readonly { arm: string; group: string | null }[],
  arms: readonly string[],
  resample: 'auto' | Readonly<Record<string, ResampleScheme>> | undefined,
): Record<string, ResampleScheme> {
  const out = dict<ResampleScheme>();
  for (const arm of arms) {
    if (resample === undefined || resample === 'auto') {
      out[arm] = participants.some((p) => p.arm === arm && p.group !== null) ? 'clusters' : 'individuals';
    } else {
      const s = resample[arm];
      if (s !== 'clusters' && s !== 'individuals') {
        throw new ArgumentError(`resample.${arm}`, s, "'clusters' or 'individuals' for every arm");
      }
      out[arm] = s;
    }
  }
  return out;
}

/** Human-readable statement of the resampling scheme. */
export function describeSchemes(schemes: Record<string, ResampleScheme>): string {
  const clusters = Object.keys(schemes).filter((a) => schemes[a] === 'clusters');
  const individuals = Object.keys(schemes).filter((a) => schemes[a] === 'individuals');
  const parts: string[] = [];
  if (clusters.length) parts.push(`therapy groups (clusters) resampled with replacement in arm ${clusters.map((a) => `"${a}"`).join(', ')}`);
  if (individuals.length) parts.push(`individuals resampled with replacement in arm ${individuals.map((a) => `"${a}"`).join(', ')}`);
  return `${parts.join('; ')}; each arm resampled separately (stratified by arm, arm sizes in units fixed)`;
}

/**
 * Costs by arm: for every category and the total, the mean cost per participant in each arm
 * with a bootstrap standard error and interval, the median, the share of zero costs, and the
 * difference in means between each arm and the reference arm.
 *
 * Means are Σ cost / n within arm. Intervals come from a seeded non-parametric bootstrap that
 * resamples therapy groups in clustered arms and individuals elsewhere (stratified by arm);
 * BCa (bias-corrected and accelerated, jackknife acceleration over resampling units) is
 * reported as `ci` because costs are right-skewed; percentile limits are given as well. The
 * bootstrap runs on the calling thread (a few thousand replicates of arm sums take
 * milliseconds).
 *
 * References: Efron & Tibshirani (1993), ch. 13–14; Davison & Hinkley (1997), §3.8 (clustered
 * data) and §5.3; Barber & Thompson (2000), "Analysis of cost data in randomized trials: an
 * application of the non-parametric bootstrap", Stat Med 19, 3219–3236.
 *
 * @param participants - `{ id, arm, group, costs }` (TrialData participants fit).
 * @param options - see {@link CostsByArmOptions}.
 * @throws ValidationError for negative costs (unless allowed), non-numeric costs or duplicate ids, listing every row.
 * @throws ArgumentError for bad options (replicates, ciLevel, arms not in the data, a category named `total`).
 * @example
 * const res = costsByArm(participants, { seed: 3, replicates: 2000 });
 * res.summaries.find((s) => s.arm === 'SFT' && s.category === 'total')?.estimate; // mean total cost in SFT
 */
export function costsByArm(participants: readonly CostParticipant[], options: CostsByArmOptions = {}): CostsByArmResult {
  checkOptions('options', options, optionKeys<CostsByArmOptions>()(['arms', 'resample', 'replicates', 'seed', 'ciLevel', 'ciType', 'categories', 'missing', 'allowNegative']));
  const totalOptions = costTotalOptions(options);
  if (options.categories !== undefined) totalOptions.categories = options.categories;
  const totals = participantCostTotals(participants, totalOptions);
  const categories = categoriesOf(participants, options.categories);
  const replicates = options.replicates ?? 5000;
  const seed = options.seed ?? 1;
  const ciLevel = options.ciLevel ?? 0.95;
  const ciType = options.ciType ?? 'bca';
  checkReplicates(replicates);
  checkSeed(seed);
  checkCiLevel(ciLevel);
  if (ciType !== 'bca' && ciType !== 'percentile') throw new ArgumentError('ciType', ciType, "'bca' or 'percentile'");
  const present: string[] = [];
  for (const p of participants) if (!present.includes(p.arm)) present.push(p.arm);
  const arms = options.arms ? [...options.arms] : present;
  for (const a of arms) {
    if (!present.includes(a)) throw new ArgumentError('arms', options.arms, `arms present in the data (${present.join(', ')})`, `No participant is in arm "${a}".`);
  }
  if (arms.length === 0) throw new ArgumentError('participants', participants, 'at least one participant');
  const schemes = resolveSchemes(participants, arms, options.resample);
  const cols = [...categories, TOTAL];
  const C = cols.length;
  const k = 2 * C;
  const rows: UnitRow[] = [];
  const valuesByArm: number[][][] = arms.map(() => cols.map(() => []));
  const missingByArm: number[][] = arms.map(() => cols.map(() => 0));
  for (const t of totals) {
    const s = arms.indexOf(t.arm);
    if (s < 0) continue;
    const values = new Array<number>(k).fill(0);
    cols.forEach((c, j) => {
      const v = c === TOTAL ? t.total : t.byCategory[c]!;
      if (v === null) missingByArm[s]![j]!++;
      else {
        values[2 * j] = 1;
        values[2 * j + 1] = v;
        valuesByArm[s]![j]!.push(v);
      }
    });
    rows.push({ stratum: s, group: t.group, values });
  }
  const data = buildUnits(rows, arms.map((a) => schemes[a]!), k, arms);
  const sums = runBootstrapSync(data.strata, k, replicates, seed);
  const S = arms.length;
  const summaries: CostSummary[] = [];
  const differences: CostDifference[] = [];
  const mean = (s: number, j: number) => (x: Float64Array, o: number) => x[o + s * k + 2 * j + 1]! / x[o + s * k + 2 * j]!;
  arms.forEach((arm, s) => {
    cols.forEach((category, j) => {
      const vals = valuesByArm[s]![j]!.slice().sort((a, b) => a - b);
      const n = vals.length;
      let sum = 0;
      let zeros = 0;
      for (const v of vals) {
        sum += v;
        if (v === 0) zeros++;
      }
      const { estimate } = bootstrapEstimate(mean(s, j), data, sums, ciLevel, ciType);
      summaries.push({
        ...estimate,
        arm,
        category,
        n,
        nMissing: missingByArm[s]![j]!,
        sd: n > 1 ? sampleSd(vals) : Number.NaN,
        median: medianSorted(vals),
        shareZero: n > 0 ? zeros / n : Number.NaN,
        min: n > 0 ? vals[0]! : Number.NaN,
        max: n > 0 ? vals[n - 1]! : Number.NaN,
        sum,
      });
    });
  });
  for (let s = 1; s < S; s++) {
    cols.forEach((category, j) => {
      const diff = (x: Float64Array, o: number) => mean(s, j)(x, o) - mean(0, j)(x, o);
      const { estimate } = bootstrapEstimate(diff, data, sums, ciLevel, ciType);
      differences.push({ ...estimate, arm: arms[s]!, reference: arms[0]!, category });
    });
  }
  const nMiss = totals.filter((t) => t.total === null).length;
  const diagnostics: Diagnostic[] = [...data.diagnostics];
  if (nMiss > 0) {
    diagnostics.push(missingCosts(nMiss));
  }
  const method =
    `Mean cost per participant by arm; non-parametric bootstrap, ${replicates} replicates, seed ${seed}: ${describeSchemes(schemes)}. ` +
    `Intervals: ${ciType === 'bca' ? 'BCa (reported) and percentile' : 'percentile (reported) and BCa'}, ${Math.round(ciLevel * 1000) / 10} %, ` +
    `computed as R boot.ci with jackknife influence values over resampling units. ` +
    `Missing categories: ${(options.missing ?? 'exclude') === 'exclude' ? 'participant excluded from that category and from the total' : 'counted as 0'}.`;
  return {
    arms,
    reference: arms[0]!,
    categories: cols,
    summaries,
    differences,
    n: rows.length,
    resample: schemes,
    replicates,
    seed,
    ciLevel,
    method,
    diagnostics,
  };
}
