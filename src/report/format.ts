/**
 * Number formatting for tables and readings, and small-cell protection.
 */
import { MAX_MAGNITUDE } from '../results/not-estimable.js';

/** Whether a value is a number fit to print (finite, within ±1e300; see results/not-estimable.ts). */
function printable(x: number | null | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x) && Math.abs(x) <= MAX_MAGNITUDE;
}

/**
 * `not estimable: <reason>`, the one wording of every table, reading and CLI line.
 * @example
 * notEstimableText('an empty cell'); // 'not estimable: an empty cell'
 */
export function notEstimableText(reason: string | null | undefined): string {
  return `not estimable: ${reason ?? 'the data do not identify it'}`;
}

/** A number with fixed decimals; `–` for a missing or undefined value. */
export function num(x: number | null | undefined, digits = 2): string {
  if (!printable(x)) return '–';
  const v = Number(x.toFixed(digits));
  return (Object.is(v, -0) ? 0 : v).toFixed(digits);
}

/** Significant digits chosen by magnitude: 1 decimal from 100, 2 from 1, else 3. */
export function auto(x: number | null | undefined): string {
  if (!printable(x)) return '–';
  const a = Math.abs(x);
  return num(x, a >= 1000 ? 0 : a >= 100 ? 1 : a >= 1 ? 2 : 3);
}

/** A p-value as usually printed: `< 0.001` below 0.001, else three decimals. */
export function pValue(p: number | null | undefined): string {
  if (!printable(p)) return '–';
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

/** `p = 0.012` or `p < 0.001`, for sentences. */
export function pEquals(p: number | null | undefined, name = 'p'): string {
  const t = pValue(p);
  return t.startsWith('<') ? `${name} ${t}` : `${name} = ${t}`;
}

/** An interval `lower to upper`. */
export function interval(ci: readonly [number, number] | null | undefined, digits = 2): string {
  if (!ci || !printable(ci[0]) || !printable(ci[1])) return '–';
  return `${num(ci[0], digits)} to ${num(ci[1], digits)}`;
}

/** A percentage with one decimal. */
export function percent(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return `${num(x, digits)}%`;
}

/** An amount of money with thousands separators, e.g. `47,667`. */
export function money(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return Math.round(x).toLocaleString('en-US');
}

/**
 * Small-cell protection (register-data practice): counts from 1 to k − 1 are printed as
 * `<k`; so are percentages and summary statistics that rest on fewer than k people. Zero is
 * printed (it discloses nobody). Only primary suppression: a suppressed cell may still be
 * derivable from margins (see docs/methods/report.md).
 */
export interface SmallCells {
  /** The threshold k, or `null` when protection is off. */
  k: number | null;
}

/** Whether a count must be hidden. */
export function suppressed(n: number, cells: SmallCells): boolean {
  return cells.k !== null && n > 0 && n < cells.k;
}

/** A count, or `<k` when it must be hidden. */
export function count(n: number, cells: SmallCells): string {
  return suppressed(n, cells) ? `<${cells.k}` : String(n);
}

/** `n (p%)`, hiding both when n is small. */
export function countPercent(n: number, pct: number | null, cells: SmallCells): string {
  if (suppressed(n, cells)) return `<${cells.k}`;
  return pct === null ? String(n) : `${n} (${percent(pct)})`;
}
