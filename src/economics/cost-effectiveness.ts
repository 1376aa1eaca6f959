/**
 * Trial-based cost-effectiveness: incremental cost and effect, ICER with quadrant, net
 * monetary benefit, the cost-effectiveness plane and the acceptability curve, from one seeded
 * non-parametric bootstrap of costs and effects jointly.
 */
import { NotEstimableError } from '../results/not-estimable.js';
import { ArgumentError, type Diagnostic } from '../errors/index.js';
import { checkReplicates, checkThreads, runBootstrap, type ThreadingOptions } from './bootstrap/engine.js';
import { estimateFromReplicates, buildUnits, jackknifeInfluence, replicatesOf, type ResampleScheme, type SumStatistic, type UnitRow } from './bootstrap/units.js';
import { costTotalOptions, describeSchemes, participantCostTotals, resolveSchemes } from './costs-by-arm.js';
import { chooseArms, effectValue, indexEffects, type CostEffectInput, type EffectEstimator } from './effects.js';
import { acceptabilityCurve, icer, type AcceptabilityCurve, type IcerResult, type Quadrant } from './icer.js';
import type { BootstrapEstimate, CiType } from './types.js';
import { checkWtpGrid, type AllowNegative } from './validate.js';
import { checkCiLevel, checkOptions, checkSeed, optionKeys } from '../errors/checks.js';
import type { CountsBy } from '../results/types.js';
import { incompleteCasesExcluded } from '../errors/diagnostics.js';

/**
 * Default willingness-to-pay grid: 0 to 200,000 in steps of 5,000 (currency per outcome
 * point), which spans the 20,000–100,000 DKK per PSP point the SFT evaluation reported.
 */
export const DEFAULT_WTP: readonly number[] = Object.freeze(Array.from({ length: 41 }, (_, i) => i * 5000));

/** Options of {@link costEffectiveness}. */
export interface CostEffectivenessOptions extends ThreadingOptions {
  /** Control arm. @defaultValue see `chooseArms`: the arm without therapy groups, else the first arm */
  control?: string;
  /** Treated arm. @defaultValue the other arm */
  treated?: string;
  /** How ΔE is estimated. @defaultValue 'mean-difference' */
  effectEstimator?: EffectEstimator;
  /** Cost categories summed into each participant's cost. @defaultValue all categories */
  costCategories?: readonly string[];
  /** Missing cost category: exclude the participant, or count 0. @defaultValue 'exclude' */
  missing?: 'exclude' | 'zero';
  /** Cost categories allowed to be negative. @defaultValue false */
  allowNegative?: AllowNegative;
  /** Willingness-to-pay values (currency per unit of effect), ≥ 0 and strictly increasing. @defaultValue {@link DEFAULT_WTP} */
  wtp?: readonly number[];
  /** Resampling per arm. @defaultValue 'auto' (therapy groups in an arm that has them, individuals otherwise) */
  resample?: 'auto' | Readonly<Record<string, ResampleScheme>>;
  /** Bootstrap replicates. @defaultValue 10000 */
  replicates?: number;
  /** Seed. @defaultValue 1 */
  seed?: number;
  /** Confidence level. @defaultValue 0.95 */
  ciLevel?: number;
  /** Interval reported as `ci`. @defaultValue 'bca' */
  ciType?: CiType;
  /** Keep the replicate pairs (the CE plane) in the result. @defaultValue true */
  keepReplicates?: boolean;
}

/** Net monetary benefit at one willingness to pay. */
export interface NetBenefitAtWtp extends BootstrapEstimate {
  wtp: number;
  /** Share of replicates with positive net benefit (the acceptability curve at this λ). */
  probabilityCostEffective: number;
}

