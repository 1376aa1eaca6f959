/**
 * `fitGlm`: generalised linear models by IRLS (R's glm.fit) and the negative binomial by
 * alternating IRLS and ML for θ (MASS::glm.nb), with classical, HC and cluster-robust
 * covariances. Stages shared with `fitOls`: formula → frame → least squares (on working
 * columns) → sandwich. See docs/methods/glm.md.
 */
import { chiSquaredCdf } from '../../distributions/chi-squared.js';
import { ArgumentError, ValidationError, issue, type Diagnostic, type ValidationIssue } from '../../errors/index.js';
import { checkCiLevel, checkInteger, checkFinite, checkOneOf, checkOptions, optionKeys } from '../../errors/checks.js';
import { buildModelFrame, frameOptionsOf, type ModelFrame } from '../../formula/frame.js';
import { parseFormula } from '../../formula/parse.js';
import { clusterIndexFor, robustCovariance } from '../ols/fit.js';
import type { ClusterIndex } from '../ols/clusters.js';
import { hatValues, unshiftCovariance } from '../ols/least-squares.js';
import type { ClusterMissingPolicy } from '../ols/types.js';
import { toColumnSource, type ModelData } from '../data-input.js';
import { waldRow } from '../../results/not-estimable.js';
import { FAMILY_LINKS, FAMILY_NAMES, DEFAULT_LINK, checkResponse, makeFamily, type Family, type FamilyName, type LinkName } from './family.js';
import { glmCr2 } from './sandwich.js';
import { interceptCarrier, irls, negativeBinomialFit, type IrlsFit, type IrlsProblem } from './irls.js';
import { setGlmOffsetColumns, setGlmState } from './state.js';
import { registerGlmView } from './view.js';
import type { GlmCoefficientRow, GlmControl, GlmFit, GlmOptions, GlmVcovType, NegativeBinomialTheta } from './types.js';
import { irlsBoundary, nonIntegerBinomialWeights, notConverged, poissonOverdispersion, rankDeficient, rowsDroppedMissingValues, separation, thetaInfinite, thetaNotConcave } from '../../errors/diagnostics.js';

// Before any fit: marginalMeans, contrast and anova find GLM fits through this view.
registerGlmView();

const VCOV_TYPES: readonly GlmVcovType[] = ['classical', 'HC0', 'HC1', 'HC2', 'HC3', 'CR0', 'CR1', 'CR1S', 'CR2'];
const SEPARATED = 'the maximum-likelihood estimate is infinite (separation: the outcome is predicted perfectly for a subset of rows)';

const OPTION_KEYS = optionKeys<GlmOptions>()([
  'family',
  'link',
  'trials',
  'weights',
  'offset',
  'exposure',
  'allowNonIntegerCounts',
  'vcov',
  'cluster',
  'clusterMissing',
  'ciLevel',
  'control',
  'levels',
  'factors',
  'instrument',
]);
const CONTROL_KEYS = optionKeys<GlmControl>()(['epsilon', 'maxIterations']);

/** Pearson dispersion above this (with a significant Pearson χ²) is reported as overdispersion. */
const OVERDISPERSION_RATIO = 1.5;

/** Validated settings of a GLM fit. */
export interface GlmSettings {
  family: FamilyName;
  link: LinkName;
  vcov: GlmVcovType;
  ciLevel: number;
  epsilon: number;
  maxIterations: number;
  cluster: string | null;
  clusterMissing: ClusterMissingPolicy;
}

/** Per-row inputs of the fit besides the frame, over the frame's rows. */
export interface GlmColumns {
  /** Response: successes (binomial with trials), 0/1, counts or positive values. */
  y: Float64Array;
  /** Trials per row (binomial with `trials`), else `null`. */
  trials: Float64Array | null;
  /** Prior weights, else `null` (all 1). */
  weights: Float64Array | null;
  /** Offset including log(exposure), else `null`. */
  offset: Float64Array | null;
}

const isCluster = (t: GlmVcovType): boolean => t.startsWith('CR');

