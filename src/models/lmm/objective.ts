/**
 * The objective a fit minimises, over θ and, when the residual variance differs by
 * stratum (e.g. by arm, nlme's `varIdent`), over the log variance ratios log δ_s too.
 *
 * With Var(ε_i) = σ²δ²_{s(i)} (δ = 1 for the first stratum) the model is an lme4 model
 * with prior weights w_i = δ⁻²_{s(i)}; its −2 log-likelihood is the weighted profiled
 * deviance minus Σ log w_i (for REML as for ML). The cross-products are formed once per
 * stratum and added with weights δ⁻², so no evaluation passes over the rows.
 */
import { ArgumentError, type Diagnostic } from '../../errors/index.js';
import { illConditionedFixedEffects, randomEffectColumnFarFromZero } from '../../errors/diagnostics.js';
import { choleskyInPlace, inverseFromCholesky } from '../../linalg/dense.js';
import { isBinaryColumn, planColumns, powerOfTwoNear, type ColumnPlan } from '../centring.js';
import { mean } from '../../statistics/sample.js';
import type { CellDesign } from '../../formula/frame.js';
import { evaluateDeviance, type DevianceParts, type Solution } from './deviance.js';
import { combineCrossProducts, fixedCrossProduct, formCrossProducts, type CrossProducts, type InternalColumns, type ReTerm } from './structure.js';

export interface Strata {
  variable: string;
  levels: string[];
  /** Stratum of each used row. */
  codes: Int32Array;
}

export interface Objective {
  nTheta: number;
  /**
   * The centring and scaling of X and y the cross-products are formed on (models/centring.ts):
   * the solution's β and the factor's covariance are of the internal columns; map them with
   * `coefficientsToOriginal` and `covarianceToOriginal`.
   */
  plan: ColumnPlan;
  /** Per random term (fitting order), the power of two each Z column is multiplied by internally. */
  zMul: Float64Array[];
  /** θ of the original Z columns from the internal θ (the optimiser's): λ = diag(zMul) λ̃. */
  thetaToOriginal(theta: readonly number[]): number[];
  /** The inverse of `thetaToOriginal` (for user starting values). */
  thetaToInternal(theta: readonly number[]): number[];
  /** Parameters: θ, then log δ for strata 2… . */
  lower: number[];
  start: number[];
  strata: (Strata & { counts: number[] }) | null;
  /** Cross-products at the parameters (weighted when stratified). */
  crossProducts(params: readonly number[]): CrossProducts;
  /**
   * Deviance parts; `ldW` = Σ log w_i, already subtracted in `deviance`. `r2`, `ldRX2` and the
   * criterion are of the original columns and response (the internal scaling's log-Jacobians
   * added back), and so are the solution's β̃ (of the internal X̃ columns, in the response's
   * units) and u; `Lx` is the factor of the internal columns.
   */
  evaluate(params: readonly number[], keep?: boolean | 'factors'): DevianceParts & { ldW: number; solution?: Solution; cp: CrossProducts };
  /**
   * What the optimiser minimises: the criterion of the internal (centred, scaled) columns and
   * response, which differs from `evaluate(params).deviance` by a constant. Its value is of the
   * same size whatever the data's units, and so is its rounding noise.
   */
  minimand(params: readonly number[]): number;
}

