/**
 * What the after-fit functions (marginal means, contrasts, tests, predictions) need from a
 * GLMM fit beyond its public result: the frame's design recipe, β and its covariance over the
 * kept columns, the family at its estimates, the offset, and the random-effects terms with
 * their conditional modes (every level, including a partially nested design's placeholder
 * cluster, which the public table hides). Kept out of the result so that it stays plain data.
 */
import type { ModelFrame } from '../../formula/frame.js';
import type { Family } from '../glm/family.js';
import type { ReTerm } from '../lmm/structure.js';
import type { GlmmFit } from './types.js';

export interface GlmmState {
  frame: ModelFrame;
  /** The family at the estimates (the negative binomial at its estimated θ). */
  family: Family;
  kept: number[];
  beta: Float64Array;
  /** Covariance of β over the kept columns (row-major); zero rows for coefficients in `notEstimable`. */
  vcov: Float64Array;
  /** Indices (into `kept`) of coefficients whose Wald quantities are not estimable, with the reason. */
  notEstimable: Map<number, string>;
  /** Per fit row offset, or null. */
  offset: Float64Array | null;
  /** The offset column, for predictions on new data. */
  offsetColumn: string | null;
  terms: ReTerm[];
  /** Conditional modes b per term (fitting order), level, column. */
  modes: number[][][];
  /** A partially nested design: its columns and the index (in `frame.random`) of its structural term. */
  partialNesting: { cluster: string; arm: string; treated: string; frameIndex: number } | null;
}

const states = new WeakMap<GlmmFit, GlmmState>();

export function setGlmmState(fit: GlmmFit, s: GlmmState): void {
  states.set(fit, s);
}

export function getGlmmState(fit: GlmmFit): GlmmState | undefined {
  return states.get(fit);
}
