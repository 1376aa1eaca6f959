/**
 * Bootstrap confidence intervals from a vector of replicates: percentile and BCa, computed
 * exactly as R's `boot::boot.ci` does (Davison & Hinkley 1997, §5.3), so that given the same
 * replicates the limits agree with R to rounding error.
 */
import type { Diagnostic } from '../../errors/index.js';
import { bcaUnavailable, extremeOrderStatistics } from '../../errors/diagnostics.js';
import { normalCdf, normalQuantile } from '../../distributions/normal.js';
import { checkCiLevel } from '../../errors/checks.js';

const pnorm = (x: number) => normalCdf(x);
const qnorm = (p: number) => normalQuantile(p);

/** A bootstrap interval with what it took to compute it. */
export interface BootstrapInterval {
  /** `[lower, upper]`. */
  ci: [number, number];
  ciLevel: number;
  /** `percentile` or `bca`. */
  type: 'percentile' | 'bca';
  /** BCa only: bias correction z₀ = Φ⁻¹(#{t* < t̂}/R). */
  z0?: number;
  /** BCa only: acceleration from the jackknife influence values. */
  acceleration?: number;
  /** The tail probabilities actually used (the adjusted ones for BCa). */
  probabilities: [number, number];
  diagnostics: Diagnostic[];
}

/** Finite replicates, sorted ascending. */
export function sortedFinite(t: ArrayLike<number>): Float64Array {
  let n = 0;
  for (let i = 0; i < t.length; i++) if (Number.isFinite(t[i]!)) n++;
  const out = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < t.length; i++) {
    const v = t[i]!;
    if (Number.isFinite(v)) out[j++] = v;
  }
  return out.sort();
}

/**
 * The α-quantile of bootstrap replicates by R's `norm.inter`: the order statistic
 * t*₍ₖ₎ with k = (R + 1)α when that is an integer, otherwise interpolation between
 * t*₍ₖ₎ and t*₍ₖ₊₁₎ on the normal-quantile scale (Davison & Hinkley 1997, eq. 5.8).
 *
 * @param sorted - finite replicates sorted ascending (see {@link sortedFinite}).
 * @param alpha - tail probability in (0, 1).
 * @returns the quantile and whether an extreme order statistic had to be used.
 */
export function normInter(sorted: Float64Array, alpha: number): { value: number; extreme: boolean } {
  const R = sorted.length;
  if (R === 0) return { value: Number.NaN, extreme: true };
  const rk = (R + 1) * alpha;
  const k = Math.trunc(rk);
  const extreme = !(rk > 1 && rk < R);
  if (k <= 0) return { value: sorted[0]!, extreme };
  if (k >= R) return { value: sorted[R - 1]!, extreme };
  if (k === rk) return { value: sorted[k - 1]!, extreme };
  const z = qnorm(alpha);
  const zk = qnorm(k / (R + 1));
  const zk1 = qnorm((k + 1) / (R + 1));
  const tk = sorted[k - 1]!;
  const tk1 = sorted[k]!;
  return { value: tk + ((z - zk) / (zk1 - zk)) * (tk1 - tk), extreme };
}

/**
 * Percentile bootstrap interval: the (1 ± level)/2 quantiles of the replicates by
 * {@link normInter}. Non-finite replicates are dropped, as R does.
 *
 * Reference: Efron & Tibshirani (1993), *An Introduction to the Bootstrap*, §13.3; R `boot::boot.ci(type = "perc")`.
 *
 * @param t - bootstrap replicates of the statistic.
 * @param ciLevel - confidence level. @defaultValue 0.95
 * @throws ArgumentError when `ciLevel` is not in (0, 1).
 * @example
 * percentileInterval([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19], 0.9).ci; // [1, 19]
 */
export function percentileInterval(t: ArrayLike<number>, ciLevel = 0.95): BootstrapInterval {
  checkCiLevel(ciLevel);
  const s = sortedFinite(t);
  const probabilities: [number, number] = [(1 - ciLevel) / 2, (1 + ciLevel) / 2];
  const lo = normInter(s, probabilities[0]);
  const hi = normInter(s, probabilities[1]);
  const diagnostics: Diagnostic[] = [];
  if (lo.extreme || hi.extreme) diagnostics.push(extremeOrderStatistics());
  return { ci: [lo.value, hi.value], ciLevel, type: 'percentile', probabilities, diagnostics };
}

/**
 * Acceleration of the BCa interval from empirical influence values L:
 * a = Σ Lᵢ³ / (6 (Σ Lᵢ²)^{3/2}).
 *
 * Reference: Efron (1987), JASA 82, 171–185; Davison & Hinkley (1997), eq. 5.23; R `boot:::bca.ci`.
 * @example
 * jackknifeAcceleration([1, -1]); // 0
 */
export function jackknifeAcceleration(L: ArrayLike<number>): number {
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < L.length; i++) {
    const l = L[i]!;
    s2 += l * l;
    s3 += l * l * l;
  }
  return s3 / (6 * Math.pow(s2, 1.5));
}

/**
 * Bias-corrected and accelerated (BCa) bootstrap interval.
 *
 * z₀ = Φ⁻¹(#{t*ᵣ < t̂} / R), a from {@link jackknifeAcceleration}, and the limits are the
 * replicate quantiles (by {@link normInter}) at α̃ = Φ(z₀ + (z₀ + z_α)/(1 − a(z₀ + z_α))).
 * When z₀ is infinite (every replicate on one side of t̂) or a is not finite, the BCa
 * interval does not exist; R stops with an error, here the percentile interval is returned
 * with a `bca-unavailable` diagnostic.
 *
 * Reference: Efron (1987); Davison & Hinkley (1997), §5.3.2; R `boot::boot.ci(type = "bca")`.
 *
 * @param t - bootstrap replicates.
 * @param t0 - the statistic on the original data.
 * @param L - empirical influence values (R's `empinf(type = "jack")` convention: (n_g − 1)(t̂ − t̂₋ᵢ) within stratum g).
 * @param ciLevel - confidence level. @defaultValue 0.95
 * @throws ArgumentError when `ciLevel` is not in (0, 1).
 * @example
 * const t = Array.from({ length: 999 }, (_, i) => i / 998);
 * bcaInterval(t, 0.5, [1, -1], 0.9).ci; // ≈ [0.05, 0.95]
 */
export function bcaInterval(t: ArrayLike<number>, t0: number, L: ArrayLike<number>, ciLevel = 0.95): BootstrapInterval {
  checkCiLevel(ciLevel);
  const s = sortedFinite(t);
  let below = 0;
  for (let i = 0; i < s.length; i++) if (s[i]! < t0) below++;
  const z0 = qnorm(below / s.length);
  const a = jackknifeAcceleration(L);
  if (!Number.isFinite(z0) || !Number.isFinite(a)) {
    const p = percentileInterval(t, ciLevel);
    p.diagnostics.push(bcaUnavailable(Number.isFinite(z0), below, s.length));
    return p;
  }
  const zl = qnorm((1 - ciLevel) / 2);
  const zu = qnorm((1 + ciLevel) / 2);
  const pl = pnorm(z0 + (z0 + zl) / (1 - a * (z0 + zl)));
  const pu = pnorm(z0 + (z0 + zu) / (1 - a * (z0 + zu)));
  const lo = normInter(s, pl);
  const hi = normInter(s, pu);
  const diagnostics: Diagnostic[] = [];
  if (lo.extreme || hi.extreme) diagnostics.push(extremeOrderStatistics());
  return { ci: [lo.value, hi.value], ciLevel, type: 'bca', z0, acceleration: a, probabilities: [pl, pu], diagnostics };
}
