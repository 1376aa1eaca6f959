/**
 * The least-squares core of `fitOls`: cross-products in one pass over the rows, R-style
 * aliasing, a Cholesky solve refined against the rows, and the leverages.
 *
 * Two measures keep the accuracy of R's QR without giving up the single O(n·p²) pass:
 *
 * - When the constant lies in the column space (X a = 1 for a `carrier` a: the intercept, or
 *   a full set of indicators such as `0 + arm`; see models/centring.ts), every other column is
 *   shifted by its mean over the first block of rows (the "shifted data" one-pass algorithm for
 *   co-moments), X_s = X − 1s' = X(I − a s'), and so is y. A covariate or a response far from
 *   zero (a calendar year, a date) then no longer squares its offset into the cross-products.
 *   With s'a = 0, X = X_s T with T = I + a s', so the two parameterisations differ only through T:
 *   β = T⁻¹β_s (+ s_y a for the shift of y), (X'X)⁻¹ = T⁻¹(X_s'X_s)⁻¹T⁻ᵀ, and every sandwich
 *   V = T⁻¹V_s T⁻ᵀ with T⁻¹ = I − a s', while the hat matrix, the residuals and the leverages are
 *   the same. Everything is computed in the shifted form and mapped back once. (Scaling a column
 *   needs nothing: Cholesky's relative accuracy does not depend on a diagonal scaling.)
 * - The normal equations lose accuracy with the square of X's condition number, so the solution is
 *   corrected with residuals computed from X itself ("corrected semi-normal equations", Björck
 *   1996, Numerical Methods for Least Squares Problems §2.2.4): usually one O(n·p) step.
 */
import { ArgumentError } from '../../errors/index.js';
import { backSolveTransposed, choleskyInPlace, detectRankDeficiency, forwardSolve, invertLower } from '../../linalg/dense.js';
import { constantCarrier } from '../centring.js';

/** Rows per block of the cross-product pass: a block of every column stays in cache while it is reused p times. */
const BLOCK = 512;

/**
 * Cross-products of the columns of column-major X (n × p) shifted by s (default 0), optionally
 * weighted: (X − 1s')'diag(w)(X − 1s') (row-major p × p, both triangles) and (X − 1s')'diag(w)y,
 * in one blocked pass. Blocked sums also keep the rounding error of long sums small.
 */
export function crossProducts(
  X: Float64Array,
  y: Float64Array,
  n: number,
  p: number,
  w?: Float64Array,
  shift?: Float64Array,
  yShift = 0,
): { XtX: Float64Array; Xty: Float64Array } {
  const XtX = new Float64Array(p * p);
  const Xty = new Float64Array(p);
  // The block of every (shifted) column, and its weighted copy, so that inner loops have two operands.
  const cols = new Float64Array(p * BLOCK);
  const wcols = w ? new Float64Array(p * BLOCK) : cols;
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const m = Math.min(n, i0 + BLOCK) - i0;
    for (let j = 0; j < p; j++) {
      const sj = shift ? shift[j]! : 0;
      const oj = j * n + i0;
      const cj = j * BLOCK;
      for (let i = 0; i < m; i++) cols[cj + i] = X[oj + i]! - sj;
      if (w) for (let i = 0; i < m; i++) wcols[cj + i] = w[i0 + i]! * cols[cj + i]!;
    }
    for (let j = 0; j < p; j++) {
      const cj = j * BLOCK;
      for (let k = 0; k <= j; k++) {
        const ck = k * BLOCK;
        let s = 0;
        for (let i = 0; i < m; i++) s += wcols[cj + i]! * cols[ck + i]!;
        XtX[j * p + k] = XtX[j * p + k]! + s;
      }
      let s = 0;
      for (let i = 0; i < m; i++) s += wcols[cj + i]! * (y[i0 + i]! - yShift);
      Xty[j] = Xty[j]! + s;
    }
  }
  for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) XtX[k * p + j] = XtX[j * p + k]!;
  return { XtX, Xty };
}

/** A solved least-squares problem on the kept (non-aliased) columns. */
export interface LeastSquares {
  n: number;
  /** Columns of the full design. */
  p: number;
  /** Indices of the kept columns, and of the aliased ones, in the full design. */
  kept: number[];
  aliased: number[];
  /** Rank (number of kept columns). */
  r: number;
  /** Kept columns of X, column-major n × r (unshifted). */
  X: Float64Array;
  /** Shift s of each kept column (0 for the carrier's columns, and for every column without a carrier). */
  shift: Float64Array;
  /** a with X a = 1 over the kept columns (zeros when the constant is not in the column space). */
  carrier: Float64Array;
  /** L_s⁻¹ for the Cholesky factor L_s L_s' = X_s'X_s (row-major r × r, lower). */
  Linv: Float64Array;
  /** (X_s'X_s)⁻¹, the shifted parameterisation's M. */
  Ms: Float64Array;
  /** M = (X'X)⁻¹ = T⁻¹(X_s'X_s)⁻¹T⁻ᵀ. */
  M: Float64Array;
  beta: Float64Array;
  fitted: Float64Array;
  residuals: Float64Array;
  rss: number;
}

