/**
 * Two-stage least squares (instrumental variables) with classical, heteroskedasticity-consistent
 * and cluster-robust covariances, agreeing with `AER::ivreg` (+ `sandwich::vcovHC` / `vcovCL`)
 * and `clubSandwich::vcovCR` / `coef_test` on ivreg fits.
 *
 * Model: y = Xβ + ε with X = [endogenous, exogenous], instruments Z = [excluded instruments,
 * exogenous]. Stage 1 projects X on Z, X̂ = Z(Z'Z)⁻¹Z'X (the exogenous columns project onto
 * themselves); stage 2 regresses y on X̂: β̂ = (X̂'X̂)⁻¹X̂'y.
 *
 * The second-stage standard errors of a naive "regress y on the fitted values" are wrong because
 * its residuals y − X̂β̂ are not the structural residuals. The correct ones use e = y − Xβ̂:
 *   classical  V = σ̂²(X̂'X̂)⁻¹, σ̂² = e'e/(n − k),
 *   sandwich   V = c (X̂'X̂)⁻¹ (Σ_g X̂_g'A_g e_g e_g'A_g X̂_g) (X̂'X̂)⁻¹,
 * i.e. the OLS sandwich of the regression on X̂ with the structural residuals in the meat: what
 * `sandwich` does for ivreg (estfun = X̂·e, bread = n(X̂'X̂)⁻¹) and what clubSandwich does (its
 * model matrix of an ivreg fit is the projected X̂; CR2's A_g and the Satterthwaite df use the
 * hat matrix of X̂). HC2/HC3 are left out: sandwich and clubSandwich define their leverages
 * differently for IV fits.
 *
 * References: Wooldridge (2010), Econometric Analysis of Cross Section and Panel Data, 2nd ed.,
 * §5.2; Angrist & Pischke (2009), Mostly Harmless Econometrics, ch. 4; Pustejovsky & Tipton
 * (2018) for CR2 with Satterthwaite df; Staiger & Stock (1997) for the first-stage F rule of thumb.
 */
import { dict } from '../data/own.js';
import { ArgumentError, type Diagnostic } from '../errors/index.js';
import { exactFirstStage, leverageOneClusters, rowsDroppedCompleteCases, weakInstrument } from '../errors/diagnostics.js';
import { fCdf } from '../distributions/f.js';
import { buildModelFrame, frameOptionsOf, type FrameOptions } from '../formula/frame.js';
import { parseFormula, quoteName } from '../formula/parse.js';
import { toColumnSource, type ColumnSource, type ModelData } from '../models/data-input.js';
import { linearModelView } from '../models/emmeans/view.js';
import { clusterIndexFor, fitOls } from '../models/ols/fit.js';
import { leastSquares } from '../models/ols/least-squares.js';
import { sandwichCovariance, sandwichSettings } from '../models/ols/sandwich.js';
import { getOlsState } from '../models/ols/state.js';
import { waldRow } from '../results/not-estimable.js';
import type { ClusterMissingPolicy, ClusterSummary, OlsCoefficientRow, OlsDdf } from '../models/ols/types.js';

/** Column names as the terms of a formula: names are data, so each is quoted as R quotes it. */
const sumOf = (names: readonly string[]): string => names.map(quoteName).join(' + ');
import { checkCiLevel, checkOptions, optionKeys } from '../errors/checks.js';

/** Covariance estimators available for 2SLS (see the module comment for why HC2/HC3 are not). */
export type IvVcovType = 'classical' | 'HC0' | 'HC1' | 'CR0' | 'CR1' | 'CR1S' | 'CR2' | 'CR3';

const IV_VCOV: readonly IvVcovType[] = ['classical', 'HC0', 'HC1', 'CR0', 'CR1', 'CR1S', 'CR2', 'CR3'];

/** Conventional threshold of the first-stage F below which instruments count as weak (Staiger & Stock 1997). */
export const WEAK_INSTRUMENT_F = 10;

