/**
 * Ordinal comparison of two groups over ordered categories (counts per category, worst first):
 * the proportional-odds (cumulative logit) model and the probability of superiority with its
 * Brunner–Munzel interval and the Wilcoxon–Mann–Whitney test.
 */
import { ArgumentError, type Diagnostic } from '../errors/index.js';
import { chiSquaredCdfRaw } from '../distributions/chi-squared.js';
import { normalCdf, normalQuantile } from '../distributions/normal.js';
import { studentTCdf, studentTQuantile } from '../distributions/student-t.js';
import { backSolveTransposed, choleskyInPlace, forwardSolve, invertSpd } from '../linalg/dense.js';
import { checkCiLevel, checkOptions, optionKeys } from '../errors/checks.js';
import type { Estimate } from '../results/types.js';
import { brunnerMunzelDegenerate, emptyCategories, notConverged, oneCategory, ordinalSeparation } from '../errors/diagnostics.js';

const ORDINAL_OPTION_KEYS = optionKeys<OrdinalOptions>()(['ciLevel']);

/** Options of the ordinal comparisons. */
export interface OrdinalOptions {
  /** Two-sided confidence level. @defaultValue 0.95 */
  ciLevel?: number;
}

/** Result of {@link proportionalOddsComparison}. */
export interface ProportionalOddsResult extends Estimate {
  /** Common cumulative odds ratio exp(β): the odds of a better category, treatment over reference. */
  estimate: number;
  logOddsRatio: number;
  /** Standard error of log OR from the observed information. */
  se: number;
  /** Wald interval exp(β ± z·se). */
  ci: [number, number];
  /** Wald z = β/se. */
  statistic: number;
  /** Two-sided Wald p-value. */
  pValue: number;
  /** Likelihood-ratio test of β = 0 (1 df). */
  lrt: { statistic: number; df: number; pValue: number };
  /** Cut-points θ_j between the retained categories, lowest first. */
  thresholds: number[];
  /** Indices (into the input) of the categories kept: categories empty in both groups are dropped. */
  categories: number[];
  logLik: number;
  n: number;
  iterations: number;
  converged: boolean;
  method: string;
  diagnostics: Diagnostic[];
}

/** Result of {@link probabilityOfSuperiority}. */
export interface SuperiorityResult extends Estimate {
  /** P(Y_treatment > Y_reference) + ½·P(Y_treatment = Y_reference) = U/(n_t·n_r). */
  estimate: number;
  /** Brunner–Munzel standard error. */
  se: number;
  /** p̂ ± t_df·se, truncated to [0, 1]. */
  ci: [number, number];
  /** Brunner–Munzel statistic (p̂ − ½)/se and its Welch–Satterthwaite df. */
  statistic: number;
  df: number;
  /** Two-sided Brunner–Munzel p-value. */
  pValue: number;
  /** Wilcoxon–Mann–Whitney test as `wilcox.test(treatment, reference, exact = FALSE, correct = TRUE)`. */
  wilcoxon: { statistic: number; pValue: number };
  n: number;
  method: string;
  diagnostics: Diagnostic[];
}

function checkCounts(name: string, counts: unknown): number[] {
  if (!Array.isArray(counts) || counts.length < 2) throw new ArgumentError(name, counts, 'an array of counts per ordered category (at least 2 categories)');
  return counts.map((v: unknown, i: number) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new ArgumentError(`${name}[${i}]`, v, 'a non-negative integer count');
    return v;
  });
}

function readPair(reference: readonly number[], treatment: readonly number[]): { r: number[]; t: number[] } {
  const r = checkCounts('reference', reference);
  const t = checkCounts('treatment', treatment);
  if (t.length !== r.length) throw new ArgumentError('treatment', `${t.length} categories`, `as many categories as reference (${r.length})`);
  if (r.reduce((s, v) => s + v, 0) === 0) throw new ArgumentError('reference', reference, 'at least one observation');
  if (t.reduce((s, v) => s + v, 0) === 0) throw new ArgumentError('treatment', treatment, 'at least one observation');
  return { r, t };
}

