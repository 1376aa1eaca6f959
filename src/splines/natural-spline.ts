/**
 * Natural cubic spline bases, identical to R's `splines::ns` (the same knots, the same
 * columns, to rounding), so that a model fitted here can be compared with
 * `lm(y ~ ns(x, df = 3))` coefficient by coefficient.
 *
 * Construction (as `ns`): interior knots at the quantiles of x (R's type 7) at
 * 1/(K + 1), …, K/(K + 1) for K = df − 1 − intercept interior knots, boundary knots at the range
 * of x, the cubic B-spline basis on the knots (each boundary knot four times), the first
 * column dropped unless `intercept`; then the basis is projected onto the null space of its
 * second derivatives at the two boundary knots (the "natural" constraint: linear beyond the
 * boundaries). The projection is the Householder QR of the 2-column constraint matrix C'
 * exactly as LINPACK's dqrdc2 computes it (R's default `qr`), the basis rows are multiplied by
 * Q' (`qr.qty`) and the first two columns are dropped. Outside the boundary knots the basis
 * continues linearly from the boundary (value and first derivative), as `ns` does.
 *
 * Reference: Hastie (1992), Generalized additive models, in Chambers & Hastie (eds.),
 * Statistical Models in S, ch. 7; R's `splines` package source (ns, splineDesign).
 */
import { ArgumentError } from '../errors/index.js';
import { bsplineRow } from './spline-design.js';
import { quantileSorted } from '../statistics/sample.js';
import { LIMITS, checkInteger, checkLength, checkOptions, optionKeys } from '../errors/checks.js';

/** Options of {@link naturalSpline}. */
export interface NaturalSplineOptions {
  /**
   * Degrees of freedom (number of columns); sets the number of interior knots to
   * df − 1 − intercept, placed at quantiles of x. Ignored when `knots` is given.
   * @defaultValue 1 + intercept when neither `df` nor `knots` is given (a linear basis, as R)
   */
  df?: number;
  /** Interior knots. @defaultValue quantiles of x (see `df`) */
  knots?: readonly number[];
  /** Include the intercept column in the basis. @defaultValue false */
  intercept?: boolean;
  /** Boundary knots. @defaultValue the range of the non-missing x */
  boundaryKnots?: readonly [number, number];
}

/** A natural-spline basis: its columns at x, and the recipe to evaluate it at new points. */
export interface NaturalSplineBasis {
  /** Rows of the basis at each x (NaN rows for missing x), `df` columns. */
  basis: number[][];
  df: number;
  /** Interior knots used. */
  knots: number[];
  boundaryKnots: [number, number];
  intercept: boolean;
  /** The basis at new points with the same knots (R's `predict(ns_basis, newx)`). */
  evaluate(x: readonly number[]): number[][];
}

/**
 * Quantile of sorted data by R's default definition (type 7), the shared
 * {@link quantileSorted}; an empty sample is an argument error here (knots need data).
 */
export function quantileType7(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new ArgumentError('x', sorted, 'at least one value');
  return quantileSorted(sorted, p);
}

/**
 * Householder QR of a column-major n × p matrix as LINPACK's dqrdc2 (without the pivoting,
 * which a full-rank 2-column constraint never triggers): returns the Householder vectors in the
 * lower trapezoid and `qraux`, the input of {@link applyQt}.
 */
function householderQr(a: Float64Array, n: number, p: number): { qr: Float64Array; qraux: Float64Array } {
  const x = Float64Array.from(a);
  const qraux = new Float64Array(p);
  const work = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[j * n + i]! ** 2;
    qraux[j] = Math.sqrt(s);
    work[j] = qraux[j]!;
  }
  const lup = Math.min(n, p);
  for (let l = 0; l < lup; l++) {
    if (l === n - 1) break;
    let s = 0;
    for (let i = l; i < n; i++) s += x[l * n + i]! ** 2;
    let nrmxl = Math.sqrt(s);
    if (nrmxl === 0) continue;
    if (x[l * n + l]! !== 0) nrmxl = Math.sign(x[l * n + l]!) * Math.abs(nrmxl);
    for (let i = l; i < n; i++) x[l * n + i] = x[l * n + i]! / nrmxl;
    x[l * n + l] = 1 + x[l * n + l]!;
    for (let j = l + 1; j < p; j++) {
      let dot = 0;
      for (let i = l; i < n; i++) dot += x[l * n + i]! * x[j * n + i]!;
      const t = -dot / x[l * n + l]!;
      for (let i = l; i < n; i++) x[j * n + i] = x[j * n + i]! + t * x[l * n + i]!;
      if (qraux[j] === 0) continue;
      const tt = Math.max(1 - (Math.abs(x[j * n + l]!) / qraux[j]!) ** 2, 0);
      if (Math.abs(tt) < 1e-6) {
        let s2 = 0;
        for (let i = l + 1; i < n; i++) s2 += x[j * n + i]! ** 2;
        qraux[j] = Math.sqrt(s2);
        work[j] = qraux[j]!;
      } else {
        qraux[j] = qraux[j]! * Math.sqrt(tt);
      }
    }
    qraux[l] = x[l * n + l]!;
    x[l * n + l] = -nrmxl;
  }
  return { qr: x, qraux };
}

/** Q'y in place for the factorisation of {@link householderQr} (LINPACK dqrsl, job qty). */
function applyQt(qr: Float64Array, qraux: Float64Array, n: number, k: number, y: Float64Array): void {
  const ju = Math.min(k, n - 1);
  for (let j = 0; j < ju; j++) {
    if (qraux[j] === 0) continue;
    const diag = qraux[j]!;
    let dot = diag * y[j]!;
    for (let i = j + 1; i < n; i++) dot += qr[j * n + i]! * y[i]!;
    const t = -dot / diag;
    y[j] = y[j]! + t * diag;
    for (let i = j + 1; i < n; i++) y[i] = y[i]! + t * qr[j * n + i]!;
  }
}

