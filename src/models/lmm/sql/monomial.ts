/**
 * Design columns as products of factor-level indicators and numeric expressions, so that the
 * sums `fitLmmSql` asks an engine for are each asked once and only when they can be nonzero.
 *
 * A product of two design columns is simplified before it becomes SQL: an indicator times
 * itself is the indicator (0/1), two indicators of different levels of one factor multiply to
 * zero (no sum is asked for), a product without factors is `COUNT(*)`. For the SFT model
 * `score ~ arm * visit` the 28 sums of [X y]'[X y] become 13, and the per-participant sums
 * need no multiplications by the constant column. Every simplification is an identity on
 * each row, so the sums are the same numbers (up to the order of addition).
 */

/** A factor-level indicator: `variable = level`, with the SQL that evaluates it to 1.0 or 0.0. */
export interface IndicatorAtom {
  level: string;
  sql: string;
}

/** A design column (or a product of them) as a product of atoms. */
export interface Monomial {
  /** One indicator per factor variable at most (two levels of one factor multiply to zero). */
  ind: ReadonlyMap<string, IndicatorAtom>;
  /** SQL of the numeric factors, sorted (a multiset: `x * x` keeps both). */
  num: readonly string[];
}

/** The constant column 1. */
export const UNIT: Monomial = { ind: new Map(), num: [] };

export function indicatorMonomial(variable: string, level: string, sql: string): Monomial {
  return { ind: new Map([[variable, { level, sql }]]), num: [] };
}

export function numericMonomial(sql: string): Monomial {
  return { ind: new Map(), num: [sql] };
}

/** The product, or null when it is zero on every row. */
export function times(a: Monomial | null, b: Monomial | null): Monomial | null {
  if (a === null || b === null) return null;
  const ind = new Map(a.ind);
  for (const [v, atom] of b.ind) {
    const other = ind.get(v);
    if (other && other.level !== atom.level) return null;
    ind.set(v, atom);
  }
  return { ind, num: [...a.num, ...b.num].sort() };
}

/** A canonical key: equal keys, equal values on every row. */
export function monomialKey(m: Monomial): string {
  const ind = [...m.ind.entries()].map(([v, a]) => `${JSON.stringify(v)}=${JSON.stringify(a.level)}`).sort();
  return `${ind.join('&')}|${m.num.join('*')}`;
}

/** True when the column can only be 0 or 1 (a product of indicators, or the constant). */
export function isIndicatorProduct(m: Monomial): boolean {
  return m.num.length === 0;
}

/**
 * The atoms of a query, each computed once in a projection (`alias` names it there), and the
 * sums over them, each asked once.
 */
export class SumSet {
  private readonly atoms = new Map<string, string>();
  private readonly sums = new Map<string, string>();
  /** `expression AS alias` of the projection. */
  readonly projection: string[] = [];
  /** `aggregate AS alias` of the aggregation. */
  readonly aggregates: string[] = [];

  constructor(private readonly prefix: string, private readonly atomPrefix = 'v') {}

  private atom(sql: string): string {
    let alias = this.atoms.get(sql);
    if (alias === undefined) {
      alias = `${this.atomPrefix}${this.atoms.size}`;
      this.atoms.set(sql, alias);
      this.projection.push(`${sql} AS ${alias}`);
    }
    return alias;
  }

  /** The product as SQL over the projection's aliases, or null for the constant 1. */
  product(m: Monomial): string | null {
    const parts = [...[...m.ind.values()].map((a) => a.sql).sort(), ...m.num].map((s) => this.atom(s));
    return parts.length ? parts.join(' * ') : null;
  }

  /** Alias of the SUM of `m` (the constant's is `COUNT(*)`), or null when `m` is zero on every row. */
  add(m: Monomial | null): string | null {
    if (m === null) return null;
    const key = monomialKey(m);
    let alias = this.sums.get(key);
    if (alias !== undefined) return alias;
    alias = `${this.prefix}${this.sums.size}`;
    this.sums.set(key, alias);
    const e = this.product(m);
    this.aggregates.push(`CAST(${e === null ? 'COUNT(*)' : `SUM(${e})`} AS DOUBLE PRECISION) AS ${alias}`);
    return alias;
  }
}
