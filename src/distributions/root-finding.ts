/**
 * Brent's method for a root of a continuous function in a bracket, and bracket expansion for
 * monotone functions. Used to invert distribution functions in a parameter (noncentrality
 * intervals, conditional maximum likelihood of Fisher's exact test).
 *
 * Reference: Brent, R. P. (1973). Algorithms for Minimization without Derivatives, ch. 4.
 */
import { ArgumentError, ConvergenceError } from '../errors/index.js';
import { checkFinite, checkInteger, checkOptions, optionKeys } from '../errors/checks.js';

/** Options of {@link brentRoot}. */
export interface BrentOptions {
  /**
   * Absolute tolerance on the root; the effective tolerance is 2·ε·|x| + tol/2 (Brent's rule).
   * @defaultValue 1e-14
   */
  tol?: number;
  /** @defaultValue 500 */
  maxIterations?: number;
}

/**
 * A root of `f` in [a, b], where f(a) and f(b) differ in sign (or one is 0), by Brent's method
 * (inverse quadratic interpolation, secant and bisection), which never leaves the bracket.
 * @throws ArgumentError when the bracket does not contain a sign change.
 * @throws ConvergenceError when `maxIterations` is exhausted (not expected for continuous f).
 * @example
 * brentRoot((x) => x * x - 2, 0, 2); // 1.4142135623730951
 */
export function brentRoot(f: (x: number) => number, a: number, b: number, options?: BrentOptions): number {
  const o = checkOptions('options', options, optionKeys<BrentOptions>()(['tol', 'maxIterations']));
  const tol = checkFinite('options.tol', o.tol ?? 1e-14, 0);
  const maxIterations = checkInteger('options.maxIterations', o.maxIterations ?? 500, 1, 1_000_000);
  let fa = f(a);
  let fb = f(b);
  if (fa === 0) return a;
  if (fb === 0) return b;
  if (!(fa * fb < 0)) {
    throw new ArgumentError('bracket', [a, b], 'an interval on whose ends the function has opposite signs', `f(a) = ${fa}, f(b) = ${fb}`);
  }
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (let iter = 0; iter < maxIterations; iter++) {
    if (fb * fc > 0) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol1 = 2 * Number.EPSILON * Math.abs(b) + 0.5 * tol;
    const xm = 0.5 * (c - b);
    if (Math.abs(xm) <= tol1 || fb === 0) return b;
    if (Math.abs(e) >= tol1 && Math.abs(fa) > Math.abs(fb)) {
      const s = fb / fa;
      let p: number;
      let q: number;
      if (a === c) {
        p = 2 * xm * s;
        q = 1 - s;
      } else {
        const qq = fa / fc;
        const r = fb / fc;
        p = s * (2 * xm * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      p = Math.abs(p);
      if (2 * p < Math.min(3 * xm * q - Math.abs(tol1 * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = xm;
        e = d;
      }
    } else {
      d = xm;
      e = d;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol1 ? d : xm > 0 ? tol1 : -tol1;
    fb = f(b);
  }
  throw new ConvergenceError(`brentRoot: no convergence in ${maxIterations} iterations`);
}

/**
 * Find [lo, hi] containing a sign change of a monotone function, stepping outward from `start`
 * with doubling steps. `increasing` tells the direction of monotonicity.
 * @throws ConvergenceError when no sign change is found within 200 doublings.
 */
export function bracketMonotone(
  f: (x: number) => number,
  start: number,
  step: number,
  increasing: boolean,
  bounds: { min?: number; max?: number } = {},
): [number, number] {
  const min = bounds.min ?? Number.NEGATIVE_INFINITY;
  const max = bounds.max ?? Number.POSITIVE_INFINITY;
  const f0 = f(start);
  if (f0 === 0) return [start, start];
  // Move towards the root: up when the value is below zero for an increasing function.
  const up = (f0 < 0) === increasing;
  let prev = start;
  let h = step;
  for (let i = 0; i < 200; i++) {
    let next = up ? prev + h : prev - h;
    if (next >= max) next = up ? (prev + max) / 2 : next;
    if (next <= min) next = up ? next : (prev + min) / 2;
    const fn = f(next);
    if (fn === 0 || fn < 0 !== f0 < 0) return up ? [prev, next] : [next, prev];
    prev = next;
    h *= 2;
  }
  throw new ConvergenceError('bracketMonotone: no sign change found');
}
