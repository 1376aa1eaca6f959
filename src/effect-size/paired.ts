/**
 * Standardized mean differences for paired (repeated-measures) data: d_z, d_rm and d_av, with or
 * without Hedges' correction.
 */
import { ArgumentError } from '../errors/index.js';
import { checkSample, correlation, hedgesJ, ncpInterval, normalInterval, readOptions } from './internal.js';
import { mean, variance } from '../statistics/sample.js';
import type { CiMethod, EffectSizeOptions, EffectSizeResult, Sample, SmallSampleCorrection } from './types.js';
import { checkOptions, optionKeys } from '../errors/checks.js';

const PAIRED_OPTION_KEYS = optionKeys<PairedOptions>()(['type', 'correction', 'ciMethod', 'ciLevel', 'alternative', 'mu']);

/** The standardizer of a paired difference. */
export type PairedType = 'z' | 'rm' | 'av';

/** Options of {@link pairedD}. */
export interface PairedOptions extends EffectSizeOptions {
  /**
   * `z`: SD of the differences (d_z); `rm`: d_z·√(2(1 − r)), the within-subject standardizer
   * (d_rm); `av`: the average variance √((s_x² + s_y²)/2) (d_av).
   * @defaultValue 'z'
   */
  type?: PairedType;
  /**
   * Hedges' small-sample correction J(n − 1) applied to the estimate and both limits.
   * @defaultValue 'none' ({@link pairedG}: 'exact')
   */
  correction?: 'none' | SmallSampleCorrection;
  /**
   * Interval method. Defaults follow R's effectsize: the noncentral t for d_z (as
   * `cohens_d(paired = TRUE)`), the normal approximation d ± z·se for d_rm and d_av (as
   * `repeated_measures_d`, which has no exact interval for them). `noncentral-t` for d_rm and
   * d_av rescales the exact d_z interval by the ratio of standardizers (Algina & Keselman 2003),
   * which treats that ratio as known.
   * @defaultValue 'noncentral-t' for `z`, 'normal' for `rm` and `av`
   */
  ciMethod?: CiMethod;
}

const LABELS: Record<PairedType, string> = {
  z: "Cohen's d_z (SD of the paired differences)",
  rm: "d_rm (repeated-measures d: d_z·√(2(1 − r)))",
  av: "d_av (average of the two variances)",
};

/**
 * Standardized mean difference of paired measurements x and y (e.g. follow-up and baseline of the
 * same participants; the difference is x − y).
 *
 * With D = x − y, n pairs, r = cor(x, y), f = 2(1 − r):
 * - d_z = (D̄ − μ₀)/s_D; normal se √(1/n + d²/(2n)) (Hedges & Olkin 1985, p. 86).
 * - d_rm = (D̄ − μ₀)/(s_D/√f); se √((1/n + d²/(2n))·f) (Cooper et al. 2009, eq. 12.21).
 * - d_av = (D̄ − μ₀)/√((s_x² + s_y²)/2); se = (s_D/√n)/s_av (Algina & Keselman 2003, eq. 4).
 * The noncentral-t interval of d_z pivots t = (D̄ − μ₀)/(s_D/√n) on n − 1 df and multiplies the
 * noncentrality limits by 1/√n. Hedges' J uses ν = n − 1.
 * These are R's effectsize definitions: `cohens_d(x, y, paired = TRUE)` for d_z and
 * `repeated_measures_d(x, y, method = "rm" | "av", adjust = FALSE | TRUE)` (effectsize ≥ 0.8.7)
 * for the others.
 *
 * @throws ArgumentError when x and y differ in length, have fewer than two pairs or non-finite
 *   values, the standardizer is 0 (constant differences; for d_rm also a constant x or y), or an
 *   option is invalid.
 * @example
 * // datasets::sleep, drug 2 vs drug 1 in the same ten patients
 * pairedD([1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4], [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0, 2]).estimate;
 * // 1.2845575625910546
 */
export function pairedD(x: Sample, y: Sample, options?: PairedOptions): EffectSizeResult {
  checkOptions('options', options, PAIRED_OPTION_KEYS);
  return paired(x, y, options, 'none');
}

/**
 * {@link pairedD} with Hedges' exact small-sample correction J(n − 1) by default: R's
 * `hedges_g(x, y, paired = TRUE)` for d_z and `repeated_measures_d(..., adjust = TRUE)` for
 * d_rm and d_av.
 * @throws ArgumentError as {@link pairedD}, and with fewer than 3 pairs (J(1) = 0).
 * @example
 * pairedG([1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4], [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0, 2]).estimate;
 * // 1.173924903514205
 */
