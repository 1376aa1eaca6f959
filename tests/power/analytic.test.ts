/** Analytic power of partially nested designs against the same formulas written in R. */
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors/index.js';
import { partiallyNestedPower, solvePartiallyNested, type PartiallyNestedDesign, type PowerDfMethod } from '../../src/power/analytic.js';
import { loadFixture, num, relErr } from '../distributions/fixture.js';
import { POWER_ANALYTIC } from '../tolerances.js';
import { argumentError } from '../thrown.js';

interface Case {
  design: PartiallyNestedDesign;
  options: { alpha: number; df: PowerDfMethod };
  power: number;
  se: number;
  df: number | string;
  ncp: number;
  criticalValue: number;
}
interface Fixture {
  cases: Case[];
  solves: { solveFor: 'nGroups' | 'groupSize' | 'nControls'; design: Partial<PartiallyNestedDesign>; allocationRatio?: number; value: number }[];
  mdes: { design: Partial<PartiallyNestedDesign>; value: number };
  unreachable: { design: Partial<PartiallyNestedDesign>; limitPower: number };
}
const fx = loadFixture<Fixture>('power/analytic.json');

describe('partiallyNestedPower vs R (tests/fixtures/r/power/analytic.R)', () => {
  it(`agrees on ${fx.cases.length} designs (posttest, ANCOVA, arm × visit; cv, retention, allocation, df)`, () => {
    let worst = 0;
    for (const c of fx.cases) {
      const r = partiallyNestedPower(c.design, c.options);
      for (const [ours, theirs] of [
        [r.power, c.power],
        [r.se, c.se],
        [r.ncp, c.ncp],
        [r.criticalValue, c.criticalValue],
      ] as const) worst = Math.max(worst, relErr(ours, num(theirs)));
      if (c.options.df === 'normal') expect(r.df).toBe(Infinity);
      else worst = Math.max(worst, relErr(r.df, num(c.df)));
    }
    expect(worst).toBeLessThan(POWER_ANALYTIC);
  });

  it('solves for groups, group size and controls as a direct search in R does', () => {
    for (const s of fx.solves) {
      const design = { ...s.design, ...(s.allocationRatio !== undefined ? { allocationRatio: s.allocationRatio } : {}) };
      const res = solvePartiallyNested(design, { solveFor: s.solveFor });
      expect(res.reached).toBe(true);
      expect(res.value).toBe(s.value);
      expect(res.power).toBeGreaterThanOrEqual(0.8);
      const below = partiallyNestedPower({ ...(design as PartiallyNestedDesign), [s.solveFor]: s.value - 1 });
      expect(below.power).toBeLessThan(0.8);
    }
  });

  it('solves for the detectable effect as uniroot does', () => {
    const res = solvePartiallyNested(fx.mdes.design, { solveFor: 'effect' });
    expect(relErr(res.value, fx.mdes.value)).toBeLessThan(POWER_ANALYTIC);
    expect(res.power).toBeCloseTo(0.8, 10);
  });

  it('says when a target cannot be reached, with the best achievable and the limit', () => {
    const res = solvePartiallyNested(fx.unreachable.design, { solveFor: 'groupSize' });
    expect(res.reached).toBe(false);
    expect(res.value).toBe(1000);
    expect(res.power).toBeLessThan(0.8);
    expect(relErr(res.limitPower!, fx.unreachable.limitPower)).toBeLessThan(1e-6);
    expect(res.reason).toMatch(/best achievable is 0\.\d{4}.*add therapy groups/);
    const capped = solvePartiallyNested({ ...fx.unreachable.design, groupSize: 8 }, { solveFor: 'nGroups', max: 5 });
    expect(capped.reached).toBe(false);
    expect(capped.reason).toMatch(/not reached with nGroups up to 5/);
  });
});

describe('properties', () => {
  const base: PartiallyNestedDesign = { nGroups: 20, groupSize: 8, nControls: 160, effect: 0.3, icc: 0.05, retention: 2 / 3 };
  it('gives α at effect 0, and power grows with groups, effect and retention and falls with the ICC and cv', () => {
    expect(partiallyNestedPower({ ...base, effect: 0 }).power).toBeCloseTo(0.05, 12);
    const p = partiallyNestedPower(base).power;
    expect(partiallyNestedPower({ ...base, nGroups: 21 }).power).toBeGreaterThan(p);
    expect(partiallyNestedPower({ ...base, effect: 0.31 }).power).toBeGreaterThan(p);
    expect(partiallyNestedPower({ ...base, retention: 0.7 }).power).toBeGreaterThan(p);
    expect(partiallyNestedPower({ ...base, icc: 0.06 }).power).toBeLessThan(p);
    expect(partiallyNestedPower({ ...base, groupSizeCv: 0.3 }).power).toBeLessThan(p);
    // Per-visit retention multiplies: 0.8 × (5/6) = 2/3.
    expect(partiallyNestedPower({ ...base, retention: [0.8, 5 / 6] }).power).toBeCloseTo(p, 12);
    // A negative effect has the same two-sided power.
    expect(partiallyNestedPower({ ...base, effect: -0.3 }).power).toBeCloseTo(p, 12);
  });
  it('the design effect of a single follow-up is 1 + ((cv² + 1) m r − 1) ρ', () => {
    const r = partiallyNestedPower({ ...base, groupSizeCv: 0.4 });
    expect(r.designEffect).toBeCloseTo(1 + ((0.16 + 1) * 8 * (2 / 3) - 1) * 0.05, 12);
  });
  it('the documented example', () => {
    expect(partiallyNestedPower({ nGroups: 20, groupSize: 8, nControls: 160, effect: 0.3, icc: 0.05, retention: 2 / 3 }).power).toBeCloseTo(0.522095193127675, 12);
    expect(solvePartiallyNested({ groupSize: 8, allocationRatio: 1, effect: 0.3, icc: 0.05, retention: 2 / 3 }, { solveFor: 'nGroups' }).value).toBe(38);
  });
});

describe('bad input', () => {
  const ok: PartiallyNestedDesign = { nGroups: 10, groupSize: 8, nControls: 80, effect: 0.3, icc: 0.05 };
  const bad = (design: unknown, path: string): void => {
    argumentError(() => partiallyNestedPower(design as PartiallyNestedDesign), path);
  };
  it('rejects impossible designs, naming the field', () => {
    bad({ ...ok, groupSize: 1 }, 'design.groupSize');
    bad({ ...ok, nGroups: 1 }, 'design.nGroups');
    bad({ ...ok, retention: 0 }, 'design.retention');
    bad({ ...ok, retention: 1.2 }, 'design.retention');
    bad({ ...ok, retention: [0.9, 0] }, 'design.retention[1]');
    bad({ ...ok, icc: 1 }, 'design.icc');
    bad({ ...ok, icc: -0.1 }, 'design.icc');
    bad({ ...ok, allocationRatio: 2 }, 'design.allocationRatio');
    bad({ ...ok, analysis: 'anova' }, 'design.analysis');
    bad({ ...ok, iCC: 0.1 }, 'design.iCC');
  });
  it('rejects bad solve options', () => {
    expect(() => solvePartiallyNested(ok, { solveFor: 'groups' as never })).toThrow(ArgumentError);
    expect(() => solvePartiallyNested(ok, { solveFor: 'nGroups', power: 1 })).toThrow(/target power/);
  });
});
