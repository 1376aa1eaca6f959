/**
 * Centring and scaling of model columns before cross-products are formed, so that a fit's
 * answer does not depend on the origin or unit of any column (see docs/methods/mixed-models.md,
 * "Centring and scaling").
 *
 * The internal columns are x̃_j = (x_j − c_j)/d_j (0/1 columns, the indicators the coding makes,
 * are left as they are). The centre c_j is the column's mean and is
 * used only when the constant lies in the column space (X a = 1 for a known `carrier` a, e.g.
 * the intercept, or a full set of indicators without one), so that x_j − c_j·1 = X(e_j − c_j a)
 * stays in the same column space. The scale d_j is a power of two near the centred column's
 * root mean square, so dividing by it is exact in floating point. Hence X̃ = X T with
 *
 *     T = (I − a c') D⁻¹,  det T = 1/Π d_j   (c'a = 0: carrier columns are not centred),
 *
 * and the response is centred as ỹ = y − ȳ·1 = y − ȳ X a. A fit of ỹ on X̃ gives β̃ and Ṽ, and
 * exactly β = T β̃ + ȳ a, V = T Ṽ T', L'β = (T'L)'β̃, while residuals, variance parameters and
 * likelihoods are unchanged (the REML term log|X'V⁻¹X| changes by the known 2 log|det T|).
 */
import { binaryByConstruction, type CellDesign } from '../formula/frame.js';
import { mean } from '../statistics/sample.js';

/** The reparametrisation of a design X (n × p, column-major) and its response. */
export interface ColumnPlan {
  p: number;
  /** a with X a = 1 exactly, or null when the constant is not (known to be) in the column space. */
  carrier: Float64Array | null;
  /** c_j (0 for carrier columns, and for every column without a carrier). */
  centre: Float64Array;
  /** d_j, a power of two (1 for carrier columns). */
  scale: Float64Array;
  /** ȳ subtracted from the response (0 without a carrier). */
  yCentre: number;
  /** d_y, a power of two near the (centred) response's root mean square, for fits that scale y too. */
  yScale: number;
  /** Σ log d_j = −log|det T|. */
  logScale: number;
}

/**
 * A vector a with X a = 1 exactly: a column of one nonzero constant (the intercept), else a set
 * of 0/1 columns with exactly one 1 in every row (the indicators of a factor coded without an
 * intercept, e.g. `0 + arm`), found greedily in column order; null when neither exists.
 */
export function constantCarrier(X: Float64Array, n: number, p: number): Float64Array | null {
  if (n === 0) return null;
  for (let j = 0; j < p; j++) {
    const v = X[j * n]!;
    if (v === 0 || !Number.isFinite(v)) continue;
    let constant = true;
    for (let i = 1; i < n && constant; i++) constant = X[j * n + i] === v;
    if (constant) {
      const a = new Float64Array(p);
      a[j] = 1 / v;
      // 1/v is exact only for powers of two; otherwise X a = 1 holds to rounding, which is
      // still an exact reparametrisation of β (only the recorded a is rounded).
      return a;
    }
  }
  const covered = new Uint8Array(n);
  const a = new Float64Array(p);
  let any = false;
  for (let j = 0; j < p; j++) {
    const off = j * n;
    let binary = true;
    let disjoint = true;
    for (let i = 0; i < n && binary; i++) {
      const v = X[off + i]!;
      if (v !== 0 && v !== 1) binary = false;
      else if (v === 1 && covered[i] === 1) disjoint = false;
    }
    if (!binary || !disjoint) continue;
    for (let i = 0; i < n; i++) if (X[off + i] === 1) covered[i] = 1;
    a[j] = 1;
    any = true;
  }
  if (!any) return null;
  for (let i = 0; i < n; i++) if (covered[i] !== 1) return null;
  return a;
}

/**
 * `constantCarrier` of X given as its cells: the rows of one cell are equal, so X's carrier is
 * that of the matrix of the cells the rows use, one row each (row 0's cell first, as
 * `constantCarrier` reads a column's value in row 0).
 */
function constantCarrierOfCells(X: CellDesign, n: number): Float64Array | null {
  if (n === 0) return null;
  const { p, nCells, table, used, cell } = X;
  const order = [cell[0]!];
  for (let k = 0; k < nCells; k++) if (used[k] === 1 && k !== cell[0]) order.push(k);
  const m = order.length;
  const U = new Float64Array(m * p);
  order.forEach((k, r) => {
    for (let j = 0; j < p; j++) U[j * m + r] = table[k * p + j]!;
  });
  return constantCarrier(U, m, p);
}

/** True when the `n` values at `off` are all 0 or 1 (an intercept or an indicator the coding made). */
export function isBinaryColumn(v: Float64Array, off: number, n: number): boolean {
  if (n > 0 && off % n === 0 && binaryByConstruction(v, n, off / n)) return true;
  for (let i = 0; i < n; i++) if (v[off + i] !== 0 && v[off + i] !== 1) return false;
  return true;
}

/** The power of two nearest (in log scale) to x > 0; 1 for 0 or a non-finite x. */
export function powerOfTwoNear(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  return 2 ** Math.round(Math.log2(x));
}

/**
 * Plan the centring and scaling of X's columns (and of y, when given).
 * @param X - column-major n × p, or X as its distinct rows (`cellsOf`, formula/frame.ts).
 */
