/**
 * Sandwich covariances of least-squares coefficients and their Satterthwaite degrees of
 * freedom, for heteroskedasticity-consistent (HC) and cluster-robust (CR) types alike.
 *
 * Every type has the form V = c · M (Σ_g X_g'A_g e_g e_g'A_g X_g) M with M = (X'X)⁻¹, e the
 * residuals, a scalar c and an adjustment A_g per cluster g (a row is a cluster of its own
 * for the HC types):
 *
 * | type | A_g | c |
 * |---|---|---|
 * | HC0 / CR0 | I | 1 |
 * | HC1 | I | n/(n − p) |
 * | CR1 | I | G/(G − 1) |
 * | CR1p | I | G/(G − p) |
 * | CR1S | I | G(n − 1)/((G − 1)(n − p)) |
 * | HC2 / CR2 | (I − H_gg)^(−1/2) | 1 |
 * | HC3 / CR3 | (I − H_gg)^(−1) | 1 |
 *
 * where p is the rank, G the number of clusters and H_gg = X_g M X_g' the cluster's block of
 * the hat matrix; HC2 and HC3 are CR2 and CR3 with one row per cluster. CR2 is Bell & McCaffrey's (2002) bias-reduced linearisation
 * with the identity working model, which is clubSandwich's choice for `lm`. As clubSandwich's
 * `matrix_power`, eigenvalues of I − H_gg at or below 1e-12 give 0 in the power (a
 * pseudo-inverse): a cluster that alone determines a coefficient then adds nothing to it.
 *
 * Satterthwaite df for coefficient j (Bell & McCaffrey 2002; Pustejovsky & Tipton 2018, JBES
 * 36(4), §3, with the working model Φ = I, as clubSandwich's `coef_test`): with
 * p_g = A_g X_g M e_j and q_g = (I − H)_{·g} p_g,
 *   c_j'V c_j ∝ Σ_g (q_g'y)²,  df_j = (Σ_g q_g'q_g)² / Σ_{g,h} (q_g'q_h)²,
 * and q_g'q_h = δ_gh p_g'p_g − z_g'z_h with z_g = L⁻¹X_g'p_g (L L' = X'X). So
 *   Σ_{g,h}(q_g'q_h)² = Σ_g (a_g² − 2 a_g b_g) + ‖Σ_g z_g z_g'‖²_F,  a_g = p_g'p_g, b_g = z_g'z_g,
 * which needs only per-cluster quantities, not the arrays over all rows and clusters that
 * clubSandwich forms.
 *
 * All of this runs in the shifted parameterisation of the least-squares stage (X_s = X − 1s' = X(I − a s'),
 * see least-squares.ts): the A_g, residuals and hat matrix are the same there, the bread is
 * M_s, the coefficient contrasts are the columns of T⁻¹ᵀ, and V maps back as T⁻¹V_s T⁻ᵀ.
 *
 * Cost: the covariance is O(n·p²) plus, for CR2/CR3, one small eigen-decomposition per
 * cluster of size min(n_g, p) (the n_g × n_g block of I − H_gg when n_g ≤ p, else the p × p
 * matrix L⁻¹X_g'X_g L⁻ᵀ, which has the same non-unit eigenvalues), so Σ_g min(n_g, p)³ ≤ n·p²
 * in all. The df add O(G·p³).
 */
import { symmetricEigen } from '../../linalg/dense.js';
import { crossprodRowsInto } from '../../linalg/products.js';
import type { ClusterIndex } from './clusters.js';
import { crossProducts, hatValues, unshiftCovariance, type LeastSquares } from './least-squares.js';

/** The per-cluster adjustment A_g. */
export type Adjustment = 'none' | 'inverse-sqrt' | 'inverse';

/**
 * A_g and c of a sandwich type (the table above), for n rows, rank r and G clusters (n for the
 * HC types). CR1p with G ≤ r has no finite c (NaN), as in clubSandwich.
 */
export function sandwichSettings(
  type: 'HC0' | 'HC1' | 'HC2' | 'HC3' | 'CR0' | 'CR1' | 'CR1p' | 'CR1S' | 'CR2' | 'CR3',
  n: number,
  r: number,
  G: number,
): { adjustment: Adjustment; scale: number } {
  switch (type) {
    case 'HC1':
      return { adjustment: 'none', scale: n / (n - r) };
    case 'HC2':
    case 'CR2':
      return { adjustment: 'inverse-sqrt', scale: 1 };
    case 'HC3':
    case 'CR3':
      return { adjustment: 'inverse', scale: 1 };
    case 'CR1':
      return { adjustment: 'none', scale: G / (G - 1) };
    case 'CR1p':
      return { adjustment: 'none', scale: G > r ? G / (G - r) : NaN };
    case 'CR1S':
      return { adjustment: 'none', scale: (G * (n - 1)) / ((G - 1) * (n - r)) };
    default:
      return { adjustment: 'none', scale: 1 };
  }
}

