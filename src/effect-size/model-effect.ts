/**
 * Model-based standardized differences (Feingold 2009): an arm difference estimated by a model
 * (e.g. a mixed model's arm × visit contrast) divided by a chosen raw-score SD.
 */
import { MIN_DF, NotEstimableError } from '../results/not-estimable.js';
import { ArgumentError, type Diagnostic } from '../errors/index.js';
import { normalQuantile } from '../distributions/normal.js';
import { studentTQuantile } from '../distributions/student-t.js';
import { checkSample, limitInterval, readOptions, twoSidedLevel } from './internal.js';
import { variance } from '../statistics/sample.js';
import type { Alternative, Sample } from './types.js';
import { checkOptions, optionKeys } from '../errors/checks.js';
import type { Estimate } from '../results/types.js';

/** The model's estimate of the arm difference (outcome units) with its SE and df. */
export interface ModelDifference {
  estimate: number | null;
  se: number | null;
  /** Degrees of freedom of the estimate (Satterthwaite, Kenward–Roger, residual …); Infinity for a z interval. */
  df: number | null;
  /** A contrast row's flag: `false` makes the effect size not estimable too (with the row's reason). */
  estimable?: boolean;
  reason?: string | null;
}

/**
 * The standardizer: a number (an SD in outcome units), or the baseline values of each arm, keyed
 * by arm name, from which the SD is computed (see `sdMethod`). Arms are named, never
 * positional: `sdMethod: 'control'` reads the arm named by `control`.
 */
export type StandardizerInput = number | { baseline: Readonly<Record<string, Sample>>; control?: string };

/** Options of {@link standardizedModelEffect}. */
export interface ModelEffectOptions {
  /** @defaultValue 0.95 */
  ciLevel?: number;
  /** @defaultValue 'two.sided' */
  alternative?: Alternative;
  /**
   * How the SD is computed from baseline values by arm: `pooled`
   * √(Σ(nᵢ − 1)sᵢ² / Σ(nᵢ − 1)); `control` the SD of the arm named by `sd.control`; `total` the
   * SD of all values together.
   * @defaultValue 'pooled'
   */
  sdMethod?: 'pooled' | 'control' | 'total';
  /**
   * `ignore`: the SD is treated as known, so the interval is the model's interval divided by it
   * (Feingold 2009, 2015). `delta`: adds the SD's sampling variance by the delta method,
   * var(d) ≈ se²/s² + d²/(2ν_s), with ν_s the SD's degrees of freedom (needs baseline values or
   * `sdDf`).
   * @defaultValue 'ignore'
   */
  sdUncertainty?: 'ignore' | 'delta';
  /** Degrees of freedom of a given SD, for `sdUncertainty: 'delta'` when `sd` is a number. */
  sdDf?: number;
}

/** Result of {@link standardizedModelEffect}. */
export interface ModelEffectResult extends Estimate {
  estimate: number;
  /** Standard error of the standardized difference (by the chosen treatment of the SD). */
  se: number;
  ci: [number, number];
  alternative: Alternative;
  df: number;
  /** Number of baseline values behind the SD; `null` when the SD was given as a number. */
  n: number | null;
  method: string;
  standardizer: { value: number; source: 'given' | 'pooled' | 'control' | 'total'; df: number | null };
  diagnostics: Diagnostic[];
}

function standardizer(sd: StandardizerInput, method: 'pooled' | 'control' | 'total', sdDf: number | undefined) {
  if (typeof sd === 'number') {
    if (!Number.isFinite(sd) || !(sd > 0)) throw new ArgumentError('sd', sd, 'a positive finite standard deviation, or { baseline: { control: [...], SFT: [...] } }');
    return { value: sd, source: 'given' as const, df: sdDf ?? null, n: null };
  }
  if (typeof sd !== 'object' || sd === null || typeof sd.baseline !== 'object' || sd.baseline === null) {
    throw new ArgumentError('sd', sd, 'a positive SD or { baseline: { control: [...], SFT: [...] } } with the baseline values of each arm, keyed by arm');
  }
  if (Array.isArray(sd.baseline)) {
    throw new ArgumentError('sd.baseline', `an array of ${(sd.baseline as unknown[]).length} arms`, 'the baseline values keyed by arm name, e.g. { control: [...], SFT: [...] }', 'Arms are named, never positional: in an array, which arm is the control could only be guessed');
  }
  const names = Object.keys(sd.baseline);
  if (names.length < 1) throw new ArgumentError('sd.baseline', sd.baseline, 'the baseline values of at least one arm');
  for (const name of names) checkSample(`sd.baseline.${name}`, sd.baseline[name]!);
  const arms = names.map((name) => sd.baseline[name]!);
  const n = arms.reduce((s, a) => s + a.length, 0);
  let value: number;
  let df: number;
  if (method === 'pooled') {
    let ss = 0;
    df = 0;
    for (const a of arms) {
      ss += (a.length - 1) * variance(a);
      df += a.length - 1;
    }
    value = Math.sqrt(ss / df);
  } else if (method === 'control') {
    if (sd.control === undefined || !Object.hasOwn(sd.baseline, sd.control)) {
      throw new ArgumentError('sd.control', sd.control, `the name of the control arm, one of ${names.map((a) => JSON.stringify(a)).join(', ')}`, "sdMethod: 'control' takes the SD of the arm named here");
    }
    const control = sd.baseline[sd.control]!;
    value = Math.sqrt(variance(control));
    df = control.length - 1;
  } else {
    const all: number[] = [];
    for (const a of arms) for (let i = 0; i < a.length; i++) all.push(a[i] as number);
    value = Math.sqrt(variance(all));
    df = all.length - 1;
  }
  if (!(value > 0)) throw new ArgumentError('sd', sd, 'baseline values that vary', 'the baseline SD is 0');
  return { value, source: method, df, n };
}

