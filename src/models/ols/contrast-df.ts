/**
 * Small-sample inference for any linear function of OLS coefficients under a sandwich
 * covariance: the Satterthwaite df of one contrast c'β, and the approximate Hotelling T²
 * ("HTZ") test of a q-row hypothesis Cβ = 0, as clubSandwich's `linear_contrast` /
 * `coef_test` and `Wald_test(test = "HTZ")` compute them for `lm` (working model Φ = I).
 *
 * Notation as in sandwich.ts: cluster g has the adjusted design W_g = A_g X_g and
 * T_g = X_g L⁻ᵀ (so H_gh = T_g T_h'), in the shifted parameterisation. For a contrast c over
 * the original coefficients, c_s = T⁻ᵀc is the same function of the shifted ones, and
 *
 *   p_g = W_g M_s c_s,  z_g = T_g' p_g,  q_g = (I − H)_{·g} p_g,  c'Vc ∝ Σ_g (q_g'y)²,
 *   q_g'q_h = δ_gh p_g'p_g − z_g'z_h.
 *
 * One contrast (Bell & McCaffrey 2002; Pustejovsky & Tipton 2018, JBES 36(4), eq. 11):
 *   ν = (Σ_g q_g'q_g)² / Σ_{g,h} (q_g'q_h)²
 *     = (Σ_g a_g − b_g)² / (Σ_g (a_g² − 2a_g b_g) + ‖Σ_g z_g z_g'‖²_F),  a_g = p_g'p_g, b_g = z_g'z_g.
 * This is the per-coefficient formula of sandwich.ts with e_j replaced by any c.
 *
 * q contrasts (Pustejovsky & Tipton 2018, §3.2, the HTZ test): with Ω_st = Σ_g q_g^s'q_g^t
 * (the working expectation of C V C'), rotate the contrasts by Ω^(−1/2) and let
 * B_st[g, h] = q̃_g^s'q̃_h^t. Then
 *   η = q(q + 1) / Σ_{s,t} Σ_{g,h} (B_st[g,h] B_ts[g,h] + B_ss[g,h] B_tt[g,h]),
 *   F = (η − q + 1)/(η q) · Q,  Q = (Cβ)'(C V C')⁻¹(Cβ),  F ~ F(q, η − q + 1).
 * Both sums are written through per-cluster q × q matrices A_g = P̃_g'P̃_g, D_g = Z̃_g'Z̃_g and
 * the r × r matrices S_st = Σ_g z̃_g^s z̃_g^t' (S_ts = S_st'):
 *   Σ tr(B B)  = Σ_g tr(A_g²) − 2 Σ_g tr(A_g D_g) + Σ_{s,t} tr(S_ts S_ts),
 *   Σ tr(B)²   = Σ_g tr(A_g)² − 2 Σ_g tr(A_g) tr(D_g) + Σ_{s,t} ‖S_st‖²_F,
 * so nothing of size n × n or G × G is formed (clubSandwich forms q × q × G × G arrays).
 */
import { symmetricEigen } from '../../linalg/dense.js';
import { crossprodRowsInto } from '../../linalg/products.js';
import { sandwichCovariance, type AdjustedDesign } from './sandwich.js';
import { shiftContrast } from './least-squares.js';
import type { OlsState } from './state.js';

/** The per-cluster pieces, computed once per fit. */
export function adjustedDesign(s: OlsState): AdjustedDesign {
  if (s.adjusted) return s.adjusted;
  const { n, r } = s.ls;
  const keep: AdjustedDesign = { W: new Float64Array(n * r), T: new Float64Array(n * r) };
  sandwichCovariance(s.ls, s.clusters, s.adjustment, 1, false, undefined, keep);
  s.adjusted = keep;
  return keep;
}

/** M_s T⁻ᵀ c for a contrast c over the kept columns of the original parameterisation. */
function shiftedDirection(s: OlsState, c: ArrayLike<number>): Float64Array {
  const { r, Ms } = s.ls;
  const cs = shiftContrast(s.ls, c);
  const m = new Float64Array(r);
  for (let i = 0; i < r; i++) {
    let v = 0;
    for (let j = 0; j < r; j++) v += Ms[i * r + j]! * cs[j]!;
    m[i] = v;
  }
  return m;
}

/** Cluster g's rows [start, end) in the kept buffers. */
function clusterRange(s: OlsState, g: number): [number, number] {
  const cl = s.clusters;
  return cl ? [cl.offsets[g]!, cl.offsets[g + 1]!] : [g, g + 1];
}

/**
 * Satterthwaite df of c'β (c over the kept columns).
 * @example
 * // the same number as clubSandwich::linear_contrast(fit, vcov = "CR2", cluster = ., contrasts = c)
 * satterthwaiteContrastDf(state, Float64Array.of(0, 1, -1));
 */
