import { describe, expect, it } from 'vitest';
import { wtpGrid } from '../../src/analysis/adapters/economics.js';
import { parseAnalysisPlan } from '../../src/analysis/plan.js';
import { costEffectiveness, DEFAULT_WTP } from '../../src/economics/cost-effectiveness.js';
import { costsByArm } from '../../src/economics/costs-by-arm.js';
import { trialToRows } from '../../src/data/validate.js';
import { cachedAnalysis, doneResult, mixedPlan, smallTrial } from './helpers.js';

describe('economics adapter', () => {
  it('passes the plan to costEffectiveness unchanged: same estimates, curve and replicates as a direct call', async () => {
    const economics = doneResult((await cachedAnalysis('mixed', mixedPlan())).economics);
    const trial = smallTrial();
    const rows = trialToRows(trial, { instrument: 'PSP', complete: true });
    const score = (id: string, visit: string) => rows.find((r) => r.id === id && r.visit === visit)?.score ?? null;
    const direct = await costEffectiveness(
      { participants: trial.participants, effects: trial.participants.map((p) => ({ id: p.id, baseline: score(p.id, 'baseline'), followUp: score(p.id, '9m') })) },
      { control: 'control', treated: 'SFT', effectEstimator: 'ancova', wtp: [0, 25000, 50000, 75000, 100000], replicates: 400, seed: 11 + 1, threads: 1 },
    );
    const ce = economics.analyses[0]!;
    expect(ce.incrementalCost.estimate).toBe(direct.incrementalCost.estimate);
    expect(ce.incrementalEffect.ci).toEqual(direct.incrementalEffect.ci);
    expect(ce.ceac.probability).toEqual(direct.ceac.probability);
    expect(ce.plane.deltaCost).toEqual(direct.plane!.deltaCost.slice(0, 200));
    expect(ce.icer.quadrant).toBe(direct.icer.quadrant);
    expect(ce.label).toBe('PSP at 9m');
    expect(ce.seed).toBe(12);
  });

  it('summarises costs by arm with the plan seed, as costsByArm does', async () => {
    const a = await cachedAnalysis('mixed', mixedPlan());
    if (a.economics.status !== 'done') throw new Error('economics not done');
    const direct = costsByArm(smallTrial().participants, { arms: ['control', 'SFT'], replicates: 400, seed: 11, ciType: 'bca' });
    const total = a.economics.result.costsByArm.find((c) => c.arm === 'SFT' && c.category === 'total')!;
    const d = direct.summaries.find((s) => s.arm === 'SFT' && s.category === 'total')!;
    expect(total.mean.estimate).toBe(d.estimate);
    expect(total.mean.ci).toEqual(d.ci);
    expect(total.n).toBe(d.n);
    expect(a.economics.result.costDifferences.map((x) => x.category)).toEqual(direct.differences.map((x) => x.category));
  });

  it('builds the willingness-to-pay grid from a range without accumulated rounding, or uses the default', () => {
    const base = mixedPlan();
    const plan = (wtp: unknown) => parseAnalysisPlan({ ...base, economics: { analyses: [{ outcome: 'PSP', visit: '9m' }], ...(wtp === undefined ? {} : { wtp }) } }).economics!;
    expect(wtpGrid(plan({ from: 0, to: 1, by: 0.1 }))).toEqual([0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6000000000000001, 0.7000000000000001, 0.8, 0.9, 1]);
    expect(wtpGrid(plan({ from: 1000, to: 9000, by: 4000 }))).toEqual([1000, 5000, 9000]);
    expect(wtpGrid(plan([0, 5, 50]))).toEqual([0, 5, 50]);
    expect(wtpGrid(plan(undefined))).toEqual([...DEFAULT_WTP]);
  });
});
