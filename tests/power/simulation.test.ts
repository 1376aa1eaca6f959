/** Power by simulation: agreement with the analytic power, seeds, failures, early stopping. */
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors/index.js';
import { partiallyNestedPower } from '../../src/power/analytic.js';
import { powerBySimulation, replicateSeed, type AnalyseFunction, type PowerProgress } from '../../src/power/simulation.js';
import { fitLmm } from '../../src/models/lmm/fit.js';
import { studentTCdf } from '../../src/distributions/student-t.js';
import type { VisitSpec } from '../../src/simulate/options.js';

const k = 10;
const m = 8;
const nC = 80;
const g = 0.3; // therapy-group SD in SD units: ICC g²/(1 + g²)
const visits: VisitSpec[] = [
  { name: 'baseline', months: 0, retention: 1, effectMultiplier: 0, controlChange: 0 },
  { name: 'fu', months: 9, retention: 0.75, effectMultiplier: 1, controlChange: 0 },
];
const design = { nParticipants: k * m + nC, nGroups: k, groupSize: { min: m, max: m }, visits, participantShare: 0.5, groupSd: g, attritionSlope: 0, spec: { effect: 0.5, missingAtVisit: 0 } };

/** The follow-up rows analysed by the partially nested model: what the analytic 'posttest' power describes. */
const posttest: AnalyseFunction = (d) => {
  const idx: number[] = [];
  for (let i = 0; i < d.nRows; i++) if (d.visit[i] === 1) idx.push(i);
  const pick = <T>(a: ArrayLike<T>) => idx.map((i) => a[i]!);
  const fit = fitLmm('score ~ arm', { score: pick(d.score), arm: pick(d.arm), group: pick(d.group) }, {
    factors: ['arm'],
    levels: { arm: ['0', '1'] },
    partialNesting: { cluster: 'group', arm: 'arm', treated: '1' },
  });
  return fit.fixedEffects[1]!.pValue;
};

/** A cheap analysis (Welch t test of the follow-up scores) for the bookkeeping tests. */
const welch: AnalyseFunction = (d) => {
  const s = [0, 0];
  const ss = [0, 0];
  const n = [0, 0];
  for (let i = 0; i < d.nRows; i++) {
    if (d.visit[i] !== 1) continue;
    const a = d.arm[i]!;
    s[a]! += d.score[i]!;
    ss[a]! += d.score[i]! * d.score[i]!;
    n[a]!++;
  }
  const v = [0, 1].map((a) => (ss[a]! - (s[a]! * s[a]!) / n[a]!) / (n[a]! - 1) / n[a]!);
  const t = (s[1]! / n[1]! - s[0]! / n[0]!) / Math.sqrt(v[0]! + v[1]!);
  const df = (v[0]! + v[1]!) ** 2 / (v[0]! ** 2 / (n[0]! - 1) + v[1]! ** 2 / (n[1]! - 1));
  return 2 * studentTCdf(-Math.abs(t), df);
};

