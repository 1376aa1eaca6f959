/**
 * `fitOls`: linear regression by ordinary least squares with classical,
 * heteroskedasticity-consistent and cluster-robust covariances, agreeing with R's `lm`,
 * sandwich's `vcovHC` and clubSandwich's `vcovCR` / `coef_test`.
 *
 * Like `fitLmm`, the function composes stages that are exported on their own:
 * frame (formula → y, X) → least squares (one pass of cross-products, R-style aliasing,
 * refined Cholesky solve) → covariance (classical or sandwich) → coefficient table.
 */
import { ArgumentError, type Diagnostic } from '../../errors/index.js';
import { buildModelFrame, frameOptionsOf, encodeVariable, type ModelFrame } from '../../formula/frame.js';
import { parseFormula } from '../../formula/parse.js';
import { fCdf } from '../../distributions/f.js';
import { toColumnSource, type ColumnSource, type ModelData } from '../data-input.js';
import { checkResponseVaries, waldRow } from '../../results/not-estimable.js';
import { buildClusterIndex, type ClusterIndex } from './clusters.js';
import { hatValues, leastSquares, type LeastSquares } from './least-squares.js';
import { sandwichCovariance, sandwichSettings, type Adjustment } from './sandwich.js';
import { setOlsState } from './state.js';
import type { ClusterMissingPolicy, OlsCoefficientRow, OlsDdf, OlsFit, OlsOptions, OlsVcovType } from './types.js';
import { checkCiLevel, checkOptions, optionKeys } from '../../errors/checks.js';

const OLS_OPTION_KEYS = optionKeys<OlsOptions>()(['vcov', 'cluster', 'clusterMissing', 'ddf', 'ciLevel', 'levels', 'factors', 'instrument']);
import { registerOlsView } from './view.js';
import { clusterSingletons, coefficientNotEstimable, cr1pUndefined, fewClustersSandwich, leverageOne, perfectFit, rankDeficient, rowsDropped, smallDf } from '../../errors/diagnostics.js';

// Before any fit: marginalMeans, contrast and anova find OLS fits through this view.
registerOlsView();

const VCOV_TYPES: readonly OlsVcovType[] = ['classical', 'HC0', 'HC1', 'HC2', 'HC3', 'CR0', 'CR1', 'CR1p', 'CR1S', 'CR2', 'CR3'];
const DDF_METHODS: readonly OlsDdf[] = ['residual', 'Satterthwaite', 'naive-t', 'asymptotic'];

/** Below this many clusters the CR0/CR1-type estimators are known to be biased downward (Cameron & Miller 2015). */
const FEW_CLUSTERS = 50;
/** Tipton (2015): Satterthwaite df below 4 flag tests whose type I error may exceed the nominal level. */
const SMALL_DF = 4;

const isClusterType = (t: OlsVcovType): boolean => t.startsWith('CR');

/**
 * Fit a linear model by ordinary least squares.
 *
 * β̂ = (X'X)⁻¹X'y, σ̂² = RSS/(n − rank). Columns of X that are linear combinations of earlier
 * columns are dropped as R's `lm` does (its NA coefficients), with a `rank-deficient`
 * diagnostic naming them. The covariance of β̂ is chosen by `options.vcov`:
 * `classical` σ̂²(X'X)⁻¹; `HC0`–`HC3` as `sandwich::vcovHC`; `CR0`, `CR1` (G/(G − 1)),
 * `CR1p` (G/(G − p)), `CR1S` (G(n − 1)/((G − 1)(n − p))), `CR2` (Bell–McCaffrey bias-reduced
 * linearisation) and `CR3` as `clubSandwich::vcovCR` with clusters from `options.cluster`.
 * Cluster-robust tests use clubSandwich's Satterthwaite df by default (`coef_test`'s default).
 * R², adjusted R² and the overall F test are those of `summary(lm)` (classical F).
 *
 * References: Bell & McCaffrey (2002), Survey Methodology 28(2); Pustejovsky & Tipton (2018),
 * Small-sample methods for cluster-robust variance estimation and hypothesis testing in fixed
 * effects models, JBES 36(4); MacKinnon & White (1985), J. Econometrics 29 (HC0–HC3).
 *
 * @param formula - e.g. `"score ~ arm + baseline"`; no random-effects terms (use `fitLmm`).
 * @param data - rows (missing = null), an arquero table, a `{ columns, values }` frame or an object of columns.
 * @param options - see {@link OlsOptions}; every option documents its default.
 * @throws FormulaError for an unparseable formula (with the position) or a column that is not in the data.
 * @throws ArgumentError for a non-numeric response, no complete rows (e.g. every outcome missing),
 *   fewer rows than design columns or no residual degrees of freedom, a random-effects term,
 *   an unknown option value, a `CR*` type without `options.cluster` (or a cluster with a
 *   non-`CR` type), an unknown cluster column, fewer than two clusters, or a missing cluster
 *   id under `clusterMissing: 'error'` (naming the row).
 * @example
 * // the SFT-shaped trial at 9 months: therapy groups as clusters, controls as singletons
 * const fit = fitOls('score ~ arm + baseline', sft9, {
 *   vcov: 'CR2', cluster: 'therapy_group', clusterMissing: 'singleton',
 * });
 * fit.fixedEffects[1]; // { term: 'armSFT', estimate: 1.3662…, se: 1.6528…, df: 63.126…, … }, as clubSandwich::coef_test
 * fit.cluster; // { variable: 'therapy_group', nClusters: 132, nSingletons: 113, minSize: 1, maxSize: 9 }
 */