function normalise(options: GlmOptions): GlmSettings {
  checkOptions('options', options, OPTION_KEYS);
  if (options.family === undefined) {
    throw new ArgumentError('options.family', undefined, `one of ${FAMILY_NAMES.map((f) => JSON.stringify(f)).join(', ')}`, 'The family is required: a 0/1 or count outcome fitted as normal gives wrong answers');
  }
  const family = checkOneOf('options.family', options.family, FAMILY_NAMES);
  const link = options.link === undefined ? DEFAULT_LINK[family] : checkOneOf('options.link', options.link, FAMILY_LINKS[family]);
  const vcov = checkOneOf('options.vcov', options.vcov ?? 'classical', VCOV_TYPES);
  const ciLevel = checkCiLevel(options.ciLevel ?? 0.95, 'options.ciLevel');
  const control = checkOptions('options.control', options.control, CONTROL_KEYS);
  const epsilon = checkFinite('options.control.epsilon', control.epsilon ?? 1e-10, 1e-15, 1e-2);
  const maxIterations = checkInteger('options.control.maxIterations', control.maxIterations ?? 100, 1, 10000);
  const clusterMissing = checkOneOf('options.clusterMissing', options.clusterMissing ?? 'error', ['error', 'singleton'] as const);
  const cluster = options.cluster ?? null;
  if (cluster !== null && typeof cluster !== 'string') throw new ArgumentError('options.cluster', cluster, 'a column name');
  if (isCluster(vcov) && cluster === null) throw new ArgumentError('options.cluster', cluster, `the name of the cluster column, which vcov "${vcov}" needs`);
  if (!isCluster(vcov) && cluster !== null) {
    throw new ArgumentError('options.vcov', vcov, `a cluster-robust type such as "CR2" when options.cluster ("${cluster}") is given`);
  }
  if (options.trials !== undefined && family !== 'binomial') {
    throw new ArgumentError('options.trials', options.trials, `nothing: trials belong to the binomial family, not ${family}`);
  }
  if (options.exposure !== undefined && link !== 'log') {
    throw new ArgumentError('options.exposure', options.exposure, `a log link for an exposure (log(exposure) enters the linear predictor), not the ${link} link`);
  }
  if (options.allowNonIntegerCounts !== undefined && typeof options.allowNonIntegerCounts !== 'boolean') {
    throw new ArgumentError('options.allowNonIntegerCounts', options.allowNonIntegerCounts, 'true or false');
  }
  return { family, link, vcov, ciLevel, epsilon, maxIterations, cluster, clusterMissing };
}

/**
 * Fit a generalised linear model.
 *
 * IRLS as R's `glm.fit` (same starting values, step-halving when the deviance is not finite or
 * η/μ leave the valid region, and also when the deviance rises; convergence
 * |D − D_old|/(|D| + 0.1) < ε, with a tighter default ε = 1e-10). Columns that are linear
 * combinations of earlier ones are dropped as R does (NA coefficients), with a diagnostic.
 * `negativeBinomial` estimates the NB2 size θ by ML alternating with IRLS, as `MASS::glm.nb`,
 * reported as `negativeBinomialTheta` with its SE. Tests are z tests when the dispersion is
 * fixed and t tests on the residual df when it is estimated (gaussian, gamma; Pearson
 * dispersion), as `summary.glm`. Deviance, null deviance, log-likelihood, AIC and BIC are R's.
 * The covariance is `classical`, `HC0`–`HC3` (sandwich::vcovHC) or `CR0`, `CR1`, `CR1S`,
 * `CR2` by a cluster column (clubSandwich::vcovCR): the OLS sandwich on the working columns.
 * Separation (an infinite estimate) is a diagnostic naming the terms, and their rows are not estimable (`estimable: false`, numbers `null`, `reason`).
 *
 * References: McCullagh & Nelder (1989), Generalized Linear Models, 2nd ed.; Venables & Ripley
 * (2002), Modern Applied Statistics with S, §7.4; Zeileis (2006), J. Stat. Softw. 16(9);
 * Pustejovsky & Tipton (2018), JBES 36(4).
 *
 * @param formula - e.g. `"employed ~ arm + age"`; no random-effects terms (use fitGlmm).
 * @param data - rows (missing = null), an arquero table, a `{ columns, values }` frame or an object of columns.
 * @param options - see {@link GlmOptions}; `family` is required.
 * @throws ArgumentError for a missing or unknown family, a link the family does not have, an
 *   unknown option or column, trials outside binomial, an exposure without a log link, a
 *   cluster option inconsistent with `vcov`, an outcome that is all 0 (or all 1 for binomial).
 * @throws ValidationError listing every row whose response does not fit the family (0/1,
 *   successes ≤ trials, whole counts ≥ 0, positive gamma values) or whose weight, trials,
 *   offset or exposure is missing, non-finite or out of range (exposure and weights > 0).
 * @example
 * const fit = fitGlm('Days ~ Eth + Sex + Age + Lrn', quine, { family: 'negativeBinomial' });
 * fit.negativeBinomialTheta; // { estimable: true, estimate: 1.2748926…, se: 0.1610356… }, θ as MASS::glm.nb
 */
