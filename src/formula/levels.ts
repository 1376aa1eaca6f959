/**
 * Factor levels ordered as R orders them.
 *
 * R's `factor()` sorts character values with the locale's collation; on the usual
 * `en_US.UTF-8` that puts digits before letters, compares letters case-insensitively
 * first and a lower-case letter before its upper case. `Intl.Collator('en-US')` follows
 * the same Unicode collation rules for these cases. Numeric values sort numerically,
 * as `factor(c(10, 9))` does. Set `options.levels` to fix an order (and so the reference level).
 */
const collator = new Intl.Collator('en-US', { sensitivity: 'variant', numeric: false });

/** Compare two level labels as R's `sort()` does for character vectors in en_US. */
export function compareLevels(a: string, b: string): number {
  const c = collator.compare(a, b);
  if (c !== 0) return c;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorted unique levels of a set of raw values (numbers sort numerically, strings by collation). */
export function sortLevels(values: Iterable<string | number | boolean>): string[] {
  const nums: number[] = [];
  const strs = new Set<string>();
  const bools = new Set<boolean>();
  for (const v of values) {
    if (typeof v === 'number') nums.push(v);
    else if (typeof v === 'boolean') bools.add(v);
    else strs.add(v);
  }
  const out: string[] = [];
  if (bools.size) {
    if (bools.has(false)) out.push('FALSE');
    if (bools.has(true)) out.push('TRUE');
  }
  if (nums.length) {
    const u = Float64Array.from(new Set(nums)).sort();
    for (const x of u) out.push(formatNumberLevel(x));
  }
  if (strs.size) out.push(...sortText([...strs]));
  return out;
}

const DIGITS = /^[0-9]+$/;

/**
 * Text labels in `compareLevels` order. Labels of ASCII digits alone (numeric ids stored as
 * text, and the cluster names partial nesting makes of numeric ids) collate digit by digit,
 * shorter first on a common prefix, which is their code-unit order: they are sorted by that,
 * without the collator, and the others are placed among them by the collator (binary search).
 * tests/formula/levels.test.ts checks the two orders agree.
 */
function sortText(labels: string[]): string[] {
  const digits: string[] = [];
  const others: string[] = [];
  for (const l of labels) (DIGITS.test(l) ? digits : others).push(l);
  if (digits.length < 2) return labels.sort(compareLevels);
  digits.sort();
  if (!others.length) return digits;
  others.sort(compareLevels);
  const out: string[] = [];
  let from = 0;
  for (const o of others) {
    // First digit label after o.
    let lo = from;
    let hi = digits.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareLevels(digits[mid]!, o) < 0) lo = mid + 1;
      else hi = mid;
    }
    for (let i = from; i < lo; i++) out.push(digits[i]!);
    out.push(o);
    from = lo;
  }
  for (let i = from; i < digits.length; i++) out.push(digits[i]!);
  return out;
}

/** A number as R prints it as a factor label (15 significant digits, no trailing zeros). */
export function formatNumberLevel(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  return String(Number(x.toPrecision(15)));
}
