/**
 * Property test (issue 10, class 1): the summaries every descriptive table is built from (the
 * shared `summarise`, used by baselineTable and describeOutcomes) follow a shift by 1e9 or a
 * scaling by 1e-6 or 1e6 of the data exactly: mean and quantiles move with the data, the SD
 * scales, to 1e-6 relative (on the scale of the SD for values that pass near 0).
 */
import { describe, expect, it } from 'vitest';
import { summarise } from '../../src/descriptives/stats.js';
import { loadSample } from './sample.js';

const trial = await loadSample();
// The committed sample's outcome scores per instrument.
const scores = new Map<string, number[]>();
for (const m of trial.measurements) {
  if (m.score === null) continue;
  const key = `${m.instrument}`;
  scores.set(key, [...(scores.get(key) ?? []), m.score]);
}

const transforms: [string, number, number][] = [
  ['+ 1e9', 1e9, 1],
  ['× 1e-6', 0, 1e-6],
  ['× 1e6', 0, 1e6],
];

describe.each([...scores.entries()])('summarise(%s scores) is invariant to origin and unit', (_instrument, values) => {
  const base = summarise(Float64Array.from(values));
  it.each(transforms)('scores %s', (_label, shift, scale) => {
    const s = summarise(Float64Array.from(values, (v) => v * scale + shift));
    const sd = base.sd!;
    const back = (v: number | null) => (v! - shift) / scale;
    const close = (a: number, b: number, label: string) => {
      const err = Math.abs(a - b) / Math.max(Math.abs(b), sd);
      if (!(err <= 1e-6)) expect.fail(`${label}: ${a} vs ${b} (relative ${err.toExponential(2)})`);
    };
    expect(s.n).toBe(base.n);
    close(back(s.mean), base.mean!, 'mean');
    close(s.sd! / scale, sd, 'sd');
    for (const k of ['median', 'q1', 'q3', 'min', 'max'] as const) close(back(s[k]), base[k]!, k);
  });
});

