import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { baselineFollowUpEffects } from '../../src/analysis/internal.js';
import { costEffectiveness, type CostEffectivenessResult } from '../../src/economics/index.js';
import { openWorkerPool } from '../../src/parallel/pool.js';
import { normalCdf as pnorm } from '../../src/distributions/normal.js';
import { ArgumentError, ValidationError } from '../../src/errors/index.js';
import { simulateTrialData } from '../../src/simulate/trial-data.js';
import { fixture, fixtureInput, rejected, synthetic } from './helpers.js';

const sameNumbers = (a: CostEffectivenessResult, b: CostEffectivenessResult) => {
  expect(a.plane!.deltaCost).toEqual(b.plane!.deltaCost);
  expect(a.plane!.deltaEffect).toEqual(b.plane!.deltaEffect);
  expect(a.incrementalCost).toEqual(b.incrementalCost);
  expect(a.netBenefit).toEqual(b.netBenefit);
  expect(a.ceac).toEqual(b.ceac);
};

describe('costEffectiveness: reproducibility', () => {
  const input = fixtureInput();

  it('gives bit-identical results for the same seed, and different replicates for another seed', async () => {
    const a = await costEffectiveness(input, { seed: 5, replicates: 1000, threads: 1 });
    const b = await costEffectiveness(input, { seed: 5, replicates: 1000, threads: 1 });
    const c = await costEffectiveness(input, { seed: 6, replicates: 1000, threads: 1 });
    sameNumbers(a, b);
    expect(c.plane!.deltaCost).not.toEqual(a.plane!.deltaCost);
    // The point estimates do not depend on the seed.
    expect(c.incrementalCost.estimate).toBe(a.incrementalCost.estimate);
  });

  // 2,000 replicates are 8 blocks of 256 (the unit of work split across threads): enough to split.
  it('runs on 2 worker threads under vitest and matches 1 thread bit for bit', async () => {
    const one = await costEffectiveness(input, { seed: 9, replicates: 2000, threads: 1 });
    const two = await costEffectiveness(input, { seed: 9, replicates: 2000, threads: 2 });
    expect(one.threadsUsed).toBe(1);
    expect(two.threadsUsed).toBe(2);
    expect(two.diagnostics.map((d) => d.code)).not.toContain('worker-fallback');
    sameNumbers(one, two);
  });

  it('a shared pool with 2 threads and a 3-thread pool give the same numbers as 1 thread', async () => {
    const pool2 = openWorkerPool({ threads: 2 });
    const pool3 = openWorkerPool({ threads: 3 });
    try {
      const base = await costEffectiveness(input, { seed: 21, replicates: 2000, threads: 1 });
      const viaPool = await costEffectiveness(input, { seed: 21, replicates: 2000, pool: pool2 });
      const viaPool3 = await costEffectiveness(input, { seed: 21, replicates: 2000, pool: pool3 });
      const again = await costEffectiveness(input, { seed: 21, replicates: 2000, pool: pool2 });
      expect(viaPool.threadsUsed).toBe(2);
      expect(viaPool3.threadsUsed).toBe(3);
      sameNumbers(base, viaPool);
      sameNumbers(base, viaPool3);
      sameNumbers(base, again);
    } finally {
      await pool2.close();
      await pool3.close();
    }
  });

  it("threads: 'auto' stays on the calling thread for SFT-sized data and uses 2 workers above AUTO_THREAD_WORK", async () => {
    const small = await costEffectiveness(input, { seed: 1, replicates: 10000 });
    expect(small.threadsUsed).toBe(1);
    // 2 × 1,000 individuals × 10,000 replicates × 3 sums = 6·10⁷ ≥ 5·10⁷.
    const big = synthetic({ seed: 5, nControl: 1000, nTreated: 1000, nGroups: 0, groupSize: 0, costControl: 1000, costTreated: 1000, costSd: 100, effectControl: 0, effectTreated: 0, effectSd: 1 });
    const auto = await costEffectiveness(big, { seed: 1, replicates: 10000, keepReplicates: true });
    // Both cores where there are two (a one-CPU machine stays on the calling thread).
    expect(auto.threadsUsed).toBe(Math.min(2, availableParallelism()));
    const one = await costEffectiveness(big, { seed: 1, replicates: 10000, threads: 1 });
    expect(auto.plane).toEqual(one.plane);
  });

  it('the first 2,000 replicates of a 5,000-replicate run are those of a 2,000-replicate run (streams fixed per block)', async () => {
    const short = await costEffectiveness(input, { seed: 13, replicates: 2000, threads: 1 });
    const long = await costEffectiveness(input, { seed: 13, replicates: 5000, threads: 2 });
    expect(long.plane!.deltaCost.slice(0, 2000)).toEqual(short.plane!.deltaCost);
    expect(long.plane!.deltaEffect.slice(0, 2000)).toEqual(short.plane!.deltaEffect);
  });
});