function readLevel(options: OrdinalOptions | undefined): number {
  const ciLevel = options?.ciLevel ?? 0.95;
  checkCiLevel(ciLevel, 'ciLevel');
  return ciLevel;
}

const logistic = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** F(a) − F(b) for b < a, from the tail that keeps the digits. */
function intervalProb(a: number, b: number): number {
  if (b > 0) return logistic(-b) - logistic(-a);
  return logistic(a) - logistic(b);
}

interface Evaluation {
  ll: number;
  grad: Float64Array;
  /** Observed information −H, row-major. */
  info: Float64Array;
}

/**
 * Log-likelihood, gradient and observed information of logit P(Y ≤ j | x) = θ_j − β·x for a
 * 2 × K table (rows: x = 0 reference, x = 1 treatment). Parameters: θ_1…θ_{K−1}, β.
 */
function evaluate(rows: readonly (readonly number[])[], theta: Float64Array, beta: number): Evaluation {
  const K = rows[0]!.length;
  const m = K - 1;
  const p = m + 1;
  const grad = new Float64Array(p);
  const info = new Float64Array(p * p);
  let ll = 0;
  const addOuter = (w: number, u: readonly [number, number], v: readonly [number, number], x: number) => {
    // u, v: the threshold index (or −1) whose derivative is 1; both depend on β with derivative −x.
    const ui = [u[0], m] as const;
    const uc = [u[1], -x] as const;
    const vi = [v[0], m] as const;
    const vc = [v[1], -x] as const;
    for (let s = 0; s < 2; s++) {
      if (ui[s]! < 0) continue;
      for (let t = 0; t < 2; t++) {
        if (vi[t]! < 0) continue;
        info[ui[s]! * p + vi[t]!] = info[ui[s]! * p + vi[t]!]! - w * uc[s]! * vc[t]!;
      }
    }
  };
  for (let g = 0; g < 2; g++) {
    const x = g;
    const row = rows[g]!;
    for (let k = 0; k < K; k++) {
      const count = row[k]!;
      if (count === 0) continue;
      const hasA = k < m;
      const hasB = k > 0;
      const a = hasA ? theta[k]! - beta * x : Number.POSITIVE_INFINITY;
      const b = hasB ? theta[k - 1]! - beta * x : Number.NEGATIVE_INFINITY;
      const P = intervalProb(a, b);
      ll += count * Math.log(P);
      const Fa = hasA ? logistic(a) : 1;
      const Fb = hasB ? logistic(b) : 0;
      const fa = hasA ? Fa * (1 - Fa) : 0;
      const fb = hasB ? Fb * (1 - Fb) : 0;
      const dfa = fa * (1 - 2 * Fa);
      const dfb = fb * (1 - 2 * Fb);
      const la = (count * fa) / P;
      const lb = (-count * fb) / P;
      const laa = count * (dfa / P - (fa * fa) / (P * P));
      const lbb = count * (-dfb / P - (fb * fb) / (P * P));
      const lab = (count * fa * fb) / (P * P);
      // Chain rule: a = θ_k − βx, b = θ_{k−1} − βx.
      if (hasA) {
        grad[k] = grad[k]! + la;
        grad[m] = grad[m]! - x * la;
      }
      if (hasB) {
        grad[k - 1] = grad[k - 1]! + lb;
        grad[m] = grad[m]! - x * lb;
      }
      const A = [hasA ? k : -1, 1] as const;
      const B = [hasB ? k - 1 : -1, 1] as const;
      if (hasA) addOuter(laa, A, A, x);
      if (hasB) addOuter(lbb, B, B, x);
      if (hasA && hasB) {
        addOuter(lab, A, B, x);
        addOuter(lab, B, A, x);
      }
    }
  }
  return { ll, grad, info };
}

