/**
 * The products of design columns that fitLmmSql asks an engine to sum: the simplifications are
 * identities on every row, checked here against the products evaluated on rows.
 */
import { describe, expect, it } from 'vitest';
import { indicatorMonomial, isIndicatorProduct, monomialKey, numericMonomial, SumSet, times, UNIT, type Monomial } from '../../../../src/models/lmm/sql/monomial.js';

const armSFT = indicatorMonomial('arm', 'SFT', "(CASE WHEN arm = 'SFT' THEN 1 ELSE 0 END)");
const v9 = indicatorMonomial('visit', '9m', "(CASE WHEN visit = '9m' THEN 1 ELSE 0 END)");
const v15 = indicatorMonomial('visit', '15m', "(CASE WHEN visit = '15m' THEN 1 ELSE 0 END)");
const age = numericMonomial('age');
const y = numericMonomial('y');

/** The product's value on a row (arm, visit, age, y), as the SQL would compute it. */
function evaluate(m: Monomial | null, row: { arm: string; visit: string; age: number; y: number }): number {
  if (m === null) return 0;
  let v = 1;
  for (const [variable, atom] of m.ind) v *= (row as unknown as Record<string, unknown>)[variable] === atom.level ? 1 : 0;
  for (const s of m.num) v *= (row as unknown as Record<string, number>)[s]!;
  return v;
}

describe('monomials', () => {
  const rows = ['control', 'SFT'].flatMap((arm) => ['baseline', '9m', '15m'].map((visit, i) => ({ arm, visit, age: 30 + 7 * i, y: 50 - 3 * i + (arm === 'SFT' ? 2 : 0) })));
  const columns = [UNIT, armSFT, v9, v15, times(armSFT, v9)!, times(armSFT, v15)!, age, times(age, armSFT)!, y];

  it('every product of two columns equals the product of their values on each row', () => {
    for (const a of columns) for (const b of columns) for (const r of rows) expect(evaluate(times(a, b), r)).toBe(evaluate(a, r) * evaluate(b, r));
  });
  it('two levels of one factor multiply to zero (no sum asked); an indicator squared is itself', () => {
    expect(times(v9, v15)).toBeNull();
    expect(times(times(armSFT, v9), v15)).toBeNull();
    expect(monomialKey(times(armSFT, armSFT)!)).toBe(monomialKey(armSFT));
    expect(monomialKey(times(age, age)!)).not.toBe(monomialKey(age));
    expect(isIndicatorProduct(times(armSFT, v9)!)).toBe(true);
    expect(isIndicatorProduct(times(armSFT, age)!)).toBe(false);
  });
  it('the SFT model: [X y]\'[X y] needs 13 distinct sums, not 28; each asked once', () => {
    const xy = [UNIT, armSFT, v9, v15, times(armSFT, v9)!, times(armSFT, v15)!, y];
    const set = new SumSet('s');
    const aliases = new Set<string>();
    for (let a = 0; a < xy.length; a++) for (let b = 0; b <= a; b++) {
      const alias = set.add(times(xy[a]!, xy[b]!));
      if (alias) aliases.add(alias);
    }
    expect(aliases.size).toBe(13);
    expect(set.aggregates).toHaveLength(13);
    expect(set.aggregates[0]).toBe('CAST(COUNT(*) AS DOUBLE PRECISION) AS s0');
    // Each atom is computed once in the projection, products refer to it.
    expect(set.projection).toHaveLength(4);
    expect(set.aggregates.some((s) => /SUM\(v\d \* v\d \* v\d\)/.test(s))).toBe(true);
  });
});
