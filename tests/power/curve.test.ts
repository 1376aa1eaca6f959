/** Power curves and the plan's power section run through the CLI's runner. */
import { describe, expect, it } from 'vitest';
import { powerBySimulation, simulationDesignFor } from '../../src/power/simulation.js';
import type { PartiallyNestedDesign } from '../../src/power/analytic.js';
import { ArgumentError } from '../../src/errors/index.js';
import { partiallyNestedPower, solvePartiallyNested } from '../../src/power/analytic.js';
import { powerCurve } from '../../src/power/curve.js';
import { parseAnalysisPlan } from '../../src/analysis/plan.js';
import { runPowerPlan as runPlan } from '../../src/analysis/power-plan.js';
import { powerReportSection } from '../../src/report/sections/power.js';
import type { AnalysisPlan } from '../../src/analysis/plan.js';

/** The plan's power section run and rendered, as `rcteval power` does. */
async function runPowerPlan(plan: AnalysisPlan, options: { threads?: number } = {}) {
  const r = await runPlan(plan, options);
  return { ...r, ...powerReportSection({ title: plan.title, power: r.power, solve: r.solve, curves: r.curves, target: plan.power!.target, simulation: r.simulation }) };
}
import { readFileSync } from 'node:fs';

const design = { groupSize: 8, nControls: 160, effect: 0.3, icc: 0.05, retention: 2 / 3 };

describe('powerCurve', () => {
  it('is the analytic power at each grid value, increasing in the number of groups', async () => {
    const c = powerCurve(design, { vary: 'nGroups', values: [5, 10, 20, 40] });
    expect(c.points.map((p) => p.value)).toEqual([5, 10, 20, 40]);
    c.points.forEach((p) => expect(p.power).toBe(partiallyNestedPower({ ...design, nGroups: p.value }).power));
    for (let i = 1; i < c.points.length; i++) expect(c.points[i]!.power).toBeGreaterThan(c.points[i - 1]!.power);
  });
  it('names the grid value that makes the design impossible', async () => {
    expect(() => powerCurve({ ...design, nGroups: 10 }, { vary: 'groupSize', values: [8, 1] })).toThrow(/options\.values\[1\] = 1.*groupSize/);
    expect(() => powerCurve(design, { vary: 'nGroups', values: [] })).toThrow(ArgumentError);
  });
});

describe('the plan power section (rcteval power)', () => {
  const plan = parseAnalysisPlan(JSON.parse(readFileSync(new URL('../../examples/sft-trial/power-plan.json', import.meta.url), 'utf8')));
  it('solves the issue’s question: therapy groups of 8 for 80 % power at 0.3 SD, ICC 0.05, a third lost', async () => {
    const r = await runPowerPlan(plan);
    const direct = solvePartiallyNested(
      { groupSize: 8, allocationRatio: 1, effect: 0.3, icc: 0.05, retention: 0.6667, analysis: 'change', baselineCorrelation: 0.5 },
      { solveFor: 'nGroups' },
    );
    expect(r.solve!.value).toBe(direct.value);
    expect(r.power!.power).toBe(direct.power);
    expect(r.markdown).toContain(`Smallest nGroups for power 0.80: ${direct.value}`);
    expect(r.figures.map((f) => f.id)).toEqual(['power-ngroups', 'power-effect']);
  });
  it('reports an unreachable target with the best achievable power', async () => {
    const p = parseAnalysisPlan({ ...plan, power: { design: { nGroups: 6, nControls: 60, effect: 0.3, icc: 0.2 }, solveFor: 'groupSize' } });
    const r = await runPowerPlan(p);
    expect(r.solve!.reached).toBe(false);
    expect(r.markdown).toMatch(/not reachable:.*best achievable is 0\.\d{4}.*add therapy groups/);
  });
  it('checks the solved design by simulation when the plan asks: the mapped design, the design’s analysis, the same numbers as powerBySimulation', async () => {
    const p = parseAnalysisPlan({ ...plan, power: { ...plan.power!, curves: [], simulation: { replicates: 60, seed: 5 } } });
    const r = await runPowerPlan(p, { threads: 1 });
    const design = simulationDesignFor({ ...p.power!.design, nGroups: r.solve!.value } as PartiallyNestedDesign);
    const direct = await powerBySimulation({ design, replicates: 60, seed: 5, analysis: 'change', threads: 1 });
    expect(r.simulation).toEqual(direct);
    expect(r.simulation!.analysis).toMatch(/^change from baseline ~ arm at "follow-up"/);
    expect(r.simulation!.power.failures.count).toBe(0);
    // The analytic power of the solved design (≥ 0.8) within the simulation's Monte Carlo interval; the type-I error near α.
    expect(r.power!.power).toBeGreaterThanOrEqual(r.simulation!.power.ci![0]);
    expect(r.power!.power).toBeLessThanOrEqual(r.simulation!.power.ci![1]);
    expect(r.simulation!.typeIError!.ci![0]).toBeLessThanOrEqual(0.05);
    expect(r.markdown).toMatch(/\*\*Simulated power\*\* \(Monte Carlo: 60 simulated trials.*: 0\.\d+ \(95 % Monte Carlo interval .*the analytic power lies inside the simulation’s interval/);
    expect(r.markdown).toContain('Type-I error of the same analysis (effect 0): ');
    expect(() => parseAnalysisPlan({ ...plan, power: { ...plan.power!, simulation: { replicates: 5 } } })).toThrow(/replicates/);
  });

  it('names the plan path of an impossible design', async () => {
    const p = parseAnalysisPlan({ ...plan, power: { design: { nGroups: 6, groupSize: 8, nControls: 60, icc: 0.2 } } });
    await expect(runPowerPlan(p)).rejects.toThrow(/power\.design\.effect/);
    expect(() => parseAnalysisPlan({ ...plan, power: { design: { nGroups: 6, groupSize: 1, icc: 0.2 } } })).toThrow(/groupSize/);
  });
});
