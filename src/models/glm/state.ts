/**
 * What the after-fit functions (marginal means, contrasts, tests, predictions) need from a
 * GLM fit beyond its public result: the frame's design recipe, β and its covariance over the
 * kept columns, the family (link) and the offset. Kept out of the result so that it stays
 * plain data.
 */
import type { ModelFrame } from '../../formula/frame.js';
import { nullBasis } from '../../linalg/dense.js';
import { crossProducts } from '../ols/least-squares.js';
import type { Family } from './family.js';
import type { GlmFit } from './types.js';

export interface GlmState {
  frame: ModelFrame;
  family: Family;
  kept: number[];
  aliased: number[];
  beta: Float64Array;
  /** Covariance of β over the kept columns (row-major), the fit's own `vcov` type. */
  vcov: Float64Array;
  /** Per fit row offset (log exposure included), or null. */
  offset: Float64Array | null;
  /** The columns that make up the offset, for predictions on new data. */
  offsetColumns: { offset?: string; exposure?: string };
  nullBasis?: number[][];
}

const states = new WeakMap<GlmFit, GlmState>();

export function setGlmState(fit: GlmFit, s: GlmState): void {
  states.set(fit, s);
}

export function getGlmState(fit: GlmFit): GlmState | undefined {
  return states.get(fit);
}

/** Null-space basis of the full design (empty when full rank), computed once. */
export function glmNullBasis(s: GlmState): number[][] {
  if (s.nullBasis) return s.nullBasis;
  if (s.aliased.length === 0) return (s.nullBasis = []);
  const pAll = s.frame.spec.columnNames.length;
  const { XtX } = crossProducts(s.frame.X, s.frame.y, s.frame.n, pAll);
  s.nullBasis = nullBasis(XtX, pAll, s.kept, s.aliased);
  return s.nullBasis;
}
