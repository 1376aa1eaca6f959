import { describe, expect, it } from 'vitest';
import { describeOutcomes } from '../../src/descriptives/describe-outcomes.js';
import { quantileSorted } from '../../src/statistics/sample.js';
import { ArgumentError } from '../../src/errors/index.js';
import { handTrial } from './hand-example.js';
import { expectClose, loadSample, rFixture, sampleMd5 } from './sample.js';

describe('describeOutcomes: hand example', () => {
  const rows = describeOutcomes(handTrial());
  const row = (arm: string, visit: string, instrument: string) => rows.find((r) => r.arm === arm && r.visit === visit && r.instrument === instrument)!;

  it('has one row per arm × visit × instrument in design order', () => {
    expect(rows.map((r) => `${r.arm}/${r.visit}/${r.instrument}`)).toEqual([
      'control/baseline/PSP',
      'control/baseline/WHO5',
      'control/9m/PSP',
      'control/9m/WHO5',
      'SFT/baseline/PSP',
      'SFT/baseline/WHO5',
      'SFT/9m/PSP',
      'SFT/9m/WHO5',
    ]);
  });

  it('computes n, missing, mean, SD, median and type-7 quartiles', () => {
    // SFT baseline PSP 30, 40, 50, 60: SD √(500/3); q1 at h = 0.75 → 37.5; q3 at h = 2.25 → 52.5.
    expect(row('SFT', 'baseline', 'PSP')).toEqual({
      arm: 'SFT',
      visit: 'baseline',
      instrument: 'PSP',
      randomised: 4,
      n: 4,
      missing: 0,
      mean: 45,
      sd: Math.sqrt(500 / 3),
      median: 45,
      q1: 37.5,
      q3: 52.5,
      min: 30,
      max: 60,
    });
    // Controls: c2's null score and c4's absent row both count as missing.
    expect(row('control', 'baseline', 'PSP')).toMatchObject({ n: 2, missing: 2, mean: 60, median: 60, q1: 55, q3: 65, min: 50, max: 70 });
    expect(row('control', 'baseline', 'PSP').sd).toBeCloseTo(Math.SQRT2 * 10, 12);
    // One score: no SD; quartiles collapse onto it.
    expect(row('SFT', '9m', 'PSP')).toMatchObject({ n: 1, missing: 3, mean: 42, sd: null, median: 42, q1: 42, q3: 42 });
    // Nothing measured: every statistic null, the row still there.
    expect(row('control', '9m', 'WHO5')).toMatchObject({ n: 0, missing: 4, mean: null, sd: null, median: null, q1: null, q3: null, min: null, max: null });
  });

  it('rejects what is not trial data', () => {
    expect(() => describeOutcomes({ participants: [] } as never)).toThrow(ArgumentError);
    expect(() => describeOutcomes(null as never)).toThrow(/validateTrial/);
  });
});

describe('describeOutcomes: against R on the committed sample', () => {
  const fixture = rFixture();

  it('uses a fixture made from the current sample files', () => {
    expect(fixture.meta.inputMd5).toEqual(sampleMd5());
  });

  it('agrees with quantile(type = 7) on small vectors, ties and n = 1 included', () => {
    for (const c of fixture.quantiles) {
      const sorted = Float64Array.from(c.x).sort();
      c.probs.forEach((p, j) => expectClose(quantileSorted(sorted, p), c.q[j]!, 1e-15));
    }
  });

  it('agrees with R per arm × visit × instrument', async () => {
    const rows = describeOutcomes(await loadSample());
    expect(rows).toHaveLength(fixture.describe.length);
    rows.forEach((r, i) => {
      const e = fixture.describe[i]!;
      expect([r.arm, r.visit, r.instrument, r.randomised, r.n, r.missing]).toEqual([e['arm'], e['visit'], e['instrument'], e['randomised'], e['n'], e['missing']]);
      for (const k of ['mean', 'sd', 'median', 'q1', 'q3', 'min', 'max'] as const) expectClose(r[k], e[k] as number | null);
    });
  });
});
