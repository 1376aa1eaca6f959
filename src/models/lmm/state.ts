/**
 * What a fit keeps beside its plain result for later questions (degrees of freedom for
 * new contrasts, marginal means, prediction, refitting for a likelihood-ratio test).
 * Held in a WeakMap so the fit object itself stays a plain, serialisable record.
 */
import type { ModelFrame } from '../../formula/frame.js';
import type { Objective } from './objective.js';
import type { CrossProducts } from './structure.js';
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

const states = new WeakMap<LmmFit, LmmState>();

export function setState(fit: LmmFit, s: LmmState): void {
  states.set(fit, s);
}

/** The internal state of a fit made by `fitLmm` in this process; undefined for other objects. */
export function getState(fit: LmmFit): LmmState | undefined {
  return states.get(fit);
}