export function fitOls(formula: string, data: ModelData, options: OlsOptions = {}): OlsFit {
  checkOlsOptions(options);
  const parsed = parseFormula(formula);
  if (parsed.random.length > 0) {
    throw new ArgumentError('formula', formula, 'a formula without random-effects terms such as "(1 | id)"; for a mixed model use fitLmm');
  }
  const { frame, clusters } = olsFrame(parsed, data, options);
  return fitOlsFrame(frame, options, clusters);
}

/** The stage before the fit: the model frame and the cluster grouping (options checked by the caller). */
export function olsFrame(parsed: ReturnType<typeof parseFormula>, data: ModelData, options: OlsOptions): { frame: ModelFrame; clusters: ClusterIndex | null } {
  const settings = normaliseOptions(options);
  const src = toColumnSource(data, 'data', options.instrument);
  if (settings.cluster !== null && !src.has(settings.cluster)) {
    const avail = src.names();
    throw new ArgumentError('options.cluster', settings.cluster, `a column of the data; available: ${avail.slice(0, 30).join(', ')}${avail.length > 30 ? ', …' : ''}`);
  }
  const frame = buildModelFrame(parsed, src, frameOptionsOf(options));
  const clusters = settings.cluster === null ? null : clusterIndexFor(frame, src, settings.cluster, settings.clusterMissing);
  return { frame, clusters };
}

/** The option checks of fitOls (unknown keys), for callers that build the frame themselves. */
export function checkOlsOptions(options: OlsOptions): void {
  checkOptions('options', options, OLS_OPTION_KEYS);
}

interface Settings {
  vcov: OlsVcovType;
  ddf: OlsDdf;
  ciLevel: number;
  cluster: string | null;
  clusterMissing: ClusterMissingPolicy;
}

function normaliseOptions(options: OlsOptions): Settings {
  const vcov = options.vcov ?? 'classical';
  if (!VCOV_TYPES.includes(vcov)) throw new ArgumentError('options.vcov', vcov, `one of ${VCOV_TYPES.map((t) => `"${t}"`).join(', ')}`);
  const ciLevel = options.ciLevel ?? 0.95;
  checkCiLevel(ciLevel, 'options.ciLevel');
  const clusterMissing = options.clusterMissing ?? 'error';
  if (clusterMissing !== 'error' && clusterMissing !== 'singleton') {
    throw new ArgumentError('options.clusterMissing', clusterMissing, '"error" or "singleton"');
  }
  const cluster = options.cluster ?? null;
  if (isClusterType(vcov) && (cluster === null || cluster === '')) {
    throw new ArgumentError('options.cluster', cluster, `the name of the cluster column, which vcov "${vcov}" needs`);
  }
  if (!isClusterType(vcov) && cluster !== null) {
    throw new ArgumentError('options.vcov', vcov, `a cluster-robust type such as "CR2" when options.cluster ("${cluster}") is given`);
  }
  if (cluster !== null && typeof cluster !== 'string') throw new ArgumentError('options.cluster', cluster, 'a column name');
  const ddf = options.ddf ?? (isClusterType(vcov) ? 'Satterthwaite' : 'residual');
  if (!DDF_METHODS.includes(ddf)) throw new ArgumentError('options.ddf', ddf, `one of ${DDF_METHODS.map((t) => `"${t}"`).join(', ')}`);
  if (ddf === 'naive-t' && !isClusterType(vcov)) throw new ArgumentError('options.ddf', ddf, 'a cluster-robust vcov type (naive-t uses G − 1 clusters)');
  if (ddf === 'Satterthwaite' && vcov === 'classical') {
    throw new ArgumentError('options.ddf', ddf, '"residual" with the classical covariance (Satterthwaite df belong to the sandwich types)');
  }
  return { vcov, ddf, ciLevel, cluster, clusterMissing };
}

