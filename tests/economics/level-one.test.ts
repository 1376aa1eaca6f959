/**
 * Level-1 cost assessment against seed 003 (five group interventions, 2020 prices, rounded to
 * 100 DKK, present values).
 *
 * Inputs taken from the seed text: horizons, courses and participants per year, the hours of
 * usual support each intervention replaces, the hours of individual work per participant.
 * Reconstructed (documented in docs/methods/economics.md):
 * - the hourly cost of a socialpædagog, 383.70 DKK (2020, incl. 20 % overhead), from ADHD-gruppen's
 *   saved 35,300 DKK for 2 hours a week over a 46-week year;
 * - the discount rate, 4 % a year with year 0 undiscounted, which the published totals imply;
 * - the costs the text does not itemise with prices (wages of other professions, travel) enter as
 *   one fixed yearly amount calibrated to the published base-case total; the sensitivity rows are
 *   then predictions.
 * Published figures are rounded to 100, so per-participant predictions are compared after rounding
 * to 100, and totals within 100 (a rounded total is within 50 of the truth, and the calibration
 * adds up to another 50).
 */
import { describe, expect, it } from 'vitest';
import {
  discountWeights,
  levelOneCostAssessment,
  levelOneMeasures,
  oneWaySensitivity,
  presentValue,
  priceAdjust,
  roundTo,
  type CostItem,
  type LevelOneInputs,
} from '../../src/economics/index.js';
import { ArgumentError } from '../../src/errors/index.js';
import { thrown } from './helpers.js';

const WAGE = 35300 / (2 * 46);
const r100 = (x: number) => roundTo(x, 100);
const sumW = discountWeights(3, 0.04).reduce((a, b) => a + b, 0);

/** Published per participant: gross, saved, net (Figures 7–20, appendices 2–6). */
const PUBLISHED = {
  'Trivsel gennem netværk': { gross: 20900, saved: 6300, net: 14500 },
  'Aktivt fællesskab': { gross: 14700, saved: 18400, net: -3700 },
  'ADHD-gruppen': { gross: 23600, saved: 35300, net: -11700 },
  'Brugerstyret gruppeindsats': { gross: 87200, saved: 81600, net: 5600 },
  Kvindenetværksgruppen: { gross: 43500, saved: 44100, net: -600 },
};

describe('net cost = gross − saved for the five interventions', () => {
  for (const [name, p] of Object.entries(PUBLISHED)) {
    it(`${name}: ${p.gross} − ${p.saved} is the published ${p.net} within the 100 DKK rounding`, () => {
      const r = levelOneCostAssessment({
        horizonYears: 1,
        coursesPerYear: 1,
        participantsPerCourse: 1,
        items: [
          { label: 'gross cost', category: 'operation', amount: p.gross, per: 'per-participant' },
          { label: 'usual support replaced', category: 'support', amount: p.saved, per: 'per-participant', saved: true },
        ],
      });
      expect(r.net.perParticipant).toBe(p.gross - p.saved);
      // Each published figure is rounded to 100, so gross − saved may differ from the published net by one step.
      expect(Math.abs(r.net.perParticipant - p.net)).toBeLessThanOrEqual(100);
    });
  }
  it('only Trivsel gennem netværk differs by a rounding step (20,900 − 6,300 = 14,600, published 14,500)', () => {
    const off = Object.entries(PUBLISHED).filter(([, p]) => p.gross - p.saved !== p.net).map(([n]) => n);
    expect(off).toEqual(['Trivsel gennem netværk']);
  });
});

describe('saved cost of the usual support: hours × weeks × 383.70 DKK', () => {
  it('calibrated on ADHD-gruppen, reproduces Trivsel, Aktivt fællesskab and Kvindenetværket', () => {
    expect(r100(2 * 46 * WAGE)).toBe(35300);
    expect(r100(1.5 * 11 * WAGE)).toBe(6300);
    expect(r100(3 * 16 * WAGE)).toBe(18400);
    expect(r100(2.5 * 46 * WAGE)).toBe(44100);
  });
  it('does not reproduce Brugerstyret gruppeindsats: the text’s 207 hours give 79,400, the published 81,600 implies ≈ 213 hours', () => {
    const hours = 1 * 23 + 2 * 2 * 46;
    expect(hours).toBe(207);
    const gap = 81600 / (hours * WAGE) - 1;
    expect(gap).toBeGreaterThan(0.02);
    expect(gap).toBeLessThan(0.035);
  });
});

