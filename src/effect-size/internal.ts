/**
 * Input checks, summaries and the interval machinery shared by the effect sizes.
 */
import { ArgumentError } from '../errors/index.js';
import { stirlingError } from '../distributions/gamma-function.js';
import { noncentralTNcpInterval } from '../distributions/noncentral-t.js';
import { normalQuantile } from '../distributions/normal.js';
import type { Alternative, EffectSizeOptions, Sample, SmallSampleCorrection } from './types.js';
import { ALTERNATIVES, checkCiLevel, checkOneOf } from '../errors/checks.js';
import { mean } from '../statistics/sample.js';

/** Check a sample: an array of at least `min` finite numbers. */
export function checkSample(name: string, values: Sample, min = 2): void {
  if (!(Array.isArray(values) || values instanceof Float64Array)) throw new ArgumentError(name, values, 'an array of numbers');
  if (values.length < min) {
    throw new ArgumentError(name, values, `at least ${min} values`, `received ${values.length}; a standard deviation needs two or more`);
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ArgumentError(`${name}[${i}]`, v, 'a finite number', 'remove missing or non-finite values before computing an effect size');
    }
  }
}

export interface ReadOptions {
  ciLevel: number;
  alternative: Alternative;
  mu: number;
}

export function readOptions(options: EffectSizeOptions | undefined): ReadOptions {
  const ciLevel = options?.ciLevel ?? 0.95;
  checkCiLevel(ciLevel, 'ciLevel');
  const alternative = checkOneOf('alternative', options?.alternative ?? 'two.sided', ALTERNATIVES);
  const mu = options?.mu ?? 0;
  if (typeof mu !== 'number' || !Number.isFinite(mu)) throw new ArgumentError('mu', mu, 'a finite null mean difference');
  return { ciLevel, alternative, mu };
}

/** Pearson correlation of two equally long samples. */
export function correlation(x: Sample, y: Sample): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** The two-sided level that gives a one-sided bound at `ciLevel` (effectsize's convention). */
export function twoSidedLevel(ciLevel: number, alternative: Alternative): number {
  return alternative === 'two.sided' ? ciLevel : 2 * ciLevel - 1;
}

/** Replace the bound a one-sided interval does not have by ∓Infinity. */
export function limitInterval(ci: [number, number], alternative: Alternative): [number, number] {
  if (alternative === 'less') return [Number.NEGATIVE_INFINITY, ci[1]];
  if (alternative === 'greater') return [ci[0], Number.POSITIVE_INFINITY];
  return ci;
}

/**
 * Noncentral-t interval of a standardized difference: pivot t on ν df for its noncentrality,
 * then rescale by √h, where d = t·√h (Steiger & Fouladi 1997; R's effectsize).
 */
export function ncpInterval(t: number, df: number, sqrtH: number, ciLevel: number, alternative: Alternative): [number, number] {
  const level = twoSidedLevel(ciLevel, alternative);
  if (!(level > 0)) {
    // A one-sided interval at ciLevel ≤ 0.5 has no informative bound.
    return limitInterval([t * sqrtH, t * sqrtH], alternative);
  }
  const [lo, hi] = noncentralTNcpInterval(t, df, { ciLevel: level });
  return limitInterval([lo * sqrtH, hi * sqrtH], alternative);
}

/** Normal-approximation interval d ± z·se. */
export function normalInterval(d: number, se: number, ciLevel: number, alternative: Alternative): [number, number] {
  const level = twoSidedLevel(ciLevel, alternative);
  const z = normalQuantile(1 - (1 - level) / 2);
  return limitInterval([d - z * se, d + z * se], alternative);
}

/**
 * Hedges' small-sample factor J(ν) = Γ(ν/2) / (√(ν/2) Γ((ν − 1)/2)), or its approximation
 * 1 − 3/(4ν − 1). The exact form is evaluated through Stirling's error terms so that it stays
 * accurate for large ν, where the two log-gamma values would cancel.
 */
export function hedgesJ(df: number, correction: SmallSampleCorrection): number {
  if (correction === 'approximate') return 1 - 3 / (4 * df - 1);
  if (!Number.isFinite(df)) return 1;
  const m = df / 2;
  const z = m - 0.5;
  // ln Γ(z + ½) − ln Γ(z) − ½ ln(z + ½), with ln Γ(w) = (w − ½) ln w − w + ln √(2π) + δ(w).
  const logJ = z * Math.log1p(0.5 / z) - 0.5 + 0.5 * Math.log1p(-0.5 / m) + stirlingError(m) - stirlingError(z);
  return Math.exp(logJ);
}

/**
 * Hedges' small-sample correction factor for a standardized difference on ν degrees of freedom.
 *
 * Exact: J(ν) = Γ(ν/2) / (√(ν/2) Γ((ν − 1)/2)) (Hedges 1981), which makes J·d unbiased under
 * normality; this is what R's effectsize multiplies d by. Approximate: 1 − 3/(4ν − 1)
 * (Hedges & Olkin 1985), within 0.0006 of the exact factor for ν ≥ 5.
 * @param df - degrees of freedom ν > 1 (Infinity gives 1).
 * @throws ArgumentError when ν ≤ 1 or the correction is unknown.
 * @example
 * hedgesCorrectionFactor(18); // 0.9576464270237182
 */
export function hedgesCorrectionFactor(df: number, correction: SmallSampleCorrection = 'exact'): number {
  if (typeof df !== 'number' || Number.isNaN(df) || !(df > 1)) throw new ArgumentError('df', df, 'degrees of freedom greater than 1');
  if (correction !== 'exact' && correction !== 'approximate') throw new ArgumentError('correction', correction, '"exact" or "approximate"');
  return hedgesJ(df, correction);
}
