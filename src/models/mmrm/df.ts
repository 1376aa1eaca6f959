/**
 * Degrees of freedom and the Kenward–Roger adjusted covariance of an MMRM, as mmrm computes
 * them (its vignettes "Satterthwaite" and "Kenward-Roger"; Christensen 2018; Kenward & Roger
 * 1997, 2009). Everything is computed on the internal (centred, scaled) columns X̃ = X T, where
 * the matrices are well conditioned; both methods are invariant under that reparametrisation
 * (L'β = (T'L)'β̃, V = T Ṽ T').
 *
 * W = H⁻¹, H the Hessian of −log L (REML or ML, β profiled) in the variance parameters θ (mmrm's
 * `theta_vcov`), by Richardson-extrapolated differences (numderiv.ts).
 *
 * Satterthwaite: df = 2 (L'ΦL)² / (g'Wg), g_h = ∂(L'Φ(θ)L)/∂θ_h; q-row hypotheses by the
 * eigen-directions of LΦL' combined as mmrm's `h_md_denom_df` (and lmerTest's contestMD).
 *
 * Kenward–Roger: P_h = X'∂Ω⁻¹/∂θ_h X, Q_hj = X'∂Ω⁻¹/∂θ_h Ω ∂Ω⁻¹/∂θ_j X,
 * R_hj = X'Ω⁻¹ ∂²Ω/∂θ_h∂θ_j Ω⁻¹X (summed over subjects, zero between θ of different groups),
 * Φ_A = Φ + 2Φ{Σ_hj W_hj(Q_hj − P_hΦP_j − ¼R_hj)}Φ; "Linear" drops R. The df m and scale λ
 * follow mmrm's `h_kr_df` (Kenward & Roger 1997, with Φ unadjusted in A₁, A₂).
 */
import { inverseFromCholesky, symmetricEigen } from '../../linalg/dense.js';
import { squareMatmul as matmul } from '../../linalg/products.js';
import { contrastToInternal, covarianceToOriginal } from '../centring.js';
import { hessian, jacobian } from '../numderiv.js';
import { covarianceMatrix } from './covariance.js';
import { addQuadX, evaluate, groupCovariances, internalVcov, patternInverse } from './likelihood.js';
import type { MmrmState } from './state.js';
import type { MmrmDdf } from './types.js';

/** W = (Hessian of −log L)⁻¹ over every variance parameter; `ok` when the Hessian is positive definite. */
export function thetaCovariance(s: MmrmState): { W: number[][]; ok: boolean } {
  if (s.theta) return s.theta;
  const d = s.params.length;
  const H = hessian((x) => (evaluate(s.prob, x)?.deviance ?? NaN) / 2, s.params);
  const flat = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) flat[i * d + j] = H[i]![j]!;
  const { values, vectors } = symmetricEigen(flat, d);
  const ok = Array.from(values).every((v) => v > 0 && Number.isFinite(v));
  const W: number[][] = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let sum = 0;
      for (let k = 0; k < d; k++) sum += (vectors[i * d + k]! * vectors[j * d + k]!) / values[k]!;
      W[i]![j] = sum;
    }
  }
  s.theta = { W, ok };
  return s.theta;
}

function vcovJacobian(s: MmrmState): Float64Array[] {
  if (s.jac) return s.jac;
  const p = s.prob.p;
  const J = jacobian((x) => Array.from(internalVcov(s.prob, x) ?? new Float64Array(p * p).fill(NaN)), s.params);
  s.jac = s.params.map((_, k) => Float64Array.from({ length: p * p }, (__, e) => J[e]![k]!));
  return s.jac;
}

function quad(L: Float64Array, M: Float64Array, p: number): number {
  let v = 0;
  for (let i = 0; i < p; i++) {
    const li = L[i]!;
    if (li === 0) continue;
    for (let j = 0; j < p; j++) v += li * M[i * p + j]! * L[j]!;
  }
  return v;
}

