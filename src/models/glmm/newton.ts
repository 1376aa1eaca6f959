/**
 * The second stage of glmer's optimisation (θ and β jointly on the Laplace or AGQ deviance)
 * by Newton steps with a fixed Hessian; with the analytic gradient, the first stage (θ alone) too.
 *
 * Stage 1 (θ with β and u by PIRLS, glmer's nAGQ = 0) ends within a fraction of a standard
 * error of the stage-2 optimum, inside the basin where the deviance is close to quadratic. So
 * the Hessian H is formed once, by central differences at the start (1 + 2d + 2·d(d−1)/2
 * evaluations), and reused: each further step needs only the central-difference gradient
 * (2d evaluations), x ← x − H⁻¹g. That is a chord (simplified Newton) iteration; it converges
 * linearly with rate ‖I − H₀⁻¹H(x)‖, which is small here because H barely changes over the
 * short distance covered, and BFGS updates from the gradients' changes make it superlinear;
 * H is formed again when the steps stop shrinking fast. Where the analytic gradient of the
 * Laplace deviance is available (`laplaceGradient`: scalar random-effects terms, canonical links),
 * it replaces the differences: H from 2d gradients, and a step costs one deviance and one
 * gradient, about two evaluations instead of 2d + 1. The general
 * optimiser (bounded Nelder–Mead, then full finite-difference Newton at every step) would form
 * a new Hessian, d(d + 1) + 1 evaluations, at every step.
 *
 * Convergence is judged on the scale of the answer: the last Newton step is below 1e-6 of
 * each parameter's standard error (√(2 H⁻¹)ᵢᵢ, the deviance being −2 log L), far inside the
 * tolerance (1e-4 of max(|β|, SE)) the estimates are checked against. When H is not positive
 * definite (a singular fit, θ on the boundary) or the steps fail to decrease the deviance, the
 * general optimiser takes over from the best point found, so those fits are handled exactly as
 * before.
 */
import { fdDerivatives, minimizeBounded, type OptimizeOptions, type OptimizeResult, type OptimizerStep } from '../optimize.js';

/** Relative step sizes of the finite differences (the general optimiser's). */
const stepsAt = (x: readonly number[]): number[] => x.map((v) => 1e-4 * Math.max(Math.abs(v), 0.1));

/** Cholesky inverse of a symmetric d × d matrix; null when not positive definite. */
function inverseSpd(H: number[][]): number[][] | null {
  const d = H.length;
  const L = H.map((r) => [...r]);
  for (let j = 0; j < d; j++) {
    let s = L[j]![j]!;
    for (let k = 0; k < j; k++) s -= L[j]![k]! ** 2;
    if (!(s > 0) || !Number.isFinite(s)) return null;
    L[j]![j] = Math.sqrt(s);
    for (let i = j + 1; i < d; i++) {
      let t = L[i]![j]!;
      for (let k = 0; k < j; k++) t -= L[i]![k]! * L[j]![k]!;
      L[i]![j] = t / L[j]![j]!;
    }
  }
  const inv: number[][] = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let c = 0; c < d; c++) {
    const z = new Array<number>(d).fill(0);
    z[c] = 1;
    for (let i = 0; i < d; i++) {
      for (let k = 0; k < i; k++) z[i] = z[i]! - L[i]![k]! * z[k]!;
      z[i] = z[i]! / L[i]![i]!;
    }
    for (let i = d - 1; i >= 0; i--) {
      for (let k = i + 1; k < d; k++) z[i] = z[i]! - L[k]![i]! * z[k]!;
      z[i] = z[i]! / L[i]![i]!;
    }
    for (let i = 0; i < d; i++) inv[i]![c] = z[i]!;
  }
  return inv;
}

/** Central-difference gradient (2d evaluations). */
function fdGradient(F: (x: number[]) => number, x: number[], h: number[]): number[] {
  return x.map((_, i) => {
    const xp = [...x];
    const xm = [...x];
    xp[i] = x[i]! + h[i]!;
    xm[i] = x[i]! - h[i]!;
    return (F(xp) - F(xm)) / (2 * h[i]!);
  });
}