describe('discounting: per-participant figures divide present values by the present value of the participant count', () => {
  const cases = [
    { name: 'Trivsel', perYear: 16, gross: [963900, 20900], net: [671500, 14500] },
    { name: 'Aktivt fællesskab', perYear: 90, gross: [3825400, 14700], net: [-958300, -3700] },
    { name: 'Kvindenetværket', perYear: 6, gross: [753800, 43500], net: [-10400, -600] },
  ];
  it('4 % a year over 3 years (Σw = 2.8861) reproduces every published total/per-participant pair; 3.5 % does not', () => {
    const consistent = (rate: number) => {
      const D = (perYear: number) => perYear * discountWeights(3, rate).reduce((a, b) => a + b, 0);
      return cases.every((c) => [c.gross, c.net].every(([total, pp]) => r100(total! / D(c.perYear)) === pp));
    };
    expect(consistent(0.04)).toBe(true);
    expect(consistent(0.035)).toBe(false);
    expect(consistent(0)).toBe(false);
  });
  it('discountWeights, presentValue and a fractional horizon (doc examples)', () => {
    expect(discountWeights(3, 0.04)).toEqual([1, 1 / 1.04, 1 / 1.04 ** 2]);
    expect(discountWeights(2.5, 0.04)).toEqual([1, 1 / 1.04, 0.5 / 1.04 ** 2]);
    expect(presentValue([100, 100], 0.04)).toBeCloseTo(100 + 100 / 1.04, 12);
    const r = levelOneCostAssessment({ horizonYears: 2.5, coursesPerYear: 1, participantsPerCourse: 6, items: [] });
    expect(r.participants.total).toBe(15);
    expect(r.participants.discounted).toBeCloseTo(6 * (1 + 1 / 1.04 + 0.5 / 1.04 ** 2), 12);
  });
  it('undiscounted basis divides by the plain participant count', () => {
    const base: LevelOneInputs = { horizonYears: 3, coursesPerYear: 1, participantsPerCourse: 6, items: [{ label: 'x', category: 'operation', amount: 1000, per: 'per-year' }] };
    const d = levelOneCostAssessment(base);
    const u = levelOneCostAssessment({ ...base, perParticipantBasis: 'undiscounted' });
    expect(d.gross.total).toBeCloseTo(1000 * sumW, 10);
    expect(u.gross.perParticipant).toBeCloseTo((1000 * sumW) / 18, 10);
    expect(d.gross.perParticipant).toBeCloseTo(1000 / 6, 10);
  });
});

/** Trivsel gennem netværk: 3 years, 2 courses a year of 8, socialpædagog facilitators (Table 2 of the seed). */
function trivsel(participantsPerCourse: number, share82a: number): LevelOneInputs {
  const contact = 1.5 * 11 * WAGE;
  const items: CostItem[] = [
    { label: 'individual sessions by the § 85 contact person', category: 'operation', amount: contact, per: 'per-participant', subgroup: 'para85' },
    { label: 'individual sessions + 6 start/end meetings by a facilitator (§ 82a)', category: 'operation', amount: (1.5 * 11 + 6 * 1.5) * WAGE, per: 'per-participant', subgroup: 'para82a' },
    { label: 'pre-talk, 1 hour with both facilitators', category: 'operation', amount: 2 * WAGE, per: 'per-participant' },
    { label: 'usual § 85 support replaced', category: 'support', amount: contact, per: 'per-participant', subgroup: 'para85', saved: true },
  ];
  // Everything else (establishment, training, group sessions, materials) calibrated to the published base-case gross total.
  const base = levelOneCostAssessment({ horizonYears: 3, coursesPerYear: 2, participantsPerCourse: 8, items, subgroups: { para85: 1, para82a: 0 } });
  const rest = (963900 - base.gross.total) / sumW;
  return {
    horizonYears: 3,
    coursesPerYear: 2,
    participantsPerCourse,
    items: [...items, { label: 'establishment, training, group operation', category: 'fixed', amount: rest, per: 'per-year' }],
    subgroups: { para85: 1 - share82a, para82a: share82a },
  };
}

