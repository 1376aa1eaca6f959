/**
 * Models for right-skewed costs with zeros: the gamma GLM with log link and the two-part
 * model (logit for any cost × gamma for positive costs), with the mean cost difference between
 * arms on the cost scale by recycled predictions and the delta method, and a seeded
 * cluster-aware bootstrap for the two-part difference. See docs/methods/economics.md, "Skewed costs".
 */
import { ArgumentError, ValidationError, issue, type Diagnostic, type ValidationIssue } from '../errors/index.js';
import { checkCiLevel, checkInteger, checkOneOf, checkOptions, checkSeed, optionKeys } from '../errors/checks.js';
import { fitGlm } from '../models/glm/fit.js';
import type { GlmCoefficientRow, GlmFit, GlmVcovType } from '../models/glm/types.js';
import type { FixedEffectRow } from '../models/lmm/types.js';
import { waldRow } from '../results/not-estimable.js';
import { createRng } from '../random/rng.js';
import { percentileInterval } from './bootstrap/intervals.js';
import { finiteSd, type ResampleScheme } from './bootstrap/units.js';
import { costTotalOptions, describeSchemes, participantCostTotals, resolveSchemes } from './costs-by-arm.js';
import { chooseArms, indexEffects, type EffectRecord } from './effects.js';
import type { CostParticipant } from './types.js';
import type { NetBenefitRegressionOptions } from './net-benefit-regression.js';
import type { Estimate } from '../results/types.js';
import { bootstrapReplicatesFailed, incompleteCasesExcluded, noZeroCosts } from '../errors/diagnostics.js';

/** Costs, and optionally covariates (e.g. baseline cost) joined by participant id. */
export interface SkewedCostInput {
  participants: readonly CostParticipant[];
  /** Records `{ id, covariates: { name: value } }` (effect records can be passed as they are). @defaultValue [] */
  covariates?: readonly EffectRecord[];
}

/**
 * Options shared by {@link gammaCostModel} and {@link twoPartCostModel}; arms and cost totals as
 * in `netBenefitRegression` (a negative total is refused even where categories allow negatives).
 */
export interface SkewedCostOptions extends Pick<NetBenefitRegressionOptions, 'control' | 'treated' | 'costCategories' | 'missing' | 'allowNegative'> {
  /** Numeric covariates, by name in the covariate records' `covariates` (e.g. baseline cost). @defaultValue [] */
  covariates?: readonly string[];
  /**
   * Covariance of the GLM coefficients (see `fitGlm`); the `CR*` types cluster by therapy group,
   * each participant without a group a cluster of its own.
   * @defaultValue 'CR2' when the treated arm has therapy groups, else 'classical'
   */
  vcov?: GlmVcovType;
  /** Confidence level. @defaultValue 0.95 */
  ciLevel?: number;
}

/** Options of {@link twoPartCostModel}. */
export interface TwoPartCostOptions extends SkewedCostOptions {
  /** Bootstrap replicates of the combined mean difference; 0 for none. @defaultValue 1000 */
  replicates?: number;
  /** Seed of the bootstrap. @defaultValue 1 */
  seed?: number;
  /**
   * Resampling per arm: `'auto'` resamples therapy groups in arms that have them and individuals
   * elsewhere, stratified by arm (as `costsByArm`).
   * @defaultValue 'auto'
   */
  resample?: 'auto' | Readonly<Record<string, ResampleScheme>>;
}

/** A delta-method estimate on the cost scale: a z test and interval (`df: Infinity`). */
export type DeltaEstimate = Omit<FixedEffectRow, 'term'>;

/** Mean cost in one arm by recycled predictions: everyone analysed set to this arm. */
export interface ArmMean extends DeltaEstimate {
  arm: string;
  /** Participants of the arm analysed. */
  n: number;
  /** Of them, with a cost of exactly 0. */
  zeros: number;
}

/** An estimate, or why there is none. */
export type Estimable<T> = ({ estimable: true } & T) | { estimable: false; reason: string };