/** Deviance and its (analytic) gradient at x; null where unavailable (not finite, not converged). */
export type DevianceWithGradient = (x: readonly number[]) => { f: number; g: Float64Array } | null;

/**
 * The Hessian by central differences of an analytic gradient (2d gradients, against
 * 1 + d(d + 1) deviances for second differences of the deviance), symmetrised; null when a
 * gradient is unavailable.
 */
export function hessianFromGradient(grad: (x: number[]) => ArrayLike<number> | null, x: readonly number[], h: readonly number[]): number[][] | null {
  const d = x.length;
  const H: number[][] = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < d; i++) {
    const xp = [...x];
    const xm = [...x];
    xp[i] = x[i]! + h[i]!;
    xm[i] = x[i]! - h[i]!;
    const gp = grad(xp);
    const gm = grad(xm);
    if (!gp || !gm) return null;
    for (let j = 0; j < d; j++) H[j]![i] = (gp[j]! - gm[j]!) / (2 * h[i]!);
  }
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const v = 0.5 * (H[i]![j]! + H[j]![i]!);
      H[i]![j] = v;
      H[j]![i] = v;
    }
  }
  return H;
}

/**
 * Minimise the stage-2 deviance from the stage-1 point x0, or with `fg` the stage-1 deviance from
 * its start (all coordinates free). With `fg`
 * (the analytic gradient, `laplaceGradient`), gradients and Hessians come from it instead of
 * from differences of the deviance: a step then costs about two evaluations instead of 2d + 1.
 */
