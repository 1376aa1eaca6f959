import { describe, expect, it } from 'vitest';
import { baselineTable } from '../../src/descriptives/baseline-table.js';
import { ArgumentError } from '../../src/errors/index.js';
import { handTrial } from './hand-example.js';
import { expectClose, loadSample, rFixture } from './sample.js';

describe('baselineTable: hand example', () => {
  const rows = baselineTable(handTrial());
  const get = (variable: string, level: string | null, arm: string | null) => rows.find((r) => r.variable === variable && r.level === level && r.arm === arm)!;

  it('counts sex, age bands and diagnosis chapters with missing levels where they occur', () => {
    expect(get('sex', 'female', 'SFT')).toEqual({
      variable: 'sex',
      level: 'female',
      arm: 'SFT',
      kind: 'count',
      n: 3,
      denominator: 4,
      percent: 75,
      missing: null,
      mean: null,
      sd: null,
      median: null,
    });
    expect(get('sex', 'missing', 'control').n).toBe(1);
    expect(get('sex', 'missing', 'SFT').n).toBe(0);
    expect(rows.filter((r) => r.variable === 'sex' && r.arm === null).map((r) => r.level)).toEqual(['female', 'male', 'missing']);
    // Ages 30, 50, 19, null | 25, 34, 45, 60.
    expect(rows.filter((r) => r.variable === 'ageBand' && r.arm === 'control').map((r) => [r.level, r.n])).toEqual([
      ['18–24', 1],
      ['25–34', 1],
      ['35–44', 0],
      ['45–54', 1],
      ['55+', 0],
      ['missing', 1],
    ]);
    expect(rows.filter((r) => r.variable === 'ageBand' && r.arm === 'SFT').map((r) => r.n)).toEqual([0, 2, 0, 1, 1, 0]);
    expect(rows.filter((r) => r.variable === 'diagnosisChapter' && r.arm === null).map((r) => [r.level, r.n])).toEqual([
      ['F2', 3],
      ['F3', 1],
      ['F4', 2],
      ['F6', 1],
      ['missing', 1],
    ]);
  });

  it('summarises age, years since diagnosis and baseline scores', () => {
    expect(get('age', null, 'SFT')).toMatchObject({ kind: 'summary', n: 4, missing: 0, mean: 41, median: 39.5 });
    expect(get('age', null, 'control')).toMatchObject({ n: 3, missing: 1, mean: 33, median: 30 });
    // 2010-01-01 → 2015-01-01 is 1826 days; 2014-01-01 → 365 days; c3 and c4 lack a date.
    // SFT: 730 (2013), 3652 (2005), 0 (2015), 7305 (1995) days.
    const ctl = get('yearsSinceDiagnosis', null, 'control');
    expect(ctl).toMatchObject({ n: 2, missing: 2 });
    expect(ctl.mean).toBeCloseTo((1826 + 365) / 2 / 365.25, 12);
    const sft = get('yearsSinceDiagnosis', null, 'SFT');
    expect(sft.n).toBe(4);
    expect(sft.median).toBeCloseTo((730 + 3652) / 2 / 365.25, 12);
    expect(get('baselineScore', 'PSP', 'SFT')).toMatchObject({ n: 4, missing: 0, mean: 45, sd: Math.sqrt(500 / 3), median: 45 });
    expect(get('baselineScore', 'PSP', 'control')).toMatchObject({ n: 2, missing: 2, mean: 60 });
    expect(get('baselineScore', 'WHO5', null)).toMatchObject({ n: 1, missing: 7, mean: 40, sd: null });
  });

  it('takes other age bands and baseline visits, and rejects bad ones', () => {
    const t = handTrial();
    const rows2 = baselineTable(t, { ageBands: [{ label: 'young', min: 18, max: 39 }, { label: 'old', min: 40, max: null }], baselineVisit: '9m' });
    expect(rows2.filter((r) => r.variable === 'ageBand' && r.arm === null).map((r) => [r.level, r.n])).toEqual([
      ['young', 4],
      ['old', 3],
      ['missing', 1],
    ]);
    expect(rows2.find((r) => r.variable === 'baselineScore' && r.level === 'PSP' && r.arm === 'control')!.mean).toBe(65);
    expect(() => baselineTable(t, { baselineVisit: '3m' })).toThrow(ArgumentError);
    expect(() => baselineTable(t, { baselineVisit: '3m' })).toThrow(/options\.baselineVisit/);
    expect(() => baselineTable(t, { ageBands: [{ label: 'x', min: 50, max: 40 }] })).toThrow(/options\.ageBands\[0\]\.max/);
    expect(() => baselineTable(t, { ageBands: [] })).toThrow(ArgumentError);
  });
});

describe('baselineTable: against R on the committed sample', () => {
  it('agrees row by row', async () => {
    const rows = baselineTable(await loadSample());
    const fixture = rFixture().baseline;
    expect(rows).toHaveLength(fixture.length);
    rows.forEach((r, i) => {
      const e = fixture[i]!;
      expect([r.variable, r.level, r.arm, r.kind, r.n, r.denominator, r.missing]).toEqual([
        e['variable'],
        e['level'],
        e['arm'],
        e['kind'],
        e['n'],
        e['denominator'],
        e['missing'],
      ]);
      for (const k of ['percent', 'mean', 'sd', 'median'] as const) expectClose(r[k], e[k] as number | null);
    });
  });
});
