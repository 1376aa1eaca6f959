/**
 * The MMRM likelihood as a sum over subjects of blocks of at most V × V (V visits): subject i
 * with visits S_i has Σ_i = S_i'Σ_g S_i (its group's Σ, the rows and columns of its missing
 * visits dropped). Subjects with the same group and the same observed visits share Σ_i, so the
 * data are summarised once per such pattern k by the cross-products
 *
 *     C_k[a, b] = Σ_{i ∈ k} x_ia x_ib',  c_k[a, b] = Σ_{i ∈ k} x_ia y_ib,  d_k[a, b] = Σ_{i ∈ k} y_ia y_ib
 *
 * (x_ia the row of subject i at its a-th observed visit), and each evaluation costs
 * Σ_k q_k² p², independent of the number of subjects: X'Ω⁻¹X = Σ_k Σ_ab (Σ_k⁻¹)_ab C_k[a, b].
 *
 * The partially nested design adds τ² z z' within each therapy group c (z the treated-arm
 * indicator of its rows), so Ω's block for c is D_c + τ² z z' with D_c the block diagonal of its
 * subjects' Σ_i; by the matrix determinant lemma and Woodbury,
 * log|Ω_c| = log|D_c| + log(1 + τ² s_c) and Ω_c⁻¹ = D_c⁻¹ − τ²/(1 + τ² s_c) D_c⁻¹z z'D_c⁻¹, with
 * s_c = Σ_{i ∈ c} z_i'Σ_i⁻¹z_i: a rank-one correction per cluster.
 *
 * Columns are the centred, power-of-two-scaled ones of centring.ts (X̃ = X T), so the REML term
 * log|X'Ω⁻¹X| = log|X̃'Ω⁻¹X̃| + 2 Σ log d_j.
 */
import { choleskyInPlace, inverseFromCholesky } from '../../linalg/dense.js';
import type { CovarianceStructure } from '../../formula/parse.js';
import type { ColumnPlan } from '../centring.js';
import { covarianceMatrix } from './covariance.js';

export interface Pattern {
  group: number;
  /** Visit indices (0…V−1), increasing. */
  visits: Int32Array;
  q: number;
  count: number;
  Cxx: Float64Array;
  Cxy: Float64Array;
  Cyy: Float64Array;
}

/** One subject of the partially nested part: its pattern, the positions of its rows in X̃, z per visit, its cluster. */
export interface NestedSubject {
  pattern: number;
  rows: Int32Array;
  z: Float64Array;
  cluster: number;
}

export interface MmrmProblem {
  structure: CovarianceStructure;
  /** Observations, fixed-effect columns (kept), visits, groups. */
  n: number;
  p: number;
  V: number;
  nGroups: number;
  /** Variance parameters per group. */
  k: number;
  /** Internal design X̃ (column-major n × p) and centred response. */
  X: Float64Array;
  y: Float64Array;
  plan: ColumnPlan;
  patterns: Pattern[];
  /** Partial nesting: the subjects in clusters and the number of clusters; the last parameter is τ/scale. */
  nested: { subjects: NestedSubject[]; nClusters: number; scale: number } | null;
  reml: boolean;
}

/** Subjects: rows (positions into X̃/y) in visit order, visit indices, group. */
export interface SubjectRows {
  rows: Int32Array;
  visits: Int32Array;
  group: number;
}

