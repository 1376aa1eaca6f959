/**
 * A design of factors alone is kept as its distinct rows (`cellsOf(frame)`): X is made only
 * when read, the centring plan and the cross-products pass read the cells, and every number is
 * the one X itself gives, to the bit.
 */
import { describe, expect, it } from 'vitest';
import { buildModelFrame, cellsOf, encodeNewData, fillDesign } from '../../../src/formula/frame.js';
import { fitFrame, frameRefitter } from '../../../src/models/lmm/fit.js';
import { parseFormula } from '../../../src/formula/parse.js';
import { planColumns } from '../../../src/models/centring.js';
import { toColumnSource } from '../../../src/models/data-input.js';
import { buildReTerms, formCrossProducts } from '../../../src/models/lmm/structure.js';
import { createRng } from '../../../src/random/rng.js';

const rng = createRng(31);
const n = 240;
const data = {
  y: Array.from({ length: n }, () => rng.normal()),
  arm: Array.from({ length: n }, (_, i) => (i % 2 ? 'SFT' : 'control')),
  visit: Array.from({ length: n }, (_, i) => ['b', 'm9', 'm15'][i % 3]!),
  // Site 'c' only in the control arm: cells of the product that no row has.
  site: Array.from({ length: n }, (_, i) => (i % 2 ? ['a', 'b'][(i >> 1) % 2]! : ['a', 'b', 'c'][(i >> 1) % 3]!)),
  id: Array.from({ length: n }, (_, i) => `P${i % 40}`),
};
const formulas = [
  'y ~ arm * visit + (1 | id)',
  'y ~ 0 + arm:visit + (1 | id)',
  'y ~ 0 + visit + (1 | id)',
  'y ~ arm * visit * site + (1 | id)',
  'y ~ site + arm:visit + (1 | id)',
  'y ~ 1 + (1 | id)',
];

describe('cellsOf(frame)', () => {
  for (const f of formulas) {
    it(f, () => {
      const parsed = parseFormula(f);
      const src = toColumnSource(data, 'data');
      const frame = buildModelFrame(parsed, src, {});
      const cells = cellsOf(frame)!;
      expect(cells).not.toBeNull();
      const p = frame.spec.columnNames.length;
      // X from the cells is fillDesign's X from the same rows.
      const names = ['arm', 'visit', 'site'].filter((v) => frame.variables[v]);
      const direct = fillDesign(frame.spec, encodeNewData(frame.variables, names, src), frame.rows);
      expect(frame.X).toEqual(direct);
      // The centring plan from the cells is the plan from X.
      const fromCells = planColumns(cells, frame.y, frame.n, p);
      const fromX = planColumns(direct, frame.y, frame.n, p);
      expect(fromCells).toEqual(fromX);
      // And so are the cross-products, to the bit.
      const terms = buildReTerms(frame);
      const columns = { xShift: fromX.centre, xMul: fromX.scale.map((d) => 1 / d), yShift: fromX.yCentre, yMul: 1 / fromX.yScale, zMul: terms.map((t) => new Float64Array(t.k).fill(1)) };
      expect(formCrossProducts(terms, cells, frame.y, frame.n, p, { columns })).toEqual(formCrossProducts(terms, direct, frame.y, frame.n, p, { columns }));
    });
  }
  it('a design with a numeric variable has no cells (X is made with the frame)', () => {
    const withAge = { ...data, age: Array.from({ length: n }, (_, i) => 20 + (i % 17)) };
    const frame = buildModelFrame(parseFormula('y ~ arm * age + (1 | id)'), toColumnSource(withAge, 'data'), {});
    expect(cellsOf(frame)).toBeNull();
  });
});