const VCOV_TYPES: readonly GlmVcovType[] = ['classical', 'HC0', 'HC1', 'HC2', 'HC3', 'CR0', 'CR1', 'CR1S', 'CR2'];
const SHARED_KEYS = ['control', 'treated', 'covariates', 'costCategories', 'missing', 'allowNegative', 'vcov', 'ciLevel'] as const;
const GAMMA_KEYS = optionKeys<SkewedCostOptions>()(SHARED_KEYS);
const TWO_PART_KEYS = optionKeys<TwoPartCostOptions>()([...SHARED_KEYS, 'replicates', 'seed', 'resample']);

const COST = '.cost';
const ANY = '.any';
const ARM = '.treated';
const CLUSTER = '.cluster';
const covColumn = (name: string) => `.cov.${name}`;

/** Participants ready for modelling: complete cases of the two arms. */
interface Prepared {
  control: string;
  treated: string;
  n: number;
  cost: Float64Array;
  arm: Float64Array;
  covariates: string[];
  cov: Float64Array[];
  /** `g:<group>` or `i:<id>`: therapy groups, each participant without a group on its own. */
  cluster: string[];
  group: (string | null)[];
  armName: string[];
  vcov: GlmVcovType;
  ciLevel: number;
  excluded: number;
  diagnostics: Diagnostic[];
}

function prepare(input: SkewedCostInput, options: SkewedCostOptions): Prepared {
  if (typeof input !== 'object' || input === null || !Array.isArray(input.participants)) {
    throw new ArgumentError('input', input, 'an object { participants, covariates? }');
  }
  const covs = options.covariates ?? [];
  if (!Array.isArray(covs) || covs.some((c) => typeof c !== 'string' || c === '')) {
    throw new ArgumentError('options.covariates', covs, 'an array of covariate names');
  }
  const ciLevel = checkCiLevel(options.ciLevel ?? 0.95, 'options.ciLevel');
  const { participants } = input;
  const totals = participantCostTotals(participants, costTotalOptions(options));
  const records = indexEffects(participants, input.covariates ?? []);
  for (const c of covs) {
    if (![...records.values()].some((r) => r.covariates !== undefined && c in r.covariates)) {
      throw new ArgumentError('options.covariates', c, 'a covariate name present in the covariate records');
    }
  }
  const arms = chooseArms(participants, options.control, options.treated);
  const treatedHasGroups = participants.some((p) => p.arm === arms.treated && p.group !== null);
  const vcov = checkOneOf('options.vcov', options.vcov ?? (treatedHasGroups ? 'CR2' : 'classical'), VCOV_TYPES);
  const issues: ValidationIssue[] = [];
  const cost: number[] = [];
  const arm: number[] = [];
  const cov: number[][] = covs.map(() => []);
  const cluster: string[] = [];
  const group: (string | null)[] = [];
  const armName: string[] = [];
  let excluded = 0;
  totals.forEach((t, i) => {
    if (t.arm !== arms.control && t.arm !== arms.treated) return;
    if (t.total !== null && t.total < 0) {
      issues.push(issue('participants', i + 1, 'costs', t.total, 'a total cost ≥ 0: gamma and two-part models are for non-negative costs (negative amounts allowed in a category must not make the total negative)'));
      return;
    }
    const rec = records.get(t.id);
    const xs = covs.map((c) => rec?.covariates?.[c] ?? null);
    if (t.total === null || xs.some((x) => x === null)) {
      excluded++;
      return;
    }
    cost.push(t.total);
    arm.push(t.arm === arms.treated ? 1 : 0);
    xs.forEach((x, k) => cov[k]!.push(x!));
    cluster.push(t.group !== null ? `g:${t.group}` : `i:${t.id}`);
    group.push(t.group);
    armName.push(t.arm);
  });
  if (issues.length > 0) throw new ValidationError(issues, 'Cost totals failed validation');
  const diagnostics: Diagnostic[] = [...arms.diagnostics];
  if (excluded > 0) {
    diagnostics.push(incompleteCasesExcluded(excluded, 'a cost total or a covariate'));
  }
  for (const [name, a] of [[arms.control, 0], [arms.treated, 1]] as const) {
    if (!arm.includes(a)) throw new ArgumentError('input.participants', name, `participants with a complete cost in arm "${name}"`);
  }
  return {
    control: arms.control,
    treated: arms.treated,
    n: cost.length,
    cost: Float64Array.from(cost),
    arm: Float64Array.from(arm),
    covariates: [...covs],
    cov: cov.map((c) => Float64Array.from(c)),
    cluster,
    group,
    armName,
    vcov,
    ciLevel,
    excluded,
    diagnostics,
  };
}

