/**
 * GLMM-specific steps after the fit: predictions for new data at the population level or with
 * the conditional modes, on the link or response scale (lme4's `predict(fit, newdata, re.form,
 * type, allow.new.levels)`), and the likelihood-ratio test between nested fits (lme4's
 * `anova(m0, m1)`). Marginal means, contrasts and Wald tests go through the shared emmeans
 * machinery (view.ts, emmeans/response-scale.ts).
 */
import { chiSquaredCdf } from '../../distributions/chi-squared.js';
import { ArgumentError } from '../../errors/index.js';
import { checkBoolean, checkOneOf, checkOptions, optionKeys } from '../../errors/checks.js';
import { formatNumberLevel } from '../../formula/levels.js';
import { toColumnSource, type ColumnSource, type ModelData } from '../data-input.js';
import { newDataDesign } from '../glm/after-fit.js';
import { addConditionalModes } from '../lmm/predict.js';
import { getGlmmState, type GlmmState } from './state.js';
import type { GlmmFit } from './types.js';
import { requireState } from '../fit-state.js';

export interface GlmmPredictOptions {
  /**
   * The linear predictor η (`link`) or the mean μ = g⁻¹(η) (`response`).
   * @defaultValue 'link'
   */
  type?: 'link' | 'response';
  /**
   * Add each row's conditional modes of the random effects (lme4's `re.form = NULL`); `false`
   * gives the population-level prediction with the random effects at 0 (`re.form = NA`).
   * @defaultValue true
   */
  conditional?: boolean;
  /**
   * For a group level not in the fit: that term's random effect is 0 (lme4's
   * `allow.new.levels = TRUE`) instead of an error.
   * @defaultValue false
   */
  allowNewLevels?: boolean;
}

const PREDICT_KEYS = optionKeys<GlmmPredictOptions>()(['type', 'conditional', 'allowNewLevels']);

const stateOf = (fit: GlmmFit, argument: string): GlmmState => requireState(fit, argument, getGlmmState, 'glmm');

/**
 * Predict for `newdata`: η = xβ + offset (+ z·b̂ with `conditional`), or μ = g⁻¹(η). A fit with
 * an offset needs that column in `newdata`; a partially nested fit (`options.partialNesting`)
 * needs its arm and cluster columns, and adds the cluster's mode to rows of the treated arm.
 * @throws ArgumentError for a missing column, an unseen factor level, or (unless allowed) an
 *   unseen group level, naming the row.
 * @example
 * predictGlmm(fit, [{ arm: 'SFT', week: '9m', id: 'p150' }], { type: 'response' }); // [0.5728…] (glmer: 0.572851)
 */
export function predictGlmm(fit: GlmmFit, newdata: ModelData, options: GlmmPredictOptions = {}): number[] {
  checkOptions('options', options, PREDICT_KEYS);
  const s = stateOf(fit, 'fit');
  const type = checkOneOf('options.type', options.type ?? 'link', ['link', 'response'] as const);
  checkBoolean('options.conditional', options.conditional);
  checkBoolean('options.allowNewLevels', options.allowNewLevels);
  const src = toColumnSource(newdata, 'newdata');
  const { X, offset, n } = newDataDesign(s.frame, s.offsetColumn !== null ? { offset: s.offsetColumn } : {}, src);
  const eta = Array.from(offset);
  s.kept.forEach((j, c) => {
    for (let i = 0; i < n; i++) eta[i] = eta[i]! + X[j * n + i]! * s.beta[c]!;
  });
  if (options.conditional !== false) addModes(s, src, eta, options.allowNewLevels === true);
  return type === 'link' ? eta : eta.map((e) => s.family.linkinv(e));
}

/**
 * z'b̂ for each row. A partially nested design's structural term (0 + indicator | cluster) is
 * added from the arm and cluster columns, so `newdata` needs no indicator column: rows of the
 * treated arm get their cluster's mode, other rows none.
 */
