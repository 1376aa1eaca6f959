/**
 * What an OLS fit keeps beside its plain result for later questions (marginal means,
 * contrasts and F tests with the fit's covariance and degrees of freedom). Held in a WeakMap,
 * as for mixed models, so the fit object stays a plain, serialisable record.
 */
import type { ModelFrame } from '../../formula/frame.js';
import type { ClusterIndex } from './clusters.js';
import type { LeastSquares } from './least-squares.js';
import type { AdjustedDesign, Adjustment } from './sandwich.js';
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

const states = new WeakMap<OlsFit, OlsState>();

export function setOlsState(fit: OlsFit, s: OlsState): void {
  states.set(fit, s);
}

/** The internal state of a fit made by `fitOls` in this process; undefined for other objects. */
export function getOlsState(fit: OlsFit): OlsState | undefined {
  return states.get(fit);
}
