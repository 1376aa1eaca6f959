/**
 * Likelihood-ratio test between two nested mixed models, as lme4's `anova(m0, m1)`:
 * REML fits are refitted by ML first (REML likelihoods of models with different fixed
 * effects are not comparable), χ² = 2(ℓ1 − ℓ0) on the difference in the number of
 * parameters. With `refit: false` two REML fits with identical fixed effects can be
 * compared directly (a test of random-effects terms).
 *
 * The χ² reference is conservative for a variance on its boundary (Self & Liang 1987):
 * the p-value for adding one variance is then about twice the mixture's. We report the
 * naive χ² p-value, as lme4 does, and say so in `method`.
 */
import { chiSquaredCdf } from '../../distributions/chi-squared.js';
import { ArgumentError } from '../../errors/index.js';
import { fitFrame } from './fit.js';
import { getState } from './state.js';
import type { LmmFit } from './types.js';
import { checkBoolean, checkOptions, optionKeys } from '../../errors/checks.js';
import { notAFit } from '../fit-state.js';

export interface LikelihoodRatioRow {
  model: 'm0' | 'm1';
  formula: string;
  nParameters: number;
  aic: number;
  bic: number;
  logLik: number;
  deviance: number;
}

export interface LikelihoodRatioTest {
  models: [LikelihoodRatioRow, LikelihoodRatioRow];
  statistic: number;
  df: number;
  pValue: number;
  /** True when REML fits were refitted by ML. */
  refitted: boolean;
  method: string;
}

/**
 * Compare nested fits `m0` (smaller) and `m1` (larger).
 * @throws ArgumentError when the fits use different rows or responses, or `m0` is not smaller.
 * @example
 * const lrt = likelihoodRatioTest(noInteraction, withInteraction);
 * lrt.statistic; lrt.df; lrt.pValue;
 */
export function likelihoodRatioTest(m0: LmmFit, m1: LmmFit, options: { refit?: boolean } = {}): LikelihoodRatioTest {
  checkOptions('options', options, optionKeys<{ refit?: boolean }>()(['refit']));
  checkBoolean('options.refit', options.refit);
  const s0 = getState(m0);
  const s1 = getState(m1);
  if (!s0) throw notAFit('m0', m0, ['lmm']);
  if (!s1) throw notAFit('m1', m1, ['lmm']);
  if (s0.frame.formula.response !== s1.frame.formula.response) {
    throw new ArgumentError('m1', s1.frame.formula.response, `a model of the same response as m0 ("${s0.frame.formula.response}")`);
  }
  if (m0.nObs !== m1.nObs || !sameRows(s0.frame.rows, s1.frame.rows)) {
    throw new ArgumentError('m1', `${m1.nObs} rows`, `the same rows as m0 (${m0.nObs}); missing values in a variable only one model uses change the rows`);
  }
  if (m0.nParameters >= m1.nParameters) {
    throw new ArgumentError('m0', `${m0.nParameters} parameters`, `fewer parameters than m1 (${m1.nParameters}); pass the smaller model first`);
  }
  const refit = options.refit ?? true;
  const anyReml = m0.reml || m1.reml;
  let a = m0;
  let b = m1;
  if (anyReml && refit) {
    a = m0.reml ? fitFrame(s0.frame, { ...s0.options, reml: false, ddf: 'asymptotic' }) : m0;
    b = m1.reml ? fitFrame(s1.frame, { ...s1.options, reml: false, ddf: 'asymptotic' }) : m1;
  } else if (m0.reml !== m1.reml) {
    throw new ArgumentError('options.refit', false, 'true when one fit is REML and the other ML');
  } else if (anyReml) {
    const f0 = m0.fixedEffects.map((r) => r.term).join('|');
    const f1 = m1.fixedEffects.map((r) => r.term).join('|');
    if (f0 !== f1) throw new ArgumentError('options.refit', false, 'true: REML likelihoods are comparable only for models with the same fixed effects');
  }
  const dev = (f: LmmFit) => -2 * f.logLik;
  const stat = Math.max(0, 2 * (b.logLik - a.logLik));
  const df = b.nParameters - a.nParameters;
  const row = (f: LmmFit, model: 'm0' | 'm1'): LikelihoodRatioRow => ({
    model,
    formula: f.formula,
    nParameters: f.nParameters,
    aic: f.aic,
    bic: f.bic,
    logLik: f.logLik,
    deviance: dev(f),
  });
  return {
    models: [row(a, 'm0'), row(b, 'm1')],
    statistic: stat,
    df,
    pValue: chiSquaredCdf(stat, df, { lowerTail: false }),
    refitted: anyReml && refit,
    method: `likelihood-ratio χ² test${anyReml && refit ? ' (models refitted with ML)' : anyReml ? ' (REML likelihoods, same fixed effects)' : ''}; naive χ² reference, conservative for variances on the boundary`,
  };
}

function sameRows(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
