/**
 * Confidence intervals for a single binomial proportion.
 */
import { ArgumentError } from '../errors/index.js';
import { betaQuantile } from '../distributions/beta.js';
import { normalQuantile } from '../distributions/normal.js';
import type { IntervalResult } from './types.js';
import { checkEvents } from './validate.js';
import { checkCiLevel, checkOptions, optionKeys } from '../errors/checks.js';

/** The interval methods for one proportion. */
export type ProportionIntervalMethod = 'wilson' | 'wilson-cc' | 'clopper-pearson' | 'agresti-coull';

/** Options of {@link proportionInterval}. */
export interface ProportionIntervalOptions {
  /** @defaultValue 'wilson' */
  method?: ProportionIntervalMethod;
  /** Two-sided confidence level. @defaultValue 0.95 */
  ciLevel?: number;
}

/** A proportion with its interval. */
export interface ProportionIntervalResult extends IntervalResult {
  /** Number of events. */
  x: number;
}

const METHOD_NAMES: Record<ProportionIntervalMethod, string> = {
  wilson: 'Wilson score interval',
  'wilson-cc': 'Wilson score interval with continuity correction',
  'clopper-pearson': 'Clopper–Pearson exact interval',
  'agresti-coull': 'Agresti–Coull interval',
};

/**
 * Wilson score limits with an optional continuity correction c (0 or ½), in the form R's
 * prop.test uses: for p_c = p ± c/n, (p_c + z²/(2n) ± z √(p_c(1 − p_c)/n + z²/(4n²))) / (1 + z²/n),
 * with the lower limit 0 when p_c ≤ 0 and the upper limit 1 when p_c ≥ 1.
 */
export function wilsonLimits(x: number, n: number, z: number, correction: number): [number, number] {
  const p = x / n;
  const z22n = (z * z) / (2 * n);
  const lowerC = p - correction / n;
  const upperC = p + correction / n;
  const lower = lowerC <= 0 ? 0 : (lowerC + z22n - z * Math.sqrt((lowerC * (1 - lowerC)) / n + z22n / (2 * n))) / (1 + 2 * z22n);
  const upper = upperC >= 1 ? 1 : (upperC + z22n + z * Math.sqrt((upperC * (1 - upperC)) / n + z22n / (2 * n))) / (1 + 2 * z22n);
  return [Math.max(lower, 0), Math.min(upper, 1)];
}

/**
 * Confidence interval for a binomial proportion x/n.
 *
 * - `wilson` (Wilson 1927): the score interval, inverting the score test
 *   |p̂ − π| ≤ z √(π(1 − π)/n); R's `prop.test(x, n, correct = FALSE)`. Newcombe (1998) method 3.
 * - `wilson-cc`: with Yates' continuity correction, p̂ ∓ 1/(2n) before solving (Newcombe 1998
 *   method 4; R's `prop.test(x, n)`, except that R shrinks the correction to |x − n/2| when that
 *   is below ½, i.e. drops it when x = n/2; here it is always ½).
 * - `clopper-pearson` (Clopper & Pearson 1934): exact, from beta quantiles
 *   [B(α/2; x, n − x + 1), B(1 − α/2; x + 1, n − x)]; R's `binom.test`.
 * - `agresti-coull` (Agresti & Coull 1998): Wald interval around p̃ = (x + z²/2)/(n + z²) with
 *   ñ = n + z², truncated to [0, 1].
 *
 * @param x - number of events, integer 0 ≤ x ≤ n.
 * @param n - number of trials, positive integer.
 * @throws ArgumentError when x or n are not valid counts, the method is unknown or ciLevel ∉ (0, 1).
 * @example
 * proportionInterval(56, 70).ci; // [0.6918335550374695, 0.8769526075163704] (Wilson)
 */
export function proportionInterval(x: number, n: number, options?: ProportionIntervalOptions): ProportionIntervalResult {
  checkOptions('options', options, optionKeys<ProportionIntervalOptions>()(['method', 'ciLevel']));
  checkEvents('x', x, 'n', n);
  const method = options?.method ?? 'wilson';
  const ciLevel = options?.ciLevel ?? 0.95;
  checkCiLevel(ciLevel);
  if (!Object.hasOwn(METHOD_NAMES, method)) {
    throw new ArgumentError('method', method, `one of ${Object.keys(METHOD_NAMES).map((m) => `"${m}"`).join(', ')}`);
  }
  const alpha = 1 - ciLevel;
  const z = normalQuantile(1 - alpha / 2);
  let ci: [number, number];
  switch (method) {
    case 'wilson':
      ci = wilsonLimits(x, n, z, 0);
      break;
    case 'wilson-cc':
      ci = wilsonLimits(x, n, z, 0.5);
      break;
    case 'clopper-pearson':
      ci = [x === 0 ? 0 : betaQuantile(alpha / 2, x, n - x + 1), x === n ? 1 : betaQuantile(alpha / 2, x + 1, n - x, { lowerTail: false })];
      break;
    case 'agresti-coull': {
      const nt = n + z * z;
      const pt = (x + (z * z) / 2) / nt;
      const half = z * Math.sqrt((pt * (1 - pt)) / nt);
      ci = [Math.max(0, pt - half), Math.min(1, pt + half)];
      break;
    }
  }
  return { estimate: x / n, ci, ciLevel, n, x, method: METHOD_NAMES[method], diagnostics: [] };
}
