/**
 * The Laplace and adaptive Gauss–Hermite deviances of a generalised linear mixed model, with
 * penalised iteratively reweighted least squares (PIRLS) inside (Bates, Mächler, Bolker & Walker
 * 2015, JSS 67(1), section 5 of the lme4 vignette on GLMMs; lme4's `pwrssUpdate`, `glmerLaplace`
 * and `glmerAGQ` in src/external.cpp).
 *
 * For spherical random effects u (b = Λθ u, u ~ N(0, I)) and fixed η = offset + Xβ + ZΛu,
 * each PIRLS iteration linearises the conditional log-likelihood at the current u and solves
 * the penalised weighted least-squares problem
 *
 *     min ‖W^{1/2}(z − ZΛu)‖² + ‖u‖²,   z = ZΛu + s/w  (working response),
 *
 * with w the working weights and s the score in η. That is exactly the linear mixed model's
 * system at weights w and response z, so the LMM's stages do the work: one pass over the rows
 * forms the weighted cross-products (per-participant blocks, `formCrossProducts`), and the
 * LMM's block Cholesky (`evaluateDeviance`, dense or nested layout) gives u and log|L|²,
 * L L' = Λ'Z'WZΛ + I. No n × n matrix, and no q × q one when one grouping factor dominates.
 *
 * Laplace deviance (lme4's nAGQ = 1, `glmResp::Laplace`):
 *     −2 log L(θ, β) ≈ log|L|² + ‖ũ‖² − 2 Σ_i log p(y_i | ũ)
 * at the conditional mode ũ. lme4 uses Fisher-scoring weights w = wt·μ'(η)²/V(μ) (equal to the
 * observed information for canonical links); glmmTMB (TMB) uses the exact Hessian of the
 * joint log-density, which for the negative binomial with log link is
 * w = wt·θμ(θ + y)/(μ + θ)², and for the gamma with log link w = wt·y/(φμ). Both are available
 * (`hessian`). The gamma's dispersion φ enters the mode's problem as prior weights wt/φ, since
 * −2 log p(y | u) = devResid/φ + terms free of μ.
 *
 * Adaptive Gauss–Hermite quadrature (lme4's nAGQ > 1, one scalar random-effects term): per
 * level g with d_g(u) = u² + Σ_{i∈g} devResid_i(u) and σ_g = 1/L_gg,
 *     dev = Σ_g d_g(ũ_g) + log|L|² − 2 Σ_g log Σ_k w_k exp(z_k²/2 − (d_g(ũ_g + z_k σ_g) − d_g(ũ_g))/2)
 * which, like lme4's, is on the deviance-residual scale (not −2 log-likelihood).
 */
import { backSolveTransposed, choleskyInPlace, forwardSolve } from '../../linalg/dense.js';
import { evaluateDeviance, lambdaBlocks } from '../lmm/deviance.js';
import { formCrossProducts, type CrossProducts, type ReTerm } from '../lmm/structure.js';
import type { Family } from '../glm/family.js';
import { gaussHermiteRule } from './gauss-hermite.js';

/** The data of a GLMM in fitting form (rows used only). */
export interface GlmmProblem {
  terms: ReTerm[];
  /** Column-major n × p. */
  X: Float64Array;
  n: number;
  p: number;
  /** Response: 0/1, a proportion of `wt` trials (binomial), or a count. */
  y: Float64Array;
  /** Prior weights (binomial: trials × weights). */
  wt: Float64Array;
  offset: Float64Array;
  /** 'fisher' (lme4) or 'observed' (TMB; used for the negative binomial and the gamma). */
  hessian: 'fisher' | 'observed';
  /** Block layout passed to the LMM's cross-products. */
  structure: 'auto' | 'dense';
}

/** The state at the conditional mode for given parameters. */
export interface ModeState {
  /** Spherical modes per term (fitting order), level-major with k values per level. */
  u: Float64Array[];
  /** β (updated only by the joint PIRLS). */
  beta: Float64Array;
  eta: Float64Array;
  mu: Float64Array;
  /** log|L|², L L' = Λ'Z'WZΛ + I at the mode. */
  ldL2: number;
  /** ‖u‖². */
  sqrL: number;
  /** Σ devResid at the mode. */
  devResid: number;
  iterations: number;
  converged: boolean;
  /**
   * Cross-products of the last PIRLS system (weights at the mode); null when the scalar-term
   * kernel (`scalarSystem`) solved it (call `pirls` with `general = true` for them).
   */
  cp: CrossProducts | null;
  /**
   * Per-term conditional covariance blocks of u ((L L')⁻¹ diagonal blocks), complete for term 1
   * and the nested layout; for crossed terms call `conditionalCovariances`.
   */
  cu: Float64Array[];
  /** (p + 1)² factor of the fixed-effects block (joint PIRLS only; else empty). */
  Lx: Float64Array;
}

const MAX_PIRLS = 60;

/** The working weight w and the Newton/Fisher step s/w in η of each row, at η (μ = linkinv(η) given). */
function working(fam: Family, hessian: 'fisher' | 'observed', y: number, eta: number, mu: number, wt: number, out: { w: number; step: number }): void {
  if (hessian === 'observed' && fam.name === 'negativeBinomial') {
    // log link: ℓ'(η) = θ(y − μ)/(μ + θ), −ℓ''(η) = θμ(θ + y)/(μ + θ)².
    const th = fam.theta!;
    const d = mu + th;
    out.w = (wt * th * mu * (th + y)) / (d * d);
    out.step = ((y - mu) * d) / (mu * (th + y));
    return;
  }
  if (hessian === 'observed' && fam.name === 'gamma' && fam.link === 'log') {
    // wt already carries the shape 1/φ: ℓ'(η) = wt(y/μ − 1), −ℓ''(η) = wt·y/μ (the inverse link
    // is canonical, where the observed and Fisher weights coincide).
    out.w = (wt * y) / mu;
    out.step = (y - mu) / y;
    return;
  }
  const me = fam.muEta(eta);
  out.w = (wt * me * me) / fam.variance(mu);
  out.step = (y - mu) / me;
}