describe('Trivsel gennem netværk: one-way sensitivity (Tables 3 and 5)', () => {
  const table = oneWaySensitivity(
    (i: LevelOneInputs) => levelOneCostAssessment(i),
    trivsel(8, 0),
    [
      { parameter: 'participants per course', values: [6, 9], apply: (_b, v) => trivsel(Number(v), 0) },
      { parameter: 'share referred under § 82a', values: [0.25, 0.5], apply: (_b, v) => trivsel(8, Number(v)) },
    ],
    levelOneMeasures,
  );
  it('base case: net 671,500 in total and 14,500 per participant', () => {
    expect(Math.abs(table.base.netTotal! - 671500)).toBeLessThanOrEqual(100);
    expect(r100(table.base.netPerParticipant!)).toBe(14500);
    expect(r100(table.base.grossPerParticipant!)).toBe(20900);
  });
  const expected = [
    { value: 6, total: 662600, pp: 19100 },
    { value: 9, total: 675900, pp: 13000 },
    { value: 0.25, total: 784500, pp: 17000 },
    { value: 0.5, total: 897400, pp: 19400 },
  ];
  for (const e of expected) {
    it(`${e.value < 1 ? `${e.value * 100} % under § 82a` : `${e.value} per course`}: predicts ${e.total} and ${e.pp} per participant`, () => {
      const row = table.rows.find((r) => r.value === e.value)!;
      expect(Math.abs(row.measures.netTotal! - e.total)).toBeLessThanOrEqual(100);
      expect(r100(row.measures.netPerParticipant!)).toBe(e.pp);
    });
  }
  it('direction: fewer participants or more § 82a referrals raise the cost per participant', () => {
    for (const r of table.rows.filter((x) => x.value !== 9)) expect(r.change.netPerParticipant).toBeGreaterThan(0);
    expect(table.rows.find((r) => r.value === 9)!.change.netPerParticipant).toBeLessThan(0);
  });
});

/** Kvindenetværksgruppen: 3 years, one course a year of 6 lasting a year (Table 16). */
function kvinde(participantsPerCourse: number): LevelOneInputs {
  const items: CostItem[] = [
    // Pre-talk 1 h and 4 quarterly evaluations of 45 min, both facilitators (their wage taken as the socialpædagog rate).
    { label: 'pre-talk and evaluations', category: 'operation', amount: (1 + 4 * 0.75) * 2 * WAGE, per: 'per-participant' },
    { label: 'usual individual support replaced, 2.5 h a week', category: 'support', amount: 2.5 * 46 * WAGE, per: 'per-participant', saved: true },
  ];
  const base = levelOneCostAssessment({ horizonYears: 3, coursesPerYear: 1, participantsPerCourse: 6, items });
  const rest = (753800 - base.gross.total) / sumW;
  return {
    horizonYears: 3,
    coursesPerYear: 1,
    participantsPerCourse,
    items: [...items, { label: 'establishment, training, sessions, licences, supervision', category: 'fixed', amount: rest, per: 'per-year' }],
  };
}

describe('Kvindenetværksgruppen: sensitivity to group size (Table 17: 19,600 with 4, −10,900 with 8)', () => {
  const at = (n: number) => levelOneCostAssessment(kvinde(n));
  // Totals: ±50 for the published rounding, plus the wage calibration: ADHD's 35,300 is itself rounded
  // (±50 over 92 hours, ±0.54 DKK an hour), which moves the 115 saved hours by ±62.5 DKK per participant.
  const totalTol = (n: number) => 50 + n * sumW * 115 * (50 / 92);
  it('base case 6: net −600 per participant, −10,400 in total', () => {
    expect(r100(at(6).net.perParticipant)).toBe(-600);
    expect(Math.abs(at(6).net.total - -10400)).toBeLessThanOrEqual(totalTol(6));
  });
  it('4 per course: 19,600 per participant, dearer than the usual support', () => {
    const r = at(4);
    expect(r100(r.net.perParticipant)).toBe(19600);
    expect(r100(r.gross.perParticipant)).toBe(63800);
    expect(Math.abs(r.net.total - 226700)).toBeLessThanOrEqual(totalTol(4));
  });
  it('the same through oneWaySensitivity (doc example)', () => {
    const base = kvinde(6);
    const table = oneWaySensitivity(
      levelOneCostAssessment,
      base,
      [{ parameter: 'participants per course', values: [4, 8], apply: (b, v) => ({ ...b, participantsPerCourse: Number(v) }) }],
      levelOneMeasures,
    );
    expect(table.rows.map((r) => Math.round(r.measures.netPerParticipant! / 100) * 100)).toEqual([19600, -10700]);
    expect(r100(table.base.netPerParticipant!)).toBe(-600);
  });
  it('8 per course: −10,700 per participant; the published −10,900 disagrees with its own total −247,500', () => {
    const r = at(8);
    expect(r.net.perParticipant).toBeLessThan(0);
    expect(r100(r.gross.perParticipant)).toBe(33400);
    expect(r100(r.net.perParticipant)).toBe(-10700);
    // The published total divided by the discounted count (8 × 2.8861) is also −10,700.
    expect(r100(-247500 / (8 * sumW))).toBe(-10700);
    expect(Math.abs(r.net.perParticipant - -10900)).toBeLessThan(250);
    expect(Math.abs(r.net.total - -247500)).toBeLessThanOrEqual(totalTol(8));
  });
});

