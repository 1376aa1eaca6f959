import { describe, expect, it } from 'vitest';
import { attachCosts, checkCostParticipants, costsByArm, participantCostTotals, type CostParticipant } from '../../src/economics/index.js';
import { ArgumentError, ValidationError } from '../../src/errors/index.js';
import { simulateTrialData } from '../../src/simulate/trial-data.js';
import { thrown } from './helpers.js';

const small: CostParticipant[] = [
  { id: 'c1', arm: 'control', group: null, costs: { operation: 0, healthcare: 0 } },
  { id: 'c2', arm: 'control', group: null, costs: { operation: 0, healthcare: 1000 } },
  { id: 'c3', arm: 'control', group: null, costs: { operation: 0, healthcare: 50000 } },
  { id: 'c4', arm: 'control', group: null, costs: { operation: 0, healthcare: null } },
  { id: 't1', arm: 'SFT', group: 'g1', costs: { operation: 40000, healthcare: 0 } },
  { id: 't2', arm: 'SFT', group: 'g1', costs: { operation: 40000, healthcare: 2000 } },
  { id: 't3', arm: 'SFT', group: 'g2', costs: { operation: 50000, healthcare: 0 } },
  { id: 't4', arm: 'SFT', group: 'g2', costs: { operation: 50000, healthcare: 90000 } },
  { id: 't5', arm: 'SFT', group: 'g3', costs: { operation: 45000, healthcare: 3000 } },
];

describe('participantCostTotals', () => {
  it('sums categories per participant; a missing category makes the total missing unless missing: zero (doc example)', () => {
    const t = participantCostTotals(small);
    expect(t.find((x) => x.id === 't4')!.total).toBe(140000);
    expect(t.find((x) => x.id === 'c4')!.total).toBeNull();
    expect(participantCostTotals(small, { missing: 'zero' }).find((x) => x.id === 'c4')!.total).toBe(0);
    expect(participantCostTotals([{ id: 'a', arm: 'SFT', group: 'g1', costs: { operation: 100, healthcare: 50 } }])[0]!.total).toBe(150);
  });
  it('restricts to the categories asked for', () => {
    expect(participantCostTotals(small, { categories: ['operation'] }).find((x) => x.id === 'c4')!.total).toBe(0);
  });
  it('rejects a category named "total"', () => {
    const e = thrown(() => participantCostTotals([{ id: 'a', arm: 'x', group: null, costs: { total: 1 } }])) as ArgumentError;
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.argument).toBe('categories');
  });
});

describe('costsByArm', () => {
  const res = costsByArm(small, { seed: 2, replicates: 2000 });
  const get = (arm: string, category: string) => res.summaries.find((s) => s.arm === arm && s.category === category)!;

  it('computes means, medians, shares of zero, min/max and missing counts from the data', () => {
    const hc = get('control', 'healthcare');
    expect(hc.n).toBe(3);
    expect(hc.nMissing).toBe(1);
    expect(hc.estimate).toBeCloseTo(17000, 10);
    expect(hc.median).toBe(1000);
    expect(hc.shareZero).toBeCloseTo(1 / 3, 15);
    expect([hc.min, hc.max, hc.sum]).toEqual([0, 50000, 51000]);
    const tot = get('SFT', 'total');
    expect(tot.estimate).toBeCloseTo((40000 + 42000 + 50000 + 140000 + 48000) / 5, 10);
    expect(tot.median).toBe(48000);
    expect(tot.shareZero).toBe(0);
    expect(get('control', 'operation').shareZero).toBe(1);
    expect(res.categories).toEqual(['operation', 'healthcare', 'total']);
  });

  it('resamples therapy groups in SFT and individuals in control, and says so', () => {
    expect(res.resample).toEqual({ control: 'individuals', SFT: 'clusters' });
    expect(res.method).toContain('therapy groups (clusters) resampled');
    // Only three clusters: the cluster bootstrap warns that it understates uncertainty.
    expect(res.diagnostics.map((d) => d.code)).toContain('few-clusters');
    expect(res.diagnostics.map((d) => d.code)).toContain('missing-costs');
  });

  it('differences are arm − reference with intervals around the estimate', () => {
    const d = res.differences.find((x) => x.category === 'total')!;
    expect(d.reference).toBe('control');
    expect(d.estimate).toBeCloseTo(get('SFT', 'total').estimate - get('control', 'total').estimate, 8);
    expect(d.intervals.percentile[0]).toBeLessThan(d.estimate);
    expect(d.intervals.percentile[1]).toBeGreaterThan(d.estimate);
  });

  it('is bit-identical for a seed and varies with it', () => {
    const again = costsByArm(small, { seed: 2, replicates: 2000 });
    expect(again.summaries).toEqual(res.summaries);
    const other = costsByArm(small, { seed: 3, replicates: 2000 });
    expect(other.summaries.map((s) => s.se)).not.toEqual(res.summaries.map((s) => s.se));
  });

  it('reports BCa as ci by default and percentile on request', () => {
    const hc = get('SFT', 'healthcare');
    expect(hc.ci).toEqual(hc.intervals.bca);
    const p = costsByArm(small, { seed: 2, replicates: 2000, ciType: 'percentile' });
    const hp = p.summaries.find((s) => s.arm === 'SFT' && s.category === 'healthcare')!;
    expect(hp.ci).toEqual(hp.intervals.percentile);
  });

  it('on skewed simulated SFT costs the BCa interval of the mean sits to the right of the percentile one', () => {
    const { data } = simulateTrialData({ seed: 11 });
    const r = costsByArm(data.participants, { seed: 4, replicates: 4000, categories: ['psychiatric_admission'] });
    const c = r.summaries.find((s) => s.arm === 'control' && s.category === 'psychiatric_admission')!;
    // Right-skewed: many zeros, a few long admissions; mean far above median.
    expect(c.median).toBe(0);
    expect(c.shareZero).toBeGreaterThan(0.5);
    expect(c.estimate).toBeGreaterThan(c.median);
    expect(c.bca!.acceleration).toBeGreaterThan(0);
    expect(c.intervals.bca[1]).toBeGreaterThan(c.intervals.percentile[1]);
  });
});

