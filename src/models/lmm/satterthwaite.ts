/**
 * Satterthwaite denominator degrees of freedom for linear functions of the fixed
 * effects, as lmerTest computes them (Kuznetsova, Brockhoff & Christensen 2017, JSS
 * 82(13)): with varpar = (θ, σ) (and the log residual-variance ratios, when the residual
 * variance differs by stratum, between them; σ enters the numerical derivatives as σ/σ̂),
 *
 *     A  = 2 H⁻¹,   H = Hessian of the (REML or ML) deviance in varpar
 *     g  = ∂(L'V(varpar)L)/∂varpar,   V = σ²(R_X'R_X)⁻¹
 *     df = 2 (L'VL)² / (g'Ag)
 *
 * For a q-row L (F tests) the contrast is rotated by the eigen-decomposition of L V L'
 * and the q one-dimensional df are combined as in lmerTest's `contestMD`.
 */
import { inverseFromCholesky, symmetricEigen } from '../../linalg/dense.js';
import { contrastToInternal } from '../centring.js';
import { MIN_DF } from '../../results/not-estimable.js';
import { hessian, jacobian } from '../numderiv.js';
import type { LmmCoreState as LmmState } from './state.js';

/** What the Satterthwaite derivatives read of one evaluation at θ: σ enters both in closed form. */
interface VarparParts {
  ldL2: number;
  ldRX2: number;
  r2: number;
  ldW: number;
  finite: boolean;
  /** (L_XX L_XX')⁻¹, formed on first use. */
  unscaledVcov: Float64Array | null;
  Lx: Float64Array | null;
}

/**
 * Evaluations by θ (and log residual-variance ratios) for the derivatives in varpar: the steps
 * in σ alone (a third of the Hessian's diagonal, the Jacobian's σ column) and the point itself
 * all reuse one evaluation, whose numbers are exactly the ones a fresh evaluation gives.
 */
function varparEvaluator(s: LmmState): (params: readonly number[]) => VarparParts {
  // A few dozen points at most: a linear search on exact equality beats forming string keys.
  const points: (readonly number[])[] = [];
  const parts: VarparParts[] = [];
  return (params) => {
    search: for (let j = 0; j < points.length; j++) {
      const q = points[j]!;
      for (let i = 0; i < params.length; i++) if (q[i] !== params[i]) continue search;
      return parts[j]!;
    }
    const e = s.objective.evaluate([...params]);
    // e.Lx is the objective's workspace: keep a copy for a later vcov at the same θ.
    const d: VarparParts = { ldL2: e.ldL2, ldRX2: e.ldRX2, r2: e.r2, ldW: e.ldW, finite: Number.isFinite(e.deviance), unscaledVcov: null, Lx: e.Lx.slice() };
    points.push([...params]);
    parts.push(d);
    return d;
  };
}

/**
 * Deviance as a function of (θ, σ) (not profiled over σ), less the constant
 * (n − p·[REML]) log σ_ref² when σ is given in units of σ_ref: only its derivatives are used,
 * and without the constant its size, and so its rounding, does not grow with the data's units.
 */
function devianceVarpar(s: LmmState, d: VarparParts, sigma: number, sigmaRef: number): number {
  if (!d.finite) return NaN;
  const { n, p } = s.cp;
  const s2 = sigma * sigma;
  const r2 = d.r2 / (sigmaRef * sigmaRef);
  const ml = d.ldL2 + r2 / s2 + n * Math.log(2 * Math.PI * s2) - d.ldW;
  return s.reml ? ml + d.ldRX2 - p * Math.log(2 * Math.PI * s2) : ml;
}

/** vcov(β̃) of the objective's internal (centred, scaled) columns at (θ, σ), as a flat p × p array. */
function vcovVarpar(s: LmmState, d: VarparParts, sigma: number): number[] {
  d.unscaledVcov ??= vcovFromFactor(d.Lx!, s.cp.p, 1);
  const s2 = sigma * sigma;
  return Array.from(d.unscaledVcov, (v) => v * s2);
}

