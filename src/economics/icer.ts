/**
 * Incremental cost-effectiveness ratio with its quadrant on the cost-effectiveness plane,
 * net monetary benefit, and the acceptability curve from bootstrap replicates.
 */
import { ArgumentError } from '../errors/index.js';
import { checkWtpGrid } from './validate.js';

/**
 * Where (ΔE, ΔC) lies on the cost-effectiveness plane (effect on the x-axis, cost on the y-axis):
 * - `dominant`: more effective and less costly (SE quadrant; on an axis: no worse on one, better on the other);
 * - `dominated`: less effective and more costly (NW; on an axis: no better on one, worse on the other);
 * - `trade-off-NE`: more effective and more costly; cost-effective when ICER ≤ λ;
 * - `trade-off-SW`: less effective and less costly; cost-effective when ICER ≥ λ (the saving per unit of effect given up is large enough);
 * - `undefined`: ΔE = ΔC = 0.
 */
export type Quadrant = 'dominant' | 'dominated' | 'trade-off-NE' | 'trade-off-SW' | 'undefined';

/** Result of {@link icer}. */
export interface IcerResult {
  /** ΔC / ΔE; `null` when ΔE = 0. In the dominant and dominated quadrants it is negative and not to be compared with a willingness to pay. */
  estimate: number | null;
  deltaCost: number;
  deltaEffect: number;
  quadrant: Quadrant;
  /** True when the point lies on an axis (ΔE = 0 or ΔC = 0), so dominance is weak. */
  onAxis: boolean;
  /** Plain-language reading. */
  interpretation: string;
  method: string;
}

/**
 * Incremental cost-effectiveness ratio ICER = ΔC/ΔE with the quadrant stated.
 *
 * Reference: Drummond et al. (2015), *Methods for the Economic Evaluation of Health Care
 * Programmes*, 4th ed., ch. 4; Black (1990), Med Decis Making 10, 212–214 (the CE plane).
 *
 * @param deltaCost - incremental cost (treated − control), currency per participant.
 * @param deltaEffect - incremental effect (treated − control), outcome points per participant.
 * @throws ArgumentError when either is not a finite number.
 * @example
 * icer(20000, 2).quadrant; // 'trade-off-NE'
 * icer(20000, 2).estimate; // 10000
 * icer(-5000, 1).quadrant; // 'dominant'
 */
export function icer(deltaCost: number, deltaEffect: number): IcerResult {
  if (typeof deltaCost !== 'number' || !Number.isFinite(deltaCost)) throw new ArgumentError('deltaCost', deltaCost, 'a finite number');
  if (typeof deltaEffect !== 'number' || !Number.isFinite(deltaEffect)) throw new ArgumentError('deltaEffect', deltaEffect, 'a finite number');
  const estimate = deltaEffect === 0 ? null : deltaCost / deltaEffect;
  const onAxis = deltaEffect === 0 || deltaCost === 0;
  let quadrant: Quadrant;
  let interpretation: string;
  if (deltaEffect === 0 && deltaCost === 0) {
    quadrant = 'undefined';
    interpretation = 'No difference in cost or effect: the ICER is undefined.';
  } else if (deltaEffect >= 0 && deltaCost <= 0) {
    quadrant = 'dominant';
    interpretation = onAxis
      ? 'Weakly dominant: no worse on cost or effect and better on the other. Cost-effective at any willingness to pay.'
      : 'Dominant: more effective and less costly. Cost-effective at any willingness to pay; the (negative) ICER is not interpreted.';
  } else if (deltaEffect <= 0 && deltaCost >= 0) {
    quadrant = 'dominated';
    interpretation = onAxis
      ? 'Weakly dominated: no better on cost or effect and worse on the other. Not cost-effective at any willingness to pay.'
      : 'Dominated: less effective and more costly. Not cost-effective at any willingness to pay; the (negative) ICER is not interpreted.';
  } else if (deltaEffect > 0) {
    quadrant = 'trade-off-NE';
    interpretation = `More effective and more costly: ${fmt(estimate!)} per unit of effect gained; cost-effective when the willingness to pay is at least this.`;
  } else {
    quadrant = 'trade-off-SW';
    interpretation = `Less effective and less costly: saves ${fmt(estimate!)} per unit of effect given up; cost-effective when the willingness to pay is at most this.`;
  }
  return { estimate, deltaCost, deltaEffect, quadrant, onAxis, interpretation, method: 'ICER = ΔC/ΔE (treated − control), quadrant on the cost-effectiveness plane' };
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(6);
}

