import { describe, expect, it } from 'vitest';
import { costUtilityAdapter, costUtilitySeed } from '../../src/analysis/adapters/cost-utility.js';
import type { AnalysisContext } from '../../src/analysis/adapters/types.js';
import { parseAnalysisPlan, type AnalysisPlanInput } from '../../src/analysis/plan.js';
import type { CostUtilitySection } from '../../src/analysis/types.js';
import type { TrialData } from '../../src/data/types.js';
import { costUtility, incrementalQaly, qalys } from '../../src/economics/qaly/index.js';
import { twoPartCostModel } from '../../src/economics/skewed-costs.js';
import { unreportableNumbers } from '../../src/results/not-estimable.js';
import { cachedAnalysis, mixedPlan, readJson, sftSample } from './helpers.js';

const HORIZONS = [
  { label: '9 months', visits: ['baseline', '9m'] },
  { label: '15 months', visits: ['baseline', '9m', '15m'] },
];
const WTP = { from: 0, to: 1000000, by: 100000 };
const GRID = Array.from({ length: 11 }, (_, i) => i * 100000);

/** The bundled SFT plan with a small cost-utility section (the adapter is run on its own). */
function sftPlan(costUtility: Record<string, unknown>) {
  const p = readJson('examples/sft-trial/plan.json') as AnalysisPlanInput;
  return parseAnalysisPlan({ ...p, costUtility: { horizons: HORIZONS, replicates: 300, planePoints: 100, wtp: WTP, ...costUtility } });
}

function context(trial: TrialData, plan: ReturnType<typeof parseAnalysisPlan>, threads: number): AnalysisContext {
  return { trial, plan, outcomes: [], primaryVisit: '9m', individualData: true, threads, progress: () => undefined };
}

async function runOn(trial: TrialData, section: Record<string, unknown>, threads = 1): Promise<{ r: CostUtilitySection; plan: ReturnType<typeof parseAnalysisPlan> }> {
  const plan = sftPlan(section);
  const r = await costUtilityAdapter.run!(context(trial, plan, threads), plan.costUtility!);
  return { r, plan };
}