export function fitGlm(formula: string, data: ModelData, options: GlmOptions = {}): GlmFit {
  const settings = normalise(options);
  const parsed = parseFormula(formula);
  if (parsed.random.length > 0) {
    throw new ArgumentError('formula', formula, 'a formula without random-effects terms such as "(1 | id)"; for a mixed model use fitGlmm');
  }
  const src = toColumnSource(data, 'data', options.instrument);
  const columnOptions = ['trials', 'weights', 'offset', 'exposure', 'cluster'] as const;
  for (const key of columnOptions) {
    const name = options[key];
    if (name === undefined) continue;
    if (typeof name !== 'string' || !src.has(name)) {
      const avail = src.names();
      throw new ArgumentError(`options.${key}`, name, `a column of the data; available: ${avail.slice(0, 30).join(', ')}${avail.length > 30 ? ', …' : ''}`);
    }
  }
  const frame = buildModelFrame(parsed, src, frameOptionsOf(options));
  const rowNumbers = Array.from(frame.rows, (r) => r + 1);
  const issues: ValidationIssue[] = [];
  const read = (name: string | undefined, expected: string, ok: (v: number) => boolean): Float64Array | null => {
    if (name === undefined) return null;
    const col = src.column(name);
    const out = new Float64Array(frame.n);
    for (let j = 0; j < frame.n; j++) {
      const v = col[frame.rows[j]!];
      if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) {
        issues.push(issue('data', rowNumbers[j]!, name, v, v === null || v === undefined ? `${expected} (the row has the formula's variables, so it is not dropped silently)` : expected));
      } else out[j] = v;
    }
    return out;
  };
  const weights = read(options.weights, 'a finite prior weight > 0', (v) => v > 0);
  const trials = read(options.trials, 'a whole number of trials ≥ 1', (v) => Number.isInteger(v) && v >= 1);
  const offset = read(options.offset, 'a finite offset', () => true);
  const exposure = read(options.exposure, 'an exposure > 0 (e.g. days at risk; log(exposure) enters the model)', (v) => v > 0);
  if (issues.length) throw new ValidationError(issues, 'Columns named in the options have bad values in rows used by the fit');
  const checkFamily = settings.family === 'negativeBinomial' ? makeFamily('negativeBinomial', 'log', 1) : makeFamily(settings.family, settings.link);
  checkResponse(checkFamily, Array.from(frame.y), trials ? Array.from(trials) : new Array<number>(frame.n).fill(1), rowNumbers, {
    field: frame.formula.response!,
    ...(options.trials !== undefined ? { trialsField: options.trials } : {}),
    allowNonInteger: options.allowNonIntegerCounts ?? false,
  });
  let off: Float64Array | null = offset;
  if (exposure) {
    off = off ?? new Float64Array(frame.n);
    for (let j = 0; j < frame.n; j++) off[j] = off[j]! + Math.log(exposure[j]!);
  }
  checkNotDegenerate(settings.family, frame, trials);
  const clusters = settings.cluster === null ? null : clusterIndexFor(frame, src, settings.cluster, settings.clusterMissing);
  const fit = fitGlmFrame(frame, settings, { y: frame.y, trials, weights, offset: off }, clusters);
  setGlmOffsetColumns(fit, { ...(options.offset !== undefined ? { offset: options.offset } : {}), ...(options.exposure !== undefined ? { exposure: options.exposure } : {}) });
  return fit;
}

