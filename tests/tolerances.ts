/**
 * Tolerances of the comparisons with R, set from the accuracy actually reached with a stated
 * margin, so that a 1e-4 relative change of any reported estimate, SE or df fails the suite.
 * Used by the fixture tests and by scripts/docs/validation.ts (docs/validation.md), so the
 * table states the tolerance the tests enforce. Errors are |ours − R| / max(|R|, floor).
 *
 * Mixed models: the R fixtures are fitted with lme4 converged tightly (xtol_abs 1e-12,
 * ftol_abs 1e-15; tests/fixtures/r/models/common.R), so neither side's optimiser stopping
 * point dominates. Worst errors over every fixture fit (2026-12, rcteval vs R 4.2.2 / lme4 1.1-31):
 * objective 1.1e-12; fixed effects (floor SE) 1.1e-7; SEs 1.9e-7 (KR SEs 1.9e-7); variance
 * components and correlations 3.0e-6; θ 3.0e-6; conditional modes 4.8e-6, SDs 1.3e-6; fitted values 9.7e-8; Satterthwaite
 * df 7.3e-7 (lmerTest differentiates numerically, to ~1e-7); Kenward–Roger df 1.7e-7;
 * emmeans SEs 1.4e-8, df 7.1e-8; subgroup contrasts 1e-7.
 */

/** REML criterion / deviance / logLik / AIC / BIC: worst 1.1e-12; margin ~100×. */
export const LMM_OBJECTIVE = 1e-10;

/**
 * Fixed effects (floor: their SE), SEs (Satterthwaite and Kenward–Roger), t, fitted values,
 * marginal means and contrasts: worst 1.9e-7; 1e-6 keeps a margin of 5× and is 100× below
 * the 1e-4 change to be caught.
 */
export const LMM_FIXED = 1e-6;

/**
 * θ (floor: 1 % of the largest θ, so a boundary θ of 0 is judged on the scale of the others),
 * variance components, correlations (floor 0.01), conditional modes and SDs (floor σ/100):
 * these sit on a flat optimum, where an objective converged to ~1e-12 pins the parameters to
 * only ~1e-6 (sleepstudy's slope θ and modes: worst 4.8e-6). 2e-5 keeps a margin of 4× and is
 * 5× below 1e-4.
 */
export const LMM_VARIANCE = 2e-5;

/** Satterthwaite and Kenward–Roger df (and denominator df of F tests): worst 7.3e-7; 5e-6 (7× margin, 20× below 1e-4). */
export const LMM_DF = 5e-6;

/**
 * p-values of mixed models. A p-value moves by about t² times the relative change of t, so
 * those below P_FLOOR are compared absolutely (to LMM_P × P_FLOOR = 1e-9): worst 1.0e-7
 * relative (Satterthwaite and Kenward–Roger t tests; 3.2e-5 for Kenward–Roger F tests,
 * whose F agrees only to LMM_F).
 */
export const LMM_P = 1e-5;
export const P_FLOOR = 1e-4;

/** F statistics of anova terms: Kenward–Roger's multi-df F agrees to 3.6e-6 (pbkrtest's scaling λ); margin 3×. */
export const LMM_F = 1e-5;

/** p-values of Kenward–Roger F tests, which inherit the F's 3.6e-6: worst 3.2e-5; margin 3×. */
export const LMM_P_KR_F = 1e-4;

/** Likelihood-ratio χ² (a difference of two objectives, floor 1e-3): worst 8.7e-11; 1e-8. */
export const LMM_CHISQ = 1e-8;

/**
 * Two-sided bounds on a coverage rate of n intervals around `target`, at z binomial SEs,
 * the variance inflated by the design effect `deff` (intervals from the same draw).
 */
export function coverageBounds(target: number, n: number, deff: number, z = 3.29): [number, number] {
  const se = Math.sqrt((target * (1 - target) * deff) / n);
  return [target - z * se, target + z * se];
}

/**
 * Analytic power (src/power/analytic.ts) against the same formulas written independently in R
 * (tests/fixtures/r/power/analytic.R): power, SE, df and noncentrality agree to ~1e-13 (pt's and
 * qt's own accuracy); 1e-9 leaves a wide margin.
 */
export const POWER_ANALYTIC = 1e-9;

