/** Properties that hold for any data: direction mirroring, missingness, invariances, arm swapping. */
import { describe, expect, it } from 'vitest';
import { clinicalSignificance } from '../../src/clinical-significance/clinical-significance.js';
import { compareClinicalSignificance } from '../../src/clinical-significance/compare.js';
import { probabilityOfSuperiority, proportionalOddsComparison } from '../../src/clinical-significance/ordinal.js';
import { type ChangeCategory, type ClinicalSignificanceArrays, type RciMethod } from '../../src/clinical-significance/types.js';
import { createRng } from '../../src/random/rng.js';

const METHODS: RciMethod[] = ['jacobson-truax', 'gulliksen-lord-novick', 'edwards-nunnally', 'hageman-arrindell'];
const norms = { clinical: { mean: 40, sd: 10 }, functional: { mean: 65, sd: 9 } };

/** Two arms of continuous (tie-free) scores with missing values; SFT improves more. */
function sample(seed: number, n = 60): ClinicalSignificanceArrays & { followUp: Record<string, (number | null)[]> } {
  const rng = createRng(seed);
  const arm: string[] = [];
  const baseline: (number | null)[] = [];
  const a: (number | null)[] = [];
  const b: (number | null)[] = [];
  for (let i = 0; i < n; i++) {
    const sft = i % 2 === 1;
    const t = 50 + 8 * rng.normal();
    const ch = 6 * rng.normal();
    arm.push(sft ? 'SFT' : 'control');
    baseline.push(rng.uniform() < 0.05 ? null : t + 6 * rng.normal());
    a.push(rng.uniform() < 0.1 ? null : t + ch + (sft ? 7 : 1) + 6 * rng.normal());
    b.push(rng.uniform() < 0.15 ? null : t + ch + (sft ? 4 : 1) + 7 * rng.normal());
  }
  return { baseline, followUp: { '9m': a, '15m': b }, arm };
}

const MIRROR: Record<ChangeCategory, ChangeCategory> = {
  recovered: 'harmed',
  improved: 'deteriorated',
  unchanged: 'unchanged',
  deteriorated: 'improved',
  harmed: 'recovered',
};

describe('direction', () => {
  it('reflecting the scale (x → 100 − x, norms reflected) and flipping the direction leaves every index value (negated) and category unchanged, for every method and cut-off', () => {
    for (const seed of [1, 2, 3]) {
      const d = sample(seed);
      const r = (v: number | null) => (v === null ? null : 100 - v);
      const reflected = { ...d, baseline: d.baseline.map(r), followUp: { '9m': d.followUp['9m']!.map(r), '15m': d.followUp['15m']!.map(r) } };
      const rNorms = { clinical: { mean: 60, sd: 10 }, functional: { mean: 35, sd: 9 } };
      for (const method of METHODS) {
        for (const cutoff of ['a', 'b', 'c'] as const) {
          const up = clinicalSignificance(d, { reliability: 0.8, direction: 'higher-better', method, cutoff, norms });
          const down = clinicalSignificance(reflected, { reliability: 0.8, direction: 'lower-better', method, cutoff, norms: rNorms });
          expect(down.rows.map((x) => x.category)).toEqual(up.rows.map((x) => x.category));
          down.rows.forEach((x, i) => {
            if (x.rci !== null) expect(x.rci).toBeCloseTo(-up.rows[i]!.rci!, 10);
          });
          expect(down.cutoff!.value).toBeCloseTo(100 - up.cutoff!.value, 10);
        }
      }
    }
  });

  it('flipping only the direction on the same scores mirrors the categories (recovered ↔ harmed, improved ↔ deteriorated) with cut-off c', () => {
    for (const seed of [4, 5]) {
      const d = sample(seed);
      for (const method of METHODS) {
        const up = clinicalSignificance(d, { reliability: 0.8, direction: 'higher-better', method, cutoff: 'c', norms });
        const flipped = { clinical: norms.functional, functional: norms.clinical };
        const down = clinicalSignificance(d, { reliability: 0.8, direction: 'lower-better', method, cutoff: 'c', norms: flipped });
        expect(down.cutoff!.value).toBeCloseTo(up.cutoff!.value, 12);
        expect(down.rows.map((x) => (x.category === null ? null : MIRROR[x.category]))).toEqual(up.rows.map((x) => x.category));
        // Both directions produce all four reliable-change categories on these data.
        expect(new Set(up.rows.map((x) => x.category))).toEqual(new Set([null, 'recovered', 'improved', 'unchanged', 'deteriorated', 'harmed']));
      }
    }
  });
});

