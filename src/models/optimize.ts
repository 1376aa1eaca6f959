/**
 * Derivative-free minimisation with lower bounds, for the few variance parameters of a
 * mixed model: a bounded Nelder–Mead simplex to get close, then projected Newton steps
 * on finite-difference derivatives to converge tightly (the profiled deviance is smooth
 * in the interior, so Newton's quadratic convergence pins θ far below lme4's own
 * tolerance, which is what agreement to 1e-4 in variance components needs).
 */

/** One line of the optimiser's log. */
export interface OptimizerStep {
  phase: 'nelder-mead' | 'newton';
  evaluations: number;
  objective: number;
  x: number[];
}

/** What a fit reports about its optimisation (LmmFit, GlmmFit and MmrmFit `optimizer`). */
export interface OptimizerReport {
  method: string;
  evaluations: number;
  converged: boolean;
  message: string;
  log: OptimizerStep[];
  /** Gradient of the objective at the optimum (finite differences). */
  gradient: number[];
}

/** The method every one-stage fit (LMM, MMRM) names in its {@link OptimizerReport}. */
const ONE_STAGE_METHOD = 'bounded Nelder-Mead, then projected Newton on finite differences';

/** A one-stage fit's report of its optimisation. */
export function optimizerReport(opt: OptimizeResult): OptimizerReport {
  return { method: ONE_STAGE_METHOD, evaluations: opt.evaluations, converged: opt.converged, message: opt.converged ? 'converged' : opt.message, log: opt.log, gradient: opt.gradient };
}

export interface OptimizeResult {
  x: number[];
  objective: number;
  evaluations: number;
  converged: boolean;
  /** Plain-language reason when not converged. */
  message: string;
  log: OptimizerStep[];
  /** Finite-difference gradient at the solution (free coordinates) and whether the Hessian there was positive definite. */
  gradient: number[];
  hessianPositiveDefinite: boolean;
  /** Coordinates at their lower bound at the solution. */
  atBound: boolean[];
}

export interface OptimizeOptions {
  /** @defaultValue 10000 */
  maxEvaluations?: number;
  /** Relative objective tolerance of the simplex phase (Newton steps then finish). @defaultValue 1e-7 */
  simplexTolerance?: number;
  /** Initial simplex step. @defaultValue 0.2 (per coordinate, at least 0.1 × |x0|) */
  step?: number;
}

/**
 * Minimise f subject to x ≥ lower (−Infinity for free coordinates).
 */
