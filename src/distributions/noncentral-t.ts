/**
 * The noncentral t distribution: distribution function and the inversion in the noncentrality
 * parameter that gives confidence intervals for standardized mean differences.
 *
 * Body: Lenth's algorithm AS 243 with the modifications R's pnt makes (Poisson-weighted series
 * of incomplete beta functions, error bound 1e-12, at most 1000 terms), so results agree with R.
 *
 * Caveats of AS 243 and how they are handled here:
 * 1. Its error bound is absolute (1e-12), and one tail is always formed as 1 − (series), so a
 *    small probability (say 1e-10) may carry a large relative error. Whenever the requested
 *    probability is below 1e-3, it is recomputed by quadrature of
 *    P(T ≤ t) = ∫₀^∞ Φ(t·s − δ) g_ν(s) ds (and Φ(δ − t·s) for the upper tail), where g_ν is the
 *    density of s = √(V/ν), V ~ χ²_ν, with Φ evaluated with relative accuracy in its tails;
 *    the integrand is positive, so the result keeps its relative accuracy.
 * 2. For |δ| > 37.62 R switches to a normal approximation that is poor for small ν; here the
 *    quadrature is used instead (for ν ≥ 1).
 * 3. For ν > 4e5 R uses the normal approximation
 *    Φ((t(1 − 1/(4ν)) − δ) / √(1 + t²/(2ν))); it is kept (error O(1/ν²) in the body), except for
 *    probabilities below 1e-3, which again come from the quadrature.
 * 4. Non-convergence of the series (which R only warns about) also falls back to quadrature, and
 *    so does underflow of (ν/(ν + t²))^(ν/2), which silently freezes the series' recurrences
 *    (for t = 39.27, ν = 24245, δ = 35.74, R's pt gives 1 − 9e-13 for a true 0.99974).
 * For ν < 1 the quadrature is not used (its integrand is singular at 0) and the AS 243 value is
 * returned as is.
 *
 * References: Lenth, R. V. (1989). Algorithm AS 243: Cumulative distribution function of the
 * non-central t distribution. Applied Statistics 38, 185–189. Written for this library from the
 * published algorithm.
 */
import { ArgumentError } from '../errors/index.js';
import { checkCiLevel, checkOptions, optionKeys } from '../errors/checks.js';
import { chiSquaredLogPdfRaw } from './chi-squared.js';
import { logGammaRaw } from './gamma-function.js';
import { incompleteBetaRaw } from './incomplete-beta.js';
import { normalCdfRaw, normalQuantileFromTails } from './normal.js';
import { type CdfOptions, cdfFlags, fromLogTail, requireNumber } from './options.js';
import { integrate } from './quadrature.js';
import { bracketMonotone, brentRoot } from './root-finding.js';
import { studentTCdfRaw } from './student-t.js';

const LN_SQRT_PI = 0.572364942924700087071713675677;
const SQRT_2_OVER_PI = 0.797884560802865355879892119869;
/**
 * Below this probability the AS 243 value (absolute error up to ~1e-12) is replaced by the
 * quadrature (relative error ~1e-13). At 1e-3 the series is still good to ~1e-9 relative, and
 * the switch keeps agreement with R within its absolute accuracy everywhere.
 */
const QUADRATURE_BELOW = 1e-3;

/** Outcome of the AS 243 series: the lower tail for (tt ≥ 0, del), or failure. */
interface SeriesResult {
  tnc: number;
  ok: boolean;
}

/** AS 243 series for P(T ≤ tt | del), tt ≥ 0, as modified in R (itrmax 1000, errmax 1e-12). */
function as243(tt: number, df: number, del: number): SeriesResult {
  const errmax = 1e-12;
  const itrmax = 1000;
  let x = tt * tt;
  x = x / (x + df);
  let tnc = 0;
  let ok = true;
  if (x > 0) {
    const lambda = del * del;
    let p = 0.5 * Math.exp(-0.5 * lambda);
    if (p === 0) return { tnc: 0, ok: false };
    let q = SQRT_2_OVER_PI * p * del;
    let s = 0.5 - p;
    if (s < 1e-7) s = -0.5 * Math.expm1(-0.5 * lambda);
    let a = 0.5;
    const b = 0.5 * df;
    const rxb = Math.pow(df / (tt * tt + df), b);
    // (1 − x)^b underflows for large t and df (e.g. t = 39, ν = 24245): the recurrences for the
    // incomplete beta terms then never move and the series converges to a wrong value near 1
    // (R returns it with a "full precision" warning). Hand over to the quadrature instead.
    if (rxb < 1e-290) return { tnc: Number.NaN, ok: false };
    const albeta = LN_SQRT_PI + logGammaRaw(b) - logGammaRaw(0.5 + b);
    let xodd = incompleteBetaRaw(x, df / (tt * tt + df), a, b, true, false);
    let godd = 2 * rxb * Math.exp(a * Math.log(x) - albeta);
    tnc = b * x;
    let xeven = tnc < Number.EPSILON ? tnc : 1 - rxb;
    let geven = tnc * rxb;
    tnc = p * xodd + q * xeven;
    let converged = false;
    for (let it = 1; it <= itrmax; it++) {
      a += 1;
      xodd -= godd;
      xeven -= geven;
      godd *= (x * (a + b - 1)) / a;
      geven *= (x * (a + b - 0.5)) / (a + 0.5);
      p *= lambda / (2 * it);
      q *= lambda / (2 * it + 1);
      tnc += p * xodd + q * xeven;
      s -= p;
      if (s < -1e-10) {
        // R: "full precision may not have been achieved".
        ok = false;
        converged = true;
        break;
      }
      if (s <= 0 && it > 1) {
        converged = true;
        break;
      }
      const errbd = 2 * s * (xodd - godd);
      if (Math.abs(errbd) < errmax) {
        converged = true;
        break;
      }
    }
    if (!converged) ok = false;
  }
  tnc += normalCdfRaw(-del, true, false);
  return { tnc, ok };
}

