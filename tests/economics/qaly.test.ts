/**
 * QALYs by the trapezoid rule: small cases worked by hand (unequal dates, discounting across
 * the year boundary, negative utilities), agreement with an independent R computation, and
 * bad input.
 */
import { describe, expect, it } from 'vitest';
import { qalys, utilityArea, type UtilityMeasurement } from '../../src/economics/index.js';
import { ArgumentError, ValidationError } from '../../src/errors/index.js';
import { createInstrumentRegistry } from '../../src/instruments/index.js';
import { thrown } from './helpers.js';
import { HORIZONS, VISIT_MONTHS, qalyFixture, qalyInput, relErr } from './qaly-fixture.js';

const Y = 365.25;
const m = (id: string, visit: string, score: number | null, date: string | null = null): UtilityMeasurement => ({ id, visit, instrument: 'EQ5D_INDEX', score, date });

describe('utilityArea by hand', () => {
  it('splits a segment crossing one year at the interpolated utility and discounts the second-year part', () => {
    // 0.6 at 0, 0.8 at 9 months, 0.8 at 15 months (nominal): year 1 holds 0.75·0.7 + 0.25·0.8.
    const a = utilityArea([0, 0.75, 1.25], [0.6, 0.8, 0.8], 0.035);
    expect(a.undiscounted).toBeCloseTo(0.525 + 0.4, 14);
    expect(a.discounted).toBeCloseTo(0.525 + 0.2 + 0.2 / 1.035, 14);
    // With a slope across the boundary: 0.4 at 0.5 y, 1.0 at 1.5 y → 0.7 at 1 y.
    const b = utilityArea([0, 0.5, 1.5], [0.4, 0.4, 1.0], 0.05);
    expect(b.undiscounted).toBeCloseTo(0.2 + 0.7, 14);
    expect(b.discounted).toBeCloseTo(0.2 + 0.5 * (0.4 + 0.7) / 2 + (0.5 * (0.7 + 1.0)) / 2 / 1.05, 14);
  });

  it('integrates negative utilities (states worse than dead) and weights year k by 1/(1 + r)^k over several years', () => {
    const neg = utilityArea([0, 1], [-0.2, -0.1], 0.035);
    expect(neg.undiscounted).toBeCloseTo(-0.15, 14);
    expect(neg.discounted).toBeCloseTo(-0.15, 14); // wholly in the first year
    // A line through 0 inside a segment: −0.2 at 0, +0.2 at 2 → area 0; discounted: the negative first year counts fully, the positive second year less.
    const cross = utilityArea([0, 2], [-0.2, 0.2], 0.1);
    expect(cross.undiscounted).toBeCloseTo(0, 14);
    expect(cross.discounted).toBeCloseTo(-0.1 + 0.1 / 1.1, 14);
    const long = utilityArea([0, 2.5], [1, 1], 0.035);
    expect(long.discounted).toBeCloseTo(1 + 1 / 1.035 + 0.5 / 1.035 ** 2, 14);
    expect(utilityArea([0, 2.5], [1, 1], 0).discounted).toBe(2.5);
  });
});

