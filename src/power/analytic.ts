/**
 * Analytic power and sample size for partially nested trials: participants in the treated arm
 * are treated in therapy groups (clustered), controls are not.
 *
 * The variance of the estimated treatment effect (σ = 1: the effect is in units of the
 * individual-level SD of the outcome) is the sum of one variance per arm,
 *   V_T = a/(n_T r) + b/n_T + τ²(1 + cv²)/k,   V_C = s²{a/(n_C r) + b/n_C},
 * with k therapy groups of mean size m̄ (n_T = k m̄), n_C controls, retention r at the analysed
 * follow-up, the therapy-group variance τ² = ρ/(1 − ρ) from the ICC ρ of the treated arm's
 * follow-up scores, cv the coefficient of variation of group sizes and s the ratio of the
 * controls' SD to the treated arm's individual-level SD. (a, b) depend on the analysis:
 * (1, 0) for a single follow-up, (1 − ρ_w², 0) for baseline-adjusted (ANCOVA) and
 * (1 − ρ_w², (1 − ρ_w)²) for the arm × visit contrast of the mixed model over baseline and
 * follow-up, ρ_w the correlation of a participant's scores across visits (the derivation is in
 * docs/methods/power.md). For a single follow-up V_T equals the familiar
 * σ²_T{1 + ((cv² + 1)m̄r − 1)ρ}/(n_T r) with σ²_T = 1 + τ² (Moerbeek & Wong 2008; the cv term
 * from Eldridge, Ashby & Kerry 2006).
 *
 * Power is that of the two-sided t test of δ/√V with Satterthwaite-type df
 * (V_T + V_C)²/{V_T²/(k − 1) + V_C²/(n_C r − 1)}, which is what a mixed model with few groups
 * gives (Baldwin, Bauer, Stice & Rohde 2011), from the noncentral t distribution.
 */
import { ArgumentError } from '../errors/index.js';
import { checkFinite, checkInteger, checkOneOf, checkOptions, optionKeys } from '../errors/checks.js';
import { noncentralTCdfRaw } from '../distributions/noncentral-t.js';
import { studentTQuantile } from '../distributions/student-t.js';
import { normalQuantile } from '../distributions/normal.js';
import { brentRoot } from '../distributions/root-finding.js';

/** Which estimate of the treatment effect the power is for. */
export type PowerAnalysis = 'posttest' | 'ancova' | 'change';

/** Degrees of freedom of the test: Satterthwaite-type (few groups) or normal (df = ∞). */
export type PowerDfMethod = 'satterthwaite' | 'normal';

/** A partially nested two-arm design with one analysed follow-up. */
export interface PartiallyNestedDesign {
  /** Therapy groups in the treated arm, k ≥ 2. */
  nGroups: number;
  /** Mean participants per therapy group at randomisation, m̄ ≥ 2. */
  groupSize: number;
  /**
   * Controls randomised. Give this or `allocationRatio`.
   * @defaultValue nGroups × groupSize × allocationRatio
   */
  nControls?: number;
  /**
   * Controls per treated participant, used when `nControls` is not given.
   * @defaultValue 1
   */
  allocationRatio?: number;
  /** Treatment effect in units of the individual-level SD of the outcome. */
  effect: number;
  /** Intraclass correlation of the treated arm's follow-up scores within therapy groups, in [0, 1). */
  icc: number;
  /**
   * Coefficient of variation of the group sizes (SD ÷ mean).
   * @defaultValue 0
   */
  groupSizeCv?: number;
  /**
   * Retention: a number is the share of those randomised who are measured at the analysed
   * follow-up; an array gives the retention from each visit to the next (their product is used).
   * Each in (0, 1].
   * @defaultValue 1
   */
  retention?: number | number[];
  /**
   * `'posttest'`: the arm difference at one follow-up; `'ancova'`: adjusted for baseline;
   * `'change'`: the arm × visit contrast of the mixed model over baseline and follow-up.
   * @defaultValue 'posttest'
   */
  analysis?: PowerAnalysis;
  /**
   * Correlation of a participant's scores at baseline and follow-up, ρ_w in [0, 1).
   * @defaultValue 0.5 (used by 'ancova' and 'change' only)
   */
  baselineCorrelation?: number;
  /**
   * SD of the controls' outcome ÷ individual-level SD in the treated arm.
   * @defaultValue 1
   */
  controlSdRatio?: number;
}

