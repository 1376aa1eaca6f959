/**
 * Small dense linear algebra on column-major or row-major Float64Arrays. Written here
 * rather than taken from a matrix library because the mixed-model hot paths need
 * in-place operations on preallocated typed arrays and no per-call allocation.
 *
 * Convention in this file: an n × n symmetric or triangular matrix is stored row-major
 * in a Float64Array of length n², entry (i, j) at i * n + j.
 */

/**
 * In-place lower Cholesky factor A = L L' of a symmetric positive-definite matrix
 * (row-major, lower triangle read, upper triangle zeroed). Returns false if a pivot
 * is not positive (the matrix is not numerically positive definite).
 */
export function choleskyInPlace(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j]!;
    for (let k = 0; k < j; k++) {
      const v = a[rj + k]!;
      d -= v * v;
    }
    if (!(d > 0)) return false;
    d = Math.sqrt(d);
    a[rj + j] = d;
    const inv = 1 / d;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= a[ri + k]! * a[rj + k]!;
      a[ri + j] = s * inv;
    }
    for (let i = 0; i < j; i++) a[i * n + j] = 0;
  }
  return true;
}

/** Solve L x = b in place (L lower, row-major n × n). */
export function forwardSolve(L: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    const ri = i * n;
    for (let k = 0; k < i; k++) s -= L[ri + k]! * b[k]!;
    b[i] = s / L[ri + i]!;
  }
}

/** Solve L' x = b in place (L lower, row-major n × n). */
export function backSolveTransposed(L: Float64Array, n: number, b: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * b[k]!;
    b[i] = s / L[i * n + i]!;
  }
}

/** Inverse of a lower-triangular matrix (row-major), returned as a new lower-triangular matrix. */
export function invertLower(L: Float64Array, n: number): Float64Array {
  const inv = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    inv[j * n + j] = 1 / L[j * n + j]!;
    for (let i = j + 1; i < n; i++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= L[i * n + k]! * inv[k * n + j]!;
      inv[i * n + j] = s / L[i * n + i]!;
    }
  }
  return inv;
}

/** (L L')^{-1} = L^{-T} L^{-1} for lower L (row-major), a new symmetric matrix. */
export function inverseFromCholesky(L: Float64Array, n: number): Float64Array {
  const Li = invertLower(L, n);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += Li[k * n + i]! * Li[k * n + j]!;
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}

/**
 * Inverse of a symmetric positive-definite matrix (row-major). Returns null when not
 * positive definite.
 */
export function invertSpd(A: Float64Array, n: number): Float64Array | null {
  const L = Float64Array.from(A);
  if (!choleskyInPlace(L, n)) return null;
  return inverseFromCholesky(L, n);
}

/**
 * Symmetric eigen-decomposition by cyclic Jacobi rotations (row-major input, not
 * modified). Accurate to machine precision for the small matrices used here
 * (variance-parameter Hessians, contrast covariances). Eigenvalues in decreasing order;
 * `vectors` is row-major with eigenvector m in column m.
 */
export function symmetricEigen(A: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(A);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  // Rotations keep the Frobenius norm, so "off-diagonal negligible" is judged relative to it:
  // an absolute threshold would skip every rotation of a matrix in small units.
  let norm2 = 0;
  for (let e = 0; e < n * n; e++) norm2 += a[e]! ** 2;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += a[i * n + j]! ** 2;
    if (off <= 1e-30 * norm2) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const app = a[p * n + p]!;
        const aqq = a[q * n + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j]! - a[i * n + i]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = a[src * n + src]!;
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src]!;
  });
  return { values, vectors };
}

/**
 * Rank detection as R's `lm`/`lmer` do it (LINPACK dqrdc2, tolerance 1e-7): columns
 * are taken in order and a column whose residual norm, after projecting out the columns
 * kept before it, is below `tol` times its own norm is aliased (dropped). Works on the
 * cross-product matrix X'X (row-major p × p) so it costs nothing beyond the pass that
 * formed it: the squared residual norm is the Cholesky pivot. `norm2` gives the columns'
 * own squared norms when X'X is of shifted (centred) columns.
 */
export function detectRankDeficiency(
  XtX: Float64Array,
  p: number,
  tol = 1e-7,
  norm2?: ArrayLike<number>,
): { kept: number[]; aliased: number[] } {
  const kept: number[] = [];
  const aliased: number[] = [];
  // L holds the Cholesky rows of kept columns (row-major over original indices).
  const L = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    // The column's own squared norm; given separately when X'X is of shifted columns.
    const ajj = norm2 ? norm2[j]! : XtX[j * p + j]!;
    let d = XtX[j * p + j]!;
    for (const k of kept) d -= L[j * p + k]! ** 2;
    if (!(ajj > 0) || d <= tol * tol * ajj) {
      aliased.push(j);
      continue;
    }
    const djj = Math.sqrt(d);
    L[j * p + j] = djj;
    for (let i = j + 1; i < p; i++) {
      let s = XtX[i * p + j]!;
      for (const k of kept) s -= L[i * p + k]! * L[j * p + k]!;
      L[i * p + j] = s / djj;
    }
    kept.push(j);
  }
  return { kept, aliased };
}

/**
 * Null-space basis of X from X'X, given the kept and aliased columns of
 * `detectRankDeficiency`: for each aliased column j, x_j = X_kept c, so e_j − Σ c_k e_k
 * spans the null space. Used to decide which linear functions of β are estimable.
 */
export function nullBasis(XtX: Float64Array, p: number, kept: number[], aliased: number[]): number[][] {
  if (aliased.length === 0) return [];
  const k = kept.length;
  const A = new Float64Array(k * k);
  kept.forEach((a, i) => kept.forEach((b, j) => (A[i * k + j] = XtX[a * p + b]!)));
  if (!choleskyInPlace(A, k)) return [];
  return aliased.map((j) => {
    const rhs = Float64Array.from(kept.map((a) => XtX[a * p + j]!));
    forwardSolve(A, k, rhs);
    backSolveTransposed(A, k, rhs);
    const v = new Array<number>(p).fill(0);
    v[j] = 1;
    kept.forEach((a, i) => (v[a] = -rhs[i]!));
    return v;
  });
}
