/**
 * The objective a fit minimises, over θ and, when the residual variance differs by
 * stratum (e.g. by arm, nlme's `varIdent`), over the log variance ratios log δ_s too.
 *
 * With Var(ε_i) = σ²δ²_{s(i)} (δ = 1 for the first stratum) the model is an lme4 model
 * with prior weights w_i = δ⁻²_{s(i)}; its −2 log-likelihood is the weighted profiled
 * deviance minus Σ log w_i (for REML as for ML). The cross-products are formed once per
 * stratum and added with weights δ⁻², so no evaluation passes over the rows.
 */
import { ArgumentError } from '../../errors/index.js';
import { evaluateDeviance, type DevianceParts, type Solution } from './deviance.js';
import { combineCrossProducts, formCrossProducts, type CrossProducts, type ReTerm } from './structure.js';

export interface Strata {
  variable: string;
  levels: string[];
  /** Stratum of each used row. */
  codes: Int32Array;
}

export interface Objective {
  nTheta: number;
  /** Parameters: θ, then log δ for strata 2… . */
  lower: number[];
  start: number[];
  strata: (Strata & { counts: number[] }) | null;
  /** Cross-products at the parameters (weighted when stratified). */
  crossProducts(params: readonly number[]): CrossProducts;
  /** Deviance parts; `ldW` = Σ log w_i, already subtracted in `deviance`. */
  evaluate(params: readonly number[], keep?: boolean): DevianceParts & { ldW: number; solution?: Solution; cp: CrossProducts };
}

export function makeObjective(
  terms: ReTerm[],
  X: Float64Array,
  y: Float64Array,
  n: number,
  p: number,
  reml: boolean,
  aggregate: boolean,
  strata: Strata | null,
  structure: 'auto' | 'dense' = 'auto',
): Objective {
  const nTheta = terms.reduce((a, t) => a + (t.k * (t.k + 1)) / 2, 0);
  // θ is optimised without bounds: λ and −λ (column by column) give the same λλ', so the
  // deviance is even in each diagonal element and every real θ is a valid covariance.
  // lme4 bounds the diagonal at 0 instead; a simplex pressed against that bound crawls,
  // while here a zero variance is an interior minimum with zero gradient. `canonicalTheta`
  // maps the optimum back to lme4's form (diagonal ≥ 0).
  const lower: number[] = [];
  const start: number[] = [];
  for (const t of terms) {
    for (let c = 0; c < t.k; c++) {
      for (let r = c; r < t.k; r++) {
        lower.push(-Infinity);
        start.push(r === c ? 1 : 0);
      }
    }
  }
  if (!strata) {
    const cp = formCrossProducts(terms, X, y, n, p, { aggregate, structure });
    return {
      nTheta,
      lower,
      start,
      strata: null,
      crossProducts: () => cp,
      evaluate: (params, keep = false) => ({ ...evaluateDeviance(cp, params.slice(0, nTheta), reml, keep), ldW: 0, cp }),
    };
  }
  const S = strata.levels.length;
  const counts = new Array<number>(S).fill(0);
  for (let i = 0; i < n; i++) counts[strata.codes[i]!] = counts[strata.codes[i]!]! + 1;
  const empty = counts.findIndex((c) => c === 0);
  if (empty >= 0) throw new ArgumentError('options.residualVarianceBy', strata.levels[empty], `a stratum with observations (every level of "${strata.variable}" needs rows)`);
  const parts = strata.levels.map((_, s) => {
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) w[i] = strata.codes[i] === s ? 1 : 0;
    return formCrossProducts(terms, X, y, n, p, { aggregate: false, weights: w, structure });
  });
  for (let s = 1; s < S; s++) {
    lower.push(-Infinity);
    start.push(0);
  }
  const cpAt = (params: readonly number[]) => {
    const f = strata.levels.map((_, s) => (s === 0 ? 1 : Math.exp(-2 * params[nTheta + s - 1]!)));
    return combineCrossProducts(parts, f);
  };
  return {
    nTheta,
    lower,
    start,
    strata: { ...strata, counts },
    crossProducts: cpAt,
    evaluate(params, keep = false) {
      const cp = cpAt(params);
      // Σ log w_i = −Σ_s n_s · 2 log δ_s
      let ldW = 0;
      for (let s = 1; s < S; s++) ldW -= counts[s]! * 2 * params[nTheta + s - 1]!;
      const d = evaluateDeviance(cp, params.slice(0, nTheta), reml, keep);
      return { ...d, deviance: d.deviance - ldW, ldW, cp };
    },
  };
}

/** lme4's form of θ: flip the sign of every λ column whose diagonal is negative (λλ' unchanged). */
export function canonicalTheta(terms: ReTerm[], theta: readonly number[]): number[] {
  const out = [...theta];
  for (const t of terms) {
    let q = t.thetaOffset;
    for (let c = 0; c < t.k; c++) {
      const diag = q;
      const flip = out[diag]! < 0;
      for (let r = c; r < t.k; r++) {
        if (flip) out[q] = -out[q]!;
        // −0 would print as "-0": keep an exact zero positive.
        if (out[q] === 0) out[q] = 0;
        q++;
      }
    }
  }
  return out;
}
