/**
 * The profiled deviance of a linear mixed model as a function of θ (Bates et al. 2015,
 * eqs. 34 and 41), evaluated from the cross-products alone.
 *
 * With Λθ block diagonal (one lower-triangular k × k λ per term, repeated per level),
 * the Cholesky factor of the augmented system
 *
 *     [ Λ'Z'ZΛ + I   Λ'Z'X   Λ'Z'y ]
 *     [ X'ZΛ         X'X     X'y   ]
 *     [ y'ZΛ         y'X     y'y   ]
 *
 * is formed blockwise: the term-1 blocks L_g = chol(λ1'A_g λ1 + I) are k1 × k1 and
 * independent; the rest is a dense Cholesky of the Schur complement
 * Λr'RΛr + I − Σ_g W_g W_g' with W_g = Λr'C_g λ1 L_g^{-T}. Its last diagonal element is
 * the penalised residual sum of squares r²(θ)^{1/2}.
 *
 *     ML:   d(θ) = log|L_Z|² + n (1 + log(2π r²/n))
 *     REML: d(θ) = log|L_Z|² + log|R_X|² + (n − p)(1 + log(2π r²/(n − p)))
 */
import { choleskyInPlace } from '../../linalg/dense.js';
import { type CrossProducts, levelRestColumns } from './structure.js';

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
  /** Lower Cholesky factor of the rest, m × m row-major. */
  Lrest: Float64Array;
}

/** Per-level factors kept at the optimum for the random-effect solutions. */
export interface LevelFactors {
  /** L_g blocks, k1 × k1 row-major each. */
  L1: Float64Array;
  /** W_g as m × k1 row-major blocks (zeros where the level has no entry). Only for the rows in `nz`. */
  W: Float64Array[];
  nz: number[][];
}

/** The lower-triangular λ of each term from θ (column-major lower triangle, as lme4). */
export function lambdaBlocks(cp: CrossProducts, theta: ArrayLike<number>): Float64Array[] {
  return cp.terms.map((t) => {
    const k = t.k;
    const lam = new Float64Array(k * k);
    let q = t.thetaOffset;
    for (let c = 0; c < k; c++) for (let r = c; r < k; r++) lam[r * k + c] = theta[q++]!;
    return lam;
  });
}

/** Λr' S Λr for a symmetric rest matrix S (m × m), λ applied to the random-term blocks. */
function scaleRest(cp: CrossProducts, lams: Float64Array[], S: Float64Array, out: Float64Array): void {
  const m = cp.m;
  // T = S Λr (columns), then out = Λr' T (rows).
  const T = out === S ? Float64Array.from(S) : (out.set(S), out);
  const tmp = new Float64Array(8);
  for (let j = 1; j < cp.terms.length; j++) {
    const t = cp.terms[j]!;
    const k = t.k;
    const lam = lams[j]!;
    if (k === 1) {
      const l = lam[0]!;
      for (let lev = 0; lev < t.levels.length; lev++) {
        const c = t.restOffset + lev;
        for (let r = 0; r < m; r++) T[r * m + c] = T[r * m + c]! * l;
        for (let r = 0; r < m; r++) T[c * m + r] = T[c * m + r]! * l;
      }
      continue;
    }
    const buf = tmp.length >= k ? tmp : new Float64Array(k);
    for (let lev = 0; lev < t.levels.length; lev++) {
      const c0 = t.restOffset + lev * k;
      for (let r = 0; r < m; r++) {
        for (let c = 0; c < k; c++) {
          let s = 0;
          for (let a = c; a < k; a++) s += T[r * m + c0 + a]! * lam[a * k + c]!;
          buf[c] = s;
        }
        for (let c = 0; c < k; c++) T[r * m + c0 + c] = buf[c]!;
      }
      for (let col = 0; col < m; col++) {
        for (let c = 0; c < k; c++) {
          let s = 0;
          for (let a = c; a < k; a++) s += lam[a * k + c]! * T[(c0 + a) * m + col]!;
          buf[c] = s;
        }
        for (let c = 0; c < k; c++) T[(c0 + c) * m + col] = buf[c]!;
      }
    }
  }
}