/** Satterthwaite df of L̃'β̃ (L̃ over the internal columns). */
function satterthwaite1(s: MmrmState, Li: Float64Array): number {
  const p = s.prob.p;
  const { W } = thetaCovariance(s);
  const jac = vcovJacobian(s);
  const v = quad(Li, s.PhiI, p);
  const g = jac.map((m) => quad(Li, m, p));
  let denom = 0;
  for (let i = 0; i < g.length; i++) for (let j = 0; j < g.length; j++) denom += g[i]! * W[i]![j]! * g[j]!;
  return (2 * v * v) / denom;
}

/** Kenward–Roger's P (per variance parameter) and adjusted covariances (with and without R) of the internal columns. */
export function krComponents(s: MmrmState): NonNullable<MmrmState['kr']> {
  if (s.kr) return s.kr;
  const { prob, params } = s;
  const { p, V, k, nGroups } = prob;
  const nT = nGroups * k;
  const Sg = groupCovariances(prob, params)!;
  const P = Array.from({ length: nT }, () => new Float64Array(p * p));
  // Q and R within each group: [g][h * k + j].
  const Q = Array.from({ length: nGroups }, () => Array.from({ length: k * k }, () => new Float64Array(p * p)));
  const R = Array.from({ length: nGroups }, () => Array.from({ length: k * k }, () => new Float64Array(p * p)));
  for (let g = 0; g < nGroups; g++) {
    const th = params.slice(g * k, (g + 1) * k);
    const sigma = (x: number[]) => Array.from(covarianceMatrix(prob.structure, x, V) ?? new Float64Array(V * V).fill(NaN));
    const J1 = jacobian(sigma, th);
    const J2 = jacobian((x) => jacobian(sigma, x).flat(), th);
    const dS = Array.from({ length: k }, (_, h) => Float64Array.from({ length: V * V }, (__, e) => J1[e]![h]!));
    const d2S = (h: number, j: number) => Float64Array.from({ length: V * V }, (_, e) => J2[e * k + h]![j]!);
    for (const pat of prob.patterns) {
      if (pat.group !== g) continue;
      const q = pat.q;
      const M = patternInverse(Sg[g]!, V, pat.visits)!.inv;
      const sub = (A: Float64Array) => Float64Array.from({ length: q * q }, (_, ab) => A[pat.visits[Math.floor(ab / q)]! * V + pat.visits[ab % q]!]!);
      const B = dS.map((D) => matmul(M, sub(D), q)); // Σ⁻¹ ∂Σ
      const A = B.map((b) => matmul(b, M, q)); // Σ⁻¹ ∂Σ Σ⁻¹ = −∂Σ⁻¹
      for (let h = 0; h < k; h++) {
        addQuadX(pat, A[h]!, p, P[g * k + h]!, -1);
        for (let j = 0; j < k; j++) {
          addQuadX(pat, matmul(B[h]!, A[j]!, q), p, Q[g]![h * k + j]!);
          addQuadX(pat, matmul(matmul(M, sub(d2S(h, j)), q), M, q), p, R[g]![h * k + j]!);
        }
      }
    }
  }
  const { W } = thetaCovariance(s);
  const Phi = s.PhiI;
  const adjust = (linear: boolean) => {
    const inner = new Float64Array(p * p);
    for (let i = 0; i < nT; i++) {
      for (let j = 0; j < nT; j++) {
        const w = W[i]![j]!;
        if (w === 0) continue;
        const PPhiP = matmul(matmul(P[i]!, Phi, p), P[j]!, p);
        const gi = Math.floor(i / k);
        const same = gi === Math.floor(j / k);
        const hj = (i % k) * k + (j % k);
        for (let e = 0; e < p * p; e++) {
          let v = -PPhiP[e]!;
          if (same) v += Q[gi]![hj]![e]! - (linear ? 0 : 0.25 * R[gi]![hj]![e]!);
          inner[e] = inner[e]! + w * v;
        }
      }
    }
    const adj = matmul(matmul(Phi, inner, p), Phi, p);
    const out = new Float64Array(p * p);
    for (let e = 0; e < p * p; e++) out[e] = Phi[e]! + 2 * adj[e]!;
    for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) out[a * p + b] = out[b * p + a] = 0.5 * (out[a * p + b]! + out[b * p + a]!);
    return out;
  };
  s.kr = { P, PhiA: adjust(false), PhiALinear: adjust(true) };
  return s.kr;
}