/** Rows of the prepared data as a column frame for `fitGlm` (a subset when `rows` is given). */
function frameOf(d: Prepared, rows: ArrayLike<number> | null): Record<string, ArrayLike<unknown>> {
  const pick = <T>(x: ArrayLike<T>): T[] => (rows === null ? Array.from(x) : Array.from(rows, (i) => x[i]!));
  const cost = pick(d.cost);
  const data: Record<string, ArrayLike<unknown>> = {
    [COST]: cost,
    [ANY]: cost.map((c) => (c > 0 ? 1 : 0)),
    [ARM]: pick(d.arm),
    [CLUSTER]: pick(d.cluster),
  };
  d.covariates.forEach((c, k) => (data[covColumn(c)] = pick(d.cov[k]!)));
  return data;
}

function rhs(d: Prepared): string {
  return [ARM, ...d.covariates.map((c) => `\`${covColumn(c)}\``)].join(' + ');
}

function fitPart(d: Prepared, data: Record<string, ArrayLike<unknown>>, part: 'any' | 'positive', vcov: GlmVcovType): GlmFit {
  const formula = `${part === 'any' ? ANY : COST} ~ ${rhs(d)}`;
  const family = part === 'any' ? ('binomial' as const) : ('gamma' as const);
  const link = part === 'any' ? ('logit' as const) : ('log' as const);
  const cluster = vcov.startsWith('CR') ? { cluster: CLUSTER } : {};
  return fitGlm(formula, data, { family, link, vcov, ...cluster, ciLevel: d.ciLevel });
}

/**
 * Per participant, the linear predictor with the arm indicator set to `a`, and the design
 * column of each coefficient (in `fixedEffects` order), over all prepared rows `rows`.
 */
function recycledDesign(d: Prepared, fit: GlmFit, a: 0 | 1, rows: ArrayLike<number>): { eta: Float64Array; X: Float64Array[] } {
  const n = rows.length;
  const X = fit.fixedEffects.map((r) => {
    const col = new Float64Array(n);
    if (r.term === '(Intercept)') col.fill(1);
    else if (r.term === ARM) col.fill(a);
    else {
      const k = d.covariates.findIndex((c) => covColumn(c) === r.term);
      const src = d.cov[k]!;
      for (let i = 0; i < n; i++) col[i] = src[rows[i]!]!;
    }
    return col;
  });
  const eta = new Float64Array(n);
  fit.fixedEffects.forEach((r, j) => {
    const col = X[j]!;
    for (let i = 0; i < n; i++) eta[i]! += r.estimate * col[i]!;
  });
  return { eta, X };
}

/** Quadratic form g'Vg. */
function quad(g: Float64Array, V: number[][]): number {
  let s = 0;
  for (let j = 0; j < g.length; j++) for (let k = 0; k < g.length; k++) s += g[j]! * V[j]![k]! * g[k]!;
  return s;
}

function zEstimate(estimate: number, variance: number, ciLevel: number): DeltaEstimate {
  return { ...waldRow(estimate, Math.sqrt(variance), Infinity, ciLevel), estimate, ciLevel };
}