describe('qalys', () => {
  const participants = [
    { id: 'a', arm: 'control', group: null },
    { id: 'b', arm: 'control', group: null },
    { id: 'c', arm: 'SFT', group: 'G1' },
    { id: 'd', arm: 'SFT', group: 'G1' },
  ];
  // Participant a: unequal actual dates, 288 and 475 days after baseline, ending negative.
  const measurements = [
    m('a', 'baseline', 0.5, '2016-01-01'),
    m('a', '9m', 0.7, '2016-10-15'),
    m('a', '15m', -0.1, '2017-04-20'),
    m('b', 'baseline', 0.8, '2016-03-01'),
    m('b', '9m', 0.8, '2016-12-01'),
    m('b', '15m', null, '2017-06-01'),
    m('c', 'baseline', 0.6, '2016-02-01'),
    m('c', '9m', 0.9, '2016-11-01'),
    m('c', '15m', 0.9, '2017-05-01'),
    m('d', 'baseline', 0.3, '2016-02-01'),
    m('d', '9m', 0.5, '2016-11-01'),
    m('d', '15m', 0.7, '2017-05-01'),
  ];
  const horizons = [
    { label: '9 months', visits: ['baseline', '9m'] },
    { label: '15 months', visits: ['baseline', '9m', '15m'] },
  ];

  it('uses the actual measurement dates, discounting the part after 365.25 days', () => {
    const res = qalys({ participants, measurements }, { horizons });
    const h15 = res.horizons[1]!;
    const a = h15.participants.find((p) => p.id === 'a')!;
    const u1 = 0.7 + (-0.8 * (Y - 288)) / (475 - 288); // utility at one year
    expect(a.undiscounted).toBeCloseTo(((288 / Y) * (0.5 + 0.7)) / 2 + (((475 - 288) / Y) * (0.7 - 0.1)) / 2, 14);
    expect(a.qaly).toBeCloseTo((288 / Y) * 0.6 + (((Y - 288) / Y) * (0.7 + u1)) / 2 + (((475 - Y) / Y) * (u1 - 0.1)) / 2 / 1.035, 14);
    expect(a.baselineUtility).toBe(0.5);
    expect(a.years).toBeCloseTo(475 / Y, 14);
    // b has no 15-month utility: in the 9-month horizon, out of the 15-month one, counted per arm.
    expect(res.horizons[0]!.participants.map((p) => p.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(h15.participants.map((p) => p.id)).toEqual(['a', 'c', 'd']);
    expect(h15.incomplete).toEqual([{ id: 'b', arm: 'control', missingVisits: ['15m'] }]);
    expect(h15.byArm.map((r) => [r.arm, r.n, r.excluded])).toEqual([
      ['control', 1, 1],
      ['SFT', 2, 0],
    ]);
    expect(h15.byArm[0]!.se).toBeNull(); // one complete case: not estimable
    expect(h15.diagnostics.map((d) => d.code)).toEqual(['incomplete-cases-excluded', 'too-few-complete-cases']);
    const sft = h15.byArm[1]!;
    const qc = h15.participants.find((p) => p.id === 'c')!.qaly;
    const qd = h15.participants.find((p) => p.id === 'd')!.qaly;
    expect(sft.estimate).toBeCloseTo((qc + qd) / 2, 15);
    expect(sft.sd).toBeCloseTo(Math.abs(qc - qd) / Math.SQRT2, 14);
    expect(sft.ci![1] - sft.estimate).toBeCloseTo(12.706204736174707 * (sft.sd! / Math.SQRT2), 10); // qt(0.975, 1)
    expect(res.valueSet).toMatch(/Danish EQ-5D-5L value set/);
    expect(h15.valueSet).toBe(res.valueSet);
    expect(res.diagnostics.map((d) => d.code)).toEqual(['value-set-assumed']);
  });

  it('uses nominal visit times when asked, and names a user-given value set', () => {
    const res = qalys({ participants, measurements: measurements.map((x) => ({ ...x, date: null })) }, { horizons, time: 'nominal', visitMonths: { baseline: 0, '9m': 9, '15m': 15 }, valueSet: 'UK EQ-5D-3L (Dolan 1997)', discountRate: 0.05 });
    const c = res.horizons[1]!.participants.find((p) => p.id === 'c')!;
    expect(c.undiscounted).toBeCloseTo(0.75 * 0.75 + 0.5 * 0.9, 14);
    expect(c.qaly).toBeCloseTo(0.75 * 0.75 + 0.25 * 0.9 + (0.25 * 0.9) / 1.05, 14);
    expect(res.valueSet).toBe('UK EQ-5D-3L (Dolan 1997)');
    expect(res.horizons[0]!.method).toMatch(/nominal visit months/);
    expect(res.diagnostics).toEqual([]);
  });

  it('agrees with the independent R computation for both horizons, three rates and both time axes', () => {
    const f = qalyFixture();
    const input = qalyInput();
    let worst = 0;
    let compared = 0;
    for (const ref of f.qaly) {
      const res = qalys(input, { horizons: [{ label: ref.horizon, visits: ref.visits }], discountRate: ref.rate, time: ref.time, visitMonths: VISIT_MONTHS });
      const got = new Map(res.horizons[0]!.participants.map((p) => [p.id, p.qaly]));
      f.participants.forEach((p, i) => {
        const want = ref.qaly[i]!;
        if (want === null) expect(got.has(p.id)).toBe(false);
        else {
          worst = Math.max(worst, relErr(got.get(p.id)!, want));
          compared++;
        }
      });
    }
    expect(compared).toBeGreaterThan(1000);
    expect(worst).toBeLessThan(1e-12);
    // The fixture holds negative utilities, and missing ones in both follow-ups.
    expect(f.measurements.some((x) => x.score !== null && x.score < 0)).toBe(true);
    const both = qalys(input, { horizons: HORIZONS });
    expect(both.horizons.map((h) => h.incomplete.length)).toEqual([5, 10]);
  });
});

describe('qalys: bad input', () => {
  const participants = [
    { id: 'a', arm: 'control', group: null },
    { id: 'b', arm: 'SFT', group: 'G1' },
  ];
  const good = [m('a', 'baseline', 0.5, '2016-01-01'), m('a', '9m', 0.7, '2016-10-01'), m('b', 'baseline', 0.5, '2016-01-01'), m('b', '9m', 0.7, '2016-10-01')];
  const horizons = [{ visits: ['baseline', '9m'] }];

  it('refuses utilities outside the registry range, naming row and field; the range follows a redefined instrument', () => {
    const bad = [...good];
    bad[1] = m('a', '9m', 1.2, '2016-10-01');
    bad[2] = m('b', 'baseline', -0.8, '2016-01-01');
    const e = thrown(() => qalys({ participants, measurements: bad }, { horizons })) as ValidationError;
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.issues.map((i) => [i.table, i.row, i.field, i.value])).toEqual([
      ['measurements', 2, 'score', 1.2],
      ['measurements', 3, 'score', -0.8],
    ]);
    expect(e.issues[0]!.expected).toMatch(/-0\.758 to 1/);
    // Under a value set whose worst state is −0.85 (redefined in a registry), −0.8 is fine.
    const registry = createInstrumentRegistry([{ id: 'EQ5D_INDEX', name: 'EQ-5D index', construct: 'utility', range: { min: -0.85, max: 1 }, direction: 'higher-better' }]);
    const ok = [...good];
    ok[2] = m('b', 'baseline', -0.8, '2016-01-01');
    const res = qalys({ participants, measurements: ok }, { horizons, registry, valueSet: 'a value set down to −0.85' });
    expect(res.horizons[0]!.participants[1]!.baselineUtility).toBe(-0.8);
  });

  it('refuses visit dates out of order and missing dates, with row and field', () => {
    const bad = [...good];
    bad[3] = m('b', '9m', 0.7, '2015-12-01');
    bad[1] = m('a', '9m', 0.7, null);
    const e = thrown(() => qalys({ participants, measurements: bad }, { horizons })) as ValidationError;
    expect(e.issues.map((i) => [i.row, i.field, i.value])).toEqual([
      [2, 'date', null],
      [4, 'date', '2015-12-01'],
    ]);
    expect(e.issues[1]!.expected).toMatch(/after the baseline date 2016-01-01/);
  });

  it('refuses a discount rate outside [0, 1), unknown options and visits, and nominal time without visit months', () => {
    for (const r of [1, -0.01, 1.5, Number.NaN]) {
      const e = thrown(() => qalys({ participants, measurements: good }, { horizons, discountRate: r })) as ArgumentError;
      expect(e).toBeInstanceOf(ArgumentError);
      expect(e.argument).toBe('discountRate');
    }
    expect(qalys({ participants, measurements: good }, { horizons, discountRate: 0 }).discountRate).toBe(0);
    expect((thrown(() => qalys({ participants, measurements: good }, { horizons, discountrate: 0.03 } as never)) as ArgumentError).argument).toBe('options.discountrate');
    expect((thrown(() => qalys({ participants, measurements: good }, { horizons: [{ visits: ['baseline', '12m'] }] })) as ArgumentError).argument).toBe('horizons[0].visits[1]');
    expect((thrown(() => qalys({ participants, measurements: good }, { horizons, time: 'nominal' })) as ArgumentError).argument).toBe('visitMonths');
    expect((thrown(() => qalys({ participants, measurements: good }, { horizons, time: 'nominal', visitMonths: { baseline: 9, '9m': 9 } })) as ArgumentError).argument).toBe('visitMonths.9m');
  });

  it('refuses malformed participants, with row and field', () => {
    const e = thrown(() => qalys({ participants: [participants[0]!, { id: 'a', arm: '', group: null }], measurements: good }, { horizons })) as ValidationError;
    expect(e.issues.map((i) => [i.table, i.row, i.field])).toEqual([
      ['participants', 2, 'id'],
      ['participants', 2, 'arm'],
    ]);
  });

  it('refuses measurements of unknown participants and duplicate visits', () => {
    const e = thrown(() => qalys({ participants, measurements: [...good, m('zz', 'baseline', 0.5), m('a', '9m', 0.6, '2016-10-02')] }, { horizons })) as ValidationError;
    expect(e.issues.map((i) => [i.row, i.field])).toEqual([
      [5, 'id'],
      [6, 'visit'],
    ]);
  });
});