/**
 * R's aliasing rule (LINPACK dqrdc2 with tolerance 1e-7, as `lm`): columns are taken in order,
 * and a column whose residual norm after projecting out the kept columns before it is at most
 * `tol` times its own norm is aliased. The residual norms come from Cholesky pivots of the
 * shifted cross-products (the same residuals: the shift lies in the carrier's span). The "own
 * norm" is taken about the column's mean when the constant is in the column space (R takes it
 * about 0), so that the decision does not depend on the column's origin: R's rule would drop
 * a covariate whose spread is below 1e-7 of its distance from 0 (a date in seconds, a score
 * plus 1e9), which centring estimates without difficulty.
 */
export function aliasedColumns(XtXs: Float64Array, rawNorm2: Float64Array, p: number, tol = 1e-7): { kept: number[]; aliased: number[] } {
  return detectRankDeficiency(XtXs, p, tol, rawNorm2);
}

/**
 * Map a covariance of the shifted parameterisation back: T⁻¹V_s T⁻ᵀ with T⁻¹ = I − a s', which
 * changes only the rows and columns of the carrier's columns (the intercept's, usually).
 */
export function unshiftCovariance(Vs: Float64Array, shift: Float64Array, carrier: Float64Array, r: number): Float64Array {
  const V = Float64Array.from(Vs);
  if (!shift.some((v) => v !== 0)) return V;
  // W = T⁻¹V_s: row i gets −a_i (s'V_s); then V = W T⁻ᵀ: column k gets −a_k (W s).
  const sV = new Float64Array(r);
  for (let k = 0; k < r; k++) {
    let t = 0;
    for (let m = 0; m < r; m++) t += shift[m]! * Vs[m * r + k]!;
    sV[k] = t;
  }
  for (let i = 0; i < r; i++) if (carrier[i] !== 0) for (let k = 0; k < r; k++) V[i * r + k] = V[i * r + k]! - carrier[i]! * sV[k]!;
  const Ws = new Float64Array(r);
  for (let i = 0; i < r; i++) {
    let t = 0;
    for (let m = 0; m < r; m++) t += V[i * r + m]! * shift[m]!;
    Ws[i] = t;
  }
  for (let k = 0; k < r; k++) if (carrier[k] !== 0) for (let i = 0; i < r; i++) V[i * r + k] = V[i * r + k]! - carrier[k]! * Ws[i]!;
  return V;
}

/** T⁻ᵀc = c − s (a'c): a contrast over the original coefficients as one over the shifted ones. */
export function shiftContrast(ls: LeastSquares, c: ArrayLike<number>): Float64Array {
  const { r, shift, carrier } = ls;
  let ac = 0;
  for (let j = 0; j < r; j++) ac += carrier[j]! * c[j]!;
  const out = new Float64Array(r);
  for (let j = 0; j < r; j++) out[j] = c[j]! - shift[j]! * ac;
  return out;
}

/**
 * Least squares with R's aliasing rule (see {@link aliasedColumns}).
 * @param intercept - column 0 is the intercept (a column of ones); otherwise a carrier of the
 *   constant is looked for among the columns (see models/centring.ts).
 * @throws ArgumentError when the kept columns are not numerically positive definite.
 */
