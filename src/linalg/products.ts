/**
 * Dense matrix products on flat Float64Arrays, written once for the fits that form them
 * (Kenward–Roger for lmm and mmrm, CR2 and its df in ols, mmrm's cross-products).
 */

/** out (ar × bc) = A (ar × ac) B (ac × bc), row-major; zero entries of A are skipped (sparse factors). */
export function matmul(A: Float64Array, B: Float64Array, ar: number, ac: number, bc: number): Float64Array {
  const out = new Float64Array(ar * bc);
  for (let i = 0; i < ar; i++) {
    for (let k = 0; k < ac; k++) {
      const a = A[i * ac + k]!;
      if (a === 0) continue;
      for (let j = 0; j < bc; j++) out[i * bc + j] = out[i * bc + j]! + a * B[k * bc + j]!;
    }
  }
  return out;
}

/** A B of two n × n row-major matrices (see {@link matmul}). */
export function squareMatmul(A: Float64Array, B: Float64Array, n: number): Float64Array {
  return matmul(A, B, n, n, n);
}

/** A'A (q × q, both halves) into `out`, over the first `rows` rows of the row-major matrix A with q columns. */
export function crossprodRowsInto(A: Float64Array, rows: number, q: number, out: Float64Array): void {
  for (let a = 0; a < q; a++) {
    for (let b = 0; b <= a; b++) {
      let v = 0;
      for (let i = 0; i < rows; i++) v += A[i * q + a]! * A[i * q + b]!;
      out[a * q + b] = v;
      out[b * q + a] = v;
    }
  }
}

/** X'X (p × p) of an n × p matrix stored column after column. */
export function crossprodColumns(X: Float64Array, n: number, p: number): Float64Array {
  const out = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += X[a * n + i]! * X[b * n + i]!;
      out[a * p + b] = s;
      out[b * p + a] = s;
    }
  }
  return out;
}
