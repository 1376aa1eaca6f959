/**
 * Inversion of a continuous distribution function on (0, ∞) or (0, 1) by safeguarded Newton
 * steps on u = ln x applied to the log of one tail.
 *
 * Why this form: on the log-tail scale heavy tails (t with small df, F) become nearly linear in
 * u, so Newton converges in a few steps from a rough start even for p = 1e-300; a bracket that
 * shrinks on every evaluation turns any wild step into bisection, so the iteration cannot
 * diverge. The final steps are taken in x (when |u| > 1) so that huge or tiny quantiles keep
 * full relative precision, which the absolute precision of u would limit to |u|·ε.
 */

/** The monotone equation log T(u) = target, where T is one tail of the distribution of X = e^u. */
export interface LogTailEquation {
  /** log of the tail probability at x = e^u. */
  logTail(u: number): number;
  /** log of the density of X at x = e^u. */
  logDensity(u: number): number;
  /** `true` when the tail is the lower one (increasing in u). */
  isLower: boolean;
  /** Target log-probability. */
  target: number;
  /** Starting value of u. */
  start: number;
  /** Upper bound of u (0 for distributions on (0, 1), Infinity for (0, ∞)). */
  uMax: number;
}

/** Solution of a {@link LogTailEquation}: u and, accurately, x = e^u and 1 − x. */
export interface LogTailSolution {
  u: number;
  x: number;
  /** 1 − x, computed as −expm1(u) when x is near 1. */
  oneMinusX: number;
  iterations: number;
  converged: boolean;
}

export function solveLogTail(eq: LogTailEquation): LogTailSolution {
  let uLo = Number.NEGATIVE_INFINITY;
  let uHi = eq.uMax;
  let u = Math.min(eq.start, eq.uMax === 0 ? -1e-300 : Number.MAX_VALUE);
  if (!Number.isFinite(u)) u = eq.uMax === 0 ? -0.6931471805599453 : 0;
  let expand = 1;
  let converged = false;
  let it = 0;
  const sign = eq.isLower ? 1 : -1;
  for (; it < 400; it++) {
    const lt = eq.logTail(u);
    const g = lt - eq.target;
    if (g === 0) {
      converged = true;
      break;
    }
    // The tail is too large ⇔ (lower tail and g > 0) or (upper tail and g < 0) … expressed via the sign.
    if (sign * g > 0) uHi = u;
    else uLo = u;
    const slope = sign * Math.exp(eq.logDensity(u) + u - lt);
    let uNew = u - g / slope;
    if (!Number.isFinite(uNew) || uNew <= uLo || uNew >= uHi) {
      if (Number.isFinite(uLo) && Number.isFinite(uHi)) uNew = 0.5 * (uLo + uHi);
      else if (Number.isFinite(uLo)) {
        uNew = uLo + expand;
        expand *= 2;
      } else {
        uNew = Math.min(uHi, u) - expand;
        expand *= 2;
      }
    }
    const du = uNew - u;
    u = uNew;
    if (Math.abs(du) <= 4e-16 * Math.max(1, Math.abs(u))) {
      converged = true;
      break;
    }
    if (Number.isFinite(uLo) && Number.isFinite(uHi) && uHi - uLo <= 4e-16 * Math.max(1, Math.abs(u))) {
      converged = true;
      break;
    }
  }
  let x = Math.exp(u);
  if (Math.abs(u) > 1 && Number.isFinite(x) && x > 0) {
    // Polish in x: Newton on log T(x) with the bracket carried over.
    const xLo = Math.exp(uLo);
    const xHi = Math.exp(uHi);
    for (let k = 0; k < 3; k++) {
      const ux = Math.log(x);
      const lt = eq.logTail(ux);
      const g = lt - eq.target;
      if (g === 0) break;
      const slope = sign * Math.exp(eq.logDensity(ux) - lt);
      const xNew = x - g / slope;
      if (!Number.isFinite(xNew) || xNew <= xLo || xNew >= xHi) break;
      const dx = xNew - x;
      x = xNew;
      if (Math.abs(dx) <= 2.5e-16 * x) break;
    }
    return { u: Math.log(x), x, oneMinusX: 1 - x, iterations: it, converged };
  }
  return { u, x, oneMinusX: -Math.expm1(u), iterations: it, converged };
}