export function leastSquares(Xfull: Float64Array, y: Float64Array, n: number, p: number, intercept = false): LeastSquares {
  let carrierAll: Float64Array | null = null;
  if (intercept) {
    carrierAll = new Float64Array(p);
    carrierAll[0] = 1;
  } else carrierAll = constantCarrier(Xfull, n, p);
  // The mean over the first block is near the overall mean for all but pathological row orders,
  // and is known before the pass starts.
  const shiftAll = new Float64Array(p);
  let yShift = 0;
  if (carrierAll) {
    const m = Math.min(n, BLOCK);
    const blockMean = (v: Float64Array, off: number) => {
      let s = 0;
      for (let i = 0; i < m; i++) s += v[off + i]!;
      return s / m;
    };
    for (let j = 0; j < p; j++) if (carrierAll[j] === 0) shiftAll[j] = blockMean(Xfull, j * n);
    yShift = blockMean(y, 0);
  }
  const full = crossProducts(Xfull, y, n, p, undefined, shiftAll, yShift);
  // Norms for the aliasing tolerance: about the mean, Σ(x − s)² − (Σ(x − s))²/n, for shifted
  // columns (Σ(x − s) = a'X_s'(x − s) is the carrier's combination of the cross-products, as
  // X_s a = X a = 1); raw for the carrier's own columns and for every column without a carrier.
  const norm2 = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    norm2[j] = full.XtX[j * p + j]!;
    if (shiftAll[j] === 0 || !carrierAll) continue;
    let sum = 0;
    for (let k = 0; k < p; k++) if (carrierAll[k] !== 0) sum += carrierAll[k]! * full.XtX[k * p + j]!;
    norm2[j] = Math.max(0, norm2[j]! - (sum * sum) / n);
  }
  const { kept, aliased } = aliasedColumns(full.XtX, norm2, p);
  const r = kept.length;
  let X = Xfull;
  const Ls = new Float64Array(r * r);
  const Xtys = new Float64Array(r);
  const shift = new Float64Array(r);
  const carrier = new Float64Array(r);
  kept.forEach((j, a) => {
    Xtys[a] = full.Xty[j]!;
    shift[a] = shiftAll[j]!;
    carrier[a] = carrierAll ? carrierAll[j]! : 0;
    kept.forEach((k, b) => (Ls[a * r + b] = full.XtX[j * p + k]!));
  });
  if (aliased.length) {
    X = new Float64Array(n * r);
    kept.forEach((j, c) => X.set(Xfull.subarray(j * n, (j + 1) * n), c * n));
  }
  if (!choleskyInPlace(Ls, r)) {
    throw new ArgumentError('data', 'a numerically singular design', 'columns that are not nearly collinear', 'Rescale covariates or remove near-duplicate columns');
  }
  const Linv = invertLower(Ls, r);
  const Ms = new Float64Array(r * r);
  for (let i = 0; i < r; i++) {
    for (let j = 0; j <= i; j++) {
      let v = 0;
      for (let k = i; k < r; k++) v += Linv[k * r + i]! * Linv[k * r + j]!;
      Ms[i * r + j] = v;
      Ms[j * r + i] = v;
    }
  }
  const M = unshiftCovariance(Ms, shift, carrier, r);

  // Solve X'X x = X'v given b = X_s'v: x_s = (L_s L_s')⁻¹b, then x = T⁻¹x_s = x_s − a (s'x_s)
  // (only the carrier's coefficients change).
  const solveShifted = (b: Float64Array): Float64Array => {
    const x = Float64Array.from(b);
    forwardSolve(Ls, r, x);
    backSolveTransposed(Ls, r, x);
    let sx = 0;
    for (let j = 0; j < r; j++) sx += shift[j]! * x[j]!;
    if (sx !== 0) for (let j = 0; j < r; j++) x[j] = x[j]! - carrier[j]! * sx;
    return x;
  };
  // y − s_y·1 = y − s_y X a, so the coefficients of y are those of y − s_y·1 plus s_y a.
  const beta = solveShifted(Xtys);
  for (let j = 0; j < r; j++) beta[j] = beta[j]! + yShift * carrier[j]!;
  const fitted = new Float64Array(n);
  const residuals = new Float64Array(n);
  const computeResiduals = () => {
    fitted.fill(0);
    for (let c = 0; c < r; c++) {
      const bc = beta[c]!;
      const off = c * n;
      for (let i = 0; i < n; i++) fitted[i] = fitted[i]! + X[off + i]! * bc;
    }
    for (let i = 0; i < n; i++) residuals[i] = y[i]! - fitted[i]!;
  };
  computeResiduals();
  // Refine until the correction is at rounding level or stops shrinking (the attainable
  // accuracy of an ill-conditioned design); usually one step, at most three.
  let previous = Infinity;
  for (let step = 0; step < 3; step++) {
    const g = new Float64Array(r);
    for (let c = 0; c < r; c++) {
      const off = c * n;
      const sc = shift[c]!;
      let acc = 0;
      for (let i = 0; i < n; i++) acc += (X[off + i]! - sc) * residuals[i]!;
      g[c] = acc;
    }
    const d = solveShifted(g);
    let dMax = 0;
    let bMax = 0;
    for (let c = 0; c < r; c++) {
      dMax = Math.max(dMax, Math.abs(d[c]!));
      bMax = Math.max(bMax, Math.abs(beta[c]! + d[c]!));
    }
    if (dMax > 0.5 * previous) break;
    for (let c = 0; c < r; c++) beta[c] = beta[c]! + d[c]!;
    computeResiduals();
    if (dMax <= 1e-14 * bMax) break;
    previous = dMax;
  }
  let rss = 0;
  for (let i = 0; i < n; i++) rss += residuals[i]! * residuals[i]!;
  return { n, p, kept, aliased, r, X, shift, carrier, Linv, Ms, M, beta, fitted, residuals, rss };
}

/**
 * Leverages h_i = ‖L_s⁻¹(x_i − s)‖² (the hat matrix does not depend on the shift), built column
 * by column of T = X_s L_s⁻ᵀ so that only one extra column of memory is needed.
 */
export function hatValues(ls: LeastSquares): Float64Array {
  const { n, r, X, Linv, shift } = ls;
  const h = new Float64Array(n);
  const t = new Float64Array(n);
  for (let k = 0; k < r; k++) {
    t.fill(0);
    for (let j = 0; j <= k; j++) {
      const c = Linv[k * r + j]!;
      if (c === 0) continue;
      const off = j * n;
      const sj = shift[j]!;
      for (let i = 0; i < n; i++) t[i] = t[i]! + c * (X[off + i]! - sj);
    }
    for (let i = 0; i < n; i++) h[i] = h[i]! + t[i]! * t[i]!;
  }
  return h;
}