describe('costEffectiveness: estimators and method statement', () => {
  const input = fixtureInput();

  it('ancova ΔE equals R’s lm(followup ~ treated + baseline) coefficient to 1e-10', async () => {
    const res = await costEffectiveness(input, { seed: 1, replicates: 500, effectEstimator: 'ancova', threads: 1 });
    expect(Math.abs(res.incrementalEffect.estimate - fixture().ancova_effect)).toBeLessThan(1e-10);
    expect(res.method).toContain('baseline-adjusted');
    // The bootstrap re-estimates the slope each time, so the SE differs from the unadjusted one.
    const plain = await costEffectiveness(input, { seed: 1, replicates: 500, threads: 1 });
    expect(res.incrementalEffect.se).not.toBe(plain.incrementalEffect.se);
  });

  it('difference-in-change on (baseline, followUp) equals mean-difference on effect = followUp − baseline', async () => {
    const a = await costEffectiveness(input, { seed: 2, replicates: 1000, effectEstimator: 'difference-in-change', threads: 1 });
    const b = await costEffectiveness(input, { seed: 2, replicates: 1000, effectEstimator: 'mean-difference', threads: 1 });
    expect(a.incrementalEffect.estimate).toBeCloseTo(b.incrementalEffect.estimate, 12);
    expect(a.ceac.probability).toEqual(b.ceac.probability);
    expect(a.method).toContain('difference in mean change from baseline');
  });

  it('states the resampling scheme (clusters in the treated arm, individuals in control) and the estimator', async () => {
    const res = await costEffectiveness(input, { seed: 1, replicates: 200, threads: 1 });
    expect(res.resample).toEqual({ control: 'individuals', SFT: 'clusters' });
    expect(res.method).toMatch(/therapy groups \(clusters\) resampled with replacement in arm "SFT"/);
    expect(res.method).toMatch(/individuals resampled with replacement in arm "control"/);
    expect(res.method).toContain('supplied per-participant effect');
    expect(res.n).toEqual({ control: 141, treated: fixture().participants.length - 141 });
  });

  it('INB at each λ is λΔE − ΔC and its acceptability equals the share of positive replicates', async () => {
    const res = await costEffectiveness(input, { seed: 3, replicates: 2000, wtp: [0, 10000, 30000], threads: 1 });
    for (const nb of res.netBenefit) {
      expect(nb.estimate).toBeCloseTo(nb.wtp * res.incrementalEffect.estimate - res.incrementalCost.estimate, 6);
      let pos = 0;
      res.plane!.deltaCost.forEach((c, r) => {
        if (nb.wtp * res.plane!.deltaEffect[r]! - c > 0) pos++;
      });
      expect(nb.probabilityCostEffective).toBe(pos / 2000);
      expect(nb.ci[0]).toBeLessThan(nb.estimate);
      expect(nb.ci[1]).toBeGreaterThan(nb.estimate);
    }
  });

  it('keepReplicates: false drops the plane but keeps the curve', async () => {
    const res = await costEffectiveness(input, { seed: 3, replicates: 300, keepReplicates: false, threads: 1 });
    expect(res.plane).toBeNull();
    expect(res.ceac.replicates).toBe(300);
  });
});

