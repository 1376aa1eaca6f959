import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors/index.js';
import { cohensD, standardizedModelEffect } from '../../src/effect-size/index.js';
import { normalQuantile, studentTQuantile } from '../../src/distributions/index.js';
import { createRng } from '../../src/random/rng.js';
import { coverageBounds } from '../tolerances.js';

describe('standardizedModelEffect (Feingold 2009)', () => {
  it('d = b/s with the model t interval divided by s when s is treated as known', () => {
    const r = standardizedModelEffect({ estimate: 5, se: 2, df: 58 }, 10);
    const q = studentTQuantile(0.975, 58);
    expect(r.estimate).toBe(0.5);
    expect(r.ci[0]).toBeCloseTo((5 - q * 2) / 10, 15);
    expect(r.ci[1]).toBeCloseTo((5 + q * 2) / 10, 15);
    expect(r.se).toBe(0.2);
    expect(r.n).toBeNull();
    expect(r.standardizer).toEqual({ value: 10, source: 'given', df: null });
    expect(r.method).toMatch(/SD treated as known/);
  });

  it('the default SD is the baseline SD pooled across arms (the same SD as Cohen’s d)', () => {
    const t = [48, 52, 55, 47, 50, 53, 49];
    const c = [51, 46, 50, 44, 53, 49, 47, 52];
    const r = standardizedModelEffect({ estimate: 3, se: 1.4, df: 40 }, { baseline: { t, c }, control: 'c' });
    expect(r.standardizer.value).toBeCloseTo(cohensD(t, c).standardizer, 14);
    expect(r.standardizer.df).toBe(13);
    expect(r.n).toBe(15);
    const control = standardizedModelEffect({ estimate: 3, se: 1.4, df: 40 }, { baseline: { t, c }, control: 'c' }, { sdMethod: 'control' });
    expect(control.standardizer.value).toBeCloseTo(cohensD(t, c).groups!.sd[1], 14);
    const total = standardizedModelEffect({ estimate: 3, se: 1.4, df: 40 }, { baseline: { t, c }, control: 'c' }, { sdMethod: 'total' });
    const all = [...t, ...c];
    const m = all.reduce((s, v) => s + v, 0) / all.length;
    expect(total.standardizer.value).toBeCloseTo(Math.sqrt(all.reduce((s, v) => s + (v - m) ** 2, 0) / (all.length - 1)), 13);
  });

  it('df = Infinity gives a z interval; delta-method SE adds d²/(2ν_s); one-sided bounds', () => {
    const z = standardizedModelEffect({ estimate: 4, se: 1, df: Number.POSITIVE_INFINITY }, 8);
    expect(z.ci[1]).toBeCloseTo((4 + normalQuantile(0.975)) / 8, 15);
    const dm = standardizedModelEffect({ estimate: 4, se: 1, df: 30 }, 8, { sdUncertainty: 'delta', sdDf: 50 });
    expect(dm.se).toBeCloseTo(Math.sqrt((1 / 8) ** 2 + 0.25 / 100), 15);
    const less = standardizedModelEffect({ estimate: 4, se: 1, df: 30 }, 8, { alternative: 'less' });
    expect(less.ci[0]).toBe(Number.NEGATIVE_INFINITY);
    expect(less.ci[1]).toBeCloseTo((4 + studentTQuantile(0.95, 30)) / 8, 15);
  });

  it('bad input names the argument', () => {
    expect(() => standardizedModelEffect({ estimate: 1, se: 0, df: 10 }, 2)).toThrow(/"effect.se"/);
    expect(() => standardizedModelEffect({ estimate: 1, se: 1, df: 0 }, 2)).toThrow(/"effect.df"/);
    expect(() => standardizedModelEffect({ estimate: 1, se: 1, df: 10 }, -2)).toThrow(/"sd"/);
    expect(() => standardizedModelEffect({ estimate: 1, se: 1, df: 10 }, { baseline: { a: [1], b: [2, 3] } })).toThrow(/"sd.baseline.a"/);
    expect(() => standardizedModelEffect({ estimate: 1, se: 1, df: 10 }, { baseline: { a: [3, 3], b: [3, 3] } })).toThrow(ArgumentError);
    expect(() => standardizedModelEffect({ estimate: 1, se: 1, df: 10 }, 2, { sdUncertainty: 'delta' })).toThrow(/"sdDf"/);
  });

  it('arms are named: the control SD is the named arm whatever the key order; arrays and a missing control are errors', () => {
    const ctl = [51, 46, 50, 44, 53, 49, 47, 52];
    const sft = [48, 52, 55, 47, 50, 53, 49];
    const a = standardizedModelEffect({ estimate: 3, se: 1.4, df: 40 }, { baseline: { control: ctl, SFT: sft }, control: 'control' }, { sdMethod: 'control' });
    const b = standardizedModelEffect({ estimate: 3, se: 1.4, df: 40 }, { baseline: { SFT: sft, control: ctl }, control: 'control' }, { sdMethod: 'control' });
    expect(a.standardizer.value).toBe(b.standardizer.value);
    expect(a.standardizer.value).toBeCloseTo(cohensD(sft, ctl).groups!.sd[1], 14);
    // The old positional form, where the last array silently became the control, is refused.
    expect(() => standardizedModelEffect({ estimate: 3, se: 1.4, df: 40 }, { baseline: [ctl, sft] } as never, { sdMethod: 'control' })).toThrow(/Arms are named, never positional/);
    expect(() => standardizedModelEffect({ estimate: 3, se: 1.4, df: 40 }, { baseline: { control: ctl, SFT: sft } }, { sdMethod: 'control' })).toThrow(/"sd.control".*one of "control", "SFT"/);
    expect(() => standardizedModelEffect({ estimate: 3, se: 1.4, df: 40 }, { baseline: { control: ctl, SFT: sft }, control: 'ctl' }, { sdMethod: 'control' })).toThrow(ArgumentError);
  });
});

