/**
 * What an OLS fit keeps beside its plain result for later questions (marginal means,
 * contrasts and F tests with the fit's covariance and degrees of freedom). It is all data and
 * travels on the fit (`fit.state`, see models/fit-state.ts); the lazily computed pieces are
 * recomputed after a round trip.
 */
import type { ModelFrame } from '../../formula/frame.js';
import type { ClusterIndex } from './clusters.js';
import type { LeastSquares } from './least-squares.js';
import type { AdjustedDesign, Adjustment } from './sandwich.js';
import { cachedState, storeState } from '../fit-state.js';
import type { OlsDdf, OlsFit, OlsVcovType } from './types.js';

export interface OlsState {
  frame: ModelFrame;
  ls: LeastSquares;
  /** The cluster grouping of a `CR*` covariance, else `null` (HC types treat each row as a cluster). */
  clusters: ClusterIndex | null;
  vcovType: OlsVcovType;
  ddf: OlsDdf;
  /** A_g of the sandwich (irrelevant for `classical`). */
  adjustment: Adjustment;
  /** Covariance of β over the kept columns, r × r row-major. */
  vcov: Float64Array;
  dfResidual: number;
  /** Number of clusters (rows for the HC types). */
  nClusters: number;
  /** Computed on first use: the per-cluster pieces that the Satterthwaite df of a new contrast need. */
  adjusted?: AdjustedDesign;
  /** Computed on first use: null-space basis of X over all its columns (empty when full rank). */
  nullBasis?: number[][];
}

type OlsStateData = Omit<OlsState, 'adjusted' | 'nullBasis'>;

const states = new WeakMap<OlsFit, OlsState>();

/** Attach the state to a new fit (its `state` field shares the arrays; nothing is copied). */
export function setOlsState(fit: Omit<OlsFit, 'state'>, s: OlsState): OlsFit {
  const { adjusted: _adjusted, nullBasis: _nullBasis, ...data } = s;
  const out = fit as OlsFit;
  out.state = storeState('ols', data satisfies OlsStateData);
  states.set(out, s);
  return out;
}

/** The internal state of a fit made by `fitOls` (rebuilt from `fit.state` after a round trip); undefined for other objects. */
export function getOlsState(fit: OlsFit): OlsState | undefined {
  return cachedState(states, fit, 'ols', (d: OlsStateData): OlsState => ({ ...d }));
}
