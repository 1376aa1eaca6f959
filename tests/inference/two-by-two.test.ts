import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors/index.js';
import { chiSquareTest, fisherExactTest, oddsRatio, riskRatio, type Alternative, type Table2x2 } from '../../src/inference/index.js';
import { loadFixture, num, relErr } from '../distributions/fixture.js';
import type { TwoRow } from './fixture.js';

interface FisherRow {
  table: [[number, number], [number, number]];
  alternative: Alternative;
  ciLevel: number;
  pValue: number;
  estimateR: number | string;
  ciR: (number | string)[];
  estimate: number | string;
  ci: (number | string)[];
}
interface ChiPart {
  statistic: number;
  df: number;
  pValue: number;
  method: string;
  expected: number[][];
  residuals: number[][];
  stdResiduals: number[][];
}
const fx = loadFixture<{
  twoGroups: TwoRow[];
  fisher: FisherRow[];
  fisherNullOr: { table: [[number, number], [number, number]]; or: number; pValueTwoSided: number; pValueLess: number };
  chiSquare: { table: number[][]; corrected: ChiPart; uncorrected: ChiPart }[];
  propTest2: { x: number[]; n: number[]; corrected: { statistic: number; pValue: number }; uncorrected: { statistic: number; pValue: number } };
}>('inference/inference.json');

describe('risk ratio (Katz) and odds ratio (Woolf) agree with their closed forms in R', () => {
  it('estimate, SE of the log and both limits to 1e-13, with 0.5 added to every cell when there is a zero', () => {
    for (const r of fx.twoGroups) {
      const counts = { x1: r.x1, n1: r.n1, x2: r.x2, n2: r.n2 };
      for (const [key, lev] of [['95', 0.95], ['90', 0.9]] as const) {
        const rr = riskRatio(counts, { ciLevel: lev });
        const rrRef = (r[`riskRatio${key}`] as number[]).map(num);
        [rr.estimate, rr.se as number, rr.ci[0], rr.ci[1]].forEach((v, i) => expect(relErr(v, rrRef[i] as number), `RR ${JSON.stringify(counts)}`).toBeLessThan(1e-13));
        const or = oddsRatio(counts, { ciLevel: lev });
        const orRef = (r[`oddsRatio${key}`] as number[]).map(num);
        [or.estimate, or.se as number, or.ci[0], or.ci[1]].forEach((v, i) => expect(relErr(v, orRef[i] as number), `OR ${JSON.stringify(counts)}`).toBeLessThan(1e-13));
        const zero = r.x1 === 0 || r.x2 === 0;
        expect(rr.diagnostics.some((d) => d.code === 'zero-cell')).toBe(zero);
      }
    }
  });
  it('without a correction a zero count gives RR 0 with an unbounded interval', () => {
    const rr = riskRatio({ x1: 0, n1: 10, x2: 3, n2: 10 }, { zeroCorrection: 0 });
    expect(rr.estimate).toBe(0);
    expect(rr.ci).toEqual([0, Number.POSITIVE_INFINITY]);
  });
});

