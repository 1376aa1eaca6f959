/**
 * Every diagnostic code a result can carry, and every diagnostic message: one builder per
 * message, grouped by capability, taking the varying parts as typed arguments (as vega-lite's
 * src/log/message.ts). `Diagnostic.code` is typed by this list, so a new code is added here
 * first (the compiler rejects a diagnostic with a code not listed), and a caller can switch on
 * codes with exhaustiveness checks. Codes are stable: renaming one is a breaking change. src/
 * outside errors/ makes diagnostics only through these builders, never as inline objects
 * (tests/errors/diagnostics.test.ts scans the sources), so the wording lives in one place.
 */
import type { Diagnostic } from './index.js';

/** The diagnostic codes, grouped by where they arise (several are shared). */
export const DIAGNOSTIC_CODES = [
  // Model fits (ols, glm, lmm, glmm, mmrm): data and design
  'rows-dropped',
  'rank-deficient',
  'coefficient-not-estimable',
  'random-term-one-level',
  'random-effect-column-far-from-zero',
  'ill-conditioned-fixed-effects',
  'non-integer-binomial-weights',
  // Model fits: the optimiser and the fit
  'not-converged',
  'pirls-not-converged',
  'hessian-not-positive-definite',
  'singular',
  'boundary',
  'separation',
  'overdispersion',
  'theta-infinite',
  'theta-not-estimable',
  'perfect-fit',
  // Covariance and degrees of freedom (sandwich, clusters)
  'vcov-undefined',
  'leverage-one',
  'few-clusters',
  'cluster-singletons',
  'small-df',
  // Tables and tests of counts
  'zero-cell',
  'small-expected',
  // Clinical significance
  'one-category',
  'missing',
  'not-classifiable',
  'empty-arm',
  'empty-category',
  'degenerate-variance',
  'per-arm-sd',
  'reliability-internal-consistency',
  'score-at-cutoff',
  'cutoff-auto',
  'no-cutoff',
  // Dose-response
  'control-attendance',
  'treated-without-group',
  'reference-band-empty',
  'exact-first-stage',
  'weak-instrument',
  // Subgroups
  'subgroup-definition',
  // Economics: costs, QALYs and the bootstrap
  'incomplete-cases-excluded',
  'missing-values-excluded',
  'missing-costs',
  'too-few-complete-cases',
  'value-set-assumed',
  'arms-assumed',
  'very-small-group',
  'no-gross-costs',
  'no-zero-costs',
  'bootstrap-replicates-failed',
  'non-finite-replicates',
  'bca-unavailable',
  'extreme-order-statistics',
  'ungrouped-in-clustered-arm',
  'worker-fallback',
  'not-estimable',
  // Power and the parametric bootstrap
  'analysis-failed',
  'refit-failed',
  'type-i-error-inflated',
  // The analysis of a plan
  'section-failed',
  'section-not-available',
  'primary-not-estimable',
  'outcome-not-estimable',
  'effect-size-not-estimable',
  'missing-baseline',
  'non-finite-values',
  'register-status-not-analysed',
  'unregistered-instrument',
] as const;

/** A diagnostic code: one of {@link DIAGNOSTIC_CODES}. */
export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];

/** A diagnostic with its code, severity, message and optional details. */
export function diagnostic(code: DiagnosticCode, severity: Diagnostic['severity'], message: string, details?: Record<string, unknown>): Diagnostic {
  return details === undefined ? { code, severity, message } : { code, severity, message, details };
}

// Shared by several capabilities

/**
 * `rank-deficient`: aliased columns were dropped, as R drops them. `design` names the design
 * (`The design`, `The fixed-effects design`), `others` the columns they depend on (`earlier`
 * for a pivoted QR that keeps the first of a dependent set, as lm and glm do), `asR` what R
 * does, `hint` what to check.
 * @example
 * rankDeficient(['x2'], { design: 'The design', others: 'earlier', asR: "R's lm does (its NA coefficients)", hint: 'Check for collinear covariates.' }).message;
 * // 'The design is rank deficient: "x2" is a linear combination of earlier columns and was dropped, as R's lm does (its NA coefficients). Check for collinear covariates.'
 */
export function rankDeficient(droppedColumns: readonly string[], how: { design: string; others: 'earlier' | 'other'; asR: string; hint: string }): Diagnostic {
  const one = droppedColumns.length === 1;
  const names = droppedColumns.map((c) => `"${c}"`).join(', ');
  return diagnostic(
    'rank-deficient',
    'warning',
    `${how.design} is rank deficient: ${names} ${one ? 'is a linear combination' : 'are linear combinations'} of ${how.others} columns and ${one ? 'was' : 'were'} dropped, as ${how.asR}. ${how.hint}`,
    { droppedColumns: [...droppedColumns] },
  );
}

/**
 * `incomplete-cases-excluded`: participants without `what` were left out (complete-case analysis).
 * @example
 * incompleteCasesExcluded(3, 'a cost total or a covariate').message;
 * // '3 participant(s) without a cost total or a covariate were left out (complete-case analysis).'
 */
export function incompleteCasesExcluded(excluded: number, what: string, details: Record<string, unknown> = { excluded }): Diagnostic {
  return diagnostic('incomplete-cases-excluded', 'info', `${excluded} participant(s) without ${what} were left out (complete-case analysis).`, details);
}

/**
 * `rows-dropped`: a model frame's rows with a missing value were left out, counted by what was
 * missing; `consequence` continues the message after the counts (what the fit uses).
 * @example
 * rowsDropped({ total: 3, missingResponse: 2, missingPredictor: { age: 1 } }, 40, ': the fit uses complete cases only.').message;
 * // '3 of 40 rows were left out (2 with a missing response; 1 with a missing age): the fit uses complete cases only.'
 */
