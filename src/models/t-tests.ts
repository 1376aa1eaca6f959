/**
 * Wald t tests and intervals for one estimate: t = estimate / se, two-sided p from
 * Student's t with df (the normal when df is infinite), interval estimate ± t_{1−α/2,df}·se.
 */
import { studentTCdf, studentTQuantile } from '../distributions/student-t.js';

export interface TResult {
  statistic: number;
  pValue: number;
  ci: [number, number];
}

/** t statistic, two-sided p-value and confidence interval. NaN df or se propagate as NaN. */
export function tInterval(estimate: number, se: number, df: number, ciLevel: number): TResult {
  const t = estimate / se;
  if (!(df > 0) || !(se >= 0) || Number.isNaN(t)) return { statistic: t, pValue: NaN, ci: [NaN, NaN] };
  const p = 2 * studentTCdf(-Math.abs(t), df);
  const q = studentTQuantile(1 - (1 - ciLevel) / 2, df);
  return { statistic: t, pValue: Math.min(1, p), ci: [estimate - q * se, estimate + q * se] };
}