export function makeObjective(
  terms: ReTerm[],
  X: Float64Array | CellDesign,
  y: Float64Array,
  n: number,
  p: number,
  reml: boolean,
  aggregate: boolean,
  strata: Strata | null,
  structure: 'auto' | 'dense' = 'auto',
): Objective {
  const plan = planColumns(X, y, n, p);
  // Random-effect columns are only scaled (by a power of two near their root mean square):
  // their origin is part of the model, but their unit is not (λ absorbs it exactly). 0/1
  // columns (intercepts, indicators) keep the unit the coding gave them, as in X.
  const zMul = terms.map((t) => {
    const mul = new Float64Array(t.k).fill(1);
    for (let a = 0; a < t.k; a++) {
      if (isBinaryColumn(t.Z, a * n, n)) continue;
      let ss = 0;
      for (let i = 0; i < n; i++) ss += t.Z[a * n + i]! ** 2;
      mul[a] = 1 / powerOfTwoNear(Math.sqrt(ss / Math.max(n, 1)));
    }
    return mul;
  });
  const columns: InternalColumns = {
    xShift: plan.centre,
    xMul: plan.scale.map((d) => 1 / d),
    yShift: plan.yCentre,
    yMul: 1 / plan.yScale,
    zMul,
  };
  const base = objectiveBase(terms, plan, zMul, n, p, reml);
  const { common, toOriginalParts } = base;
  const { nTheta, lower, start } = common;
  if (!strata) return objectiveFromCrossProducts(terms, plan, zMul, formCrossProducts(terms, X, y, n, p, { aggregate, structure, columns }), reml);
  const S = strata.levels.length;
  const counts = new Array<number>(S).fill(0);
  for (let i = 0; i < n; i++) counts[strata.codes[i]!] = counts[strata.codes[i]!]! + 1;
  const empty = counts.findIndex((c) => c === 0);
  if (empty >= 0) throw new ArgumentError('options.residualVarianceBy', strata.levels[empty], `a stratum with observations (every level of "${strata.variable}" needs rows)`);
  const parts = strata.levels.map((_, s) => {
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) w[i] = strata.codes[i] === s ? 1 : 0;
    return formCrossProducts(terms, X, y, n, p, { aggregate: false, weights: w, structure, columns });
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
    ...common,
    strata: { ...strata, counts },
    crossProducts: cpAt,
    evaluate(params, keep = false) {
      const cp = cpAt(params);
      // Σ log w_i = −Σ_s n_s · 2 log δ_s
      let ldW = 0;
      for (let s = 1; s < S; s++) ldW -= counts[s]! * 2 * params[nTheta + s - 1]!;
      const d = toOriginalParts(evaluateDeviance(cp, params.slice(0, nTheta), reml, keep));
      return { ...d, deviance: d.deviance - ldW, ldW, cp };
    },
    minimand(params) {
      let ldW = 0;
      for (let s = 1; s < S; s++) ldW -= counts[s]! * 2 * params[nTheta + s - 1]!;
      return evaluateDeviance(cpAt(params), params.slice(0, nTheta), reml).deviance - ldW;
    },
  };
}

/** θ's bounds and start, the maps between internal and original θ, and the parts' back-transformation. */
function objectiveBase(terms: ReTerm[], plan: ColumnPlan, zMul: Float64Array[], n: number, p: number, reml: boolean) {
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
  const mapTheta = (theta: readonly number[], toOriginal: boolean): number[] => {
    const out = [...theta];
    for (let j = 0; j < terms.length; j++) {
      const t = terms[j]!;
      let q = t.thetaOffset;
      for (let c = 0; c < t.k; c++) {
        for (let r = c; r < t.k; r++) {
          // (A wrong-length user start is left for the caller's length check.)
          if (q < out.length) out[q] = toOriginal ? out[q]! * zMul[j]![r]! : out[q]! / zMul[j]![r]!;
          q++;
        }
      }
    }
    return out;
  };
  // log|R_X|² of the original columns = that of X̃ = X T plus 2 Σ log d_j; the response's
  // scale d_y multiplies r² by d_y², adding 2 log d_y per residual degree of freedom.
  const jacobian = 2 * plan.logScale;
  const dy = plan.yScale;
  const yJacobian = 2 * (reml ? n - p : n) * Math.log(dy);
  const toOriginalParts = <D extends DevianceParts & { solution?: Solution }>(d: D): D => {
    // Written out rather than spread: an evaluation's cost is small enough for a spread to show.
    const out = { ldL2: d.ldL2, ldRX2: d.ldRX2 + jacobian, r2: d.r2 * dy * dy, deviance: d.deviance + yJacobian + (reml ? jacobian : 0), Lx: d.Lx } as D;
    if (d.solution) {
      out.solution = {
        beta: d.solution.beta.map((b) => b * dy),
        u: d.solution.u.map((u) => u.map((v) => v * dy)),
        cu: d.solution.cu,
      };
    }
    return out;
  };
  const common = {
    nTheta,
    lower,
    start,
    plan,
    zMul,
    thetaToOriginal: (theta: readonly number[]) => mapTheta(theta, true),
    thetaToInternal: (theta: readonly number[]) => mapTheta(theta, false),
  };
  return { common, toOriginalParts };
}

/**
 * The objective from cross-products already formed on the internal columns that `plan` and
 * `zMul` describe (in memory by `formCrossProducts`, or from an SQL engine's aggregates).
 */