export function rowsDropped(dropped: { total: number; missingResponse: number; missingPredictor: Record<string, number> }, nInput: number, consequence: string): Diagnostic {
  const parts = [`${dropped.missingResponse} with a missing response`];
  for (const [k, c] of Object.entries(dropped.missingPredictor)) parts.push(`${c} with a missing ${k}`);
  return diagnostic('rows-dropped', 'info', `${dropped.total} of ${nInput} rows were left out (${parts.join('; ')})${consequence}`, { ...dropped });
}

/**
 * `worker-fallback`: work meant for worker threads ran on the calling thread (`why` says why,
 * `what` names the work); the numbers are the same either way.
 * @example
 * workerFallback('Worker threads exist in Node only', 'the bootstrap').message;
 * // 'Worker threads exist in Node only; the bootstrap ran on the calling thread with identical results.'
 */
export function workerFallback(why: string, what: string): Diagnostic {
  return diagnostic('worker-fallback', 'info', `${why}; ${what} ran on the calling thread with identical results.`);
}

/** `not-converged`: an iterative fit stopped without confirming convergence; `message` says which and what to try. */
export function notConverged(message: string): Diagnostic {
  return diagnostic('not-converged', 'warning', message);
}

/**
 * `effect-size-not-estimable`: the effect size `what` has no estimate, for `reason`.
 * @example
 * effectSizeNotEstimable('Model-based effect size at 9m', 'the baseline SD is 0').message;
 * // 'Model-based effect size at 9m not estimable: the baseline SD is 0'
 */
export function effectSizeNotEstimable(what: string, reason: string): Diagnostic {
  return diagnostic('effect-size-not-estimable', 'warning', `${what} not estimable: ${reason}`);
}

// Ordinary least squares and its sandwich covariances (src/models/ols)

/** `perfect-fit`: the residual variance is numerically zero, so inference is unreliable. */
export function perfectFit(): Diagnostic {
  return diagnostic(
    'perfect-fit',
    'warning',
    'The model fits the data essentially perfectly (residual variance below 1e-30 of the fitted values’ scale, R’s threshold in summary.lm), so standard errors, tests and R² are unreliable. Check that the response is not also computed from the predictors.',
  );
}

/** `small-df`: Satterthwaite df of the `terms` fall below `threshold` (CR2 with few clusters). */
export function smallDf(terms: readonly string[], threshold: number): Diagnostic {
  return diagnostic(
    'small-df',
    'warning',
    `The Satterthwaite degrees of freedom of ${terms.map((c) => `"${c}"`).join(', ')} are below ${threshold}: the information about ${terms.length === 1 ? 'it' : 'them'} comes from very few clusters, and tests and intervals may not hold their nominal level even with CR2 (Tipton 2015). Report them with caution.`,
    { terms: [...terms] },
  );
}

/** `coefficient-not-estimable`: coefficients `terms` have no test or interval under the covariance `vcovType`, for `reason`. */
export function coefficientNotEstimable(terms: readonly string[], vcovType: string, reason: string | null): Diagnostic {
  return diagnostic(
    'coefficient-not-estimable',
    'error',
    `${terms.length === 1 ? 'The coefficient' : 'The coefficients'} ${terms.map((t) => `"${t}"`).join(', ')} cannot be tested or given an interval under the ${vcovType} covariance: ${reason}. They are reported as not estimable.`,
    { terms: [...terms], reason },
  );
}

/** `vcov-undefined`: CR1p with no more clusters (`G`) than coefficients (`p`). */
export function cr1pUndefined(G: number, p: number): Diagnostic {
  return diagnostic('vcov-undefined', 'error', `CR1p needs more clusters than coefficients (G = ${G}, p = ${p}); its standard errors are NaN, as in clubSandwich. Use CR2.`);
}

/** `few-clusters`: `G` clusters are too few for the sandwich `type` without small-sample correction. */
export function fewClustersSandwich(G: number, type: string): Diagnostic {
  return diagnostic(
    'few-clusters',
    'warning',
    `Only ${G} clusters: ${type} standard errors are biased downward with few clusters, and tests over-reject. Prefer vcov "CR2" with Satterthwaite df (Pustejovsky & Tipton 2018).`,
    { nClusters: G },
  );
}

/** `cluster-singletons`: `n` rows without a cluster (`clusterName`) became clusters of their own. */
export function clusterSingletons(n: number, clusterName: string): Diagnostic {
  return diagnostic(
    'cluster-singletons',
    'info',
    `${n} row${n === 1 ? '' : 's'} without a ${clusterName} ${n === 1 ? 'was' : 'were'} treated as ${n === 1 ? 'a cluster' : 'clusters'} of ${n === 1 ? 'its' : 'their'} own (clusterMissing: "singleton").`,
    { nSingletons: n },
  );
}

/**
 * `leverage-one`: the units `which` (the first ten of `nSingular`; clusters when `clustered`)
 * alone determine some coefficient, so the `type` adjustment uses a pseudo-inverse there.
 */
export function leverageOne(which: readonly string[], nSingular: number, clustered: boolean, type: string): Diagnostic {
  return diagnostic(
    'leverage-one',
    'warning',
    `${clustered ? 'Clusters' : 'Rows'} ${which.join(', ')}${nSingular > 10 ? ', …' : ''} alone determine some coefficient (I − H has a zero eigenvalue), so the ${type} adjustment is undefined there; as clubSandwich does, a pseudo-inverse is used and ${nSingular === 1 ? 'that unit adds' : 'those units add'} nothing to the variance in that direction (sandwich's vcovHC would return NaN). Check for a covariate or factor level carried by a single ${clustered ? 'cluster' : 'row'}.`,
    { units: [...which] },
  );
}