export function minimizeBounded(
  f: (x: number[]) => number,
  x0: number[],
  lower: number[],
  options: OptimizeOptions & {
    /**
     * Evaluations the simplex may spend before the Newton steps take over (fewer when the start
     * is already in the basin, e.g. a second stage started from a first).
     * @defaultValue 15 × (number of parameters + 1)
     */
    simplexEvaluations?: number;
    /**
     * When the result is only a starting point (glmer's first stage): the Newton polish stops,
     * converged, once its step is below this fraction of max(1, |x|). The criterion of a final
     * optimum (a step below 1e-8 and a predicted decrease within f's rounding) cannot be met
     * when f is a sum over millions of rows whose rounding grows with them.
     * @defaultValue none (polish to the final criterion)
     */
    startTolerance?: number;
    /**
     * The relative rounding of f (about 1e-14 for a REML criterion summed over many thousands of
     * rows): when given, the Newton polish also stops once its step is within the noise this
     * puts into its finite-difference gradient (`withinNoise`). Callers give it only where f is
     * a sum over so many rows that the step criterion below cannot be met; elsewhere the polish
     * is as before, to the last bit.
     * @defaultValue none (no noise stop)
     */
    relativeNoise?: number;
  } = {},
): OptimizeResult {
  const maxEval = options.maxEvaluations ?? 10000;
  const tol = options.simplexTolerance ?? 1e-7;
  const d = x0.length;
  const log: OptimizerStep[] = [];
  let evals = 0;
  const clamp = (x: number[]) => x.map((v, i) => Math.max(v, lower[i]!));
  const F = (x: number[]): number => {
    evals++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };

  // --- Nelder–Mead (Lagarias et al. 1998 coefficients), points clamped to the bounds.
  const simplex: number[][] = [clamp(x0)];
  for (let i = 0; i < d; i++) {
    const x = [...simplex[0]!];
    const h = Math.max(options.step ?? 0.2, 0.1 * Math.abs(x[i]!));
    x[i] = x[i]! + h;
    simplex.push(clamp(x));
  }
  let vals = simplex.map(F);
  let restarts = 0;
  // The simplex only needs to reach the basin: Newton steps converge quadratically from
  // there, and a simplex pressed against a bound (a variance near 0) crawls.
  const simplexBudget = Math.min(maxEval, options.simplexEvaluations ?? 15 * (d + 1));
  while (evals < simplexBudget) {
    const idx = vals.map((_, i) => i).sort((a, b) => vals[a]! - vals[b]!);
    const S = idx.map((i) => simplex[i]!);
    const V = idx.map((i) => vals[i]!);
    simplex.splice(0, simplex.length, ...S);
    vals = V;
    const best = vals[0]!;
    const worst = vals[d]!;
    let size = 0;
    for (let i = 1; i <= d; i++) for (let j = 0; j < d; j++) size = Math.max(size, Math.abs(simplex[i]![j]! - simplex[0]![j]!));
    if (Math.abs(worst - best) <= tol * (Math.abs(best) + 1e-8) && size < 1e-4) {
      // Restart once around the best point: guards against a collapsed simplex.
      if (restarts >= 1) break;
      restarts++;
      for (let i = 1; i <= d; i++) {
        const x = [...simplex[0]!];
        x[i - 1] = x[i - 1]! + Math.max(1e-3, 0.05 * Math.abs(x[i - 1]!));
        simplex[i] = clamp(x);
        vals[i] = F(simplex[i]!);
      }
      continue;
    }
    const centroid = new Array(d).fill(0);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) centroid[j] = centroid[j]! + (simplex[i]![j]! / d);
    const along = (t: number) => clamp(centroid.map((c, j) => c + t * (simplex[d]![j]! - c)));
    const xr = along(-1);
    const fr = F(xr);
    if (fr < vals[0]!) {
      const xe = along(-2);
      const fe = F(xe);
      if (fe < fr) {
        simplex[d] = xe;
        vals[d] = fe;
      } else {
        simplex[d] = xr;
        vals[d] = fr;
      }
    } else if (fr < vals[d - 1]!) {
      simplex[d] = xr;
      vals[d] = fr;
    } else {
      const outside = fr < vals[d]!;
      const xc = along(outside ? -0.5 : 0.5);
      const fc = F(xc);
      if (fc < (outside ? fr : vals[d]!)) {
        simplex[d] = xc;
        vals[d] = fc;
      } else {
        for (let i = 1; i <= d; i++) {
          simplex[i] = clamp(simplex[i]!.map((v, j) => simplex[0]![j]! + 0.5 * (v - simplex[0]![j]!)));
          vals[i] = F(simplex[i]!);
        }
      }
    }
    if (log.length === 0 || evals - log[log.length - 1]!.evaluations >= 25) {
      log.push({ phase: 'nelder-mead', evaluations: evals, objective: vals[0]!, x: [...simplex[0]!] });
    }
  }
  let bi = 0;
  for (let i = 1; i <= d; i++) if (vals[i]! < vals[bi]!) bi = i;
  let x = [...simplex[bi]!];
  let fx = vals[bi]!;
  log.push({ phase: 'nelder-mead', evaluations: evals, objective: fx, x: [...x] });
  if (!Number.isFinite(fx)) {
    return {
      x,
      objective: fx,
      evaluations: evals,
      converged: false,
      message: 'The objective was never finite: no starting point gave a valid fit',
      log,
      gradient: new Array(d).fill(NaN),
      hessianPositiveDefinite: false,
      atBound: x.map(() => false),
    };
  }

  // --- Projected Newton polish with central differences.
  let grad: number[] = new Array(d).fill(0);
  let hessPD = true;
  let atBound = x.map((v, i) => v - lower[i]! <= 1e-10);
  let converged = false;
  let message = '';
  let trusted = 0;
  for (let iter = 0; iter < 100 && evals < maxEval; iter++) {
    const h = x.map((v) => 1e-4 * Math.max(Math.abs(v), 0.1));
    const { g, H } = fdDerivatives(F, x, fx, h, lower);
    grad = g;
    atBound = x.map((v, i) => v - lower[i]! <= 1e-10);
    // Active set: at the bound with the gradient pushing outward.
    const free: number[] = [];
    for (let i = 0; i < d; i++) if (!(atBound[i] && g[i]! >= 0)) free.push(i);
    if (free.length === 0) {
      converged = true;
      break;
    }
    const Hf = free.map((i) => free.map((j) => H[i]![j]!));
    const gf = free.map((i) => g[i]!);
    let step = solveSpd(Hf, gf.map((v) => -v));
    hessPD = step !== null;
    if (!step) {
      // Not positive definite: Levenberg damping, H + μI with μ growing until it is.
      const scale = Math.max(...Hf.map((r, i) => Math.abs(r[i]!)), 1e-8);
      for (let mu = 1e-6 * scale; !step && mu < 1e12 * scale; mu *= 10) {
        step = solveSpd(Hf.map((r, i) => r.map((v, j) => (i === j ? v + mu : v))), gf.map((v) => -v));
      }
      step ??= gf.map((v, i) => -v / Math.max(Math.abs(Hf[i]![i]!), 1e-8));
      // Without positive curvature the quadratic model says nothing about how far to go (on the
      // flat ridge of a variance the data do not identify, the damped step is ~1e7): stay within
      // a trust region of the current point's own size, so θ cannot jump to where the criterion
      // has lost its digits.
      const radius = Math.min(...free.map((i, k) => Math.max(Math.abs(x[i]!), 0.1) / Math.max(Math.abs(step![k]!), 1e-300)));
      if (radius < 1) step = step.map((v) => v * radius);
    }
    // Predicted decrease of the quadratic model below rounding of f and a negligible Newton
    // step: we are done. (The step bound matters: θ is within about √(2·pred/H) of the optimum,
    // which the decrease alone leaves at 1e-6 or so, enough for the answer to depend on the
    // optimiser's path, e.g. on the data's units.)
    if (hessPD) {
      const pred = -0.5 * gf.reduce((acc, gi, k) => acc + gi * step![k]!, 0);
      const stepMax = Math.max(...step.map(Math.abs));
      const xScale = Math.max(1, ...x.map(Math.abs));
      if (pred >= 0 && pred < 1e-15 * Math.abs(fx) + 1e-13 && (stepMax < 1e-8 * xScale || (options.relativeNoise !== undefined && withinNoise(Hf, step, free.map((i) => h[i]!), fx, options.relativeNoise, 1e-8 * xScale)))) {
        converged = true;
        log.push({ phase: 'newton', evaluations: evals, objective: fx, x: [...x] });
        break;
      }
      if (options.startTolerance !== undefined && stepMax < options.startTolerance * Math.max(1, ...x.map(Math.abs))) {
        converged = true;
        log.push({ phase: 'newton', evaluations: evals, objective: fx, x: [...x] });
        break;
      }
    }
    if (hessPD && trusted < 3) {
      // The decrease the quadratic model predicts is within f's own rounding, so a line search
      // cannot confirm it (it would end on a step of zero), while the finite-difference
      // gradient (accurate to about ε|f|/h) still points to the optimum: take the full Newton
      // step on the model's word, unless f clearly rises.
      const pred = -0.5 * gf.reduce((acc, gi, k) => acc + gi * step![k]!, 0);
      const noise = 1e-12 * Math.max(1, Math.abs(fx));
      if (pred >= 0 && pred < noise) {
        const xn = [...x];
        free.forEach((i, k) => {
          xn[i] = Math.max(lower[i]!, x[i]! + step![k]!);
        });
        const fn = F(xn);
        if (Number.isFinite(fn) && fn <= fx + noise) {
          trusted++;
          x = xn;
          fx = fn;
          log.push({ phase: 'newton', evaluations: evals, objective: fx, x: [...x] });
          continue;
        }
      }
    }
    let t = 1;
    let improved = false;
    for (let ls = 0; ls < 30; ls++) {
      const xn = [...x];
      free.forEach((i, k) => {
        xn[i] = Math.max(lower[i]!, x[i]! + t * step![k]!);
      });
      const fn = F(xn);
      const maxStep = Math.max(...xn.map((v, i) => Math.abs(v - x[i]!)));
      // On a flat ridge (a variance the data do not identify) f does not change along the
      // step, and accepting "no increase" would walk θ off towards infinity, where the
      // criterion itself loses its digits: a long step must buy a decrease above rounding.
      const flatLongStep = fx - fn <= 1e-12 * Math.max(1, Math.abs(fx)) && maxStep > 1e-6 * Math.max(1, ...x.map(Math.abs));
      if (fn <= fx && !flatLongStep) {
        const df = fx - fn;
        x = xn;
        fx = fn;
        improved = true;
        // Stop on a negligible step, not a negligible decrease: near the optimum the
        // objective changes by ~step², so a decrease test would stop while θ still moves.
        const scale = Math.max(1, ...xn.map(Math.abs));
        if (maxStep < 1e-10 * scale || (df === 0 && maxStep < 1e-8 * scale)) converged = true;
        break;
      }
      t /= 2;
    }
    log.push({ phase: 'newton', evaluations: evals, objective: fx, x: [...x] });
    if (!improved) {
      // No decrease along the Newton direction: at the optimum to working precision
      // if the projected gradient is tiny relative to the curvature.
      const gn = Math.sqrt(gf.reduce((a, v) => a + v * v, 0));
      converged = hessPD && gn < 1e-3;
      if (!converged) message = `Newton steps found no decrease; projected gradient norm ${gn.toExponential(2)}`;
      break;
    }
    if (converged) break;
  }
  if (!converged && !message) message = `Stopped after ${evals} evaluations without meeting the convergence criterion`;
  return { x, objective: fx, evaluations: evals, converged, message, log, gradient: grad, hessianPositiveDefinite: hessPD, atBound };
}

