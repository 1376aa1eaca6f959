/**
 * What an MMRM fit keeps beside its plain result for later questions (degrees of freedom for
 * new contrasts, marginal means, tests), in a WeakMap so the fit stays a plain record.
 */
import type { ModelFrame } from '../../formula/frame.js';
import type { ColumnPlan } from '../centring.js';
import type { MmrmProblem } from './likelihood.js';
import type { MmrmDdf, MmrmFit } from './types.js';

export interface MmrmState {
  frame: ModelFrame;
  prob: MmrmProblem;
  /** Optimum: θ of every group in mmrm's parametrisation, then (partial nesting) τ / scale. */
  params: number[];
  nTheta: number;
  kept: number[];
  nullBasis: number[][];
  beta: Float64Array;
  betaInternal: Float64Array;
  /** (X̃'Ω⁻¹X̃)⁻¹ of the internal columns (and scaled response), and the covariance of the original β. */
  PhiI: Float64Array;
  vcov: Float64Array;
  ddf: MmrmDdf;
  plan: ColumnPlan;
  /**
   * The response is fitted as (y − ȳ)/yScale (a power of two): θ, PhiI and betaInternal are of
   * that response; variances of the original units are PhiI · yScale².
   */
  yScale: number;
  /** Lazily: covariance of the variance parameters (inverse Hessian of −log L) and whether the Hessian was positive definite. */
  theta?: { W: number[][]; ok: boolean };
  /** Lazily: Jacobian of (X̃'Ω⁻¹X̃)⁻¹ in the variance parameters (Satterthwaite). */
  jac?: Float64Array[];
  /** Lazily: Kenward–Roger components and adjusted covariances. */
  kr?: { P: Float64Array[]; PhiA: Float64Array; PhiALinear: Float64Array };
}

const states = new WeakMap<MmrmFit, MmrmState>();

export function setMmrmState(fit: MmrmFit, s: MmrmState): void {
  states.set(fit, s);
}

/** The internal state of a fit made by `fitMmrm` in this process; undefined for other objects. */
export function getMmrmState(fit: MmrmFit): MmrmState | undefined {
  return states.get(fit);
}