// Linear mixed models for repeated measures (src/models/mmrm)

/** `hessian-not-positive-definite`: the MMRM Hessian is not positive definite, so Satterthwaite and Kenward–Roger df are approximate. */
export function mmrmHessianNotPd(): Diagnostic {
  return diagnostic(
    'hessian-not-positive-definite',
    'warning',
    'The Hessian of the log-likelihood in the variance parameters is not positive definite (a boundary or a poorly identified structure), so Satterthwaite and Kenward–Roger degrees of freedom are approximate. A simpler covariance structure may be more trustworthy.',
  );
}

// Tables and tests of counts (src/inference)

/** `zero-cell`: an event count is 0, so `correction` was added to every cell before the risk ratio. */
export function zeroCellRiskRatio(correction: number): Diagnostic {
  return diagnostic(
    'zero-cell',
    'info',
    `An event count is 0; ${correction} was added to every cell of the 2×2 table before computing the ratio and its interval.`,
    { zeroCorrection: correction },
  );
}

/** `zero-cell`: a cell is 0, so `correction` was added to every cell (Haldane–Anscombe) before the odds ratio. */
export function zeroCellOddsRatio(correction: number): Diagnostic {
  return diagnostic(
    'zero-cell',
    'info',
    `A cell of the 2×2 table is 0; ${correction} was added to every cell (Haldane–Anscombe) before computing the odds ratio and its interval.`,
    { zeroCorrection: correction },
  );
}

/** `small-expected`: the smallest expected count of a χ² test is below 5. */
export function smallExpected(smallest: number): Diagnostic {
  return diagnostic(
    'small-expected',
    'warning',
    `The smallest expected count is ${smallest.toPrecision(3)} (< 5): the χ² approximation may be poor; consider Fisher's exact test.`,
    { smallestExpected: smallest },
  );
}

// Generalised linear models (src/models/glm)

/** `theta-not-estimable`: the negative-binomial θ search ended where the likelihood is not concave in θ. */
export function thetaNotConcave(): Diagnostic {
  return diagnostic(
    'theta-not-estimable',
    'warning',
    'The negative-binomial θ search ended where the likelihood is not concave in θ; θ and the coefficients may not be at the maximum. Check the counts for extreme values, or compare with a Poisson fit using a sandwich covariance.',
  );
}

/** `theta-infinite`: the negative-binomial likelihood increases up to θ = ∞ (the Poisson limit). */
export function thetaInfinite(): Diagnostic {
  return diagnostic(
    'theta-infinite',
    'warning',
    'The counts show no overdispersion: the negative-binomial likelihood keeps increasing as θ → ∞, the Poisson limit. The coefficients are those of the Poisson model; fit family "poisson" (MASS::glm.nb would stop at a huge θ with "iteration limit reached").',
  );
}

/** `rows-dropped`: rows with a missing value in the formula's variables were left out (the glm wording, without counts by variable). */
export function rowsDroppedMissingValues(dropped: { total: number; missingResponse: number; missingPredictor: Record<string, number> }, nInput: number): Diagnostic {
  return diagnostic('rows-dropped', 'info', `${dropped.total} of ${nInput} rows were left out for missing values in the formula's variables: the fit uses complete cases only.`, { ...dropped });
}

/** `non-integer-binomial-weights`: prior weights that are not whole numbers on a 0/1 response. */
export function nonIntegerBinomialWeights(): Diagnostic {
  return diagnostic(
    'non-integer-binomial-weights',
    'warning',
    'Prior weights that are not whole numbers on a 0/1 response: R counts each weighted row as round(w) trials in the log-likelihood (warning "non-integer #successes in a binomial glm"), and so do logLik, AIC and BIC here; the estimates and standard errors do not depend on it.',
  );
}

/** `separation`: the estimates of `terms` are infinite, for the reason `what`. */
export function separation(terms: readonly string[], what: string): Diagnostic {
  return diagnostic(
    'separation',
    'error',
    `The estimates of ${terms.map((t) => `"${t}"`).join(', ')} are infinite (${what}); their coefficients, standard errors and tests are meaningless. Try combining sparse categories, removing the term, or a penalised fit (Firth's bias-reduced regression, e.g. R's brglm2); report the cell counts.`,
    { terms },
  );
}

/** `boundary`: IRLS was pulled back into the valid region of the `link` link. */
export function irlsBoundary(link: string): Diagnostic {
  return diagnostic(
    'boundary',
    'warning',
    `The iterations had to be pulled back into the valid region of the ${link} link (R's "algorithm stopped at boundary value"); the estimate may be at the edge of the parameter space. Consider another link (e.g. log instead of identity or inverse).`,
  );
}

/** `overdispersion`: Poisson counts with Pearson χ²/df `ratio` and p-value `pValue`. */
export function poissonOverdispersion(ratio: number, pValue: number): Diagnostic {
  return diagnostic(
    'overdispersion',
    'warning',
    `The counts vary more than a Poisson model allows (Pearson χ²/df = ${ratio.toFixed(2)}, p = ${pValue.toPrecision(2)}): standard errors are too small. Fit family "negativeBinomial", or use vcov "HC0"/"CR2".`,
    { dispersionRatio: ratio, pValue },
  );
}

// Linear mixed models (src/models/lmm)

/** `random-term-one-level`: the random term `term` of grouping `group` is not estimable, for `reason`; `levelsWithData` lists the levels with data. */
export function randomTermOneLevel(reason: string, term: string, group: string, levelsWithData: readonly string[]): Diagnostic {
  return diagnostic(
    'random-term-one-level',
    'error',
    `Not estimable: ${reason}. Collect data from at least two ${group}s (more than a handful for a useful estimate of their variance), or drop the term if the design has no such clustering.`,
    { term, group, levelsWithData: [...levelsWithData] },
  );
}

