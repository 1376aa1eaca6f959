/**
 * What both layouts share (dense: deviance.ts, nested: nested.ts): the result types of an
 * evaluation, and the per-level kernel, a term-1 level's block L = chol(λ1' A λ1 + I) and what
 * eliminating it subtracts from the rest, H = λ1 (L L')⁻¹ λ1', so the rest's update is Σ C H C'
 * in raw space.
 */
import { choleskyInPlace } from '../../linalg/dense.js';

/** The pieces of the profiled deviance at one θ. */
export interface DevianceParts {
  /** log |L_Z|² (the random-effects part of the log-determinant). */
  ldL2: number;
  /** log |R_X|². */
  ldRX2: number;
  /** Penalised residual sum of squares r²(θ). */
  r2: number;
  /** Profiled deviance (ML) or REML criterion. */
  deviance: number;
  /**
   * Lower Cholesky factor of the [X y] block after all random effects are eliminated, (p + 1)²
   * row-major. From an evaluation without `keep` it may be a view of the evaluation's buffers:
   * read it before the next evaluation.
   */
  Lx: Float64Array;
}

/** The solution at the optimum: β and, per random term, the spherical modes u and their conditional covariances. */
export interface Solution {
  beta: Float64Array;
  /** Per term (fitting order): u, level-major, k values per level. */
  u: Float64Array[];
  /** Per term: (L_Z L_Z')⁻¹'s k × k diagonal block per level (times σ² and Λ gives lme4's condVar). */
  cu: Float64Array[];
}

/** λ' A λ (+ I) for the k × k row-major block of A at a0 and lower λ, into out (tmp: k² scratch). */
export function sandwichLambda(A: Float64Array, a0: number, lam: Float64Array, k: number, addI: boolean, out: Float64Array, tmp: Float64Array): void {
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let a = c; a < k; a++) s += A[a0 + r * k + a]! * lam[a * k + c]!;
      tmp[r * k + c] = s;
    }
  }
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let a = r; a < k; a++) s += lam[a * k + r]! * tmp[a * k + c]!;
      out[r * k + c] = s + (addI && r === c ? 1 : 0);
    }
  }
}

/** blk = chol(λ1' A λ1 + I) for the k1 × k1 block of A at a0; false when not positive definite. */
export function factorLevelBlock(A: Float64Array, a0: number, lam1: Float64Array, k1: number, blk: Float64Array, tmp: Float64Array): boolean {
  sandwichLambda(A, a0, lam1, k1, true, blk, tmp);
  return choleskyInPlace(blk, k1);
}

/**
 * `factorLevelBlock`, then H = λ1 (L L')⁻¹ λ1' = G G' with G = λ1 L⁻ᵀ (into G and H, k1² each).
 * @returns false when the block is not positive definite.
 */
export function factorH(A: Float64Array, a0: number, lam1: Float64Array, k1: number, blk: Float64Array, tmp: Float64Array, G: Float64Array, H: Float64Array): boolean {
  if (!factorLevelBlock(A, a0, lam1, k1, blk, tmp)) return false;
  // Solve G L' = λ1 row by row.
  for (let r = 0; r < k1; r++) {
    for (let c = 0; c < k1; c++) {
      let s = lam1[r * k1 + c]!;
      for (let a = 0; a < c; a++) s -= G[r * k1 + a]! * blk[c * k1 + a]!;
      G[r * k1 + c] = s / blk[c * k1 + c]!;
    }
  }
  for (let r = 0; r < k1; r++) {
    for (let c = 0; c < k1; c++) {
      let v = 0;
      for (let a = 0; a < k1; a++) v += G[r * k1 + a]! * G[c * k1 + a]!;
      H[r * k1 + c] = v;
    }
  }
  return true;
}