/** η = offset + Xβ (β given) into out. */
export function fixedPredictor(prob: GlmmProblem, beta: ArrayLike<number>, out: Float64Array): Float64Array {
  const { X, n, p } = prob;
  const off = prob.offset;
  // One pass over the rows (the columns' terms added in order, as column by column would).
  const b = Float64Array.from(beta as ArrayLike<number>);
  for (let i = 0; i < n; i++) {
    let s = off[i]!;
    for (let c = 0; c < p; c++) {
      const bc = b[c]!;
      if (bc !== 0) s += X[c * n + i]! * bc;
    }
    out[i] = s;
  }
  return out;
}

/** Add ZΛu to base into out. */
function addRandom(prob: GlmmProblem, lams: Float64Array[], u: Float64Array[], base: Float64Array, out: Float64Array): void {
  const n = prob.n;
  out.set(base);
  prob.terms.forEach((t, j) => {
    const k = t.k;
    const lam = lams[j]!;
    const b = new Float64Array(u[j]!.length);
    const uj = u[j]!;
    for (let l = 0; l < t.levels.length; l++) {
      for (let r = 0; r < k; r++) {
        let s = 0;
        for (let c = 0; c <= r; c++) s += lam[r * k + c]! * uj[l * k + c]!;
        b[l * k + r] = s;
      }
    }
    for (let c = 0; c < k; c++) {
      const o = c * n;
      for (let i = 0; i < n; i++) out[i] = out[i]! + t.Z[o + i]! * b[t.group[i]! * k + c]!;
    }
  });
}

// The deviance's sums run over millions of rows, and naive summation's rounding grows with them
// (about 1e-11 relative at 3 million rows, above the 1e-12 by which PIRLS's step-halving and the
// optimisers judge a decrease: PIRLS then halved steps on noise and never converged). So they are
// compensated (Neumaier's variant of Kahan summation: error about one rounding, whatever the rows):
//     t = s + v;  c += |s| ≥ |v| ? (s − t) + v : (v − t) + s;  s = t;   result s + c.

function sumSq(u: Float64Array[]): number {
  let s = 0;
  let c = 0;
  for (const a of u) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i]! * a[i]!;
      const t = s + v;
      c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
      s = t;
    }
  }
  return s + c;
}

const scratch = new WeakMap<GlmmProblem, { base: Float64Array; z: Float64Array; w: Float64Array }>();

function scratchOf(prob: GlmmProblem): { base: Float64Array; z: Float64Array; w: Float64Array } {
  let s = scratch.get(prob);
  if (!s) {
    s = { base: new Float64Array(prob.n), z: new Float64Array(prob.n), w: new Float64Array(prob.n) };
    scratch.set(prob, s);
  }
  return s;
}

/**
 * PIRLS to the conditional mode at θ: over u only with β fixed (`joint = false`, lme4's
 * nAGQ ≥ 1 stage) or over u and β together (`joint = true`, lme4's nAGQ = 0 stage).
 * Iterates until the largest change of u (and β) is below 1e-11 (for Newton iterations, until
 * it is below 1e-7, the next being below 1e-14, and then only refactors at the final weights),
 * so the Laplace deviance is accurate enough for finite-difference derivatives; step-halving as
 * lme4 when the penalised deviance rises. Warm-started from `start` (the previous evaluation's modes).
 * @param needFactors - keep the per-level factors (`cu`) of the final weights (AGQ needs them).
 */