/**
 * Whether a Newton step is no larger than the noise of its own finite-difference gradient: f
 * rounded to `relative` of itself (a REML criterion summed over hundreds of thousands of rows
 * varies by about 1e-14 of itself between θ a rounding apart) gives a central difference over h
 * an error of about ε|f|/h, and the step H⁻¹g inherits |H⁻¹| times that. A step below it (or
 * below `floor`) is noise: another step moves θ at random within that band without lowering f,
 * so at register scale the polish would otherwise spend its evaluations walking there until a
 * line search happens to fail.
 */
function withinNoise(H: number[][], step: number[], h: number[], fx: number, relative: number, floor: number): boolean {
  const d = step.length;
  const eps = relative * Math.max(1, Math.abs(fx));
  const noise = new Array<number>(d).fill(0);
  for (let j = 0; j < d; j++) {
    const col = solveSpd(H, step.map((_, i) => (i === j ? 1 : 0)));
    if (!col) return false;
    const dg = eps / h[j]!;
    for (let i = 0; i < d; i++) noise[i] = noise[i]! + Math.abs(col[i]!) * dg;
  }
  return step.every((s, i) => Math.abs(s) <= Math.max(noise[i]!, floor));
}

/** Central-difference gradient and Hessian; one-sided near a lower bound. */
export function fdDerivatives(
  F: (x: number[]) => number,
  x: number[],
  fx: number,
  h: number[],
  lower: number[],
): { g: number[]; H: number[][] } {
  const d = x.length;
  const g = new Array(d).fill(0);
  const H: number[][] = Array.from({ length: d }, () => new Array(d).fill(0));
  const shift = (i: number) => (x[i]! - h[i]! < lower[i]! ? h[i]! : 0); // move the stencil inside
  const at = (di: Record<number, number>) => F(x.map((v, i) => v + (di[i] ?? 0)));
  const c = x.map((_, i) => shift(i));
  const f0 = c.some((v) => v !== 0) ? at(Object.fromEntries(c.map((v, i) => [i, v]))) : fx;
  const base = (extra: Record<number, number>) => {
    const di: Record<number, number> = {};
    for (let i = 0; i < d; i++) di[i] = c[i]! + (extra[i] ?? 0);
    return at(di);
  };
  const fp: number[] = [];
  const fm: number[] = [];
  for (let i = 0; i < d; i++) {
    fp[i] = base({ [i]: h[i]! });
    fm[i] = base({ [i]: -h[i]! });
    g[i] = (fp[i]! - fm[i]!) / (2 * h[i]!);
    H[i]![i] = (fp[i]! - 2 * f0 + fm[i]!) / (h[i]! * h[i]!);
  }
  // Gradient at x itself when the stencil was shifted: correct with the curvature.
  for (let i = 0; i < d; i++) if (c[i] !== 0) g[i] = g[i]! - H[i]![i]! * c[i]!;
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const fpp = base({ [i]: h[i]!, [j]: h[j]! });
      const fmm = base({ [i]: -h[i]!, [j]: -h[j]! });
      const v = (fpp - fp[i]! - fp[j]! + 2 * f0 - fm[i]! - fm[j]! + fmm) / (2 * h[i]! * h[j]!);
      H[i]![j] = v;
      H[j]![i] = v;
    }
  }
  return { g, H };
}

function solveSpd(A: number[][], b: number[]): number[] | null {
  const n = b.length;
  const L = A.map((r) => [...r]);
  for (let j = 0; j < n; j++) {
    let s = L[j]![j]!;
    for (let k = 0; k < j; k++) s -= L[j]![k]! ** 2;
    if (!(s > 0)) return null;
    L[j]![j] = Math.sqrt(s);
    for (let i = j + 1; i < n; i++) {
      let t = L[i]![j]!;
      for (let k = 0; k < j; k++) t -= L[i]![k]! * L[j]![k]!;
      L[i]![j] = t / L[j]![j]!;
    }
  }
  const z = [...b];
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) z[i] = z[i]! - L[i]![k]! * z[k]!;
    z[i] = z[i]! / L[i]![i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) z[i] = z[i]! - L[k]![i]! * z[k]!;
    z[i] = z[i]! / L[i]![i]!;
  }
  return z;
}