describe('costEffectiveness: acceptability curve limits on data with known costs and effects', () => {
  // Individuals in both arms, 1,500 each: ΔC true 300 (SD 4,000 → SE ≈ 146), ΔE true 0.4 (SD 8 → SE ≈ 0.29).
  const spec = {
    seed: 77,
    nControl: 1500,
    nTreated: 1500,
    nGroups: 0,
    groupSize: 0,
    costControl: 20000,
    costTreated: 20300,
    costSd: 4000,
    effectControl: 0,
    effectTreated: 0.4,
    effectSd: 8,
  };
  const data = synthetic(spec);

  it('at λ = 0 it equals P(ΔC < 0); at very large λ it equals P(ΔE > 0); both match the normal approximation', async () => {
    const res = await costEffectiveness(data, { seed: 4, replicates: 10000, wtp: [0, 1000, 1e4, 1e5, 1e6, 1e9], threads: 2 });
    const plane = res.plane!;
    const saving = plane.deltaCost.filter((c) => c < 0).length / 10000;
    const positive = plane.deltaEffect.filter((e) => e > 0).length / 10000;
    expect(res.ceac.probability[0]).toBe(saving);
    expect(res.ceac.probabilityCostSaving).toBe(saving);
    expect(res.ceac.probabilityEffectPositive).toBe(positive);
    expect(res.ceac.probability[5]).toBeCloseTo(positive, 3);
    // Known-data check: with normal sampling distributions centred on the estimates,
    // P(ΔC* < 0) ≈ Φ(−ΔĈ/SE) and P(ΔE* > 0) ≈ Φ(ΔÊ/SE) with the analytic SEs of a difference of means.
    const sd = (xs: number[]) => {
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
    };
    const arm = (a: string) => data.participants.map((p, i) => ({ p, e: data.effects[i]! })).filter((x) => x.p.arm === a);
    const c = (a: string) => arm(a).map((x) => x.p.costs['care']!);
    const e = (a: string) => arm(a).map((x) => x.e.effect!);
    const seC = Math.sqrt(sd(c('control')) ** 2 / 1500 + sd(c('treated')) ** 2 / 1500);
    const seE = Math.sqrt(sd(e('control')) ** 2 / 1500 + sd(e('treated')) ** 2 / 1500);
    expect(Math.abs(saving - pnorm(-res.incrementalCost.estimate / seC))).toBeLessThan(0.02);
    expect(Math.abs(positive - pnorm(res.incrementalEffect.estimate / seE))).toBeLessThan(0.02);
    // Both limits are strictly inside (0, 1) here, so the test could fail in either direction.
    expect(saving).toBeGreaterThan(0.001);
    expect(positive).toBeLessThan(0.999);
    // The curve moves from one limit to the other.
    expect(res.ceac.probability[3]).toBeGreaterThan(res.ceac.probability[0]!);
  });
});

describe('costEffectiveness: quadrant of the point estimate on synthetic data', () => {
  const base = { seed: 31, nControl: 200, nGroups: 20, groupSize: 8, costSd: 2000, effectSd: 4, groupSd: 0.5, costControl: 20000, effectControl: 0 };
  const cases = [
    { costTreated: 15000, effectTreated: 3, quadrant: 'dominant' },
    { costTreated: 26000, effectTreated: -3, quadrant: 'dominated' },
    { costTreated: 26000, effectTreated: 3, quadrant: 'trade-off-NE' },
    { costTreated: 15000, effectTreated: -3, quadrant: 'trade-off-SW' },
  ] as const;
  for (const c of cases) {
    it(`${c.quadrant}: ΔC ${c.costTreated - 20000 > 0 ? '>' : '<'} 0, ΔE ${c.effectTreated > 0 ? '>' : '<'} 0`, async () => {
      const res = await costEffectiveness(synthetic({ ...base, ...c }), { seed: 1, replicates: 1000, threads: 1 });
      expect(res.icer.quadrant).toBe(c.quadrant);
      expect(res.icer.estimate).toBeCloseTo(res.incrementalCost.estimate / res.incrementalEffect.estimate, 8);
      // Effects this clear put nearly every replicate in the same quadrant.
      expect(res.icer.quadrantShares[c.quadrant]).toBeGreaterThan(0.99);
    });
  }
});