describe('powerBySimulation', () => {
  it('agrees with the analytic power within Monte Carlo error (single follow-up, partially nested model)', async () => {
    const sim = await powerBySimulation({ design, replicates: 100, seed: 11, analyse: posttest, typeI: false });
    const analytic = partiallyNestedPower({ nGroups: k, groupSize: m, nControls: nC, effect: 0.5, icc: (g * g) / (1 + g * g), retention: 0.75 }).power;
    expect(sim.power.n).toBe(100);
    // 3.3 binomial SEs (two-sided 0.001).
    expect(Math.abs(sim.power.estimate! - analytic)).toBeLessThan(3.3 * Math.sqrt((analytic * (1 - analytic)) / 100));
    expect(sim.power.ci![0]).toBeLessThan(sim.power.estimate!);
  });

  it('runs the primary mixed model by default, with the type-I error from the same call', async () => {
    const r = await powerBySimulation({ design, replicates: 8, seed: 3 });
    expect(r.analysis).toMatch(/arm \* visit.*Satterthwaite.*"fu"/);
    expect(r.power.replicates).toBe(8);
    expect(r.typeIError!.replicates).toBe(8);
    expect(r.truth.effectRaw).toBeCloseTo(0.5 * 12, 12);
    expect(r.truth.groupIcc).toBeCloseTo(0.09 / 1.09, 12);
    // Same seed, same answer; another seed, other trials.
    const again = await powerBySimulation({ design, replicates: 8, seed: 3 });
    expect(again).toEqual(r);
  });

  it('gives the nominal type-I error with a valid test (effect 0, groups still vary)', async () => {
    const r = await powerBySimulation({ design: { ...design, groupSd: 0 }, replicates: 400, seed: 5, analyse: welch });
    const t = r.typeIError!;
    expect(t.ci![0]).toBeLessThan(0.05);
    expect(t.ci![1]).toBeGreaterThan(0.05);
  });

  it('counts and names failed analyses, never dropping them', async () => {
    const flaky: AnalyseFunction = (d, i) => {
      if (i % 5 === 0) throw new Error('did not converge');
      if (i % 7 === 0) return null;
      return welch(d, i);
    };
    const r = await powerBySimulation({ design, replicates: 30, seed: 2, analyse: flaky, typeI: false });
    expect(r.power.replicates).toBe(30);
    expect(r.power.failures.count).toBe(6 + 4); // i = 0, 5, …, 25 throw; 7, 14, 21, 28 give no p-value
    const reasons = r.power.failures.byReason.map((b) => b.reason);
    expect(reasons).toContain('Error: did not converge');
    expect(reasons).toContain('the analysis returned no p-value');
    expect(r.power.failures.byReason.find((b) => b.reason === 'Error: did not converge')!.replicates).toEqual([0, 5, 10, 15, 20, 25]);
    expect(r.power.n).toBe(30 - r.power.failures.count);
    expect(r.diagnostics.some((d) => d.code === 'analysis-failed')).toBe(true);
  });

  it('stops early when the interval is clear of the target, and reports progress', async () => {
    const seen: PowerProgress[] = [];
    const r = await powerBySimulation({ design: { ...design, spec: { effect: 1.5 } }, replicates: 1000, seed: 9, analyse: welch, target: 0.8, checkEvery: 25, typeI: false, onProgress: (p) => seen.push(p) });
    expect(r.stoppedEarly).toBe(true);
    expect(r.power.replicates).toBe(50);
    expect(r.stopReason).toMatch(/above the target 0.8/);
    expect(seen.length).toBe(50);
    expect(seen.at(-1)).toMatchObject({ phase: 'power', done: 50, total: 1000 });
  });

  it('derives one seed per replicate, independent of the order of running', async () => {
    const seeds = new Set<number>();
    for (const s of [0, 1]) for (let i = 0; i < 1000; i++) seeds.add(replicateSeed(42, s, i));
    expect(seeds.size).toBe(2000);
    for (const x of seeds) expect(Number.isSafeInteger(x)).toBe(true);
    expect(replicateSeed(42, 0, 7)).toBe(replicateSeed(42, 0, 7));
    expect(replicateSeed(43, 0, 7)).not.toBe(replicateSeed(42, 0, 7));
  });

  it('rejects bad options, naming them', async () => {
    await expect(powerBySimulation({ design: { ...design, groupSize: { min: 1, max: 1 }, participantShare: 2 } })).rejects.toThrow(ArgumentError);
    await expect(powerBySimulation({ design: { ...design, participantShare: 2 } })).rejects.toThrow(/options\.design\.participantShare/);
    await expect(powerBySimulation({ replicates: 0 })).rejects.toThrow(/options\.replicates/);
    await expect(powerBySimulation({ analyse: 3 as never })).rejects.toThrow(/options\.analyse/);
    await expect(powerBySimulation({ design: { seed: 3 } as never })).rejects.toThrow(/options\.design\.seed/);
  });
});

describe('documented example (powerBySimulation)', () => {
  it('runs the primary model on every replicate', async () => {
    const r = await powerBySimulation({ design: { nParticipants: 120 }, replicates: 20, seed: 7, typeI: false });
    expect(r.power.n + r.power.failures.count).toBe(20);
    expect(r.typeIError).toBeNull();
  });
});