/**
 * The same LMM through an SQL engine's aggregates and in memory (tests/models/lmm/sql/): the
 * sums differ only in the order they are added, so the REML criterion agrees to rounding
 * (worst 5e-16 on the SFT sample) and the optimum to the optimiser's own precision (estimates
 * worst 3e-9 relative, floor their SE; θ, df likewise). As the issue asks: 1e-10 and 1e-8.
 */
export const SQL_OBJECTIVE = 1e-10;
export const SQL_ESTIMATE = 1e-8;

/**
 * One LMM from another input form or spelling (tests/models/lmm/input-forms.test.ts: typed
 * columns and row objects, options.partialNesting and lme4's spelling with each control its own
 * group): the same sums in another level order, so as through an SQL engine.
 */
export const SAME_MODEL_OBJECTIVE = 1e-10;
export const SAME_MODEL_ESTIMATE = 1e-8;

/**
 * GLMMs against glmer where the tolerances apply (issue 11, "Validation"): estimates to
 * 1e-4 of max(|β|, SE), SEs (and derived intervals) 1e-3 relative, log-likelihood 1e-6 relative.
 * Used by the coverage simulation and the register fixtures (glmer's own optimiser stops short of
 * tighter agreement on Hessian-based SEs; tests/models/glmm/fit.fixtures.test.ts holds the tighter ones).
 */
export const GLMM_AGREEMENT = { estimate: 1e-4, se: 1e-3, logLik: 1e-6 } as const;

/**
 * fitGlmm's Hessian-based quantities against the same model's vcov from a Richardson-extrapolated Hessian of
 * glmer's deviance function (numDeriv::hessian), on the register sample's rehabilitation GLMM. Both are accurate
 * finite-difference Hessians of one function; glmer's own vcov (deriv12, one step) is itself 5e-5 from it.
 */
export const GLMM_ACCURATE_HESSIAN = 5e-5;

/**
 * Rubin's rules against mice::pool (tests/fixtures/r/missing-data/pool.json): estimates, Ū, B, T,
 * Barnard–Rubin df, riv, λ, fmi, p and interval. From mice's own per-imputation estimates the
 * arithmetic agrees to ~1e-15; through fitOls on the completed data to ~1e-12 (lm's QR vs ours).
 */
export const MI_POOL = 1e-10;

/**
 * MMRM (fitMmrm) against tests/fixtures/r/mmrm (nlme::gls, glmmTMB, lmerTest, and a dense
 * implementation of mmrm's definitions converged tightly). The issue asks for log-likelihood
 * 1e-6, estimates and SEs 1e-5, df 1e-3; the worst errors reached are in docs/validation.md.
 */
export const MMRM_LOGLIK = 1e-6;
export const MMRM_FIXED = 1e-5;
export const MMRM_DF = 1e-3;
/** Variance parameters θ in mmrm's parametrisation (floor 1): a flat optimum pins them to ~1e-6. */
export const MMRM_VARIANCE = 1e-4;
/**
 * glmmTMB with `dispformula ~ 0` keeps a tiny residual variance and stops early ("false
 * convergence"): its log-likelihood differs from the exact optimum by up to 1.7e-3 (1.0e-6 relative,
 * the partially nested model); 5e-6 keeps a margin.
 */
export const MMRM_GLMMTMB_LOGLIK = 5e-6;

/**
 * Sample mean, variance, SD, median and type-7 quantiles (src/statistics/sample.ts) against R's
 * `mean`, `var`, `sd`, `median`, `quantile`, stored to 17 digits: every value is bit-identical
 * (worst 0, 2026-12, R 4.2.2). R sums in long double and the library in compensated doubles,
 * so a rare tie could round the other way: one ulp (2.2e-16) is allowed.
 */
export const STATISTICS_REL = 2.3e-16;
/**
 * fitMmrm against the fit printed in mmrm's README (tests/fixtures/r/mmrm/fev.json): mmrm stopped
 * short of the REML optimum (its deviance is higher than fitMmrm's by 5e-6), so per coefficient the
 * estimates differ by up to 1.7e-4 of an SE and SEs and Satterthwaite df by up to 9e-5 relative.
 */
export const MMRM_README_ESTIMATE_SE = 2e-4;
export const MMRM_README_RELATIVE = 1e-4;