/** σ²(L_XX L_XX')⁻¹ from the [X y] factor ((p + 1)² row-major). */
export function vcovFromFactor(Lx: Float64Array, p: number, sigma: number): Float64Array {
  const pp1 = p + 1;
  const L = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let j = 0; j <= i; j++) L[i * p + j] = Lx[i * pp1 + j]!;
  const inv = inverseFromCholesky(L, p);
  const s2 = sigma * sigma;
  for (let i = 0; i < inv.length; i++) inv[i] = inv[i]! * s2;
  return inv;
}

/** Compute (once) the pieces Satterthwaite's method needs. */
export function varparInfo(s: LmmState): NonNullable<LmmState['varpar']> {
  if (s.varpar) return s.varpar;
  // Derivatives in (θ, σ/σ̂) rather than (θ, σ): numDeriv's steps are relative to |x| only
  // above 1.8e-5, so a response in small units (σ̂ = 1e-5) would get steps larger than σ̂
  // itself. At σ̂ above that the steps are the same relative ones as lmerTest's; df = 2v²/g'Ag
  // does not depend on the parametrisation.
  const partsAt = varparEvaluator(s);
  const vp = [...s.params, 1];
  const H = hessian((x) => devianceVarpar(s, partsAt(x.slice(0, -1)), x[x.length - 1]!, s.sigma), vp);
  const d = vp.length;
  const flat = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) flat[i * d + j] = H[i]![j]!;
  // A = 2 H⁻¹ via the eigen-decomposition (works for an indefinite H too, which can
  // happen at a boundary; lmerTest then warns, and so do we).
  const { values, vectors } = symmetricEigen(flat, d);
  const hessianOk = Array.from(values).every((v) => v > 0);
  const A: number[][] = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let sum = 0;
      for (let k = 0; k < d; k++) sum += (vectors[i * d + k]! * vectors[j * d + k]!) / values[k]!;
      A[i]![j] = 2 * sum;
    }
  }
  const J = jacobian((x) => vcovVarpar(s, partsAt(x.slice(0, -1)), x[x.length - 1]! * s.sigma), vp);
  const p = s.kept.length;
  const jac: Float64Array[] = [];
  for (let k = 0; k < d; k++) {
    const m = new Float64Array(p * p);
    for (let e = 0; e < p * p; e++) m[e] = J[e]![k]!;
    jac.push(m);
  }
  s.varpar = { A, jac, hessianOk, vcov: Float64Array.from(vcovVarpar(s, partsAt(s.params), s.sigma)) };
  return s.varpar;
}

/**
 * Satterthwaite df of the scalar contrast L'β (L of length p), computed as the same function
 * (T'L)'β̃ of the internal coefficients, where vcov and its derivatives are well conditioned.
 */
export function satterthwaiteDf(s: LmmState, Lorig: ArrayLike<number>): number {
  const { A, jac, vcov } = varparInfo(s);
  const p = s.kept.length;
  const L = contrastToInternal(s.objective.plan, Lorig);
  const quad = (M: Float64Array) => {
    let v = 0;
    for (let i = 0; i < p; i++) {
      const li = L[i]!;
      if (li === 0) continue;
      for (let j = 0; j < p; j++) v += li * M[i * p + j]! * L[j]!;
    }
    return v;
  };
  const v = quad(vcov);
  const g = jac.map(quad);
  let denom = 0;
  for (let i = 0; i < g.length; i++) for (let j = 0; j < g.length; j++) denom += g[i]! * A[i]![j]! * g[j]!;
  return (2 * v * v) / denom;
}

/**
 * F statistic and Satterthwaite denominator df for H0: Lβ = 0 with L q × p (lmerTest's
 * contestMD): F = (Lβ)'(LVL')⁻¹(Lβ)/q; the q eigen-directions each get a df ν_m, and
 * with E = Σ ν_m/(ν_m − 2) over ν_m > 2, ddf = 2E/(E − q) when E > q.
 */