describe('a frame kept as cells', () => {
  const parsed = parseFormula('y ~ arm * visit + (1 | id)');
  const build = () => buildModelFrame(parsed, toColumnSource(data, 'data'), {});
  it('a fit, and a refit to another response, never make X; the first read of X makes it an ordinary property', () => {
    const frame = build();
    fitFrame(frame);
    frameRefitter(frame)(Float64Array.from(frame.y, (v, i) => v + (i % 7) * 0.1));
    expect(Object.getOwnPropertyDescriptor(frame, 'X')!.get).toBeDefined();
    const X = frame.X;
    const d = Object.getOwnPropertyDescriptor(frame, 'X')!;
    expect(d.get).toBeUndefined();
    expect(d.value).toBe(X);
    expect(Object.keys(frame)).not.toContain('cells');
  });
  it('a copy of the frame is read through its X: a copy with another X fits that X', () => {
    const frame = build();
    const ref = fitFrame(frame);
    // A spread copy has no cells, and the same numbers.
    const copy = { ...frame };
    expect(cellsOf(copy)).toBeNull();
    const viaX = fitFrame(copy);
    expect(viaX.fixedEffects).toEqual(ref.fixedEffects);
    // Fitted values from each cell's Xβ are X's rows' sums, to the bit.
    expect(viaX.fitted).toEqual(ref.fitted);
    expect(viaX.residuals).toEqual(ref.residuals);
    // Another X (the SFT column doubled): the fit is of that X, not of the frame's cells.
    const X2 = frame.X.slice();
    for (let i = frame.n; i < 2 * frame.n; i++) X2[i] = 2 * X2[i]!;
    const other = fitFrame({ ...frame, X: X2 });
    expect(other.fixedEffects[1]!.estimate).toBeCloseTo(ref.fixedEffects[1]!.estimate / 2, 10);
  });
});

describe('the random-effects table of a one-column term', () => {
  it('forms its rows when first read: b = λu and the conditional SD as the fitted values use them, and in JSON', () => {
    const frame = buildModelFrame(parseFormula('y ~ arm * visit + (1 | id)'), toColumnSource(data, 'data'), {});
    const fit = fitFrame(frame);
    const table = fit.randomEffects[0]!;
    expect(Object.getOwnPropertyDescriptor(table, 'values')!.get).toBeDefined();
    expect(Object.getOwnPropertyDescriptor(table, 'sd')!.get).toBeDefined();
    const json = JSON.parse(JSON.stringify(table)) as typeof table;
    expect(json.values).toHaveLength(40);
    expect(json.sd).toHaveLength(40);
    // Each level's mode is what the fitted values add to Xβ for its rows.
    const beta = fit.fixedEffects.map((r) => r.estimate);
    const X = frame.X;
    for (let i = 0; i < frame.n; i++) {
      let xb = 0;
      for (let c = 0; c < beta.length; c++) xb += X[c * frame.n + i]! * beta[c]!;
      expect(fit.fitted[i]! - xb).toBeCloseTo(json.values[frame.random[0]!.group[i]!]![0]!, 10);
    }
    expect(table.values).toEqual(json.values);
    expect(table.sd).toEqual(json.sd);
    expect(table.sd.every(([s]) => s! > 0 && s! < fit.sigma)).toBe(true);
    expect(Object.getOwnPropertyDescriptor(table, 'values')!.get).toBeUndefined();
  });
  it('reads the same rows from a table frozen or sealed before they were formed', () => {
    const frame = buildModelFrame(parseFormula('y ~ arm * visit + (1 | id)'), toColumnSource(data, 'data'), {});
    const ref = fitFrame(frame).randomEffects[0]!;
    const frozen = Object.freeze(fitFrame(frame).randomEffects[0]!);
    const sealed = Object.seal(fitFrame(frame).randomEffects[0]!);
    for (const t of [frozen, sealed]) {
      expect(t.values).toEqual(ref.values);
      expect(t.sd).toEqual(ref.sd);
      // Read twice: the same arrays, not formed again.
      expect(t.values).toBe(t.values);
    }
    // A lazy refit's deferred parts and rows, frozen before any was read: the eager refit's numbers.
    const y2 = Float64Array.from(frame.y, (v, i) => v + (i % 5) * 0.2);
    const eager = frameRefitter(frame)(y2);
    const lazy = Object.freeze(frameRefitter(frame, {}, { lazy: true })(y2));
    for (const row of lazy.fixedEffects) Object.freeze(row);
    expect(lazy.fixedEffects.map((r) => [r.estimate, r.se, r.df, r.pValue])).toEqual(eager.fixedEffects.map((r) => [r.estimate, r.se, r.df, r.pValue]));
    expect(lazy.fitted).toEqual(eager.fitted);
    expect(lazy.randomEffects[0]!.values).toEqual(eager.randomEffects[0]!.values);
  });
});
