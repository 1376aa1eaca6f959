/**
 * Cost per QALY: the joint bootstrap of costs and QALYs (`costEffectiveness` with QALYs as the
 * effect), the expected value of perfect information from the same replicates, and the
 * "probability of an effect of at least X at an extra cost of at most Y" reading of any plane.
 */
import { ArgumentError, type Diagnostic } from '../../errors/index.js';
import { checkFinite, checkOptions, optionKeys } from '../../errors/checks.js';
import { costEffectiveness, type CostEffectivenessOptions, type CostEffectivenessResult } from '../cost-effectiveness.js';
import type { EffectRecord } from '../effects.js';
import type { CostParticipant } from '../types.js';
import { checkWtpGrid } from '../validate.js';
import type { QalyHorizonResult } from './qaly.js';

/** The replicates of (ΔE, ΔC): the points of a cost-effectiveness plane. */
export interface CePlane {
  readonly deltaEffect: ArrayLike<number>;
  readonly deltaCost: ArrayLike<number>;
}

/**
 * Default willingness-to-pay grid per QALY: 0 to 1,500,000 in steps of 25,000 (currency per
 * QALY). Denmark has no official threshold; the grid spans the values discussed for DKK (and
 * NICE's £20,000–30,000 in DKK), so the curve can be read at any of them.
 */
export const DEFAULT_WTP_QALY: readonly number[] = Object.freeze(Array.from({ length: 61 }, (_, i) => i * 25000));

/** Expected value of perfect information per person along a willingness-to-pay grid. */
export interface EvpiCurve {
  wtp: number[];
  /** EVPI(λ) per person, in currency; ≥ 0. */
  perPerson: number[];
  /** Replicate pairs used (finite ΔC and ΔE). */
  replicates: number;
  method: string;
}

function checkPlane(plane: CePlane): void {
  if (typeof plane !== 'object' || plane === null || plane.deltaCost === undefined || plane.deltaEffect === undefined) {
    throw new ArgumentError('plane', plane, "the replicates { deltaEffect, deltaCost }, e.g. a costEffectiveness result's plane (keepReplicates: true)");
  }
  if (plane.deltaCost.length !== plane.deltaEffect.length || plane.deltaCost.length === 0) {
    throw new ArgumentError('plane.deltaEffect', plane.deltaEffect.length, `as many replicates as plane.deltaCost (${plane.deltaCost.length}), at least one`);
  }
}

/** Visit the replicates with finite ΔE and ΔC, in order (ΔE, ΔC); how many there were, an ArgumentError when none. */
function finiteReplicates(plane: CePlane, visit: (e: number, c: number) => void): number {
  let n = 0;
  for (let r = 0; r < plane.deltaCost.length; r++) {
    const c = plane.deltaCost[r]!;
    const e = plane.deltaEffect[r]!;
    if (!Number.isFinite(c) || !Number.isFinite(e)) continue;
    n++;
    visit(e, c);
  }
  if (n === 0) throw new ArgumentError('plane', 0, 'at least one replicate with finite ΔE and ΔC');
  return n;
}

/**
 * Expected value of perfect information per person from bootstrap replicates,
 * EVPI(λ) = E_r[max_j NB_j(λ)] − max_j E_r[NB_j(λ)] over the two options j = control, treated.
 * With net benefits measured against control (NB_control = 0, NB_treated = INB_r(λ) = λΔE_r − ΔC_r)
 * this is mean_r max(0, INB_r) − max(0, mean_r INB_r), identical to the two-column form since a
 * common term cancels. It is ≥ 0, and 0 when one option has the larger net benefit in every
 * replicate. Population EVPI multiplies it by the number of people affected over the
 * decision's lifetime (discounted), which is the user's to choose.
 *
 * References: Claxton (1999), J Health Econ 18, 341–364; Briggs, Claxton & Sculpher (2006),
 * *Decision Modelling for Health Economic Evaluation*, ch. 6; Felli & Hazen (1998).
 *
 * @param plane - replicates of ΔE and ΔC (treated − control), paired.
 * @param wtp - willingness-to-pay grid, ≥ 0 and strictly increasing.
 * @throws ArgumentError for unpaired replicates, no finite replicate, or a bad grid.
 * @example
 * expectedValueOfPerfectInformation({ deltaEffect: [1, -1], deltaCost: [0, 0] }, [0, 10]).perPerson; // [0, 5]
 */
