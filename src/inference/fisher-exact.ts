/**
 * Fisher's exact test for a 2×2 table with the conditional maximum-likelihood odds ratio and its
 * exact confidence interval, as R's stats::fisher.test.
 */
import { ArgumentError } from '../errors/index.js';
import { hypergeometricCdfRaw, hypergeometricLogPmfRaw } from '../distributions/hypergeometric.js';
import { bracketMonotone, brentRoot } from '../distributions/root-finding.js';
import type { Alternative } from './types.js';
import { checkAlternative } from './validate.js';
import { checkCiLevel, checkOptions, optionKeys } from '../errors/checks.js';
import type { Estimate } from '../results/types.js';

/** A 2×2 table: rows are the groups (treatment first), columns are event yes / no. */
export type Table2x2 = readonly [readonly [number, number], readonly [number, number]];

/** Options of {@link fisherExactTest}. */
export interface FisherExactOptions {
  /** @defaultValue 'two.sided' */
  alternative?: Alternative;
  /** Confidence level of the odds-ratio interval. @defaultValue 0.95 */
  ciLevel?: number;
  /** Odds ratio under the null hypothesis. @defaultValue 1 */
  or?: number;
}

/** Result of {@link fisherExactTest}. */
export interface FisherExactResult extends Estimate {
  /** Conditional maximum-likelihood estimate of the odds ratio (0 or Infinity at the edges of the support). */
  estimate: number;
  ci: [number, number];
  pValue: number;
  alternative: Alternative;
  n: number;
  method: string;
}

/** The conditional (noncentral hypergeometric) distribution of the (1,1) cell given the margins. */
export class ConditionalHypergeometric {
  readonly lo: number;
  readonly hi: number;
  private readonly logdc: Float64Array;
  constructor(
    readonly m: number,
    readonly n: number,
    readonly k: number,
  ) {
    this.lo = Math.max(0, k - n);
    this.hi = Math.min(k, m);
    this.logdc = new Float64Array(this.hi - this.lo + 1);
    for (let s = this.lo; s <= this.hi; s++) this.logdc[s - this.lo] = hypergeometricLogPmfRaw(s, m, n, k);
  }

  /** Probabilities over the support lo…hi for odds ratio ψ = e^θ (θ finite). */
  density(theta: number): Float64Array {
    const d = new Float64Array(this.logdc.length);
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < d.length; i++) {
      const v = (this.logdc[i] as number) + theta * (this.lo + i);
      d[i] = v;
      if (v > max) max = v;
    }
    let sum = 0;
    for (let i = 0; i < d.length; i++) {
      const e = Math.exp((d[i] as number) - max);
      d[i] = e;
      sum += e;
    }
    for (let i = 0; i < d.length; i++) d[i] = (d[i] as number) / sum;
    return d;
  }

  /** E[X] under odds ratio e^θ. */
  mean(theta: number): number {
    const d = this.density(theta);
    let s = 0;
    for (let i = 0; i < d.length; i++) s += (this.lo + i) * (d[i] as number);
    return s;
  }

  /** P(X ≤ q) (or P(X ≥ q) when `upper`) under odds ratio e^θ. */
  tail(q: number, theta: number, upper: boolean): number {
    const d = this.density(theta);
    let s = 0;
    for (let i = 0; i < d.length; i++) {
      const x = this.lo + i;
      if (upper ? x >= q : x <= q) s += d[i] as number;
    }
    return s;
  }
}

function checkTable(table: Table2x2): void {
  const ok =
    Array.isArray(table) &&
    table.length === 2 &&
    table.every((row) => Array.isArray(row) && row.length === 2 && row.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 0));
  if (!ok) throw new ArgumentError('table', table, 'a 2×2 array of non-negative integer counts [[a, b], [c, d]]');
}

/** Solve a monotone increasing g(θ) = 0 in θ = ln ψ. */
function solveTheta(g: (theta: number) => number): number {
  const [lo, hi] = bracketMonotone(g, 0, 1, true);
  if (lo === hi) return lo;
  return brentRoot(g, lo, hi, { tol: 1e-12 });
}

/**
 * Conditional maximum-likelihood odds ratio and exact interval of a 2×2 table, the quantities of
 * fisher.test. Exposed for {@link oddsRatio}.
 */