describe('missing follow-up', () => {
  it('a participant without follow-up is counted as missing, never unchanged, and does not change anyone else’s index when the SD is fixed', () => {
    const d = sample(6);
    const base = clinicalSignificance(d, { reliability: 0.8, direction: 'higher-better', cutoff: 'c', norms, baselineSd: 9 });
    const extra = {
      baseline: [...d.baseline, 47],
      followUp: { '9m': [...d.followUp['9m']!, null], '15m': [...d.followUp['15m']!, null] },
      arm: [...d.arm!, 'SFT'],
    };
    const withMissing = clinicalSignificance(extra, { reliability: 0.8, direction: 'higher-better', cutoff: 'c', norms, baselineSd: 9, method: 'jacobson-truax' });
    const added = withMissing.rows.filter((r) => r.id === String(d.baseline.length + 1));
    expect(added.map((r) => [r.status, r.category, r.rci])).toEqual([
      ['missing-follow-up', null, null],
      ['missing-follow-up', null, null],
    ]);
    for (const visit of ['9m', '15m']) {
      const before = base.counts.find((c) => c.arm === 'SFT' && c.visit === visit)!;
      const after = withMissing.counts.find((c) => c.arm === 'SFT' && c.visit === visit)!;
      expect(after.missingFollowUp).toBe(before.missingFollowUp + 1);
      expect(after.unchanged).toBe(before.unchanged);
      expect(after.classified).toBe(before.classified);
    }
    expect(withMissing.rows.filter((r) => r.id !== String(d.baseline.length + 1))).toEqual(base.rows);
    const cmp = compareClinicalSignificance(withMissing, { reference: 'control' });
    expect(cmp.missing.find((m) => m.arm === 'SFT' && m.visit === '9m')!.missingFollowUp).toBe(withMissing.counts.find((c) => c.arm === 'SFT' && c.visit === '9m')!.missingFollowUp);
    expect(cmp.diagnostics.find((x) => x.code === 'missing')!.message).toMatch(/never as unchanged/);
  });
});

describe('invariance and monotonicity', () => {
  it('a linear change of scale (a + b·x, norms transformed alike) leaves every index and category unchanged', () => {
    const d = sample(7);
    const t = (v: number | null) => (v === null ? null : 12 + 2.5 * v);
    const scaled = { ...d, baseline: d.baseline.map(t), followUp: { '9m': d.followUp['9m']!.map(t), '15m': d.followUp['15m']!.map(t) } };
    const sNorms = { clinical: { mean: 12 + 2.5 * 40, sd: 25 }, functional: { mean: 12 + 2.5 * 65, sd: 22.5 } };
    for (const method of METHODS) {
      const a = clinicalSignificance(d, { reliability: 0.85, direction: 'higher-better', method, cutoff: 'c', norms });
      const b = clinicalSignificance(scaled, { reliability: 0.85, direction: 'higher-better', method, cutoff: 'c', norms: sNorms });
      expect(b.rows.map((r) => r.category)).toEqual(a.rows.map((r) => r.category));
      b.rows.forEach((r, i) => {
        if (r.rci !== null) expect(r.rci).toBeCloseTo(a.rows[i]!.rci!, 10);
      });
    }
  });

  it('higher reliability never reduces the number reliably changed (Jacobson–Truax): the threshold shrinks as √(1 − r)', () => {
    const d = sample(8, 200);
    let prev = -1;
    let prevThreshold = Infinity;
    for (const r of [0.5, 0.6, 0.7, 0.8, 0.9, 0.95]) {
      const res = clinicalSignificance(d, { reliability: r, direction: 'higher-better', cutoff: 'none' });
      const changed = res.rows.filter((x) => x.category === 'improved' || x.category === 'deteriorated').length;
      expect(changed).toBeGreaterThanOrEqual(prev);
      expect(res.parameters[0]!.minimumChange!).toBeLessThan(prevThreshold);
      prev = changed;
      prevThreshold = res.parameters[0]!.minimumChange!;
    }
  });
});