/**
 * log P(T ≤ t) (lower) or log P(T > t) (upper) by adaptive quadrature over s = √(V/ν); ν ≥ 1.
 * The integrand's logarithm is unimodal; its mode is located first, the integration range is
 * cut where the integrand falls below e^−46 of its peak, and the integral is scaled by the peak.
 */
export function noncentralTLogTailQuadrature(t: number, df: number, ncp: number, lowerTail: boolean): number {
  const logG = (s: number): number => Math.log(2 * df * s) + chiSquaredLogPdfRaw(df * s * s, df);
  const logPhi = (s: number): number => (lowerTail ? normalCdfRaw(t * s - ncp, true, true) : normalCdfRaw(ncp - t * s, true, true));
  const h = (s: number): number => (s <= 0 ? Number.NEGATIVE_INFINITY : logG(s) + logPhi(s));
  // Golden-section search for the mode in u = ln s (h is unimodal in s, hence in u).
  let lo = -40;
  let hi = 40;
  const gr = 0.6180339887498949;
  let c = hi - gr * (hi - lo);
  let d = lo + gr * (hi - lo);
  let hc = h(Math.exp(c));
  let hd = h(Math.exp(d));
  for (let i = 0; i < 200 && hi - lo > 1e-10; i++) {
    if (hc < hd || hc === Number.NEGATIVE_INFINITY) {
      lo = c;
      c = d;
      hc = hd;
      d = lo + gr * (hi - lo);
      hd = h(Math.exp(d));
    } else {
      hi = d;
      d = c;
      hd = hc;
      c = hi - gr * (hi - lo);
      hc = h(Math.exp(c));
    }
  }
  const mode = Math.exp(0.5 * (lo + hi));
  const hMax = h(mode);
  if (!Number.isFinite(hMax)) return Number.NEGATIVE_INFINITY;
  const cut = hMax - 46;
  // Edges where h drops below the cut, by bisection on each monotone side.
  const edge = (inner: number, outerStart: number): number => {
    let outer = outerStart;
    let guard = 0;
    while (h(outer) > cut && guard++ < 200) outer = outer > inner ? inner + 2 * (outer - inner) : outer / 2;
    let a = inner;
    let b = outer;
    for (let i = 0; i < 100; i++) {
      const m = 0.5 * (a + b);
      if (h(m) > cut) a = m;
      else b = m;
      if (Math.abs(b - a) <= 1e-12 * Math.abs(m)) break;
    }
    return b;
  };
  const width = 1 / Math.sqrt(2 * df) + 1e-3 * mode;
  const left = edge(mode, Math.max(mode - width, mode / 2));
  const right = edge(mode, mode + width);
  const res = integrate((s) => Math.exp(h(s) - hMax), Math.max(left, 0), right, { relTol: 1e-14, initialPieces: 16, maxIntervals: 4000 });
  return hMax + Math.log(res.value);
}

/** Noncentral t distribution function, unchecked. */
export function noncentralTCdfRaw(t: number, df: number, ncp: number, lowerTail: boolean, log: boolean): number {
  if (ncp === 0) return studentTCdfRaw(t, df, lowerTail, log);
  if (df === Number.POSITIVE_INFINITY) return normalCdfRaw(t - ncp, lowerTail, log);
  if (t === Number.POSITIVE_INFINITY || t === Number.NEGATIVE_INFINITY) return fromLogTail(Number.NEGATIVE_INFINITY, t < 0, lowerTail, log);
  const negdel = t < 0;
  const tt = negdel ? -t : t;
  const del = negdel ? -ncp : ncp;
  // The series gives P(T' ≤ tt) for T' with noncentrality del; that is the lower tail of T when
  // t ≥ 0 and the upper tail of T when t < 0.
  const seriesIsRequested = lowerTail !== negdel;
  const quadratureOk = df >= 1;
  const viaQuadrature = (): number => {
    const lt = noncentralTLogTailQuadrature(t, df, ncp, lowerTail);
    return log ? lt : Math.exp(lt);
  };
  let value: number;
  let ok = true;
  if (df > 4e5) {
    const s = 1 / (4 * df);
    value = normalCdfRaw((tt * (1 - s) - del) / Math.sqrt(1 + tt * tt * 2 * s), seriesIsRequested, false);
  } else if (del * del > 2 * Math.LN2 * 1021) {
    if (quadratureOk) return viaQuadrature();
    const s = 1 / (4 * df);
    value = normalCdfRaw((tt * (1 - s) - del) / Math.sqrt(1 + tt * tt * 2 * s), seriesIsRequested, false);
  } else {
    const r = as243(tt, df, del);
    ok = r.ok;
    const tnc = Math.min(r.tnc, 1);
    value = seriesIsRequested ? tnc : 0.5 - tnc + 0.5;
  }
  if (quadratureOk && (!ok || !(value >= QUADRATURE_BELOW))) return viaQuadrature();
  if (value < 0) value = 0;
  return log ? Math.log(value) : value;
}