describe('price-year adjustment and input checks', () => {
  it('priceAdjust scales by the index ratio (doc example)', () => {
    expect(priceAdjust(1000, 2015, 2020, { 2015: 100, 2020: 106.3 })).toBeCloseTo(1063, 10);
    expect(priceAdjust(1000, 2020, 2020, {})).toBe(1000);
  });
  it('items in another price year are converted with the user’s index', () => {
    const r = levelOneCostAssessment({
      horizonYears: 1,
      coursesPerYear: 1,
      participantsPerCourse: 10,
      priceYear: 2020,
      priceIndex: { 2015: 100, 2020: 110 },
      items: [
        { label: 'course (2015 prices)', category: 'operation', amount: 50000, per: 'per-course', priceYear: 2015 },
        { label: 'support replaced (2020 prices)', category: 'saved', amount: 3000, per: 'per-participant', saved: true, priceYear: 2020 },
      ],
    });
    expect(r.gross.total).toBeCloseTo(55000, 8);
    expect(r.net.perParticipant).toBeCloseTo(2500, 8);
    expect(r.byCategory.map((c) => [c.category, c.saved])).toEqual([
      ['operation', false],
      ['saved', true],
    ]);
  });
  it('level-1 doc example: net per participant 2,000', () => {
    const r = levelOneCostAssessment({
      horizonYears: 1,
      coursesPerYear: 1,
      participantsPerCourse: 10,
      items: [
        { label: 'course', category: 'operation', amount: 50000, per: 'per-course' },
        { label: 'support replaced', category: 'saved', amount: 3000, per: 'per-participant', saved: true },
      ],
    });
    expect(r.net.perParticipant).toBe(2000);
  });
  it('bad inputs → ArgumentError naming the field and value', () => {
    const base: LevelOneInputs = { horizonYears: 3, coursesPerYear: 1, participantsPerCourse: 6, items: [] };
    const neg = thrown(() => levelOneCostAssessment({ ...base, items: [{ label: 'x', category: 'c', amount: -5, per: 'per-year' }] })) as ArgumentError;
    expect(neg).toBeInstanceOf(ArgumentError);
    expect([neg.argument, neg.value]).toEqual(['items[0].amount', -5]);
    expect((thrown(() => levelOneCostAssessment({ ...base, horizonYears: 0 })) as ArgumentError).argument).toBe('horizonYears');
    expect((thrown(() => levelOneCostAssessment({ ...base, subgroups: { a: 1.2 } })) as ArgumentError).argument).toBe('subgroups.a');
    expect(
      (thrown(() => levelOneCostAssessment({ ...base, items: [{ label: 'x', category: 'c', amount: 1, per: 'per-participant', subgroup: 'b' }] })) as ArgumentError).argument,
    ).toBe('items[0].subgroup');
    expect((thrown(() => priceAdjust(1, 2015, 2020, { 2020: 100 })) as ArgumentError).argument).toBe('priceIndex[2015]');
    expect(
      (thrown(() => levelOneCostAssessment({ ...base, priceYear: 2020, items: [{ label: 'x', category: 'c', amount: 1, per: 'once', priceYear: 2015 }] })) as ArgumentError).argument,
    ).toBe('priceIndex');
    expect((thrown(() => oneWaySensitivity(levelOneCostAssessment, base, [{ parameter: 'p', values: [], apply: (b) => b }], levelOneMeasures)) as ArgumentError).argument).toBe(
      'analyses[0].values',
    );
  });
});