describe('swapping the arms of the comparison', () => {
  it('RD changes sign and mirrors its interval, RR and OR invert, the probability of superiority becomes its complement, the proportional-odds OR inverts', () => {
    const res = clinicalSignificance(sample(9, 120), { reliability: 0.8, direction: 'higher-better', cutoff: 'c', norms, arms: ['control', 'SFT'] });
    const ab = compareClinicalSignificance(res);
    const ba = compareClinicalSignificance(res, { reference: 'SFT' });
    expect(ab.binary.length).toBe(4);
    ab.binary.forEach((x, i) => {
      const y = ba.binary[i]!;
      expect(y.riskDifference.estimate).toBeCloseTo(-x.riskDifference.estimate, 14);
      expect(y.riskDifference.ci[0]).toBeCloseTo(-x.riskDifference.ci[1], 14);
      expect(y.riskDifference.ci[1]).toBeCloseTo(-x.riskDifference.ci[0], 14);
      expect(y.riskRatio.estimate).toBeCloseTo(1 / x.riskRatio.estimate, 12);
      expect(y.oddsRatio.ci[0]).toBeCloseTo(1 / x.oddsRatio.ci[1], 12);
      expect(y.test.pValue).toBeCloseTo(x.test.pValue, 14);
      expect(y.nnt.estimate).toBeCloseTo(x.nnt.estimate, 10);
      if (x.nnt.kind !== 'none') expect(y.nnt.kind).not.toBe(x.nnt.kind);
    });
    ab.ordinal.forEach((x, i) => {
      const y = ba.ordinal[i]!;
      expect(y.superiority.estimate).toBeCloseTo(1 - x.superiority.estimate, 14);
      expect(y.superiority.ci[0]).toBeCloseTo(1 - x.superiority.ci[1], 12);
      expect(y.proportionalOdds.logOddsRatio).toBeCloseTo(-x.proportionalOdds.logOddsRatio, 8);
      expect(y.proportionalOdds.se).toBeCloseTo(x.proportionalOdds.se, 8);
    });
  });

  it('identical arms: OR 1, probability of superiority ½, RD 0 with NNT ∞ through both scales', () => {
    const counts = [3, 5, 20, 6, 4];
    expect(proportionalOddsComparison(counts, counts).estimate).toBeCloseTo(1, 10);
    expect(probabilityOfSuperiority(counts, counts).estimate).toBe(0.5);
    const d = sample(10);
    const twin = { baseline: [...d.baseline, ...d.baseline], followUp: [...d.followUp['9m']!, ...d.followUp['9m']!], arm: [...d.baseline.map(() => 'a'), ...d.baseline.map(() => 'b')] };
    const b = compareClinicalSignificance(clinicalSignificance(twin, { reliability: 0.8, direction: 'higher-better', cutoff: 'c', norms }), { reference: 'a' }).binary[0]!;
    expect(b.riskDifference.estimate).toBe(0);
    expect(b.nnt.kind).toBe('none');
    expect(b.nnt.estimate).toBe(Infinity);
    expect(b.nnt.ciText).toMatch(/^NNTB .* to ∞ to NNTH /);
  });
});