describe('cost-utility adapter', () => {
  it('on the committed SFT sample, gives the numbers of qalys, incrementalQaly, costUtility and twoPartCostModel called directly', async () => {
    const trial = await sftSample();
    const { r, plan } = await runOn(trial, { skewedCosts: { gamma: false, twoPart: true, replicates: 100 } });
    const seed = costUtilitySeed({ plan }, plan.costUtility!);
    expect(seed).toBe(2016 + 100);
    const q = qalys(trial, { horizons: HORIZONS, instrument: 'EQ5D_INDEX', discountRate: 0.035 });
    expect(r.valueSet).toBe(q.valueSet);
    expect(r.discountRate).toBe(0.035);
    expect(r.horizons.map((h) => h.label)).toEqual(['9 months', '15 months']);
    for (const [i, h] of q.horizons.entries()) {
      const got = r.horizons[i]!;
      expect(got.byArm.map((a) => [a.arm, a.n, a.excluded, a.estimate, a.ci])).toEqual(h.byArm.map((a) => [a.arm, a.n, a.excluded, a.estimate, a.ci]));
      const inc = incrementalQaly(h, { control: 'control', treated: 'SFT', vcov: 'CR2' });
      expect(got.incrementalQaly.unadjusted.estimate).toBe(inc.unadjusted.estimate);
      expect(got.incrementalQaly.adjusted.estimate).toBe(inc.adjusted.estimate);
      expect(got.incrementalQaly.adjusted.ci).toEqual(inc.adjusted.ci);
      expect(got.incrementalQaly.adjusted.pValue).toBe(inc.adjusted.pValue);
      const cu = await costUtility({ participants: trial.participants, qalys: h }, { control: 'control', treated: 'SFT', wtp: GRID, replicates: 300, seed: seed + i, threads: 1 });
      const x = got.costPerQaly;
      expect(x.seed).toBe(seed + i);
      expect(x.adjustBaseline).toBe(true);
      expect(x.incrementalCost.estimate).toBe(cu.incrementalCost.estimate);
      expect(x.incrementalEffect.estimate).toBe(cu.incrementalEffect.estimate);
      expect(x.incrementalEffect.ci).toEqual(cu.incrementalEffect.ci);
      expect(x.icer.estimate).toBe(cu.icer.estimate);
      expect(x.icer.quadrant).toBe(cu.icer.quadrant);
      expect(x.ceac.wtp).toEqual(GRID);
      expect(x.ceac.probability).toEqual(cu.ceac.probability);
      expect(x.netBenefit.map((b) => b.estimate)).toEqual(cu.netBenefit.map((b) => b.estimate));
      expect(x.plane.deltaCost).toEqual(Array.from(cu.plane!.deltaCost).slice(0, 100));
      expect(got.evpi.perPerson).toEqual(cu.evpi.perPerson);
      // The QALY axis really is QALYs: the adjusted incremental QALY is the arm coefficient the bootstrap centres on.
      expect(x.incrementalEffect.estimate).toBeCloseTo(inc.adjusted.estimate, 12);
    }
    const tp = twoPartCostModel({ participants: trial.participants }, { control: 'control', treated: 'SFT', missing: 'exclude', ciLevel: 0.95, replicates: 100, seed: seed + 2 });
    expect(r.skewedCosts).toHaveLength(1);
    const m = r.skewedCosts[0]!;
    expect(m.model).toBe('two-part');
    expect(m.estimable).toBe(tp.estimable);
    if (m.estimable && tp.estimable) {
      expect(m.difference.estimate).toBe(tp.difference.estimate);
      expect(m.difference.ci).toEqual(tp.difference.ci);
      expect(m.bootstrap!.ci).toEqual(tp.bootstrap!.ci);
    }
    expect(unreportableNumbers(r)).toEqual([]);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('unadjusted bootstrap and nominal visit times when the plan says so', async () => {
    const trial = await sftSample();
    const { r } = await runOn(trial, { adjustBaseline: false, time: 'nominal', horizons: [HORIZONS[1]!], discountRate: 0 });
    const q = qalys(trial, { horizons: [HORIZONS[1]!], time: 'nominal', visitMonths: { baseline: 0, '9m': 9, '15m': 15 }, discountRate: 0 });
    const h = r.horizons[0]!;
    expect(h.byArm.map((a) => a.estimate)).toEqual(q.horizons[0]!.byArm.map((a) => a.estimate));
    for (const a of h.byArm) expect(a.estimate).toBeCloseTo(a.undiscounted, 12);
    expect(h.costPerQaly.adjustBaseline).toBe(false);
    expect(h.costPerQaly.incrementalEffect.estimate).toBeCloseTo(h.incrementalQaly.unadjusted.estimate!, 12);
    expect(r.skewedCosts).toEqual([]);
  });

  it('is bit-identical across thread counts', async () => {
    const trial = await sftSample();
    const one = await runOn(trial, { horizons: [HORIZONS[1]!] }, 1);
    const two = await runOn(trial, { horizons: [HORIZONS[1]!] }, 2);
    expect(two.r).toEqual(one.r);
  });

  it('reports a gamma model on costs with zeros as not estimable, with the reason', async () => {
    const trial = await sftSample();
    const { r } = await runOn(trial, { horizons: [HORIZONS[0]!], costCategories: ['implementation'], skewedCosts: { gamma: true, twoPart: false } });
    const g = r.skewedCosts[0]!;
    expect(g.model).toBe('gamma');
    expect(g.estimable).toBe(false);
    if (!g.estimable) expect(g.reason).toMatch(/^\d+ participant\(s\) have a total cost of 0 and a gamma model needs positive costs/);
  });

  it('is wired into analyzeTrial: a done section, and not-requested without it', async () => {
    const a = await cachedAnalysis(
      'cost-utility',
      mixedPlan({ economics: undefined, costUtility: { horizons: HORIZONS, replicates: 200, planePoints: 50, wtp: WTP } } as Partial<AnalysisPlanInput>),
    );
    expect(a.costUtility.status).toBe('done');
    if (a.costUtility.status === 'done') expect(a.costUtility.result.horizons).toHaveLength(2);
    expect(unreportableNumbers(a)).toEqual([]);
    const b = await cachedAnalysis('mixed', mixedPlan());
    expect(b.costUtility.status).toBe('not-requested');
  });
});