/**
 * Proportional-odds (cumulative logit) model for two groups over K ordered categories:
 * logit P(Y ≤ j | x) = θ_j − β·x, j = 1 … K − 1, x = 1 for the treatment group. exp(β) is the
 * common odds ratio of being in a better (higher) category, treatment over reference, at every
 * cut-point. Fitted by Newton–Raphson with the analytic observed information; Wald interval and
 * test, and the likelihood-ratio test of β = 0. Categories empty in both groups are dropped; when
 * the groups do not overlap (every treatment observation at or above every reference one, or the
 * reverse) the estimate is infinite (0 or ∞) and a diagnostic says so. The same
 * parameterisation as R's `ordinal::clm(y ~ arm)` and `MASS::polr`.
 *
 * Reference: McCullagh, P. (1980). Regression models for ordinal data. JRSS B 42, 109–142;
 * Agresti, A. (2010). Analysis of Ordinal Categorical Data (2nd ed.), ch. 3.
 * @param reference - counts per category, worst category first, in the reference (control) group.
 * @param treatment - counts per category in the treatment group, same order.
 * @throws ArgumentError when the counts are not non-negative integers, the two arrays differ in
 *   length, a group is empty, or ciLevel ∉ (0, 1).
 * @example
 * proportionalOddsComparison([10, 20, 15], [5, 15, 25]).estimate; // 2.442523593932799 (ordinal::clm: exp(0.893031760953651))
 */
