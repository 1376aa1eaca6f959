/**
 * The group-course cost model against seed 002 (municipal implementation of SFT, 2023 prices).
 *
 * The seed gives results, not inputs. The inputs below are reconstructed from the published
 * figures and documented in docs/methods/economics.md:
 * - fixed cost per course F = 144,000 DKK: Table 1's 8-participant row (8 × 18,000); the
 *   12-participant row then follows (144,000 / 12 = 12,000) and the 10-participant row shows how the
 *   table rounds;
 * - SFT replaces 36 sessions × 1.5 hours = 54 hours of individual support per participant, at
 *   400 DKK an hour: Table 2's −7,000 needs 387–406 DKK an hour; 400 is also seed 003's 2020
 *   socialpædagog rate (383.70) brought to 2023 prices within a few per cent.
 */
import { describe, expect, it } from 'vitest';
import { breakEvenGroupSize, groupCourseCost, groupSizeTable, payerSplit, roundTo, type GroupCourseInputs } from '../../src/economics/index.js';
import { ArgumentError } from '../../src/errors/index.js';
import { thrown } from './helpers.js';

const HOUR = 400;
const SESSIONS = 36;
const SESSION_HOURS = 1.5;
const FIXED = 8 * 18000;
const SFT: GroupCourseInputs = { fixedCostPerCourse: FIXED, participantsPerCourse: 10 };

/** Seed 002's five-year effects per participant before the course cost (L339–360): housing gain "knap 50.000", more individual support −7,000, fewer somatic admissions +8,000, more psychiatrist contacts −1,000. */
const effects = (housing: number) => housing - 7000 + 8000 - 1000;

describe('Table 1: cost per participant by group size (8 → 18,000; 10 → 15,000; 12 → 12,000)', () => {
  it('Table 2’s −7,000 bounds the hourly cost of the substituted support to 387–406 DKK, which contains 400', () => {
    const ok = (h: number) => roundTo(groupCourseCost({ ...SFT, substitution: { hoursPerParticipant: SESSIONS * SESSION_HOURS, costPerHour: h } }).netCostPerParticipant, 1000) === -7000;
    expect(ok(HOUR)).toBe(true);
    expect(ok(386)).toBe(false);
    expect(ok(388)).toBe(true);
    expect(ok(405)).toBe(true);
    expect(ok(407)).toBe(false);
  });
  it('calibrated on the 8-row, predicts 12 exactly; 10 gives 14,400, published as 15,000 (rounded up to 1,000)', () => {
    const rows = groupSizeTable(SFT, [8, 10, 12]).map((r) => r.grossCostPerParticipant);
    expect(rows).toEqual([18000, 14400, 12000]);
    expect(rows.map((x) => roundTo(x, 1000, 'up'))).toEqual([18000, 15000, 12000]);
    // Ordinary rounding would print 14,000 for 10 participants: the published table does not round to nearest.
    expect(rows.map((x) => roundTo(x, 1000))).toEqual([18000, 14000, 12000]);
  });
  it('with ordinary rounding only F from 145,000 to under 148,000 reproduces all three rows; 144,000 does not', () => {
    // 8 → 18,000 needs F ∈ [140,000, 148,000); 10 → 15,000 needs F ∈ [145,000, 155,000); 12 → 12,000 needs F ∈ [138,000, 150,000).
    const fits = (F: number) =>
      [8, 10, 12].every((n, i) => roundTo(groupCourseCost({ fixedCostPerCourse: F, participantsPerCourse: n }).grossCostPerParticipant, 1000) === [18000, 15000, 12000][i]);
    const ok: number[] = [];
    for (let F = 120000; F <= 170000; F += 500) if (fits(F)) ok.push(F);
    // Two readings fit the table: F = 144,000 rounded up, or F ≈ 145,000–148,000 rounded to nearest.
    expect(ok.length).toBeGreaterThan(0);
    expect(ok.includes(144000)).toBe(false);
    expect(Math.min(...ok)).toBeGreaterThanOrEqual(145000);
    expect(Math.max(...ok)).toBeLessThan(148000);
  });
  it('dropout: 12 starting and 4 dropping out costs 18,000 per participant (seed text), 12,000 per starter', () => {
    expect(groupCourseCost({ ...SFT, participantsPerCourse: 12, dropouts: 4 }).grossCostPerParticipant).toBe(18000);
    expect(groupCourseCost({ ...SFT, participantsPerCourse: 12, dropouts: 4, perParticipant: 'starters' }).grossCostPerParticipant).toBe(12000);
    const rate = groupCourseCost({ ...SFT, participantsPerCourse: 12, dropoutRate: 1 / 3 });
    expect(rate.completers).toBeCloseTo(8, 12);
    expect(rate.grossCostPerParticipant).toBeCloseTo(18000, 8);
  });
});