/** `not-converged`: the LMM optimiser did not confirm convergence (`why`, its message). */
export function lmmNotConverged(why: string): Diagnostic {
  return diagnostic(
    'not-converged',
    'warning',
    `The optimiser did not confirm convergence (${why}). Estimates may be imprecise: try rescaling numeric covariates, simplifying the random-effects structure, or other starting values (options.control.start).`,
  );
}

/** `singular`: a variance of the random terms `terms` (as `(label)`) is zero or a correlation ±1. */
export function lmmSingular(terms: readonly string[]): Diagnostic {
  return diagnostic(
    'singular',
    'warning',
    `The fit is singular (on the boundary): a variance of ${terms.join(', ')} is estimated as zero, or a correlation as ±1. The data carry no evidence of that variation; the fixed effects remain valid, but consider simplifying the random-effects structure, and do not read the zero as an exact absence of variation.`,
    { terms },
  );
}

/** `coefficient-not-estimable`: fixed effects `terms` have no test or interval, for `reason` (the mixed-model wording). */
export function fixedEffectsNotEstimable(terms: readonly string[], reason: string | null): Diagnostic {
  return diagnostic(
    'coefficient-not-estimable',
    'error',
    `${terms.length === 1 ? 'The coefficient' : 'The coefficients'} ${terms.map((t) => `"${t}"`).join(', ')} cannot be tested or given an interval: ${reason}. ${terms.length === 1 ? 'Its' : 'Their'} standard error, df, p-value and interval are reported as not estimable.`,
    { terms: [...terms], reason },
  );
}

/** `hessian-not-positive-definite`: the variance-parameter Hessian is not positive definite, so Satterthwaite df are approximate. */
export function satterthwaiteHessianNotPd(): Diagnostic {
  return diagnostic(
    'hessian-not-positive-definite',
    'warning',
    'The Hessian of the deviance in the variance parameters is not positive definite (usual for a singular fit), so Satterthwaite degrees of freedom are approximate. Kenward–Roger or a simpler random-effects structure may be more trustworthy.',
  );
}

/** `ill-conditioned-fixed-effects`: the fixed-effect `columns` are nearly linear combinations of the others even after centring. */
export function illConditionedFixedEffects(columns: readonly { column: string; oneMinusR2: number }[]): Diagnostic {
  const worst = Math.min(...columns.map((w) => w.oneMinusR2));
  return diagnostic(
    'ill-conditioned-fixed-effects',
    'warning',
    `Even after centring, ${columns.map((w) => `"${w.column}"`).join(', ')} ${columns.length === 1 ? 'is' : 'are'} nearly a linear combination of the other fixed-effect columns ` +
      `(1 − R² down to ${worst.toExponential(1)}), so about ${Math.round(-Math.log10(worst))} of the 16 significant digits of ${columns.length === 1 ? 'its' : 'their'} estimates are lost to rounding. ` +
      'This usually means a covariate far from 0 enters an interaction or a power: centre it (subtract its mean) before fitting, which gives the same model with the other coefficients referring to the centre.',
    { columns },
  );
}

/** `random-effect-column-far-from-zero`: the random-effects `column` of the term `term` has mean `mean` far from 0 relative to its `sd`. */
export function randomEffectColumnFarFromZero(term: string, column: string, mean: number, sd: number): Diagnostic {
  return diagnostic(
    'random-effect-column-far-from-zero',
    'warning',
    `The random-effects column "${column}" of (${term}) lies far from 0 relative to its spread (mean ${mean.toPrecision(4)}, SD ${sd.toPrecision(3)}). ` +
      'The other columns of the term then describe the groups at that variable = 0, far outside the data, with correlations near ±1 that make the variance parameters hard to estimate and sensitive to rounding. ' +
      'Centre the variable (subtract its mean) before fitting: for a term with an intercept and an unstructured covariance this is the same model, with the intercept variance at the centre.',
    { term, column, mean, sd },
  );
}

// Generalised linear mixed models (src/models/glmm)

/** `hessian-not-positive-definite`: the GLMM Hessian is not positive definite, so standard errors fall back to the conditional information (glmer's fallback). */
export function glmmHessianNotPd(): Diagnostic {
  return diagnostic(
    'hessian-not-positive-definite',
    'warning',
    "The Hessian of the deviance in the variance parameters and fixed effects is not positive definite (usual for a singular fit), so standard errors use the conditional information at the estimated variances (glmer's fallback) and ignore their uncertainty. Consider a simpler random-effects structure.",
  );
}

/** `pirls-not-converged`: PIRLS did not settle within `iterations` steps at the estimates. */
export function pirlsNotConverged(iterations: number): Diagnostic {
  return diagnostic(
    'pirls-not-converged',
    'warning',
    `The inner iterations for the random effects (PIRLS) did not settle within ${iterations} steps at the estimates; the likelihood is approximate. This usually means near-separation or extreme counts in some groups.`,
  );
}

/** `singular`: a variance of the random terms `terms` (as `(label)`) is zero or a correlation ±1 (the GLMM wording). */
export function glmmSingular(terms: readonly string[]): Diagnostic {
  return diagnostic(
    'singular',
    'warning',
    `The fit is singular (on the boundary): a variance of ${terms.join(', ')} is estimated as zero, or a correlation as ±1 (correlations with a zero-variance effect are not estimable and not listed). The data carry no evidence of that variation; the fixed effects remain usable, but consider simplifying the random-effects structure.`,
    { terms },
  );
}