export function pairedG(x: Sample, y: Sample, options?: PairedOptions): EffectSizeResult {
  checkOptions('options', options, PAIRED_OPTION_KEYS);
  return paired(x, y, options, 'exact');
}

function paired(x: Sample, y: Sample, options: PairedOptions | undefined, defaultCorrection: 'none' | SmallSampleCorrection): EffectSizeResult {
  checkSample('x', x);
  checkSample('y', y);
  if (x.length !== y.length) {
    throw new ArgumentError('y', y, `an array of the same length as x (${x.length} values)`, `received ${y.length} values; paired data need one y per x`);
  }
  const { ciLevel, alternative, mu } = readOptions(options);
  const type = options?.type ?? 'z';
  if (type !== 'z' && type !== 'rm' && type !== 'av') throw new ArgumentError('type', type, '"z", "rm" or "av"');
  const correction = options?.correction ?? defaultCorrection;
  if (correction !== 'none' && correction !== 'exact' && correction !== 'approximate') {
    throw new ArgumentError('correction', correction, '"none", "exact" or "approximate"');
  }
  const ciMethod: CiMethod = options?.ciMethod ?? (type === 'z' ? 'noncentral-t' : 'normal');
  if (ciMethod !== 'noncentral-t' && ciMethod !== 'normal') throw new ArgumentError('ciMethod', ciMethod, '"noncentral-t" or "normal"');
  const n = x.length;
  const diffs = new Float64Array(n);
  for (let i = 0; i < n; i++) diffs[i] = (x[i] as number) - (y[i] as number);
  const dBar = mean(diffs) - mu;
  const vD = variance(diffs);
  if (!(vD > 0)) throw new ArgumentError('y', y, 'pairs whose differences x − y vary', 'every difference x − y is the same, so their SD is 0');
  const sD = Math.sqrt(vD);
  let s: number;
  let seFactor: number; // se of d, as a function of d (normal interval)
  let ratio: number; // d = d_z · ratio
  if (type === 'z') {
    s = sD;
    ratio = 1;
    seFactor = 1;
  } else if (type === 'rm') {
    const vx = variance(x);
    const vy = variance(y);
    if (!(vx > 0)) throw new ArgumentError('x', x, 'values that vary', 'd_rm needs the correlation of x and y, undefined for a constant x');
    if (!(vy > 0)) throw new ArgumentError('y', y, 'values that vary', 'd_rm needs the correlation of x and y, undefined for a constant y');
    const f = 2 * (1 - correlation(x, y));
    if (!(f > 0)) throw new ArgumentError('y', y, 'values not perfectly correlated with x', 'r = 1, so the d_rm standardizer s_D/√(2(1 − r)) is undefined');
    s = sD / Math.sqrt(f);
    ratio = Math.sqrt(f);
    seFactor = Math.sqrt(f);
  } else {
    const vx = variance(x);
    const vy = variance(y);
    s = Math.sqrt((vx + vy) / 2);
    ratio = sD / s;
    seFactor = Number.NaN; // d_av's se does not depend on d
  }
  const d = dBar / s;
  const df = n - 1;
  const t = dBar / (sD / Math.sqrt(n));
  let ci: [number, number];
  let se: number | null = null;
  let statistic = t;
  if (ciMethod === 'noncentral-t') {
    ci = ncpInterval(t, df, ratio / Math.sqrt(n), ciLevel, alternative);
  } else {
    se = type === 'av' ? sD / Math.sqrt(n) / s : Math.sqrt(1 / n + (d * d) / (2 * n)) * seFactor;
    statistic = d / se;
    ci = normalInterval(d, se, ciLevel, alternative);
  }
  let factor = 1;
  if (correction !== 'none') {
    if (!(df > 1)) throw new ArgumentError('x', x, 'at least 3 pairs', 'the Hedges correction J(n − 1) is 0 for n = 2');
    factor = hedgesJ(df, correction);
    ci = [ci[0] * factor, ci[1] * factor];
  }
  const corrLabel = correction === 'none' ? '' : `, Hedges-corrected (${correction} J)`;
  return {
    estimate: d * factor,
    ci,
    ciLevel,
    alternative,
    n,
    df,
    method: `${LABELS[type]}${corrLabel}`,
    ciMethod,
    statistic,
    se,
    meanDifference: dBar,
    standardizer: s,
    correction: { type: correction, factor },
    groups: null,
    diagnostics: [],
  };
}
