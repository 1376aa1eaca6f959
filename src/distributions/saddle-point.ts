/**
 * Loader's saddle-point expansions for binomial and Poisson probabilities, the accurate
 * building blocks of the densities and of the prefactors of the incomplete beta and gamma
 * functions (where ln Γ differences of large arguments would otherwise cancel).
 *
 * Reference: Loader, C. (2000). Fast and accurate computation of binomial probabilities.
 * Written for this library from the paper's formulas.
 */
import { LN_2PI } from './options.js';
import { logGammaRaw, stirlingError } from './gamma-function.js';

/**
 * The deviance term bd0(x, m) = x ln(x/m) + m − x ≥ 0, computed by a series in
 * v = (x − m)/(x + m) when x ≈ m, where the direct formula cancels.
 */
export function bd0(x: number, m: number): number {
  if (!Number.isFinite(x) || !Number.isFinite(m) || m === 0) return Number.NaN;
  if (Math.abs(x - m) < 0.1 * (x + m)) {
    let v = (x - m) / (x + m);
    let s = (x - m) * v;
    if (Math.abs(s) < Number.MIN_VALUE) return s;
    let ej = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const s1 = s + ej / (2 * j + 1);
      if (s1 === s) return s1;
      s = s1;
    }
    return s;
  }
  return x * Math.log(x / m) + m - x;
}

/**
 * log of Γ(n + 1) / (Γ(x + 1) Γ(n − x + 1)) · p^x q^(n − x) for real 0 ≤ x ≤ n, with q = 1 − p
 * supplied separately so that it keeps full precision when p ≈ 1.
 */
export function logBinomialRaw(x: number, n: number, p: number, q: number): number {
  if (p === 0) return x === 0 ? 0 : Number.NEGATIVE_INFINITY;
  if (q === 0) return x === n ? 0 : Number.NEGATIVE_INFINITY;
  if (x === 0) {
    if (n === 0) return 0;
    return p < 0.1 ? -bd0(n, n * q) - n * p : n * Math.log(q);
  }
  if (x === n) return q < 0.1 ? -bd0(n, n * p) - n * q : n * Math.log(p);
  if (x < 0 || x > n) return Number.NEGATIVE_INFINITY;
  const lc = stirlingError(n) - stirlingError(x) - stirlingError(n - x) - bd0(x, n * p) - bd0(n - x, n * q);
  const lf = LN_2PI + Math.log(x) + Math.log1p(-x / n);
  return lc - 0.5 * lf;
}

/**
 * log of Γ(k + m + 1) / (Γ(k + 1) Γ(m + 1)) · p^k q^m for real k, m > 0, with q = 1 − p.
 * Same as {@link logBinomialRaw} with n = k + m, but m is taken as given: when k ≫ m the
 * difference n − k would have lost m's low-order digits, and m multiplies log q.
 */
export function logBinomialTerm(k: number, m: number, p: number, q: number): number {
  const n = k + m;
  const lc = stirlingError(n) - stirlingError(k) - stirlingError(m) - bd0(k, n * p) - bd0(m, n * q);
  const lf = LN_2PI + Math.log(k) + Math.log(m) - Math.log(n);
  return lc - 0.5 * lf;
}

/** log of λ^x e^−λ / Γ(x + 1) for real x ≥ 0. */
export function logPoissonRaw(x: number, lambda: number): number {
  if (lambda === 0) return x === 0 ? 0 : Number.NEGATIVE_INFINITY;
  if (!Number.isFinite(lambda)) return Number.NEGATIVE_INFINITY;
  if (x < 0) return Number.NEGATIVE_INFINITY;
  if (x === 0) return -lambda;
  if (x <= lambda * Number.MIN_VALUE) return -lambda;
  if (lambda < x * Number.MIN_VALUE) return -lambda + x * Math.log(lambda) - logGammaRaw(x + 1);
  return -stirlingError(x) - bd0(x, lambda) - 0.5 * (LN_2PI + Math.log(x));
}
