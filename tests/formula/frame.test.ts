import { describe, expect, it } from 'vitest';
import * as aq from 'arquero';
import { binaryByConstruction, buildModelFrame } from '../../src/formula/frame.js';
import { isBinaryColumn } from '../../src/models/centring.js';
import { compareLevels, sortLevels } from '../../src/formula/levels.js';
import { parseFormula } from '../../src/formula/parse.js';
import { toColumnSource } from '../../src/models/data-input.js';

const rows = [
  { y: 1, arm: 'SFT', visit: 'baseline', x: 0.5, g: 10 },
  { y: 2, arm: 'control', visit: '9m', x: 1.5, g: 9 },
  { y: 3, arm: 'SFT', visit: '15m', x: 2.5, g: 100 },
  { y: null, arm: 'control', visit: 'baseline', x: 3.5, g: 9 },
  { y: 5, arm: 'control', visit: '15m', x: null, g: 10 },
  { y: 6, arm: 'SFT', visit: '9m', x: 4.5, g: 100 },
];
const frame = (f: string, data: unknown = rows, options = {}) => buildModelFrame(parseFormula(f), toColumnSource(data as never), options);

describe('R-style levels', () => {
  it('sorts text as R does in en_US (digits first, case-insensitive, lower before upper) and numbers numerically', () => {
    expect(sortLevels(['baseline', '9m', '15m'])).toEqual(['15m', '9m', 'baseline']);
    expect(sortLevels(['b', 'B', 'a', 'A'])).toEqual(['a', 'A', 'b', 'B']);
    expect(sortLevels(['SFT', 'control'])).toEqual(['control', 'SFT']);
    expect(sortLevels([10, 9, 100])).toEqual(['9', '10', '100']);
    expect(compareLevels('F20', 'F3')).toBeLessThan(0);
  });
});

describe('buildModelFrame: columns and names as model.matrix', () => {
  it('codes factors by treatment contrasts with R names, first level as reference', () => {
    const fr = frame('y ~ arm * visit');
    expect(fr.spec.columnNames).toEqual(['(Intercept)', 'armSFT', 'visit9m', 'visitbaseline', 'armSFT:visit9m', 'armSFT:visitbaseline']);
    const fr2 = frame('y ~ arm * visit', rows, { levels: { visit: ['baseline', '9m', '15m'] } });
    expect(fr2.spec.columnNames).toEqual(['(Intercept)', 'armSFT', 'visit9m', 'visit15m', 'armSFT:visit9m', 'armSFT:visit15m']);
  });
  it('gives every level of the first factor without an intercept, contrasts for the next', () => {
    expect(frame('y ~ 0 + arm + visit').spec.columnNames).toEqual(['armcontrol', 'armSFT', 'visit9m', 'visitbaseline']);
  });
  it('codes an interaction without its main effects by indicators', () => {
    expect(frame('y ~ arm:x').spec.columnNames).toEqual(['(Intercept)', 'armcontrol:x', 'armSFT:x']);
    expect(frame('y ~ x + arm:x').spec.columnNames).toEqual(['(Intercept)', 'x', 'armSFT:x']);
  });
  it('drops incomplete rows one at a time and counts why', () => {
    const fr = frame('y ~ arm + x');
    expect(fr.n).toBe(4);
    expect(Array.from(fr.rows)).toEqual([0, 1, 2, 5]);
    expect(fr.dropped).toEqual({ total: 2, missingResponse: 1, missingPredictor: { x: 1 } });
  });
  it('fills X column-major with the right dummies and products', () => {
    const fr = frame('y ~ arm * x');
    // Columns (Intercept), armSFT, x, armSFT:x; rows 0,1,2,5.
    const col = (j: number) => Array.from(fr.X.subarray(j * fr.n, (j + 1) * fr.n));
    expect(col(1)).toEqual([1, 0, 1, 1]);
    expect(col(2)).toEqual([0.5, 1.5, 2.5, 4.5]);
    expect(col(3)).toEqual([0.5, 0, 2.5, 4.5]);
  });
  it('treats a numeric grouping variable as a factor with numerically sorted levels', () => {
    const fr = frame('y ~ 1 + (1 | g)');
    expect(fr.random[0]!.levels).toEqual(['9', '10', '100']);
  });
  it('keeps the mean of each numeric covariate for reference grids', () => {
    expect(frame('y ~ x').numericMeans.x).toBeCloseTo((0.5 + 1.5 + 2.5 + 4.5) / 4, 12);
  });
});