/** Options of {@link partiallyNestedPower}. */
export interface AnalyticPowerOptions {
  /**
   * Two-sided significance level.
   * @defaultValue 0.05
   */
  alpha?: number;
  /**
   * Degrees of freedom of the test.
   * @defaultValue 'satterthwaite'
   */
  df?: PowerDfMethod;
}

/** Power of one design, with the pieces it was computed from. */
export interface AnalyticPowerResult {
  power: number;
  effect: number;
  /** Standard error of the estimated effect, √(V_T + V_C). */
  se: number;
  df: number;
  /** Noncentrality δ/SE. */
  ncp: number;
  criticalValue: number;
  alpha: number;
  /** Variance contributions of the two arms. */
  varianceTreated: number;
  varianceControl: number;
  /** V_T relative to an unclustered arm of the same total variance: 1 + ((cv² + 1)m̄r − 1)ρ for a single follow-up. */
  designEffect: number;
  nTreated: number;
  nControls: number;
  /** Expected participants measured at the follow-up. */
  nTreatedAnalysed: number;
  nControlsAnalysed: number;
  /** Cumulative retention used. */
  retention: number;
  analysis: PowerAnalysis;
  method: string;
}

/** What {@link solvePartiallyNested} solves for. */
export type SolveFor = 'nGroups' | 'groupSize' | 'nControls' | 'effect';

/** Options of {@link solvePartiallyNested}. */
export interface SolveOptions extends AnalyticPowerOptions {
  /** The unknown; its field in the design is ignored. */
  solveFor: SolveFor;
  /**
   * Target power.
   * @defaultValue 0.8
   */
  power?: number;
  /**
   * Largest value searched for an integer unknown.
   * @defaultValue nGroups 10,000; groupSize 1,000; nControls 1,000,000
   */
  max?: number;
}

/** The solution, or the best achievable when the target cannot be reached. */
export interface SolveResult {
  solveFor: SolveFor;
  /** Smallest integer (or, for the effect, the value) reaching the target; `max` when it is not reached. */
  value: number;
  target: number;
  /** Power at `value`. */
  power: number;
  reached: boolean;
  /** Why the target is not reached, with the best achievable power; null when reached. */
  reason: string | null;
  /** For groupSize and nControls: the power as the unknown grows without bound (clustering caps it). */
  limitPower: number | null;
  detail: AnalyticPowerResult;
}

const DESIGN_KEYS = optionKeys<PartiallyNestedDesign>()([
  'nGroups',
  'groupSize',
  'nControls',
  'allocationRatio',
  'effect',
  'icc',
  'groupSizeCv',
  'retention',
  'analysis',
  'baselineCorrelation',
  'controlSdRatio',
]);
const POWER_KEYS = optionKeys<AnalyticPowerOptions>()(['alpha', 'df']);
const SOLVE_KEYS = optionKeys<SolveOptions>()(['alpha', 'df', 'solveFor', 'power', 'max']);

/** A design with every field resolved and checked. */
export interface ResolvedDesign {
  nGroups: number;
  groupSize: number;
  nControls: number | null;
  allocationRatio: number;
  effect: number;
  icc: number;
  groupSizeCv: number;
  retention: number;
  analysis: PowerAnalysis;
  baselineCorrelation: number;
  controlSdRatio: number;
}