export function pirls(
  prob: GlmmProblem,
  fam: Family,
  theta: ArrayLike<number>,
  beta: ArrayLike<number>,
  joint: boolean,
  start: Float64Array[] | null,
  etaStart: Float64Array | null = null,
  needFactors = false,
  general = false,
): ModeState {
  const { n, p, y, wt, terms } = prob;
  const cp0 = { terms } as CrossProducts;
  const lams = lambdaBlocks(cp0, theta);
  let u: Float64Array[] = start ? start.map((a) => Float64Array.from(a)) : terms.map((t) => new Float64Array(t.levels.length * t.k));
  let b: Float64Array = Float64Array.from(beta);
  // Per-row work arrays shared by the evaluations of one problem (η and μ stay with the state).
  const { base, z, w } = scratchOf(prob);
  const eta = new Float64Array(n);
  const mu = new Float64Array(n);
  const tmp = { w: 0, step: 0 };
  // Newton (observed information, or Fisher scoring on a canonical link); the shortcut below
  // also needs the final per-level factors only for log|L|² (not for AGQ's curvatures).
  const newton = !needFactors && (prob.hessian === 'observed' || (fam.name === 'binomial' && fam.link === 'logit') || (fam.name === 'poisson' && fam.link === 'log'));
  const emptyX = new Float64Array(0);
  const fast = !general ? scalarSystem(prob) : null;
  const lam1 = lams[0]![0]!;
  const lam2 = fast && fast.nested ? lams[1]![0]! : 0;

  fixedPredictor(prob, b, base);
  const update = (uu: Float64Array[], bb: Float64Array): number => {
    if (joint) fixedPredictor(prob, bb, base);
    if (fast) fast.predictor(lam1, lam2, uu, base, eta);
    else addRandom(prob, lams, uu, base, eta);
    let dev = 0;
    let cd = 0;
    for (let i = 0; i < n; i++) {
      const m = fam.linkinv(eta[i]!);
      mu[i] = m;
      const v = fam.devResid(y[i]!, m, wt[i]!);
      const t = dev + v;
      cd += Math.abs(dev) >= Math.abs(v) ? dev - t + v : v - t + dev;
      dev = t;
    }
    return dev + cd + sumSq(uu);
  };
  let pdev = update(u, b);
  if (etaStart) {
    // R's starting values (family$initialize): the first system is formed at η₀, and any
    // first step is taken.
    eta.set(etaStart);
    for (let i = 0; i < n; i++) mu[i] = fam.linkinv(eta[i]!);
    pdev = Infinity;
  } else if (!Number.isFinite(pdev)) {
    // A warm start can be far off after a large step in θ: restart from u = 0.
    u = terms.map((t) => new Float64Array(t.levels.length * t.k));
    pdev = update(u, b);
  }
  let ldL2 = NaN;
  let cp: CrossProducts | null = null;
  let cu: Float64Array[] = [];
  let Lx: Float64Array = new Float64Array(0);
  let converged = false;
  let it = 0;
  for (; it < MAX_PIRLS; it++) {
    for (let i = 0; i < n; i++) {
      working(fam, prob.hessian, y[i]!, eta[i]!, mu[i]!, wt[i]!, tmp);
      w[i] = tmp.w;
      z[i] = eta[i]! - (joint ? prob.offset[i]! : base[i]!) + tmp.step;
    }
    let uNew: Float64Array[];
    let bNew: Float64Array = b;
    if (fast && joint) {
      const sol = fast.solveJoint(w, z, lam1, lam2);
      if (!sol) break;
      ldL2 = sol.ldL2;
      cu = [];
      uNew = sol.u;
      bNew = Float64Array.from(sol.beta);
    } else if (fast) {
      const sol = fast.solve(w, z, lam1, lam2, true);
      if (!sol) break;
      ldL2 = sol.ldL2;
      cu = sol.cu;
      uNew = sol.u;
    } else {
      cp = formCrossProducts(terms, joint ? prob.X : emptyX, z, n, joint ? p : 0, { aggregate: false, weights: w, structure: prob.structure });
      const ev = evaluateDeviance(cp, theta, false, true, false);
      if (!ev.solution || !Number.isFinite(ev.ldL2)) break;
      ldL2 = ev.ldL2;
      cu = ev.solution.cu;
      Lx = ev.Lx;
      uNew = ev.solution.u;
      if (joint) bNew = Float64Array.from(ev.solution.beta);
    }
    let change = 0;
    uNew.forEach((a, j) => {
      for (let i = 0; i < a.length; i++) change = Math.max(change, Math.abs(a[i]! - u[j]![i]!));
    });
    if (joint) for (let i = 0; i < p; i++) change = Math.max(change, Math.abs(bNew[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
    let pNew = update(uNew, bNew);
    let uc = uNew;
    let bc = bNew;
    // Step-halving between the old and the new point while the penalised deviance rises.
    for (let h = 0; h < 30 && !(pNew <= pdev * (1 + 1e-12) + 1e-12); h++) {
      uc = uc.map((a, j) => a.map((v, i) => 0.5 * (v + u[j]![i]!)));
      if (joint) bc = bc.map((v, i) => 0.5 * (v + b[i]!));
      pNew = update(uc, bc);
    }
    if (!Number.isFinite(pNew)) break;
    u = uc;
    b = bc;
    pdev = pNew;
    const scale = Math.max(1, ...u.map((a) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0)));
    if (change < 1e-11 * scale) {
      converged = true;
      it++;
      break;
    }
    if (newton && change < 1e-7 * scale) {
      // Newton steps converge quadratically: the next change would be below 1e-14, so only
      // the factor at the final weights is still needed (for log|L|²), not another solve.
      for (let i = 0; i < n; i++) {
        working(fam, prob.hessian, y[i]!, eta[i]!, mu[i]!, wt[i]!, tmp);
        w[i] = tmp.w;
      }
      if (fast) {
        const fin = fast.solve(w, z, lam1, lam2, false);
        if (!fin) break;
        ldL2 = fin.ldL2;
      } else {
        cp = formCrossProducts(terms, joint ? prob.X : emptyX, z, n, joint ? p : 0, { aggregate: false, weights: w, structure: prob.structure });
        const fin = evaluateDeviance(cp, theta, false);
        if (!Number.isFinite(fin.ldL2)) break;
        ldL2 = fin.ldL2;
      }
      converged = true;
      it += 2;
      break;
    }
  }
  const sqrL = sumSq(u);
  return { u, beta: b, eta, mu, ldL2, sqrL, devResid: pdev - sqrL, iterations: it, converged, cp, cu, Lx };
}

/**
 * The PIRLS system over u alone (β fixed) for the commonest designs, solved without forming
 * the LMM's cross-product structure: every random-effects term scalar (k = 1), and either one
 * term or two with the first nested in the second (participants within therapy groups,
 * including a partially nested design's placeholder cluster). The system
 *     (Λ'Z'WZΛ + I) u = Λ'Z'W z
 * then has a diagonal term-1 block a_g, a diagonal term-2 block and a term-1/term-2 border with
 * one entry per term-1 level, so eliminating term 1 leaves a diagonal term-2 block:
 *     d_l = λ2² Σ w z2² + 1 − Σ_{g∈l} e_g²/a_g,  e_g = λ1λ2 Σ_{i∈g} w z1 z2,
 * and u and log|L|² = Σ log a_g + Σ log d_l follow in O(rows + levels), with one pass over the
 * rows and no allocation per iteration. The same algebra as the LMM's nested layout
 * (`evaluateNested`), specialised; `pirls(..., general = true)` uses that layout instead.
 */
interface ScalarSystem {
  nested: boolean;
  /** η = base + λ1 z1 u1[g] (+ λ2 z2 u2[l]). */
  predictor(lam1: number, lam2: number, u: Float64Array[], base: Float64Array, out: Float64Array): void;
  /** u, log|L|² and, for one term, its conditional variances 1/a_g; null when not positive definite. */
  solve(w: Float64Array, z: Float64Array, lam1: number, lam2: number, withModes: boolean): { u: Float64Array[]; ldL2: number; cu: Float64Array[] } | null;
  /** The joint system in u and β (stage 1): u, β and log|L|² (random-effects part); null when not positive definite. */
  solveJoint(w: Float64Array, z: Float64Array, lam1: number, lam2: number): { u: Float64Array[]; beta: Float64Array; ldL2: number } | null;
  /** The Laplace deviance's gradient in (λ1[, λ2], β) at a converged mode, or in λ alone at a joint mode (`laplaceGradient`). */
  gradient(fam: Family, y: Float64Array, wt: Float64Array, st: ModeState, lam1: number, lam2: number, joint: boolean): Float64Array | null;
}

const scalarSystems = new WeakMap<GlmmProblem, ScalarSystem | null>();

function scalarSystem(prob: GlmmProblem): ScalarSystem | null {
  if (scalarSystems.has(prob)) return scalarSystems.get(prob)!;
  const sys = buildScalarSystem(prob);
  scalarSystems.set(prob, sys);
  return sys;
}

function buildScalarSystem(prob: GlmmProblem): ScalarSystem | null {
  const { terms, n, X, p } = prob;
  if (prob.structure === 'dense' || terms.length > 2 || terms.some((t) => t.k !== 1)) return null;
  const t1 = terms[0]!;
  const n1 = t1.levels.length;
  const g1 = t1.group;
  const z1 = t1.Z;
  const nested = terms.length === 2;
  const t2 = nested ? terms[1]! : null;
  const n2 = t2 ? t2.levels.length : 0;
  const g2 = t2 ? t2.group : new Int32Array(0);
  const z2 = t2 ? t2.Z : new Float64Array(0);
  const levelOf = new Int32Array(nested ? n1 : 0).fill(-1);
  if (nested) {
    for (let i = 0; i < n; i++) {
      const g = g1[i]!;
      const cur = levelOf[g]!;
      if (cur === -1) levelOf[g] = g2[i]!;
      else if (cur !== g2[i]) return null;
    }
  }
  const A = new Float64Array(n1);
  const C = new Float64Array(n1);
  const E = new Float64Array(nested ? n1 : 0);
  const D = new Float64Array(n2);
  const F = new Float64Array(n2);
  // The joint system's fixed-effects borders, allocated on first use (stage 1 only).
  let B1 = new Float64Array(0);
  let B2 = new Float64Array(0);
  const XX = new Float64Array(p * p);
  const Xz = new Float64Array(p);
  const xi = new Float64Array(p);
  // The gradient's right-hand sides for λ1 and λ2 (term-1 and term-2 parts), allocated on first use.
  let R1a = new Float64Array(0);
  let R1b = new Float64Array(0);
  let R2a = new Float64Array(0);
  let R2b = new Float64Array(0);
  const gx = new Float64Array(p);
  // Stage 1's extra sums: X'WX, C'V (C = Λ'Z'WX, V = ∂ũ/∂β), and per λ: C'∂ũ/∂λ and X'WZ(∂Λ/∂λ)ũ.
  const XWX = new Float64Array(p * p);
  const CtV = new Float64Array(p * p);
  const Cdu = new Float64Array(2 * p);
  const Rb = new Float64Array(2 * p);
  return {
    nested,
    gradient(fam, y, wt, st, lam1, lam2, joint) {
      // Canonical links only: there the working weight is w = wt·V(μ) (observed = expected
      // information, so the mode's PIRLS and log|L|² use the same w), dw/dη = w·V'(μ) and the
      // deviance's derivative in η is d' = −2·wt·(y − μ).
      const logit = fam.name === 'binomial' && fam.link === 'logit';
      if (!logit && !(fam.name === 'poisson' && fam.link === 'log')) return null;
      if (B1.length !== n1 * p) {
        B1 = new Float64Array(n1 * p);
        B2 = new Float64Array(n2 * p);
      }
      if (R1a.length !== n1) {
        R1a = new Float64Array(n1);
        R1b = new Float64Array(n1);
        R2a = new Float64Array(n2);
        R2b = new Float64Array(n2);
      }
      const u1 = st.u[0]!;
      const u2 = nested ? st.u[1]! : new Float64Array(0);
      const { mu } = st;
      A.fill(0);
      E.fill(0);
      D.fill(0);
      B1.fill(0);
      B2.fill(0);
      R1a.fill(0);
      R1b.fill(0);
      R2a.fill(0);
      R2b.fill(0);
      gx.fill(0);
      let gl1 = 0;
      let gl2 = 0;
      // Pass 1: the system's sums at the mode's weights, the right-hand sides of the modes'
      // derivatives, and the explicit derivative of the penalised deviance (u held at the mode,
      // where its own derivative vanishes).
      for (let i = 0; i < n; i++) {
        const m = mu[i]!;
        const me = fam.muEta(st.eta[i]!);
        const wi = (wt[i]! * me * me) / fam.variance(m);
        const dp = -2 * wt[i]! * (y[i]! - m);
        const g = g1[i]!;
        const za = z1[i]!;
        const wz1 = wi * za;
        A[g] = A[g]! + wz1 * za;
        R1a[g] = R1a[g]! + lam1 * wz1 * za * u1[g]! + 0.5 * za * dp;
        gl1 += dp * za * u1[g]!;
        const b1 = g * p;
        for (let j = 0; j < p; j++) {
          const x = X[j * n + i]!;
          if (x === 0) continue;
          B1[b1 + j] = B1[b1 + j]! + wz1 * x;
          gx[j] = gx[j]! + dp * x;
        }
        if (nested) {
          const zb = z2[i]!;
          if (zb === 0) continue;
          const l = g2[i]!;
          const wz2 = wi * zb;
          E[g] = E[g]! + wz1 * zb;
          D[l] = D[l]! + wz2 * zb;
          R1b[g] = R1b[g]! + lam1 * wz1 * zb * u2[l]!;
          R2a[l] = R2a[l]! + lam2 * wz2 * za * u1[g]!;
          R2b[l] = R2b[l]! + lam2 * wz2 * zb * u2[l]! + 0.5 * zb * dp;
          gl2 += dp * zb * u2[l]!;
          const b2 = l * p;
          for (let j = 0; j < p; j++) B2[b2 + j] = B2[b2 + j]! + wz2 * X[j * n + i]!;
        }
      }
      // M = I + Λ'Z'WZΛ: a_g = λ1²A_g + 1, e_g = λ1λ2E_g, Schur complement (diagonal)
      // S_l = λ2²D_l + 1 − Σ_{g∈l} e_g²/a_g (into F; the raw sums A, E, D stay). The entries of
      // M⁻¹ a row needs: M⁻¹_gg = 1/a + (e/a)²/S, M⁻¹_gl = −(e/a)/S, M⁻¹_ll = 1/S.
      const l11 = lam1 * lam1;
      const l12 = lam1 * lam2;
      const l22 = lam2 * lam2;
      for (let l = 0; l < n2; l++) F[l] = l22 * D[l]! + 1;
      if (nested) {
        for (let g = 0; g < n1; g++) {
          const e = l12 * E[g]!;
          if (e !== 0) F[levelOf[g]!] = F[levelOf[g]!]! - (e * e) / (l11 * A[g]! + 1);
        }
      }
      for (let l = 0; l < n2; l++) if (!(F[l]! > 0)) return null;
      // tr(M⁻¹ ∂M/∂λ) at fixed W (∂M/∂λ1 = Λ1'Z'WZΛ + its transpose):
      // 2 Σ_g (λ1 A_g M⁻¹_gg + λ2 E_g M⁻¹_gl) for λ1, 2 Σ_l λ2 D_l M⁻¹_ll + 2 Σ_g λ1 E_g M⁻¹_gl for λ2.
      let tr1 = 0;
      let tr2 = 0;
      for (let g = 0; g < n1; g++) {
        const a = l11 * A[g]! + 1;
        let mgg = 1 / a;
        if (nested && E[g] !== 0) {
          const r = (l12 * E[g]!) / a;
          const s = F[levelOf[g]!]!;
          mgg += (r * r) / s;
          const mgl = -r / s;
          tr1 += 2 * lam2 * E[g]! * mgl;
          tr2 += 2 * lam1 * E[g]! * mgl;
        }
        tr1 += 2 * lam1 * A[g]! * mgg;
      }
      for (let l = 0; l < n2; l++) tr2 += (2 * lam2 * D[l]!) / F[l]!;
      // The modes' derivatives: ∂ũ/∂λ = −M⁻¹(Λ'Z'WZ Λ_λ ũ + ½ Λ_λ'Z'd') (R1a/R2a, R1b/R2b),
      // ∂ũ/∂β_j = −M⁻¹ Λ'Z'W x_j (B1/B2 scaled by λ), each solved by the same elimination as
      // the modes (term 1 into term 2, then back), in place and negated.
      const solveInPlace = (r1: Float64Array, r2: Float64Array, stride: number, col: number, s1: number, s2: number): void => {
        for (let g = 0; g < n1; g++) r1[g * stride + col] = s1 * r1[g * stride + col]!;
        for (let l = 0; l < n2; l++) r2[l * stride + col] = s2 * r2[l * stride + col]!;
        if (nested) {
          for (let g = 0; g < n1; g++) {
            const e = l12 * E[g]!;
            if (e !== 0) {
              const l = levelOf[g]!;
              r2[l * stride + col] = r2[l * stride + col]! - (e * r1[g * stride + col]!) / (l11 * A[g]! + 1);
            }
          }
          for (let l = 0; l < n2; l++) r2[l * stride + col] = -r2[l * stride + col]! / F[l]!;
        }
        for (let g = 0; g < n1; g++) {
          let t = r1[g * stride + col]!;
          if (nested) t += l12 * E[g]! * r2[levelOf[g]! * stride + col]!;
          r1[g * stride + col] = -t / (l11 * A[g]! + 1);
        }
      };
      solveInPlace(R1a, R2a, 1, 0, 1, 1);
      if (nested) solveInPlace(R1b, R2b, 1, 0, 1, 1);
      for (let j = 0; j < p; j++) solveInPlace(B1, B2, p, j, lam1, lam2);
      // Pass 2: the derivative of log|L|² through the weights, Σ_i h_i (dw_i/dη_i) (dη_i/dλ),
      // with h_i = (ZΛ M⁻¹ Λ'Z')_ii and dη/dλ = Z Λ_λ ũ + ZΛ ∂ũ/∂λ.
      const grad = new Float64Array((nested ? 2 : 1) + p);
      let w1 = 0;
      let w2 = 0;
      if (joint) {
        XWX.fill(0);
        CtV.fill(0);
        Cdu.fill(0);
        Rb.fill(0);
      }
      for (let i = 0; i < n; i++) {
        const m = mu[i]!;
        const me = fam.muEta(st.eta[i]!);
        const wi = (wt[i]! * me * me) / fam.variance(m);
        const dw = logit ? wi * (1 - 2 * m) : wi;
        const g = g1[i]!;
        const za = z1[i]!;
        const a = l11 * A[g]! + 1;
        let h = (l11 * za * za) / a;
        let c1 = lam1 * za;
        let c2 = 0;
        let l = 0;
        if (nested) {
          const zb = z2[i]!;
          l = g2[i]!;
          // A participant whose rows are not all in the group's column (E_g ≠ 0) couples to
          // its group even in a row where z2 = 0.
          if (zb !== 0 || E[g] !== 0) {
            const s = F[l]!;
            const r = (l12 * E[g]!) / a;
            // (λ1 z1, λ2 z2) [M⁻¹_gg M⁻¹_gl; M⁻¹_gl M⁻¹_ll] (λ1 z1, λ2 z2)'.
            const v = lam1 * za * r - lam2 * zb;
            h += (v * v) / s;
            c2 = lam2 * zb;
          }
        }
        if (joint) {
          const zb = nested ? z2[i]! : 0;
          const ua = za * u1[g]!;
          const ub = nested ? zb * u2[l]! : 0;
          const dua = c1 * R1a[g]! + (nested ? c2 * R2a[l]! : 0);
          const dub = nested ? c1 * R1b[g]! + c2 * R2b[l]! : 0;
          for (let j = 0; j < p; j++) {
            const wx = wi * X[j * n + i]!;
            if (wx === 0) continue;
            for (let k = 0; k <= j; k++) XWX[j * p + k] = XWX[j * p + k]! + wx * X[k * n + i]!;
            for (let k = 0; k < p; k++) CtV[j * p + k] = CtV[j * p + k]! + wx * (c1 * B1[g * p + k]! + (nested ? c2 * B2[l * p + k]! : 0));
            Cdu[j] = Cdu[j]! + wx * dua;
            Rb[j] = Rb[j]! + wx * ua;
            if (nested) {
              Cdu[p + j] = Cdu[p + j]! + wx * dub;
              Rb[p + j] = Rb[p + j]! + wx * ub;
            }
          }
        }
        const cw = h * dw;
        if (cw === 0) continue;
        w1 += cw * (za * u1[g]! + c1 * R1a[g]! + (nested ? c2 * R2a[l]! : 0));
        if (nested) w2 += cw * (z2[i]! * u2[l]! + c1 * R1b[g]! + c2 * R2b[l]!);
        const b1 = g * p;
        const b2 = l * p;
        for (let j = 0; j < p; j++) grad[(nested ? 2 : 1) + j] = grad[(nested ? 2 : 1) + j]! + cw * (X[j * n + i]! + c1 * B1[b1 + j]! + (nested ? c2 * B2[b2 + j]! : 0));
      }
      grad[0] = gl1 + tr1 + w1;
      if (nested) grad[1] = gl2 + tr2 + w2;
      const o = nested ? 2 : 1;
      for (let j = 0; j < p; j++) grad[o + j] = grad[o + j]! + gx[j]!;
      if (!joint) return grad;
      // At a joint mode β̃(λ) moves with λ too: from ∇_u P = 0 and ∇_β P = 0,
      //     M ∂ũ + C ∂β = −r_u,  C'∂ũ + X'WX ∂β = −X'WZ(∂Λ/∂λ)ũ,
      // so with ∂ũ = ∂ũ|β + V ∂β: ∂β/∂λ = −(X'WX + C'V)⁻¹ (X'WZ(∂Λ/∂λ)ũ + C'∂ũ|β), and the
      // stage-1 gradient is ∂D/∂λ + ∂D/∂β · ∂β/∂λ. X'WX + C'V is the β block's Schur complement.
      const S = new Float64Array(p * p);
      for (let j = 0; j < p; j++) for (let k = 0; k <= j; k++) S[j * p + k] = XWX[j * p + k]! + 0.5 * (CtV[j * p + k]! + CtV[k * p + j]!);
      if (!choleskyInPlace(S, p)) return null;
      const out = new Float64Array(nested ? 2 : 1);
      const v = new Float64Array(p);
      for (let q = 0; q < out.length; q++) {
        for (let j = 0; j < p; j++) v[j] = -(Rb[q * p + j]! + Cdu[q * p + j]!);
        forwardSolve(S, p, v);
        backSolveTransposed(S, p, v);
        let gq = grad[q]!;
        for (let j = 0; j < p; j++) gq += grad[o + j]! * v[j]!;
        out[q] = gq;
      }
      return out;
    },
    solveJoint(w, z, lam1, lam2) {
      if (B1.length !== n1 * p) {
        B1 = new Float64Array(n1 * p);
        B2 = new Float64Array(n2 * p);
      }
      A.fill(0);
      C.fill(0);
      E.fill(0);
      D.fill(0);
      F.fill(0);
      B1.fill(0);
      B2.fill(0);
      XX.fill(0);
      Xz.fill(0);
      for (let i = 0; i < n; i++) {
        const g = g1[i]!;
        const wi = w[i]!;
        const wz1 = wi * z1[i]!;
        const zi = z[i]!;
        A[g] = A[g]! + wz1 * z1[i]!;
        C[g] = C[g]! + wz1 * zi;
        for (let j = 0; j < p; j++) xi[j] = X[j * n + i]!;
        const b1 = g * p;
        for (let j = 0; j < p; j++) {
          const x = xi[j]!;
          if (x === 0) continue;
          const wx = wi * x;
          B1[b1 + j] = B1[b1 + j]! + wz1 * x;
          Xz[j] = Xz[j]! + wx * zi;
          for (let k = 0; k <= j; k++) XX[j * p + k] = XX[j * p + k]! + wx * xi[k]!;
        }
        if (nested) {
          const l = g2[i]!;
          const wz2 = wi * z2[i]!;
          if (wz2 === 0) continue;
          E[g] = E[g]! + wz1 * z2[i]!;
          D[l] = D[l]! + wz2 * z2[i]!;
          F[l] = F[l]! + wz2 * zi;
          const b2 = l * p;
          for (let j = 0; j < p; j++) B2[b2 + j] = B2[b2 + j]! + wz2 * xi[j]!;
        }
      }
      // λ scaling, then eliminate term 1 level by level, then term 2, leaving the p × p block.
      const l11 = lam1 * lam1;
      let ld = 0;
      let ldc = 0;
      for (let l = 0; l < n2; l++) {
        D[l] = lam2 * lam2 * D[l]! + 1;
        F[l] = lam2 * F[l]!;
        for (let j = 0; j < p; j++) B2[l * p + j] = lam2 * B2[l * p + j]!;
      }
      for (let g = 0; g < n1; g++) {
        const a = l11 * A[g]! + 1;
        A[g] = a;
        const c = lam1 * C[g]!;
        C[g] = c;
        {
          const lv = Math.log(a);
          const lt = ld + lv;
          ldc += Math.abs(ld) >= Math.abs(lv) ? ld - lt + lv : lv - lt + ld;
          ld = lt;
        }
        const b1 = g * p;
        for (let j = 0; j < p; j++) B1[b1 + j] = lam1 * B1[b1 + j]!;
        for (let j = 0; j < p; j++) {
          const bj = B1[b1 + j]! / a;
          if (bj === 0) continue;
          Xz[j] = Xz[j]! - bj * c;
          for (let k = 0; k <= j; k++) XX[j * p + k] = XX[j * p + k]! - bj * B1[b1 + k]!;
        }
        if (nested) {
          const e = lam1 * lam2 * E[g]!;
          E[g] = e;
          if (e !== 0) {
            const l = levelOf[g]!;
            D[l] = D[l]! - (e * e) / a;
            F[l] = F[l]! - (e * c) / a;
            for (let j = 0; j < p; j++) B2[l * p + j] = B2[l * p + j]! - (e * B1[b1 + j]!) / a;
          }
        }
      }
      for (let l = 0; l < n2; l++) {
        const d = D[l]!;
        if (!(d > 0)) return null;
        {
          const lv = Math.log(d);
          const lt = ld + lv;
          ldc += Math.abs(ld) >= Math.abs(lv) ? ld - lt + lv : lv - lt + ld;
          ld = lt;
        }
        const f = F[l]!;
        for (let j = 0; j < p; j++) {
          const bj = B2[l * p + j]! / d;
          if (bj === 0) continue;
          Xz[j] = Xz[j]! - bj * f;
          for (let k = 0; k <= j; k++) XX[j * p + k] = XX[j * p + k]! - bj * B2[l * p + k]!;
        }
      }
      ld += ldc;
      if (!Number.isFinite(ld)) return null;
      // β from the Cholesky factor of the p × p Schur complement (lower triangle).
      for (let j = 0; j < p; j++) {
        let s = XX[j * p + j]!;
        for (let k = 0; k < j; k++) s -= XX[j * p + k]! * XX[j * p + k]!;
        if (!(s > 0)) return null;
        const d = Math.sqrt(s);
        XX[j * p + j] = d;
        for (let i = j + 1; i < p; i++) {
          let t = XX[i * p + j]!;
          for (let k = 0; k < j; k++) t -= XX[i * p + k]! * XX[j * p + k]!;
          XX[i * p + j] = t / d;
        }
      }
      const beta = Float64Array.from(Xz);
      for (let i = 0; i < p; i++) {
        let t = beta[i]!;
        for (let k = 0; k < i; k++) t -= XX[i * p + k]! * beta[k]!;
        beta[i] = t / XX[i * p + i]!;
      }
      for (let i = p - 1; i >= 0; i--) {
        let t = beta[i]!;
        for (let k = i + 1; k < p; k++) t -= XX[k * p + i]! * beta[k]!;
        beta[i] = t / XX[i * p + i]!;
      }
      const u1 = new Float64Array(n1);
      const u2 = new Float64Array(n2);
      for (let l = 0; l < n2; l++) {
        let t = F[l]!;
        for (let j = 0; j < p; j++) t -= B2[l * p + j]! * beta[j]!;
        u2[l] = t / D[l]!;
      }
      for (let g = 0; g < n1; g++) {
        let t = C[g]!;
        for (let j = 0; j < p; j++) t -= B1[g * p + j]! * beta[j]!;
        if (nested) t -= E[g]! * u2[levelOf[g]!]!;
        u1[g] = t / A[g]!;
      }
      return { u: nested ? [u1, u2] : [u1], beta, ldL2: ld };
    },
    predictor(lam1, lam2, u, base, out) {
      const u1 = u[0]!;
      if (!nested) {
        for (let i = 0; i < n; i++) out[i] = base[i]! + lam1 * z1[i]! * u1[g1[i]!]!;
        return;
      }
      const u2 = u[1]!;
      for (let i = 0; i < n; i++) out[i] = base[i]! + lam1 * z1[i]! * u1[g1[i]!]! + lam2 * z2[i]! * u2[g2[i]!]!;
    },
    solve(w, z, lam1, lam2, withModes) {
      A.fill(0);
      C.fill(0);
      if (nested) {
        E.fill(0);
        D.fill(0);
        F.fill(0);
        for (let i = 0; i < n; i++) {
          const g = g1[i]!;
          const l = g2[i]!;
          const wz1 = w[i]! * z1[i]!;
          const wz2 = w[i]! * z2[i]!;
          A[g] = A[g]! + wz1 * z1[i]!;
          C[g] = C[g]! + wz1 * z[i]!;
          E[g] = E[g]! + wz1 * z2[i]!;
          D[l] = D[l]! + wz2 * z2[i]!;
          F[l] = F[l]! + wz2 * z[i]!;
        }
      } else {
        for (let i = 0; i < n; i++) {
          const g = g1[i]!;
          const wz1 = w[i]! * z1[i]!;
          A[g] = A[g]! + wz1 * z1[i]!;
          C[g] = C[g]! + wz1 * z[i]!;
        }
      }
      // Raw sums → the λ-scaled system: a_g = λ1² A + 1, c_g = λ1 C, e_g = λ1 λ2 E.
      const l11 = lam1 * lam1;
      const l12 = lam1 * lam2;
      let ld = 0;
      let ldc = 0;
      if (nested) {
        // Term-2 diagonal before elimination; then subtract e²/a and e·c/a per term-1 level.
        for (let l = 0; l < n2; l++) {
          D[l] = lam2 * lam2 * D[l]! + 1;
          F[l] = lam2 * F[l]!;
        }
      }
      for (let g = 0; g < n1; g++) {
        const a = l11 * A[g]! + 1;
        A[g] = a;
        C[g] = lam1 * C[g]!;
        {
          const lv = Math.log(a);
          const lt = ld + lv;
          ldc += Math.abs(ld) >= Math.abs(lv) ? ld - lt + lv : lv - lt + ld;
          ld = lt;
        }
        if (nested) {
          const e = l12 * E[g]!;
          E[g] = e;
          if (e !== 0) {
            const l = levelOf[g]!;
            D[l] = D[l]! - (e * e) / a;
            F[l] = F[l]! - (e * C[g]!) / a;
          }
        }
      }
      for (let l = 0; l < n2; l++) {
        const d = D[l]!;
        if (!(d > 0)) return null;
        {
          const lv = Math.log(d);
          const lt = ld + lv;
          ldc += Math.abs(ld) >= Math.abs(lv) ? ld - lt + lv : lv - lt + ld;
          ld = lt;
        }
      }
      ld += ldc;
      if (!Number.isFinite(ld)) return null;
      if (!withModes) return { u: [], ldL2: ld, cu: [] };
      const u1 = new Float64Array(n1);
      const cu1 = new Float64Array(n1);
      const u2 = new Float64Array(n2);
      for (let l = 0; l < n2; l++) u2[l] = F[l]! / D[l]!;
      for (let g = 0; g < n1; g++) {
        u1[g] = (C[g]! - (nested ? E[g]! * u2[levelOf[g]!]! : 0)) / A[g]!;
        cu1[g] = 1 / A[g]!;
      }
      // With two terms 1/a_g is only part of term 1's conditional variance: none is returned.
      return nested ? { u: [u1, u2], ldL2: ld, cu: [] } : { u: [u1], ldL2: ld, cu: [cu1] };
    },
  };
}

/** Whether `laplaceGradient` covers the model: a scalar system, a canonical link (binomial logit, Poisson log). */
export function hasLaplaceGradient(prob: GlmmProblem, fam: Family): boolean {
  const canonical = (fam.name === 'binomial' && fam.link === 'logit') || (fam.name === 'poisson' && fam.link === 'log');
  return canonical && prob.hessian === 'fisher' && scalarSystem(prob) !== null;
}

/**
 * The gradient of the Laplace deviance in (θ, β) at the converged mode `st` of `pirls(prob, fam,
 * θ, β, false, …)`, analytically, for the scalar systems (`scalarSystem`) with a canonical link
 * (binomial logit, Poisson log); null otherwise. With D = log|L|² + P(ũ), P the penalised
 * deviance ‖u‖² + Σ d_i(η_i) and ũ its minimiser, ∂P(ũ)/∂ξ is P's explicit derivative (its
 * derivative in u vanishes at ũ), and ∂log|L|²/∂ξ = tr(M⁻¹ ∂M/∂ξ at fixed W) + Σ_i h_i w_i' dη_i/dξ
 * with M = L L', h_i = (ZΛ M⁻¹ Λ'Z')_ii and dũ/dξ from differentiating ∇_u P(ũ) = 0. Two passes
 * over the rows and p + 2 solves with the modes' block elimination: about one deviance
 * evaluation, where central differences cost 2(p + 2). With `joint` (st from the joint PIRLS of
 * stage 1, β̃(θ) with the modes), the gradient in θ alone of stage 1's deviance D(θ, β̃(θ)).
 */
export function laplaceGradient(prob: GlmmProblem, fam: Family, theta: ArrayLike<number>, st: ModeState, joint = false): Float64Array | null {
  if (!st.converged || prob.hessian !== 'fisher') return null;
  const sys = scalarSystem(prob);
  if (!sys) return null;
  return sys.gradient(fam, prob.y, prob.wt, st, theta[0]!, sys.nested ? theta[1]! : 0, joint);
}

/** The conditional covariance blocks of u at the mode, for every term (lme4's condVar). */
export function conditionalCovariances(st: ModeState, theta: ArrayLike<number>): Float64Array[] {
  if (!st.cp) throw new Error('conditionalCovariances needs the state of a general PIRLS solve');
  return evaluateDeviance(st.cp, theta, false, true, true).solution!.cu;
}

/** −2 Σ log p(y_i | μ_i) (lme4's `aic()` of the response module). */
export function condMinus2LogLik(prob: GlmmProblem, fam: Family, mu: Float64Array, dispersion = 1): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < prob.n; i++) {
    if (prob.wt[i] === 0) continue;
    const v = fam.logDensity(prob.y[i]!, mu[i]!, prob.wt[i]!, dispersion);
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  }
  return -2 * (s + c);
}