export function expectedValueOfPerfectInformation(plane: CePlane, wtp: readonly number[]): EvpiCurve {
  checkPlane(plane);
  checkWtpGrid(wtp);
  const sumMax = new Float64Array(wtp.length);
  const sumNb = new Float64Array(wtp.length);
  const n = finiteReplicates(plane, (e, c) => {
    for (let j = 0; j < wtp.length; j++) {
      const nb = wtp[j]! * e - c;
      sumNb[j]! += nb;
      if (nb > 0) sumMax[j]! += nb;
    }
  });
  // Clamped at 0: the two sums are the same numbers when one option wins everywhere, and rounding must not make the value negative.
  const perPerson = wtp.map((_, j) => Math.max(0, sumMax[j]! / n - Math.max(0, sumNb[j]! / n)));
  return {
    wtp: [...wtp],
    perPerson,
    replicates: n,
    method: 'EVPI(λ) = mean over replicates of max(0, λΔE − ΔC) − max(0, mean over replicates of λΔE − ΔC) (per person; net benefits relative to control)',
  };
}

/** Result of {@link probabilityOfEffectAtCost}. */
export interface EffectAtCostProbability {
  minEffect: number;
  maxExtraCost: number;
  /** P(ΔE ≥ minEffect and ΔC ≤ maxExtraCost) over the replicates: the literal joint reading. */
  probability: number;
  /**
   * P(λΔE − ΔC > 0) at λ = maxExtraCost / minEffect: the acceptability-curve reading ("an effect
   * of minEffect is worth maxExtraCost"), which is how the SFT evaluation's figures were read off
   * its curves; "not estimable" when minEffect ≤ 0 (no price per unit).
   */
  probabilityNetBenefit: number | string;
  replicates: number;
  method: string;
}

/**
 * "The probability of an effect of at least X at an extra cost of at most Y" from the
 * replicates of any cost-effectiveness plane (PSP points, QALYs, …). Two readings are given:
 * the joint probability P(ΔE* ≥ X, ΔC* ≤ Y), and the acceptability curve at λ = Y/X, the
 * share of replicates in which paying Y per X units of effect is worth it, P(λΔE* − ΔC* > 0).
 * The SFT report's statements ("at 20,000 DKK extra cost the probability of a 1-point PSP
 * effect is 80 %") are points on acceptability curves, i.e. the second reading.
 *
 * @param plane - replicates of ΔE and ΔC (treated − control), paired.
 * @param minEffect - X, on the effect's scale.
 * @param maxExtraCost - Y, currency per participant.
 * @throws ArgumentError for unpaired replicates or non-finite X or Y.
 * @example
 * probabilityOfEffectAtCost({ deltaEffect: [2, 0.5, 1.5, 3], deltaCost: [10000, 5000, 30000, 15000] }, 1, 20000).probability; // 0.5
 */
export function probabilityOfEffectAtCost(plane: CePlane, minEffect: number, maxExtraCost: number): EffectAtCostProbability {
  checkPlane(plane);
  checkFinite('minEffect', minEffect);
  checkFinite('maxExtraCost', maxExtraCost);
  const lambda = minEffect > 0 ? maxExtraCost / minEffect : null;
  let joint = 0;
  let nb = 0;
  const n = finiteReplicates(plane, (e, c) => {
    if (e >= minEffect && c <= maxExtraCost) joint++;
    if (lambda !== null && lambda * e - c > 0) nb++;
  });
  return {
    minEffect,
    maxExtraCost,
    probability: joint / n,
    probabilityNetBenefit: lambda === null ? `not estimable: minEffect ${minEffect} ≤ 0 gives no price per unit of effect` : nb / n,
    replicates: n,
    method: `Share of bootstrap replicates with ΔE ≥ ${minEffect} and ΔC ≤ ${maxExtraCost}; and with λΔE − ΔC > 0 at λ = ${maxExtraCost}/${minEffect} (acceptability curve)`,
  };
}