/**
 * Incremental net monetary benefit INB(λ) = λ·ΔE − ΔC at each willingness to pay λ.
 * Positive means cost-effective at λ (in every quadrant, unlike the ICER).
 *
 * Reference: Stinnett & Mullahy (1998), Med Decis Making 18 (suppl), S68–S80.
 *
 * @param deltaCost - incremental cost.
 * @param deltaEffect - incremental effect.
 * @param wtp - willingness-to-pay values, ≥ 0 and strictly increasing.
 * @throws ArgumentError for a non-increasing or negative grid, or non-finite increments.
 * @example
 * netMonetaryBenefit(20000, 2, [0, 10000, 20000]); // [-20000, 0, 20000]
 */
export function netMonetaryBenefit(deltaCost: number, deltaEffect: number, wtp: readonly number[]): number[] {
  if (!Number.isFinite(deltaCost)) throw new ArgumentError('deltaCost', deltaCost, 'a finite number');
  if (!Number.isFinite(deltaEffect)) throw new ArgumentError('deltaEffect', deltaEffect, 'a finite number');
  checkWtpGrid(wtp);
  return wtp.map((l) => l * deltaEffect - deltaCost);
}

/** Result of {@link acceptabilityCurve}. */
export interface AcceptabilityCurve {
  wtp: number[];
  /** P(λ·ΔE − ΔC > 0) over the replicates at each λ. */
  probability: number[];
  /** P(ΔC < 0): the curve's value at λ = 0. */
  probabilityCostSaving: number;
  /** P(ΔE > 0): the curve's limit as λ → ∞ (replicates with ΔE = 0 count as cost-effective only when ΔC < 0). */
  probabilityEffectPositive: number;
  /** Replicate pairs used (finite ΔC and ΔE). */
  replicates: number;
  method: string;
}

/**
 * Cost-effectiveness acceptability curve from joint replicates of (ΔC, ΔE): at each λ the
 * share of replicates with positive net benefit λ·ΔE − ΔC > 0 (a tie counts as not
 * cost-effective). At λ = 0 this is the share with ΔC < 0; as λ grows it approaches the
 * share with ΔE > 0.
 *
 * Reference: van Hout et al. (1994), Health Econ 3, 309–319; Fenwick, Claxton & Sculpher
 * (2001), Health Econ 10, 779–787.
 *
 * @param deltaCosts - replicates of ΔC.
 * @param deltaEffects - replicates of ΔE, paired with `deltaCosts`.
 * @param wtp - willingness-to-pay grid, ≥ 0 and strictly increasing.
 * @throws ArgumentError when the arrays differ in length or the grid is not increasing.
 * @example
 * acceptabilityCurve([100, -50, 200, 300], [1, 1, -1, 2], [0, 150, 1e9]).probability; // [0.25, 0.5, 0.75]
 */
export function acceptabilityCurve(deltaCosts: ArrayLike<number>, deltaEffects: ArrayLike<number>, wtp: readonly number[]): AcceptabilityCurve {
  if (deltaCosts.length !== deltaEffects.length) {
    throw new ArgumentError('deltaEffects', deltaEffects.length, `as many replicates as deltaCosts (${deltaCosts.length})`);
  }
  checkWtpGrid(wtp);
  let n = 0;
  let saving = 0;
  let positive = 0;
  const hits = new Array<number>(wtp.length).fill(0);
  for (let r = 0; r < deltaCosts.length; r++) {
    const c = deltaCosts[r]!;
    const e = deltaEffects[r]!;
    if (!Number.isFinite(c) || !Number.isFinite(e)) continue;
    n++;
    if (c < 0) saving++;
    if (e > 0) positive++;
    for (let j = 0; j < wtp.length; j++) if (wtp[j]! * e - c > 0) hits[j]!++;
  }
  return {
    wtp: [...wtp],
    probability: hits.map((h) => h / n),
    probabilityCostSaving: saving / n,
    probabilityEffectPositive: positive / n,
    replicates: n,
    method: 'Share of bootstrap replicates with λ·ΔE − ΔC > 0 at each willingness to pay λ',
  };
}
