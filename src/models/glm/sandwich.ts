/**
 * clubSandwich's CR2 for a GLM. HC0–HC3 and CR0/CR1/CR1S of a GLM are the OLS sandwich on the
 * working columns X̃ = √w·X and working residuals ẽ = √w(z − η) (see irls.ts), but clubSandwich's
 * CR2 takes the working model Φ = diag(V(μ)/prior weight) on the response scale (Pustejovsky &
 * Tipton 2018, eq. 8: A_g = D_g' B_g^(−1/2) D_g with D_g'D_g = Φ_g and, for inverse-variance
 * weights, B_g = D_g(Φ_g − U_g M U_g')D_g'). In working terms that is
 *   u_g = X̃_g' (Φ_g (I − H̃_gg) Φ_g)^(−1/2) Φ_g ẽ_g,   V = M (Σ_g u_g u_g') M,
 * which equals the OLS CR2 only when Φ is constant within each cluster (so HC2 agrees).
 * Cost: one n_g × n_g eigen-decomposition per cluster, Σ n_g³ in all.
 */
import { symmetricEigen } from '../../linalg/dense.js';
import type { ClusterIndex } from '../ols/clusters.js';
import type { LeastSquares } from '../ols/least-squares.js';
import { sandwichProduct } from '../ols/sandwich.js';

/** clubSandwich's `matrix_power` tolerance (absolute, on the eigenvalues of Φ(I − H)Φ). */
const EIGEN_TOL = 1e-12;

/**
 * @param ls - the weighted least-squares solve at the estimate (no shift of its own; residuals = ẽ).
 * @param phi - Φ_i = V(μ_i)/prior weight_i (binomial: prior weight × trials).
 * @returns the covariance in `ls`'s parameterisation and the clusters whose Φ(I − H)Φ is singular.
 */
export function glmCr2(ls: LeastSquares, clusters: ClusterIndex, phi: Float64Array): { vcov: Float64Array; singular: number[] } {
  const { n, r, X, Linv, M, residuals: e } = ls;
  const meat = new Float64Array(r * r);
  const singular: number[] = [];
  const m = clusters.maxSize;
  const T = new Float64Array(m * r);
  const B = new Float64Array(m * m);
  const v = new Float64Array(m);
  const a = new Float64Array(m);
  const u = new Float64Array(r);
  for (let g = 0; g < clusters.G; g++) {
    const start = clusters.offsets[g]!;
    const ng = clusters.offsets[g + 1]! - start;
    const row = (k: number) => clusters.order[start + k]!;
    // T_g = X̃_g L⁻ᵀ, so that H̃_gg = T_g T_g'.
    for (let k = 0; k < ng; k++) {
      const i = row(k);
      for (let c = 0; c < r; c++) {
        let s = 0;
        for (let j = 0; j <= c; j++) s += Linv[c * r + j]! * X[j * n + i]!;
        T[k * r + c] = s;
      }
    }
    for (let k = 0; k < ng; k++) {
      for (let l = 0; l <= k; l++) {
        let h = 0;
        for (let c = 0; c < r; c++) h += T[k * r + c]! * T[l * r + c]!;
        const val = phi[row(k)]! * ((k === l ? 1 : 0) - h) * phi[row(l)]!;
        B[k * ng + l] = val;
        B[l * ng + k] = val;
      }
    }
    const { values, vectors } = symmetricEigen(B.subarray(0, ng * ng), ng);
    // a = U diag(λ^(−1/2)) U' (Φ ẽ)
    for (let k = 0; k < ng; k++) v[k] = phi[row(k)]! * e[row(k)]!;
    a.fill(0);
    let sing = false;
    for (let q = 0; q < ng; q++) {
      const lam = values[q]!;
      if (!(lam > EIGEN_TOL)) {
        sing = true;
        continue;
      }
      let s = 0;
      for (let k = 0; k < ng; k++) s += vectors[k * ng + q]! * v[k]!;
      s /= Math.sqrt(lam);
      for (let k = 0; k < ng; k++) a[k] = a[k]! + vectors[k * ng + q]! * s;
    }
    if (sing) singular.push(g);
    for (let c = 0; c < r; c++) {
      let s = 0;
      for (let k = 0; k < ng; k++) s += X[c * n + row(k)]! * a[k]!;
      u[c] = s;
    }
    for (let c = 0; c < r; c++) for (let d = 0; d < r; d++) meat[c * r + d] = meat[c * r + d]! + u[c]! * u[d]!;
  }
  return { vcov: sandwichProduct(M, meat, r, 1), singular };
}
