/**
 * Cost per QALY from the joint bootstrap, EVPI (against R on the same replicate matrix, and its
 * limits), the "effect of at least X at an extra cost of at most Y" reading, and reproducibility
 * across thread counts.
 */
import { describe, expect, it } from 'vitest';
import {
  acceptabilityCurve,
  costUtility,
  expectedValueOfPerfectInformation,
  incrementalQaly,
  probabilityOfEffectAtCost,
  qalys,
  DEFAULT_WTP_QALY,
} from '../../src/economics/index.js';
import { ArgumentError, ValidationError } from '../../src/errors/index.js';
import { simulateTrialData } from '../../src/simulate/trial-data.js';
import { rejected, thrown } from './helpers.js';
import { HORIZONS, qalyFixture, qalyInput, relErr } from './qaly-fixture.js';

describe('expectedValueOfPerfectInformation', () => {
  it('equals the direct R computation E[max NB] − max E[NB] on the same replicate matrix of per-arm means', () => {
    const { replicates: M, wtp, evpi, ceac } = qalyFixture().evpi;
    const plane = { deltaEffect: M.E1.map((e, r) => e - M.E0[r]!), deltaCost: M.C1.map((c, r) => c - M.C0[r]!) };
    const got = expectedValueOfPerfectInformation(plane, wtp);
    expect(got.replicates).toBe(400);
    got.perPerson.forEach((v, j) => {
      if (evpi[j] === 0) expect(v).toBe(0);
      else expect(relErr(v, evpi[j]!)).toBeLessThan(1e-9);
    });
    expect(evpi.filter((v) => v > 0).length).toBeGreaterThanOrEqual(4); // the comparison covers positive values
    expect(acceptabilityCurve(plane.deltaCost, plane.deltaEffect, wtp).probability).toEqual(ceac);
  });

  it('is ≥ 0, and 0 when one option is better in every replicate; by hand on two replicates', () => {
    const dominant = { deltaEffect: [0.1, 0.2, 0.05], deltaCost: [-100, -5, -30] };
    expect(expectedValueOfPerfectInformation(dominant, [0, 1000, 1e6]).perPerson).toEqual([0, 0, 0]);
    const dominated = { deltaEffect: [-0.1, -0.2], deltaCost: [100, 5] };
    expect(expectedValueOfPerfectInformation(dominated, [0, 1e6]).perPerson).toEqual([0, 0]);
    // INB = λ·(1, −1) − 0: at λ = 10, mean max(0, INB) = 5, max(0, mean INB) = 0.
    expect(expectedValueOfPerfectInformation({ deltaEffect: [1, -1], deltaCost: [0, 0] }, [0, 10]).perPerson).toEqual([0, 5]);
    // INB at λ = 100: (80, −30, 10) → mean max = 30, mean = 20 → EVPI 10.
    const e = expectedValueOfPerfectInformation({ deltaEffect: [1, 0.2, 0.5], deltaCost: [20, 50, 40] }, [100]);
    expect(e.perPerson[0]).toBeCloseTo(10, 12);
    expect((thrown(() => expectedValueOfPerfectInformation({ deltaEffect: [1], deltaCost: [1, 2] }, [0])) as ArgumentError).argument).toBe('plane.deltaEffect');
    expect((thrown(() => expectedValueOfPerfectInformation(dominant, [10, 5])) as ArgumentError).argument).toBe('wtp[1]');
  });
});

describe('probabilityOfEffectAtCost', () => {
  it('gives the joint reading and the acceptability-curve reading at λ = Y/X', () => {
    const plane = { deltaEffect: [2, 0.5, 1.5, 3], deltaCost: [10000, 5000, 30000, 15000] };
    const p = probabilityOfEffectAtCost(plane, 1, 20000);
    expect(p.probability).toBe(0.5); // (2, 10000) and (3, 15000)
    // λ = 20,000: INB = 30000, 5000, 0, 45000 → 3 of 4 positive (a tie is not).
    expect(p.probabilityNetBenefit).toBe(0.75);
    expect(p.probabilityNetBenefit).toBe(acceptabilityCurve(plane.deltaCost, plane.deltaEffect, [20000]).probability[0]);
    expect(probabilityOfEffectAtCost(plane, 0, 12000).probabilityNetBenefit).toMatch(/^not estimable: /);
    expect(probabilityOfEffectAtCost(plane, 0, 12000).probability).toBe(0.5);
    expect((thrown(() => probabilityOfEffectAtCost(plane, Number.NaN, 1)) as ArgumentError).argument).toBe('minEffect');
  });
});