/** Mean over participants and gradient of a per-participant prediction. */
function meanAndGradient(value: Float64Array, weight: Float64Array, X: Float64Array[]): { mean: number; gradient: Float64Array } {
  const n = value.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += value[i]!;
  const gradient = Float64Array.from(X, (col) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += weight[i]! * col[i]!;
    return s / n;
  });
  return { mean: mean / n, gradient };
}

/** Recycled means of the two parts for arm `a` over participants `rows` (gamma only when `anyFit` is null). */
function twoPartMean(d: Prepared, anyFit: GlmFit | null, posFit: GlmFit, a: 0 | 1, rows: ArrayLike<number>) {
  const pos = recycledDesign(d, posFit, a, rows);
  const n = rows.length;
  const m = pos.eta.map(Math.exp);
  const p = new Float64Array(n).fill(1);
  let gAny: Float64Array | null = null;
  if (anyFit !== null) {
    const any = recycledDesign(d, anyFit, a, rows);
    for (let i = 0; i < n; i++) p[i] = 1 / (1 + Math.exp(-any.eta[i]!));
    // ∂(p m)/∂γ = p(1 − p) m z
    gAny = meanAndGradient(p, p.map((pi, i) => pi * (1 - pi) * m[i]!), any.X).gradient;
  }
  const pm = p.map((pi, i) => pi * m[i]!);
  const combined = meanAndGradient(pm, pm, pos.X);
  let probability = 0;
  let conditional = 0;
  for (let i = 0; i < n; i++) {
    probability += p[i]!;
    conditional += m[i]!;
  }
  return { mean: combined.mean, gPos: combined.gradient, gAny, probability: probability / n, conditional: conditional / n };
}

function armCounts(d: Prepared, a: 0 | 1): { n: number; zeros: number } {
  let n = 0;
  let zeros = 0;
  for (let i = 0; i < d.n; i++) {
    if (d.arm[i] !== a) continue;
    n++;
    if (d.cost[i] === 0) zeros++;
  }
  return { n, zeros };
}

function partDiagnostics(fit: GlmFit, part: string): Diagnostic[] {
  return fit.diagnostics.map((x) => ({ ...x, message: `${part}: ${x.message}` }));
}

const tidyTerm = (r: GlmCoefficientRow): GlmCoefficientRow => ({ ...r, term: r.term === ARM ? 'treated' : r.term.replace(/^\.cov\./, '') });

function armAliased(fit: GlmFit, part: string): void {
  if (fit.droppedColumns.includes(ARM)) {
    throw new ArgumentError('input', 'treated', `an arm indicator not aliased with the covariates in the ${part}`, 'The arm indicator is a linear combination of the covariates among the complete cases.');
  }
}

/** Result of {@link gammaCostModel}. */
export interface GammaCostModelResult {
  control: string;
  treated: string;
  covariates: string[];
  /** Participants analysed. */
  n: number;
  /** Mean cost per arm by recycled predictions (everyone set to the arm), with delta-method SEs. */
  arms: ArmMean[];
  /** Mean treated − mean control on the cost scale, delta-method SE. */
  difference: DeltaEstimate;
  /**
   * Ratio of mean costs treated / control, exp(β_arm): with a log link the recycled means have
   * exactly this ratio, covariates or not. se is the delta-method exp(β)·se(β); ci, statistic,
   * pValue and df are those of the GLM coefficient (t on the residual df, as summary.glm), the
   * ci exponentiated.
   */
  ratioOfMeans: Omit<FixedEffectRow, 'term'>;
  /** GLM coefficients on the log scale (`treated`, covariates by name). */
  coefficients: GlmCoefficientRow[];
  /** Pearson dispersion φ (the gamma shape is 1/φ). */
  dispersion: number;
  vcovType: GlmVcovType;
  excluded: number;
  method: string;
  diagnostics: Diagnostic[];
}

