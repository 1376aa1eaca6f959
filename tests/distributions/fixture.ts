/**
 * Reading R fixtures and measuring agreement. jsonlite writes non-finite numbers as the strings
 * "Inf", "-Inf", "NaN" and "NA"; `num` turns them back into numbers.
 */
import { readFileSync } from 'node:fs';

export type Row = Record<string, unknown>;

/** Parse a fixture JSON file relative to tests/fixtures/r/. */
export function loadFixture<T = Record<string, unknown>>(relativePath: string): T {
  const url = new URL(`../fixtures/r/${relativePath}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}

/** A loader that parses the fixture on first use only (a large fixture read by several tests or helpers). */
export function cachedFixture<T>(relativePath: string): () => T {
  let cached: T | undefined;
  return () => (cached ??= loadFixture<T>(relativePath));
}

/** The distribution functions' R fixture (tests/fixtures/r/distributions/distributions.json): rows by R function. */
export function distributionsFixture(): Record<string, Row[]> {
  return loadFixture<Record<string, Row[]>>('distributions/distributions.json');
}

/** A fixture value as a number ("Inf" → Infinity, "NA"/"NaN" → NaN). */
export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === 'Inf') return Number.POSITIVE_INFINITY;
  if (v === '-Inf') return Number.NEGATIVE_INFINITY;
  if (v === 'NA' || v === 'NaN' || v === null) return Number.NaN;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new Error(`not a number in fixture: ${JSON.stringify(v)}`);
}

/** Relative error |a − b| / |b|, 0 when both are equal (including equal infinities). */
export function relErr(actual: number, expected: number): number {
  if (actual === expected) return 0;
  if (Number.isNaN(actual) || Number.isNaN(expected)) return Number.POSITIVE_INFINITY;
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) return Number.POSITIVE_INFINITY;
  return Math.abs(actual - expected) / Math.abs(expected);
}

/** Error measure: relative, but absolute when |expected| < `absFloor`. */
export function mixedErr(actual: number, expected: number, absFloor: number): number {
  if (actual === expected) return 0;
  if (Math.abs(expected) < absFloor) return Math.abs(actual - expected) / absFloor;
  return relErr(actual, expected);
}

export interface Worst {
  error: number;
  row: Row | undefined;
  actual: number;
  expected: number;
  count: number;
}

/** The largest error of `compute(row)` against `expectedOf(row)` over the rows that pass `filter`. */
export function worstError(
  rows: Row[],
  compute: (row: Row) => number,
  expectedOf: (row: Row) => number,
  measure: (actual: number, expected: number) => number = relErr,
  filter: (row: Row) => boolean = () => true,
): Worst {
  let worst: Worst = { error: 0, row: undefined, actual: Number.NaN, expected: Number.NaN, count: 0 };
  let count = 0;
  for (const row of rows) {
    if (!filter(row)) continue;
    count++;
    const expected = expectedOf(row);
    const actual = compute(row);
    const e = measure(actual, expected);
    if (e > worst.error || Number.isNaN(e)) worst = { error: Number.isNaN(e) ? Number.POSITIVE_INFINITY : e, row, actual, expected, count: 0 };
  }
  worst.count = count;
  return worst;
}

/** A readable description of a worst case, for assertion messages. */
export function describeWorst(w: Worst): string {
  return `worst error ${w.error.toExponential(2)} over ${w.count} rows at ${JSON.stringify(w.row)}: got ${w.actual}, expected ${w.expected}`;
}

/** The fixture's tail columns: name, lowerTail, log. */
export const TAILS = [
  ['lower', true, false],
  ['upper', false, false],
  ['logLower', true, true],
  ['logUpper', false, true],
] as const;