export function proportionalOddsComparison(reference: readonly number[], treatment: readonly number[], options?: OrdinalOptions): ProportionalOddsResult {
  checkOptions('options', options, ORDINAL_OPTION_KEYS);
  const { r, t } = readPair(reference, treatment);
  const ciLevel = readLevel(options);
  const kept: number[] = [];
  for (let k = 0; k < r.length; k++) if (r[k]! + t[k]! > 0) kept.push(k);
  const rows = [kept.map((k) => r[k]!), kept.map((k) => t[k]!)];
  const n = rows[0]!.reduce((s, v) => s + v, 0) + rows[1]!.reduce((s, v) => s + v, 0);
  const method = 'Proportional-odds (cumulative logit) model, Newton–Raphson ML; Wald interval on log OR';
  const diagnostics: Diagnostic[] = [];
  if (kept.length < r.length) {
    diagnostics.push(emptyCategories([...Array(r.length).keys()].filter((k) => !kept.includes(k))));
  }
  const K = kept.length;
  const nan = Number.NaN;
  const blank = (estimate: number, why: Diagnostic): ProportionalOddsResult => ({
    estimate,
    logOddsRatio: Math.log(estimate),
    se: nan,
    ci: [nan, nan],
    ciLevel,
    statistic: nan,
    pValue: nan,
    lrt: { statistic: nan, df: 1, pValue: nan },
    thresholds: [],
    categories: kept,
    logLik: nan,
    n,
    iterations: 0,
    converged: false,
    method,
    diagnostics: [...diagnostics, why],
  });
  if (K < 2) return blank(nan, oneCategory());
  const first = (row: number[]) => row.findIndex((v) => v > 0);
  const last = (row: number[]) => row.length - 1 - [...row].reverse().findIndex((v) => v > 0);
  if (last(rows[0]!) <= first(rows[1]!)) {
    return blank(Number.POSITIVE_INFINITY, ordinalSeparation(true));
  }
  if (last(rows[1]!) <= first(rows[0]!)) {
    return blank(0, ordinalSeparation(false));
  }
  // Start at the pooled cumulative logits and β = 0 (the null model's ML estimate).
  const m = K - 1;
  const theta = new Float64Array(m);
  let cum = 0;
  for (let j = 0; j < m; j++) {
    cum += rows[0]![j]! + rows[1]![j]!;
    theta[j] = Math.log(cum / (n - cum));
  }
  const ll0 = evaluate(rows, theta, 0).ll;
  let beta = 0;
  let cur = evaluate(rows, theta, beta);
  let iterations = 0;
  let converged = false;
  const p = m + 1;
  for (; iterations < 100; iterations++) {
    const L = Float64Array.from(cur.info);
    if (!choleskyInPlace(L, p)) break;
    const step = Float64Array.from(cur.grad);
    forwardSolve(L, p, step);
    backSolveTransposed(L, p, step);
    let scale = 1;
    let next: Evaluation | null = null;
    let nextTheta = theta;
    let nextBeta = beta;
    // Step halving keeps the thresholds ordered and the likelihood from falling.
    for (let h = 0; h < 40; h++) {
      const cand = new Float64Array(m);
      for (let j = 0; j < m; j++) cand[j] = theta[j]! + scale * step[j]!;
      let ordered = true;
      for (let j = 1; j < m; j++) if (!(cand[j]! > cand[j - 1]!)) ordered = false;
      const cb = beta + scale * step[m]!;
      if (ordered) {
        const e = evaluate(rows, cand, cb);
        if (Number.isFinite(e.ll) && e.ll >= cur.ll - 1e-12 * Math.abs(cur.ll)) {
          next = e;
          nextTheta = cand;
          nextBeta = cb;
          break;
        }
      }
      scale /= 2;
    }
    if (!next) break;
    let maxStep = 0;
    for (let j = 0; j < p; j++) maxStep = Math.max(maxStep, Math.abs(scale * step[j]!));
    theta.set(nextTheta);
    beta = nextBeta;
    cur = next;
    if (maxStep < 1e-10) {
      converged = true;
      iterations++;
      break;
    }
  }
  const cov = invertSpd(cur.info, p);
  const se = cov ? Math.sqrt(cov[m * p + m]!) : nan;
  if (!converged || !cov) {
    diagnostics.push(notConverged(`Newton–Raphson did not converge in ${iterations} iterations; the estimate may be inaccurate.`));
  }
  const z = normalQuantile(1 - (1 - ciLevel) / 2);
  const statistic = beta / se;
  const lr = Math.max(0, 2 * (cur.ll - ll0));
  return {
    estimate: Math.exp(beta),
    logOddsRatio: beta,
    se,
    ci: [Math.exp(beta - z * se), Math.exp(beta + z * se)],
    ciLevel,
    statistic,
    pValue: 2 * normalCdf(-Math.abs(statistic)),
    lrt: { statistic: lr, df: 1, pValue: chiSquaredCdfRaw(lr, 1, false, false) },
    thresholds: [...theta],
    categories: kept,
    logLik: cur.ll,
    n,
    iterations,
    converged,
    method,
    diagnostics,
  };
}

/**
 * Probability of superiority (the common-language effect size, Vargha–Delaney A, the
 * Mann–Whitney U / (n_t·n_r)) of ordered categories: p̂ = P(Y_t > Y_r) + ½·P(Y_t = Y_r), 0.5 when
 * neither group tends to better categories.
 *
 * Interval and test by Brunner & Munzel (2000), which allow ties and unequal spread: with
 * placements P_ti = #{r: Y_r < Y_ti} + ½·#{r: Y_r = Y_ti} (and P_rj likewise), σ̂_t² =
 * var(P_t)/n_r², σ̂_r² = var(P_r)/n_t², se = √(σ̂_t²/n_t + σ̂_r²/n_r), T = (p̂ − ½)/se on
 * Welch–Satterthwaite df, interval p̂ ± t_df·se truncated to [0, 1]. The Wilcoxon–Mann–Whitney
 * p-value (normal approximation with tie and continuity corrections) is given too.
 *
 * References: Brunner, E., & Munzel, U. (2000). The nonparametric Behrens–Fisher problem.
 * Biometrical Journal 42, 17–25; Vargha, A., & Delaney, H. D. (2000). J. Educational and
 * Behavioral Statistics 25, 101–132.
 * @param reference - counts per category, worst first, in the reference group.
 * @param treatment - counts per category in the treatment group, same order.
 * @throws ArgumentError as {@link proportionalOddsComparison}.
 * @example
 * probabilityOfSuperiority([10, 20, 15], [5, 15, 25]).estimate; // 0.6234567901234568
 */
