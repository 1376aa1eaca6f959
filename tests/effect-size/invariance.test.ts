/**
 * Property test (issue 10, class 1): effect sizes are standardised, so shifting both samples by
 * 1e9 or scaling them by 1e-6 or 1e6 must leave d, its interval, SE, df and statistic unchanged
 * to 1e-6 relative (the raw mean difference and the standardiser scale with the data).
 */
import { describe, expect, it } from 'vitest';
import { cohensD, glassDelta, hedgesG, pairedD, pairedG, standardizedModelEffect, type EffectSizeResult } from '../../src/effect-size/index.js';
import { createRng } from '../../src/random/rng.js';

const REL = 1e-6;
const rng = createRng(20261202);
const draw = (n: number, mu: number, sd: number) => Array.from({ length: n }, () => mu + sd * rng.normal());
const x = draw(40, 52, 11);
const y = draw(35, 47, 9);
const post = x.map((v) => v + 3 + 4 * rng.normal());

const transforms: [string, (v: number) => number, number][] = [
  ['+ 1e9', (v) => v + 1e9, 1],
  ['× 1e-6', (v) => v * 1e-6, 1e-6],
  ['× 1e6', (v) => v * 1e6, 1e6],
];

function close(a: number, b: number, label: string, floor = 0): void {
  const err = Math.abs(a - b) / Math.max(Math.abs(b), floor);
  if (!(err <= REL)) expect.fail(`${label}: ${a} vs ${b} (relative ${err.toExponential(2)})`);
}

function same(a: EffectSizeResult, b: EffectSizeResult, scale: number): void {
  close(a.estimate, b.estimate, 'estimate');
  a.ci.forEach((v, i) => close(v, b.ci[i]!, `ci[${i}]`, Math.abs(b.estimate)));
  close(a.statistic, b.statistic, 'statistic');
  close(a.df, b.df, 'df');
  if (b.se !== null) close(a.se!, b.se, 'se');
  close(a.meanDifference / scale, b.meanDifference, 'meanDifference');
  close(a.standardizer / scale, b.standardizer, 'standardizer');
}

const cases: [string, (f: (v: number) => number) => EffectSizeResult][] = [
  ["Cohen's d (pooled SD)", (f) => cohensD(x.map(f), y.map(f))],
  ["Cohen's d (Welch)", (f) => cohensD(x.map(f), y.map(f), { pooledSd: false })],
  ["Hedges' g", (f) => hedgesG(x.map(f), y.map(f))],
  ["Glass's Δ", (f) => glassDelta(x.map(f), y.map(f))],
  ['paired d_z', (f) => pairedD(post.map(f), x.map(f))],
  ['paired d_rm', (f) => pairedD(post.map(f), x.map(f), { type: 'rm' })],
  ['paired g_av', (f) => pairedG(post.map(f), x.map(f), { type: 'av' })],
];

describe.each(cases)('%s is invariant to the origin and unit of the data', (_name, compute) => {
  const base = compute((v) => v);
  it.each(transforms)('data %s', (_label, f, scale) => same(compute(f), base, scale));
});

describe('standardizedModelEffect with a baseline SD is invariant to the origin and unit of the baseline', () => {
  for (const method of ['pooled', 'control', 'total'] as const) {
    const base = standardizedModelEffect({ estimate: 4.2, se: 1.7, df: 61 }, { baseline: { t: x, c: y }, control: 'c' }, { sdMethod: method, sdUncertainty: 'delta' });
    it.each(transforms)(`${method} SD, baseline %s`, (_label, f, scale) => {
      const r = standardizedModelEffect({ estimate: 4.2 * scale, se: 1.7 * scale, df: 61 }, { baseline: { t: x.map(f), c: y.map(f) }, control: 'c' }, { sdMethod: method, sdUncertainty: 'delta' });
      close(r.estimate, base.estimate, 'estimate');
      r.ci.forEach((v, i) => close(v, base.ci[i]!, `ci[${i}]`));
      close(r.standardizer.value / scale, base.standardizer.value, 'standardizer');
    });
  }
});
