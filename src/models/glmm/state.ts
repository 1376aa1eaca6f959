/**
 * What the after-fit functions (marginal means, contrasts, tests, predictions) need from a
 * GLMM fit beyond its public result: the frame's design recipe, β and its covariance over the
 * kept columns, the family at its estimates, the offset, and the random-effects terms with
 * their conditional modes (every level, including a partially nested design's placeholder
 * cluster, which the public table hides). Its data travel on the fit (`fit.state`, see
 * models/fit-state.ts); the family's functions are rebuilt from its name, link and θ.
 */
import type { ModelFrame } from '../../formula/frame.js';
import { makeFamily, type Family } from '../glm/family.js';
import { familyData } from '../glm/state.js';
import { cachedState, storeState } from '../fit-state.js';
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

type GlmmStateData = Omit<GlmmState, 'family'> & { family: ReturnType<typeof familyData> };

const states = new WeakMap<GlmmFit, GlmmState>();

/** Attach the state to a new fit (its `state` field shares the arrays; nothing is copied). */
export function setGlmmState(fit: Omit<GlmmFit, 'state'>, s: GlmmState): GlmmFit {
  const { family, ...rest } = s;
  const out = fit as GlmmFit;
  out.state = storeState('glmm', { ...rest, family: familyData(family) } satisfies GlmmStateData);
  states.set(out, s);
  return out;
}

/** The internal state of a fit made by `fitGlmm` (rebuilt from `fit.state` after a round trip); undefined for other objects. */
export function getGlmmState(fit: GlmmFit): GlmmState | undefined {
  return cachedState(states, fit, 'glmm', (d: GlmmStateData): GlmmState => ({ ...d, family: makeFamily(d.family.name, d.family.link, d.family.theta) }));
}