export function probabilityOfSuperiority(reference: readonly number[], treatment: readonly number[], options?: OrdinalOptions): SuperiorityResult {
  checkOptions('options', options, ORDINAL_OPTION_KEYS);
  const { r, t } = readPair(reference, treatment);
  const ciLevel = readLevel(options);
  const K = r.length;
  const nr = r.reduce((s, v) => s + v, 0);
  const nt = t.reduce((s, v) => s + v, 0);
  const N = nr + nt;
  // Placement of a category-k observation among the other group's observations.
  const below = (counts: number[], k: number): number => {
    let s = 0;
    for (let j = 0; j < k; j++) s += counts[j]!;
    return s + counts[k]! / 2;
  };
  let sumT = 0;
  let sumT2 = 0;
  let sumR = 0;
  let sumR2 = 0;
  for (let k = 0; k < K; k++) {
    const pt = below(r, k);
    const pr = below(t, k);
    sumT += t[k]! * pt;
    sumT2 += t[k]! * pt * pt;
    sumR += r[k]! * pr;
    sumR2 += r[k]! * pr * pr;
  }
  const estimate = sumT / (nt * nr);
  const varPt = nt > 1 ? (sumT2 - (sumT * sumT) / nt) / (nt - 1) : Number.NaN;
  const varPr = nr > 1 ? (sumR2 - (sumR * sumR) / nr) / (nr - 1) : Number.NaN;
  const vt = Math.max(0, varPt) / (nr * nr) / nt;
  const vr = Math.max(0, varPr) / (nt * nt) / nr;
  const se = Math.sqrt(vt + vr);
  const df = (vt + vr) ** 2 / ((vt * vt) / (nt - 1) + (vr * vr) / (nr - 1));
  const diagnostics: Diagnostic[] = [];
  let ci: [number, number];
  let statistic: number;
  let pValue: number;
  if (se > 0 && Number.isFinite(df)) {
    const q = studentTQuantile(1 - (1 - ciLevel) / 2, df);
    ci = [Math.max(0, estimate - q * se), Math.min(1, estimate + q * se)];
    statistic = (estimate - 0.5) / se;
    pValue = 2 * studentTCdf(-Math.abs(statistic), df);
  } else {
    ci = [Number.NaN, Number.NaN];
    statistic = Number.NaN;
    pValue = Number.NaN;
    diagnostics.push(brunnerMunzelDegenerate());
  }
  // Wilcoxon rank-sum, normal approximation with tie and continuity corrections (R's wilcox.test).
  let ties = 0;
  for (let k = 0; k < K; k++) {
    const c = r[k]! + t[k]!;
    ties += c * c * c - c;
  }
  const U = sumT;
  const sigma = Math.sqrt(((nt * nr) / 12) * (N + 1 - ties / (N * (N - 1))));
  let wilcoxonP: number;
  if (sigma > 0) {
    const dev = U - (nt * nr) / 2;
    const zw = (dev - Math.sign(dev) * 0.5) / sigma;
    wilcoxonP = Math.min(1, 2 * normalCdf(-Math.abs(zw)));
  } else {
    wilcoxonP = Number.NaN;
  }
  return {
    estimate,
    se,
    ci,
    ciLevel,
    statistic,
    df,
    pValue,
    wilcoxon: { statistic: U, pValue: wilcoxonP },
    n: N,
    method: 'Probability of superiority P(Y_t > Y_r) + ½P(Y_t = Y_r) with Brunner–Munzel interval and test; Wilcoxon–Mann–Whitney test (normal approximation, tie and continuity corrections)',
    diagnostics,
  };
}