function addModes(s: GlmmState, src: ColumnSource, eta: number[], allowNewLevels: boolean): void {
  const pn = s.partialNesting;
  const keep = s.terms.map((t) => t.frameIndex !== pn?.frameIndex);
  addConditionalModes(s.frame, s.terms.filter((_, i) => keep[i]), s.modes.filter((_, i) => keep[i]), src, eta, allowNewLevels);
  if (!pn) return;
  const ti = keep.indexOf(false);
  const t = s.terms[ti]!;
  for (const k of ['arm', 'cluster'] as const) {
    if (!src.has(pn[k])) throw new ArgumentError(`newdata.${pn[k]}`, undefined, `a column "${pn[k]}" (the partially nested design's ${k})`);
  }
  const arm = src.column(pn.arm);
  const cluster = src.column(pn.cluster);
  const index = new Map(t.levels.map((l, i) => [l, i]));
  for (let i = 0; i < eta.length; i++) {
    if (String(arm[i]) !== pn.treated) continue;
    const c = cluster[i];
    const lev = index.get(typeof c === 'number' ? formatNumberLevel(c) : String(c));
    if (lev === undefined) {
      if (allowNewLevels) continue;
      throw new ArgumentError(`newdata[${i}].${pn.cluster}`, c, `a ${pn.cluster} seen in the fit, or options.allowNewLevels = true for a population-level prediction`);
    }
    eta[i] = eta[i]! + s.modes[ti]![lev]![0]!;
  }
}

export interface GlmmLikelihoodRatioTest {
  models: [GlmmLrtModel, GlmmLrtModel];
  /** χ² = 2(ℓ₁ − ℓ₀), at least 0. */
  statistic: number;
  /** Difference in the number of parameters (fixed effects, variance parameters, NB θ). */
  df: number;
  pValue: number;
  method: string;
}

export interface GlmmLrtModel {
  formula: string;
  logLik: number;
  deviance: number;
  nParameters: number;
  aic: number;
  bic: number;
}

/**
 * Likelihood-ratio test of nested GLMMs `m0` (smaller) and `m1`, as lme4's `anova(m0, m1)`:
 * χ² = 2(ℓ₁ − ℓ₀) on the difference in parameters (a variance tested on its boundary makes
 * the test conservative, as in lme4). A separate function from `likelihoodRatioTestGlm` since
 * it takes no options (no dispersion, no F test) and its models differ in variance parameters too.
 * @throws ArgumentError when the fits differ in family, link, quadrature, response or rows, or m0 is not smaller.
 * @example
 * likelihoodRatioTestGlmm(m0, m1); // { statistic: 0.6507…, df: 2, pValue: 0.7222…, … }
 */
export function likelihoodRatioTestGlmm(m0: GlmmFit, m1: GlmmFit): GlmmLikelihoodRatioTest {
  const s0 = stateOf(m0, 'm0');
  const s1 = stateOf(m1, 'm1');
  if (m0.family !== m1.family || m0.link !== m1.link) {
    throw new ArgumentError('m1', `${m1.family} (${m1.link})`, `the family and link of m0: ${m0.family} (${m0.link})`);
  }
  if (m0.nAgq !== m1.nAgq) throw new ArgumentError('m1', `nAgq ${m1.nAgq}`, `the quadrature of m0 (nAgq ${m0.nAgq}): likelihoods from different approximations are not comparable`);
  if (s0.frame.formula.response !== s1.frame.formula.response) {
    throw new ArgumentError('m1', s1.frame.formula.response, `a model of the same response as m0 ("${s0.frame.formula.response}")`);
  }
  if (m0.nObs !== m1.nObs || s0.frame.rows.some((r, i) => r !== s1.frame.rows[i])) {
    throw new ArgumentError('m1', `${m1.nObs} rows`, `the same rows as m0 (${m0.nObs}); missing values in a variable only one model uses change the rows`);
  }
  const df = m1.nParameters - m0.nParameters;
  if (df <= 0) throw new ArgumentError('m0', `${m0.nParameters} parameters`, `fewer than m1 (${m1.nParameters}); pass the smaller model first`);
  const model = (m: GlmmFit): GlmmLrtModel => ({ formula: m.formula, logLik: m.logLik, deviance: m.deviance, nParameters: m.nParameters, aic: m.aic, bic: m.bic });
  // lme4 clips a negative difference (m1 fitted to a lower likelihood than m0 within tolerance) at 0.
  const statistic = Math.max(0, 2 * (m1.logLik - m0.logLik));
  return {
    models: [model(m0), model(m1)],
    statistic,
    df,
    pValue: chiSquaredCdf(statistic, df, { lowerTail: false }),
    method: `likelihood-ratio χ² 2(ℓ₁ − ℓ₀) of the ${m1.method} log-likelihoods on ${df} df, as lme4's anova(m0, m1)`,
  };
}