/** Result of {@link costEffectiveness}. */
export interface CostEffectivenessResult {
  control: string;
  treated: string;
  effectEstimator: EffectEstimator;
  /** Complete cases analysed per arm. */
  n: CountsBy<'control' | 'treated'>;
  /** Resampling units per arm (therapy groups, or individuals). */
  units: { control: number; treated: number };
  /** Participants left out for a missing cost or effect. */
  excluded: number;
  /** Mean cost per participant by arm (complete cases). */
  meanCost: { control: number; treated: number };
  /** Mean per-participant effect by arm (mean change for `difference-in-change`; mean follow-up for `ancova`). */
  meanEffect: { control: number; treated: number };
  incrementalCost: BootstrapEstimate;
  incrementalEffect: BootstrapEstimate;
  icer: IcerResult & { quadrantShares: Record<Quadrant, number> };
  netBenefit: NetBenefitAtWtp[];
  ceac: AcceptabilityCurve;
  /** Replicates of (ΔE, ΔC): the points of the cost-effectiveness plane; `null` when `keepReplicates` is false. */
  plane: { deltaEffect: number[]; deltaCost: number[] } | null;
  resample: Record<string, ResampleScheme>;
  replicates: number;
  seed: number;
  ciLevel: number;
  /** Threads the bootstrap ran on (1 = calling thread). */
  threadsUsed: number;
  method: string;
  diagnostics: Diagnostic[];
}

const ESTIMATOR_TEXT: Record<EffectEstimator, string> = {
  'mean-difference': 'ΔE = difference in mean supplied per-participant effect (treated − control)',
  'difference-in-change': 'ΔE = difference in mean change from baseline (followUp − baseline; complete pairs), treated − control',
  ancova: 'ΔE = baseline-adjusted difference in follow-up, (f̄_T − f̄_C) − β(b̄_T − b̄_C) with β the pooled within-arm slope (OLS followUp ~ arm + baseline), recomputed in every replicate',
};

/**
 * Cost-effectiveness of the treated arm against control from a seeded non-parametric
 * bootstrap of costs and effects jointly.
 *
 * ΔC = c̄_T − c̄_C (mean cost per participant); ΔE per `effectEstimator`; ICER = ΔC/ΔE with
 * its quadrant; INB(λ) = λΔE − ΔC for each λ in `wtp` with bootstrap SE and intervals; the
 * acceptability curve P(INB(λ) > 0). Every replicate resamples, within each arm, therapy groups
 * (treated arm, clusters) or individuals (control arm) with replacement, and carries each
 * participant's cost and effect together, so their correlation is kept. Only complete cases
 * (cost and effect present) enter. Blocks of replicates have random streams fixed in advance,
 * so results are bit-identical for a seed whatever `threads` is.
 *
 * References: Barber & Thompson (2000), Stat Med 19, 3219–3236; Glick et al. (2014),
 * *Economic Evaluation in Clinical Trials*, 2nd ed., ch. 7–8; Gomes et al. (2012), Med Decis
 * Making 32, 350–361 (clustered trials: two-stage/cluster bootstrap); Fenwick et al. (2001).
 *
 * @param input - `{ participants, effects }`: costs per participant and effect records joined by id.
 * @param options - see {@link CostEffectivenessOptions}.
 * @returns a promise of the result (worker threads are asynchronous).
 * @throws ValidationError for negative costs (unless allowed), costs or effects of unknown participants, non-finite values.
 * @throws ArgumentError for a non-increasing `wtp`, bad replicates/ciLevel/threads, unknown arms, an arm with no complete case.
 * @example
 * const res = await costEffectiveness({ participants, effects }, { seed: 11, replicates: 2000, wtp: [0, 20000, 50000] });
 * res.icer.quadrant; // e.g. 'trade-off-NE'
 * res.ceac.probability[0] === res.ceac.probabilityCostSaving; // true
 */