/**
 * Mean cost difference between two arms from a gamma GLM with log link, as the ratio of means
 * and as the difference in mean cost on the cost scale by recycled predictions (marginal
 * standardisation): μ̄_a = (1/n) Σᵢ exp(xᵢ(a)'β̂) with everyone's arm set to a, Δ = μ̄₁ − μ̄₀,
 * Var(Δ) = g'V̂g with g = (1/n) Σᵢ [μᵢ(1) xᵢ(1) − μᵢ(0) xᵢ(0)] (delta method); a z interval.
 * The covariance V̂ is classical or cluster-robust by therapy group (`vcov`).
 *
 * Costs must be positive: a cost of 0 is refused with a pointer to {@link twoPartCostModel}.
 *
 * References: Manning & Mullahy (2001), J Health Econ 20, 461–494; Basu & Manning (2009), Annu
 * Rev Public Health 30, 27–43; Mihaylova et al. (2011), Health Econ 20, 897–916.
 *
 * @param input - `{ participants, covariates? }`; costs per participant are the sum of `costCategories`.
 * @param options - see {@link SkewedCostOptions}.
 * @throws ValidationError for negative costs (unless allowed) or a negative total, with row and field.
 * @throws ArgumentError for unknown options or covariates, a cost of 0, an arm without complete cases.
 * @example
 * const res = gammaCostModel({ participants: positives, covariates: positiveCovariates }, { control: 'control', covariates: ['bk'], vcov: 'classical' });
 * res.difference.estimate; // 4919.50484… (R, recycled glm(Gamma(link = "log")) predictions: 4919.50484745612)
 */
export function gammaCostModel(input: SkewedCostInput, options: SkewedCostOptions = {}): GammaCostModelResult {
  checkOptions('options', options, GAMMA_KEYS);
  const d = prepare(input, options);
  const zeros = d.cost.reduce((s, c) => s + (c === 0 ? 1 : 0), 0);
  if (zeros > 0) {
    throw new ArgumentError(
      'input.participants',
      `${zeros} participant(s) with a cost of 0`,
      'positive costs for a gamma model',
      'A gamma distribution has no mass at 0; use twoPartCostModel (logit for any cost × gamma for positive costs).',
    );
  }
  const all = Int32Array.from({ length: d.n }, (_, i) => i);
  const fit = fitPart(d, frameOf(d, null), 'positive', d.vcov);
  armAliased(fit, 'gamma model');
  // The gamma model is the two-part model with P(cost > 0) = 1.
  const recycled = ([0, 1] as const).map((a) => twoPartMean(d, null, fit, a, all));
  const ciLevel = d.ciLevel;
  const arms: ArmMean[] = ([0, 1] as const).map((a) => ({
    arm: a === 0 ? d.control : d.treated,
    ...armCounts(d, a),
    ...zEstimate(recycled[a]!.mean, quad(recycled[a]!.gPos, fit.vcov), ciLevel),
  }));
  const g = recycled[1]!.gPos.map((v, j) => v - recycled[0]!.gPos[j]!);
  const difference = zEstimate(recycled[1]!.mean - recycled[0]!.mean, quad(g, fit.vcov), ciLevel);
  const armRow = fit.fixedEffects.find((r) => r.term === ARM)!;
  const ratio = Math.exp(armRow.estimate);
  const { term: _arm, ...armStats } = armRow;
  return {
    control: d.control,
    treated: d.treated,
    covariates: d.covariates,
    n: d.n,
    arms,
    difference,
    ratioOfMeans: armStats.estimable
      ? { ...armStats, estimate: ratio, se: ratio * armStats.se!, ci: [Math.exp(armStats.ci![0]), Math.exp(armStats.ci![1])] }
      : { ...armStats, estimate: ratio },
    coefficients: fit.fixedEffects.map(tidyTerm),
    dispersion: fit.dispersion,
    vcovType: d.vcov,
    excluded: d.excluded,
    method:
      `Gamma GLM with log link (fitGlm) of cost on arm${d.covariates.length ? ` and ${d.covariates.join(', ')}` : ''}; ` +
      `mean cost per arm by recycled predictions (everyone set to each arm), difference with delta-method SE (${covarianceText(d.vcov)}), z interval; ratio of means exp(β_arm).`,
    diagnostics: [...d.diagnostics, ...partDiagnostics(fit, 'gamma model')],
  };
}