function checkRetention(argument: string, v: unknown): number {
  if (v === undefined) return 1;
  const one = (name: string, x: unknown): number => {
    if (typeof x !== 'number' || !Number.isFinite(x) || !(x > 0 && x <= 1)) throw new ArgumentError(name, x, 'a retention in (0, 1]: the share still measured');
    return x;
  };
  if (Array.isArray(v)) {
    if (v.length === 0 || v.length > 1000) throw new ArgumentError(argument, v, 'one to 1,000 retentions per visit, each in (0, 1]');
    return v.reduce<number>((p, x, i) => p * one(`${argument}[${i}]`, x), 1);
  }
  return one(argument, v);
}

/** Check a design; `skip` names the field being solved for (then it may be absent). */
export function resolveDesign(design: PartiallyNestedDesign, argument = 'design', skip: SolveFor | null = null): ResolvedDesign {
  const d = checkOptions(argument, design, DESIGN_KEYS);
  if (design === undefined) throw new ArgumentError(argument, design, 'a design { nGroups, groupSize, effect, icc, … }');
  const need = (k: SolveFor): boolean => skip !== k;
  const nGroups = need('nGroups') ? checkInteger(`${argument}.nGroups`, d.nGroups, 2, 1_000_000, 'At least two therapy groups are needed to estimate their variance') : 2;
  const groupSize = need('groupSize') ? checkFinite(`${argument}.groupSize`, d.groupSize, 2, 100_000) : 2;
  if (d.nControls !== undefined && d.allocationRatio !== undefined) {
    throw new ArgumentError(`${argument}.allocationRatio`, d.allocationRatio, 'nothing when nControls is given (give one of the two)');
  }
  const nControls = need('nControls') && d.nControls !== undefined ? checkInteger(`${argument}.nControls`, d.nControls, 2, 100_000_000) : null;
  const allocationRatio = d.allocationRatio === undefined ? 1 : checkFinite(`${argument}.allocationRatio`, d.allocationRatio, 1e-3, 1e3);
  const effect = need('effect') ? checkFinite(`${argument}.effect`, d.effect, -100, 100) : 1;
  const icc = checkFinite(`${argument}.icc`, d.icc, 0, 1);
  if (icc >= 1) throw new ArgumentError(`${argument}.icc`, icc, 'an intraclass correlation in [0, 1)');
  const groupSizeCv = checkFinite(`${argument}.groupSizeCv`, d.groupSizeCv ?? 0, 0, 10);
  const retention = checkRetention(`${argument}.retention`, d.retention);
  const analysis = checkOneOf(`${argument}.analysis`, d.analysis ?? 'posttest', ['posttest', 'ancova', 'change'] as const);
  const baselineCorrelation = checkFinite(`${argument}.baselineCorrelation`, d.baselineCorrelation ?? 0.5, 0, 1);
  if (baselineCorrelation >= 1) throw new ArgumentError(`${argument}.baselineCorrelation`, baselineCorrelation, 'a correlation in [0, 1)');
  const controlSdRatio = checkFinite(`${argument}.controlSdRatio`, d.controlSdRatio ?? 1, 1e-3, 1e3);
  return { nGroups, groupSize, nControls, allocationRatio, effect, icc, groupSizeCv, retention, analysis, baselineCorrelation, controlSdRatio };
}

function checkPowerOptions(options: AnalyticPowerOptions, argument: string): { alpha: number; df: PowerDfMethod } {
  const alpha = checkFinite(`${argument}.alpha`, options.alpha ?? 0.05, 0, 1);
  if (!(alpha > 0 && alpha < 1)) throw new ArgumentError(`${argument}.alpha`, alpha, 'a significance level strictly between 0 and 1');
  const df = checkOneOf(`${argument}.df`, options.df ?? 'satterthwaite', ['satterthwaite', 'normal'] as const);
  return { alpha, df };
}