/** `separation`: GLMM estimates of `terms` run off to infinity; `extremeFitted` fitted probabilities are 0 or 1. */
export function glmmSeparation(terms: readonly string[], extremeFitted: number): Diagnostic {
  return diagnostic(
    'separation',
    'warning',
    `Complete or quasi-complete separation: the estimate of ${terms.map((s) => `"${s}"`).join(', ')} runs off towards infinity (some cells of the design have only successes or only failures; ${extremeFitted} fitted probabilities are 0 or 1 to eight decimals). Its standard error, test and interval are not estimable: combine sparse categories, drop the term, or use a penalised (Firth) fit.`,
    { terms, extremeFitted },
  );
}

/** `overdispersion`: a Poisson GLMM with Pearson χ² `chisq` on `rdf` residual df (ratio, p-value). */
export function glmmOverdispersion(chisq: number, rdf: number, ratio: number, pValue: number): Diagnostic {
  return diagnostic(
    'overdispersion',
    'warning',
    `The counts vary more than a Poisson model allows: the Pearson χ² is ${chisq.toFixed(1)} on ${rdf} residual degrees of freedom (ratio ${ratio.toFixed(2)}, p = ${pValue.toExponential(2)}). Standard errors are then too small. Try family "negativeBinomial", or an observation-level random intercept.`,
    { pearsonChiSquared: chisq, residualDf: rdf, ratio, pValue },
  );
}

// Dose-response: two-stage least squares (src/dose-response)

/** `rows-dropped`: rows with a missing value were left out (the 2SLS wording). */
export function rowsDroppedCompleteCases(dropped: { total: number; missingResponse: number; missingPredictor: Record<string, number> }, nInput: number): Diagnostic {
  return diagnostic('rows-dropped', 'info', `${dropped.total} of ${nInput} rows were left out for missing values (complete cases only).`, { ...dropped });
}

/** `leverage-one`: `nSingular` clusters alone determine some coefficient of the 2SLS fit (the `vcovType` adjustment). */
export function leverageOneClusters(nSingular: number, vcovType: string): Diagnostic {
  return diagnostic('leverage-one', 'warning', `${nSingular} cluster(s) alone determine some coefficient, so the ${vcovType} adjustment uses a pseudo-inverse there (as clubSandwich).`);
}

/** `exact-first-stage`: the instruments predict the endogenous variable `endogenous` exactly. */
export function exactFirstStage(endogenous: string): Diagnostic {
  return diagnostic(
    'exact-first-stage',
    'info',
    `The instruments predict "${endogenous}" exactly (the first-stage residuals are 0), so its first-stage F is infinite: the instrument is as strong as one can be, and 2SLS is the ratio of the reduced-form and first-stage differences.`,
    { endogenous },
  );
}

/** `rows-dropped`: `dropped` of `treated` treated participants lacked an outcome at `visit`, a baseline or a covariate. */
export function treatedRowsDropped(dropped: number, treated: number, visit: string): Diagnostic {
  return diagnostic(
    'rows-dropped',
    'info',
    `${dropped} of ${treated} treated participants were left out for a missing outcome at ${visit}, baseline or covariate (complete cases).`,
    { total: dropped },
  );
}

/** `treated-without-group`: `count` treated participants have no therapy group (each its own cluster). */
export function treatedWithoutGroup(count: number): Diagnostic {
  return diagnostic('treated-without-group', 'warning', `${count} treated participant(s) have no therapy group; each is treated as a cluster of their own.`);
}

/** `reference-band-empty`: no treated participant attended the reference band, so `firstBand` is compared with `reference`. */
export function referenceBandEmpty(firstBand: string, reference: string): Diagnostic {
  return diagnostic('reference-band-empty', 'info', `No treated participant analysed attended ${firstBand} sessions, so the band differences are relative to ${reference}.`);
}

/** `rows-dropped`: `dropped` of `randomised` participants lacked an outcome at `visit`, a baseline or a covariate. */
export function randomisedRowsDropped(dropped: number, randomised: number, visit: string): Diagnostic {
  return diagnostic(
    'rows-dropped',
    'info',
    `${dropped} of ${randomised} randomised participants were left out for a missing outcome at ${visit}, baseline or covariate (complete cases).`,
    { total: dropped },
  );
}

/** `control-attendance`: control participants `ids` have attendance recorded (contamination). */
export function controlAttendance(ids: readonly string[]): Diagnostic {
  return diagnostic(
    'control-attendance',
    'warning',
    `${ids.length} control participant${ids.length === 1 ? ' has' : 's have'} attendance recorded (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}): contamination of the control arm. The within-arm dose–response ignores controls; the instrumental-variable effects use the recorded attendance, which keeps them consistent under monotonicity, but "controls attend 0" no longer holds. Set options.controlAttendance = "error" to stop instead.`,
    { ids },
  );
}

/** `weak-instrument`: the first-stage F for `endogenous` is below `threshold`. */
export function weakInstrument(endogenous: string, F: number, threshold: number): Diagnostic {
  return diagnostic(
    'weak-instrument',
    'warning',
    `The first-stage F of the instruments for "${endogenous}" is ${F.toFixed(2)}, below ${threshold} (Staiger & Stock 1997): 2SLS is then biased towards OLS and its intervals are unreliable.`,
    { endogenous, F },
  );
}

// Clinical significance: reliable and clinically significant change (src/clinical-significance)

/** `cutoff-auto`: cut-off `'auto'` chose `chosen`, of cut-off type `type`. */
export function cutoffAuto(chosen: string, type: string): Diagnostic {
  return diagnostic('cutoff-auto', 'info', `Cut-off 'auto' chose ${chosen}.`, { type });
}

/** `not-classifiable`: Hageman–Arrindell at `visit` (and `arm`) has too few complete pairs with varying scores. */
export function haNoVaryingPairs(visit: string, arm: string | null, pairs: number): Diagnostic {
  return diagnostic(
    'not-classifiable',
    'error',
    `Hageman–Arrindell at visit "${visit}"${arm === null ? '' : `, arm "${arm}"`}: ${pairs} complete pairs whose pre and post scores do not both vary (at least 3 with varying scores are needed); those participants are not classified.`,
    { visit, arm, pairs },
  );
}

