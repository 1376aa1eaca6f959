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
 * w = wt·θμ(θ + y)/(μ + θ)². Both are available (`hessian`).
 *
 * Adaptive Gauss–Hermite quadrature (lme4's nAGQ > 1, one scalar random-effects term): per
 * level g with d_g(u) = u² + Σ_{i∈g} devResid_i(u) and σ_g = 1/L_gg,
 *     dev = Σ_g d_g(ũ_g) + log|L|² − 2 Σ_g log Σ_k w_k exp(z_k²/2 − (d_g(ũ_g + z_k σ_g) − d_g(ũ_g))/2)
 * which, like lme4's, is on the deviance-residual scale (not −2 log-likelihood).
 */
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
  /** 'fisher' (lme4) or 'observed' (TMB; used for the negative binomial). */
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
  /** Cross-products of the last PIRLS system (weights at the mode) and their factor's solution. */
  cp: CrossProducts;
  /**
   * Per-term conditional covariance blocks of u ((L L')⁻¹ diagonal blocks), complete for term 1
   * and the nested layout; for crossed terms call `conditionalCovariances`.
   */
  cu: Float64Array[];
  /** (p + 1)² factor of the fixed-effects block (joint PIRLS only; else empty). */
  Lx: Float64Array;
}

const MAX_PIRLS = 60;

/** The working weight w and the Newton/Fisher step s/w in η of each row, at η. */
function working(fam: Family, hessian: 'fisher' | 'observed', y: number, eta: number, wt: number, out: { mu: number; w: number; step: number }): void {
  const mu = fam.linkinv(eta);
  out.mu = mu;
  if (hessian === 'observed' && fam.name === 'negativeBinomial') {
    // log link: ℓ'(η) = θ(y − μ)/(μ + θ), −ℓ''(η) = θμ(θ + y)/(μ + θ)².
    const th = fam.theta!;
    const d = mu + th;
    out.w = (wt * th * mu * (th + y)) / (d * d);
    out.step = ((y - mu) * d) / (mu * (th + y));
    return;
  }
  const me = fam.muEta(eta);
  out.w = (wt * me * me) / fam.variance(mu);
  out.step = (y - mu) / me;
}

/** η = offset + Xβ (β given) into out. */
export function fixedPredictor(prob: GlmmProblem, beta: ArrayLike<number>, out: Float64Array): Float64Array {
  const { X, n, p } = prob;
  out.set(prob.offset);
  for (let c = 0; c < p; c++) {
    const bc = beta[c]!;
    if (bc === 0) continue;
    const o = c * n;
    for (let i = 0; i < n; i++) out[i] = out[i]! + X[o + i]! * bc;
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

function sumSq(u: Float64Array[]): number {
  let s = 0;
  for (const a of u) for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
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
): ModeState {
  const { n, p, y, wt, terms } = prob;
  const cp0 = { terms } as CrossProducts;
  const lams = lambdaBlocks(cp0, theta);
  let u: Float64Array[] = start ? start.map((a) => Float64Array.from(a)) : terms.map((t) => new Float64Array(t.levels.length * t.k));
  let b = Float64Array.from(beta);
  const base = new Float64Array(n);
  const eta = new Float64Array(n);
  const mu = new Float64Array(n);
  const z = new Float64Array(n);
  const w = new Float64Array(n);
  const tmp = { mu: 0, w: 0, step: 0 };
  // Newton (observed information, or Fisher scoring on a canonical link); the shortcut below
  // also needs the final per-level factors only for log|L|² (not for AGQ's curvatures).
  const newton = !needFactors && (prob.hessian === 'observed' || (fam.name === 'binomial' && fam.link === 'logit') || (fam.name === 'poisson' && fam.link === 'log'));
  const emptyX = new Float64Array(0);

  fixedPredictor(prob, b, base);
  const update = (uu: Float64Array[], bb: Float64Array): number => {
    if (joint) fixedPredictor(prob, bb, base);
    addRandom(prob, lams, uu, base, eta);
    let dev = 0;
    for (let i = 0; i < n; i++) {
      const m = fam.linkinv(eta[i]!);
      mu[i] = m;
      dev += fam.devResid(y[i]!, m, wt[i]!);
    }
    return dev + sumSq(uu);
  };
  let pdev = update(u, b);
  if (etaStart) {
    // R's starting values (family$initialize): the first system is formed at η₀, and any
    // first step is taken.
    eta.set(etaStart);
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
      working(fam, prob.hessian, y[i]!, eta[i]!, wt[i]!, tmp);
      w[i] = tmp.w;
      z[i] = eta[i]! - (joint ? prob.offset[i]! : base[i]!) + tmp.step;
    }
    cp = formCrossProducts(terms, joint ? prob.X : emptyX, z, n, joint ? p : 0, { aggregate: false, weights: w, structure: prob.structure });
    const ev = evaluateDeviance(cp, theta, false, true, false);
    if (!ev.solution || !Number.isFinite(ev.ldL2)) break;
    ldL2 = ev.ldL2;
    cu = ev.solution.cu;
    Lx = ev.Lx;
    const uNew = ev.solution.u;
    const bNew = joint ? Float64Array.from(ev.solution.beta) : b;
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
        working(fam, prob.hessian, y[i]!, eta[i]!, wt[i]!, tmp);
        w[i] = tmp.w;
      }
      cp = formCrossProducts(terms, joint ? prob.X : emptyX, z, n, joint ? p : 0, { aggregate: false, weights: w, structure: prob.structure });
      const fin = evaluateDeviance(cp, theta, false);
      if (!Number.isFinite(fin.ldL2)) break;
      ldL2 = fin.ldL2;
      converged = true;
      it += 2;
      break;
    }
  }
  const sqrL = sumSq(u);
  return { u, beta: b, eta, mu, ldL2, sqrL, devResid: pdev - sqrL, iterations: it, converged, cp: cp!, cu, Lx };
}

/** The conditional covariance blocks of u at the mode, for every term (lme4's condVar). */
export function conditionalCovariances(st: ModeState, theta: ArrayLike<number>): Float64Array[] {
  return evaluateDeviance(st.cp, theta, false, true, true).solution!.cu;
}

/** −2 Σ log p(y_i | μ_i) (lme4's `aic()` of the response module). */
export function condMinus2LogLik(prob: GlmmProblem, fam: Family, mu: Float64Array): number {
  let s = 0;
  for (let i = 0; i < prob.n; i++) s += prob.wt[i] === 0 ? 0 : fam.logDensity(prob.y[i]!, mu[i]!, prob.wt[i]!, 1);
  return -2 * s;
}

/** Laplace deviance (lme4's nAGQ = 1) at the mode. */
export function laplaceDeviance(prob: GlmmProblem, fam: Family, st: ModeState): number {
  return st.ldL2 + st.sqrL + condMinus2LogLik(prob, fam, st.mu);
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