describe('data forms', () => {
  const cols = { y: rows.map((r) => r.y), arm: rows.map((r) => r.arm), visit: rows.map((r) => r.visit), x: rows.map((r) => r.x), g: rows.map((r) => r.g) };
  it('gives the same frame from rows, columns, an arquero table and a danfo-shaped frame', () => {
    const ref = frame('y ~ arm * x + (1 | g)');
    const danfo = { columns: Object.keys(rows[0]!), values: rows.map((r) => Object.values(r)) };
    for (const data of [cols, aq.table(cols), danfo]) {
      const fr = frame('y ~ arm * x + (1 | g)', data);
      expect(Array.from(fr.X)).toEqual(Array.from(ref.X));
      expect(Array.from(fr.y)).toEqual(Array.from(ref.y));
      expect(fr.random[0]!.levels).toEqual(ref.random[0]!.levels);
    }
  });
  it('accepts typed-array columns (the register-scale path)', () => {
    const fr = frame('y ~ x', { y: Float64Array.from([1, 2, NaN, 4]), x: Float64Array.from([1, 2, 3, 5]) });
    expect(fr.n).toBe(3);
    expect(fr.dropped.missingResponse).toBe(1);
  });
  it('treats integer typed arrays as factors without strings, with the same levels and codes', () => {
    const ids = Int32Array.from([12, 3, 12, 7, 3, 100]);
    const fast = frame('y ~ 1 + (1 | id)', { y: [1, 2, 3, 4, 5, 6], id: ids });
    const slow = frame('y ~ 1 + (1 | id)', { y: [1, 2, 3, 4, 5, 6], id: Array.from(ids) });
    expect(fast.random[0]!.levels).toEqual(['3', '7', '12', '100']);
    expect(fast.random[0]!.levels).toEqual(slow.random[0]!.levels);
    expect(Array.from(fast.random[0]!.group)).toEqual(Array.from(slow.random[0]!.group));
    // Every value of the range used (the value less the lowest is the code), from a negative
    // lowest; and the same values with rows dropped, where the range is no longer whole.
    const dense = Int32Array.from([-2, 1, 0, -1, 1, -2]);
    const y = [1, 2, 3, 4, 5, 6];
    for (const yy of [y, [1, 2, NaN, 4, 5, 6]]) {
      const a = frame('y ~ 1 + (1 | id)', { y: yy, id: dense });
      const b = frame('y ~ 1 + (1 | id)', { y: yy, id: Array.from(dense) });
      expect(a.random[0]!.levels).toEqual(b.random[0]!.levels);
      expect(Array.from(a.random[0]!.group)).toEqual(Array.from(b.random[0]!.group));
    }
    expect(frame('y ~ 1 + (1 | id)', { y, id: dense }).random[0]!.levels).toEqual(['-2', '-1', '0', '1']);
    expect(Array.from(frame('y ~ 1 + (1 | id)', { y: [1, 2, NaN, 4, 5, 6], id: dense }).random[0]!.group)).toEqual([0, 2, 1, 2, 0]);
    const arm = frame('y ~ arm', { y: [1, 2, 3, 4], arm: Uint8Array.from([0, 1, 1, 0]) }, { factors: ['arm'], levels: { arm: ['1', '0'] } });
    expect(arm.spec.columnNames).toEqual(['(Intercept)', 'arm0']);
  });
  it('rejects columns of different lengths, naming the column', () => {
    expect(() => frame('y ~ x', { y: [1, 2, 3], x: [1, 2] })).toThrow(/data\.x/);
  });
});

describe('design columns 0/1 by construction', () => {
  it('marks the intercept and the columns of factor-only terms, and the centring plan agrees with a scan of each column', () => {
    const n = 60;
    const data = {
      y: Array.from({ length: n }, (_, i) => Math.sin(i)),
      arm: Array.from({ length: n }, (_, i) => (i % 2 ? 'SFT' : 'control')),
      visit: Array.from({ length: n }, (_, i) => ['b', 'm9', 'm15'][i % 3]!),
      // A numeric column that happens to hold only 0 and 1: 0/1 in the data, not by the coding.
      flag: Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 1 : 0)),
      age: Array.from({ length: n }, (_, i) => 20 + i),
      id: Array.from({ length: n }, (_, i) => i % 12),
    };
    const f = buildModelFrame(parseFormula('y ~ arm * visit + flag + age + arm:age + (1 + age | id)'), toColumnSource(data, 'data'), {});
    const names = f.spec.columnNames;
    const byCoding = names.map((_, j) => binaryByConstruction(f.X, f.n, j));
    expect(Object.fromEntries(names.map((c, j) => [c, byCoding[j]]))).toEqual({
      '(Intercept)': true,
      armSFT: true,
      visitm9: true,
      visitm15: true,
      flag: false,
      age: false,
      'armSFT:visitm9': true,
      'armSFT:visitm15': true,
      'armSFT:age': false,
    });
    names.forEach((_, j) => {
      let scan = true;
      for (let i = 0; i < f.n; i++) scan &&= f.X[j * f.n + i] === 0 || f.X[j * f.n + i] === 1;
      expect(isBinaryColumn(f.X, j * f.n, f.n)).toBe(scan);
    });
    // The random term's intercept column too; a copy of a design matrix is scanned.
    expect(binaryByConstruction(f.random[0]!.Z, f.n, 0)).toBe(true);
    expect(binaryByConstruction(f.X.slice(), f.n, 0)).toBe(false);
  });
});
