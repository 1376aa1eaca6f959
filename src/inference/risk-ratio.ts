/**
 * Risk ratio and odds ratio of two independent groups with their confidence intervals.
 */
import { ArgumentError, type Diagnostic } from '../errors/index.js';
import { zeroCellOddsRatio, zeroCellRiskRatio } from '../errors/diagnostics.js';
import { normalQuantile } from '../distributions/normal.js';
import { conditionalOddsRatio } from './fisher-exact.js';
import type { IntervalResult, TwoGroupCounts } from './types.js';
import { checkTwoGroups } from './validate.js';
import { checkCiLevel, checkOptions, optionKeys } from '../errors/checks.js';

/** A ratio estimate with the standard error of its logarithm (when the method has one). */
export interface RatioResult extends IntervalResult {
  /** Standard error of the log ratio; `null` for the exact conditional interval. */
  se: number | null;
}

/** Options of {@link riskRatio}. */
export interface RiskRatioOptions {
  /** Two-sided confidence level. @defaultValue 0.95 */
  ciLevel?: number;
  /**
   * Added to each cell of the 2×2 table when an event count is zero (Haldane–Anscombe); 0 leaves
   * the table as is, which gives a ratio of 0 or Infinity and an unbounded interval.
   * @defaultValue 0.5
   */
  zeroCorrection?: number;
}

function readCorrection(v: number | undefined): number {
  const c = v ?? 0.5;
  if (typeof c !== 'number' || !(c >= 0) || !Number.isFinite(c)) throw new ArgumentError('zeroCorrection', c, 'a non-negative number, usually 0.5');
  return c;
}

/**
 * Risk ratio (p1/p2, treatment over control) with the log (Katz) interval:
 * exp(ln RR ± z·SE), SE = √(1/x1 − 1/n1 + 1/x2 − 1/n2).
 * When an event count is 0, `zeroCorrection` is added to every cell (x_i + c, n_i + 2c) and a
 * diagnostic says so.
 *
 * Reference: Katz, D., Baptista, J., Azen, S. P., & Pike, M. C. (1978). Obtaining confidence
 * intervals for the risk ratio in cohort studies. Biometrics 34, 469–474.
 * @throws ArgumentError when a count is invalid, ciLevel ∉ (0, 1) or zeroCorrection < 0.
 * @example
 * riskRatio({ x1: 56, n1: 70, x2: 48, n2: 80 }).estimate; // 1.3333333333333335
 */
export function riskRatio(counts: TwoGroupCounts, options?: RiskRatioOptions): RatioResult {
  checkOptions('options', options, optionKeys<RiskRatioOptions>()(['ciLevel', 'zeroCorrection']));
  checkTwoGroups(counts);
  const ciLevel = options?.ciLevel ?? 0.95;
  checkCiLevel(ciLevel);
  const corr = readCorrection(options?.zeroCorrection);
  let { x1, n1, x2, n2 } = counts;
  const diagnostics: Diagnostic[] = [];
  const n = n1 + n2;
  if ((x1 === 0 || x2 === 0) && corr > 0) {
    x1 += corr;
    x2 += corr;
    n1 += 2 * corr;
    n2 += 2 * corr;
    diagnostics.push(zeroCellRiskRatio(corr));
  }
  const estimate = x1 / n1 / (x2 / n2);
  const se = Math.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2);
  const z = normalQuantile(1 - (1 - ciLevel) / 2);
  const ci: [number, number] = Number.isFinite(se) && estimate > 0 && Number.isFinite(estimate) ? [estimate * Math.exp(-z * se), estimate * Math.exp(z * se)] : [0, Number.POSITIVE_INFINITY];
  return { estimate, ci, ciLevel, se, n, method: 'Risk ratio, log (Katz) interval', diagnostics };
}

/** The odds-ratio methods. */
export type OddsRatioMethod = 'woolf' | 'conditional';

/** Options of {@link oddsRatio}. */
export interface OddsRatioOptions extends RiskRatioOptions {
  /**
   * `woolf`: sample odds ratio with the logit (Woolf) interval; `conditional`: conditional
   * maximum-likelihood estimate with the exact interval of Fisher's test (R's fisher.test).
   * @defaultValue 'woolf'
   */
  method?: OddsRatioMethod;
}

/**
 * Odds ratio of events, treatment over control: [x1/(n1 − x1)] / [x2/(n2 − x2)].
 *
 * - `woolf` (Woolf 1955): exp(ln OR ± z·SE), SE = √(1/a + 1/b + 1/c + 1/d); when a cell is 0,
 *   `zeroCorrection` (default ½, Haldane 1956 / Anscombe 1956) is added to every cell.
 * - `conditional`: the conditional MLE and the exact interval from the noncentral hypergeometric
 *   distribution, as R's fisher.test; no correction is needed for zero cells (the estimate is
 *   then 0 or Infinity).
 * @throws ArgumentError when a count is invalid, ciLevel ∉ (0, 1), zeroCorrection < 0 or the method is unknown.
 * @example
 * oddsRatio({ x1: 56, n1: 70, x2: 48, n2: 80 }).estimate; // 2.6666666666666665
 */
export function oddsRatio(counts: TwoGroupCounts, options?: OddsRatioOptions): RatioResult {
  checkOptions('options', options, optionKeys<OddsRatioOptions>()(['method', 'ciLevel', 'zeroCorrection']));
  checkTwoGroups(counts);
  const ciLevel = options?.ciLevel ?? 0.95;
  checkCiLevel(ciLevel);
  const method = options?.method ?? 'woolf';
  if (method !== 'woolf' && method !== 'conditional') throw new ArgumentError('method', method, '"woolf" or "conditional"');
  const { x1, n1, x2, n2 } = counts;
  if (method === 'conditional') {
    const { estimate, ci } = conditionalOddsRatio(
      [
        [x1, n1 - x1],
        [x2, n2 - x2],
      ],
      ciLevel,
      'two.sided',
    );
    return { estimate, ci, ciLevel, se: null, n: n1 + n2, method: 'Odds ratio, conditional maximum likelihood with exact interval (as fisher.test)', diagnostics: [] };
  }
  const corr = readCorrection(options?.zeroCorrection);
  let a = x1;
  let b = n1 - x1;
  let c = x2;
  let d = n2 - x2;
  const diagnostics: Diagnostic[] = [];
  if ((a === 0 || b === 0 || c === 0 || d === 0) && corr > 0) {
    a += corr;
    b += corr;
    c += corr;
    d += corr;
    diagnostics.push(zeroCellOddsRatio(corr));
  }
  const estimate = (a * d) / (b * c);
  const se = Math.sqrt(1 / a + 1 / b + 1 / c + 1 / d);
  const z = normalQuantile(1 - (1 - ciLevel) / 2);
  const ci: [number, number] = Number.isFinite(se) && estimate > 0 && Number.isFinite(estimate) ? [estimate * Math.exp(-z * se), estimate * Math.exp(z * se)] : [0, Number.POSITIVE_INFINITY];
  return { estimate, ci, ciLevel, se, n: n1 + n2, method: 'Odds ratio, logit (Woolf) interval', diagnostics };
}
