/**
 * Every diagnostic code a result can carry, and builders for the diagnostics several
 * capabilities raise alike. `Diagnostic.code` is typed by this list, so a new code is added here
 * first (the compiler rejects a diagnostic with a code not listed), and a caller can switch on
 * codes with exhaustiveness checks. Codes are stable: renaming one is a breaking change.
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
