/**
 * Log-gamma, log-beta and Stirling's error term, to near machine precision.
 *
 * Method (written for this library from the classical formulas, not ported from any code):
 * - 0 < x < 2.5: ln Γ(2 + z) = (1 − γ) z + Σ_{k ≥ 2} (−1)^k (ζ(k) − 1) z^k / k for |z| < 2
 *   (Abramowitz & Stegun 6.1.33), with ζ(k) − 1 computed once at load time; the series keeps
 *   full *relative* accuracy near the zeros of ln Γ at x = 1 and x = 2.
 * - 2.5 ≤ x < 10: the recurrence ln Γ(x) = ln Γ(x − k) + ln((x − 1)…(x − k)).
 * - x ≥ 10: Stirling's series with eight terms (truncation error < 1e-17 at x = 10).
 * - x < 0: the reflection formula.
 */
import { ArgumentError } from '../errors/index.js';
import { LN_SQRT_2PI } from './options.js';

const EULER_GAMMA = 0.577215664901532860606512090082;

/** ζ(k) − 1 for k = 0 … 40 (entries 0 and 1 unused). */
const ZETA_MINUS_ONE: Float64Array = (() => {
  const out = new Float64Array(41);
  // Euler–Maclaurin from N = 12: Σ_{n ≥ N} n^-k = N^{1-k}/(k-1) + N^{-k}/2
  //   + Σ_j B_{2j}/(2j)! · k(k+1)…(k+2j−2) · N^{−k−2j+1}.
  const N = 12;
  const bernoulli = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6];
  for (let k = 2; k <= 40; k++) {
    let tail = Math.pow(N, 1 - k) / (k - 1) + Math.pow(N, -k) / 2;
    let rising = k; // k(k+1)…(k+2j−2)
    let factorial = 2; // (2j)!
    for (let j = 1; j <= bernoulli.length; j++) {
      tail += ((bernoulli[j - 1] as number) / factorial) * rising * Math.pow(N, -k - 2 * j + 1);
      rising *= (k + 2 * j - 1) * (k + 2 * j);
      factorial *= (2 * j + 1) * (2 * j + 2);
    }
    // Add the explicit terms from the smallest up so that rounding stays at the last bit.
    let s = tail;
    for (let n = N - 1; n >= 2; n--) s += Math.pow(n, -k);
    out[k] = s;
  }
  return out;
})();

/** ln Γ(2 + z) for |z| ≤ 0.5 (series above; 40 terms reach 4^-40 ≈ 1e-24). */
function lgamma2p(z: number): number {
  let sum = 0;
  let power = z * z;
  for (let k = 2; k <= 40; k++) {
    const term = ((k % 2 === 0 ? 1 : -1) * (ZETA_MINUS_ONE[k] as number) * power) / k;
    sum += term;
    if (Math.abs(term) < 1e-18 * Math.abs(sum)) break;
    power *= z;
  }
  return (1 - EULER_GAMMA) * z + sum;
}

/**
 * ln Γ(1 + a), accurate also for small |a| where ln Γ(1 + a) ≈ −γ a.
 * @param a - a number greater than −1.
 */
export function logGamma1p(a: number): number {
  if (Math.abs(a) <= 0.5) return lgamma2p(a) - Math.log1p(a);
  return logGamma(1 + a);
}

/**
 * Stirling's error term δ(x) = ln Γ(x + 1) − (x + ½) ln x + x − ln √(2π), for x > 0.
 * Equals ln Γ(x) − [(x − ½) ln x − x + ln √(2π)] (the "lgammacor" of R). Central to Loader's
 * saddle-point densities, where it must be accurate in absolute terms.
 */
