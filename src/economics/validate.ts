/**
 * Checks of economic inputs. Data problems are collected and thrown together as a
 * `ValidationError` (every bad row, with field and value); misuse of an option throws an
 * `ArgumentError` at once.
 */
import { ArgumentError, ValidationError, issue, type ValidationIssue } from '../errors/index.js';
import { LIMITS, checkLength } from '../errors/checks.js';
import type { CostParticipant, CostRecord } from './types.js';
import { checkOptions, optionKeys } from '../errors/checks.js';

/** Which cost categories may hold negative amounts (e.g. savings booked as negative costs). */
export type AllowNegative = boolean | readonly string[];

function negativeAllowed(allow: AllowNegative | undefined, category: string): boolean {
  if (allow === true) return true;
  if (Array.isArray(allow)) return allow.includes(category);
  return false;
}

/**
 * Check participants for the cost functions: ids unique non-empty strings, arm a string,
 * group a string or null, costs an object of finite numbers or null, and no negative costs
 * unless allowed for the category.
 *
 * @param participants - the participants.
 * @param allowNegative - categories where negative amounts are allowed, or `true` for all. @defaultValue false
 * @throws ArgumentError when `participants` is not an array.
 * @throws ValidationError listing every problem, with table `participants`, 1-based row and field (`costs.<category>` for costs).
 * @example
 * checkCostParticipants([{ id: 'a', arm: 'control', group: null, costs: { healthcare: -5 } }]);
 * // throws ValidationError: participants row 1, field "costs.healthcare": received -5, expected a cost ≥ 0 ...
 */
export function checkCostParticipants(participants: readonly CostParticipant[], allowNegative: AllowNegative = false): void {
  if (!Array.isArray(participants)) throw new ArgumentError('participants', participants, 'an array of participants { id, arm, group, costs }');
  const issues: ValidationIssue[] = [];
  const seen = new Map<string, number>();
  participants.forEach((p, i) => {
    const row = i + 1;
    if (typeof p !== 'object' || p === null) {
      issues.push(issue('participants', row, '(row)', p, 'an object { id, arm, group, costs }'));
      return;
    }
    if (typeof p.id !== 'string' || p.id === '') issues.push(issue('participants', row, 'id', p.id, 'a non-empty string'));
    else if (seen.has(p.id)) issues.push(issue('participants', row, 'id', p.id, `a unique id (also in row ${seen.get(p.id)})`));
    else seen.set(p.id, row);
    if (typeof p.arm !== 'string' || p.arm === '') issues.push(issue('participants', row, 'arm', p.arm, 'a non-empty string'));
    if (!(p.group === null || (typeof p.group === 'string' && p.group !== ''))) {
      issues.push(issue('participants', row, 'group', p.group, 'a non-empty string, or null for no group'));
    }
    if (typeof p.costs !== 'object' || p.costs === null || Array.isArray(p.costs)) {
      issues.push(issue('participants', row, 'costs', p.costs, 'an object of costs by category, e.g. { healthcare: 1200 }'));
      return;
    }
    for (const [category, value] of Object.entries(p.costs)) {
      if (value === null) continue;
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        issues.push(issue('participants', row, `costs.${category}`, value, 'a finite number, or null when not recorded'));
      } else if (value < 0 && !negativeAllowed(allowNegative, category)) {
        issues.push(
          issue(
            'participants',
            row,
            `costs.${category}`,
            value,
            `a cost ≥ 0 (allow negative amounts for this category with allowNegative: ['${category}'])`,
          ),
        );
      }
    }
  });
  if (issues.length > 0) throw new ValidationError(issues, 'Cost data failed validation');
}

/**
 * Check a willingness-to-pay grid: finite, ≥ 0 and strictly increasing.
 * @throws ArgumentError naming `wtp[i]` and the offending value.
 * @example
 * checkWtpGrid([0, 20000, 10000]); // throws ArgumentError: Argument "wtp[2]": received 10000, expected a value greater than wtp[1] = 20000 ...
 */