/** Options of {@link costUtility}: those of `costEffectiveness`, QALYs being the effect. */
export interface CostUtilityOptions extends Omit<CostEffectivenessOptions, 'effectEstimator' | 'wtp'> {
  /**
   * Adjust incremental QALYs for baseline utility in every replicate (the arm coefficient of
   * QALY ~ arm + baseline utility, Manca et al. 2005) rather than the difference in mean QALYs.
   * @defaultValue true
   */
  adjustBaseline?: boolean;
  /** Willingness-to-pay values per QALY, ≥ 0 and strictly increasing. @defaultValue {@link DEFAULT_WTP_QALY} */
  wtp?: readonly number[];
}
const COST_UTILITY_KEYS = optionKeys<CostUtilityOptions>()([
  'adjustBaseline',
  'control',
  'treated',
  'costCategories',
  'missing',
  'allowNegative',
  'wtp',
  'resample',
  'replicates',
  'seed',
  'ciLevel',
  'ciType',
  'keepReplicates',
  'threads',
  'pool',
]);

/** Result of {@link costUtility}. */
export interface CostUtilityResult extends CostEffectivenessResult {
  /** The QALY horizon analysed. */
  horizon: string;
  /** The utility value set the QALYs were computed with. */
  valueSet: string;
  adjustBaseline: boolean;
  /** EVPI per person over the `wtp` grid, from the same replicates as the acceptability curve. */
  evpi: EvpiCurve;
}

/**
 * Cost-utility analysis: cost per QALY of the treated arm against control over one QALY
 * horizon from a seeded joint bootstrap of per-participant costs and QALYs, by
 * `costEffectiveness` (therapy groups resampled in the treated arm, individuals in control;
 * bit-identical for a seed whatever the number of threads). Gives incremental cost and QALYs
 * with BCa intervals, the ICER with its quadrant, INB(λ) per QALY, the CE plane, the
 * acceptability curve and EVPI per person on the `wtp` grid. Incremental QALYs are
 * baseline-utility adjusted by default (`adjustBaseline`). Participants need both a cost total
 * and QALYs (complete cases; those without every utility are already out of the horizon).
 *
 * @param input - `{ participants, qalys }`: participants with costs, and one horizon of `qalys()`.
 * @param options - see {@link CostUtilityOptions}.
 * @throws as `costEffectiveness`, and ArgumentError for a bad horizon or option.
 * @example
 * const cu = await costUtility({ participants, qalys: q.horizons[1] }, { seed: 3, replicates: 2000, threads: 1 });
 * cu.evpi.perPerson[0]; // EVPI at λ = 0
 */
export async function costUtility(input: { participants: readonly CostParticipant[]; qalys: QalyHorizonResult }, options?: CostUtilityOptions): Promise<CostUtilityResult> {
  const opts = checkOptions('options', options, COST_UTILITY_KEYS);
  if (typeof input !== 'object' || input === null) throw new ArgumentError('input', input, 'an object { participants, qalys }');
  const horizon = input.qalys;
  if (typeof horizon !== 'object' || horizon === null || !Array.isArray(horizon.participants)) {
    throw new ArgumentError('qalys', horizon, 'one horizon of a qalys() result, e.g. res.horizons[0]');
  }
  const adjustBaseline = opts.adjustBaseline ?? true;
  if (typeof adjustBaseline !== 'boolean') throw new ArgumentError('adjustBaseline', adjustBaseline, 'true or false');
  const effects: EffectRecord[] = horizon.participants.map((p) => ({ id: p.id, effect: p.qaly, baseline: p.baselineUtility, followUp: p.qaly }));
  const { adjustBaseline: _, keepReplicates, ...rest } = opts;
  const wtp = opts.wtp ?? DEFAULT_WTP_QALY;
  const ce = await costEffectiveness(
    { participants: input.participants, effects },
    { ...rest, wtp, effectEstimator: adjustBaseline ? 'ancova' : 'mean-difference', keepReplicates: true },
  );
  const evpi = expectedValueOfPerfectInformation(ce.plane!, wtp);
  const diagnostics: Diagnostic[] = [...ce.diagnostics];
  const qalyText = adjustBaseline
    ? 'ΔQALY = arm coefficient of QALY ~ arm + baseline utility (Manca, Hawkins & Sculpher 2005), re-estimated in every replicate'
    : 'ΔQALY = difference in mean QALYs';
  return {
    ...ce,
    plane: keepReplicates === false ? null : ce.plane,
    horizon: horizon.label,
    valueSet: horizon.valueSet,
    adjustBaseline,
    evpi,
    method: `Cost-utility over ${horizon.label}: effect = QALYs (${horizon.valueSet}, discounted at ${Math.round(horizon.discountRate * 1e6) / 1e4} % a year after the first); ${qalyText}. ${ce.method} EVPI per person from the same replicates: ${evpi.method}.`,
    diagnostics,
  };
}