export function satterthwaiteContrastDf(s: OlsState, c: ArrayLike<number>): number {
  const { r } = s.ls;
  const { W, T } = adjustedDesign(s);
  const m = shiftedDirection(s, c);
  const G = s.nClusters;
  const S = new Float64Array(r * r);
  const z = new Float64Array(r);
  let E = 0;
  let F = 0;
  let p = new Float64Array(s.clusters ? s.clusters.maxSize : 1);
  for (let g = 0; g < G; g++) {
    const [start, end] = clusterRange(s, g);
    const ng = end - start;
    if (p.length < ng) p = new Float64Array(ng);
    let a = 0;
    for (let i = 0; i < ng; i++) {
      const off = (start + i) * r;
      let v = 0;
      for (let k = 0; k < r; k++) v += W[off + k]! * m[k]!;
      p[i] = v;
      a += v * v;
    }
    z.fill(0);
    for (let i = 0; i < ng; i++) {
      const off = (start + i) * r;
      const pi = p[i]!;
      if (pi === 0) continue;
      for (let k = 0; k < r; k++) z[k] = z[k]! + T[off + k]! * pi;
    }
    let b = 0;
    for (let k = 0; k < r; k++) b += z[k]! * z[k]!;
    E += a - b;
    F += a * a - 2 * a * b;
    for (let k = 0; k < r; k++) {
      const zk = z[k]!;
      if (zk === 0) continue;
      for (let l = 0; l <= k; l++) S[k * r + l] = S[k * r + l]! + zk * z[l]!;
    }
  }
  let frob = 0;
  for (let k = 0; k < r; k++) for (let l = 0; l <= k; l++) frob += (k === l ? 1 : 2) * S[k * r + l]! ** 2;
  return (E * E) / (F + frob);
}

/**
 * The Wald statistic Q = (Cβ)'(CVC')⁻¹(Cβ) over the independent rows of C, and their number q.
 */
export function waldStatistic(beta: Float64Array, V: Float64Array, C: Float64Array[], r: number): { Q: number; q: number } {
  const red = independentRows(C, V, r);
  let Q = 0;
  red.rows.forEach((row, m) => {
    let e = 0;
    for (let j = 0; j < r; j++) e += row[j]! * beta[j]!;
    Q += (e * e) / red.values[m]!;
  });
  return { Q, q: red.rows.length };
}

/** Result of the HTZ Wald test. */
export interface HtzResult {
  /** F = δ·Q/q with δ = (η − q + 1)/η (0 when η < q − 1). */
  F: number;
  numDf: number;
  /** η − q + 1. */
  denDf: number;
  /** The Wald statistic Q = (Cβ)'(CVC')⁻¹(Cβ). */
  Q: number;
  /** Hotelling's T² df η. */
  eta: number;
  delta: number;
}

/**
 * Reduce the rows of C to a basis of its row space as seen through V (the rows of U'C for the
 * eigenvectors U of CVC' with non-negligible eigenvalues): a hypothesis stated with redundant
 * rows (e.g. over aliased cells) keeps its rank, as R's tests do.
 */
export function independentRows(C: Float64Array[], V: Float64Array, r: number): { rows: Float64Array[]; values: Float64Array } {
  const q = C.length;
  const CV = C.map((c) => {
    const out = new Float64Array(r);
    for (let i = 0; i < r; i++) {
      if (c[i] === 0) continue;
      for (let j = 0; j < r; j++) out[j] = out[j]! + c[i]! * V[i * r + j]!;
    }
    return out;
  });
  const M = new Float64Array(q * q);
  for (let a = 0; a < q; a++) {
    for (let b = 0; b < q; b++) {
      let v = 0;
      for (let j = 0; j < r; j++) v += CV[a]![j]! * C[b]![j]!;
      M[a * q + b] = v;
    }
  }
  const { values, vectors } = symmetricEigen(M, q);
  const tol = 1e-8 * Math.max(0, ...Array.from(values));
  const rows: Float64Array[] = [];
  const kept: number[] = [];
  for (let m = 0; m < q; m++) {
    if (!(values[m]! > tol)) continue;
    kept.push(values[m]!);
    const row = new Float64Array(r);
    for (let a = 0; a < q; a++) {
      const u = vectors[a * q + m]!;
      if (u === 0) continue;
      for (let j = 0; j < r; j++) row[j] = row[j]! + u * C[a]![j]!;
    }
    rows.push(row);
  }
  return { rows, values: Float64Array.from(kept) };
}

/**
 * The HTZ test of Cβ = 0 (rows of C over the kept columns), as
 * `clubSandwich::Wald_test(fit, constraints = C, vcov = "CR2", test = "HTZ")`.
 * Rows that are linear combinations of others (in the metric of V) are dropped first.
 */