/** An outcome with no variation at the boundary has an infinite MLE for the intercept: say so before fitting. */
function checkNotDegenerate(family: FamilyName, frame: ModelFrame, trials: Float64Array | null): void {
  const name = frame.formula.response!;
  const y = frame.y;
  if (family === 'poisson' || family === 'negativeBinomial') {
    if (y.every((v) => v === 0)) {
      throw new ArgumentError(`data.${name}`, `0 in all ${frame.n} rows used`, 'a count outcome with at least one non-zero value', 'With no events the log rate is -Infinity and nothing can be estimated; report the zero count instead of a model');
    }
  }
  if (family === 'binomial') {
    const allZero = y.every((v) => v === 0);
    const allFull = y.every((v, j) => v === (trials ? trials[j]! : 1));
    if (allZero || allFull) {
      throw new ArgumentError(`data.${name}`, `${allZero ? 'no successes' : 'only successes'} in all ${frame.n} rows used`, 'a binary outcome with both outcomes present', 'The log-odds are infinite and nothing can be estimated; report the proportion instead of a model');
    }
  }
}

/**
 * Fit from a built model frame with validated settings and columns (the unchecked twin of
 * {@link fitGlm}; the cluster grouping from `clusterIndexFor` for the `CR*` types).
 */
export function fitGlmFrame(frame: ModelFrame, settings: GlmSettings, cols: GlmColumns, clusters: ClusterIndex | null): GlmFit {
  const n = frame.n;
  const p = frame.spec.columnNames.length;
  const { family: familyName, link } = settings;
  if (p === 0) throw new ArgumentError('formula', frame.formula.text, 'at least one column in the design (an intercept or a predictor)');
  if (n < p) throw new ArgumentError('data', `${n} complete rows`, `at least as many rows as the ${p} design columns (${frame.spec.columnNames.join(', ')})`);
  const prior = cols.weights ?? new Float64Array(n).fill(1);
  const y = new Float64Array(n);
  const wt = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const m = cols.trials ? cols.trials[i]! : 1;
    y[i] = cols.y[i]! / m;
    wt[i] = prior[i]! * m;
  }
  const offset = cols.offset ?? new Float64Array(n);
  const prob: IrlsProblem = {
    X: frame.X,
    n,
    p,
    intercept: frame.spec.intercept,
    y,
    wt,
    offset,
    epsilon: settings.epsilon,
    maxIterations: settings.maxIterations,
  };
  const diagnostics: Diagnostic[] = [];
  let fit: IrlsFit;
  let theta: NegativeBinomialTheta | null = null;
  let converged: boolean;
  if (familyName === 'negativeBinomial') {
    const nb = negativeBinomialFit(prob);
    fit = nb.fit;
    converged = nb.converged && fit.converged;
    if (Number.isFinite(nb.theta.theta) && Number.isFinite(nb.theta.se)) {
      theta = { estimable: true, estimate: nb.theta.theta, se: nb.theta.se };
    } else if (Number.isFinite(nb.theta.theta)) {
      theta = { estimable: false, reason: `not estimable: the log-likelihood is not concave in θ at ${nb.theta.theta.toPrecision(6)}, so θ has no standard error there` };
      diagnostics.push(thetaNotConcave());
    } else {
      theta = { estimable: false, reason: 'not estimable: the likelihood increases up to θ = ∞ (no overdispersion beyond the Poisson)' };
      diagnostics.push(thetaInfinite());
    }
  } else {
    fit = irls(prob, makeFamily(familyName, link));
    converged = fit.converged;
  }
  const family = fit.family;
  const r = fit.kept.length;
  const dfResidual = n - r;
  if (family.estimatesDispersion && dfResidual <= 0) {
    throw new ArgumentError('data', `${n} complete rows`, `more rows than the ${r} estimable coefficients, so that the ${familyName} dispersion can be estimated`);
  }
  const names = fit.kept.map((j) => frame.spec.columnNames[j]!);
  const droppedColumns = fit.aliased.map((j) => frame.spec.columnNames[j]!);
  if (droppedColumns.length) {
    diagnostics.push(
      rankDeficient(droppedColumns, { design: 'The design', others: 'earlier', asR: "R's glm does (its NA coefficients)", hint: 'Check for collinear covariates or empty factor cells.' }),
    );
  }
  if (frame.dropped.total > 0) {
    diagnostics.push(rowsDroppedMissingValues(frame.dropped, frame.nInput));
  }

  if (familyName === 'binomial' && !cols.trials && cols.weights?.some((v) => !Number.isInteger(v))) {
    diagnostics.push(nonIntegerBinomialWeights());
  }
  // Dispersion: Pearson for gaussian and gamma (summary.glm), 1 otherwise.
  let pearson = 0;
  for (let i = 0; i < n; i++) pearson += (wt[i]! * (y[i]! - fit.mu[i]!) ** 2) / family.variance(fit.mu[i]!);
  const dispersion = family.estimatesDispersion ? pearson / dfResidual : 1;
  const logLik = logLikelihood(family, y, fit.mu, wt, prior, cols.trials, fit.deviance);
  const logLikDf = r + (family.estimatesDispersion || familyName === 'negativeBinomial' ? 1 : 0);

  let Vs: Float64Array;
  if (settings.vcov === 'classical') {
    Vs = fit.unscaled.map((v) => v * dispersion);
  } else {
    // The OLS stage also checks the clusters and words the diagnostics; CR2 then takes clubSandwich's GLM working model.
    let { vcov } = robustCovariance(fit.ls, settings.vcov, clusters, false, diagnostics, frame, settings.cluster ?? '', hatValues(fit.ls));
    if (settings.vcov === 'CR2') {
      checkCr2Work(clusters!);
      const phi = fit.mu.map((m, i) => family.variance(m) / wt[i]!);
      vcov = glmCr2(fit.ls, clusters!, phi).vcov;
    }
    Vs = unshiftCovariance(vcov, fit.shift, interceptCarrier(r), r);
  }
  const df = family.estimatesDispersion ? dfResidual : Infinity;
  const diverging = new Set(fit.diverging);
  const fixedEffects: GlmCoefficientRow[] = names.map((term, j) => {
    const estimate = fit.beta[j]!;
    const se = Math.sqrt(Vs[j * r + j]!);
    // A separated term keeps where the iterations stopped as its estimate (the row type's rule for
    // an estimate that is a finite number) and nothing else: no SE, test or interval.
    const row = waldRow(estimate, se, df, settings.ciLevel, diverging.has(j) ? SEPARATED : null);
    return { term, ...row, estimate: row.estimate ?? estimate, ciLevel: settings.ciLevel };
  });

  if (diverging.size) {
    const terms = [...diverging].map((j) => names[j]!);
    const what = familyName === 'binomial' ? 'separation: some combination of these terms predicts the outcome perfectly for a subset of rows' : 'a zero count in every row of some cell of these terms';
    diagnostics.push(separation(terms, what));
  } else if (!converged) {
    diagnostics.push(notConverged(`IRLS did not converge in ${settings.maxIterations} iterations (criterion ${settings.epsilon}). Try a larger options.control.maxIterations, rescaling covariates, or a simpler model.`));
  }
  if (fit.boundary) {
    diagnostics.push(irlsBoundary(link));
  }
  if (familyName === 'poisson' && dfResidual > 0) {
    const ratio = pearson / dfResidual;
    const pOver = chiSquaredCdf(pearson, dfResidual, { lowerTail: false });
    if (ratio > OVERDISPERSION_RATIO && pOver < 0.05) {
      diagnostics.push(poissonOverdispersion(ratio, pOver));
    }
  }

  const nullDeviance = nullDevianceOf(prob, family, fit, frame.spec.intercept);
  const dfNull = n - (frame.spec.intercept ? 1 : 0);
  const result: Omit<GlmFit, 'state'> = {
    kind: 'glm',
    formula: frame.formula.text,
    family: familyName,
    link,
    method: `${familyName} GLM (${link} link)${familyName === 'negativeBinomial' ? ', θ by ML' : ''}, IRLS, ${settings.vcov} covariance, ${df === Infinity ? 'z' : 't'} tests`,
    vcovType: settings.vcov,
    fixedEffects,
    vcov: Array.from({ length: r }, (_, i) => Array.from(Vs.subarray(i * r, (i + 1) * r))),
    columnNames: [...frame.spec.columnNames],
    droppedColumns,
    rank: r,
    deviance: fit.deviance,
    nullDeviance,
    dfResidual,
    dfNull,
    dispersion,
    logLik,
    logLikDf,
    aic: -2 * logLik + 2 * logLikDf,
    bic: -2 * logLik + Math.log(n) * logLikDf,
    nObs: n,
    negativeBinomialTheta: theta,
    iterations: fit.iterations,
    converged,
    dropped: frame.dropped,
    fitted: fit.mu,
    linearPredictor: fit.eta,
    workingWeights: fit.w,
    rows: frame.rows,
    cluster:
      clusters === null
        ? null
        : { variable: settings.cluster ?? '', nClusters: clusters.G, nSingletons: clusters.nSingletons, minSize: clusters.minSize, maxSize: clusters.maxSize },
    diagnostics,
  };
  return setGlmState(result, { frame, family, kept: fit.kept, aliased: fit.aliased, beta: fit.beta, vcov: Vs, offset: cols.offset, offsetColumns: {} });
}