/** mmrm's `h_kr_df`: the df m and F scale λ of a q-row hypothesis (rows over the internal columns). */
export function krDf(s: MmrmState, Ls: Float64Array[]): { m: number; lambda: number } {
  const p = s.prob.p;
  const { P } = krComponents(s);
  const { W } = thetaCovariance(s);
  const Phi = s.PhiI;
  const c = Ls.length;
  // M = L'(LΦL')⁻¹L.
  const LPL = new Float64Array(c * c);
  for (let a = 0; a < c; a++) for (let b = 0; b < c; b++) LPL[a * c + b] = bilinear(Ls[a]!, Phi, Ls[b]!, p);
  const inv = invertSymmetric(LPL, c);
  const M = new Float64Array(p * p);
  for (let a = 0; a < c; a++) for (let b = 0; b < c; b++) {
    const w = inv[a * c + b]!;
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) M[i * p + j] = M[i * p + j]! + w * Ls[a]![i]! * Ls[b]![j]!;
  }
  const MPhi = matmul(M, Phi, p);
  const Bs = P.map((Ph) => matmul(matmul(MPhi, Ph, p), Phi, p));
  const tr = (A: Float64Array) => {
    let t = 0;
    for (let i = 0; i < p; i++) t += A[i * p + i]!;
    return t;
  };
  const trProd = (A: Float64Array, B: Float64Array) => {
    let t = 0;
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) t += A[i * p + j]! * B[j * p + i]!;
    return t;
  };
  let a1 = 0;
  let a2 = 0;
  const traces = Bs.map(tr);
  for (let i = 0; i < Bs.length; i++) {
    for (let j = 0; j < Bs.length; j++) {
      a1 += W[i]![j]! * traces[i]! * traces[j]!;
      a2 += W[i]![j]! * trProd(Bs[i]!, Bs[j]!);
    }
  }
  const b = (1 / (2 * c)) * (a1 + 6 * a2);
  const eStar = 1 / (1 - a2 / c);
  const g = ((c + 1) * a1 - (c + 4) * a2) / ((c + 2) * a2);
  const denom = 3 * c + 2 - 2 * g;
  const c1 = g / denom;
  const c2 = (c - g) / denom;
  const c3 = (c + 2 - g) / denom;
  const vStar = (2 / c) * ((1 + c1 * b) / ((1 - c2 * b) ** 2 * (1 - c3 * b)));
  const rho = vStar / (2 * eStar * eStar);
  const m = 4 + (c + 2) / (c * rho - 1);
  return { m, lambda: m / (eStar * (m - 2)) };
}

function bilinear(a: Float64Array, M: Float64Array, b: Float64Array, p: number): number {
  let v = 0;
  for (let i = 0; i < p; i++) {
    if (a[i] === 0) continue;
    for (let j = 0; j < p; j++) v += a[i]! * M[i * p + j]! * b[j]!;
  }
  return v;
}

function invertSymmetric(A: Float64Array, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(A, n);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += (vectors[i * n + k]! * vectors[j * n + k]!) / values[k]!;
    out[i * n + j] = s;
  }
  return out;
}