export function checkWtpGrid(wtp: readonly number[], argument = 'wtp'): void {
  if (!Array.isArray(wtp) || wtp.length === 0) throw new ArgumentError(argument, wtp, 'a non-empty array of willingness-to-pay values');
  checkLength(argument, wtp, LIMITS.gridPoints, 'willingness-to-pay values');
  for (let i = 0; i < wtp.length; i++) {
    const v = wtp[i];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new ArgumentError(`${argument}[${i}]`, v, 'a finite number ≥ 0 (currency per unit of effect)');
    }
    if (i > 0 && !(v > wtp[i - 1]!)) {
      throw new ArgumentError(
        `${argument}[${i}]`,
        v,
        `a value greater than ${argument}[${i - 1}] = ${wtp[i - 1]}`,
        'The willingness-to-pay grid must be strictly increasing.',
      );
    }
  }
}

/**
 * Add long-format cost records (one row per cost event or per category) to participants'
 * category totals. Several records of one participant and category are summed (e.g. one row
 * per admission). A category present in the records but absent from a participant's `costs`
 * becomes 0 for every participant without a record, i.e. a missing record means no cost; use
 * `null` in `costs` beforehand for "not recorded".
 *
 * @param participants - the participants (their existing `costs` are kept and added to).
 * @param records - cost records `{ id, category, amount }`.
 * @param options - `allowNegative`: categories where negative amounts are allowed. @defaultValue false
 * @returns new participant objects (inputs are not modified), in the same order.
 * @throws ValidationError (table `costs`) for records of unknown participants, non-finite or (unless allowed) negative amounts, or a missing category; every bad record is listed.
 * @example
 * attachCosts([{ id: 'a', arm: 'control', group: null, costs: {} }], [{ id: 'a', category: 'healthcare', amount: 1200 }]);
 * // [{ id: 'a', arm: 'control', group: null, costs: { healthcare: 1200 } }]
 */
export function attachCosts<P extends CostParticipant>(
  participants: readonly P[],
  records: readonly CostRecord[],
  options: { allowNegative?: AllowNegative } = {},
): (P & { costs: Record<string, number | null> })[] {
  checkOptions('options', options, optionKeys<{ allowNegative?: AllowNegative }>()(['allowNegative']));
  if (!Array.isArray(records)) throw new ArgumentError('records', records, 'an array of { id, category, amount }');
  checkCostParticipants(participants, options.allowNegative ?? false);
  const index = new Map<string, number>();
  participants.forEach((p, i) => index.set(p.id, i));
  const issues: ValidationIssue[] = [];
  const added: Map<string, number>[] = participants.map(() => new Map());
  const categories = new Set<string>();
  records.forEach((r, i) => {
    const row = i + 1;
    if (typeof r !== 'object' || r === null) {
      issues.push(issue('costs', row, '(row)', r, 'an object { id, category, amount }'));
      return;
    }
    const at = typeof r.id === 'string' ? index.get(r.id) : undefined;
    if (at === undefined) issues.push(issue('costs', row, 'id', r.id, 'the id of one of the participants (costs for an unknown participant)'));
    if (typeof r.category !== 'string' || r.category === '') issues.push(issue('costs', row, 'category', r.category, 'a non-empty string'));
    if (typeof r.amount !== 'number' || !Number.isFinite(r.amount)) issues.push(issue('costs', row, 'amount', r.amount, 'a finite number'));
    else if (r.amount < 0 && !negativeAllowed(options.allowNegative, String(r.category))) {
      issues.push(issue('costs', row, 'amount', r.amount, `a cost ≥ 0 (category "${String(r.category)}" does not allow negative amounts)`));
    }
    if (at !== undefined && typeof r.category === 'string' && r.category !== '' && Number.isFinite(r.amount)) {
      categories.add(r.category);
      const m = added[at]!;
      m.set(r.category, (m.get(r.category) ?? 0) + r.amount);
    }
  });
  if (issues.length > 0) throw new ValidationError(issues, 'Cost records failed validation');
  return participants.map((p, i) => {
    const costs: Record<string, number | null> = { ...p.costs };
    for (const c of categories) {
      const extra = added[i]!.get(c) ?? 0;
      const before = costs[c];
      // A recorded null stays null only if no record arrived for it.
      costs[c] = before === null ? (added[i]!.has(c) ? extra : null) : (before ?? 0) + extra;
    }
    return { ...p, costs };
  });
}