describe('costEffectiveness: bad input', () => {
  const input = fixtureInput();

  it('a willingness-to-pay grid that is not increasing → ArgumentError naming the element and value', async () => {
    const e = (await rejected(costEffectiveness(input, { wtp: [0, 20000, 10000], threads: 1 }))) as ArgumentError;
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.argument).toBe('wtp[2]');
    expect(e.value).toBe(10000);
    expect(e.message).toContain('strictly increasing');
    const neg = (await rejected(costEffectiveness(input, { wtp: [-1, 0], threads: 1 }))) as ArgumentError;
    expect(neg.argument).toBe('wtp[0]');
  });

  it('negative costs → ValidationError naming the row, category and value', async () => {
    const participants = input.participants.map((p, i) => (i === 4 ? { ...p, costs: { ...p.costs, healthcare: -250 } } : p));
    const e = (await rejected(costEffectiveness({ participants, effects: input.effects }, { threads: 1 }))) as ValidationError;
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]).toMatchObject({ table: 'participants', row: 5, field: 'costs.healthcare', value: -250 });
    // Allowed when declared.
    await expect(costEffectiveness({ participants, effects: input.effects }, { threads: 1, replicates: 100, allowNegative: ['healthcare'] })).resolves.toBeDefined();
  });

  it('effects for unknown participants → ValidationError naming the effect row and id', async () => {
    const effects = [...input.effects, { id: 'NOPE', effect: 1 }];
    const e = (await rejected(costEffectiveness({ participants: input.participants, effects }, { threads: 1 }))) as ValidationError;
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.issues[0]).toMatchObject({ table: 'effects', row: effects.length, field: 'id', value: 'NOPE' });
  });

  it('bad replicates, threads, arms → ArgumentError', async () => {
    expect(((await rejected(costEffectiveness(input, { replicates: 0 }))) as ArgumentError).argument).toBe('replicates');
    expect(((await rejected(costEffectiveness(input, { threads: 0 }))) as ArgumentError).argument).toBe('threads');
    expect(((await rejected(costEffectiveness(input, { control: 'placebo' }))) as ArgumentError).argument).toBe('control');
  });

  it('participants without an effect are left out and counted', async () => {
    const effects = input.effects.map((r, i) => (i < 10 ? { ...r, effect: null } : r));
    const res = await costEffectiveness({ participants: input.participants, effects }, { seed: 1, replicates: 200, threads: 1 });
    expect(res.excluded).toBe(10);
    expect(res.n.control).toBe(131);
    expect(res.diagnostics.find((d) => d.code === 'incomplete-cases-excluded')?.details).toEqual({ excluded: 10 });
  });
});

describe('costEffectiveness on simulated SFT TrialData', () => {
  it('accepts TrialData participants as they are and recovers the simulated higher cost in SFT', async () => {
    const { data } = simulateTrialData({ seed: 3 });
    const effects = baselineFollowUpEffects(data, 'PSP', 'baseline', '9m');
    const res = await costEffectiveness(
      { participants: data.participants, effects },
      { seed: 8, replicates: 2000, effectEstimator: 'difference-in-change', threads: 1, wtp: [0, 20000, 50000, 100000] },
    );
    expect(res.treated).toBe('SFT');
    expect(res.units.treated).toBe(19);
    // SFT carries implementation and operating costs (≈ 78,000 DKK) the control arm does not.
    expect(res.incrementalCost.estimate).toBeGreaterThan(40000);
    expect(res.incrementalCost.ci[0]).toBeGreaterThan(0);
    expect(res.excluded).toBeGreaterThan(0);
  });
});