export async function costEffectiveness(input: CostEffectInput, options: CostEffectivenessOptions = {}): Promise<CostEffectivenessResult> {
  checkOptions('options', options, optionKeys<CostEffectivenessOptions>()(['control', 'treated', 'effectEstimator', 'costCategories', 'missing', 'allowNegative', 'wtp', 'resample', 'replicates', 'seed', 'ciLevel', 'ciType', 'keepReplicates', 'threads', 'pool']));
  if (typeof input !== 'object' || input === null) throw new ArgumentError('input', input, 'an object { participants, effects }');
  const { participants, effects } = input;
  const estimator = options.effectEstimator ?? 'mean-difference';
  if (!Object.hasOwn(ESTIMATOR_TEXT, estimator)) throw new ArgumentError('effectEstimator', estimator, "'mean-difference', 'difference-in-change' or 'ancova'");
  const replicates = options.replicates ?? 10000;
  const seed = options.seed ?? 1;
  const ciLevel = options.ciLevel ?? 0.95;
  const ciType = options.ciType ?? 'bca';
  const wtp = options.wtp ?? DEFAULT_WTP;
  checkReplicates(replicates);
  checkSeed(seed);
  checkCiLevel(ciLevel);
  checkWtpGrid(wtp);
  checkThreads(options.threads ?? 'auto');
  if (ciType !== 'bca' && ciType !== 'percentile') throw new ArgumentError('ciType', ciType, "'bca' or 'percentile'");
  const totals = participantCostTotals(participants, costTotalOptions(options));
  const byId = indexEffects(participants, effects);
  const arms = chooseArms(participants, options.control, options.treated);
  const armList = [arms.control, arms.treated];
  const schemes = resolveSchemes(participants, armList, options.resample);

  const ancova = estimator === 'ancova';
  const k = ancova ? 7 : 3;
  const rows: UnitRow[] = [];
  let excluded = 0;
  const nArm = [0, 0];
  for (const t of totals) {
    const s = armList.indexOf(t.arm);
    if (s < 0) continue;
    const rec = byId.get(t.id);
    const e = effectValue(rec, estimator);
    if (t.total === null || e === null) {
      excluded++;
      continue;
    }
    nArm[s]!++;
    if (ancova) {
      const b = rec!.baseline!;
      const f = rec!.followUp!;
      rows.push({ stratum: s, group: t.group, values: [1, t.total, e, b, f, b * b, b * f] });
    } else rows.push({ stratum: s, group: t.group, values: [1, t.total, e] });
  }
  armList.forEach((a, s) => {
    if (nArm[s]! < 2) throw new ArgumentError(s === 0 ? 'control' : 'treated', a, 'an arm with at least 2 participants who have both cost and effect');
  });
  // The ANCOVA slope is formed from one-pass sums in every replicate (Σb² − (Σb)²/n); on
  // baseline and follow-up centred at their overall means those sums do not cancel for
  // scores with a large origin. Differences of means and the slope are unchanged by it.
  const centre = ancova ? [3, 4].map((c) => rows.reduce((acc, r) => acc + r.values[c]!, 0) / rows.length) : [0, 0];
  if (ancova) {
    rows.forEach((r, i) => {
      const b = r.values[3]! - centre[0]!;
      const f = r.values[4]! - centre[1]!;
      rows[i] = { ...r, values: [...r.values.slice(0, 3), b, f, b * b, b * f] };
    });
  }
  const data = buildUnits(rows, armList.map((a) => schemes[a]!), k, armList);
  const run = await runBootstrap(data.strata, k, replicates, seed, {
    threads: options.threads ?? 'auto',
    ...(options.pool ? { pool: options.pool } : {}),
  });

  const S = 2;
  const meanCol = (s: number, c: number) => (x: Float64Array, o: number) => x[o + s * k + c]! / x[o + s * k]!;
  const dC: SumStatistic = (x, o) => meanCol(1, 1)(x, o) - meanCol(0, 1)(x, o);
  const dE: SumStatistic = ancova
    ? (x, o) => {
        let sbb = 0;
        let sbf = 0;
        for (let s = 0; s < S; s++) {
          const p = o + s * k;
          const n = x[p]!;
          sbb += x[p + 5]! - (x[p + 3]! * x[p + 3]!) / n;
          sbf += x[p + 6]! - (x[p + 3]! * x[p + 4]!) / n;
        }
        const beta = sbf / sbb;
        const fT = meanCol(1, 4)(x, o);
        const fC = meanCol(0, 4)(x, o);
        const bT = meanCol(1, 3)(x, o);
        const bC = meanCol(0, 3)(x, o);
        return fT - fC - beta * (bT - bC);
      }
    : (x, o) => meanCol(1, 2)(x, o) - meanCol(0, 2)(x, o);

  const tC = replicatesOf(dC, run.sums, S, k);
  const tE = replicatesOf(dE, run.sums, S, k);
  const c0 = dC(data.full, 0);
  const e0 = dE(data.full, 0);
  if (!Number.isFinite(e0)) {
    throw new NotEstimableError('The incremental effect', ancova ? 'the baseline scores do not vary within the arms, so the adjustment for baseline is not defined (use the unadjusted effect)' : 'the mean effects of the arms are not finite numbers');
  }
  const LC = jackknifeInfluence(dC, data);
  const LE = jackknifeInfluence(dE, data);
  const incrementalCost = estimateFromReplicates(tC, c0, LC, ciLevel, ciType);
  const incrementalEffect = estimateFromReplicates(tE, e0, LE, ciLevel, ciType);

  const ceac = acceptabilityCurve(tC, tE, wtp);
  const netBenefit: NetBenefitAtWtp[] = wtp.map((lambda, j) => {
    const t = new Float64Array(tC.length);
    for (let r = 0; r < t.length; r++) t[r] = lambda * tE[r]! - tC[r]!;
    const L = new Float64Array(LC.length);
    for (let i = 0; i < L.length; i++) L[i] = lambda * LE[i]! - LC[i]!;
    return { ...estimateFromReplicates(t, lambda * e0 - c0, L, ciLevel, ciType), wtp: lambda, probabilityCostEffective: ceac.probability[j]! };
  });

  const shares: Record<Quadrant, number> = { dominant: 0, dominated: 0, 'trade-off-NE': 0, 'trade-off-SW': 0, undefined: 0 };
  let finite = 0;
  for (let r = 0; r < tC.length; r++) {
    const c = tC[r]!;
    const e = tE[r]!;
    if (!Number.isFinite(c) || !Number.isFinite(e)) continue;
    finite++;
    shares[icer(c, e).quadrant]++;
  }
  for (const q of Object.keys(shares) as Quadrant[]) shares[q] /= finite;
  const point = icer(c0, e0);

  const diagnostics: Diagnostic[] = [...arms.diagnostics, ...data.diagnostics, ...run.diagnostics];
  if (excluded > 0) {
    diagnostics.push(incompleteCasesExcluded(excluded, 'both a cost total and an effect'));
  }
  for (const d of [...incrementalCost.diagnostics, ...incrementalEffect.diagnostics]) {
    if (!diagnostics.some((x) => x.code === d.code)) diagnostics.push(d);
  }

  const keep = options.keepReplicates ?? true;
  const method =
    `Trial-based cost-effectiveness, ${arms.treated} vs ${arms.control}. ΔC = difference in mean cost per participant; ${ESTIMATOR_TEXT[estimator]}. ` +
    `Joint non-parametric bootstrap of cost and effect, ${replicates} replicates, seed ${seed}: ${describeSchemes(schemes)}; complete cases only. ` +
    `INB(λ) = λ·ΔE − ΔC; acceptability curve = share of replicates with INB > 0; ` +
    `${ciType === 'bca' ? 'BCa' : 'percentile'} intervals (${Math.round(ciLevel * 1000) / 10} %) as R boot.ci with jackknife acceleration over resampling units. ` +
    `No interval is given for the ICER itself (replicates may fall in several quadrants); use the INB intervals and the acceptability curve.`;
  return {
    control: arms.control,
    treated: arms.treated,
    effectEstimator: estimator,
    n: { control: nArm[0]!, treated: nArm[1]! },
    units: { control: data.strata[0]!.m, treated: data.strata[1]!.m },
    excluded,
    meanCost: { control: meanCol(0, 1)(data.full, 0), treated: meanCol(1, 1)(data.full, 0) },
    meanEffect: ancova
      ? { control: meanCol(0, 4)(data.full, 0) + centre[1]!, treated: meanCol(1, 4)(data.full, 0) + centre[1]! }
      : { control: meanCol(0, 2)(data.full, 0), treated: meanCol(1, 2)(data.full, 0) },
    incrementalCost,
    incrementalEffect,
    icer: { ...point, quadrantShares: shares },
    netBenefit,
    ceac,
    plane: keep ? { deltaEffect: Array.from(tE), deltaCost: Array.from(tC) } : null,
    resample: schemes,
    replicates,
    seed,
    ciLevel,
    threadsUsed: run.threadsUsed,
    method,
    diagnostics,
  };
}