/**
 * Laplace deviance (lme4's nAGQ = 1) at the mode. `prob` holds the prior weights (for the gamma,
 * the mode was found with them divided by `dispersion`).
 */
export function laplaceDeviance(prob: GlmmProblem, fam: Family, st: ModeState, dispersion = 1): number {
  return st.ldL2 + st.sqrL + condMinus2LogLik(prob, fam, st.mu, dispersion);
}

/**
 * Adaptive Gauss–Hermite deviance at the mode (lme4's `glmerAGQ`), for one scalar term.
 * @param K - number of quadrature points (> 1).
 */
export function agqDeviance(prob: GlmmProblem, fam: Family, theta: ArrayLike<number>, st: ModeState, K: number): number {
  const t = prob.terms[0]!;
  const nl = t.levels.length;
  const { n, y, wt } = prob;
  const lam = theta[0]!;
  const u0 = st.u[0]!;
  // σ_g = 1/L_gg: (L L')⁻¹ is diagonal for one scalar term, so σ_g² = cu_g.
  const sd = new Float64Array(nl);
  for (let g = 0; g < nl; g++) sd[g] = Math.sqrt(st.cu[0]![g]!);
  const devc = (uu: Float64Array, out: Float64Array) => {
    for (let g = 0; g < nl; g++) out[g] = uu[g]! * uu[g]!;
    for (let i = 0; i < n; i++) {
      const g = t.group[i]!;
      const etai = st.eta[i]! + t.Z[i]! * lam * (uu[g]! - u0[g]!);
      out[g] = out[g]! + fam.devResid(y[i]!, fam.linkinv(etai), wt[i]!);
    }
  };
  const d0 = new Float64Array(nl);
  devc(u0, d0);
  const rule = gaussHermiteRule(K);
  const mult = new Float64Array(nl);
  const u1 = new Float64Array(nl);
  const d1 = new Float64Array(nl);
  for (let k = 0; k < K; k++) {
    const zk = rule.z[k]!;
    const wk = rule.w[k]!;
    if (zk === 0) {
      for (let g = 0; g < nl; g++) mult[g] = mult[g]! + wk;
      continue;
    }
    for (let g = 0; g < nl; g++) u1[g] = u0[g]! + zk * sd[g]!;
    devc(u1, d1);
    for (let g = 0; g < nl; g++) mult[g] = mult[g]! + wk * Math.exp(0.5 * zk * zk - 0.5 * (d1[g]! - d0[g]!));
  }
  let s = st.ldL2;
  for (let g = 0; g < nl; g++) s += d0[g]! - 2 * Math.log(mult[g]!);
  return s;
}
