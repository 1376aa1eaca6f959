/**
 * Baseline-adjusted incremental QALYs and costs (Manca et al. 2005) against R's lm and
 * clubSandwich (tests/fixtures/r/economics/qaly.R), and the influence of the largest values.
 */
import { describe, expect, it } from 'vitest';
import { baselineAdjustedDifference, incrementalCost, incrementalQaly, influenceOfLargest, largestCostsInfluence, qalys, type DifferenceRow } from '../../src/economics/index.js';
import { ArgumentError, ValidationError } from '../../src/errors/index.js';
import { thrown } from './helpers.js';
import { HORIZONS, qalyFixture, qalyInput, relErr, type CoefRow } from './qaly-fixture.js';

function expectRow(got: DifferenceRow, want: CoefRow, tol: number): number {
  const errs = [relErr(got.estimate!, want.estimate!), relErr(got.se!, want.se!), relErr(got.df!, want.df!), relErr(got.pValue!, want.p), relErr(got.ci![0], want.ci![0]), relErr(got.ci![1], want.ci![1])];
  const worst = Math.max(...errs);
  expect(worst).toBeLessThan(tol);
  return worst;
}

describe('incrementalQaly against R lm (Manca, Hawkins & Sculpher 2005)', () => {
  const f = qalyFixture();
  const q = qalys(qalyInput(), { horizons: HORIZONS });

  it('gives lm(qaly ~ arm + baseline) and lm(qaly ~ arm) for both horizons', () => {
    for (const h of q.horizons) {
      const ref = f.manca[h.label]!;
      const res = incrementalQaly(h, { control: 'control', treated: 'SFT' });
      expect(res.n).toEqual({ control: ref.n_control, treated: ref.n_treated });
      expectRow(res.adjusted, ref.adjusted, 1e-9);
      expectRow(res.unadjusted, ref.unadjusted, 1e-9);
      expectRow(res.baselineSlope, ref.slope, 1e-9);
      expect(res.adjusted.statistic).toBeCloseTo(ref.adjusted.statistic!, 9);
      // The unadjusted row is the difference in the arms' mean QALYs.
      const arm = (a: string) => h.byArm.find((r) => r.arm === a)!.estimate;
      expect(res.unadjusted.estimate).toBeCloseTo(arm('SFT') - arm('control'), 14);
      expect(res.valueSet).toBe(h.valueSet);
    }
  });

  it('gives clubSandwich CR2 with Satterthwaite df by therapy group, controls as singletons', () => {
    for (const h of q.horizons) {
      const ref = f.manca[h.label]!;
      const res = incrementalQaly(h, { vcov: 'CR2' });
      expect(res.treated).toBe('SFT'); // the arm with therapy groups
      expectRow(res.adjusted, ref.adjusted_cr2, 1e-8);
      expectRow(res.unadjusted, ref.unadjusted_cr2, 1e-8);
      expect(res.method).toMatch(/CR2 cluster-robust/);
    }
  });

  it('gives the cost difference adjusted for baseline (pre-randomisation) cost as lm', () => {
    const res = incrementalCost(qalyInput().participants, { baselineCategory: 'healthcarePre' });
    expectRow(res.adjusted, f.cost_adjusted.adjusted, 1e-9);
    expectRow(res.unadjusted, f.cost_adjusted.unadjusted, 1e-9);
    expectRow(res.baselineSlope, f.cost_adjusted.slope, 1e-9);
    expect(res.method).toMatch(/healthcare \+ operation/);
  });

  it('recovers a known treatment effect under baseline imbalance where the unadjusted difference does not', () => {
    // Treated start 0.1 higher; QALY = 0.5 + 0.8·baseline + 0.05·treated exactly (no noise): adjusted = 0.05, unadjusted = 0.05 + 0.8·0.1.
    const rows = Array.from({ length: 40 }, (_, i) => {
      const t = i % 2;
      const b = 0.4 + 0.01 * (i % 7) + 0.1 * t;
      return { id: `p${i}`, arm: t ? 'T' : 'C', group: null, value: 0.5 + 0.8 * b + 0.05 * t, baseline: b };
    });
    const res = baselineAdjustedDifference(rows, { control: 'C', treated: 'T' });
    expect(res.adjusted.estimate).toBeCloseTo(0.05, 12);
    expect(res.unadjusted.estimate - 0.05).toBeCloseTo(0.8 * (res.means.treated.baseline - res.means.control.baseline), 12);
  });

  it('refuses bad rows, options and arms with typed errors', () => {
    const rows = [
      { id: 'a', arm: 'C', group: null, value: 1, baseline: Number.NaN },
      { id: 'a', arm: 'T', group: null, value: 1, baseline: 0 },
    ];
    const e = thrown(() => baselineAdjustedDifference(rows)) as ValidationError;
    expect(e.issues.map((i) => [i.row, i.field])).toEqual([
      [1, 'baseline'],
      [2, 'id'],
    ]);
    expect((thrown(() => baselineAdjustedDifference([], { vcov: 'CR9' as never })) as ArgumentError).argument).toBe('vcov');
    expect((thrown(() => incrementalCost(qalyInput().participants, { baselineCategory: 'pre' })) as ArgumentError).argument).toBe('baselineCategory');
    const neg = qalyInput().participants.map((p, i) => (i === 4 ? { ...p, costs: { ...p.costs, healthcarePre: -10 } } : p));
    const ne = thrown(() => incrementalCost(neg, { baselineCategory: 'healthcarePre' })) as ValidationError;
    expect(ne.issues.map((i) => [i.table, i.row, i.field, i.value])).toEqual([['participants', 5, 'costs.healthcarePre', -10]]);
  });
});

