/** Power curves and the plan's power section run through the CLI's runner. */
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors/index.js';
import { partiallyNestedPower, solvePartiallyNested } from '../../src/power/analytic.js';
import { powerCurve } from '../../src/power/curve.js';
import { parseAnalysisPlan } from '../../src/analysis/plan.js';
import { runPowerPlan } from '../../src/cli/power.js';
import { readFileSync } from 'node:fs';

const design = { groupSize: 8, nControls: 160, effect: 0.3, icc: 0.05, retention: 2 / 3 };

describe('powerCurve', () => {
  it('is the analytic power at each grid value, increasing in the number of groups', () => {
    const c = powerCurve(design, { vary: 'nGroups', values: [5, 10, 20, 40] });
    expect(c.points.map((p) => p.value)).toEqual([5, 10, 20, 40]);
    c.points.forEach((p) => expect(p.power).toBe(partiallyNestedPower({ ...design, nGroups: p.value }).power));
    for (let i = 1; i < c.points.length; i++) expect(c.points[i]!.power).toBeGreaterThan(c.points[i - 1]!.power);
  });
  it('names the grid value that makes the design impossible', () => {
    expect(() => powerCurve({ ...design, nGroups: 10 }, { vary: 'groupSize', values: [8, 1] })).toThrow(/options\.values\[1\] = 1.*groupSize/);
    expect(() => powerCurve(design, { vary: 'nGroups', values: [] })).toThrow(ArgumentError);
  });
});

describe('the plan power section (rcteval power)', () => {
  const plan = parseAnalysisPlan(JSON.parse(readFileSync(new URL('../../examples/sft-trial/power-plan.json', import.meta.url), 'utf8')));
  it('solves the issue’s question: therapy groups of 8 for 80 % power at 0.3 SD, ICC 0.05, a third lost', () => {
    const r = runPowerPlan(plan);
    const direct = solvePartiallyNested(
      { groupSize: 8, allocationRatio: 1, effect: 0.3, icc: 0.05, retention: 0.6667, analysis: 'change', baselineCorrelation: 0.5 },
      { solveFor: 'nGroups' },
    );
    expect(r.solve!.value).toBe(direct.value);
    expect(r.power!.power).toBe(direct.power);
    expect(r.markdown).toContain(`Smallest nGroups for power 0.80: ${direct.value}`);
    expect(r.figures.map((f) => f.id)).toEqual(['power-ngroups', 'power-effect']);
  });
  it('reports an unreachable target with the best achievable power', () => {
    const p = parseAnalysisPlan({ ...plan, power: { design: { nGroups: 6, nControls: 60, effect: 0.3, icc: 0.2 }, solveFor: 'groupSize' } });
    const r = runPowerPlan(p);
    expect(r.solve!.reached).toBe(false);
    expect(r.markdown).toMatch(/not reachable:.*best achievable is 0\.\d{4}.*add therapy groups/);
  });
  it('names the plan path of an impossible design', () => {
    const p = parseAnalysisPlan({ ...plan, power: { design: { nGroups: 6, groupSize: 8, nControls: 60, icc: 0.2 } } });
    expect(() => runPowerPlan(p)).toThrow(/power\.design\.effect/);
    expect(() => parseAnalysisPlan({ ...plan, power: { design: { nGroups: 6, groupSize: 1, icc: 0.2 } } })).toThrow(/groupSize/);
  });
});
