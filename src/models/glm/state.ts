/**
 * What the after-fit functions (marginal means, contrasts, tests, predictions) need from a
 * GLM fit beyond its public result: the frame's design recipe, β and its covariance over the
 * kept columns, the family (link) and the offset. Its data travel on the fit (`fit.state`, see
 * models/fit-state.ts); the family's functions are rebuilt from its name, link and θ.
 */
import type { ModelFrame } from '../../formula/frame.js';
import { nullBasis } from '../../linalg/dense.js';
import { crossProducts } from '../ols/least-squares.js';
import { makeFamily, type Family, type FamilyName, type LinkName } from './family.js';
import { cachedState, storeState } from '../fit-state.js';
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

type GlmStateData = Omit<GlmState, 'family' | 'nullBasis'> & { family: { name: FamilyName; link: LinkName; theta?: number } };

const states = new WeakMap<GlmFit, GlmState>();

/** The family as data: enough for `makeFamily` to rebuild it. */
export function familyData(f: Family): { name: FamilyName; link: LinkName; theta?: number } {
  return { name: f.name, link: f.link, ...(f.theta !== undefined ? { theta: f.theta } : {}) };
}

/** Attach the state to a new fit (its `state` field shares the arrays; nothing is copied). */
export function setGlmState(fit: Omit<GlmFit, 'state'>, s: GlmState): GlmFit {
  const { family, nullBasis: _nullBasis, ...rest } = s;
  const out = fit as GlmFit;
  out.state = storeState('glm', { ...rest, family: familyData(family) } satisfies GlmStateData);
  states.set(out, s);
  return out;
}

/** Record the offset columns (known only to the data-level `fitGlm`) in the live state and the fit's data. */
export function setGlmOffsetColumns(fit: GlmFit, columns: GlmState['offsetColumns']): void {
  getGlmState(fit)!.offsetColumns = columns;
  (fit.state.data as GlmStateData).offsetColumns = columns;
}

/** The internal state of a fit made by `fitGlm` (rebuilt from `fit.state` after a round trip); undefined for other objects. */
export function getGlmState(fit: GlmFit): GlmState | undefined {
  return cachedState(states, fit, 'glm', (d: GlmStateData): GlmState => ({ ...d, family: makeFamily(d.family.name, d.family.link, d.family.theta) }));
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