/** Summarise the subjects by pattern (group and observed visits). */
export function buildPatterns(subjects: readonly SubjectRows[], X: Float64Array, y: Float64Array, n: number, p: number): { patterns: Pattern[]; patternOf: Int32Array } {
  const index = new Map<string, number>();
  const patterns: Pattern[] = [];
  const patternOf = new Int32Array(subjects.length);
  subjects.forEach((s, i) => {
    const key = `${s.group}:${Array.from(s.visits).join(',')}`;
    let k = index.get(key);
    if (k === undefined) {
      const q = s.visits.length;
      k = patterns.length;
      index.set(key, k);
      patterns.push({ group: s.group, visits: s.visits, q, count: 0, Cxx: new Float64Array(q * q * p * p), Cxy: new Float64Array(q * q * p), Cyy: new Float64Array(q * q) });
    }
    patternOf[i] = k;
    const pat = patterns[k]!;
    pat.count++;
    const q = pat.q;
    for (let a = 0; a < q; a++) {
      const ra = s.rows[a]!;
      for (let b = 0; b < q; b++) {
        const rb = s.rows[b]!;
        const ab = a * q + b;
        pat.Cyy[ab] = pat.Cyy[ab]! + y[ra]! * y[rb]!;
        const oxy = ab * p;
        const oxx = ab * p * p;
        for (let r = 0; r < p; r++) {
          const xr = X[r * n + ra]!;
          pat.Cxy[oxy + r] = pat.Cxy[oxy + r]! + xr * y[rb]!;
          if (xr === 0) continue;
          for (let c = 0; c < p; c++) pat.Cxx[oxx + r * p + c] = pat.Cxx[oxx + r * p + c]! + xr * X[c * n + rb]!;
        }
      }
    }
  });
  return { patterns, patternOf };
}

/** Σ_g for every group from the parameter vector; null when one is not positive definite. */
export function groupCovariances(prob: MmrmProblem, params: ArrayLike<number>): Float64Array[] | null {
  const out: Float64Array[] = [];
  for (let g = 0; g < prob.nGroups; g++) {
    const S = covarianceMatrix(prob.structure, params, prob.V, g * prob.k);
    if (!S) return null;
    out.push(S);
  }
  return out;
}

/** Σ_k (the pattern's rows and columns of Σ_g), its inverse and log-determinant; null when not positive definite. */
export function patternInverse(Sg: Float64Array, V: number, visits: Int32Array): { inv: Float64Array; logdet: number; sub: Float64Array } | null {
  const q = visits.length;
  const sub = new Float64Array(q * q);
  for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) sub[a * q + b] = Sg[visits[a]! * V + visits[b]!]!;
  const L = Float64Array.from(sub);
  if (!choleskyInPlace(L, q)) return null;
  let logdet = 0;
  for (let a = 0; a < q; a++) logdet += 2 * Math.log(L[a * q + a]!);
  return { inv: inverseFromCholesky(L, q), logdet, sub };
}

/** Σ_{i ∈ k} X_i' A X_i for a q × q matrix A (added into `out`, p × p row-major). */
export function addQuadX(pat: Pattern, A: Float64Array, p: number, out: Float64Array, scale = 1): void {
  const q = pat.q;
  for (let ab = 0; ab < q * q; ab++) {
    const w = A[ab]! * scale;
    if (w === 0) continue;
    const o = ab * p * p;
    for (let e = 0; e < p * p; e++) out[e] = out[e]! + w * pat.Cxx[o + e]!;
  }
}

export interface Evaluation {
  XtWX: Float64Array;
  XtWy: Float64Array;
  ytWy: number;
  /** log|Ω|. */
  logdet: number;
  /** Cholesky factor of X̃'Ω⁻¹X̃ (row-major lower). */
  L: Float64Array;
  beta: Float64Array;
  /** (y − X̃β̃)'Ω⁻¹(y − X̃β̃). */
  rss: number;
  /** −2 log-likelihood (REML or ML). */
  deviance: number;
}