/**
 * Distribution function of the noncentral t distribution with ν degrees of freedom and
 * noncentrality δ: T = (Z + δ)/√(V/ν), Z ~ N(0, 1), V ~ χ²_ν independent.
 *
 * In the body it follows Lenth's AS 243 exactly as R's pt(t, df, ncp) does (absolute error
 * below 1e-12); probabilities below 1e-3, |δ| > 37.62 and non-converged series are computed by
 * adaptive quadrature with relative accuracy (see the module notes), where R loses it.
 * @param t - point.
 * @param df - degrees of freedom ν > 0 (non-integer and Infinity allowed).
 * @param ncp - noncentrality δ (finite).
 * @throws ArgumentError when `t` is NaN, `df` is not positive or `ncp` is not finite.
 * @example
 * noncentralTCdf(2, 10, 1); // 0.807611562530311, as R's pt(2, 10, ncp = 1)
 */
export function noncentralTCdf(t: number, df: number, ncp: number, options?: CdfOptions): number {
  requireNumber('t', t);
  if (typeof df !== 'number' || Number.isNaN(df) || !(df > 0)) throw new ArgumentError('df', df, 'positive degrees of freedom');
  if (typeof ncp !== 'number' || !Number.isFinite(ncp)) throw new ArgumentError('ncp', ncp, 'a finite noncentrality parameter');
  const { lowerTail, log } = cdfFlags(options);
  return noncentralTCdfRaw(t, df, ncp, lowerTail, log);
}

/** Options of {@link noncentralTNcpInterval}. */
export interface NcpIntervalOptions {
  /**
   * Two-sided confidence level.
   * @defaultValue 0.95
   */
  ciLevel?: number;
}

/**
 * Confidence interval for the noncentrality parameter δ of a noncentral t distribution from
 * an observed t: the δ_L and δ_U with P(T ≤ t | δ_L) = 1 − α/2 and P(T ≤ t | δ_U) = α/2
 * (the "pivoting the CDF" method of Steiger & Fouladi 1997, used by R's effectsize and MBESS).
 * Solved by Brent's method to ~1e-12, where effectsize's Nelder–Mead search stops near 1e-6.
 *
 * @param t - observed t statistic.
 * @param df - degrees of freedom ν > 0.
 * @returns [δ_L, δ_U].
 * @throws ArgumentError when `t` is not finite, `df` is not positive or `ciLevel` is not in (0, 1).
 * @example
 * noncentralTNcpInterval(2, 18); // [-0.0894090915802, 4.0396054287994]: pt(2, 18, δ_L) = 0.975, pt(2, 18, δ_U) = 0.025
 */
export function noncentralTNcpInterval(t: number, df: number, options?: NcpIntervalOptions): [number, number] {
  if (typeof t !== 'number' || !Number.isFinite(t)) throw new ArgumentError('t', t, 'a finite t statistic');
  if (typeof df !== 'number' || Number.isNaN(df) || !(df > 0)) throw new ArgumentError('df', df, 'positive degrees of freedom');
  const ciLevel = checkCiLevel(checkOptions('options', options, optionKeys<NcpIntervalOptions>()(['ciLevel'])).ciLevel ?? 0.95);
  const alpha = 1 - ciLevel;
  return [ncpForLowerTail(t, df, 1 - alpha / 2), ncpForLowerTail(t, df, alpha / 2)];
}

/** The δ with P(T ≤ t | δ) = p; P decreases in δ. */
export function ncpForLowerTail(t: number, df: number, p: number): number {
  if (df === Number.POSITIVE_INFINITY) {
    const z = normalQuantileFromTails({ logLower: Math.log(p), logUpper: Math.log1p(-p), lower: p, upper: 1 - p });
    return t - z;
  }
  // Work with the smaller tail so the equation is well conditioned at both ends of the interval.
  const useLower = p <= 0.5;
  const target = useLower ? Math.log(p) : Math.log1p(-p);
  const f = (delta: number): number => {
    const lt = noncentralTCdfRaw(t, df, delta, useLower, true);
    return useLower ? target - lt : lt - target;
  };
  // f increases with δ in both forms: the lower tail decreases in δ, the upper tail increases.
  const scale = Math.sqrt(1 + (t * t) / (2 * df));
  const [lo, hi] = bracketMonotone(f, t, scale, true);
  if (lo === hi) return lo;
  return brentRoot(f, lo, hi, { tol: 1e-13 * Math.max(1, Math.abs(t)) });
}

