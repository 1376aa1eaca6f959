/**
 * Gauss–Hermite rules for the standard normal weight: Σ_k w_k f(z_k) ≈ ∫ f(z) φ(z) dz, exact for
 * polynomials of degree 2K − 1 (lme4's `GHrule(K)`, which adaptive quadrature in `glmer` uses).
 *
 * Nodes are the roots of the physicists' Hermite polynomial H_K found by Newton's method on the
 * normalised three-term recurrence (Press et al., Numerical Recipes, 3rd ed., §4.6 `gauher`), with
 * the asymptotic starting values given there; then z = √2 x and w = w_H / √π.
 */

export interface GaussHermiteRule {
  /** Nodes, ascending. */
  z: Float64Array;
  /** Weights (sum to 1). */
  w: Float64Array;
}

const cache = new Map<number, GaussHermiteRule>();

/** The K-point rule for the standard normal density (K from 1 to 100, as lme4). */
export function gaussHermiteRule(K: number): GaussHermiteRule {
  const hit = cache.get(K);
  if (hit) return hit;
  const x = new Float64Array(K);
  const wH = new Float64Array(K);
  const pim4 = Math.PI ** -0.25;
  const m = Math.floor((K + 1) / 2);
  let z = 0;
  for (let i = 0; i < m; i++) {
    if (i === 0) z = Math.sqrt(2 * K + 1) - 1.85575 * (2 * K + 1) ** -0.16667;
    else if (i === 1) z -= (1.14 * K ** 0.426) / z;
    else if (i === 2) z = 1.86 * z - 0.86 * x[0]!;
    else if (i === 3) z = 1.91 * z - 0.91 * x[1]!;
    else z = 2 * z - x[i - 2]!;
    let pp = 0;
    for (let its = 0; its < 100; its++) {
      let p1 = pim4;
      let p2 = 0;
      for (let j = 0; j < K; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = z * Math.sqrt(2 / (j + 1)) * p2 - Math.sqrt(j / (j + 1)) * p3;
      }
      pp = Math.sqrt(2 * K) * p2;
      const z1 = z;
      z = z1 - p1 / pp;
      if (Math.abs(z - z1) <= 1e-15 * Math.max(1, Math.abs(z))) break;
    }
    x[i] = z;
    wH[i] = 2 / (pp * pp);
  }
  const rule: GaussHermiteRule = { z: new Float64Array(K), w: new Float64Array(K) };
  // gauher gives the roots in descending order in the first half; mirror them.
  for (let i = 0; i < m; i++) {
    const zi = Math.SQRT2 * x[i]!;
    const wi = wH[i]! / Math.sqrt(Math.PI);
    rule.z[K - 1 - i] = zi;
    rule.w[K - 1 - i] = wi;
    rule.z[i] = -zi;
    rule.w[i] = wi;
  }
  if (K % 2 === 1) rule.z[(K - 1) / 2] = 0;
  cache.set(K, rule);
  return rule;
}
