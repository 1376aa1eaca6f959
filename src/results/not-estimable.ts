/**
 * The not-estimable convention shared by every result row (docs/methods/not-estimable.md).
 *
 * A quantity the data cannot estimate is never reported as NaN, ±Infinity or a number near
 * the floating-point limit: its row carries `estimable: false`, every number that would have
 * been derived from it (se, df, statistic, pValue, ci, and the estimate where it is not
 * defined) is `null`, and `reason` says why in plain language. An estimable row has
 * `estimable: true` and `reason: null`.
 */
import { studentTCdf, studentTQuantile } from '../distributions/student-t.js';
import { RctevalError } from '../errors/index.js';
import type { Estimability, WaldRow } from './types.js';

/**
 * Degrees of freedom below this are numerically zero: the variance of the estimate rests on a
 * variance component the data do not identify (e.g. one therapy group), and a t interval
 * with such df is ±1e308 wide.
 */
export const MIN_DF = 1e-3;

/** Magnitudes above this are treated as overflow, not as numbers. */
export const MAX_MAGNITUDE = 1e300;

export type { Estimability, WaldRow } from './types.js';

const reportable = (x: number): boolean => Number.isFinite(x) && Math.abs(x) <= MAX_MAGNITUDE;

/**
 * Why an estimate with this SE and df cannot be reported, or `null` when it can. `df` may be
 * `Infinity` (normal reference).
 * @example
 * whyNotEstimable(2.03, 8.1, 3.4e-9); // 'its degrees of freedom are numerically zero (3.4e-9): …'
 * whyNotEstimable(2.03, 1.2, 40); // null
 */
export function whyNotEstimable(estimate: number, se: number, df: number): string | null {
  if (!reportable(estimate)) return 'the estimate is not a finite number (the design does not identify it)';
  if (!reportable(se) || se < 0) return 'its standard error is not finite (the design does not identify its variance)';
  if (se === 0) return 'its standard error is zero: the outcome does not vary beyond what the model fits exactly, so no test or interval can be formed';
  if (Number.isNaN(df) || df === -Infinity) return 'its degrees of freedom are undefined';
  if (df < MIN_DF) {
    return `its degrees of freedom are numerically zero (${df.toPrecision(2)}): the variance of the estimate rests on a variance component the data cannot estimate (for example a single cluster, or one participant per arm)`;
  }
  return null;
}

/**
 * The row for `estimate` with `se` and `df`: t statistic, two-sided p and a `ciLevel`
 * interval; or, when `reason` is given or {@link whyNotEstimable} finds one, the
 * not-estimable row (the estimate kept only when it is itself a finite number).
 * @example
 * waldRow(1, 0.5, 10, 0.95).ci; // [-0.114…, 2.114…]
 * waldRow(1, 0.5, 1e-9, 0.95); // { estimable: false, ci: null, df: null, …, reason: 'its degrees of freedom are numerically zero …' }
 */
export function waldRow(estimate: number, se: number, df: number, ciLevel: number, reason: string | null = null): WaldRow {
  const why = reason ?? whyNotEstimable(estimate, se, df);
  if (why !== null) return { estimate: reportable(estimate) && (reason === null || reportable(se)) ? estimate : null, se: null, df: null, statistic: null, pValue: null, ci: null, estimable: false, reason: why };
  const t = estimate / se;
  const p = Math.min(1, 2 * studentTCdf(-Math.abs(t), df));
  const q = studentTQuantile(1 - (1 - ciLevel) / 2, df);
  const ci: [number, number] = [estimate - q * se, estimate + q * se];
  // With df just above MIN_DF the t quantile itself overflows (t_{0.975, 0.002} > 1e300).
  if (!reportable(t) || !reportable(ci[0]) || !reportable(ci[1]) || Number.isNaN(p)) {
    return waldRow(estimate, se, df, ciLevel, `its degrees of freedom (${df.toPrecision(2)}) are too few for a finite ${Math.round(ciLevel * 1000) / 10}% interval`);
  }
  return { estimate, se, df, statistic: t, pValue: p, ci, estimable: true, reason: null };
}

/** The numeric fields a not-estimable row sets to `null`. */
const DERIVED = ['se', 'df', 'statistic', 'pValue', 'ci', 'denDf'] as const;