/** `not-classifiable`: Hageman–Arrindell at `visit` (and `arm`) has a non-positive r_dd. */
export function haReliabilityNotPositive(visit: string, arm: string | null): Diagnostic {
  return diagnostic(
    'not-classifiable',
    'error',
    `Hageman–Arrindell at visit "${visit}"${arm === null ? '' : `, arm "${arm}"`}: the reliability of the difference scores r_dd is not positive, so no index exists; those participants are not classified.`,
    { visit, arm },
  );
}

/** `missing`: participants without a score, per arm and visit, are counted as missing. */
export function missingScores(byArmVisit: readonly { arm: string; visit: string; missingFollowUp: number; missingBaseline: number; missingBoth: number }[]): Diagnostic {
  const parts = byArmVisit.map((c) => `${c.arm} at ${c.visit}: ${c.missingFollowUp} without follow-up, ${c.missingBaseline} without baseline, ${c.missingBoth} without either`);
  return diagnostic('missing', 'info', `Participants without a score are counted as missing, not as unchanged (${parts.join('; ')}).`, {
    byArmVisit: byArmVisit.map((c) => ({ arm: c.arm, visit: c.visit, missingFollowUp: c.missingFollowUp, missingBaseline: c.missingBaseline, missingBoth: c.missingBoth })),
  });
}

/** `reliability-internal-consistency`: the reliability `value` is an internal-consistency `statistic`, not test–retest. */
export function reliabilityInternalConsistency(value: number, statistic: string | null): Diagnostic {
  return diagnostic(
    'reliability-internal-consistency',
    'info',
    `The reliability ${value} is an internal-consistency coefficient (${statistic}); reliable change assumes test–retest reliability, which is usually lower for a state-like construct, so this threshold is narrower (more people counted as changed) than a test–retest one would be.`,
  );
}

/** `no-cutoff`: without a cut-off only reliable change is classified. */
export function noCutoff(): Diagnostic {
  return diagnostic('no-cutoff', 'info', 'No cut-off: categories are improved / unchanged / deteriorated only (no recovered or harmed).');
}

/** `score-at-cutoff`: `count` scores equal the cut-off `value` exactly. */
export function scoreAtCutoff(count: number, value: number): Diagnostic {
  return diagnostic(
    'score-at-cutoff',
    'info',
    `${count} score${count === 1 ? ' equals' : 's equal'} the cut-off ${value} exactly; a score at the cut-off counts as dysfunctional.`,
    { count },
  );
}

/** `per-arm-sd`: each arm is judged by its own baseline mean and SD. */
export function perArmSd(): Diagnostic {
  return diagnostic(
    'per-arm-sd',
    'warning',
    'The index uses each arm’s own baseline mean and SD, so the arms are judged by different yardsticks; a between-arm comparison of categories then mixes threshold and treatment differences. "pooled" avoids this.',
  );
}

// Clinical significance: ordinal outcomes (src/clinical-significance/ordinal.ts)

/** `empty-category`: the categories `dropped` (0-based) are empty in both groups. */
export function emptyCategories(dropped: readonly number[]): Diagnostic {
  const k = dropped.length;
  return diagnostic('empty-category', 'info', `${k} categor${k === 1 ? 'y is' : 'ies are'} empty in both groups and ${k === 1 ? 'was' : 'were'} dropped.`, { dropped: [...dropped] });
}

/** `one-category`: every observation is in one category. */
export function oneCategory(): Diagnostic {
  return diagnostic('one-category', 'warning', 'Every observation is in one category: there is nothing to compare.');
}

/** `separation`: the ordinal groups do not overlap, so the odds ratio is infinite (`above`) or 0. */
export function ordinalSeparation(above: boolean): Diagnostic {
  return diagnostic(
    'separation',
    'warning',
    above
      ? 'Every treatment observation is at or above every reference observation: the odds ratio is infinite (no finite ML estimate). Report the probability of superiority instead.'
      : 'Every treatment observation is at or below every reference observation: the odds ratio is 0 (no finite ML estimate). Report the probability of superiority instead.',
  );
}

/** `degenerate-variance`: the Brunner–Munzel variance is 0 or undefined. */
export function brunnerMunzelDegenerate(): Diagnostic {
  return diagnostic('degenerate-variance', 'warning', 'The Brunner–Munzel variance is 0 or undefined (no overlap between the groups, or a group of one): no interval.');
}

// Clinical significance: comparing the arms' categories (src/clinical-significance/compare.ts)

/** `missing`: `rows` participant × visit rows without a classification are left out of every denominator. */
export function unclassifiedRowsLeftOut(rows: number): Diagnostic {
  return diagnostic(
    'missing',
    'info',
    `${rows} participant × visit rows without a classification (no follow-up or no baseline) are left out of every denominator: counted as missing, never as unchanged (see \`missing\`). The comparison is among those classified, so it assumes they are missing at random.`,
    { rows },
  );
}

/** `per-arm-sd`: the categories being compared used each arm's own baseline SD. */
export function perArmSdCompared(): Diagnostic {
  return diagnostic('per-arm-sd', 'warning', 'The categories were computed with each arm’s own baseline SD, so the arms were classified by different thresholds.');
}

/** `empty-arm`: at `visit`, the arm `arm` (the reference arm when `isReference`) has no classified participant. */
export function emptyArmAtVisit(visit: string, arm: string, isReference: boolean): Diagnostic {
  return diagnostic(
    'empty-arm',
    'warning',
    `At visit "${visit}" ${isReference ? `reference arm "${arm}"` : `arm "${arm}"`} has no classified participant: no comparison.`,
    { visit, arm },
  );
}