export function satterthwaiteF(s: LmmState, L: number[][]): { F: number; numDf: number; denDf: number } {
  const p = s.kept.length;
  const q = L.length;
  const VL = new Float64Array(q * q);
  for (let a = 0; a < q; a++) {
    for (let b = 0; b < q; b++) {
      let v = 0;
      for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) v += L[a]![i]! * s.vcov[i * p + j]! * L[b]![j]!;
      VL[a * q + b] = v;
    }
  }
  const { values, vectors } = symmetricEigen(VL, q);
  const tol = 1e-8 * Math.max(...Array.from(values).map(Math.abs));
  const keep: number[] = [];
  for (let m = 0; m < q; m++) if (values[m]! > tol) keep.push(m);
  const rank = keep.length;
  let F = 0;
  const nus: number[] = [];
  for (const m of keep) {
    // Rotated contrast P_m' L.
    const Lm = new Array<number>(p).fill(0);
    for (let a = 0; a < q; a++) for (let i = 0; i < p; i++) Lm[i] = Lm[i]! + vectors[a * q + m]! * L[a]![i]!;
    const e = Lm.reduce((acc, li, i) => acc + li * s.beta[i]!, 0);
    F += (e * e) / values[m]!;
    nus.push(satterthwaiteDf(s, Lm));
  }
  F /= rank;
  // lmerTest's get_Fstat_ddf: one df, or all equal → that df; any ν ≤ 2 → 2.
  let denDf: number;
  if (rank === 1) denDf = nus[0]!;
  else if (nus.every((v) => Math.abs(v - nus[0]!) < 1e-8)) denDf = nus.reduce((a, v) => a + v, 0) / rank;
  else if (nus.some((v) => v <= 2)) denDf = 2;
  else {
    const E = nus.reduce((acc, v) => acc + v / (v - 2), 0);
    denDf = (2 * E) / (E - rank);
  }
  return { F, numDf: rank, denDf };
}

/** Wald F = (Lβ)'(LVL')⁻¹(Lβ)/q for a full-rank q × p L (rows given over the kept columns). */
export function waldF(beta: Float64Array, V: Float64Array, L: number[][], p: number): { F: number; numDf: number } {
  const q = L.length;
  const M = new Float64Array(q * q);
  for (let a = 0; a < q; a++) {
    for (let b = 0; b < q; b++) {
      let v = 0;
      for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) v += L[a]![i]! * V[i * p + j]! * L[b]![j]!;
      M[a * q + b] = v;
    }
  }
  const est = L.map((row) => row.reduce((acc, li, i) => acc + li * beta[i]!, 0));
  const { values, vectors } = symmetricEigen(M, q);
  const tol = 1e-8 * Math.max(...Array.from(values).map(Math.abs));
  let F = 0;
  let rank = 0;
  for (let m = 0; m < q; m++) {
    if (!(values[m]! > tol)) continue;
    rank++;
    let e = 0;
    for (let a = 0; a < q; a++) e += vectors[a * q + m]! * est[a]!;
    F += (e * e) / values[m]!;
  }
  return { F: F / rank, numDf: rank };
}

/**
 * Why L'β (L over the kept columns) is not estimable because it rests on a variance component
 * the data do not identify, or `null`. The sign is that its Satterthwaite df are numerically
 * zero: the deviance is flat along that component, so the uncertainty about it, and hence
 * about Var(L'β̂), is unbounded (e.g. one cluster, or one participant per arm, where the REML
 * criterion does not depend on the cluster or participant variance at all). Kenward–Roger and
 * asymptotic df do not reveal this (they stay large and give a confident but arbitrary SE),
 * so every df method asks.
 */
export function unidentifiedReason(s: LmmState, L: ArrayLike<number>): string | null {
  const df = satterthwaiteDf(s, L);
  if (df >= MIN_DF) return null;
  return (
    s.unidentified ??
    `its Satterthwaite degrees of freedom are numerically zero (${df.toPrecision(2)}): it rests on a variance component the data cannot estimate (for example one participant or one cluster per arm), so any standard error given for it would be arbitrary`
  );
}
