/**
 * Incremental QALYs (or costs) adjusted for baseline imbalance by regression on arm with the
 * baseline value as covariate (Manca, Hawkins & Sculpher 2005), beside the unadjusted difference.
 */
import { ArgumentError, type Diagnostic } from '../../errors/index.js';
import { baselineIncompleteCases } from '../../errors/diagnostics.js';
import { checkCiLevel, checkOneOf, checkOptions, optionKeys } from '../../errors/checks.js';
import { fitOls } from '../../models/ols/fit.js';
import type { FixedEffectRow } from '../../models/lmm/types.js';
import type { OlsFit, OlsVcovType } from '../../models/ols/types.js';
import { costTotalOptions, participantCostTotals } from '../costs-by-arm.js';
import { chooseArms } from '../effects.js';
import type { CostParticipant } from '../types.js';
import type { AllowNegative } from '../validate.js';
import type { QalyHorizonResult } from './qaly.js';
import { checkValueRows } from './rows.js';
import type { CountsBy } from '../../results/types.js';

/** One participant's outcome and its baseline value. */
export interface BaselinePair {
  readonly id: string;
  readonly arm: string;
  readonly group: string | null;
  /** Outcome (QALYs, total cost); `null` when missing. */
  readonly value: number | null;
  /** Baseline value (baseline utility, pre-randomisation cost); `null` when missing. */
  readonly baseline: number | null;
}

/** Covariance types offered: classical, heteroskedasticity-consistent, or cluster-robust by therapy group. */
export type AdjustmentVcov = Extract<OlsVcovType, 'classical' | 'HC1' | 'HC2' | 'HC3' | 'CR1' | 'CR2'>;
const VCOVS: readonly AdjustmentVcov[] = ['classical', 'HC1', 'HC2', 'HC3', 'CR1', 'CR2'];

/** Options of {@link baselineAdjustedDifference}. */
export interface BaselineAdjustmentOptions {
  /** Control arm. @defaultValue the arm without therapy groups, else the first arm */
  control?: string;
  /** Treated arm. @defaultValue the other arm */
  treated?: string;
  /**
   * Covariance of the coefficients. `CR1`/`CR2` are cluster-robust by therapy group, each
   * participant without a group (the controls of a partially nested trial) a cluster of their
   * own, with clubSandwich's Satterthwaite df, as the rest of the library does.
   * @defaultValue 'classical'
   */
  vcov?: AdjustmentVcov;
  /** Confidence level. @defaultValue 0.95 */
  ciLevel?: number;
}
const ADJUSTMENT_KEYS = optionKeys<BaselineAdjustmentOptions>()(['control', 'treated', 'vcov', 'ciLevel']);

/** A treated − control difference in the library's vocabulary (a coefficient row without its term name). */
export type DifferenceRow = Omit<FixedEffectRow, 'term'>;

/** Result of {@link baselineAdjustedDifference}. */
export interface BaselineAdjustedResult {
  control: string;
  treated: string;
  /** Complete cases (outcome and baseline present) per arm; both rows use the same cases. */
  n: CountsBy<'control' | 'treated'>;
  /** Participants of the two arms left out for a missing outcome or baseline. */
  excluded: { control: number; treated: number };
  /** Mean outcome and mean baseline by arm (complete cases). */
  means: { control: { value: number; baseline: number }; treated: { value: number; baseline: number } };
  /** Difference in means, OLS value ~ arm. */
  unadjusted: DifferenceRow;
  /** Arm coefficient of OLS value ~ arm + baseline. */
  adjusted: DifferenceRow;
  /** Coefficient of the baseline value in the adjusted model. */
  baselineSlope: DifferenceRow;
  vcov: AdjustmentVcov;
  method: string;
  diagnostics: Diagnostic[];
}

function rowOf(fit: OlsFit, term: string): DifferenceRow {
  const r = fit.fixedEffects.find((f) => f.term === term);
  if (!r) throw new ArgumentError('data', term, `an estimable ${term} coefficient (it was aliased: ${fit.droppedColumns.join(', ')})`);
  const { term: _, ...row } = r;
  return row;
}

