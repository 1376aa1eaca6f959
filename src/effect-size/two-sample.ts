/**
 * Standardized mean differences of two independent samples: Cohen's d, Hedges' g, Glass's Δ,
 * with noncentral-t confidence intervals as in R's effectsize (cohens_d, hedges_g, glass_delta).
 */
import { ArgumentError } from '../errors/index.js';
import { checkSample, hedgesJ, ncpInterval, readOptions } from './internal.js';
import { mean, variance } from '../statistics/sample.js';
import type { EffectSizeResult, HedgesOptions, Sample, SmallSampleCorrection, TwoSampleOptions } from './types.js';
import { checkOptions, optionKeys } from '../errors/checks.js';

type Kind = 'd' | 'g' | 'delta';

function twoSample(kind: Kind, x: Sample, y: Sample, options: HedgesOptions | undefined): EffectSizeResult {
  checkSample('x', x);
  checkSample('y', y);
  const { ciLevel, alternative, mu } = readOptions(options);
  const pooledSd = options?.pooledSd ?? true;
  if (typeof pooledSd !== 'boolean') throw new ArgumentError('pooledSd', pooledSd, 'true or false');
  const correction: SmallSampleCorrection = options?.correction ?? 'exact';
  if (correction !== 'exact' && correction !== 'approximate') throw new ArgumentError('correction', correction, '"exact" or "approximate"');
  const n1 = x.length;
  const n2 = y.length;
  const m1 = mean(x);
  const m2 = mean(y);
  const v1 = variance(x);
  const v2 = variance(y);
  const diff = m1 - m2 - mu;
  let s: number;
  let h: number; // d = t·√h
  let df: number;
  let sdLabel: string;
  if (kind === 'delta') {
    if (!(v2 > 0)) {
      throw new ArgumentError('y', y, 'control values that vary', "Glass's Δ divides by the SD of the control arm y, which is 0");
    }
    s = Math.sqrt(v2);
    h = 1 / n2 + v1 / (n1 * v2);
    df = n2 - 1;
    sdLabel = 'SD of the control arm';
  } else {
    if (!(v1 > 0 || v2 > 0)) {
      throw new ArgumentError('x', x, 'values that vary in at least one arm', 'both x and y are constant, so the standardizing SD is 0');
    }
    if (pooledSd) {
      s = Math.sqrt(((n1 - 1) * v1 + (n2 - 1) * v2) / (n1 + n2 - 2));
      h = 1 / n1 + 1 / n2;
      df = n1 + n2 - 2;
      sdLabel = 'pooled SD';
    } else {
      s = Math.sqrt((v1 + v2) / 2);
      h = (2 * (n2 * v1 + n1 * v2)) / (n1 * n2 * (v1 + v2));
      const se1 = v1 / n1;
      const se2 = v2 / n2;
      df = (se1 + se2) ** 2 / ((se1 * se1) / (n1 - 1) + (se2 * se2) / (n2 - 1));
      sdLabel = 'unpooled SD √((s₁² + s₂²)/2), Welch df';
    }
  }
  const d = diff / s;
  const sqrtH = Math.sqrt(h);
  const t = d / sqrtH;
  let ci = ncpInterval(t, df, sqrtH, ciLevel, alternative);
  let estimate = d;
  let factor = 1;
  let method: string;
  if (kind === 'g') {
    if (!(df > 1)) throw new ArgumentError('y', y, 'more observations', `the Hedges correction needs df > 1 (df = ${df})`);
    factor = hedgesJ(df, correction);
    estimate = d * factor;
    ci = [ci[0] * factor, ci[1] * factor];
    method = `Hedges' g (${sdLabel}, ${correction} J)`;
  } else {
    method = kind === 'd' ? `Cohen's d (${sdLabel})` : "Glass's Δ (SD of the control arm)";
  }
  return {
    estimate,
    ci,
    ciLevel,
    alternative,
    n: n1 + n2,
    df,
    method,
    ciMethod: 'noncentral-t',
    statistic: t,
    se: null,
    meanDifference: diff,
    standardizer: s,
    correction: { type: kind === 'g' ? correction : 'none', factor },
    groups: { n: [n1, n2], mean: [m1, m2], sd: [Math.sqrt(v1), Math.sqrt(v2)] },
    diagnostics: [],
  };
}