describe("fisherExactTest agrees with R's fisher.test", () => {
  it('p-values to 1e-12 (8 tables × 3 alternatives × 2 levels), R’s two-sided rule with relErr 1 + 1e-7', () => {
    for (const r of fx.fisher) {
      const res = fisherExactTest(r.table as Table2x2, { alternative: r.alternative, ciLevel: r.ciLevel });
      expect(relErr(res.pValue, num(r.pValue)), JSON.stringify(r)).toBeLessThan(1e-12);
    }
  });
  it('conditional MLE and exact CI to 1e-9 against the same equations solved tightly in R; R’s own (uniroot tol ≈ 1e-4) to 2 %', () => {
    let worstR = 0;
    for (const r of fx.fisher) {
      const res = fisherExactTest(r.table as Table2x2, { alternative: r.alternative, ciLevel: r.ciLevel });
      const est = num(r.estimate);
      expect(est === res.estimate || relErr(res.estimate, est) < 1e-9, `estimate ${JSON.stringify(r)}: ${res.estimate}`).toBe(true);
      for (let i = 0; i < 2; i++) {
        const ref = num(r.ci[i]);
        const ours = res.ci[i] as number;
        expect(ref === ours || relErr(ours, ref) < 1e-9, `ci[${i}] ${JSON.stringify(r)}: ${ours}`).toBe(true);
        const refR = num(r.ciR[i]);
        if (Number.isFinite(refR) && refR !== 0) worstR = Math.max(worstR, relErr(ours, refR));
      }
    }
    expect(worstR).toBeLessThan(0.02);
    expect(worstR).toBeGreaterThan(1e-6); // R's CI is visibly less precise
  });
  it('null odds ratio other than 1', () => {
    const f = fx.fisherNullOr;
    expect(relErr(fisherExactTest(f.table, { or: f.or }).pValue, f.pValueTwoSided)).toBeLessThan(1e-12);
    expect(relErr(fisherExactTest(f.table, { or: f.or, alternative: 'less' }).pValue, f.pValueLess)).toBeLessThan(1e-12);
  });
  it('oddsRatio(method: conditional) is the fisher.test estimate and interval', () => {
    const f = fisherExactTest([
      [56, 14],
      [48, 32],
    ]);
    const o = oddsRatio({ x1: 56, n1: 70, x2: 48, n2: 80 }, { method: 'conditional' });
    expect(o.estimate).toBe(f.estimate);
    expect(o.ci).toEqual(f.ci);
    expect(o.se).toBeNull();
  });
  it('rejects a table that is not 2×2 of counts', () => {
    expect(() => fisherExactTest([[1, 2, 3], [4, 5, 6]] as unknown as Table2x2)).toThrow(ArgumentError);
    expect(() => fisherExactTest([[1, -2], [3, 4]])).toThrow(/"table"/);
  });
});

describe("chiSquareTest agrees with R's chisq.test", () => {
  for (const c of fx.chiSquare) {
    const label = `${c.table.length}×${(c.table[0] as number[]).length} ${JSON.stringify(c.table)}`;
    it(`${label}: statistic, p, expected, residuals to 1e-12, with and without Yates`, () => {
      for (const [key, correct] of [['corrected', true], ['uncorrected', false]] as const) {
        const ref = c[key];
        const res = chiSquareTest(c.table, { correct });
        expect(relErr(res.statistic, ref.statistic)).toBeLessThan(1e-12);
        expect(res.df).toBe(ref.df);
        expect(relErr(res.pValue, ref.pValue)).toBeLessThan(1e-12);
        expect(res.method.includes('Yates')).toBe(ref.method.includes('Yates'));
        res.expected.forEach((row, i) => row.forEach((v, j) => expect(relErr(v, ref.expected[i]![j]!)).toBeLessThan(1e-14)));
        res.residuals.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - ref.residuals[i]![j]!)).toBeLessThan(1e-13)));
        res.stdResiduals.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - ref.stdResiduals[i]![j]!)).toBeLessThan(1e-13)));
      }
    });
  }
  it('two-sample prop.test is the χ² test of the events / non-events table', () => {
    const p = fx.propTest2;
    const table = [
      [p.x[0]!, p.n[0]! - p.x[0]!],
      [p.x[1]!, p.n[1]! - p.x[1]!],
    ];
    expect(relErr(chiSquareTest(table).statistic, p.corrected.statistic)).toBeLessThan(1e-13);
    expect(relErr(chiSquareTest(table, { correct: false }).pValue, p.uncorrected.pValue)).toBeLessThan(1e-13);
  });
  it('warns about small expected counts and rejects empty margins', () => {
    expect(chiSquareTest([[3, 1], [1, 3]]).diagnostics[0]?.code).toBe('small-expected');
    expect(() => chiSquareTest([[0, 0], [1, 3]])).toThrow(/table\[0\]/);
    expect(() => chiSquareTest([[1, 2], [3]])).toThrow(/table\[1\]/);
  });
});
