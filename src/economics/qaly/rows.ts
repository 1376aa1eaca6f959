/** The check of per-participant value rows shared by the cost-utility functions. */
import { ValidationError, issue, type ValidationIssue } from '../../errors/index.js';

/**
 * Check rows `{ id, arm, group, <fields> }`: an object each, ids unique non-empty strings, arm a
 * non-empty string, group a non-empty string or null, each field a finite number (≥ 0 when
 * `nonNegative`) or null when missing.
 * @throws ValidationError listing every problem with table, 1-based row and field.
 */
export function checkValueRows(rows: readonly object[], table: string, fields: readonly string[], nonNegative: boolean): void {
  const issues: ValidationIssue[] = [];
  const ids = new Set<string>();
  const shape = `an object { id, arm, group, ${fields.join(', ')} }`;
  const number = nonNegative ? 'a finite number ≥ 0, or null when missing' : 'a finite number, or null when missing';
  rows.forEach((raw, i) => {
    const row = i + 1;
    if (typeof raw !== 'object' || raw === null) return void issues.push(issue(table, row, '(row)', raw, shape));
    const r = raw as Record<string, unknown>;
    if (typeof r['id'] !== 'string' || r['id'] === '' || ids.has(r['id'])) issues.push(issue(table, row, 'id', r['id'], 'a unique non-empty id'));
    else ids.add(r['id']);
    if (typeof r['arm'] !== 'string' || r['arm'] === '') issues.push(issue(table, row, 'arm', r['arm'], 'a non-empty string'));
    if (!(r['group'] === null || (typeof r['group'] === 'string' && r['group'] !== ''))) issues.push(issue(table, row, 'group', r['group'], 'a non-empty string, or null for no group'));
    for (const f of fields) {
      const v = r[f];
      if (v !== null && (typeof v !== 'number' || !Number.isFinite(v) || (nonNegative && v < 0))) issues.push(issue(table, row, f, v, number));
    }
  });
  if (issues.length > 0) throw new ValidationError(issues, `The ${table} failed validation`);
}