describe('cost input validation', () => {
  it('negative costs → ValidationError listing every offending row and field', () => {
    const bad: CostParticipant[] = [
      { id: 'a', arm: 'control', group: null, costs: { healthcare: -5 } },
      { id: 'b', arm: 'control', group: null, costs: { healthcare: 10, support: -1 } },
    ];
    const e = thrown(() => costsByArm(bad)) as ValidationError;
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.issues.map((i) => [i.row, i.field, i.value])).toEqual([
      [1, 'costs.healthcare', -5],
      [2, 'costs.support', -1],
    ]);
    expect(e.message).toContain('allowNegative');
    expect(() => checkCostParticipants(bad, ['healthcare', 'support'])).not.toThrow();
  });

  it('non-numeric costs, duplicate ids and bad groups are reported together', () => {
    const bad = [
      { id: 'a', arm: 'control', group: null, costs: { healthcare: 'x' } },
      { id: 'a', arm: 'control', group: '', costs: { healthcare: Number.NaN } },
    ] as unknown as CostParticipant[];
    const e = thrown(() => checkCostParticipants(bad)) as ValidationError;
    expect(e.issues.map((i) => i.field).sort()).toEqual(['costs.healthcare', 'costs.healthcare', 'group', 'id']);
  });

  it('attachCosts sums long-format records onto participants and rejects costs for unknown participants', () => {
    const base: CostParticipant[] = [
      { id: 'a', arm: 'control', group: null, costs: { operation: 0 } },
      { id: 'b', arm: 'SFT', group: 'g', costs: { operation: 100 } },
    ];
    const out = attachCosts(base, [
      { id: 'a', category: 'healthcare', amount: 1200 },
      { id: 'a', category: 'healthcare', amount: 300 },
      { id: 'b', category: 'operation', amount: 5 },
    ]);
    expect(out[0]!.costs).toEqual({ operation: 0, healthcare: 1500 });
    expect(out[1]!.costs).toEqual({ operation: 105, healthcare: 0 });
    expect(base[0]!.costs).toEqual({ operation: 0 });
    const e = thrown(() => attachCosts(base, [{ id: 'zz', category: 'healthcare', amount: 1 }, { id: 'a', category: 'healthcare', amount: -2 }])) as ValidationError;
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.issues[0]).toMatchObject({ table: 'costs', row: 1, field: 'id', value: 'zz' });
    expect(e.issues[1]).toMatchObject({ table: 'costs', row: 2, field: 'amount', value: -2 });
  });

  it('bad options → ArgumentError naming the option', () => {
    expect((thrown(() => costsByArm(small, { replicates: 1.5 })) as ArgumentError).argument).toBe('replicates');
    expect((thrown(() => costsByArm(small, { ciLevel: 95 })) as ArgumentError).argument).toBe('ciLevel');
    expect((thrown(() => costsByArm(small, { arms: ['control', 'placebo'] })) as ArgumentError).argument).toBe('arms');
    expect((thrown(() => costsByArm(small, { resample: { control: 'individuals' } })) as ArgumentError).argument).toBe('resample.SFT');
  });
});