/**
 * Coverage by simulation (seeded): two arms of n, baseline and follow-up N(50, σ²) with
 * correlation 0.5, true difference Δ at follow-up; the "model" is the difference of follow-up means
 * with its pooled-variance SE on 2n − 2 df; the SD is the pooled baseline SD; truth d = Δ/σ.
 */
function coverage(seed: number, n: number, delta: number, reps: number): { ignore: number; delta: number } {
  const sigma = 10;
  const rho = 0.5;
  const rng = createRng(seed);
  const truth = delta / sigma;
  let hitIgnore = 0;
  let hitDelta = 0;
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const variance = (v: number[]) => {
    const m = mean(v);
    return v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1);
  };
  for (let r = 0; r < reps; r++) {
    const base: number[][] = [[], []];
    const follow: number[][] = [[], []];
    for (let arm = 0; arm < 2; arm++) {
      for (let i = 0; i < n; i++) {
        const b = rng.normal();
        const e = rng.normal();
        base[arm]!.push(50 + sigma * b);
        follow[arm]!.push(50 + (arm === 0 ? delta : 0) + sigma * (rho * b + Math.sqrt(1 - rho * rho) * e));
      }
    }
    const estimate = mean(follow[0]!) - mean(follow[1]!);
    const se = Math.sqrt((variance(follow[0]!) + variance(follow[1]!)) / 2) * Math.sqrt(2 / n);
    const fit = { estimate, se, df: 2 * n - 2 };
    const a = standardizedModelEffect(fit, { baseline: { t: base[0]!, c: base[1]! } });
    const b = standardizedModelEffect(fit, { baseline: { t: base[0]!, c: base[1]! } }, { sdUncertainty: 'delta' });
    if (a.ci[0] <= truth && truth <= a.ci[1]) hitIgnore++;
    if (b.ci[0] <= truth && truth <= b.ci[1]) hitDelta++;
  }
  return { ignore: hitIgnore / reps, delta: hitDelta / reps };
}

// 4000 independent replications: binomial SE 0.0034 at 0.95, bounds 0.95 ± 3.29 SE = [0.9387, 0.9613]
// (false alarm 1 in 1,000); a true coverage of 0.93 (SE 0.0040) falls below 0.9387 with probability 0.98.
describe('coverage of the model-based d interval (4000 seeded replications each; MC SE ≈ 0.0034)', () => {
  it('n = 60 per arm, d = 0.5: both intervals cover 95 % (bounds detect 93 %)', () => {
    const c = coverage(11, 60, 5, 4000);
    const [lo, hi] = coverageBounds(0.95, 4000, 1);
    expect(c.ignore).toBeGreaterThanOrEqual(lo);
    expect(c.ignore).toBeLessThanOrEqual(hi);
    expect(c.delta).toBeGreaterThanOrEqual(lo);
    expect(c.delta).toBeLessThanOrEqual(hi);
  });
  it('d = 0: treating the SD as known is exact (dividing by s > 0 cannot move 0 across a limit)', () => {
    const c = coverage(13, 8, 0, 4000);
    expect(Math.abs(c.ignore - 0.95)).toBeLessThan(0.012);
  });
  it('n = 8 per arm, d = 1.5: ignoring the SD’s uncertainty undercovers; the delta method restores ≥ 94 %', () => {
    const c = coverage(12, 8, 15, 4000);
    expect(c.ignore).toBeLessThan(0.93);
    expect(c.delta).toBeGreaterThan(0.94);
    expect(c.delta).toBeGreaterThan(c.ignore);
  });
});