/**
 * A natural cubic spline basis of x, as `splines::ns(x, df, knots, intercept, Boundary.knots)`.
 *
 * @param x - the values (null or NaN = missing, giving a NaN row as `ns` gives NA).
 * @param options - see {@link NaturalSplineOptions}; every option documents its default.
 * @throws ArgumentError when x has no finite value, `df` is not a whole number ≥ 1, knots lie
 *   outside the boundary knots, or the boundary knots coincide (x constant).
 * @example
 * const b = naturalSpline([0, 3, 9, 12, 20, 24, 30, 33, 36], { df: 3 });
 * b.knots; // [11, 26]: the 1/3 and 2/3 quantiles, as attr(ns(x, df = 3), "knots")
 * b.basis[4]; // [0.42615715…, 0.41500723…, -0.24089088…], the row of ns(x, df = 3) at x = 20
 * b.evaluate([40]); // [[-0.49743590…, 0.54102564…, 0.95641026…]]: linear beyond the boundary, as predict()
 */
export function naturalSpline(x: readonly (number | null)[], options: NaturalSplineOptions = {}): NaturalSplineBasis {
  checkOptions('options', options, optionKeys<NaturalSplineOptions>()(['df', 'knots', 'intercept', 'boundaryKnots']));
  if (options.df !== undefined) checkInteger('options.df', options.df, 1, LIMITS.splineDf);
  checkLength('options.knots', options.knots, LIMITS.splineDf, 'interior knots');
  const intercept = options.intercept ?? false;
  const finite = x.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (finite.length === 0) throw new ArgumentError('x', x.length === 0 ? 'no values' : 'only missing values', 'at least one finite value');
  const sorted = [...finite].sort((a, b) => a - b);
  let boundary: [number, number];
  if (options.boundaryKnots) {
    const [a, b] = options.boundaryKnots;
    if (!(Number.isFinite(a) && Number.isFinite(b))) throw new ArgumentError('options.boundaryKnots', options.boundaryKnots, 'two finite numbers');
    boundary = a <= b ? [a, b] : [b, a];
  } else {
    boundary = [sorted[0]!, sorted[sorted.length - 1]!];
  }
  if (!(boundary[1] > boundary[0])) {
    throw new ArgumentError('x', boundary[0], 'values that vary: the boundary knots of a spline must differ');
  }
  let knots: number[];
  if (options.knots) {
    knots = [...options.knots].sort((a, b) => a - b);
    for (const k of knots) {
      if (!(Number.isFinite(k) && k > boundary[0] && k < boundary[1])) {
        throw new ArgumentError('options.knots', k, `interior knots strictly inside the boundary knots (${boundary[0]}, ${boundary[1]})`);
      }
    }
  } else {
    const df = options.df ?? 1 + (intercept ? 1 : 0);
    if (!Number.isInteger(df) || df < 1) throw new ArgumentError('options.df', df, 'a whole number ≥ 1');
    const nIknots = Math.max(0, df - 1 - (intercept ? 1 : 0));
    const inside = sorted.filter((v) => v >= boundary[0] && v <= boundary[1]);
    knots = [];
    for (let k = 1; k <= nIknots; k++) {
      // R: seq(0, 1, length.out = nIknots + 2)[-c(1, nIknots + 2)], which is k/(nIknots + 1) up to rounding.
      const p = 0 + k * (1 / (nIknots + 1));
      knots.push(quantileType7(inside, p));
    }
  }
  const aKnots = [boundary[0], boundary[0], boundary[0], boundary[0], ...knots, boundary[1], boundary[1], boundary[1], boundary[1]].sort((a, b) => a - b);
  const nbAll = aKnots.length - 4;
  const drop = intercept ? 0 : 1;
  const nb = nbAll - drop;
  // Second derivatives of the basis at the two boundary knots: the constraint C (2 × nb),
  // held transposed (nb × 2, column-major) for the QR.
  const Ct = new Float64Array(nb * 2);
  boundary.forEach((b, c) => {
    const row = bsplineRow(aKnots, 4, b, 2);
    for (let j = 0; j < nb; j++) Ct[c * nb + j] = row[j + drop]!;
  });
  const { qr, qraux } = householderQr(Ct, nb, 2);
  const df = nb - 2;

  const rowAt = (xi: number): number[] => {
    let full: Float64Array;
    if (xi < boundary[0] || xi > boundary[1]) {
      const pivot = xi < boundary[0] ? boundary[0] : boundary[1];
      const v = bsplineRow(aKnots, 4, pivot, 0);
      const d = bsplineRow(aKnots, 4, pivot, 1);
      full = v.map((vj, j) => vj + (xi - pivot) * d[j]!);
    } else {
      full = bsplineRow(aKnots, 4, xi, 0);
    }
    const y = full.slice(drop);
    applyQt(qr, qraux, nb, 2, y);
    return Array.from(y.subarray(2));
  };
  const evaluate = (xs: readonly (number | null)[]): number[][] =>
    xs.map((xi) => (typeof xi === 'number' && Number.isFinite(xi) ? rowAt(xi) : new Array<number>(df).fill(NaN)));
  return {
    basis: evaluate(x),
    df,
    knots,
    boundaryKnots: boundary,
    intercept,
    evaluate: (xs) => {
      xs.forEach((v, i) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new ArgumentError(`x[${i}]`, v, 'a finite number');
      });
      return evaluate(xs);
    },
  };
}
