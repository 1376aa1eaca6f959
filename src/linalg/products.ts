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

/**
 * A'A (q × q, both halves) into `out` over `rows` rows of A, whose element (i, a) is at
 * i·rowStride + a·colStride; the sums run over the rows in order.
 */
function crossprodStrided(A: Float64Array, rows: number, q: number, rowStride: number, colStride: number, out: Float64Array): void {
  for (let a = 0; a < q; a++) {
    for (let b = 0; b <= a; b++) {
      let v = 0;
      for (let i = 0; i < rows; i++) v += A[i * rowStride + a * colStride]! * A[i * rowStride + b * colStride]!;
      out[a * q + b] = v;
      out[b * q + a] = v;
    }
  }
}

/** A'A (q × q, both halves) into `out`, over the first `rows` rows of the row-major matrix A with q columns. */
export function crossprodRowsInto(A: Float64Array, rows: number, q: number, out: Float64Array): void {
  crossprodStrided(A, rows, q, q, 1, out);
}

/** X'X (p × p) of an n × p matrix stored column after column. */
export function crossprodColumns(X: Float64Array, n: number, p: number): Float64Array {
  const out = new Float64Array(p * p);
  crossprodStrided(X, n, p, 1, n, out);
  return out;
}