/**
 * Treated − control difference in an outcome, unadjusted (OLS value ~ arm, the difference in
 * means) and adjusted for the baseline value (OLS value ~ arm + baseline): for QALYs this is the
 * baseline-utility adjustment of Manca, Hawkins & Sculpher (2005), Health Econ 14, 487–496,
 * since QALYs computed by the trapezoid rule carry the baseline utility and any baseline
 * imbalance with it; the same applies to costs with pre-randomisation costs (van Asselt et al.
 * 2009, Value Health 12, 1075–1083). Both rows use the same complete cases.
 *
 * @param rows - one `{ id, arm, group, value, baseline }` per participant.
 * @param options - see {@link BaselineAdjustmentOptions}.
 * @throws ValidationError (table `rows`) for non-finite values or duplicate ids.
 * @throws ArgumentError for unknown arms, an arm with fewer than 2 complete cases, or a bad option.
 * @example
 * // treated start 0.1 higher; value = 0.5 + 0.8·baseline + 0.05·treated exactly
 * const res = baselineAdjustedDifference(rows, { control: 'C', treated: 'T' });
 * res.adjusted.estimate; // 0.05, while res.unadjusted.estimate also carries 0.8 × the baseline imbalance
 */
export function baselineAdjustedDifference(rows: readonly BaselinePair[], options?: BaselineAdjustmentOptions): BaselineAdjustedResult {
  const opts = checkOptions('options', options, ADJUSTMENT_KEYS);
  if (!Array.isArray(rows)) throw new ArgumentError('rows', rows, 'an array of { id, arm, group, value, baseline }');
  const vcov = checkOneOf('vcov', opts.vcov ?? 'classical', VCOVS);
  const ciLevel = checkCiLevel(opts.ciLevel ?? 0.95);
  checkValueRows(rows, 'rows', ['value', 'baseline'], false);
  const arms = chooseArms(
    rows.map((r) => ({ id: r.id, arm: r.arm, group: r.group, costs: {} })),
    opts.control,
    opts.treated,
  );
  const y: number[] = [];
  const treated: number[] = [];
  const baseline: number[] = [];
  const group: (string | null)[] = [];
  const n = { control: 0, treated: 0 };
  const excluded = { control: 0, treated: 0 };
  const sums = { control: { value: 0, baseline: 0 }, treated: { value: 0, baseline: 0 } };
  for (const r of rows) {
    const side = r.arm === arms.treated ? 'treated' : r.arm === arms.control ? 'control' : null;
    if (side === null) continue;
    if (r.value === null || r.baseline === null) {
      excluded[side]++;
      continue;
    }
    n[side]++;
    sums[side].value += r.value;
    sums[side].baseline += r.baseline;
    y.push(r.value);
    treated.push(side === 'treated' ? 1 : 0);
    baseline.push(r.baseline);
    group.push(r.group);
  }
  for (const side of ['control', 'treated'] as const) {
    if (n[side] < 2) throw new ArgumentError(side, arms[side], `an arm with at least 2 participants who have both the outcome and its baseline (has ${n[side]})`);
  }
  const clustered = vcov.startsWith('CR');
  const cols = { y, treated, baseline, group };
  const olsOptions = { vcov, ciLevel, ...(clustered ? { cluster: 'group', clusterMissing: 'singleton' as const } : {}) };
  const plain = fitOls('y ~ treated', cols, olsOptions);
  const adj = fitOls('y ~ treated + baseline', cols, olsOptions);
  const diagnostics: Diagnostic[] = [...arms.diagnostics];
  for (const d of [...plain.diagnostics, ...adj.diagnostics]) if (!diagnostics.some((x) => x.code === d.code)) diagnostics.push(d);
  if (excluded.control + excluded.treated > 0) {
    diagnostics.push(baselineIncompleteCases(excluded));
  }
  const vcovText = clustered
    ? `${vcov} cluster-robust covariance by therapy group (participants without a group as singleton clusters), Satterthwaite df (clubSandwich)`
    : `${vcov} covariance, ${plain.ddf} df`;
  return {
    control: arms.control,
    treated: arms.treated,
    n,
    excluded,
    means: {
      control: { value: sums.control.value / n.control, baseline: sums.control.baseline / n.control },
      treated: { value: sums.treated.value / n.treated, baseline: sums.treated.baseline / n.treated },
    },
    unadjusted: rowOf(plain, 'treated'),
    adjusted: rowOf(adj, 'treated'),
    baselineSlope: rowOf(adj, 'baseline'),
    vcov,
    method: `${arms.treated} − ${arms.control}: unadjusted = arm coefficient of OLS value ~ arm (difference in means); adjusted = arm coefficient of OLS value ~ arm + baseline (Manca, Hawkins & Sculpher 2005); ${vcovText}; complete cases of outcome and baseline.`,
    diagnostics,
  };
}

