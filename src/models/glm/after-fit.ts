/**
 * GLM-specific steps after the fit: predictions on the link or response scale for new data
 * (R's `predict.glm(type, se.fit = TRUE)`) and the likelihood-ratio (deviance) test between
 * nested fits (R's `anova(m0, m1, test = "Chisq" | "F")`). Marginal means, contrasts and Wald
 * tests go through the shared emmeans machinery (view.ts, emmeans/response-scale.ts).
 */
import { chiSquaredCdf } from '../../distributions/chi-squared.js';
import { fCdf } from '../../distributions/f.js';
import { ArgumentError } from '../../errors/index.js';
import { checkOneOf, checkOptions, optionKeys } from '../../errors/checks.js';
import { encodeNewData, fillDesign, type ModelFrame } from '../../formula/frame.js';
import { toColumnSource, type ColumnSource, type ModelData } from '../data-input.js';
import { getGlmState, type GlmState } from './state.js';
import type { GlmFit } from './types.js';
import { requireState } from '../fit-state.js';

export interface GlmPredictOptions {
  /**
   * The linear predictor η = xβ + offset (`link`) or the mean μ = g⁻¹(η) (`response`).
   * @defaultValue 'link'
   */
  type?: 'link' | 'response';
}

/** One prediction: the estimate and its standard error (delta method on the response scale). */
export interface GlmPrediction {
  estimate: number;
  se: number;
}

const PREDICT_KEYS = optionKeys<GlmPredictOptions>()(['type']);

const stateOf = (fit: GlmFit, argument: string): GlmState => requireState(fit, argument, getGlmState, 'glm');

/**
 * Predict for `newdata` on the link or response scale, with standard errors from the fit's
 * covariance: SE(η) = √(x'Vx), SE(μ) = |dμ/dη|·SE(η), as `predict.glm(se.fit = TRUE)` (which
 * uses the classical covariance; a robust fit gives its own). A fit with an offset or exposure
 * column needs that column in `newdata`.
 * @throws ArgumentError for a missing column, an unseen factor level or a bad offset, naming the row.
 * @example
 * predictGlm(fit, [{ arm: 'SFT', week: '9m', age: 45 }], { type: 'response' }); // [{ estimate: 0.6318…, se: 0.0401… }]
 */
export function predictGlm(fit: GlmFit, newdata: ModelData, options: GlmPredictOptions = {}): GlmPrediction[] {
  checkOptions('options', options, PREDICT_KEYS);
  const s = stateOf(fit, 'fit');
  const type = checkOneOf('options.type', options.type ?? 'link', ['link', 'response'] as const);
  const { X, offset, n } = newDataDesign(s.frame, s.offsetColumns, toColumnSource(newdata, 'newdata'));
  const r = s.kept.length;
  const x = new Float64Array(r);
  return Array.from({ length: n }, (_, i) => {
    let eta = offset[i]!;
    s.kept.forEach((j, c) => {
      x[c] = X[j * n + i]!;
      eta += x[c]! * s.beta[c]!;
    });
    let v = 0;
    for (let a = 0; a < r; a++) for (let b = 0; b < r; b++) v += x[a]! * s.vcov[a * r + b]! * x[b]!;
    const se = Math.sqrt(v);
    if (type === 'link') return { estimate: eta, se };
    return { estimate: s.family.linkinv(eta), se: Math.abs(s.family.muEta(eta)) * se };
  });
}

/**
 * The fixed-effects design (all columns, column-major) and the offset of `src` rows, as a fit's
 * frame builds them; offset columns are added as given, exposure columns as their log.
 * Shared by the GLM and GLMM predictions.
 * @throws ArgumentError for a missing column, an unseen factor level or a bad offset, naming the row.
 */
export function newDataDesign(frame: ModelFrame, offsetColumns: { offset?: string; exposure?: string }, src: ColumnSource): { X: Float64Array; offset: Float64Array; n: number } {
  const n = src.nRows;
  const enc = encodeNewData(frame.variables, [...new Set(frame.spec.terms.flatMap((t) => t.variables))], src);
  const X = fillDesign(frame.spec, enc, Int32Array.from({ length: n }, (_, i) => i));
  const offset = new Float64Array(n);
  for (const [key, column] of Object.entries(offsetColumns)) {
    if (!src.has(column)) throw new ArgumentError(`newdata.${column}`, undefined, `a column "${column}" (the fit's ${key})`);
    const col = src.column(column);
    for (let i = 0; i < n; i++) {
      const v = col[i];
      const ok = typeof v === 'number' && Number.isFinite(v) && (key === 'offset' || v > 0);
      if (!ok) throw new ArgumentError(`newdata[${i}].${column}`, v, key === 'offset' ? 'a finite offset' : 'an exposure > 0');
      offset[i] = offset[i]! + (key === 'offset' ? (v as number) : Math.log(v as number));
    }
  }
  return { X, offset, n };
}