describe('Table 2: substituting individual support hours (cost −7,000; net ≈ 50,000)', () => {
  const subst = { hoursPerParticipant: SESSIONS * SESSION_HOURS, costPerHour: HOUR };
  const r = groupCourseCost({ ...SFT, substitution: subst });

  it('54 substituted hours at 400 DKK save 21,600 and turn the cost to −7,200, published as −7,000 (to the nearest 1,000)', () => {
    expect(r.savedPerParticipant).toBe(21600);
    expect(r.netCostPerParticipant).toBe(-7200);
    expect(roundTo(r.netCostPerParticipant, 1000)).toBe(-7000);
  });

  it('net result rounds to the published 30,000 without and 50,000 with substitution for any housing gain 45,000–47,500', () => {
    // The seed states the nets as "ca." to the nearest 10,000, so each may be off by up to 5,000.
    for (let housing = 45000; housing <= 47500; housing += 500) {
      const without = effects(housing) - groupCourseCost(SFT).netCostPerParticipant;
      const withSubst = effects(housing) - r.netCostPerParticipant;
      expect(roundTo(without, 10000)).toBe(30000);
      expect(roundTo(withSubst, 10000)).toBe(50000);
    }
    // A housing gain of 48,000 or more would make the substituted net round to 60,000: the seed's figures bound "knap 50.000".
    expect(roundTo(effects(48000) - r.netCostPerParticipant, 10000)).toBe(60000);
  });
});

describe('Table 3: a small municipality (4 per group, one course a year) pays ≈ 51,000', () => {
  const small: GroupCourseInputs = {
    ...SFT,
    participantsPerCourse: 4,
    coursesPerYear: 1,
    horizonYears: 5,
    // Training its two trainers (150,000 DKK each) is spread over the five courses of the five-year horizon.
    oneOffCost: 2 * 150000,
  };
  it('reproduces 51,000 exactly, and the average municipality (10 per group) row equals Table 1', () => {
    const r = groupCourseCost(small);
    expect(r.grossCostPerParticipant).toBe(51000);
    expect(r.components).toEqual({ fixed: 36000, annualFixed: 0, oneOff: 15000, perStarter: 0 });
    expect(roundTo(groupCourseCost(SFT).grossCostPerParticipant, 1000, 'up')).toBe(15000);
  });
  it('"no gain": the small municipality’s cost exceeds the effects’ gain, the average one’s does not', () => {
    const gain = effects(47000);
    expect(gain - groupCourseCost(small).netCostPerParticipant).toBeLessThan(0);
    expect(gain - groupCourseCost(SFT).netCostPerParticipant).toBeGreaterThan(0);
  });
  it('break-even group size: 4 for the average municipality, 5 for the small one, 6 with 1.5 dropouts per group', () => {
    const gain = effects(47000);
    expect(breakEvenGroupSize({ fixedCostPerCourse: FIXED }, gain)).toMatchObject({ size: 4 });
    const { participantsPerCourse: _omit, ...smallNoSize } = small;
    const be = breakEvenGroupSize(smallNoSize, gain);
    expect(be.size).toBe(5);
    expect(be.exact).toBeCloseTo(204000 / 47000, 12);
    expect(groupCourseCost({ ...small, participantsPerCourse: 4 }).netCostPerParticipant).toBeGreaterThan(gain);
    // Seed 000: 1.5 dropouts per group on average.
    const withDropout = breakEvenGroupSize({ ...smallNoSize, dropouts: 1.5 }, gain);
    expect(withDropout.size).toBe(6);
    expect(withDropout.exact).toBeCloseTo((204000 + gain * 1.5) / gain, 12);
  });
  it('break-even doc example and "never" when the benefit does not cover the per-participant cost', () => {
    expect(breakEvenGroupSize({ fixedCostPerCourse: 144000 }, 20000)).toMatchObject({ size: 8, exact: 7.2 });
    const never = breakEvenGroupSize({ fixedCostPerCourse: 1000, costPerStarter: 5000 }, 4000);
    expect(never.size).toBeNull();
    expect(never.exact).toBeNull();
  });
});