/**
 * Incremental QALYs over a horizon, unadjusted and adjusted for baseline utility
 * (Manca, Hawkins & Sculpher 2005). See {@link baselineAdjustedDifference}.
 * @example
 * const q = qalys({ participants, measurements }, { horizons: [{ label: '15 months', visits: ['baseline', '9m', '15m'] }] });
 * incrementalQaly(q.horizons[0], { vcov: 'CR2' }).adjusted; // as clubSandwich::coef_test on lm(qaly ~ arm + baseline), CR2 by therapy group
 */
export function incrementalQaly(horizon: QalyHorizonResult, options?: BaselineAdjustmentOptions): BaselineAdjustedResult & { horizon: string; valueSet: string } {
  checkOptions('options', options, ADJUSTMENT_KEYS);
  if (typeof horizon !== 'object' || horizon === null || !Array.isArray(horizon.participants)) {
    throw new ArgumentError('horizon', horizon, 'one horizon of a qalys() result, e.g. res.horizons[0]');
  }
  const res = baselineAdjustedDifference(
    horizon.participants.map((p) => ({ id: p.id, arm: p.arm, group: p.group, value: p.qaly, baseline: p.baselineUtility })),
    options,
  );
  return {
    ...res,
    horizon: horizon.label,
    valueSet: horizon.valueSet,
    method: `Incremental QALYs over ${horizon.label} (${horizon.valueSet}; participants with every utility, as qalys() gave them). ${res.method}`,
  };
}

/** Options of {@link incrementalCost}. */
export interface IncrementalCostOptions extends BaselineAdjustmentOptions {
  /** Cost category holding each participant's pre-randomisation (baseline) cost. */
  baselineCategory: string;
  /** Categories summed into the outcome cost. @defaultValue every category except `baselineCategory` */
  costCategories?: readonly string[];
  /** A missing category: exclude the participant, or count 0. @defaultValue 'exclude' */
  missing?: 'exclude' | 'zero';
  /** Categories allowed to be negative. @defaultValue false */
  allowNegative?: AllowNegative;
}
const COST_KEYS = optionKeys<IncrementalCostOptions>()(['control', 'treated', 'vcov', 'ciLevel', 'baselineCategory', 'costCategories', 'missing', 'allowNegative']);

/**
 * Incremental cost, unadjusted and adjusted for the baseline (pre-randomisation) cost in
 * `baselineCategory`. See {@link baselineAdjustedDifference}.
 * @throws ArgumentError when `baselineCategory` is missing or is also among `costCategories`.
 * @example
 * incrementalCost(participants, { baselineCategory: 'healthcarePre' }).adjusted.estimate;
 */
export function incrementalCost(participants: readonly CostParticipant[], options: IncrementalCostOptions): BaselineAdjustedResult & { baselineCategory: string } {
  const opts = checkOptions('options', options, COST_KEYS);
  const base = opts.baselineCategory;
  if (typeof base !== 'string' || base === '') throw new ArgumentError('baselineCategory', base, 'the cost category holding the baseline (pre-randomisation) cost');
  if (Array.isArray(opts.costCategories) && opts.costCategories.includes(base)) throw new ArgumentError('costCategories', opts.costCategories, `categories other than the baseline category "${base}"`);
  const totals = participantCostTotals(participants, costTotalOptions({ ...opts, costCategories: opts.costCategories ?? outcomeCategories(participants, base) }));
  const res = baselineAdjustedDifference(
    totals.map((t, i) => ({ id: t.id, arm: t.arm, group: t.group, value: t.total, baseline: participants[i]!.costs[base] ?? null })),
    { ...(opts.control !== undefined ? { control: opts.control } : {}), ...(opts.treated !== undefined ? { treated: opts.treated } : {}), ...(opts.vcov ? { vcov: opts.vcov } : {}), ...(opts.ciLevel !== undefined ? { ciLevel: opts.ciLevel } : {}) },
  );
  return { ...res, baselineCategory: base, method: `Incremental cost (${Object.keys(totals[0]?.byCategory ?? {}).join(' + ')}), baseline cost = ${base}. ${res.method}` };
}

/** Every cost category of the participants except the baseline one, which must be among them. */
function outcomeCategories(participants: readonly CostParticipant[], base: string): string[] {
  const seen = new Set<string>();
  for (const p of participants) for (const c of Object.keys(p?.costs ?? {})) seen.add(c);
  if (!seen.has(base)) throw new ArgumentError('baselineCategory', base, `a cost category of the participants (${[...seen].join(', ')})`);
  seen.delete(base);
  if (seen.size === 0) throw new ArgumentError('costCategories', [], 'at least one cost category besides the baseline category');
  return [...seen];
}