/** Cholesky of a small k × k row-major matrix into `out`; false when not PD. */
function smallChol(a: Float64Array, k: number): boolean {
  return choleskyInPlace(a, k);
}

/**
 * Evaluate the profiled deviance at θ. Returns `deviance: Infinity` when a factor is not
 * numerically positive definite (the optimiser then steps back).
 * @param keep - also return the per-level factors (for the solution at the optimum).
 */
export function evaluateDeviance(
  cp: CrossProducts,
  theta: ArrayLike<number>,
  reml: boolean,
  keep = false,
): DevianceParts & { levels?: LevelFactors } {
  const { m, k1, n1, Q2, p, n } = cp;
  const lams = lambdaBlocks(cp, theta);
  const lam1 = lams[0]!;
  const kk = k1 * k1;
  const M = new Float64Array(m * m);
  let ld1 = 0;
  const blk = new Float64Array(kk);
  const tmpA = new Float64Array(kk);

  // λ1' A λ1 + I into blk, then its Cholesky.
  const factorBlock = (A: Float64Array, a0: number): boolean => {
    for (let r = 0; r < k1; r++) {
      for (let c = 0; c < k1; c++) {
        let s = 0;
        for (let a = 0; a < k1; a++) s += A[a0 + r * k1 + a]! * lam1[a * k1 + c]!;
        tmpA[r * k1 + c] = s;
      }
    }
    for (let r = 0; r < k1; r++) {
      for (let c = 0; c < k1; c++) {
        let s = 0;
        for (let a = 0; a < k1; a++) s += lam1[a * k1 + r]! * tmpA[a * k1 + c]!;
        blk[r * k1 + c] = s + (r === c ? 1 : 0);
      }
    }
    return smallChol(blk, k1);
  };

  const levels: LevelFactors | undefined = keep ? { L1: new Float64Array(n1 * kk), W: [], nz: [] } : undefined;

  if (cp.classes && !keep) {
    // Raw-space subtraction Σ_class Σ_rs H[r,s] T[r,s], then one Λr scaling.
    const S = Float64Array.from(cp.R);
    const { count, A, T } = cp.classes;
    const H = new Float64Array(kk);
    const mm = m * m;
    for (let c = 0; c < count.length; c++) {
      if (!factorBlock(A, c * kk)) return failed(m);
      for (let d = 0; d < k1; d++) ld1 += 2 * count[c]! * Math.log(blk[d * k1 + d]!);
      // H = λ1 (L L')^{-1} λ1' = (λ1 L^{-T})(λ1 L^{-T})'.
      const G = new Float64Array(kk); // λ1 L^{-T}: solve G L' = λ1 row by row.
      for (let r = 0; r < k1; r++) {
        for (let c2 = 0; c2 < k1; c2++) {
          let s = lam1[r * k1 + c2]!;
          for (let a = 0; a < c2; a++) s -= G[r * k1 + a]! * blk[c2 * k1 + a]!;
          G[r * k1 + c2] = s / blk[c2 * k1 + c2]!;
        }
      }
      for (let r = 0; r < k1; r++) {
        for (let s2 = 0; s2 < k1; s2++) {
          let v = 0;
          for (let a = 0; a < k1; a++) v += G[r * k1 + a]! * G[s2 * k1 + a]!;
          H[r * k1 + s2] = v;
        }
      }
      const base = c * kk * mm;
      for (let rs = 0; rs < kk; rs++) {
        const h = H[rs]!;
        if (h === 0) continue;
        const off = base + rs * mm;
        for (let e = 0; e < mm; e++) S[e] = S[e]! - (h * T[off + e]!);
      }
    }
    scaleRest(cp, lams, S, M);
    for (let a = 0; a < Q2; a++) M[a * m + a] = M[a * m + a]! + 1;
  } else {
    scaleRest(cp, lams, cp.R, M);
    for (let a = 0; a < Q2; a++) M[a * m + a] = M[a * m + a]! + 1;
    const col = new Float64Array(m * k1);
    const nz: number[] = [];
    const w = new Float64Array(m * k1);
    for (let g = 0; g < n1; g++) {
      if (!factorBlock(cp.A11, g * kk)) return failed(m);
      for (let d = 0; d < k1; d++) ld1 += 2 * Math.log(blk[d * k1 + d]!);
      levelRestColumns(cp, g, col, nz);
      // W_g rows: (Λr' C_g λ1) L_g^{-T}; first C_g λ1 then the λ of the rest rows.
      for (const a of nz) {
        for (let c = 0; c < k1; c++) {
          let s = 0;
          for (let b = c; b < k1; b++) s += col[a * k1 + b]! * lam1[b * k1 + c]!;
          w[a * k1 + c] = s;
        }
      }
      applyRestLambdaRows(cp, lams, w, nz);
      // Solve row by row: x L' = w_row  (forward substitution).
      for (const a of nz) {
        for (let c = 0; c < k1; c++) {
          let s = w[a * k1 + c]!;
          for (let b = 0; b < c; b++) s -= w[a * k1 + b]! * blk[c * k1 + b]!;
          w[a * k1 + c] = s / blk[c * k1 + c]!;
        }
      }
      for (let ia = 0; ia < nz.length; ia++) {
        const a = nz[ia]!;
        for (let ib = 0; ib < nz.length; ib++) {
          const b = nz[ib]!;
          if (b > a) continue;
          let s = 0;
          for (let c = 0; c < k1; c++) s += w[a * k1 + c]! * w[b * k1 + c]!;
          M[a * m + b] = M[a * m + b]! - s;
        }
      }
      if (levels) {
        levels.L1.set(blk, g * kk);
        const Wg = new Float64Array(nz.length * k1);
        nz.forEach((a, i) => {
          for (let c = 0; c < k1; c++) Wg[i * k1 + c] = w[a * k1 + c]!;
        });
        levels.W.push(Wg);
        levels.nz.push([...nz]);
      }
      for (const a of nz) for (let c = 0; c < k1; c++) col[a * k1 + c] = 0;
    }
  }
  if (!choleskyInPlace(M, m)) return failed(m);
  let ldRest = 0;
  for (let a = 0; a < Q2; a++) ldRest += 2 * Math.log(M[a * m + a]!);
  let ldRX2 = 0;
  for (let a = Q2; a < Q2 + p; a++) ldRX2 += 2 * Math.log(M[a * m + a]!);
  const ry = M[(m - 1) * m + (m - 1)]!;
  const r2 = ry * ry;
  const ldL2 = ld1 + ldRest;
  const deviance = reml
    ? ldL2 + ldRX2 + (n - p) * (1 + Math.log((2 * Math.PI * r2) / (n - p)))
    : ldL2 + n * (1 + Math.log((2 * Math.PI * r2) / n));
  const out: DevianceParts & { levels?: LevelFactors } = { ldL2, ldRX2, r2, deviance, Lrest: M };
  if (levels) out.levels = levels;
  return out;
}

