/**
 * What a fit keeps beside its plain result for later questions (degrees of freedom for
 * new contrasts, marginal means, prediction, refitting for a likelihood-ratio test).
 * The data part travels on the fit (`fit.state`, see models/fit-state.ts); the objective
 * and the cross-products at the optimum are rebuilt from it after a JSON or structured-clone
 * round trip, and the live state is cached per fit object.
 */
import type { ModelFrame } from '../../formula/frame.js';
import { makeObjective, type Objective } from './objective.js';
import { buildReTerms, type CrossProducts } from './structure.js';
import { cachedState, storeState } from '../fit-state.js';
import type { LmmFit, LmmOptions } from './types.js';

/** The state without the model frame: what Satterthwaite's df need (a fit from aggregates has no rows). */
export type LmmCoreState = Omit<LmmState, 'frame'>;

export interface LmmState {
  frame: ModelFrame;
  /** Cross-products at the optimum. */
  cp: CrossProducts;
  objective: Objective;
  /** Optimum of the objective: θ of its internally scaled Z columns, then log δ of strata 2… . */
  params: number[];
  options: LmmOptions;
  reml: boolean;
  /** θ of the original Z columns (lme4's). */
  theta: number[];
  sigma: number;
  beta: Float64Array;
  /** Indices into the frame's X columns that were kept (rank deficiency drops the rest). */
  kept: number[];
  /** Basis of the null space of X (over all its columns): a linear function L'β is estimable iff L is orthogonal to each. */
  nullBasis: number[][];
  /** σ²(R_X'R_X)^{-1}, p × p row-major. */
  vcov: Float64Array;
  /**
   * Lazily computed: asymptotic covariance of (θ, σ), and vcov(β̃) of the objective's internal
   * (centred, scaled) columns with its Jacobian in (θ, σ).
   */
  varpar?: { A: number[][]; jac: Float64Array[]; hessianOk: boolean; vcov: Float64Array };
  /**
   * Plain-language reason when a random term has fewer than two levels with data (e.g. one
   * therapy group): its variance is not identified. Given as the reason of the rows whose
   * Satterthwaite df collapse to zero (`unidentifiedReason`).
   */
  unidentified?: string;
}

/** What the fit carries as data: everything but the objective (closures) and the cross-products. */
type LmmStateData = Omit<LmmState, 'objective' | 'cp'>;

const states = new WeakMap<LmmFit, LmmState>();

/** Attach the state to a new fit (its `state` field shares the arrays; nothing is copied). */
export function setState(fit: Omit<LmmFit, 'state'>, s: LmmState): LmmFit {
  // Satterthwaite's pieces travel too when already formed (a fit made on a worker thread keeps
  // them): only the objective and the cross-products are rebuilt from the frame.
  const { objective: _objective, cp: _cp, ...data } = s;
  const out = fit as LmmFit;
  out.state = storeState('lmm', { ...data, options: { ...data.options } } satisfies LmmStateData);
  states.set(out, s);
  return out;
}

/**
 * The objective as `fitFrame` built it for the final fit: the same terms, kept columns of X,
 * strata and settings, so every number computed from it is the original's to the bit.
 */
function restore(d: LmmStateData): LmmState {
  const { frame, options, kept, reml } = d;
  const terms = buildReTerms(frame);
  const n = frame.n;
  const pAll = frame.spec.columnNames.length;
  let X = frame.X;
  if (kept.length < pAll) {
    X = new Float64Array(n * kept.length);
    kept.forEach((j, c) => X.set(frame.X.subarray(j * n, (j + 1) * n), c * n));
  }
  const strataVar = options.residualVarianceBy;
  const strata = strataVar ? { variable: strataVar, ...frame.extra[strataVar]! } : null;
  const aggregate = options.control?.aggregate ?? true;
  const objective = makeObjective(terms, X, frame.y, n, kept.length, reml, aggregate && !strata, strata, options.control?.structure ?? 'auto');
  return { ...d, objective, cp: objective.crossProducts(d.params) };
}

/**
 * The internal state of a fit made by `fitLmm`: cached for a fit made in this process,
 * rebuilt from `fit.state` for one that was serialised; undefined for other objects.
 */
export function getState(fit: LmmFit): LmmState | undefined {
  return cachedState(states, fit, 'lmm', restore);
}
