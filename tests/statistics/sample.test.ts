/**
 * The one mean / variance / SD / median / quantile (src/statistics/sample.ts) against R
 * (tests/fixtures/r/statistics/sample.json, script sample.R): nine samples, including a 1e9
 * offset, ties, 1e-12 and 1e150 magnitudes, n = 1 and 2, and 17 probabilities. Numbers are
 * stored with 17 significant digits, so the comparison is to the bit (STATISTICS_REL: one ulp).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mean, medianSorted, quantileSorted, sd, variance } from '../../src/statistics/sample.js';
import { STATISTICS_REL } from '../tolerances.js';

interface RSample {
  x: string | string[];
  mean: string;
  var: string | null;
  sd: string | null;
  median: string;
  quantile: string[];
}
const fx = JSON.parse(readFileSync(new URL('../fixtures/r/statistics/sample.json', import.meta.url), 'utf8')) as {
  probs: string[];
  samples: Record<string, RSample>;
};
const probs = fx.probs.map(Number);

let worst = 0;
function close(ours: number, r: string, label: string): void {
  const ref = Number(r);
  const err = ours === ref ? 0 : Math.abs(ours - ref) / Math.abs(ref);
  worst = Math.max(worst, err);
  expect(err, `${label}: ours ${ours}, R ${r}`).toBeLessThanOrEqual(STATISTICS_REL);
}

describe('sample statistics agree with R', () => {
  for (const [name, s] of Object.entries(fx.samples)) {
    it(name, () => {
      const x = ([] as string[]).concat(s.x).map(Number);
      close(mean(x), s.mean, `${name} mean`);
      close(mean(Float64Array.from([0, ...x, 0]), 1, x.length), s.mean, `${name} mean of a slice`);
      if (s.var !== null && s.sd !== null) {
        close(variance(x), s.var, `${name} var`);
        close(sd(x), s.sd, `${name} sd`);
      } else {
        expect(variance(x)).toBeNaN();
      }
      const sorted = Float64Array.from(x).sort();
      close(medianSorted(sorted), s.median, `${name} median`);
      probs.forEach((p, i) => close(quantileSorted(sorted, p), s.quantile[i]!, `${name} quantile ${p}`));
    });
  }

  it('is bit-identical to R in every case (R sums in long double; compensated sums here)', () => {
    expect(worst).toBe(0);
  });

  it('returns NaN for an empty sample rather than throwing or reading past the end', () => {
    expect(mean([])).toBeNaN();
    expect(quantileSorted([], 0.5)).toBeNaN();
    expect(medianSorted([])).toBeNaN();
  });

  it('the answers do not depend on the origin: a 1e9 shift leaves the variance at the unshifted one', () => {
    const x = [1.5, 2.25, 3, 4.75, 5.5];
    const shifted = x.map((v) => v + 1e9);
    expect(variance(shifted)).toBeCloseTo(variance(x), 6);
  });
});