function covarianceText(vcov: GlmVcovType): string {
  return vcov === 'classical' ? 'classical GLM covariance' : vcov.startsWith('CR') ? `${vcov} cluster-robust covariance, clusters = therapy groups (participants without a group on their own)` : `${vcov} heteroskedasticity-consistent covariance`;
}

/** One part of the two-part model per arm (recycled over everyone analysed). */
export interface TwoPartArm extends ArmMean {
  /** Mean predicted probability of any cost, (1/n) Σᵢ pᵢ(a). */
  probabilityAny: number;
  /** Mean predicted cost given a positive cost, (1/n) Σᵢ mᵢ(a). */
  conditionalMean: number;
}

/** The bootstrap of the combined mean difference. */
export interface TwoPartBootstrap extends Estimate {
  estimate: number;
  /** Standard deviation of the finite replicates. */
  se: number;
  /** Percentile interval. */
  ci: [number, number];
  /** Finite replicates. */
  replicates: number;
  /** Replicates in which a part could not be fitted (e.g. all costs 0 in an arm), left out. */
  failed: number;
  seed: number;
  resample: Record<string, ResampleScheme>;
}

/** The estimates of {@link twoPartCostModel}. */
export interface TwoPartEstimates {
  arms: TwoPartArm[];
  /** Combined mean treated − control, delta-method SE, z interval. */
  difference: DeltaEstimate;
  /** Seeded bootstrap of the difference (`null` with `replicates: 0`). */
  bootstrap: TwoPartBootstrap | null;
  /** Logit part for any cost (`null` when no participant has a cost of 0: the model is the gamma model). */
  anyCost: GlmCoefficientRow[] | null;
  /** Gamma (log link) part for positive costs. */
  positiveCost: GlmCoefficientRow[];
}

/** Result of {@link twoPartCostModel}. */
export type TwoPartCostModelResult = {
  control: string;
  treated: string;
  covariates: string[];
  n: number;
  vcovType: GlmVcovType;
  excluded: number;
  method: string;
  diagnostics: Diagnostic[];
} & Estimable<TwoPartEstimates>;

/**
 * Two-part model for costs with many zeros (Duan et al. 1983): a logistic regression for any
 * cost, P(cᵢ > 0) = pᵢ, and a gamma GLM with log link for positive costs, E(cᵢ | cᵢ > 0) = mᵢ,
 * both on arm and the covariates. The mean cost in arm a is the recycled prediction
 * M_a = (1/n) Σᵢ pᵢ(a)·mᵢ(a) over everyone analysed; the difference M₁ − M₀ has a delta-method
 * SE from the two parts' covariances (block-diagonal: the likelihood factorises), and a
 * seeded nonparametric bootstrap (therapy groups resampled in the treated arm, individuals in
 * the control arm, stratified by arm; both parts refitted; percentile interval).
 *
 * With no zeros the logit part is left out (P = 1) and the result equals {@link gammaCostModel}'s,
 * with a `no-zero-costs` diagnostic. All costs 0 in an arm: not estimable, with the reason.
 *
 * References: Duan, Manning, Morris & Newhouse (1983), J Bus Econ Stat 1, 115–126; Mihaylova
 * et al. (2011), Health Econ 20, 897–916; Basu & Manning (2009).
 *
 * @param input - `{ participants, covariates? }`.
 * @param options - see {@link TwoPartCostOptions}.
 * @throws ValidationError for negative costs (unless allowed) or a negative total, with row and field.
 * @throws ArgumentError for unknown options or covariates, a bad replicate count or seed, an arm without complete cases.
 * @example
 * const res = twoPartCostModel({ participants, covariates }, { control: 'control', covariates: ['bk'], vcov: 'classical', replicates: 0 });
 * res.estimable && res.difference.estimate; // 1999.44882… (R, glm binomial × glm Gamma(log), recycled: 1999.448825697)
 */