/** clubSandwich's `matrix_power` tolerance: eigenvalues of I − H_gg at or below it are treated as zero. */
const EIGEN_TOL = 1e-12;

/**
 * The per-cluster pieces of a sandwich estimator kept for later contrasts: rows in cluster
 * order (cluster g holds rows offsets[g]…offsets[g+1] of the grouping, or row g for HC types),
 * n × r row-major, shifted parameterisation.
 */
export interface AdjustedDesign {
  /** W_g = A_g X_g. */
  W: Float64Array;
  /** T_g = X_g L⁻ᵀ, so that H_gh = T_g T_h'. */
  T: Float64Array;
}

export interface SandwichResult {
  /** The covariance, row-major r × r. */
  vcov: Float64Array;
  /**
   * The same covariance of the shifted parameterisation (V_s, before mapping back): c'Vc is best
   * computed as c_s'V_s c_s with c_s = T⁻ᵀc when c reaches a coefficient of a column far from 0.
   */
  shifted: Float64Array;
  /** Satterthwaite df per coefficient, when requested. */
  df: Float64Array | null;
  /** Clusters (or rows, for HC types) whose I − H_gg is singular (leverage 1 in some direction). */
  singular: number[];
}

/**
 * Compute a sandwich covariance.
 * @param ls - the solved least-squares problem.
 * @param clusters - the grouping, or `null` for one row per cluster (HC types).
 * @param adjustment - A_g (see the table above).
 * @param scale - the constant c.
 * @param wantDf - also compute the Satterthwaite df.
 * @param hat - the leverages, when already computed (HC types).
 * @param keep - buffers (n × r, row-major, rows in cluster order) that receive the adjusted
 *   design W_g = A_g X_g and T_g = X_g L⁻ᵀ of every cluster, both in the shifted
 *   parameterisation, for the Satterthwaite df of later contrasts (see contrast-df.ts).
 */