/** Σ n_g³ above which the GLM CR2 (one dense n_g × n_g eigen-decomposition per cluster) would run for minutes. */
const CR2_MAX_WORK = 5e8;

function checkCr2Work(clusters: ClusterIndex): void {
  let work = 0;
  for (let g = 0; g < clusters.G; g++) work += (clusters.offsets[g + 1]! - clusters.offsets[g]!) ** 3;
  if (work > CR2_MAX_WORK) {
    throw new ArgumentError(
      'options.vcov',
      'CR2',
      `a cluster-robust type without per-cluster matrix roots ("CR1S", "CR1", "CR0") for clusters this large`,
      `The GLM CR2 needs one n_g × n_g eigen-decomposition per cluster: Σ n_g³ = ${work.toExponential(2)} here (largest cluster ${clusters.maxSize} rows), above the ${CR2_MAX_WORK.toExponential(0)} this library computes. Use "CR1S", or clusters of at most a few hundred rows`,
    );
  }
}

/**
 * The log-likelihood as R's family$aic counts it: binomial with trials weighs each row's
 * dbinom(successes, trials) by its prior weight (R: m = n when any n > 1); gamma at the
 * dispersion D/Σw and gaussian at D/n, R's choices for AIC.
 */
function logLikelihood(family: Family, y: Float64Array, mu: Float64Array, wt: Float64Array, prior: Float64Array, trials: Float64Array | null, dev: number): number {
  const n = y.length;
  let sw = 0;
  for (let i = 0; i < n; i++) sw += wt[i]!;
  const disp = family.name === 'gamma' ? dev / sw : dev / n;
  const byTrials = trials !== null && trials.some((m) => m > 1);
  let ll = 0;
  for (let i = 0; i < n; i++) {
    ll += byTrials ? prior[i]! * family.logDensity(y[i]!, mu[i]!, trials[i]!, disp) : family.logDensity(y[i]!, mu[i]!, wt[i]!, disp);
  }
  return ll;
}

/**
 * Deviance of the intercept-only model (with the offset), as R: the weighted mean without an
 * offset; with an offset an intercept-only IRLS fit (glm's refit), except for the negative
 * binomial, whose null deviance MASS::glm.nb takes from glm.fit's weighted mean regardless.
 */
function nullDevianceOf(prob: IrlsProblem, family: Family, fit: IrlsFit, intercept: boolean): number {
  const { y, wt, offset, n } = prob;
  const hasOffset = offset.some((v) => v !== 0);
  let mu0: Float64Array;
  if (!intercept) {
    mu0 = offset.map((o) => family.linkinv(o));
  } else if (!hasOffset || family.name === 'negativeBinomial') {
    let a = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      a += wt[i]! * y[i]!;
      b += wt[i]!;
    }
    mu0 = new Float64Array(n).fill(a / b);
  } else {
    mu0 = irls({ ...prob, X: new Float64Array(n).fill(1), p: 1, intercept: true }, family, fit.eta).mu;
  }
  let d = 0;
  for (let i = 0; i < n; i++) d += family.devResid(y[i]!, mu0[i]!, wt[i]!);
  return d;
}
