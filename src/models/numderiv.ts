/**
 * Numerical derivatives with Richardson extrapolation, following R's numDeriv
 * (Gilbert & Varadhan), which lmerTest uses for the Satterthwaite degrees of freedom:
 * initial step d·|x| (or ε when x is near 0), r = 4 halvings, each extrapolation
 * removing the next even power of h. Matching numDeriv's steps, not just its accuracy,
 * makes the df agree with lmerTest's to many digits where the deviance is not quite
 * quadratic.
 */

const EPS = 1e-4;
const ZERO_TOL = Math.sqrt(Number.EPSILON / 7e-7);
const R = 4;

/** numDeriv's h0 = |d·x| + ε·[|x| < zero.tol]; d = 1e-4 for gradients and Jacobians, 0.1 for Hessians. */
function initialSteps(x: readonly number[], d = 1e-4): number[] {
  return x.map((v) => Math.abs(d * v) + EPS * (Math.abs(v) < ZERO_TOL ? 1 : 0));
}

function extrapolate(a: number[][]): number[] {
  // a[k] = estimates (vector) at step h / 2^k; eliminate h², h⁴, … in turn.
  let cur = a;
  for (let m = 1; cur.length > 1; m++) {
    const f = 4 ** m;
    const next: number[][] = [];
    for (let k = 0; k + 1 < cur.length; k++) next.push(cur[k + 1]!.map((v, i) => (f * v - cur[k]![i]!) / (f - 1)));
    cur = next;
  }
  return cur[0]!;
}

/** Jacobian of a vector function: result[i][j] = ∂f_i/∂x_j. */
export function jacobian(f: (x: number[]) => number[], x: readonly number[]): number[][] {
  const h0 = initialSteps(x);
  const cols: number[][] = [];
  for (let j = 0; j < x.length; j++) {
    const est: number[][] = [];
    let h = h0[j]!;
    for (let k = 0; k < R; k++) {
      const xp = [...x];
      const xm = [...x];
      xp[j] = xp[j]! + h;
      xm[j] = xm[j]! - h;
      const fp = f(xp);
      const fm = f(xm);
      est.push(fp.map((v, i) => (v - fm[i]!) / (2 * h)));
      h /= 2;
    }
    cols.push(extrapolate(est));
  }
  const nOut = cols[0]?.length ?? 0;
  return Array.from({ length: nOut }, (_, i) => cols.map((c) => c[i]!));
}

/**
 * Hessian of a scalar function, as numDeriv's `hessian` (genD): steps d = 0.1 relative,
 * diagonal from central second differences, off-diagonals from
 * (f(x + h_i + h_j) − 2f(x) + f(x − h_i − h_j) − H_ii h_i² − H_jj h_j²) / (2 h_i h_j),
 * each extrapolated over four halvings.
 */
export function hessian(f: (x: number[]) => number, x: readonly number[]): number[][] {
  const d = x.length;
  const f0 = f([...x]);
  const h0 = initialSteps(x, 0.1);
  const H: number[][] = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  const shifted = (steps: Record<number, number>) => f(x.map((v, i) => v + (steps[i] ?? 0)));
  for (let i = 0; i < d; i++) {
    const est: number[][] = [];
    let h = h0[i]!;
    for (let k = 0; k < R; k++) {
      est.push([(shifted({ [i]: h }) - 2 * f0 + shifted({ [i]: -h })) / (h * h)]);
      h /= 2;
    }
    H[i]![i] = extrapolate(est)[0]!;
  }
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      const est: number[][] = [];
      let hi = h0[i]!;
      let hj = h0[j]!;
      for (let k = 0; k < R; k++) {
        const fp = shifted({ [i]: hi, [j]: hj });
        const fm = shifted({ [i]: -hi, [j]: -hj });
        est.push([(fp - 2 * f0 + fm - H[i]![i]! * hi * hi - H[j]![j]! * hj * hj) / (2 * hi * hj)]);
        hi /= 2;
        hj /= 2;
      }
      const v = extrapolate(est)[0]!;
      H[i]![j] = v;
      H[j]![i] = v;
    }
  }
  return H;
}