describe('payer split (Figure 6: municipality 72 %, region 17 %, state 11 %)', () => {
  it('splits ≈ 30,000 as the seed does (doc example)', () => {
    const s = payerSplit([{ label: 'net gain', amount: 30000, payers: { municipality: 0.72, region: 0.17, state: 0.11 } }]);
    expect(s.byPayer.municipality).toBeCloseTo(21600, 8);
    expect(s.byPayer.region).toBeCloseTo(5100, 8);
    expect(s.byPayer.state).toBeCloseTo(3300, 8);
  });
  it('adds itemised gains and costs by payer; shares are of the total', () => {
    const s = payerSplit([
      { label: 'housing', amount: 47000, payers: { municipality: 1 } },
      { label: 'individual support', amount: -7000, payers: { municipality: 1 } },
      { label: 'somatic admissions', amount: 8000, payers: { region: 0.8, municipality: 0.2 } },
      { label: 'psychiatrist', amount: -1000, payers: { region: 1 } },
      { label: 'SFT course', amount: -14400, payers: { municipality: 1 } },
    ]);
    expect(s.total).toBeCloseTo(32600, 8);
    expect(s.byPayer.municipality).toBeCloseTo(47000 - 7000 + 1600 - 14400, 8);
    expect(s.byPayer.region).toBeCloseTo(6400 - 1000, 8);
    expect(s.shares.municipality! + s.shares.region!).toBeCloseTo(1, 12);
  });
  it('shares that do not sum to 1 → ArgumentError naming the item', () => {
    const e = thrown(() => payerSplit([{ label: 'x', amount: 1, payers: { municipality: 0.7, region: 0.2 } }])) as ArgumentError;
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.argument).toBe('items[0].payers');
  });
});

describe('group-course input checks and rounding', () => {
  it('bad inputs → ArgumentError naming the field', () => {
    expect((thrown(() => groupCourseCost({ fixedCostPerCourse: -1, participantsPerCourse: 8 })) as ArgumentError).argument).toBe('fixedCostPerCourse');
    expect((thrown(() => groupCourseCost({ fixedCostPerCourse: 1, participantsPerCourse: 0 })) as ArgumentError).argument).toBe('participantsPerCourse');
    expect((thrown(() => groupCourseCost({ fixedCostPerCourse: 1, participantsPerCourse: 8, dropouts: 8 })) as ArgumentError).argument).toBe('dropouts');
    expect((thrown(() => groupCourseCost({ fixedCostPerCourse: 1, participantsPerCourse: 8, dropouts: 1, dropoutRate: 0.1 })) as ArgumentError).argument).toBe('dropoutRate');
  });
  it('roundTo rounds to nearest (halves away from zero), up or down (doc example)', () => {
    expect(roundTo(14400, 1000)).toBe(14000);
    expect(roundTo(14400, 1000, 'up')).toBe(15000);
    expect(roundTo(-7200, 1000)).toBe(-7000);
    expect(roundTo(-650, 100)).toBe(-700);
    expect(roundTo(14999.999999999998, 1000, 'down')).toBe(15000);
  });
});