export function minimizeNewton(
  f: (x: number[]) => number,
  x0: number[],
  control: OptimizeOptions,
  fg: DevianceWithGradient | null = null,
  /** Options of the general optimiser where it takes over (stage 1's: its own simplex budget and start tolerance). */
  fallback: Parameters<typeof minimizeBounded>[3] = {},
): OptimizeResult {
  const d = x0.length;
  const lower = x0.map(() => -Infinity);
  const maxEval = control.maxEvaluations ?? 20000;
  let evals = 0;
  const F = (x: number[]): number => {
    evals++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const log: OptimizerStep[] = [];
  let x = [...x0];
  let fx = F(x);
  const general = (): OptimizeResult => {
    const r = minimizeBounded(f, x, lower, { ...control, maxEvaluations: Math.max(1, maxEval - evals), simplexEvaluations: 2 * (d + 1), ...fallback });
    return { ...r, evaluations: r.evaluations + evals, log: [...log, ...r.log] };
  };
  if (!Number.isFinite(fx)) return general();
  // Each analytic gradient counts as an evaluation (its PIRLS solve is shared with the deviance
  // at the same point when there is one; its two passes cost about as much as a solve).
  const G = fg
    ? (xx: number[]): number[] | null => {
        evals++;
        const r = fg(xx);
        return r ? Array.from(r.g) : null;
      }
    : null;
  const derivatives = (): { g: number[]; H: number[][] } | null => {
    if (!G) return fdDerivatives(F, x, fx, stepsAt(x), lower);
    // The gradient at x first: it shares the PIRLS solve of the deviance just evaluated there.
    const g0 = G(x);
    const H0 = g0 && hessianFromGradient(G, x, stepsAt(x));
    return g0 && H0 ? { g: g0, H: H0 } : null;
  };
  const gradientAt = (xx: number[]): number[] | null => (G ? G(xx) : fdGradient(F, xx, stepsAt(xx)));
  const first = derivatives();
  if (!first) return general();
  let { g, H } = first;
  let Hinv = inverseSpd(H);
  if (!Hinv) return general();
  log.push({ phase: 'newton', evaluations: evals, objective: fx, x: [...x] });
  let prevRel = Infinity;
  // The deviance's decrease at the last accepted step.
  let lastDecrease = Infinity;
  // Steps taken with the current Hessian, and Hessians formed.
  let sinceRefresh = 0;
  let refreshes = 0;
  const done = (): OptimizeResult => ({ x, objective: fx, evaluations: evals, converged: true, message: 'converged', log, gradient: g, hessianPositiveDefinite: true, atBound: x.map(() => false) });
  for (let iter = 0; iter < 100 && evals < maxEval; iter++) {
    const step = Hinv.map((row) => -row.reduce((s, v, j) => s + v * g[j]!, 0));
    // The step in units of each parameter's standard error.
    const rel = Math.max(...step.map((s, i) => Math.abs(s) / Math.sqrt(2 * Math.max(Hinv![i]![i]!, 1e-300))));
    if (rel < 1e-6) return done();
    // A trust region: no coordinate moves by more than 10·max(1, |x|) in one step. Far from the
    // optimum (stage 1 starts at θ = 1) a nearly flat direction, e.g. a variance heading for 0,
    // makes H nearly singular and the Newton step enormous; PIRLS cannot converge out there.
    // (With a bound of max(1, |x|) a capped step from θ = 1 lands exactly on θ = 0, where the
    // deviance, even in θ, is stationary: the steps then stall there.)
    const reach = Math.max(...step.map((v, i) => Math.abs(v) / (10 * Math.max(1, Math.abs(x[i]!)))));
    if (reach > 1) for (let i = 0; i < d; i++) step[i] = step[i]! / reach;
    if (rel > 0.5 * prevRel) {
      // The steps stopped shrinking fast. Right after a fresh Hessian that is the noise of the
      // differences (the deviance is accurate to ~1e-13 relative), once the step is a small
      // fraction of a standard error; else the Hessian is stale: form it again here. When the
      // last step lowered the deviance by no more than its own rounding (which grows with the
      // rows: a sum of 3 million terms), the step is that noise too, and a new Hessian would
      // only measure it again.
      if (sinceRefresh <= 1 && rel < 1e-3) return done();
      if (lastDecrease <= 1e-12 * Math.max(1, Math.abs(fx)) && rel < 1e-4) return done();
      if (refreshes >= 5) return general();
      const again = derivatives();
      if (!again) return general();
      ({ g, H } = again);
      Hinv = inverseSpd(H);
      if (!Hinv) return general();
      refreshes++;
      sinceRefresh = 0;
      prevRel = Infinity;
      continue;
    }
    let t = 1;
    let accepted = false;
    const before = fx;
    const noise = 1e-12 * Math.max(1, Math.abs(fx));
    for (let ls = 0; ls < 30; ls++) {
      const xn = x.map((v, i) => v + t * step[i]!);
      const fn = F(xn);
      if (fn <= fx + noise) {
        x = xn;
        fx = fn;
        accepted = true;
        break;
      }
      t /= 2;
    }
    log.push({ phase: 'newton', evaluations: evals, objective: fx, x: [...x] });
    if (!accepted) {
      // No decrease along the step: at the optimum to the deviance's own precision when the step
      // was already a small fraction of a standard error; else the general optimiser finishes.
      if (rel < 1e-3) return done();
      return general();
    }
    sinceRefresh++;
    prevRel = rel;
    lastDecrease = before - fx;
    const gOld = g;
    const gNew = gradientAt(x);
    if (!gNew) return general();
    g = gNew;
    // BFGS update of H with the step and the change of gradient, while the step is large
    // enough for that change to stand above the noise of the differences: the steps then
    // shrink superlinearly instead of by a constant factor.
    if (rel > 1e-4) {
      const sv = step.map((v) => v * t);
      const yv = g.map((v, i) => v - gOld[i]!);
      const sy = sv.reduce((a, v, i) => a + v * yv[i]!, 0);
      const Hs = H.map((row) => row.reduce((a, v, j) => a + v * sv[j]!, 0));
      const sHs = sv.reduce((a, v, i) => a + v * Hs[i]!, 0);
      if (sy > 0 && sHs > 0) {
        const Hn = H.map((row, i) => row.map((v, j) => v - (Hs[i]! * Hs[j]!) / sHs + (yv[i]! * yv[j]!) / sy));
        const inv = inverseSpd(Hn);
        if (inv) {
          H = Hn;
          Hinv = inv;
        }
      }
    }
  }
  return general();
}