export interface IvOptions extends FrameOptions {
  /** The outcome column. */
  outcome: string;
  /** Endogenous regressors (e.g. sessions attended), numeric columns. */
  endogenous: readonly string[];
  /** Excluded instruments (e.g. the randomised arm as 0/1): at least as many as endogenous regressors. */
  instruments: readonly string[];
  /** Exogenous covariates, in both stages. @defaultValue `[]` */
  covariates?: readonly string[];
  /** Covariance estimator. @defaultValue 'classical' (as `summary(ivreg)`) */
  vcov?: IvVcovType;
  /** Cluster column for the `CR*` types. @defaultValue undefined */
  cluster?: string;
  /**
   * Rows with a missing cluster id: `'singleton'` makes each its own cluster (controls of a
   * partially nested trial). @defaultValue 'error'
   */
  clusterMissing?: ClusterMissingPolicy;
  /** df of the t tests. @defaultValue 'Satterthwaite' for the `CR*` types, 'residual' (n − k) otherwise */
  ddf?: OlsDdf;
  /** @defaultValue 0.95 */
  ciLevel?: number;
}

/** The first stage of one endogenous regressor. */
export interface IvFirstStage {
  endogenous: string;
  /**
   * F test of the excluded instruments in the first stage with the fit's covariance (the
   * exact F for `classical`, a Wald F for HC/CR types, HTZ with `ddf: 'Satterthwaite'`).
   */
  statistic: number;
  numDf: number;
  denDf: number;
  pValue: number;
  method: string;
  /** The conventional (non-robust) first-stage F, the one the rule of thumb F > 10 refers to. */
  classical: { statistic: number; numDf: number; denDf: number; pValue: number };
  /** Share of the endogenous regressor's variance, net of the covariates, explained by the instruments. */
  partialRSquared: number;
  /** First-stage coefficients of the excluded instruments. */
  coefficients: OlsCoefficientRow[];
}

export interface IvFit {
  kind: 'iv-2sls';
  /** The model in AER's notation, e.g. `score ~ sessions + baseline | treated + baseline`. */
  formula: string;
  vcovType: IvVcovType;
  ddf: OlsDdf;
  coefficients: OlsCoefficientRow[];
  /** Covariance of the coefficients (rows and columns in `coefficients` order). */
  vcov: number[][];
  /** σ̂ = √(e'e/(n − k)) from the structural residuals. */
  sigma: number;
  dfResidual: number;
  nObs: number;
  /** Input row of each observation used. */
  rows: Int32Array;
  cluster: ClusterSummary | null;
  firstStage: IvFirstStage[];
  method: string;
  diagnostics: Diagnostic[];
}

/** A column source holding only the given rows (complete cases) of the named columns. */
function subsetSource(src: ColumnSource, names: readonly string[], rows: Int32Array): ColumnSource {
  const cols = new Map<string, unknown[]>();
  for (const name of names) {
    const c = src.column(name);
    cols.set(name, Array.from(rows, (i) => c[i]));
  }
  return {
    nRows: rows.length,
    has: (k) => cols.has(k),
    names: () => [...cols.keys()],
    column: (k) => {
      const c = cols.get(k);
      if (!c) throw new ArgumentError('column', k, `one of ${[...cols.keys()].join(', ')}`);
      return c;
    },
  };
}

const isClusterType = (t: IvVcovType): boolean => t.startsWith('CR');

/**
 * Fit a linear instrumental-variables model by two-stage least squares.
 *
 * @param data - rows (missing = null), an arquero table, a `{ columns, values }` frame or an object of columns.
 * @param options - see {@link IvOptions}; every option documents its default.
 * @throws ArgumentError for unknown columns or option values, fewer excluded instruments than
 *   endogenous regressors, instruments that do not identify the model (the projected design is
 *   rank deficient), no residual degrees of freedom, or a `CR*` type without a cluster column.
 * @example
 * // per-session effect of attendance with randomisation z as the instrument, as
 * // AER::ivreg(y ~ sessions + x | z + x) with clubSandwich CR2 by therapy group
 * // (tests/fixtures/r/dose-response/iv.json; each control is its own cluster)
 * const iv = twoStageLeastSquares(data, {
 *   outcome: 'y', endogenous: ['sessions'], instruments: ['z'], covariates: ['x'],
 *   vcov: 'CR2', cluster: 'cluster',
 * });
 * iv.coefficients[1]; // { term: 'sessions', estimate: 0.13890…, se: 0.055306…, df: 37.218…, … }
 * iv.firstStage[0].classical.statistic; // 1076.56…, ivreg's weak-instruments F
 */