/** Power of a resolved design (unchecked twin of {@link partiallyNestedPower}). */
export function powerOfDesign(d: ResolvedDesign, alpha: number, dfMethod: PowerDfMethod): AnalyticPowerResult {
  const k = d.nGroups;
  const nT = k * d.groupSize;
  const nC = d.nControls ?? nT * d.allocationRatio;
  const r = d.retention;
  const rw = d.baselineCorrelation;
  const [a, b] = d.analysis === 'posttest' ? [1, 0] : d.analysis === 'ancova' ? [1 - rw * rw, 0] : [1 - rw * rw, (1 - rw) * (1 - rw)];
  const tau2 = d.icc / (1 - d.icc);
  const cluster = (tau2 * (1 + d.groupSizeCv * d.groupSizeCv)) / k;
  const individualT = a / (nT * r) + b / nT;
  const vT = individualT + cluster;
  const s2 = d.controlSdRatio * d.controlSdRatio;
  const vC = s2 * (a / (nC * r) + b / nC);
  const v = vT + vC;
  const se = Math.sqrt(v);
  const dfT = d.icc > 0 ? k - 1 : nT * r - 1;
  const dfC = nC * r - 1;
  const df = dfMethod === 'normal' ? Infinity : (v * v) / ((vT * vT) / dfT + (vC * vC) / dfC);
  const crit = df === Infinity ? normalQuantile(alpha / 2, { lowerTail: false }) : studentTQuantile(alpha / 2, df, { lowerTail: false });
  const ncp = d.effect / se;
  const power = noncentralTCdfRaw(crit, df, ncp, false, false) + noncentralTCdfRaw(-crit, df, ncp, true, false);
  return {
    power: Math.min(1, power),
    effect: d.effect,
    se,
    df,
    ncp,
    criticalValue: crit,
    alpha,
    varianceTreated: vT,
    varianceControl: vC,
    designEffect: (vT * (1 - d.icc)) / individualT,
    nTreated: nT,
    nControls: nC,
    nTreatedAnalysed: nT * r,
    nControlsAnalysed: nC * r,
    retention: r,
    analysis: d.analysis,
    method: `two-sided t test, ${dfMethod === 'normal' ? 'normal reference' : 'Satterthwaite-type df (groups − 1 for the treated arm)'}, partially nested design (${d.analysis})`,
  };
}

/**
 * Power of a partially nested design (therapy groups in the treated arm, unclustered controls)
 * for the arm difference at one follow-up, baseline-adjusted, or as the arm × visit contrast
 * of the mixed model, with attrition, unequal allocation and varying group sizes.
 *
 * @param design - see {@link PartiallyNestedDesign}.
 * @param options - see {@link AnalyticPowerOptions}.
 * @throws ArgumentError for an impossible design (group size < 2, fewer than two groups,
 * retention outside (0, 1], ICC outside [0, 1)) or a bad option.
 * @example
 * const r = partiallyNestedPower({ nGroups: 20, groupSize: 8, nControls: 160, effect: 0.3, icc: 0.05, retention: 2 / 3 });
 * r.power; // 0.522095193127675
 */
export function partiallyNestedPower(design: PartiallyNestedDesign, options: AnalyticPowerOptions = {}): AnalyticPowerResult {
  const o = checkOptions('options', options, POWER_KEYS);
  const { alpha, df } = checkPowerOptions(o, 'options');
  return powerOfDesign(resolveDesign(design), alpha, df);
}

const DEFAULT_MAX: Record<Exclude<SolveFor, 'effect'>, number> = { nGroups: 10_000, groupSize: 1_000, nControls: 1_000_000 };