/** Everything at one parameter vector; null when Σ or X'Ω⁻¹X is not positive definite. */
export function evaluate(prob: MmrmProblem, params: ArrayLike<number>): Evaluation | null {
  const { p, V } = prob;
  const Sg = groupCovariances(prob, params);
  if (!Sg) return null;
  const XtWX = new Float64Array(p * p);
  const XtWy = new Float64Array(p);
  let ytWy = 0;
  let logdet = 0;
  const inverses: Float64Array[] = [];
  for (const pat of prob.patterns) {
    const pi = patternInverse(Sg[pat.group]!, V, pat.visits);
    if (!pi) return null;
    inverses.push(pi.inv);
    logdet += pat.count * pi.logdet;
    addQuadX(pat, pi.inv, p, XtWX);
    const q = pat.q;
    for (let ab = 0; ab < q * q; ab++) {
      const w = pi.inv[ab]!;
      ytWy += w * pat.Cyy[ab]!;
      const o = ab * p;
      for (let r = 0; r < p; r++) XtWy[r] = XtWy[r]! + w * pat.Cxy[o + r]!;
    }
  }
  if (prob.nested) {
    const tau = params[prob.nGroups * prob.k]! * prob.nested.scale;
    const t2 = tau * tau;
    if (t2 > 0) {
      const nc = prob.nested.nClusters;
      const U = new Float64Array(nc * p);
      const S = new Float64Array(nc);
      const W = new Float64Array(nc);
      for (const sub of prob.nested.subjects) {
        const pat = prob.patterns[sub.pattern]!;
        const inv = inverses[sub.pattern]!;
        const q = pat.q;
        const c = sub.cluster;
        for (let a = 0; a < q; a++) {
          let mz = 0;
          for (let b = 0; b < q; b++) mz += inv[a * q + b]! * sub.z[b]!;
          if (mz === 0) continue;
          const row = sub.rows[a]!;
          S[c] = S[c]! + sub.z[a]! * mz;
          W[c] = W[c]! + prob.y[row]! * mz;
          for (let r = 0; r < p; r++) U[c * p + r] = U[c * p + r]! + prob.X[r * prob.n + row]! * mz;
        }
      }
      for (let c = 0; c < nc; c++) {
        if (S[c] === 0) continue;
        const f = t2 / (1 + t2 * S[c]!);
        logdet += Math.log1p(t2 * S[c]!);
        ytWy -= f * W[c]! * W[c]!;
        for (let r = 0; r < p; r++) {
          const ur = U[c * p + r]!;
          XtWy[r] = XtWy[r]! - f * ur * W[c]!;
          for (let s = 0; s < p; s++) XtWX[r * p + s] = XtWX[r * p + s]! - f * ur * U[c * p + s]!;
        }
      }
    }
  }
  const L = Float64Array.from(XtWX);
  if (!choleskyInPlace(L, p)) return null;
  // β̃ = (X̃'WX̃)⁻¹X̃'Wy by the factor; rss = y'Wy − β̃'X̃'Wy = y'Wy − |L⁻¹X̃'Wy|².
  const z = Float64Array.from(XtWy);
  let zz = 0;
  for (let i = 0; i < p; i++) {
    let s = z[i]!;
    for (let k = 0; k < i; k++) s -= L[i * p + k]! * z[k]!;
    z[i] = s / L[i * p + i]!;
    zz += z[i]! * z[i]!;
  }
  const beta = Float64Array.from(z);
  for (let i = p - 1; i >= 0; i--) {
    let s = beta[i]!;
    for (let k = i + 1; k < p; k++) s -= L[k * p + i]! * beta[k]!;
    beta[i] = s / L[i * p + i]!;
  }
  const rss = ytWy - zz;
  let deviance: number;
  if (prob.reml) {
    let ldX = 0;
    for (let i = 0; i < p; i++) ldX += 2 * Math.log(L[i * p + i]!);
    ldX += 2 * prob.plan.logScale;
    deviance = (prob.n - p) * Math.log(2 * Math.PI) + logdet + ldX + rss;
  } else {
    deviance = prob.n * Math.log(2 * Math.PI) + logdet + rss;
  }
  return { XtWX, XtWy, ytWy, logdet, L, beta, rss, deviance };
}

/** (X̃'Ω⁻¹X̃)⁻¹ at the parameters, p × p row-major (of the internal columns). */
export function internalVcov(prob: MmrmProblem, params: ArrayLike<number>): Float64Array | null {
  const e = evaluate(prob, params);
  return e ? inverseFromCholesky(e.L, prob.p) : null;
}