export function conditionalOddsRatio(
  table: Table2x2,
  ciLevel: number,
  alternative: Alternative,
): { estimate: number; ci: [number, number] } {
  const [[a, b], [c, d]] = table;
  const dist = new ConditionalHypergeometric(a + c, b + d, a + b);
  const x = a;
  const { lo, hi } = dist;
  // E[X; ψ] increases with ψ; solve E[X; ψ] = x for the conditional MLE.
  const estimate = x === lo ? 0 : x === hi ? Number.POSITIVE_INFINITY : Math.exp(solveTheta((t) => dist.mean(t) - x));
  // Upper limit: P(X ≤ x; ψ) = α (decreasing in ψ); lower limit: P(X ≥ x; ψ) = α (increasing).
  const upperLimit = (alpha: number) => (x === hi ? Number.POSITIVE_INFINITY : Math.exp(solveTheta((t) => alpha - dist.tail(x, t, false))));
  const lowerLimit = (alpha: number) => (x === lo ? 0 : Math.exp(solveTheta((t) => dist.tail(x, t, true) - alpha)));
  let ci: [number, number];
  if (alternative === 'less') ci = [0, upperLimit(1 - ciLevel)];
  else if (alternative === 'greater') ci = [lowerLimit(1 - ciLevel), Number.POSITIVE_INFINITY];
  else {
    const alpha = (1 - ciLevel) / 2;
    ci = [lowerLimit(alpha), upperLimit(alpha)];
  }
  return { estimate, ci };
}

/**
 * Fisher's exact test of independence in a 2×2 table, conditioning on both margins, with the
 * conditional maximum-likelihood estimate of the odds ratio and its exact ("conditional")
 * confidence interval, as R's `fisher.test`.
 *
 * The (1,1) cell X follows the noncentral hypergeometric distribution
 * P(X = x; ψ) ∝ C(m, x) C(n, k − x) ψ^x with m, n the column totals and k the first row total.
 * - Two-sided p-value (R's rule): the sum of P(X = y; ψ₀) over all y with
 *   P(X = y; ψ₀) ≤ P(X = x; ψ₀)·(1 + 1e-7).
 * - One-sided: P(X ≤ x; ψ₀) (`less`) or P(X ≥ x; ψ₀) (`greater`).
 * - Estimate: ψ̂ solving E[X; ψ] = x. Interval: ψ with P(X ≥ x; ψ_L) = α/2 and
 *   P(X ≤ x; ψ_U) = α/2, solved by Brent's method in ln ψ to ~1e-12 (R's uniroot stops at ~1e-4).
 *
 * References: Fisher (1935); Agresti (2002), Categorical Data Analysis, §3.5 and §16.6.
 * @param table - [[a, b], [c, d]]: rows are the groups (treatment first), columns event yes / no.
 * @throws ArgumentError when the table is not a 2×2 array of non-negative integers.
 * @example
 * fisherExactTest([[3, 1], [1, 3]]).pValue; // 0.4857142857142857 (= 17/35)
 */
export function fisherExactTest(table: Table2x2, options?: FisherExactOptions): FisherExactResult {
  checkOptions('options', options, optionKeys<FisherExactOptions>()(['alternative', 'ciLevel', 'or']));
  checkTable(table);
  const alternative = options?.alternative ?? 'two.sided';
  checkAlternative(alternative);
  const ciLevel = options?.ciLevel ?? 0.95;
  checkCiLevel(ciLevel);
  const or = options?.or ?? 1;
  if (typeof or !== 'number' || Number.isNaN(or) || or < 0) throw new ArgumentError('or', or, 'a null odds ratio ≥ 0 (Infinity allowed)');
  const [[a, b], [c, d]] = table;
  const m = a + c;
  const n = b + d;
  const k = a + b;
  const dist = new ConditionalHypergeometric(m, n, k);
  const x = a;
  const { lo, hi } = dist;
  let pValue: number;
  if (or === 1 && alternative !== 'two.sided') {
    pValue = alternative === 'less' ? hypergeometricCdfRaw(x, m, n, k, true, false) : hypergeometricCdfRaw(x - 1, m, n, k, false, false);
  } else if (or === 0) {
    pValue = alternative === 'less' ? 1 : alternative === 'greater' ? (x <= lo ? 1 : 0) : x === lo ? 1 : 0;
  } else if (or === Number.POSITIVE_INFINITY) {
    pValue = alternative === 'greater' ? 1 : alternative === 'less' ? (x >= hi ? 1 : 0) : x === hi ? 1 : 0;
  } else if (alternative === 'less') {
    pValue = dist.tail(x, Math.log(or), false);
  } else if (alternative === 'greater') {
    pValue = dist.tail(x, Math.log(or), true);
  } else {
    const dens = dist.density(Math.log(or));
    const cut = (dens[x - lo] as number) * (1 + 1e-7);
    pValue = 0;
    for (const v of dens) if (v <= cut) pValue += v;
  }
  const { estimate, ci } = conditionalOddsRatio(table, ciLevel, alternative);
  return {
    estimate,
    ci,
    ciLevel,
    pValue: Math.min(1, Math.max(0, pValue)),
    alternative,
    n: a + b + c + d,
    method: "Fisher's exact test (2×2); conditional maximum-likelihood odds ratio with exact interval",
  };
}