export function htzTest(s: OlsState, C: Float64Array[]): HtzResult {
  const { r, beta } = s.ls;
  const red = independentRows(C, s.vcov, r);
  const q = red.rows.length;
  if (q === 0) return { F: NaN, numDf: 0, denDf: NaN, Q: NaN, eta: NaN, delta: NaN };
  const { Q } = waldStatistic(beta, s.vcov, red.rows, r);

  const { W, T } = adjustedDesign(s);
  const G = s.nClusters;
  const dirs = red.rows.map((row) => shiftedDirection(s, row));
  const maxSize = s.clusters ? s.clusters.maxSize : 1;
  const P = new Float64Array(maxSize * q);
  const Z = new Float64Array(r * q);
  const project = (directions: Float64Array[], g: number): number => {
    const [start, end] = clusterRange(s, g);
    const ng = end - start;
    for (let i = 0; i < ng; i++) {
      const off = (start + i) * r;
      for (let t = 0; t < q; t++) {
        const d = directions[t]!;
        let v = 0;
        for (let k = 0; k < r; k++) v += W[off + k]! * d[k]!;
        P[i * q + t] = v;
      }
    }
    Z.fill(0);
    for (let i = 0; i < ng; i++) {
      const off = (start + i) * r;
      for (let t = 0; t < q; t++) {
        const pit = P[i * q + t]!;
        if (pit === 0) continue;
        for (let k = 0; k < r; k++) Z[k * q + t] = Z[k * q + t]! + T[off + k]! * pit;
      }
    }
    return ng;
  };
  const gram = (A: Float64Array, rowsUsed: number, out: Float64Array): void => crossprodRowsInto(A, rowsUsed, q, out);

  // Pass 1: Ω = Σ_g (P_g'P_g − Z_g'Z_g).
  const Omega = new Float64Array(q * q);
  const Ag = new Float64Array(q * q);
  const Dg = new Float64Array(q * q);
  for (let g = 0; g < G; g++) {
    const ng = project(dirs, g);
    gram(P, ng, Ag);
    gram(Z, r, Dg);
    for (let e = 0; e < q * q; e++) Omega[e] = Omega[e]! + Ag[e]! - Dg[e]!;
  }
  const eig = symmetricEigen(Omega, q);
  const nsqrt = new Float64Array(q * q);
  for (let a = 0; a < q; a++) {
    for (let b = 0; b < q; b++) {
      let v = 0;
      for (let m = 0; m < q; m++) {
        const lam = eig.values[m]!;
        if (lam > 0) v += (eig.vectors[a * q + m]! * eig.vectors[b * q + m]!) / Math.sqrt(lam);
      }
      nsqrt[a * q + b] = v;
    }
  }
  const rotated = Array.from({ length: q }, (_, a) => {
    const d = new Float64Array(r);
    for (let b = 0; b < q; b++) {
      const w = nsqrt[a * q + b]!;
      if (w === 0) continue;
      for (let k = 0; k < r; k++) d[k] = d[k]! + w * dirs[b]![k]!;
    }
    return d;
  });

  // Pass 2: the per-cluster traces and S_st = Σ_g z̃_g^s z̃_g^t'.
  let trAA = 0;
  let trAD = 0;
  let trA2 = 0;
  let trAtrD = 0;
  const S = new Float64Array(q * q * r * r);
  for (let g = 0; g < G; g++) {
    const ng = project(rotated, g);
    gram(P, ng, Ag);
    gram(Z, r, Dg);
    let tA = 0;
    let tD = 0;
    for (let a = 0; a < q; a++) {
      tA += Ag[a * q + a]!;
      tD += Dg[a * q + a]!;
      for (let b = 0; b < q; b++) {
        trAA += Ag[a * q + b]! * Ag[b * q + a]!;
        trAD += Ag[a * q + b]! * Dg[b * q + a]!;
      }
    }
    trA2 += tA * tA;
    trAtrD += tA * tD;
    for (let a = 0; a < q; a++) {
      for (let b = 0; b <= a; b++) {
        const base = (a * q + b) * r * r;
        for (let k = 0; k < r; k++) {
          const zka = Z[k * q + a]!;
          if (zka === 0) continue;
          for (let l = 0; l < r; l++) S[base + k * r + l] = S[base + k * r + l]! + zka * Z[l * q + b]!;
        }
      }
    }
  }
  let sTT = 0;
  let sFrob = 0;
  for (let a = 0; a < q; a++) {
    for (let b = 0; b < q; b++) {
      // S_ab for a ≥ b is stored; S_ba = S_ab'.
      const lo = a >= b;
      const base = ((lo ? a : b) * q + (lo ? b : a)) * r * r;
      const at = (k: number, l: number) => (lo ? S[base + k * r + l]! : S[base + l * r + k]!);
      for (let k = 0; k < r; k++) {
        for (let l = 0; l < r; l++) {
          const v = at(k, l);
          // tr(S_ts S_ts) over (s, t) = (b, a) is Σ_kl (S_ba)_kl (S_ba)_lk = Σ_kl (S_ab)_lk (S_ab)_kl.
          sTT += v * at(l, k);
          sFrob += v * v;
        }
      }
    }
  }
  const total = trAA - 2 * trAD + sTT + (trA2 - 2 * trAtrD + sFrob);
  const eta = (q * (q + 1)) / total;
  const delta = Math.max((eta - q + 1) / eta, 0);
  return { F: (delta * Q) / q, numDf: q, denDf: eta - q + 1, Q, eta, delta };
}
