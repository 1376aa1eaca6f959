/**
 * The shapes of an ordinary least-squares fit. Like the mixed model's fit it is a plain
 * object (per-row vectors as typed arrays) using the library's result vocabulary:
 * `estimate, se, df, statistic, pValue, ci, ciLevel`, `vcov` as rows, `diagnostics`.
 */
import type { FitState } from '../fit-state.js';
import type { Diagnostic } from '../../errors/index.js';
import type { FrameOptions } from '../../formula/frame.js';
import type { ModelDataOptions } from '../data-input.js';
import type { FixedEffectRow } from '../lmm/types.js';

/**
 * Covariance estimator of the coefficients.
 *
 * - `classical`: σ̂²(X'X)⁻¹, as `vcov(lm(...))`.
 * - `HC0`–`HC3`: heteroskedasticity-consistent, as `sandwich::vcovHC(type = ...)`.
 * - `CR0`, `CR1`, `CR1p`, `CR1S`, `CR2`, `CR3`: cluster-robust, as
 *   `clubSandwich::vcovCR(type = ...)` with its default (identity) working model for `lm`.
 *   They need `options.cluster`.
 */
export type OlsVcovType =
  | 'classical'
  | 'HC0'
  | 'HC1'
  | 'HC2'
  | 'HC3'
  | 'CR0'
  | 'CR1'
  | 'CR1p'
  | 'CR1S'
  | 'CR2'
  | 'CR3';

/**
 * Degrees of freedom of the coefficient t tests.
 *
 * - `residual`: n − rank, as `summary(lm)` and `lmtest::coeftest(fit, vcov = V)`.
 * - `Satterthwaite`: per coefficient, as `clubSandwich::coef_test(test = "Satterthwaite")`
 *   (Bell & McCaffrey 2002; Pustejovsky & Tipton 2018). With an HC type it treats each row
 *   as its own cluster (HC2 + Satterthwaite is the Bell–McCaffrey test).
 * - `naive-t`: G − 1 for G clusters, as `coef_test(test = "naive-t")`.
 * - `asymptotic`: the normal reference (df = Infinity), as `coef_test(test = "z")`.
 */
export type OlsDdf = 'residual' | 'Satterthwaite' | 'naive-t' | 'asymptotic';

/** What to do with a row used in the fit whose cluster id is missing. */
export type ClusterMissingPolicy = 'error' | 'singleton';

export interface OlsOptions extends FrameOptions, ModelDataOptions {
  /**
   * Covariance estimator of the coefficients (and so of their SEs, tests and intervals).
   * @defaultValue 'classical'
   */
  vcov?: OlsVcovType;
  /**
   * Column holding the cluster id of each row (e.g. the therapy group). Required by the
   * `CR*` types and refused by the others. Ids are compared as text (numbers as R prints them).
   * @defaultValue undefined (no clustering)
   */
  cluster?: string;
  /**
   * Rows used in the fit whose cluster id is missing: `'error'` stops with the first such
   * row named; `'singleton'` makes each such row a cluster of its own, the usual choice for
   * a partially nested trial in which control participants belong to no therapy group.
   * @defaultValue 'error'
   */
  clusterMissing?: ClusterMissingPolicy;
  /**
   * Degrees of freedom of the coefficient tests and intervals.
   * @defaultValue 'Satterthwaite' for the `CR*` types, 'residual' otherwise
   */
  ddf?: OlsDdf;
  /** Confidence level of the coefficient intervals. @defaultValue 0.95 */
  ciLevel?: number;
}

/** A row of the coefficient table (the same shape as the mixed model's fixed effects). */
export type OlsCoefficientRow = FixedEffectRow;

/** How the rows were grouped for a cluster-robust covariance. */
export interface ClusterSummary {
  /** The cluster column. */
  variable: string;
  /** Number of clusters G, singletons included. */
  nClusters: number;
  /** Rows without a cluster id made clusters of their own (`clusterMissing: 'singleton'`). */
  nSingletons: number;
  /** Smallest and largest cluster size. */
  minSize: number;
  maxSize: number;
}

/** The overall F test of `summary(lm)` (classical, against the intercept-only model). */
export interface OlsFTest {
  statistic: number;
  numDf: number;
  denDf: number;
  pValue: number;
}

export interface OlsFit {
  kind: 'ols';
  formula: string;
  vcovType: OlsVcovType;
  ddf: OlsDdf;
  /** Coefficients of the columns kept (aliased columns are left out, see `droppedColumns`). */
  fixedEffects: OlsCoefficientRow[];
  /** Covariance of the coefficients under `vcovType` (rows and columns in `fixedEffects` order). */
  vcov: number[][];
  /** Column names of the full design (R's naming), aliased ones included. */
  columnNames: string[];
  /** Columns dropped as aliased, R-style (lm's NA coefficients). */
  droppedColumns: string[];
  rank: number;
  /** Residual standard error σ̂ = √(RSS / (n − rank)). */
  sigma: number;
  dfResidual: number;
  rSquared: number;
  adjRSquared: number;
  /** Overall F test; `null` when the model has no term besides the intercept (as R). */
  fStatistic: OlsFTest | null;
  /** Log-likelihood at the ML variance RSS/n, and the criteria with rank + 1 parameters (as R's `logLik.lm`). */
  logLik: number;
  aic: number;
  bic: number;
  nObs: number;
  /** Rows dropped for missing values, with the reasons. */
  dropped: { total: number; missingResponse: number; missingPredictor: Record<string, number> };
  fitted: Float64Array;
  residuals: Float64Array;
  /** Diagonal of the hat matrix (leverages). */
  hatValues: Float64Array;
  /** Input row index of each fitted value. */
  rows: Int32Array;
  /** The grouping used by a cluster-robust covariance, else `null`. */
  cluster: ClusterSummary | null;
  diagnostics: Diagnostic[];
  /**
   * What marginal means, contrasts, tests and predictions read beyond the printed result (the
   * model frame, β and its covariance, …), as plain data: it survives JSON and structured clone,
   * so a saved fit answers the same questions with the same bits. Opaque; keep it with the fit.
   */
  state: FitState;
}