describe('influence of the largest values against R', () => {
  const f = qalyFixture();
  const { participants } = qalyInput();

  it('gives the share of the top 5 % (and 10 %) and the mean difference without them', () => {
    const cases = [
      [largestCostsInfluence(participants, { costCategories: ['healthcare'] }), f.largest.healthcare],
      [largestCostsInfluence(participants, { costCategories: ['healthcare', 'operation'] }), f.largest.total],
      [largestCostsInfluence(participants, { costCategories: ['healthcare'], share: 0.1 }), f.largest.healthcare10],
    ] as const;
    for (const [got, want] of cases) {
      expect(got.largest.length).toBe(want.k);
      expect(got.largest.map((r) => r.id)).toEqual(want.largest_ids);
      expect(relErr(got.shareOfTotal as number, want.share_of_total)).toBeLessThan(1e-13);
      expect(relErr(got.shareOfArmTotal.control as number, want.share_control)).toBeLessThan(1e-13);
      expect(relErr(got.shareOfArmTotal.treated as number, want.share_treated)).toBeLessThan(1e-13);
      expect(relErr(got.all.estimate, want.diff_all)).toBeLessThan(1e-13);
      expect(typeof got.withoutLargest).toBe('object');
      if (typeof got.withoutLargest !== 'string') expect(relErr(got.withoutLargest.estimate, want.diff_without)).toBeLessThan(1e-12);
    }
  });

  it('works for any non-negative skewed measure, by hand, and says when a share is not estimable', () => {
    const rows = [
      { id: 'a', arm: 'C', group: null, value: 1 },
      { id: 'b', arm: 'C', group: null, value: 2 },
      { id: 'c', arm: 'T', group: 'g', value: 3 },
      { id: 'd', arm: 'T', group: 'g', value: 94 },
      { id: 'e', arm: 'T', group: 'g', value: null },
    ];
    const r = influenceOfLargest(rows, { share: 0.25 });
    expect(r.treated).toBe('T');
    expect(r.largest).toEqual([{ id: 'd', arm: 'T', value: 94 }]);
    expect(r.shareOfTotal).toBeCloseTo(0.94, 15);
    expect(r.all.estimate).toBeCloseTo(48.5 - 1.5, 13);
    expect(r.withoutLargest).toEqual({ estimate: 1.5, meanControl: 1.5, meanTreated: 3, n: { control: 2, treated: 1 } });
    expect(r.missing).toEqual({ control: 0, treated: 1 });
    const zeros = influenceOfLargest(rows.map((x) => ({ ...x, value: x.arm === 'C' ? 0 : x.value })), { share: 0.25 });
    expect(zeros.shareOfArmTotal.control).toMatch(/^not estimable: /);
    const e = thrown(() => influenceOfLargest([...rows.slice(0, 4), { id: 'e', arm: 'T', group: 'g', value: -1 }])) as ValidationError;
    expect(e.issues.map((i) => [i.row, i.field, i.value])).toEqual([[5, 'value', -1]]);
    expect((thrown(() => influenceOfLargest(rows, { share: 0.7 })) as ArgumentError).argument).toBe('share');
    // 5 % of 120 is 6 participants, although 0.05 · 120 = 6.000000000000001 in floating point.
    const many = Array.from({ length: 120 }, (_, i) => ({ id: `m${i}`, arm: i % 2 ? 'T' : 'C', group: null, value: i }));
    expect(influenceOfLargest(many, { control: 'C', treated: 'T' }).largest.map((x) => x.value)).toEqual([119, 118, 117, 116, 115, 114]);
  });
});