export function sandwichCovariance(
  ls: LeastSquares,
  clusters: ClusterIndex | null,
  adjustment: Adjustment,
  scale: number,
  wantDf: boolean,
  hat?: Float64Array,
  keep?: AdjustedDesign,
): SandwichResult {
  if (clusters === null && !wantDf && !keep) return heteroskedasticCovariance(ls, adjustment, scale, hat ?? hatValues(ls));
  // Work in the shifted parameterisation of `ls` (X_s = X − 1s', M_s, L_s⁻¹) and map back at the end.
  const { n, r, X, Linv, Ms, shift, residuals: e } = ls;
  const G = clusters ? clusters.G : n;
  // K = M_s T⁻ᵀ: column j is M_s c_j for the contrast c_j = T⁻ᵀe_j = e_j − a_j s that picks
  // coefficient j of the original parameterisation (only the carrier's columns change).
  const K = Float64Array.from(Ms);
  for (let i = 0; i < r; i++) {
    let t = 0;
    for (let m = 0; m < r; m++) t += Ms[i * r + m]! * shift[m]!;
    for (let j = 0; j < r; j++) if (ls.carrier[j] !== 0) K[i * r + j] = Ms[i * r + j]! - ls.carrier[j]! * t;
  }
  const maxSize = clusters ? clusters.maxSize : 1;
  const meat = new Float64Array(r * r);
  const singular: number[] = [];
  const power = adjustment === 'inverse-sqrt' ? -0.5 : -1;

  // Work buffers sized for the largest cluster (row-major n_g × r blocks).
  const Xg = new Float64Array(maxSize * r);
  const Tg = new Float64Array(maxSize * r);
  const Wg = new Float64Array(maxSize * r);
  const Qg = new Float64Array(maxSize * r);
  const eg = new Float64Array(maxSize);
  const u = new Float64Array(r);
  const Zg = new Float64Array(r * r);
  const small = new Float64Array(Math.max(maxSize, r) ** 2);
  const CP = new Float64Array(r * r);
  const C = new Float64Array(r * r);
  const CPm = new Float64Array(r * r);
  const rho = new Float64Array(r);
  const fPow = new Float64Array(Math.max(maxSize, 1));
  const E = wantDf ? new Float64Array(r) : null;
  const F = wantDf ? new Float64Array(r) : null;
  // S[j] = Σ_g z_g z_g' for coefficient j: r symmetric r × r matrices (lower triangles used).
  const S = wantDf ? new Float64Array(r * r * r) : null;

  for (let g = 0; g < G; g++) {
    const start = clusters ? clusters.offsets[g]! : g;
    const ng = clusters ? clusters.offsets[g + 1]! - start : 1;
    for (let a = 0; a < ng; a++) {
      const row = clusters ? clusters.order[start + a]! : g;
      eg[a] = e[row]!;
      for (let j = 0; j < r; j++) Xg[a * r + j] = X[j * n + row]! - shift[j]!;
    }
    // T_g = X_g L⁻ᵀ, so that H_gg = T_g T_g'.
    const needT = adjustment !== 'none' || wantDf || keep !== undefined;
    if (needT) {
      for (let a = 0; a < ng; a++) {
        for (let k = 0; k < r; k++) {
          let s = 0;
          for (let j = 0; j <= k; j++) s += Linv[k * r + j]! * Xg[a * r + j]!;
          Tg[a * r + k] = s;
        }
      }
    }
    if (adjustment === 'none') {
      Wg.set(Xg.subarray(0, ng * r));
    } else if (ng === 1) {
      let h = 0;
      for (let k = 0; k < r; k++) h += Tg[k]! ** 2;
      const mu = 1 - h;
      let f = 0;
      if (mu > EIGEN_TOL) f = mu ** power;
      else singular.push(g);
      for (let j = 0; j < r; j++) Wg[j] = f * Xg[j]!;
    } else if (ng <= r) {
      // A_g from the n_g × n_g block I − H_gg directly.
      for (let a = 0; a < ng; a++) {
        for (let b = 0; b <= a; b++) {
          let s = 0;
          for (let k = 0; k < r; k++) s += Tg[a * r + k]! * Tg[b * r + k]!;
          const v = (a === b ? 1 : 0) - s;
          small[a * ng + b] = v;
          small[b * ng + a] = v;
        }
      }
      const { values, vectors } = symmetricEigen(small.subarray(0, ng * ng), ng);
      const f = fPow;
      let sing = false;
      for (let m = 0; m < ng; m++) {
        const mu = values[m]!;
        if (mu > EIGEN_TOL) f[m] = mu ** power;
        else {
          f[m] = 0;
          sing = true;
        }
      }
      if (sing) singular.push(g);
      // W_g = U diag(f) U' X_g.
      for (let m = 0; m < ng; m++) {
        for (let j = 0; j < r; j++) {
          let s = 0;
          for (let a = 0; a < ng; a++) s += vectors[a * ng + m]! * Xg[a * r + j]!;
          CP[j] = s * f[m]!;
        }
        for (let a = 0; a < ng; a++) {
          const va = vectors[a * ng + m]!;
          for (let j = 0; j < r; j++) {
            const idx = a * r + j;
            Wg[idx] = (m === 0 ? 0 : Wg[idx]!) + va * CP[j]!;
          }
        }
      }
    } else {
      // n_g > r: I − H_gg = I − T_g T_g' has eigenvalue 1 − λ_k on T_g v_k/√λ_k for each eigenpair
      // (λ_k, v_k) of T_g'T_g, and 1 elsewhere, so A_g = I + T_g V diag(ρ) V' T_g' with
      // ρ_k = (f(1 − λ_k) − 1)/λ_k, written without cancellation as λ_k → 0.
      crossprodRowsInto(Tg, ng, r, small);
      const { values, vectors } = symmetricEigen(small.subarray(0, r * r), r);
      let sing = false;
      for (let k = 0; k < r; k++) {
        const lam = values[k]!;
        const mu = 1 - lam;
        if (!(mu > EIGEN_TOL)) {
          sing = true;
          rho[k] = -1 / lam;
        } else if (adjustment === 'inverse') {
          rho[k] = 1 / mu;
        } else {
          const s = Math.sqrt(mu);
          rho[k] = 1 / (s * (1 + s));
        }
      }
      if (sing) singular.push(g);
      // C = V diag(ρ) V' (r × r); P = T_g' X_g (r × r); W_g = X_g + T_g (C P).
      for (let k = 0; k < r; k++) {
        for (let l = 0; l < r; l++) {
          let s = 0;
          for (let m = 0; m < r; m++) s += vectors[k * r + m]! * rho[m]! * vectors[l * r + m]!;
          C[k * r + l] = s;
        }
      }
      for (let k = 0; k < r; k++) {
        for (let j = 0; j < r; j++) {
          let s = 0;
          for (let a = 0; a < ng; a++) s += Tg[a * r + k]! * Xg[a * r + j]!;
          CP[k * r + j] = s;
        }
      }
      for (let k = 0; k < r; k++) {
        for (let j = 0; j < r; j++) {
          let s = 0;
          for (let m = 0; m < r; m++) s += C[k * r + m]! * CP[m * r + j]!;
          CPm[k * r + j] = s;
        }
      }
      for (let a = 0; a < ng; a++) {
        for (let j = 0; j < r; j++) {
          let s = Xg[a * r + j]!;
          for (let k = 0; k < r; k++) s += Tg[a * r + k]! * CPm[k * r + j]!;
          Wg[a * r + j] = s;
        }
      }
    }

    if (keep) {
      keep.W.set(Wg.subarray(0, ng * r), start * r);
      keep.T.set(Tg.subarray(0, ng * r), start * r);
    }

    // Meat: u_g = W_g' e_g, Σ u_g u_g'.
    for (let j = 0; j < r; j++) {
      let s = 0;
      for (let a = 0; a < ng; a++) s += Wg[a * r + j]! * eg[a]!;
      u[j] = s;
    }
    for (let j = 0; j < r; j++) {
      const uj = u[j]!;
      if (uj === 0) continue;
      for (let k = 0; k <= j; k++) meat[j * r + k] = meat[j * r + k]! + uj * u[k]!;
    }

    if (wantDf) {
      // Q_g = W_g K: column j is p_g for coefficient j. Z_g = T_g' Q_g: column j is z_g.
      for (let a = 0; a < ng; a++) {
        for (let j = 0; j < r; j++) {
          let s = 0;
          for (let k = 0; k < r; k++) s += Wg[a * r + k]! * K[k * r + j]!;
          Qg[a * r + j] = s;
        }
      }
      for (let k = 0; k < r; k++) {
        for (let j = 0; j < r; j++) {
          let s = 0;
          for (let a = 0; a < ng; a++) s += Tg[a * r + k]! * Qg[a * r + j]!;
          Zg[k * r + j] = s;
        }
      }
      for (let j = 0; j < r; j++) {
        let aj = 0;
        for (let a = 0; a < ng; a++) aj += Qg[a * r + j]! ** 2;
        let bj = 0;
        for (let k = 0; k < r; k++) bj += Zg[k * r + j]! ** 2;
        E![j] = E![j]! + aj - bj;
        F![j] = F![j]! + aj * aj - 2 * aj * bj;
        const Sj = j * r * r;
        for (let k = 0; k < r; k++) {
          const zk = Zg[k * r + j]!;
          if (zk === 0) continue;
          for (let l = 0; l <= k; l++) S![Sj + k * r + l] = S![Sj + k * r + l]! + zk * Zg[l * r + j]!;
        }
      }
    }
  }

  for (let j = 0; j < r; j++) for (let k = 0; k < j; k++) meat[k * r + j] = meat[j * r + k]!;
  const shifted = sandwichProduct(Ms, meat, r, scale);
  const vcov = unshiftCovariance(shifted, shift, ls.carrier, r);

  let df: Float64Array | null = null;
  if (wantDf) {
    df = new Float64Array(r);
    for (let j = 0; j < r; j++) {
      const Sj = j * r * r;
      let frob = 0;
      for (let k = 0; k < r; k++) {
        for (let l = 0; l <= k; l++) {
          const v = S![Sj + k * r + l]!;
          frob += (k === l ? 1 : 2) * v * v;
        }
      }
      df[j] = E![j]! ** 2 / (F![j]! + frob);
    }
  }
  return { vcov, shifted, df, singular };
}