describe('the cost-utility functions on validated trial data as is', () => {
  it('take a simulated SFT trial (EQ-5D index on actual dates, costs by category) without reshaping', async () => {
    const { data } = simulateTrialData({ seed: 1 });
    const q = qalys(data, { horizons: HORIZONS });
    for (const h of q.horizons) {
      for (const a of h.byArm) expect(a.n + a.excluded).toBe(data.summary.byArm[a.arm]);
      expect(h.participants.length + h.incomplete.length).toBe(data.participants.length);
    }
    const cu = await costUtility({ participants: data.participants, qalys: q.horizons[1]! }, { seed: 1, replicates: 500, threads: 1, wtp: [0, 1e6] });
    expect(cu.n.control + cu.n.treated + cu.excluded).toBe(data.participants.length);
    expect(cu.n.control).toBeLessThanOrEqual(q.horizons[1]!.byArm.find((a) => a.arm === 'control')!.n);
  });
});

describe('costUtility on the fixture trial', () => {
  const input = qalyInput();
  const q = qalys(input, { horizons: HORIZONS });
  const h15 = q.horizons[1]!;

  it('bootstraps costs and QALYs jointly: baseline-adjusted ΔQALY as lm, CEAC(0) = P(ΔC < 0), EVPI ≥ 0 from the same replicates', async () => {
    const cu = await costUtility({ participants: input.participants, qalys: h15 }, { seed: 7, replicates: 2000, threads: 1 });
    const lm = incrementalQaly(h15);
    expect(relErr(cu.incrementalEffect.estimate, lm.adjusted.estimate)).toBeLessThan(1e-10);
    expect(cu.n).toEqual(lm.n);
    expect(cu.resample).toEqual({ control: 'individuals', SFT: 'clusters' });
    const plane = cu.plane!;
    expect(cu.ceac.wtp).toEqual([...DEFAULT_WTP_QALY]);
    expect(cu.ceac.probability[0]).toBe(plane.deltaCost.filter((c) => c < 0).length / plane.deltaCost.length);
    expect(cu.evpi.perPerson.every((v) => v >= 0)).toBe(true);
    expect(cu.evpi).toEqual(expectedValueOfPerfectInformation(plane, DEFAULT_WTP_QALY));
    expect(cu.evpi.perPerson.some((v) => v > 0)).toBe(true);
    expect(cu.horizon).toBe('15 months');
    expect(cu.valueSet).toBe(h15.valueSet);
    expect(cu.method).toMatch(/Manca/);
    const unadj = await costUtility({ participants: input.participants, qalys: h15 }, { seed: 7, replicates: 2000, threads: 1, adjustBaseline: false, keepReplicates: false });
    const arm = (a: string) => h15.byArm.find((r) => r.arm === a)!.estimate;
    expect(unadj.incrementalEffect.estimate).toBeCloseTo(arm('SFT') - arm('control'), 14);
    expect(unadj.plane).toBeNull();
    expect(unadj.evpi.perPerson.length).toBe(DEFAULT_WTP_QALY.length);
  });

  it('is bit-identical for a seed on 1 and 2 threads', async () => {
    const opts = { seed: 11, replicates: 3000, wtp: [0, 100000, 400000] };
    const one = await costUtility({ participants: input.participants, qalys: h15 }, { ...opts, threads: 1 });
    const two = await costUtility({ participants: input.participants, qalys: h15 }, { ...opts, threads: 2 });
    expect(two.threadsUsed).toBe(2);
    expect(two.plane).toEqual(one.plane);
    expect(two.evpi).toEqual(one.evpi);
    expect(two.ceac).toEqual(one.ceac);
    expect(two.netBenefit).toEqual(one.netBenefit);
    const other = await costUtility({ participants: input.participants, qalys: h15 }, { ...opts, seed: 12, threads: 1 });
    expect(other.plane!.deltaCost).not.toEqual(one.plane!.deltaCost);
  });

  it('refuses negative costs in a category that does not allow them, with row and field', async () => {
    const neg = input.participants.map((p, i) => (i === 9 ? { ...p, costs: { ...p.costs, healthcare: -250 } } : p));
    const e = (await rejected(costUtility({ participants: neg, qalys: h15 }, { replicates: 100, threads: 1 }))) as ValidationError;
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.issues.map((i) => [i.table, i.row, i.field, i.value])).toEqual([['participants', 10, 'costs.healthcare', -250]]);
    const ok = await costUtility({ participants: neg, qalys: h15 }, { replicates: 100, threads: 1, allowNegative: ['healthcare'], wtp: [0, 1e5] });
    expect(ok.n.control + ok.n.treated).toBe(h15.participants.length);
  });

  it('refuses unknown options and a non-horizon', async () => {
    expect(((await rejected(costUtility({ participants: input.participants, qalys: h15 }, { replicate: 10 } as never))) as ArgumentError).argument).toBe('options.replicate');
    expect(((await rejected(costUtility({ participants: input.participants, qalys: q as never }))) as ArgumentError).argument).toBe('qalys');
  });
});