/**
 * Cohen's d for two independent samples, treatment first: d = (x̄ − ȳ − μ₀)/s, with s the pooled
 * SD (default) or √((s₁² + s₂²)/2) (`pooledSd: false`).
 *
 * Interval: the noncentral-t method (Steiger & Fouladi 1997), exactly as R's
 * `effectsize::cohens_d`: t = d/√h with h = 1/n₁ + 1/n₂ and ν = n₁ + n₂ − 2 (pooled), or
 * h = 2(n₂s₁² + n₁s₂²)/(n₁n₂(s₁² + s₂²)) and Welch–Satterthwaite ν (unpooled); the noncentrality
 * limits of t are found by Brent's method and multiplied by √h.
 *
 * Reference: Cohen, J. (1988). Statistical Power Analysis for the Behavioral Sciences (2nd ed.).
 * @param x - treatment arm (≥ 2 finite values).
 * @param y - control arm (≥ 2 finite values).
 * @throws ArgumentError when an arm has fewer than two values or a non-finite value, both arms are
 *   constant, or an option is invalid.
 * @example
 * // datasets::sleep, drug 2 vs drug 1
 * cohensD([1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4], [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0, 2]).estimate;
 * // 0.8321810813495396
 */
export function cohensD(x: Sample, y: Sample, options?: TwoSampleOptions): EffectSizeResult {
  checkOptions('options', options, optionKeys<TwoSampleOptions>()(['pooledSd', 'ciLevel', 'alternative', 'mu']));
  return twoSample('d', x, y, options);
}

/**
 * Hedges' g: Cohen's d times the small-sample factor J(ν) (exact gamma-function form by default,
 * as R's `effectsize::hedges_g`; `correction: 'approximate'` uses 1 − 3/(4ν − 1)). The interval
 * is d's noncentral-t interval multiplied by the same J; ν is that of d (n₁ + n₂ − 2 pooled,
 * Welch df unpooled).
 *
 * References: Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size and
 * related estimators. J. Educational Statistics 6, 107–128; Hedges & Olkin (1985).
 * @throws ArgumentError as {@link cohensD}, or for an unknown correction.
 * @example
 * hedgesG([1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4], [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0, 2]).estimate;
 * // 0.7969352391911207
 */
export function hedgesG(x: Sample, y: Sample, options?: HedgesOptions): EffectSizeResult {
  checkOptions('options', options, optionKeys<HedgesOptions>()(['correction', 'pooledSd', 'ciLevel', 'alternative', 'mu']));
  return twoSample('g', x, y, options);
}

/**
 * Glass's Δ: the mean difference divided by the SD of the control arm y,
 * Δ = (x̄ − ȳ − μ₀)/s_y. Interval as R's `effectsize::glass_delta`: noncentral t with
 * ν = n_y − 1 and h = 1/n_y + s_x²/(n_x s_y²).
 *
 * Reference: Glass, G. V. (1976). Primary, secondary, and meta-analysis of research.
 * Educational Researcher 5, 3–8.
 * @throws ArgumentError as {@link cohensD}, or when the control arm is constant.
 * @example
 * glassDelta([1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4], [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0, 2]).estimate;
 * // 0.8831701903605378
 */
export function glassDelta(x: Sample, y: Sample, options?: Omit<TwoSampleOptions, 'pooledSd'>): EffectSizeResult {
  checkOptions('options', options, optionKeys<Omit<TwoSampleOptions, 'pooledSd'>>()(['ciLevel', 'alternative', 'mu']));
  return twoSample('delta', x, y, options);
}