export function objectiveFromCrossProducts(terms: ReTerm[], plan: ColumnPlan, zMul: Float64Array[], cp: CrossProducts, reml: boolean): Objective {
  const { common, toOriginalParts } = objectiveBase(terms, plan, zMul, cp.n, cp.p, reml);
  const nTheta = common.nTheta;
  return {
    ...common,
    strata: null,
    crossProducts: () => cp,
    evaluate: (params, keep = false) => {
      const d = toOriginalParts(evaluateDeviance(cp, params.slice(0, nTheta), reml, keep));
      return { ldL2: d.ldL2, ldRX2: d.ldRX2, r2: d.r2, deviance: d.deviance, Lx: d.Lx, ...(d.solution ? { solution: d.solution } : {}), ldW: 0, cp };
    },
    minimand: (params) => evaluateDeviance(cp, params.slice(0, nTheta), reml).deviance,
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

/**
 * At a boundary optimum the deviance is flat to rounding in a vanishing diagonal θ, so the
 * optimiser stops at some value of order 1e-7 that depends on rounding in earlier steps (and
 * so on the origin or unit of the data). Set each diagonal θ below 1e-5 to exactly 0 when
 * that does not raise the objective: the boundary point itself is then the reported optimum.
 */
export function polishBoundary(objective: Objective, terms: ReTerm[], params: number[]): number[] {
  let best = params;
  let bestDev = objective.minimand(best);
  for (const t of terms) {
    let q = t.thetaOffset;
    for (let c = 0; c < t.k; c++) {
      if (best[q] !== 0 && Math.abs(best[q]!) < 1e-5) {
        const trial = [...best];
        trial[q] = 0;
        const d = objective.minimand(trial);
        if (d <= bestDev) {
          best = trial;
          bestDev = d;
        }
      }
      q += t.k - c;
    }
  }
  return best;
}

/** Mean, SD (divisor n) and whether a random-effects column holds only 0 and 1. */
export interface ZColumnStats {
  binary: boolean;
  mean: number;
  sd: number;
}

function zColumnStats(Z: Float64Array, off: number, n: number): ZColumnStats {
  if (isBinaryColumn(Z, off, n)) return { binary: true, mean: 0, sd: 0 };
  const m = mean(Z, off, n);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (Z[off + i]! - m) ** 2;
  return { binary: false, mean: m, sd: Math.sqrt(ss / n) };
}

/**
 * Ill-conditioning that centring and scaling cannot remove, said in plain language: a
 * fixed-effects column that is nearly a combination of the others even after centring (a
 * covariate with a large origin inside an interaction or a power), and a random-effects column
 * whose values lie far from 0 relative to their spread (its origin is part of the model, so it
 * is not centred: the random intercept then refers to a point far outside the data).
 */
export function conditioningDiagnostics(objective: Objective, terms: ReTerm[], xNames: string[], zStats?: ZColumnStats[][]): Diagnostic[] {
  const out: Diagnostic[] = [];
  // 1 − R²_j of internal column j on the others: 1/((X̃'X̃)⁻¹_jj (X̃'X̃)_jj).
  const cp = objective.crossProducts(objective.start);
  const p = cp.p;
  const A = fixedCrossProduct(cp);
  const L = Float64Array.from(A);
  if (p > 1 && choleskyInPlace(L, p)) {
    const inv = inverseFromCholesky(L, p);
    const weak: { column: string; oneMinusR2: number }[] = [];
    for (let j = 0; j < p; j++) {
      const r = 1 / (inv[j * p + j]! * A[j * p + j]!);
      if (r < 1e-8) weak.push({ column: xNames[j]!, oneMinusR2: r });
    }
    if (weak.length) {
      out.push(illConditionedFixedEffects(weak));
    }
  }
  const n = cp.n;
  for (const [j, t] of terms.entries()) {
    if (t.k < 2) continue;
    for (let a = 0; a < t.k; a++) {
      const { binary, mean: m, sd } = zStats ? zStats[j]![a]! : zColumnStats(t.Z, a * n, n);
      if (binary) continue;
      if (Math.abs(m) > 100 * sd) {
        out.push(randomEffectColumnFarFromZero(t.label, t.columnNames[a]!, m, sd));
      }
    }
  }
  return out;
}