export interface GlmLikelihoodRatioOptions {
  /**
   * `Chisq`: deviance difference (scaled by φ̂ of the larger model when the dispersion is
   * estimated) against χ²; `F`: (ΔD/Δdf)/φ̂ against F(Δdf, n − p₁), only for an estimated dispersion.
   * @defaultValue 'F' when the dispersion is estimated (gaussian, gamma), else 'Chisq'
   */
  test?: 'Chisq' | 'F';
}

export interface GlmLikelihoodRatioTest {
  /** Residual deviance and df of m0 and m1. */
  models: [{ formula: string; deviance: number; dfResidual: number }, { formula: string; deviance: number; dfResidual: number }];
  /** Deviance difference D₀ − D₁ (for the negative binomial 2(ℓ₁ − ℓ₀), each at its own θ). */
  deviance: number;
  df: number;
  /** χ² = ΔD/φ̂ or F = ΔD/(Δdf·φ̂). */
  statistic: number;
  /** Denominator df of the F test, else `Infinity`. */
  denDf: number;
  pValue: number;
  method: string;
}

const LRT_KEYS = optionKeys<GlmLikelihoodRatioOptions>()(['test']);

/**
 * Likelihood-ratio test of nested GLMs `m0` (smaller) and `m1`, as `anova(m0, m1, test = …)`.
 * @throws ArgumentError when the fits differ in family, link, response or rows, or m0 is not smaller.
 * @example
 * likelihoodRatioTestGlm(m0, m1); // { deviance: 6.1737…, df: 2, statistic: 6.1737…, pValue: 0.04564…, … }
 */
export function likelihoodRatioTestGlm(m0: GlmFit, m1: GlmFit, options: GlmLikelihoodRatioOptions = {}): GlmLikelihoodRatioTest {
  checkOptions('options', options, LRT_KEYS);
  const s0 = stateOf(m0, 'm0');
  const s1 = stateOf(m1, 'm1');
  if (m0.family !== m1.family || m0.link !== m1.link) {
    throw new ArgumentError('m1', `${m1.family} (${m1.link})`, `the family and link of m0: ${m0.family} (${m0.link})`);
  }
  if (s0.frame.formula.response !== s1.frame.formula.response) {
    throw new ArgumentError('m1', s1.frame.formula.response, `a model of the same response as m0 ("${s0.frame.formula.response}")`);
  }
  if (m0.nObs !== m1.nObs || s0.frame.rows.some((r, i) => r !== s1.frame.rows[i])) {
    throw new ArgumentError('m1', `${m1.nObs} rows`, `the same rows as m0 (${m0.nObs}); missing values in a variable only one model uses change the rows`);
  }
  const df = m0.dfResidual - m1.dfResidual;
  if (df <= 0) throw new ArgumentError('m0', `${m0.rank} estimable coefficients`, `fewer than m1 (${m1.rank}); pass the smaller model first`);
  const estimated = s1.family.estimatesDispersion;
  const test = checkOneOf('options.test', options.test ?? (estimated ? 'F' : 'Chisq'), ['Chisq', 'F'] as const);
  if (test === 'F' && !estimated) throw new ArgumentError('options.test', test, `"Chisq": the ${m1.family} dispersion is fixed at 1, so there is no F test`);
  const nb = m1.family === 'negativeBinomial';
  const deviance = nb ? 2 * (m1.logLik - m0.logLik) : m0.deviance - m1.deviance;
  const phi = m1.dispersion;
  const models: GlmLikelihoodRatioTest['models'] = [
    { formula: m0.formula, deviance: m0.deviance, dfResidual: m0.dfResidual },
    { formula: m1.formula, deviance: m1.deviance, dfResidual: m1.dfResidual },
  ];
  if (test === 'F') {
    const F = deviance / df / phi;
    return { models, deviance, df, statistic: F, denDf: m1.dfResidual, pValue: fCdf(F, df, m1.dfResidual, { lowerTail: false }), method: `F test of the deviance difference scaled by the dispersion of m1 (φ̂ = ${phi.toPrecision(6)}), as anova.glm(test = "F")` };
  }
  const chi = deviance / phi;
  return {
    models,
    deviance,
    df,
    statistic: chi,
    denDf: Infinity,
    pValue: chiSquaredCdf(chi, df, { lowerTail: false }),
    method: nb ? 'likelihood-ratio χ² 2(ℓ₁ − ℓ₀), each model at its own θ, as anova.negbin' : `likelihood-ratio χ² of the deviance difference${estimated ? ' scaled by the dispersion of m1' : ''}, as anova.glm(test = "Chisq")`,
  };
}
