/**
 * `withResponse` (the parametric bootstrap's refits) re-forms only the response's row of the
 * cross-products: it must give exactly what a full pass over the rows gives for that response,
 * in every layout and aggregation.
 */
import { describe, expect, it } from 'vitest';
import { buildModelFrame } from '../../../src/formula/frame.js';
import { parseFormula } from '../../../src/formula/parse.js';
import { toColumnSource } from '../../../src/models/data-input.js';
import { buildReTerms } from '../../../src/models/lmm/fit.js';
import { planColumns } from '../../../src/models/centring.js';
import { makeObjective } from '../../../src/models/lmm/objective.js';
import { formCrossProducts, responseRefresher, withResponse, type CrossProducts, type InternalColumns } from '../../../src/models/lmm/structure.js';
import { createRng } from '../../../src/random/rng.js';
import { fixtureColumns, loadFixture } from '../fixture-helpers.js';

const cases: [string, string, Record<string, unknown[]>][] = [
  ['SFT partially nested (nested layout)', 'score ~ arm * visit + (1 | id) + (0 + sft | group)', fixtureColumns(loadFixture('sft-lmm').data.sft)],
  ['Pastes (nested, two intercepts)', 'strength ~ 1 + (1 | batch/cask)', fixtureColumns(loadFixture('pastes').data.Pastes)],
  ['Penicillin (crossed: the dense rest block)', 'diameter ~ 1 + (1 | plate) + (1 | sample)', fixtureColumns(loadFixture('penicillin').data.Penicillin)],
  ['sleepstudy (2 × 2 term-1 blocks)', 'Reaction ~ Days + (Days | Subject)', fixtureColumns(loadFixture('sleepstudy').data.sleepstudy)],
];

/** Every typed array of the cross-products, by path. */
function arrays(cp: CrossProducts): Record<string, Float64Array | Int32Array> {
  const out: Record<string, Float64Array | Int32Array> = {};
  const walk = (o: object, path: string): void => {
    for (const [k, v] of Object.entries(o)) {
      if (k === 'terms') continue;
      if (v instanceof Float64Array || v instanceof Int32Array) out[`${path}${k}`] = v;
      else if (v && typeof v === 'object') walk(v, `${path}${k}.`);
    }
  };
  walk(cp, '');
  return out;
}

/** Positions where two arrays differ in value (+0 and −0 count as equal). */
function mismatches(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let bad = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) bad++;
  return bad;
}

describe.each(cases)('withResponse: %s', (_, formula, data) => {
  const frame = buildModelFrame(parseFormula(formula), toColumnSource(data), {});
  const { n, X } = frame;
  const p = frame.spec.columnNames.length;
  const terms = buildReTerms(frame);
  const zMul = makeObjective(terms, X, frame.y, n, p, true, true, null).zMul;
  const columnsOf = (y: Float64Array): InternalColumns => {
    const plan = planColumns(X, y, n, p);
    return { xShift: plan.centre, xMul: plan.scale.map((d) => 1 / d), yShift: plan.yCentre, yMul: 1 / plan.yScale, zMul };
  };
  // A response on another origin and scale, with an exact zero (skipped by the row pass).
  const rng = createRng(3);
  const y2 = Float64Array.from(frame.y, (v, i) => (i === 1 ? 0 : 1000 + 3 * v + 50 * rng.normal()));

  for (const structure of ['auto', 'dense'] as const) {
    for (const aggregate of [true, false]) {
      it(`equals a full pass over the rows (${structure} layout, aggregate ${aggregate})`, () => {
        const base = formCrossProducts(terms, X, frame.y, n, p, { structure, aggregate, columns: columnsOf(frame.y) });
        // Every case here aggregates term-1 levels when asked, so the aggregates' rows are checked too.
        expect(base.nested ? base.nested.classes : base.classes).toSatisfy((c) => (c !== null) === aggregate);
        const before = arrays(base);
        const copies = Object.fromEntries(Object.entries(before).map(([k, v]) => [k, v.slice()]));
        const columns = columnsOf(y2);
        const full = arrays(formCrossProducts(terms, X, y2, n, p, { structure, aggregate, columns }));
        const updated = arrays(withResponse(base, X, y2, columns));
        expect(Object.keys(updated).sort()).toEqual(Object.keys(full).sort());
        for (const [k, v] of Object.entries(full)) expect(mismatches(updated[k]!, v), k).toBe(0);
        // The response's row did change, and the original cross-products were left alone.
        expect(mismatches(updated['CD']!, before['CD']!)).toBeGreaterThan(0);
        for (const [k, v] of Object.entries(before)) expect(mismatches(v, copies[k]!), `${k} of the original`).toBe(0);
        // A refresher (design-only parts found once) used for one response, then another.
        const refresh = responseRefresher(base, X);
        refresh(frame.y.map((v) => -v), columnsOf(frame.y.map((v) => -v)));
        const again = arrays(refresh(y2, columns));
        for (const [k, v] of Object.entries(full)) expect(mismatches(again[k]!, v), `${k} (refresher)`).toBe(0);
      });
    }
  }
});
