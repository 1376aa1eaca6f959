/**
 * B-spline basis functions and their derivatives at given points, as R's
 * `splines::splineDesign(knots, x, ord, derivs)`.
 *
 * With knots t_0 ≤ … ≤ t_{m−1} and order k there are m − k basis functions. For x in
 * [t_μ, t_{μ+1}) the Cox–de Boor recursion (de Boor 1978, A Practical Guide to Splines, ch. X)
 *
 *   B_{j,1}(x) = [j = μ],
 *   B_{j,k}(x) = (x − t_j)/(t_{j+k−1} − t_j) · B_{j,k−1}(x) + (t_{j+k} − x)/(t_{j+k} − t_{j+1}) · B_{j+1,k−1}(x)
 *
 * (a term with a zero denominator is zero) gives the values, and the derivative recursion
 *
 *   D^d B_{j,k} = (k − 1) · (D^{d−1} B_{j,k−1}/(t_{j+k−1} − t_j) − D^{d−1} B_{j+1,k−1}/(t_{j+k} − t_{j+1}))
 *
 * the derivatives. At the right end of the basis' support, x = t_{m−k}, R uses the last
 * non-degenerate interval (the basis is continuous from the left there), and so does this code.
 */
import { ArgumentError } from '../errors/index.js';

/** Index μ of the knot interval used for x, or −1 when x is outside [t_{k−1}, t_{m−k}]. */
function knotInterval(knots: ArrayLike<number>, ord: number, x: number): number {
  const m = knots.length;
  const last = m - ord;
  if (x < knots[ord - 1]! || x > knots[last]!) return -1;
  if (x === knots[last]!) {
    let mu = last - 1;
    while (mu > ord - 1 && !(knots[mu]! < knots[mu + 1]!)) mu--;
    return mu;
  }
  let mu = ord - 1;
  while (mu < last - 1 && knots[mu + 1]! <= x) mu++;
  return mu;
}

/** D^deriv B_{j,ord}(x) for every j (length m − ord), x inside the basis' support. */
export function bsplineRow(knots: ArrayLike<number>, ord: number, x: number, deriv = 0): Float64Array {
  const m = knots.length;
  const nb = m - ord;
  const mu = knotInterval(knots, ord, x);
  if (mu < 0) {
    throw new ArgumentError('x', x, `a value inside the boundary knots [${knots[ord - 1]}, ${knots[nb]}]`);
  }
  if (deriv >= ord) return new Float64Array(nb);
  // Order-1 indicators over all m − 1 intervals, raised to order ord − deriv by Cox–de Boor.
  let B = new Float64Array(m - 1);
  B[mu] = 1;
  for (let k = 2; k <= ord - deriv; k++) {
    const next = new Float64Array(m - k);
    for (let j = 0; j < m - k; j++) {
      let v = 0;
      const d1 = knots[j + k - 1]! - knots[j]!;
      if (d1 > 0 && B[j] !== 0) v += ((x - knots[j]!) / d1) * B[j]!;
      const d2 = knots[j + k]! - knots[j + 1]!;
      if (d2 > 0 && B[j + 1] !== 0) v += ((knots[j + k]! - x) / d2) * B[j + 1]!;
      next[j] = v;
    }
    B = next;
  }
  // Raise the order by the derivative recursion, once per derivative.
  for (let k = ord - deriv + 1; k <= ord; k++) {
    const next = new Float64Array(m - k);
    for (let j = 0; j < m - k; j++) {
      let v = 0;
      const d1 = knots[j + k - 1]! - knots[j]!;
      if (d1 > 0) v += B[j]! / d1;
      const d2 = knots[j + k]! - knots[j + 1]!;
      if (d2 > 0) v -= B[j + 1]! / d2;
      next[j] = (k - 1) * v;
    }
    B = next;
  }
  return B;
}

/**
 * The B-spline design matrix: row i holds D^{derivs[i]} B_{j,ord}(x_i) for j = 0 … m − ord − 1.
 *
 * @param knots - non-decreasing knot sequence (length m > ord).
 * @param x - points inside [knots[ord − 1], knots[m − ord]].
 * @param ord - order (degree + 1). @defaultValue 4 (cubic)
 * @param derivs - derivative order per point (recycled, as R). @defaultValue 0 for every point
 * @throws ArgumentError for decreasing knots, too few knots, or a point outside the support.
 * @example
 * splineDesign([0, 0, 0, 0, 1, 1, 1, 1], [0.5]); // [[0.125, 0.375, 0.375, 0.125]]
 */
export function splineDesign(knots: readonly number[], x: readonly number[], ord = 4, derivs: readonly number[] = [0]): number[][] {
  if (!Number.isInteger(ord) || ord < 1) throw new ArgumentError('ord', ord, 'a whole number ≥ 1');
  if (knots.length <= ord) throw new ArgumentError('knots', knots.length, `more than ord = ${ord} knots`);
  for (let i = 1; i < knots.length; i++) {
    if (!(knots[i]! >= knots[i - 1]!)) throw new ArgumentError(`knots[${i}]`, knots[i], 'a non-decreasing knot sequence');
  }
  if (derivs.length === 0) throw new ArgumentError('derivs', derivs, 'at least one derivative order');
  return x.map((xi, i) => Array.from(bsplineRow(knots, ord, xi, derivs[i % derivs.length]!)));
}