export function twoStageLeastSquares(data: ModelData, options: IvOptions): IvFit {
  checkOptions('options', options, optionKeys<IvOptions>()(['outcome', 'endogenous', 'instruments', 'covariates', 'vcov', 'cluster', 'clusterMissing', 'ddf', 'ciLevel', 'levels', 'factors']));
  if (options === null || typeof options !== 'object') throw new ArgumentError('options', options, '{ outcome, endogenous, instruments, … }');
  const { outcome } = options;
  const endogenous = [...(options.endogenous ?? [])];
  const instruments = [...(options.instruments ?? [])];
  const covariates = [...(options.covariates ?? [])];
  if (typeof outcome !== 'string' || outcome === '') throw new ArgumentError('options.outcome', outcome, 'the outcome column');
  if (endogenous.length === 0) throw new ArgumentError('options.endogenous', endogenous, 'at least one endogenous regressor');
  if (instruments.length < endogenous.length) {
    throw new ArgumentError('options.instruments', instruments, `at least as many excluded instruments as endogenous regressors (${endogenous.length}): the model is not identified otherwise`);
  }
  const overlap = instruments.filter((z) => endogenous.includes(z) || covariates.includes(z));
  if (overlap.length) throw new ArgumentError('options.instruments', overlap, 'excluded instruments that are neither endogenous regressors nor covariates');
  const vcovType = options.vcov ?? 'classical';
  if (!IV_VCOV.includes(vcovType)) throw new ArgumentError('options.vcov', vcovType, `one of ${IV_VCOV.map((t) => `"${t}"`).join(', ')} (HC2/HC3 leverages are not defined alike for IV fits)`);
  const cluster = options.cluster ?? null;
  if (isClusterType(vcovType) && !cluster) throw new ArgumentError('options.cluster', cluster, `the cluster column, which vcov "${vcovType}" needs`);
  if (!isClusterType(vcovType) && cluster) throw new ArgumentError('options.vcov', vcovType, `a cluster-robust type such as "CR2" when options.cluster ("${cluster}") is given`);
  const ddf: OlsDdf = options.ddf ?? (isClusterType(vcovType) ? 'Satterthwaite' : 'residual');
  if (ddf === 'Satterthwaite' && vcovType === 'classical') throw new ArgumentError('options.ddf', ddf, '"residual" with the classical covariance');
  if (ddf === 'naive-t' && !isClusterType(vcovType)) throw new ArgumentError('options.ddf', ddf, 'a cluster-robust vcov type');
  const ciLevel = options.ciLevel ?? 0.95;
  checkCiLevel(ciLevel, 'options.ciLevel');

  const src = toColumnSource(data);
  const all = [outcome, ...endogenous, ...instruments, ...covariates];
  for (const v of [...all, ...(cluster ? [cluster] : [])]) {
    if (!src.has(v)) throw new ArgumentError('options', v, `a column of the data (${src.names().slice(0, 25).join(', ')})`);
  }
  const frameOptions = frameOptionsOf(options);
  // Complete cases over every variable of both stages, so that the stages use the same rows.
  const joint = buildModelFrame(parseFormula(`${quoteName(outcome)} ~ ${sumOf([...new Set(all.slice(1))])}`), src, frameOptions);
  const sub = subsetSource(src, [...new Set([...all, ...(cluster ? [cluster] : [])])], joint.rows);
  const rhsX = [...endogenous, ...covariates];
  const rhsZ = [...instruments, ...covariates];
  const fX = buildModelFrame(parseFormula(`${quoteName(outcome)} ~ ${sumOf(rhsX)}`), sub, frameOptions);
  const fZ = buildModelFrame(parseFormula(`${quoteName(outcome)} ~ ${sumOf(rhsZ)}`), sub, frameOptions);
  const n = fX.n;
  const kx = fX.spec.columnNames.length;
  const kz = fZ.spec.columnNames.length;
  for (const v of endogenous) {
    if (fX.variables[v]?.kind !== 'numeric') throw new ArgumentError(`options.endogenous`, v, 'a numeric column (code a factor as 0/1 indicators)');
  }
  const endoCols = fX.spec.columnNames
    .map((_, j) => j)
    .filter((j) => {
      const t = fX.spec.assign[j]!;
      return t >= 0 && fX.spec.terms[t]!.variables.some((v) => endogenous.includes(v));
    });

  // Stage 1: project the endogenous columns on Z.
  const Xhat = Float64Array.from(fX.X);
  const lsZ = leastSquares(fZ.X, fX.y, n, kz, fZ.spec.intercept);
  if (lsZ.r < kx) {
    throw new ArgumentError('options.instruments', instruments, `instruments and covariates spanning at least the ${kx} columns of the model (they span ${lsZ.r})`);
  }
  for (const j of endoCols) {
    const col = fX.X.subarray(j * n, (j + 1) * n);
    const st = leastSquares(fZ.X, Float64Array.from(col), n, kz, fZ.spec.intercept);
    Xhat.set(st.fitted, j * n);
  }
  // Stage 2 on X̂, then the structural residuals.
  const ls = leastSquares(Xhat, fX.y, n, kx, fX.spec.intercept);
  if (ls.aliased.length) {
    const names = ls.aliased.map((j) => fX.spec.columnNames[j]!);
    throw new ArgumentError('options.instruments', instruments, `instruments that predict every endogenous regressor beyond the covariates; after projection ${names.map((c) => `"${c}"`).join(', ')} ${names.length === 1 ? 'is' : 'are'} collinear with the other columns (the model is not identified)`);
  }
  const e = new Float64Array(n);
  let rss = 0;
  for (let i = 0; i < n; i++) {
    let f = 0;
    for (let j = 0; j < kx; j++) f += fX.X[j * n + i]! * ls.beta[j]!;
    e[i] = fX.y[i]! - f;
    rss += e[i]! * e[i]!;
  }
  const dfResidual = n - kx;
  if (dfResidual <= 0) throw new ArgumentError('data', `${n} complete rows`, `more rows than the ${kx} coefficients`);
  const sigma2 = rss / dfResidual;
  const diagnostics: Diagnostic[] = [];
  if (joint.dropped.total > 0) {
    diagnostics.push(rowsDroppedCompleteCases(joint.dropped, joint.nInput));
  }

  let V: Float64Array;
  let dfs: Float64Array | number = dfResidual;
  let clusterSummary: ClusterSummary | null = null;
  if (vcovType === 'classical') {
    V = ls.M.map((m) => m * sigma2);
  } else {
    const clusters = cluster ? clusterIndexFor(fX, sub, cluster, options.clusterMissing ?? 'error') : null;
    const G = clusters ? clusters.G : n;
    if (clusters && G < 2) throw new ArgumentError('options.cluster', `${G} cluster`, 'at least two clusters');
    const { adjustment, scale } = sandwichSettings(vcovType as Exclude<IvVcovType, 'classical'>, n, kx, G);
    const res = sandwichCovariance({ ...ls, residuals: e, rss }, clusters, adjustment, scale, ddf === 'Satterthwaite');
    V = res.vcov;
    if (ddf === 'Satterthwaite') dfs = res.df!;
    else if (ddf === 'naive-t') dfs = G - 1;
    else if (ddf === 'asymptotic') dfs = Infinity;
    if (clusters) {
      clusterSummary = { variable: cluster!, nClusters: G, nSingletons: clusters.nSingletons, minSize: clusters.minSize, maxSize: clusters.maxSize };
    }
    if (res.singular.length) {
      diagnostics.push(leverageOneClusters(res.singular.length, vcovType));
    }
  }
  if (ddf === 'asymptotic') dfs = Infinity;
  const coefficients: OlsCoefficientRow[] = fX.spec.columnNames.map((term, j) => {
    const estimate = ls.beta[j]!;
    const se = Math.sqrt(V[j * kx + j]!);
    const df = typeof dfs === 'number' ? dfs : dfs[j]!;
    return { term, ...waldRow(estimate, se, df, ciLevel), estimate, ciLevel };
  });

  const firstStage = endogenous.map((d) => firstStageOf(d, instruments, covariates, sub, options, vcovType, ddf, diagnostics));

  return {
    kind: 'iv-2sls',
    formula: `${quoteName(outcome)} ~ ${sumOf(rhsX)} | ${sumOf(rhsZ)}`,
    vcovType,
    ddf,
    coefficients,
    vcov: Array.from({ length: kx }, (_, i) => Array.from(V.subarray(i * kx, (i + 1) * kx))),
    sigma: Math.sqrt(sigma2),
    dfResidual,
    nObs: n,
    rows: Int32Array.from(fX.rows, (i) => joint.rows[i]!),
    cluster: clusterSummary,
    firstStage,
    method: `two-stage least squares; ${vcovType === 'classical' ? 'classical' : `${vcovType} sandwich`} covariance from the structural residuals y − Xβ̂; t tests with ${ddf} df`,
    diagnostics,
  };
}