export function stirlingError(x: number): number {
  if (x >= 10) {
    const x2 = 1 / (x * x);
    // Bernoulli coefficients B_{2k} / (2k (2k − 1)).
    return (
      (1 / 12 -
        x2 *
          (1 / 360 -
            x2 *
              (1 / 1260 -
                x2 * (1 / 1680 - x2 * (1 / 1188 - x2 * (691 / 360360 - x2 * (1 / 156 - x2 * (3617 / 122400)))))))) /
      x
    );
  }
  // Upward recurrence δ(x) = δ(x + 1) + (x + ½) ln(1 + 1/x) − 1: each step adds ~1 ulp of
  // absolute error, unlike ln Γ(x + 1) − (x + ½) ln x + …, which cancels digits.
  let acc = 0;
  let y = x;
  while (y < 10) {
    acc += (y + 0.5) * Math.log1p(1 / y) - 1;
    y += 1;
  }
  return acc + stirlingError(y);
}

/**
 * Natural logarithm of the absolute value of the gamma function, ln |Γ(x)|.
 *
 * @param x - any number; poles (0, −1, −2, …) give `Infinity`.
 * @returns ln |Γ(x)|, with relative error about 1e-15 (absolute about 1e-16 near the zeros at 1 and 2).
 * @throws ArgumentError when `x` is NaN.
 * @example
 * logGamma(0.5); // 0.5723649429247001 = ln √π
 */
export function logGamma(x: number): number {
  if (typeof x !== 'number' || Number.isNaN(x)) throw new ArgumentError('x', x, 'a number (not NaN)');
  return logGammaRaw(x);
}

/** Unchecked twin of {@link logGamma}. */
export function logGammaRaw(x: number): number {
  if (x === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  if (x <= 0) {
    if (Number.isInteger(x)) return Number.POSITIVE_INFINITY;
    if (x === Number.NEGATIVE_INFINITY) return Number.POSITIVE_INFINITY;
    // Reflection: Γ(x) Γ(1 − x) = π / sin(πx); sinpi via the reduced argument keeps precision.
    const r = x - 2 * Math.floor(x / 2); // in [0, 2)
    const s = Math.abs(Math.sin(Math.PI * (r > 1 ? r - 2 : r)));
    return Math.log(Math.PI / s) - logGammaRaw(1 - x);
  }
  if (x < 0.5) return lgamma2p(x) - Math.log1p(x) - Math.log(x);
  if (x < 1.5) return lgamma2p(x - 1) - Math.log(x);
  if (x < 2.5) return lgamma2p(x - 2);
  if (x < 10) {
    let y = x;
    let prod = 1;
    while (y >= 2.5) {
      y -= 1;
      prod *= y;
    }
    return lgamma2p(y - 2) + Math.log(prod);
  }
  return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + stirlingError(x);
}

/**
 * Natural logarithm of the beta function, ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b).
 * For large arguments the Stirling terms are combined analytically so that the huge
 * ln Γ values never cancel.
 *
 * @param a - positive number.
 * @param b - positive number.
 * @throws ArgumentError when `a` or `b` is not a positive number.
 * @example
 * logBeta(0.5, 0.5); // 1.1447298858494002 = ln π
 */
export function logBeta(a: number, b: number): number {
  if (typeof a !== 'number' || !(a > 0)) throw new ArgumentError('a', a, 'a positive number');
  if (typeof b !== 'number' || !(b > 0)) throw new ArgumentError('b', b, 'a positive number');
  return logBetaRaw(a, b);
}

/** Unchecked twin of {@link logBeta}. */
export function logBetaRaw(a: number, b: number): number {
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  if (q === Number.POSITIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  if (p >= 10) {
    const corr = stirlingError(p) + stirlingError(q) - stirlingError(p + q);
    return -0.5 * Math.log(q) + LN_SQRT_2PI + corr + (p - 0.5) * Math.log(p / (p + q)) + q * Math.log1p(-p / (p + q));
  }
  if (q >= 10) {
    const corr = stirlingError(q) - stirlingError(p + q);
    return logGammaRaw(p) + corr + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-p / (p + q));
  }
  return logGammaRaw(p) + logGammaRaw(q) - logGammaRaw(p + q);
}
