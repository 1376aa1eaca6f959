/**
 * Pearson's χ² test of independence for a contingency table (2×k and beyond), as R's chisq.test.
 */
import { ArgumentError, type Diagnostic } from '../errors/index.js';
import { smallExpected } from '../errors/diagnostics.js';
import { chiSquaredCdfRaw } from '../distributions/chi-squared.js';
import type { TestResult } from './types.js';
import { checkBoolean, checkOptions, optionKeys } from '../errors/checks.js';

/** Options of {@link chiSquareTest}. */
export interface ChiSquareTestOptions {
  /**
   * Apply Yates' continuity correction. As in R it only acts on 2×2 tables, and it is capped at
   * the smallest |observed − expected| (so a table that fits exactly gets no correction).
   * @defaultValue true
   */
  correct?: boolean;
}

/** Result of {@link chiSquareTest}. */
export interface ChiSquareTestResult extends TestResult {
  /** Expected counts under independence, r_i c_j / N. */
  expected: number[][];
  /** Pearson residuals (O − E)/√E. */
  residuals: number[][];
  /** Standardized residuals (O − E)/√(E (1 − r_i/N)(1 − c_j/N)). */
  stdResiduals: number[][];
}

/** Validate the table and return it as plain number arrays. */
function checkTable(table: unknown): number[][] {
  if (!Array.isArray(table) || table.length < 2) throw new ArgumentError('table', table, 'an array of at least 2 rows of counts');
  const first: unknown = table[0];
  const nc = Array.isArray(first) ? first.length : 0;
  if (nc < 2) throw new ArgumentError('table', table, 'rows of at least 2 counts');
  return table.map((row: unknown, i: number) => {
    if (!Array.isArray(row) || row.length !== nc) throw new ArgumentError(`table[${i}]`, row, `a row of ${nc} counts like the first row`);
    return row.map((v: unknown, j: number) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ArgumentError(`table[${i}][${j}]`, v, 'a non-negative finite count');
      return v;
    });
  });
}

/**
 * Pearson's χ² test of independence: X² = Σ (|O − E| − Y)² / E with E = r_i c_j / N,
 * Y = min(½, min |O − E|) for a 2×2 table with `correct` (Yates 1934) and 0 otherwise;
 * df = (r − 1)(c − 1); p = P(χ²_df > X²). Agrees with R's `chisq.test(table, correct)`.
 * A diagnostic warns when an expected count is below 5 (consider Fisher's exact test).
 *
 * @param table - counts, rows × columns (at least 2 × 2), e.g. arms × outcome categories.
 * @throws ArgumentError when the table is not a rectangular array of non-negative finite
 *   numbers with at least 2 rows and 2 columns, or a row or column total is 0.
 * @example
 * chiSquareTest([[12, 5], [7, 11]]).pValue; // 0.12305696596514 (with Yates' correction, as chisq.test)
 */
export function chiSquareTest(table: readonly (readonly number[])[], options?: ChiSquareTestOptions): ChiSquareTestResult {
  checkOptions('options', options, optionKeys<ChiSquareTestOptions>()(['correct']));
  checkBoolean('options.correct', options?.correct);
  const rows = checkTable(table);
  const correct = options?.correct ?? true;
  const nr = rows.length;
  const nc = (rows[0] as number[]).length;
  const rowSums = rows.map((row) => row.reduce((s, v) => s + v, 0));
  const colSums = Array.from({ length: nc }, (_, j) => rows.reduce((s, row) => s + (row[j] as number), 0));
  const total = rowSums.reduce((s, v) => s + v, 0);
  rowSums.forEach((r, i) => {
    if (r === 0) throw new ArgumentError(`table[${i}]`, table[i], 'a row with at least one observation (its expected counts would be 0)');
  });
  colSums.forEach((c, j) => {
    if (c === 0) throw new ArgumentError('table', table, `column ${j} to have at least one observation (its expected counts would be 0)`);
  });
  const expected = rowSums.map((r) => colSums.map((c) => (r * c) / total));
  let yates = 0;
  if (correct && nr === 2 && nc === 2) {
    let minDev = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) minDev = Math.min(minDev, Math.abs((rows[i]![j] as number) - expected[i]![j]!));
    yates = Math.min(0.5, minDev);
  }
  let statistic = 0;
  for (let i = 0; i < nr; i++) {
    for (let j = 0; j < nc; j++) {
      const e = expected[i]![j]!;
      statistic += (Math.abs((rows[i]![j] as number) - e) - yates) ** 2 / e;
    }
  }
  const df = (nr - 1) * (nc - 1);
  const residuals = rows.map((row, i) => row.map((o, j) => (o - expected[i]![j]!) / Math.sqrt(expected[i]![j]!)));
  const stdResiduals = rows.map((row, i) =>
    row.map((o, j) => (o - expected[i]![j]!) / Math.sqrt(expected[i]![j]! * (1 - rowSums[i]! / total) * (1 - colSums[j]! / total))),
  );
  const diagnostics: Diagnostic[] = [];
  const smallest = Math.min(...expected.flat());
  if (smallest < 5) {
    diagnostics.push(smallExpected(smallest));
  }
  return {
    statistic,
    df,
    pValue: chiSquaredCdfRaw(statistic, df, false, false),
    n: total,
    method: yates > 0 ? "Pearson's χ² test with Yates' continuity correction" : "Pearson's χ² test",
    expected,
    residuals,
    stdResiduals,
    diagnostics,
  };
}