function firstStageOf(
  d: string,
  instruments: string[],
  covariates: string[],
  sub: ColumnSource,
  options: IvOptions,
  vcovType: IvVcovType,
  ddf: OlsDdf,
  diagnostics: Diagnostic[],
): IvFirstStage {
  const rhs = [...instruments, ...covariates];
  const frameOpts = frameOptionsOf(options);
  const data = columnsOf(sub);
  const full = fitOls(`${quoteName(d)} ~ ${sumOf(rhs)}`, data, {
    ...frameOpts,
    vcov: vcovType,
    ddf,
    ...(options.cluster ? { cluster: options.cluster, clusterMissing: options.clusterMissing ?? 'error' } : {}),
  });
  const classicalFit = vcovType === 'classical' ? full : fitOls(`${quoteName(d)} ~ ${sumOf(rhs)}`, data, frameOpts);
  const restricted = fitOls(`${quoteName(d)} ~ ${covariates.length ? sumOf(covariates) : '1'}`, data, frameOpts);
  // Columns of the instrument terms, found through the design's term assignment (kept columns only).
  const instrCols = (fit: typeof full) => {
    const st = getOlsState(fit)!;
    return fit.fixedEffects
      .map((row, j) => ({ row, j }))
      .filter(({ j }) => {
        const t = st.frame.spec.assign[st.ls.kept[j]!]!;
        return t >= 0 && st.frame.spec.terms[t]!.variables.some((v) => instruments.includes(v));
      });
  };
  const test = (fit: typeof full) => {
    const cols = instrCols(fit);
    const r = fit.fixedEffects.length;
    // Instruments that predict the regressor exactly (e.g. "attended at least once" when every
    // treated participant attended): the residuals are 0 and the F statistic is infinite.
    if (fit.diagnostics.some((x) => x.code === 'perfect-fit')) return { statistic: Infinity, numDf: cols.length, denDf: fit.dfResidual, pValue: 0 };
    const L = cols.map(({ j }) => {
      const l = new Float64Array(r);
      l[j] = 1;
      return l;
    });
    const res = linearModelView(fit).dfF!(L);
    return { statistic: res.F, numDf: res.numDf, denDf: res.denDf, pValue: fCdf(res.F, res.numDf, res.denDf, { lowerTail: false }) };
  };
  const robust = test(full);
  const classical = test(classicalFit);
  let rssFull = 0;
  for (const v of classicalFit.residuals) rssFull += v * v;
  let rssRestricted = 0;
  for (const v of restricted.residuals) rssRestricted += v * v;
  if (classical.statistic === Infinity) {
    diagnostics.push(exactFirstStage(d));
  }
  if (classical.statistic < WEAK_INSTRUMENT_F) {
    diagnostics.push(weakInstrument(d, classical.statistic, WEAK_INSTRUMENT_F));
  }
  return {
    endogenous: d,
    ...robust,
    method: vcovType === 'classical' ? 'F test of the excluded instruments (classical)' : `Wald F of the excluded instruments with the ${vcovType} covariance, ${ddf === 'Satterthwaite' ? 'HTZ small-sample correction (Pustejovsky & Tipton 2018)' : `${ddf} df`}`,
    classical,
    partialRSquared: 1 - rssFull / rssRestricted,
    coefficients: instrCols(full).map(({ row }) => row),
  };
}

function columnsOf(src: ColumnSource): Record<string, ArrayLike<unknown>> {
  const out = dict<ArrayLike<unknown>>();
  for (const k of src.names()) out[k] = src.column(k);
  return out;
}