/**
 * The number of therapy groups, group size or number of controls that reaches a target power
 * (the smallest whole number), or the detectable effect. When the target cannot be reached
 * within `max` (clustering caps the power as groups grow, or as controls are added), the result
 * says so with `reached: false`, the best achievable power and, for group size and controls,
 * the power's limit.
 *
 * @param design - the design without the unknown (its field, if present, is ignored).
 * @param options - `solveFor`, target `power`, `alpha`, `df`, `max`.
 * @throws ArgumentError for an impossible design or bad options.
 * @example
 * const s = solvePartiallyNested({ groupSize: 8, allocationRatio: 1, effect: 0.3, icc: 0.05, retention: 2 / 3 }, { solveFor: 'nGroups' });
 * s.value; // 38 groups of 8 (and 304 controls)
 */
export function solvePartiallyNested(design: Partial<PartiallyNestedDesign>, options: SolveOptions): SolveResult {
  const o = checkOptions('options', options, SOLVE_KEYS);
  if (options === undefined) throw new ArgumentError('options', options, 'options with solveFor');
  const solveFor = checkOneOf('options.solveFor', o.solveFor, ['nGroups', 'groupSize', 'nControls', 'effect'] as const);
  const { alpha, df } = checkPowerOptions(o, 'options');
  const target = checkFinite('options.power', o.power ?? 0.8, 0, 1);
  if (!(target > alpha / 2 && target < 1)) throw new ArgumentError('options.power', target, `a target power above α/2 (${alpha / 2}) and below 1`);
  const base = resolveDesign(design as PartiallyNestedDesign, 'design', solveFor);
  if (solveFor === 'nControls' && (design as PartiallyNestedDesign).allocationRatio !== undefined) {
    throw new ArgumentError('design.allocationRatio', (design as PartiallyNestedDesign).allocationRatio, 'nothing when solving for nControls');
  }
  if (solveFor === 'effect') return solveEffect(base, target, alpha, df);
  const minimum = 2;
  const max = checkInteger('options.max', o.max ?? DEFAULT_MAX[solveFor], minimum, solveFor === 'nControls' ? 100_000_000 : 1_000_000);
  const at = (x: number): AnalyticPowerResult => powerOfDesign({ ...base, [solveFor]: x }, alpha, df);
  const limitPower = solveFor === 'nGroups' ? null : limitOf(base, solveFor, alpha, df);
  const best = at(max);
  if (best.power < target) {
    const capped = limitPower !== null && limitPower < target;
    return {
      solveFor,
      value: max,
      target,
      power: best.power,
      reached: false,
      reason:
        `the target power ${target} is not reached with ${solveFor} up to ${max}: the best achievable is ${best.power.toFixed(4)}` +
        (capped ? `, and no ${solveFor} reaches it (the power tends to ${limitPower!.toFixed(4)} as ${solveFor} grows, because the variance between therapy groups does not shrink with it); add therapy groups instead` : ''),
      limitPower,
      detail: best,
    };
  }
  // Power increases with each unknown, so bisect on whole numbers.
  let lo = minimum - 1;
  let hi = max;
  if (at(minimum).power >= target) hi = minimum;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (at(mid).power >= target) hi = mid;
    else lo = mid;
  }
  const detail = at(hi);
  return { solveFor, value: hi, target, power: detail.power, reached: true, reason: null, limitPower, detail };
}

/** The power as group size or the number of controls grows without bound. */
function limitOf(base: ResolvedDesign, solveFor: 'groupSize' | 'nControls', alpha: number, df: PowerDfMethod): number {
  const probe = powerOfDesign({ ...base, [solveFor]: 1e12 }, alpha, df);
  return probe.power;
}

function solveEffect(base: ResolvedDesign, target: number, alpha: number, df: PowerDfMethod): SolveResult {
  const at = (e: number): AnalyticPowerResult => powerOfDesign({ ...base, effect: e }, alpha, df);
  const se = at(1).se;
  let hi = 4 * se;
  while (at(hi).power < target) hi *= 2;
  const value = brentRoot((e) => at(e).power - target, 0, hi, { tol: 1e-12 });
  const detail = at(value);
  return { solveFor: 'effect', value, target, power: detail.power, reached: true, reason: null, limitPower: null, detail };
}