export function twoPartCostModel(input: SkewedCostInput, options: TwoPartCostOptions = {}): TwoPartCostModelResult {
  checkOptions('options', options, TWO_PART_KEYS);
  const replicates = checkInteger('options.replicates', options.replicates ?? 1000, 0, 1_000_000);
  const seed = checkSeed(options.seed ?? 1, 'options.seed');
  const d = prepare(input, options);
  const schemes = resolveSchemes(
    d.armName.map((arm, i) => ({ arm, group: d.group[i]! })),
    [d.control, d.treated],
    options.resample,
  );
  const base = {
    control: d.control,
    treated: d.treated,
    covariates: d.covariates,
    n: d.n,
    vcovType: d.vcov,
    excluded: d.excluded,
  };
  const counts = ([0, 1] as const).map((a) => armCounts(d, a));
  const empty = ([0, 1] as const).filter((a) => counts[a]!.zeros === counts[a]!.n);
  const methodText =
    `Two-part model (Duan et al. 1983): logistic regression for any cost × gamma GLM (log link) for positive costs, on arm${d.covariates.length ? ` and ${d.covariates.join(', ')}` : ''}; ` +
    `mean per arm (1/n)Σ pᵢ(a)mᵢ(a) by recycled predictions; difference with delta-method SE (${covarianceText(d.vcov)}; block-diagonal across parts), z interval`;
  if (empty.length > 0) {
    const names = empty.map((a) => `"${a === 0 ? d.control : d.treated}"`).join(' and ');
    return {
      ...base,
      estimable: false,
      reason: `not estimable: every cost in arm ${names} is 0, so the probability of any cost is 0 there (an infinite log-odds) and the positive-cost part has no data for that arm; report the arm's mean cost of 0`,
      method: methodText,
      diagnostics: d.diagnostics,
    };
  }
  const all = Int32Array.from({ length: d.n }, (_, i) => i);
  const noZeros = counts[0]!.zeros + counts[1]!.zeros === 0;
  const diagnostics = [...d.diagnostics];
  if (noZeros) {
    diagnostics.push(noZeroCosts());
  }
  const fits = fitTwoPart(d, all, d.vcov, noZeros);
  if (fits.any) {
    armAliased(fits.any, 'logit part');
    diagnostics.push(...partDiagnostics(fits.any, 'any-cost part (logit)'));
  }
  armAliased(fits.pos, 'gamma part');
  diagnostics.push(...partDiagnostics(fits.pos, 'positive-cost part (gamma)'));
  const parts = ([0, 1] as const).map((a) => twoPartMean(d, fits.any, fits.pos, a, all));
  const variance = (gAny: Float64Array | null, gPos: Float64Array) => (gAny && fits.any ? quad(gAny, fits.any.vcov) : 0) + quad(gPos, fits.pos.vcov);
  const arms: TwoPartArm[] = ([0, 1] as const).map((a) => {
    const pa = parts[a]!;
    return {
      arm: a === 0 ? d.control : d.treated,
      ...counts[a]!,
      ...zEstimate(pa.mean, variance(pa.gAny, pa.gPos), d.ciLevel),
      probabilityAny: pa.probability,
      conditionalMean: pa.conditional,
    };
  });
  const [p0, p1] = [parts[0]!, parts[1]!];
  const gAny = p1.gAny && p0.gAny ? p1.gAny.map((v, j) => v - p0.gAny![j]!) : null;
  const gPos = p1.gPos.map((v, j) => v - p0.gPos[j]!);
  const estimate = p1.mean - p0.mean;
  const difference = zEstimate(estimate, variance(gAny, gPos), d.ciLevel);
  let bootstrap: TwoPartBootstrap | null = null;
  if (replicates > 0) {
    const boot = bootstrapTwoPart(d, schemes, replicates, seed);
    const { sd } = finiteSd(boot.t);
    const perc = percentileInterval(boot.t.filter(Number.isFinite), d.ciLevel);
    bootstrap = { estimate, se: sd, ci: perc.ci, ciLevel: d.ciLevel, replicates: replicates - boot.failed, failed: boot.failed, seed, resample: schemes };
    diagnostics.push(...perc.diagnostics);
    if (boot.failed > 0) {
      diagnostics.push(bootstrapReplicatesFailed(boot.failed, replicates));
    }
  }
  return {
    ...base,
    estimable: true,
    arms,
    difference,
    bootstrap,
    anyCost: fits.any ? fits.any.fixedEffects.map(tidyTerm) : null,
    positiveCost: fits.pos.fixedEffects.map(tidyTerm),
    method: `${methodText}${bootstrap ? `; bootstrap: ${replicates} replicates, seed ${seed}, ${describeSchemes(schemes)}, both parts refitted, percentile interval` : ''}.`,
    diagnostics,
  };
}