/**
 * A would-be row turned into a not-estimable row: `estimable: false`, the `reason`, and
 * se, df, statistic, pValue, ci (and denDf) set to `null`, plus any further `alsoNull` keys
 * (e.g. `estimate` when it is not defined). Other fields (labels, levels, ciLevel) are kept.
 * @example
 * notEstimable({ term: 'armSFT', estimate: 2, se: 8, df: 3e-9, ci: [-1e308, 1e308] }, 'one cluster', ['estimate']);
 * // { term: 'armSFT', estimate: null, se: null, df: null, ci: null, estimable: false, reason: 'one cluster' }
 */
export function notEstimable<T extends object>(row: T, reason: string, alsoNull: readonly (keyof T)[] = []): T & Estimability {
  const out: Record<string, unknown> = { ...(row as Record<string, unknown>) };
  for (const k of DERIVED) if (k in out) out[k] = null;
  for (const k of alsoNull) out[k as string] = null;
  out['estimable'] = false;
  out['reason'] = reason;
  return out as T & Estimability;
}

/**
 * Paths (e.g. `outcomes[0].differences[1].ci[0]`) of every number in `value` that is NaN,
 * ±Infinity or larger in magnitude than {@link MAX_MAGNITUDE}: the check that a result is fit
 * to print. Typed arrays, arrays, maps and plain objects are walked; cycles are skipped.
 * @example
 * unreportableNumbers({ a: [1, NaN], b: { c: 1e308 } }); // ['a[1]', 'b.c']
 */
export function unreportableNumbers(value: unknown, path = ''): string[] {
  const out: string[] = [];
  const seen = new Set<object>();
  const walk = (x: unknown, at: string): void => {
    if (typeof x === 'number') {
      if (!reportable(x)) out.push(at || '(root)');
      return;
    }
    if (x === null || typeof x !== 'object' || seen.has(x)) return;
    seen.add(x);
    if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
      Array.from(x as unknown as ArrayLike<number | bigint>).forEach((v, i) => walk(v, `${at}[${i}]`));
    } else if (Array.isArray(x)) x.forEach((v, i) => walk(v, `${at}[${i}]`));
    else if (x instanceof Map) for (const [k, v] of x) walk(v, `${at}.${String(k)}`);
    else for (const [k, v] of Object.entries(x)) walk(v, at ? `${at}.${k}` : k);
  };
  walk(value, path);
  return out;
}

/**
 * A quantity a computation needs cannot be estimated from these data (code `NOT_ESTIMABLE`).
 * Thrown where a whole result rests on it, e.g. a net-benefit regression whose arm
 * coefficient has no standard error; the analysis reports the section as not estimable.
 */
export class NotEstimableError extends RctevalError {
  /** The plain-language reason, without the "not estimable" prefix. */
  readonly reason: string;
  constructor(what: string, reason: string) {
    super('NOT_ESTIMABLE', `${what} is not estimable: ${reason}`);
    this.name = 'NotEstimableError';
    this.reason = reason;
  }
}

/**
 * The numbers of an estimable row, or a {@link NotEstimableError} naming `what` and the row's
 * reason: for callers whose own result cannot exist without them.
 * @example
 * const r = requireEstimable(fit.fixedEffects[1]!, 'the arm coefficient');
 * r.se; // a number
 */
export function requireEstimable<T extends WaldRow>(row: T, what: string): T & { estimate: number; se: number; df: number; statistic: number; pValue: number; ci: [number, number] } {
  if (!row.estimable || row.se === null || row.df === null || row.statistic === null || row.pValue === null || row.ci === null || row.estimate === null) {
    throw new NotEstimableError(what, row.reason ?? 'its standard error or degrees of freedom are not defined');
  }
  return row as T & { estimate: number; se: number; df: number; statistic: number; pValue: number; ci: [number, number] };
}

/**
 * Throws a {@link NotEstimableError} when the response takes one value in every row a model
 * uses: nothing varies, so no variance, standard error, test or interval exists (a fit would
 * give NaN or infinite ones).
 * @example
 * checkResponseVaries(Float64Array.of(5, 5, 5), 'score'); // throws: The model of "score" is not estimable: …
 */
export function checkResponseVaries(y: ArrayLike<number>, response: string): void {
  if (y.length === 0) return;
  const first = y[0]!;
  for (let i = 1; i < y.length; i++) if (y[i] !== first) return;
  throw new NotEstimableError(
    `The model of "${response}"`,
    `"${response}" has the same value (${first}) in all ${y.length} rows the model uses, so there is no variation to model (check that the right column was chosen and that the scores were not overwritten)`,
  );
}