// Power by simulation (src/power)

/** `analysis-failed`: `count` of `replicates` analyses for `what` failed; `byReason` most frequent first. */
export function analysesFailed(what: string, count: number, replicates: number, byReason: readonly { reason: string; count: number; replicates: number[] }[]): Diagnostic {
  return diagnostic(
    'analysis-failed',
    'warning',
    `${count} of ${replicates} analyses for the ${what} failed and are not in its rate (most often: ${byReason[0]!.reason}).`,
    { byReason },
  );
}

/** `type-i-error-inflated`: the simulated type-I error `estimate` (interval `ci`) is above the nominal `alpha`. */
export function typeIErrorInflated(estimate: number, ci: readonly [number, number], alpha: number): Diagnostic {
  return diagnostic(
    'type-i-error-inflated',
    'warning',
    `The type-I error ${estimate.toFixed(3)} (interval ${ci[0].toFixed(3)}–${ci[1].toFixed(3)}) is above the nominal ${alpha}: the analysis is anticonservative for this design.`,
  );
}

/** `refit-failed`: `count` of `nsim` parametric-bootstrap refits failed; `byReason` most frequent first. */
export function refitsFailed(count: number, nsim: number, byReason: readonly { reason: string; count: number; replicates: number[] }[]): Diagnostic {
  return diagnostic(
    'refit-failed',
    'warning',
    `${count} of ${nsim} bootstrap refits failed and are left out of the summaries (most often: ${byReason[0]!.reason}).`,
    { byReason },
  );
}

// Subgroups (src/subgroups)

/** `subgroup-definition`: notes on how the subgroup `label` was defined. */
export function subgroupDefinition(label: string, notes: readonly string[]): Diagnostic {
  return diagnostic('subgroup-definition', 'info', `${label}: ${notes.join('; ')}.`);
}

// Economics: the nonparametric bootstrap (src/economics/bootstrap)

/** `ungrouped-in-clustered-arm`: `count` participants of the clustered `arm` have no therapy group. */
export function ungroupedInClusteredArm(arm: string, count: number): Diagnostic {
  return diagnostic('ungrouped-in-clustered-arm', 'warning', `${count} participant(s) of arm "${arm}" have no therapy group; each was resampled as a cluster of one.`, { arm, count });
}

/** `few-clusters`: `arm` has only `clusters` clusters for a cluster bootstrap. */
export function fewClustersBootstrap(arm: string, clusters: number): Diagnostic {
  return diagnostic(
    'few-clusters',
    'warning',
    `Arm "${arm}" has only ${clusters} clusters: a cluster bootstrap with fewer than about 10 clusters understates uncertainty.`,
    { arm, clusters },
  );
}

/** `non-finite-replicates`: `dropped` of `total` bootstrap replicates were not finite. */
export function nonFiniteReplicates(dropped: number, total: number): Diagnostic {
  return diagnostic(
    'non-finite-replicates',
    'warning',
    `${dropped} of ${total} replicates were not finite (e.g. a resample with no complete cases in an arm) and were dropped.`,
    { dropped },
  );
}

/** `not-estimable`: the bootstrap has no finite estimate or replicates. */
export function bootstrapNotEstimable(): Diagnostic {
  return diagnostic('not-estimable', 'error', 'No finite estimate or replicates: not estimable.');
}

/** `extreme-order-statistics`: an interval endpoint is an extreme order statistic. */
export function extremeOrderStatistics(): Diagnostic {
  return diagnostic('extreme-order-statistics', 'warning', 'Extreme order statistics were used as interval endpoints: increase the number of replicates.');
}

/**
 * `bca-unavailable`: BCa fell back to the percentile interval, because the bias correction is
 * not finite (`below` of `total` replicates below the estimate) or, when `biasFinite`, the acceleration.
 */
export function bcaUnavailable(biasFinite: boolean, below: number, total: number): Diagnostic {
  return diagnostic(
    'bca-unavailable',
    'warning',
    !biasFinite
      ? `BCa needs replicates on both sides of the estimate (${below} of ${total} were below it); the percentile interval is given instead.`
      : 'The BCa acceleration is not finite (all influence values zero?); the percentile interval is given instead.',
  );
}

// Economics: costs, effects and cost-effectiveness (src/economics)

/** `no-zero-costs`: no cost is 0, so the two-part model is the gamma model. */
export function noZeroCosts(): Diagnostic {
  return diagnostic(
    'no-zero-costs',
    'info',
    'No participant has a cost of 0: the two-part model reduces to the gamma model (the probability of any cost is 1), and that is what was fitted.',
  );
}

/** `bootstrap-replicates-failed`: `failed` of `replicates` refits failed (a warning above 1 %). */
export function bootstrapReplicatesFailed(failed: number, replicates: number): Diagnostic {
  return diagnostic(
    'bootstrap-replicates-failed',
    failed > replicates / 100 ? 'warning' : 'info',
    `${failed} of ${replicates} bootstrap replicates could not be fitted (e.g. all costs 0 in an arm of the resample, or separation) and were left out; the interval is conditional on the fitted ones.`,
    { failed },
  );
}

/** `rank-deficient`: aliased covariates `dropped` (net-benefit regression). */
export function aliasedCovariatesDropped(dropped: readonly string[]): Diagnostic {
  return diagnostic('rank-deficient', 'warning', `Aliased covariate(s) dropped: ${dropped.join(', ')}.`, { dropped });
}

/** `no-gross-costs`: every item is marked saved. */
export function noGrossCosts(): Diagnostic {
  return diagnostic('no-gross-costs', 'warning', 'Every item is marked saved: the assessment has no gross cost.');
}