/** Multiply the rows of w (m × k1) that belong to random terms 2… by λ_j'. */
function applyRestLambdaRows(cp: CrossProducts, lams: Float64Array[], w: Float64Array, nz: number[]): void {
  const k1 = cp.k1;
  for (let j = 1; j < cp.terms.length; j++) {
    const t = cp.terms[j]!;
    const k = t.k;
    const lam = lams[j]!;
    const lo = t.restOffset;
    const hi = lo + t.levels.length * k;
    // nz lists each entry's k rows consecutively, starting at a level boundary.
    for (let i = 0; i < nz.length; i++) {
      const a = nz[i]!;
      if (a < lo || a >= hi || (a - lo) % k !== 0) continue;
      for (let c = 0; c < k1; c++) {
        const buf: number[] = [];
        for (let r = 0; r < k; r++) {
          let s = 0;
          for (let b = r; b < k; b++) s += lam[b * k + r]! * w[(a + b) * k1 + c]!;
          buf.push(s);
        }
        for (let r = 0; r < k; r++) w[(a + r) * k1 + c] = buf[r]!;
      }
    }
  }
}

function failed(m: number): DevianceParts {
  return { ldL2: NaN, ldRX2: NaN, r2: NaN, deviance: Infinity, Lrest: new Float64Array(m * m) };
}