function fitTwoPart(d: Prepared, rows: Int32Array, vcov: GlmVcovType, noZeros: boolean): { any: GlmFit | null; pos: GlmFit } {
  const data = frameOf(d, rows);
  const any = noZeros ? null : fitPart(d, data, 'any', vcov);
  const positive = Int32Array.from(Array.from(rows).filter((i) => d.cost[i]! > 0));
  const pos = fitPart(d, frameOf(d, positive), 'positive', vcov);
  return { any, pos };
}

/**
 * Replicates of the combined mean difference: units (therapy groups or individuals) drawn with
 * replacement within each arm from one seeded stream, both parts refitted on the resample.
 */
function bootstrapTwoPart(d: Prepared, schemes: Record<string, ResampleScheme>, replicates: number, seed: number): { t: Float64Array; failed: number } {
  const units: number[][][] = [d.control, d.treated].map((arm) => {
    const byKey = new Map<string, number[]>();
    for (let i = 0; i < d.n; i++) {
      if (d.armName[i] !== arm) continue;
      const key = schemes[arm] === 'clusters' ? d.cluster[i]! : `i:${i}`;
      const list = byKey.get(key);
      if (list) list.push(i);
      else byKey.set(key, [i]);
    }
    return [...byKey.values()];
  });
  const rng = createRng(seed);
  const t = new Float64Array(replicates);
  let failed = 0;
  for (let r = 0; r < replicates; r++) {
    const rows: number[] = [];
    for (const arm of units) {
      for (let j = 0; j < arm.length; j++) rows.push(...arm[rng.int(arm.length)]!);
    }
    t[r] = replicateDifference(d, Int32Array.from(rows));
    if (!Number.isFinite(t[r]!)) failed++;
  }
  return { t, failed };
}

/** The combined mean difference on a resample, NaN when a part cannot be fitted. */
function replicateDifference(d: Prepared, rows: Int32Array): number {
  const zeros = [0, 0];
  const n = [0, 0];
  for (const i of rows) {
    const a = d.arm[i]!;
    n[a]!++;
    if (d.cost[i] === 0) zeros[a]!++;
  }
  if (zeros[0] === n[0] || zeros[1] === n[1]) return Number.NaN;
  try {
    const fits = fitTwoPart(d, rows, 'classical', zeros[0]! + zeros[1]! === 0);
    if (fits.pos.droppedColumns.includes(ARM) || fits.any?.droppedColumns.includes(ARM) || fits.any?.diagnostics.some((x) => x.code === 'separation')) return Number.NaN;
    return twoPartMean(d, fits.any, fits.pos, 1, rows).mean - twoPartMean(d, fits.any, fits.pos, 0, rows).mean;
  } catch (err) {
    if (err instanceof ArgumentError || err instanceof ValidationError) return Number.NaN;
    throw err;
  }
}