/** Group the frame's rows by the cluster column (the stage between the frame and the fit). */
export function clusterIndexFor(frame: ModelFrame, src: ColumnSource, cluster: string, policy: ClusterMissingPolicy = 'error'): ClusterIndex {
  const col = src.column(cluster);
  // encodeVariable validates the values (no mixing of numbers and text, no objects) and turns
  // them into labels; integer typed arrays may come back uncoded, and are used as they are.
  const enc = encodeVariable(cluster, col, true, undefined);
  const ids = enc.kind === 'factor' ? enc.raw : (col as ArrayLike<number>);
  return buildClusterIndex(ids, frame.rows, policy, cluster, (i) => col[i]);
}

/**
 * Fit from a built model frame (the stage after `buildModelFrame`), with the cluster grouping
 * from {@link clusterIndexFor} for the `CR*` types.
 */
export function fitOlsFrame(frame: ModelFrame, options: OlsOptions = {}, clusters: ClusterIndex | null = null): OlsFit {
  checkOptions('options', options, OLS_OPTION_KEYS);
  const { vcov: vcovType, ddf, ciLevel } = normaliseOptions(options);
  if (isClusterType(vcovType) && clusters === null) {
    throw new ArgumentError('clusters', null, `a cluster grouping for vcov "${vcovType}"`);
  }
  const n = frame.n;
  const pAll = frame.spec.columnNames.length;
  if (pAll === 0) throw new ArgumentError('formula', frame.formula.text, 'at least one column in the design (an intercept or a predictor)');
  if (n < pAll) {
    throw new ArgumentError('data', `${n} complete rows`, `at least as many rows as the ${pAll} design columns (${frame.spec.columnNames.join(', ')})`);
  }
  checkResponseVaries(frame.y, frame.formula.response ?? 'response');
  const ls = leastSquares(frame.X, frame.y, n, pAll, frame.spec.intercept);
  const r = ls.r;
  const dfResidual = n - r;
  if (dfResidual <= 0) {
    throw new ArgumentError('data', `${n} complete rows`, `more rows than the ${r} estimable coefficients, so that the residual variance can be estimated`);
  }
  const diagnostics: Diagnostic[] = [];
  const droppedColumns = ls.aliased.map((j) => frame.spec.columnNames[j]!);
  if (droppedColumns.length) {
    diagnostics.push(
      rankDeficient(droppedColumns, { design: 'The design', others: 'earlier', asR: "R's lm does (its NA coefficients)", hint: 'Check for duplicated or collinear covariates, or empty factor cells.' }),
    );
  }
  if (frame.dropped.total > 0) diagnostics.push(rowsDropped(frame.dropped, frame.nInput, ': the fit uses complete cases only.'));

  const sigma2 = ls.rss / dfResidual;
  const sigma = Math.sqrt(sigma2);
  const h = hatValues(ls);
  const summary = fitSummary(frame, ls, sigma2);
  if (isPerfectFit(ls, sigma2)) {
    diagnostics.push(perfectFit());
  }

  const names = ls.kept.map((j) => frame.spec.columnNames[j]!);
  let V: Float64Array;
  let dfs: Float64Array | number;
  let adjustment: Adjustment = 'none';
  if (vcovType === 'classical') {
    V = ls.M.map((m) => m * sigma2);
    dfs = dfResidual;
  } else {
    const cov = robustCovariance(ls, vcovType, clusters, ddf === 'Satterthwaite', diagnostics, frame, options.cluster ?? '', h);
    V = cov.vcov;
    adjustment = cov.adjustment;
    const G = clusters?.G ?? n;
    dfs = ddf === 'Satterthwaite' ? cov.df! : ddf === 'naive-t' ? G - 1 : ddf === 'asymptotic' ? Infinity : dfResidual;
    if (ddf === 'Satterthwaite' && cov.df!.some((d) => d < SMALL_DF)) {
      const small = names.filter((_, j) => cov.df![j]! < SMALL_DF);
      diagnostics.push(smallDf(small, SMALL_DF));
    }
  }
  if (ddf === 'asymptotic') dfs = Infinity;

  const fixedEffects: OlsCoefficientRow[] = names.map((term, j) => {
    const estimate = ls.beta[j]!;
    const se = Math.sqrt(V[j * r + j]!);
    const df = typeof dfs === 'number' ? dfs : dfs[j]!;
    return { term, ...waldRow(estimate, se, df, ciLevel), estimate, ciLevel };
  });
  const lost = fixedEffects.filter((row) => !row.estimable);
  if (lost.length && !diagnostics.some((d) => d.code === 'vcov-undefined')) {
    diagnostics.push(coefficientNotEstimable(lost.map((r) => r.term), vcovType, lost[0]!.reason));
  }

  const fit: Omit<OlsFit, 'state'> = {
    kind: 'ols',
    formula: frame.formula.text,
    vcovType,
    ddf,
    fixedEffects,
    vcov: Array.from({ length: r }, (_, i) => Array.from(V.subarray(i * r, (i + 1) * r))),
    columnNames: [...frame.spec.columnNames],
    droppedColumns,
    rank: r,
    sigma,
    dfResidual,
    ...summary,
    nObs: n,
    dropped: frame.dropped,
    fitted: ls.fitted,
    residuals: ls.residuals,
    hatValues: h,
    rows: frame.rows,
    cluster:
      clusters === null
        ? null
        : {
            variable: options.cluster ?? '',
            nClusters: clusters.G,
            nSingletons: clusters.nSingletons,
            minSize: clusters.minSize,
            maxSize: clusters.maxSize,
          },
    diagnostics,
  };
  return setOlsState(fit, {
    frame,
    ls,
    clusters: vcovType === 'classical' || !isClusterType(vcovType) ? null : clusters,
    vcovType,
    ddf,
    adjustment,
    vcov: V,
    dfResidual,
    nClusters: isClusterType(vcovType) ? clusters!.G : n,
  });
}