export function planColumns(X: Float64Array | CellDesign, y: Float64Array | null, n: number, p: number): ColumnPlan {
  if (!(X instanceof Float64Array)) {
    // X as its distinct rows: every column is 0/1 by its coding (kept as it is), and the
    // carrier is found over the cells the rows use, as over the rows.
    const plan = { p, carrier: constantCarrierOfCells(X, n), centre: new Float64Array(p), scale: new Float64Array(p).fill(1), yCentre: 0, yScale: 1, logScale: 0 };
    return y ? planResponse(plan, y, n) : plan;
  }
  const carrier = constantCarrier(X, n, p);
  const centre = new Float64Array(p);
  const scale = new Float64Array(p).fill(1);
  let logScale = 0;
  for (let j = 0; j < p; j++) {
    if (carrier && carrier[j] !== 0) continue;
    const off = j * n;
    // A 0/1 column (an indicator made by the coding) has a fixed origin and unit and is well
    // conditioned; left as it is, it keeps its zeros, which the cross-product pass skips.
    if (isBinaryColumn(X, off, n)) continue;
    const c = carrier && n > 0 ? mean(X, off, n) : 0;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const d = X[off + i]! - c;
      ss += d * d;
    }
    centre[j] = c;
    scale[j] = powerOfTwoNear(Math.sqrt(ss / Math.max(n, 1)));
    logScale += Math.log(scale[j]!);
  }
  const plan = { p, carrier, centre, scale, yCentre: 0, yScale: 1, logScale };
  return y ? planResponse(plan, y, n) : plan;
}

/**
 * `planColumns(X, y, n, p)` from the plan of X alone (`plan`, any response): refits to many
 * responses on one design plan X once. The same numbers as planning X with y.
 */
export function planResponse(plan: ColumnPlan, y: Float64Array, n: number): ColumnPlan {
  const yCentre = plan.carrier && n > 0 ? mean(y, 0, n) : 0;
  let yss = 0;
  for (let i = 0; i < n; i++) yss += (y[i]! - yCentre) ** 2;
  return { ...plan, yCentre, yScale: powerOfTwoNear(Math.sqrt(yss / Math.max(n, 1))) };
}

/** T v = D⁻¹v − a (c'D⁻¹v): internal coefficients (or a null vector of X̃) to original ones. */
export function toOriginal(plan: ColumnPlan, v: ArrayLike<number>): Float64Array {
  const { p, carrier, centre, scale } = plan;
  const out = new Float64Array(p);
  let s = 0;
  for (let j = 0; j < p; j++) {
    out[j] = v[j]! / scale[j]!;
    s += centre[j]! * out[j]!;
  }
  if (carrier && s !== 0) for (let j = 0; j < p; j++) out[j] = out[j]! - carrier[j]! * s;
  return out;
}

/** β = T β̃ + ȳ a. */
export function coefficientsToOriginal(plan: ColumnPlan, betaInternal: ArrayLike<number>): Float64Array {
  const beta = toOriginal(plan, betaInternal);
  if (plan.carrier && plan.yCentre !== 0) for (let j = 0; j < plan.p; j++) beta[j] = beta[j]! + plan.yCentre * plan.carrier[j]!;
  return beta;
}

/** T'L = D⁻¹(L − c (a'L)): a contrast over the original coefficients as one over the internal ones. */
export function contrastToInternal(plan: ColumnPlan, L: ArrayLike<number>): Float64Array {
  const { p, carrier, centre, scale } = plan;
  let t = 0;
  if (carrier) for (let j = 0; j < p; j++) t += carrier[j]! * L[j]!;
  const out = new Float64Array(p);
  for (let j = 0; j < p; j++) out[j] = (L[j]! - centre[j]! * t) / scale[j]!;
  return out;
}

/** V = T Ṽ T' for a p × p row-major covariance of the internal coefficients. */
export function covarianceToOriginal(plan: ColumnPlan, Vi: Float64Array): Float64Array {
  const p = plan.p;
  const half = new Float64Array(p * p);
  const col = new Float64Array(p);
  // Columns of Ṽ T' = (T Ṽ)' : apply T to each column of Ṽ, then to each row of the result.
  for (let k = 0; k < p; k++) {
    for (let i = 0; i < p; i++) col[i] = Vi[i * p + k]!;
    const t = toOriginal(plan, col);
    for (let i = 0; i < p; i++) half[i * p + k] = t[i]!;
  }
  const out = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    const t = toOriginal(plan, half.subarray(i * p, (i + 1) * p));
    for (let k = 0; k < p; k++) out[i * p + k] = t[k]!;
  }
  // Symmetric by construction up to rounding; make it exactly so.
  for (let i = 0; i < p; i++) for (let k = 0; k < i; k++) {
    const v = 0.5 * (out[i * p + k]! + out[k * p + i]!);
    out[i * p + k] = v;
    out[k * p + i] = v;
  }
  return out;
}

/** The internal design X̃ = X T (column-major n × p), for computations that need the rows. */
export function internalDesign(plan: ColumnPlan, X: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * plan.p);
  for (let j = 0; j < plan.p; j++) {
    const c = plan.centre[j]!;
    const m = 1 / plan.scale[j]!;
    const off = j * n;
    for (let i = 0; i < n; i++) out[off + i] = (X[off + i]! - c) * m;
  }
  return out;
}
