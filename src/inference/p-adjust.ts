/**
 * Adjustment of p-values for multiple comparisons, exactly as R's stats::p.adjust.
 */
import { ArgumentError } from '../errors/index.js';
import { checkOptions, optionKeys } from '../errors/checks.js';

/** The adjustment methods of R's p.adjust (without the "fdr" alias). */
export type PAdjustMethod = 'holm' | 'hochberg' | 'hommel' | 'bonferroni' | 'BH' | 'BY' | 'none';

/** The adjustment methods, as R's `p.adjust.methods`. */
export const P_ADJUST_METHODS: readonly PAdjustMethod[] = ['holm', 'hochberg', 'hommel', 'bonferroni', 'BH', 'BY', 'none'];

/** Options of {@link pAdjust}. */
export interface PAdjustOptions {
  /**
   * Number of comparisons, when more were made than p-values given (the missing ones count as
   * p = 1 in Hommel's method, as in R).
   * @defaultValue p.length
   */
  n?: number;
}

/** Indices 0…len−1 sorted by value, ties kept in input order (R's order()). */
function order(values: readonly number[], decreasing: boolean): number[] {
  const idx = values.map((_, i) => i);
  idx.sort((a, b) => {
    const d = decreasing ? (values[b] as number) - (values[a] as number) : (values[a] as number) - (values[b] as number);
    return d !== 0 ? d : a - b;
  });
  return idx;
}

/**
 * Adjust p-values for multiple comparisons.
 *
 * - `bonferroni`: min(1, n·p).
 * - `holm` (Holm 1979): step-down, cummax of (n − i + 1)·p₍ᵢ₎.
 * - `hochberg` (Hochberg 1988): step-up, cummin of (n − i + 1)·p₍ᵢ₎ from the largest.
 * - `hommel` (Hommel 1988): closed testing with Simes tests, R's algorithm.
 * - `BH` (Benjamini & Hochberg 1995): cummin of n/i·p₍ᵢ₎ from the largest (false discovery rate).
 * - `BY` (Benjamini & Yekutieli 2001): BH times Σ_{k ≤ n} 1/k (FDR under dependence).
 * - `none`: unchanged.
 * Results are in the input order and equal R's `p.adjust(p, method, n)` to rounding.
 *
 * @param p - p-values in [0, 1]; NaN is not accepted (remove missing values first).
 * @param method - adjustment method.
 * @throws ArgumentError when a p-value is not in [0, 1], the method is unknown, or `n` < p.length.
 * @example
 * pAdjust([0.01, 0.02, 0.03, 0.04], 'holm'); // [0.04, 0.06, 0.06, 0.06]
 */
export function pAdjust(p: readonly number[], method: PAdjustMethod, options?: PAdjustOptions): number[] {
  checkOptions('options', options, optionKeys<PAdjustOptions>()(['n']));
  if (!Array.isArray(p)) throw new ArgumentError('p', p, 'an array of p-values');
  p.forEach((v, i) => {
    if (typeof v !== 'number' || Number.isNaN(v) || v < 0 || v > 1) {
      throw new ArgumentError(`p[${i}]`, v, 'a p-value in [0, 1] (remove missing values before adjusting)');
    }
  });
  if (!P_ADJUST_METHODS.includes(method)) throw new ArgumentError('method', method, `one of ${P_ADJUST_METHODS.map((m) => `"${m}"`).join(', ')}`);
  const lp = p.length;
  const n = options?.n ?? lp;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < lp) {
    throw new ArgumentError('n', n, `an integer number of comparisons ≥ the number of p-values (${lp})`);
  }
  if (n <= 1) return [...p];
  const m = n === 2 && method === 'hommel' ? 'hochberg' : method;
  switch (m) {
    case 'none':
      return [...p];
    case 'bonferroni':
      return p.map((v) => Math.min(1, n * v));
    case 'holm': {
      const o = order(p, false);
      const out = new Array<number>(lp);
      let run = 0;
      o.forEach((idx, i) => {
        run = Math.max(run, (n - i) * (p[idx] as number));
        out[idx] = Math.min(1, run);
      });
      return out;
    }
    case 'hochberg':
    case 'BH':
    case 'BY': {
      const o = order(p, true);
      const q = m === 'BY' ? Array.from({ length: n }, (_, k) => 1 / (k + 1)).reduce((a, b) => a + b, 0) : 1;
      const out = new Array<number>(lp);
      let run = Number.POSITIVE_INFINITY;
      o.forEach((idx, j) => {
        const i = lp - j; // rank from the smallest, 1-based
        const factor = m === 'hochberg' ? n + 1 - i : (q * n) / i;
        run = Math.min(run, factor * (p[idx] as number));
        out[idx] = Math.min(1, run);
      });
      return out;
    }
    case 'hommel':
      return hommel(p, n);
  }
}

/** R's Hommel algorithm, 1-based indices translated to 0-based. */
function hommel(p0: readonly number[], n: number): number[] {
  const lp = p0.length;
  const full = [...p0];
  while (full.length < n) full.push(1);
  const o = order(full, false);
  const p = o.map((i) => full[i] as number);
  let init = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) init = Math.min(init, (n * (p[i] as number)) / (i + 1));
  const q = new Array<number>(n).fill(init);
  const pa = new Array<number>(n).fill(init);
  for (let j = n - 1; j >= 2; j--) {
    // i1 = 1 … n − j + 1, i2 = n − j + 2 … n (1-based)
    let q1 = Number.POSITIVE_INFINITY;
    for (let k = 2; k <= j; k++) q1 = Math.min(q1, (j * (p[n - j + k - 1] as number)) / k);
    for (let i = 0; i < n - j + 1; i++) q[i] = Math.min(j * (p[i] as number), q1);
    const fill = q[n - j] as number;
    for (let i = n - j + 1; i < n; i++) q[i] = fill;
    for (let i = 0; i < n; i++) pa[i] = Math.max(pa[i] as number, q[i] as number);
  }
  const adjustedSorted = pa.map((v, i) => Math.max(v, p[i] as number));
  const out = new Array<number>(n);
  o.forEach((origIdx, sortedPos) => {
    out[origIdx] = adjustedSorted[sortedPos] as number;
  });
  return out.slice(0, lp);
}