/** summary.lm's check: residual variance < 1e-30 · (mean(ŷ)² + var(ŷ)). */
function isPerfectFit(ls: LeastSquares, sigma2: number): boolean {
  const { n, fitted } = ls;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += fitted[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (fitted[i]! - mean) ** 2;
  const variance = n > 1 ? ss / (n - 1) : 0;
  return sigma2 < (mean * mean + variance) * 1e-30;
}

/** R², adjusted R², F and likelihood criteria as `summary.lm` and `logLik.lm` define them. */
function fitSummary(frame: ModelFrame, ls: LeastSquares, sigma2: number): Pick<OlsFit, 'rSquared' | 'adjRSquared' | 'fStatistic' | 'logLik' | 'aic' | 'bic'> {
  const { n, r, rss, fitted } = ls;
  const intercept = frame.spec.intercept;
  const dfInt = intercept ? 1 : 0;
  // R: mss = Σ(f − mean f)² with an intercept, Σf² without; R² = mss/(mss + rss).
  let mean = 0;
  if (intercept) {
    for (let i = 0; i < n; i++) mean += fitted[i]!;
    mean /= n;
  }
  let mss = 0;
  for (let i = 0; i < n; i++) mss += (fitted[i]! - mean) ** 2;
  const rSquared = mss / (mss + rss);
  const dfResidual = n - r;
  const adjRSquared = 1 - (1 - rSquared) * ((n - dfInt) / dfResidual);
  let fStatistic: OlsFit['fStatistic'] = null;
  if (r > dfInt) {
    const numDf = r - dfInt;
    const value = mss / numDf / sigma2;
    fStatistic = { statistic: value, numDf, denDf: dfResidual, pValue: fCdf(value, numDf, dfResidual, { lowerTail: false }) };
  }
  const logLik = 0.5 * -n * (Math.log(2 * Math.PI) + 1 - Math.log(n) + Math.log(rss));
  const k = r + 1;
  return { rSquared, adjRSquared, fStatistic, logLik, aic: -2 * logLik + 2 * k, bic: -2 * logLik + Math.log(n) * k };
}

export function robustCovariance(
  ls: LeastSquares,
  type: Exclude<OlsVcovType, 'classical'>,
  clusters: ClusterIndex | null,
  wantDf: boolean,
  diagnostics: Diagnostic[],
  frame: ModelFrame,
  clusterName: string,
  hat: Float64Array,
): { vcov: Float64Array; df: Float64Array | null; adjustment: Adjustment } {
  const { n, r } = ls;
  let grouping: ClusterIndex | null = null;
  if (isClusterType(type)) {
    grouping = clusters!;
    if (grouping.G < 2) {
      throw new ArgumentError('options.cluster', `${grouping.G} cluster`, 'at least two clusters for a cluster-robust covariance');
    }
  }
  const { adjustment, scale } = sandwichSettings(type, n, r, grouping ? grouping.G : n);
  if (grouping) {
    const G = grouping.G;
    if (type === 'CR1p' && !(G > r)) {
      diagnostics.push(cr1pUndefined(G, r));
    }
    if (G < FEW_CLUSTERS && type !== 'CR2' && type !== 'CR3') {
      diagnostics.push(fewClustersSandwich(G, type));
    }
    if (grouping.nSingletons > 0) {
      diagnostics.push(clusterSingletons(grouping.nSingletons, clusterName));
    }
  }
  const res = sandwichCovariance(ls, grouping, adjustment, scale, wantDf, hat);
  if (res.singular.length && adjustment !== 'none') {
    const which = grouping
      ? res.singular.slice(0, 10).map((g) => grouping!.labels[g] ?? `singleton row ${frame.rows[grouping!.order[grouping!.offsets[g]!]!]}`)
      : res.singular.slice(0, 10).map((i) => `row ${frame.rows[i]}`);
    diagnostics.push(leverageOne(which, res.singular.length, Boolean(grouping), type));
  }
  return { ...res, adjustment };
}