/** The covariance of β used by a df method: internal and original columns. */
export function varianceFor(s: MmrmState, ddf: MmrmDdf): { internal: Float64Array; original: Float64Array } {
  if (ddf === 'Kenward-Roger' || ddf === 'Kenward-Roger-Linear') {
    const kr = krComponents(s);
    const internal = ddf === 'Kenward-Roger' ? kr.PhiA : kr.PhiALinear;
    return { internal, original: covarianceToOriginal(s.plan, internal.map((v) => v * s.yScale * s.yScale)) };
  }
  return { internal: s.PhiI, original: s.vcov };
}

/** Denominator df for the rows Ls (over the original kept columns): one row → its t df. */
export function dfFor(s: MmrmState, ddf: MmrmDdf, Ls: Float64Array[]): number {
  if (ddf === 'asymptotic') return Infinity;
  const Li = Ls.map((L) => contrastToInternal(s.plan, L));
  if (ddf === 'Satterthwaite') return Li.length === 1 ? satterthwaite1(s, Li[0]!) : fTest(s, ddf, Ls).denDf;
  return krDf(s, Li).m;
}

/** F test of Lβ = 0 (q rows over the original kept columns) with the method's df, as mmrm's `df_md`. */
export function fTest(s: MmrmState, ddf: MmrmDdf, Ls: Float64Array[]): { F: number; numDf: number; denDf: number } {
  const p = s.prob.p;
  const Li = Ls.map((L) => contrastToInternal(s.plan, L));
  const q = Li.length;
  const V = varianceFor(s, ddf).internal;
  const M = new Float64Array(q * q);
  for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) M[a * q + b] = bilinear(Li[a]!, V, Li[b]!, p);
  const est = Li.map((L) => L.reduce((acc, l, i) => acc + l * s.betaInternal[i]!, 0));
  const { values, vectors } = symmetricEigen(M, q);
  const tol = Math.sqrt(Number.EPSILON) * Math.max(...Array.from(values));
  const keep: number[] = [];
  for (let m = 0; m < q; m++) if (values[m]! > tol) keep.push(m);
  let F = 0;
  const nus: number[] = [];
  for (const m of keep) {
    let e = 0;
    const Lm = new Float64Array(p);
    for (let a = 0; a < q; a++) {
      e += vectors[a * q + m]! * est[a]!;
      for (let i = 0; i < p; i++) Lm[i] = Lm[i]! + vectors[a * q + m]! * Li[a]![i]!;
    }
    F += (e * e) / values[m]!;
    if (ddf === 'Satterthwaite') nus.push(satterthwaite1(s, Lm));
  }
  const rank = keep.length;
  F /= rank;
  if (ddf === 'asymptotic') return { F, numDf: rank, denDf: Infinity };
  if (ddf !== 'Satterthwaite') {
    const kr = krDf(s, keep.map((m) => {
      const Lm = new Float64Array(p);
      for (let a = 0; a < q; a++) for (let i = 0; i < p; i++) Lm[i] = Lm[i]! + vectors[a * q + m]! * Li[a]![i]!;
      return Lm;
    }));
    return { F: kr.lambda * F, numDf: rank, denDf: kr.m };
  }
  let denDf: number;
  if (rank === 1) denDf = nus[0]!;
  else if (nus.every((v) => Math.abs(v - nus[0]!) < Math.sqrt(Number.EPSILON))) denDf = nus.reduce((a, v) => a + v, 0) / rank;
  else if (nus.some((v) => v <= 2)) denDf = 2;
  else {
    const E = nus.reduce((acc, v) => acc + v / (v - 2), 0);
    denDf = (2 * E) / (E - rank);
  }
  return { F, numDf: rank, denDf };
}

/** L'VL for L over the original kept columns, computed on the internal columns. */
export function contrastVariance(s: MmrmState, ddf: MmrmDdf, L: Float64Array): number {
  return quad(contrastToInternal(s.plan, L), varianceFor(s, ddf).internal, s.prob.p) * s.yScale * s.yScale;
}

export { inverseFromCholesky };