/**
 * The HC types without df: the meat is X'diag(ω e²)X with ω_i = f(1 − h_i)², one weighted
 * cross-product pass instead of a loop over n one-row clusters.
 */
function heteroskedasticCovariance(ls: LeastSquares, adjustment: Adjustment, scale: number, hat: Float64Array): SandwichResult {
  const { n, r, X, Ms, shift, residuals: e } = ls;
  const w = new Float64Array(n);
  const singular: number[] = [];
  for (let i = 0; i < n; i++) {
    let f2 = 1;
    if (adjustment !== 'none') {
      const mu = 1 - hat[i]!;
      if (mu > EIGEN_TOL) f2 = adjustment === 'inverse' ? 1 / (mu * mu) : 1 / mu;
      else {
        f2 = 0;
        singular.push(i);
      }
    }
    w[i] = f2 * e[i]! * e[i]!;
  }
  const meat = crossProducts(X, e, n, r, w, shift).XtX;
  const shifted = sandwichProduct(Ms, meat, r, scale);
  return { vcov: unshiftCovariance(shifted, shift, ls.carrier, r), shifted, df: null, singular };
}

/** c · M B M for symmetric M and B (row-major r × r). */
export function sandwichProduct(M: Float64Array, meat: Float64Array, r: number, scale: number): Float64Array {
  const MB = new Float64Array(r * r);
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < r; j++) {
      let s = 0;
      for (let k = 0; k < r; k++) s += M[i * r + k]! * meat[k * r + j]!;
      MB[i * r + j] = s;
    }
  }
  const vcov = new Float64Array(r * r);
  for (let i = 0; i < r; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < r; k++) s += MB[i * r + k]! * M[k * r + j]!;
      vcov[i * r + j] = scale * s;
      vcov[j * r + i] = scale * s;
    }
  }
  return vcov;
}