/**
 * Standardized arm difference from a fitted model (Feingold 2009): d = b / s, where b is the
 * model's arm difference at a visit (with SE and df) and s a raw-score SD, by default the
 * baseline SD pooled across arms, so that d is on the scale of a classical between-groups d.
 *
 * Interval: the model's t interval divided by s, [b − t_{ν,1−α/2}·se, b + t_{ν,1−α/2}·se]/s.
 * This carries the estimate's uncertainty but, as in Feingold (2009, 2015), treats s as known;
 * with `sdUncertainty: 'delta'` the SD's sampling variance is added,
 * se(d) = √(se²/s² + d²/(2ν_s)), and the interval is d ± t_ν·se(d).
 *
 * References: Feingold, A. (2009). Effect sizes for growth-modeling analysis for controlled
 * clinical trials in the same metric as for classical analysis. Psychological Methods 14, 43–53.
 * Feingold, A. (2015). Confidence interval estimation for standardized effect sizes in multilevel
 * and latent growth modeling. J. Consulting and Clinical Psychology 83, 157–168.
 * @throws ArgumentError when estimate, se or df are invalid, the SD input is invalid or 0, or an
 *   option is invalid.
 * @example
 * standardizedModelEffect({ estimate: 5, se: 2, df: 58 }, 10).ci; // [0.09965650317095293, 0.9003434968290471]
 */
export function standardizedModelEffect(effect: ModelDifference, sd: StandardizerInput, options?: ModelEffectOptions): ModelEffectResult {
  checkOptions('options', options, optionKeys<ModelEffectOptions>()(['ciLevel', 'alternative', 'sdMethod', 'sdUncertainty', 'sdDf']));
  if (typeof effect !== 'object' || effect === null) throw new ArgumentError('effect', effect, 'an object { estimate, se, df }');
  if (effect.estimable === false) throw new NotEstimableError('The standardized effect', `the difference itself is not estimable (${effect.reason ?? 'no reason given'})`);
  const { estimate, se, df } = effect;
  if (typeof estimate !== 'number' || !Number.isFinite(estimate)) throw new ArgumentError('effect.estimate', estimate, 'a finite difference');
  if (typeof se !== 'number' || !Number.isFinite(se) || !(se > 0)) throw new ArgumentError('effect.se', se, 'a positive finite standard error');
  if (typeof df !== 'number' || Number.isNaN(df) || !(df > 0)) throw new ArgumentError('effect.df', df, 'positive degrees of freedom (Infinity for a z interval)');
  if (df < MIN_DF) throw new NotEstimableError('The standardized effect', `the difference's degrees of freedom are numerically zero (${df.toPrecision(2)}), so no interval can be formed`);
  const { ciLevel, alternative } = readOptions(options);
  const sdMethod = options?.sdMethod ?? 'pooled';
  if (sdMethod !== 'pooled' && sdMethod !== 'control' && sdMethod !== 'total') throw new ArgumentError('sdMethod', sdMethod, '"pooled", "control" or "total"');
  const sdUncertainty = options?.sdUncertainty ?? 'ignore';
  if (sdUncertainty !== 'ignore' && sdUncertainty !== 'delta') throw new ArgumentError('sdUncertainty', sdUncertainty, '"ignore" or "delta"');
  if (options?.sdDf !== undefined && (typeof options.sdDf !== 'number' || !(options.sdDf > 0))) throw new ArgumentError('sdDf', options.sdDf, 'positive degrees of freedom');
  const s = standardizer(sd, sdMethod, options?.sdDf);
  if (sdUncertainty === 'delta' && s.df === null) {
    throw new ArgumentError('sdDf', options?.sdDf, 'the SD’s degrees of freedom', "sdUncertainty: 'delta' needs baseline values or sdDf when the SD is a number");
  }
  const d = estimate / s.value;
  const seD = sdUncertainty === 'delta' ? Math.sqrt((se / s.value) ** 2 + (d * d) / (2 * (s.df as number))) : se / s.value;
  const level = twoSidedLevel(ciLevel, alternative);
  const p = 1 - (1 - level) / 2;
  const q = df === Number.POSITIVE_INFINITY ? normalQuantile(p) : studentTQuantile(p, df);
  const ci = limitInterval([d - q * seD, d + q * seD], alternative);
  const sdText = s.source === 'given' ? 'a given SD' : `the ${s.source === 'pooled' ? 'pooled baseline' : s.source === 'control' ? 'control-arm baseline' : 'total baseline'} SD`;
  return {
    estimate: d,
    se: seD,
    ci,
    ciLevel,
    alternative,
    df,
    n: s.n,
    method: `Model-based d (Feingold 2009): model difference / ${sdText}; ${df === Number.POSITIVE_INFINITY ? 'z' : 't'} interval${
      sdUncertainty === 'delta' ? ' with the SD’s sampling variance added (delta method)' : ', SD treated as known'
    }`,
    standardizer: { value: s.value, source: s.source, df: s.df },
    diagnostics: [],
  };
}
