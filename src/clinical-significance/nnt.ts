/**
 * Number needed to treat with its confidence interval, also when the risk difference's interval
 * crosses zero (Altman 1998).
 */
import { ArgumentError, type Diagnostic } from '../errors/index.js';
import { checkCiLevel, checkOptions, optionKeys } from '../errors/checks.js';

/** A risk difference with its interval, e.g. the result of `riskDifference`. */
export interface RiskDifferenceInput {
  /** p_treatment − p_control. */
  estimate: number;
  ci: readonly [number, number];
  ciLevel: number;
  /** @defaultValue `NaN` (unknown) */
  n?: number;
}

/** Options of {@link numberNeededToTreat}. */
export interface NntOptions {
  /**
   * Whether an event is good (reliable improvement, recovery: a positive difference is benefit)
   * or bad (deterioration, harm: a positive difference is harm).
   * @defaultValue `'benefit'`
   */
  event?: 'benefit' | 'harm';
}

/** A number needed to treat. */
export interface NntResult {
  /** 1/|RD|: treated people per one extra benefited (NNTB) or harmed (NNTH) person; Infinity when RD = 0. */
  estimate: number;
  /** `benefit` (the estimate is an NNTB), `harm` (an NNTH) or `none` (RD = 0). */
  kind: 'benefit' | 'harm' | 'none';
  /** The risk difference it comes from. */
  riskDifference: number;
  /**
   * The interval, in Altman's two scales. When the RD interval lies on one side of 0, one of the
   * two is a finite interval and the other `null`. When it includes 0, the NNT interval runs from
   * NNTB = 1/(upper benefit limit) through ∞ to NNTH = 1/|lower limit|: both parts have an
   * infinite upper end (`[lo, Infinity]`); a part is `null` when its RD limit is exactly 0.
   */
  ci: { nntb: [number, number] | null; nnth: [number, number] | null };
  ciLevel: number;
  /** The RD interval includes 0, so the NNT interval passes through infinity. */
  ciIncludesInfinity: boolean;
  /** The interval as Altman writes it, e.g. `NNTB 4.2 to ∞ to NNTH 12.5`. */
  ciText: string;
  n: number;
  method: string;
  diagnostics: Diagnostic[];
}

const show = (v: number): string => (Number.isFinite(v) ? Number(v.toPrecision(3)).toString() : '∞');

/**
 * Number needed to treat from a risk difference RD = p_treatment − p_control and its interval
 * [L, U]. With b = RD for a beneficial event (−RD for a harmful one) and its limits [b_L, b_U]:
 * - estimate 1/|b|, an NNTB when b > 0 and an NNTH when b < 0 (∞ when b = 0);
 * - b_L > 0: NNTB from 1/b_U to 1/b_L; b_U < 0: NNTH from 1/|b_U| to 1/|b_L|;
 * - b_L < 0 < b_U: the interval is not [1/b_U, 1/b_L] (which would exclude the estimate) but the
 *   two outer pieces, NNTB from 1/b_U to ∞ and NNTH from 1/|b_L| to ∞: "NNTB 1/b_U to ∞ to NNTH 1/|b_L|".
 *
 * Reference: Altman, D. G. (1998). Confidence intervals for the number needed to treat. BMJ 317,
 * 1309–1312.
 * @throws ArgumentError when the estimate or interval is not finite within [−1, 1], the interval
 *   does not contain the estimate, or `event` is unknown.
 * @example
 * numberNeededToTreat({ estimate: 0.1, ci: [-0.05, 0.25], ciLevel: 0.95 }).ciText; // 'NNTB 4 to ∞ to NNTH 20'
 */
export function numberNeededToTreat(rd: RiskDifferenceInput, options?: NntOptions): NntResult {
  checkOptions('options', options, optionKeys<NntOptions>()(['event']));
  if (typeof rd !== 'object' || rd === null) throw new ArgumentError('rd', rd, 'a risk difference { estimate, ci, ciLevel }');
  const event = options?.event ?? 'benefit';
  if (event !== 'benefit' && event !== 'harm') throw new ArgumentError('event', event, '"benefit" or "harm"');
  const { estimate } = rd;
  if (typeof estimate !== 'number' || !(estimate >= -1 && estimate <= 1)) throw new ArgumentError('rd.estimate', estimate, 'a risk difference in [−1, 1]');
  if (!Array.isArray(rd.ci) || rd.ci.length !== 2) throw new ArgumentError('rd.ci', rd.ci, 'an interval [lower, upper]');
  const [lo, hi] = rd.ci;
  if (typeof lo !== 'number' || typeof hi !== 'number' || !(lo >= -1 && hi <= 1 && lo <= estimate && estimate <= hi)) {
    throw new ArgumentError('rd.ci', rd.ci, `an interval within [−1, 1] that contains the estimate ${estimate}`);
  }
  checkCiLevel(rd.ciLevel, 'rd.ciLevel');
  const s = event === 'benefit' ? 1 : -1;
  const b = s * estimate;
  const bL = s > 0 ? lo : -hi;
  const bU = s > 0 ? hi : -lo;
  const kind: NntResult['kind'] = b > 0 ? 'benefit' : b < 0 ? 'harm' : 'none';
  let nntb: [number, number] | null = null;
  let nnth: [number, number] | null = null;
  let ciIncludesInfinity: boolean;
  let ciText: string;
  if (bL > 0) {
    nntb = [1 / bU, 1 / bL];
    ciIncludesInfinity = false;
    ciText = `NNTB ${show(nntb[0])} to ${show(nntb[1])}`;
  } else if (bU < 0) {
    nnth = [1 / -bL, 1 / -bU];
    ciIncludesInfinity = false;
    ciText = `NNTH ${show(nnth[0])} to ${show(nnth[1])}`;
  } else {
    ciIncludesInfinity = true;
    if (bU > 0) nntb = [1 / bU, Number.POSITIVE_INFINITY];
    if (bL < 0) nnth = [1 / -bL, Number.POSITIVE_INFINITY];
    const parts: string[] = [];
    if (nntb) parts.push(`NNTB ${show(nntb[0])}`);
    parts.push('∞');
    if (nnth) parts.push(`NNTH ${show(nnth[0])}`);
    ciText = parts.join(' to ');
  }
  return {
    estimate: b === 0 ? Number.POSITIVE_INFINITY : 1 / Math.abs(b),
    kind,
    riskDifference: estimate,
    ci: { nntb, nnth },
    ciLevel: rd.ciLevel,
    ciIncludesInfinity,
    ciText,
    n: rd.n ?? Number.NaN,
    method: `Number needed to treat, 1/|RD| with the RD interval inverted (Altman 1998); events are ${event === 'benefit' ? 'beneficial' : 'harmful'}`,
    diagnostics: [],
  };
}