/** `very-small-group`: only `completers` participants complete each course. */
export function verySmallGroup(completers: number): Diagnostic {
  return diagnostic('very-small-group', 'info', `Only ${completers} participant(s) complete each course; seed 002 reports that municipalities find groups of 8–12 necessary for a gain.`);
}

/** `arms-assumed`: the control and treated arms were taken in data order. */
export function armsAssumed(control: string | undefined, treated: string | undefined): Diagnostic {
  return diagnostic('arms-assumed', 'info', `Control arm taken as "${control}" (first in the data) and treated as "${treated}"; pass control and treated to be explicit.`);
}

/** `missing-costs`: `participants` lack at least one cost category. */
export function missingCosts(participants: number): Diagnostic {
  return diagnostic(
    'missing-costs',
    'info',
    `${participants} participant(s) lack at least one cost category and are left out of the total (and of the categories they lack).`,
    { participants },
  );
}

// Economics: QALYs (src/economics/qaly)

/** `missing-values-excluded`: participants without a value, by arm, were left out. */
export function missingValuesExcluded(missing: { control: number; treated: number }): Diagnostic {
  return diagnostic('missing-values-excluded', 'info', `${missing.control} control and ${missing.treated} treated participant(s) without a value were left out.`, { ...missing });
}

/** `incomplete-cases-excluded`: participants without both the outcome and its baseline, by arm, were left out of both models. */
export function baselineIncompleteCases(excluded: { control: number; treated: number }): Diagnostic {
  return diagnostic(
    'incomplete-cases-excluded',
    'info',
    `${excluded.control} control and ${excluded.treated} treated participant(s) without both the outcome and its baseline were left out of both models.`,
    { ...excluded },
  );
}

/** `incomplete-cases-excluded`: at horizon `label`, participants without a utility at every one of `visits` were left out, counted by arm. */
export function qalyIncompleteCases(label: string, visits: readonly string[], nExcluded: number, byArm: readonly { arm: string; excluded: number }[]): Diagnostic {
  return diagnostic(
    'incomplete-cases-excluded',
    'info',
    `${label}: ${nExcluded} participant(s) without a utility at every visit (${visits.join(', ')}) were left out (complete-case analysis): ${byArm.map((a) => `${a.arm} ${a.excluded}`).join(', ')}.`,
    Object.fromEntries(byArm.map((a) => [a.arm, a.excluded])),
  );
}

/** `too-few-complete-cases`: at horizon `label`, `arm` has `n` complete cases (fewer than 2). */
export function tooFewCompleteCasesQaly(label: string, arm: string, n: number): Diagnostic {
  return diagnostic('too-few-complete-cases', 'warning', `${label}: arm "${arm}" has ${n} complete case(s); its standard error and interval are not estimable (need at least 2).`);
}

/** `value-set-assumed`: utilities taken to be scored with `valueSet` (a trailing full stop dropped) for the instrument `instrument`. */
export function valueSetAssumed(valueSet: string, instrument: string): Diagnostic {
  return diagnostic(
    'value-set-assumed',
    'info',
    `Utilities taken to be scored with ${valueSet.replace(/\.$/, '')}; pass valueSet to name another value set (its range must be registered as ${instrument}).`,
  );
}

// The analysis of a plan (src/analysis)

/** `section-not-available`: the section `key` was not available, for `reason`. */
export function sectionNotAvailable(key: string, reason: string): Diagnostic {
  return diagnostic('section-not-available', 'warning', `${key}: ${reason}`);
}

/** `section-failed`: the section `key` failed with the error `name`: `message`. */
export function sectionFailed(key: string, error: { name: string; message: string }): Diagnostic {
  return diagnostic('section-failed', 'error', `${key}: ${error.name}: ${error.message}`);
}

/** `outcome-not-estimable`: the outcome `instrument` was not estimable (`reason`, if known). */
export function outcomeNotEstimable(instrument: string, reason: string | undefined): Diagnostic {
  return diagnostic('outcome-not-estimable', 'warning', `${instrument}: ${reason ?? 'not estimable'}`);
}

/** `primary-not-estimable`: `line` says which primary estimate is missing and why. */
export function primaryOutcomeNotEstimable(line: string): Diagnostic {
  return diagnostic('primary-not-estimable', 'error', `Primary outcome ${line}`);
}

/** `non-finite-values`: `paths` of undefined numbers were stored as null (the first three named, the first fifty in details). */
export function nonFiniteValues(paths: readonly string[]): Diagnostic {
  return diagnostic(
    'non-finite-values',
    'warning',
    `${paths.length} undefined number(s) (NaN, infinite or beyond ±1e300) were stored as null, e.g. ${paths.slice(0, 3).join(', ')}`,
    { paths: paths.slice(0, 50) },
  );
}

/** `unregistered-instrument`: the instrument `id` is not in the registry. */
export function unregisteredInstrument(id: string): Diagnostic {
  return diagnostic('unregistered-instrument', 'info', `Instrument ${id} is not in the registry: direction and range unknown.`);
}

/** `register-status-not-analysed`: `dropped` register rows have a status outside plan.register.statuses. */
export function registerStatusNotAnalysed(dropped: number): Diagnostic {
  return diagnostic('register-status-not-analysed', 'info', `${dropped} register row(s) have a status outside plan.register.statuses and are left out of the shares and contrasts`);
}

/** `missing-baseline`: `dropped` participants without a `visit` `instrument` score are left out of the missing-data analyses. */
export function missingBaseline(dropped: number, visit: string, instrument: string): Diagnostic {
  return diagnostic(
    'missing-baseline',
    'info',
    `${dropped} participant(s) without a ${visit} ${instrument} score are left out of the imputation, the ANCOVA and the MMRM (all condition on baseline).`,
  );
}
