import { describe, expect, it } from 'vitest';
import { compile } from 'vega-lite';
import type { AnalysisPlanInput } from '../../src/analysis/plan.js';
import type { CostUtilitySection, TrialAnalysis } from '../../src/analysis/types.js';
import { evpiFigure } from '../../src/report/figures/sections.js';
import { buildReportModel } from '../../src/report/model.js';
import { renderSvg } from '../../src/report/render.js';
import { buildReport } from '../../src/report/report.js';
import { cachedAnalysis, mixedPlan } from '../analysis/helpers.js';
import { countItems, snapshotForm } from './fixtures.js';

const WTP = { from: 0, to: 1000000, by: 100000 };

function analysis(): Promise<TrialAnalysis> {
  return cachedAnalysis(
    'cost-utility-report',
    mixedPlan({
      economics: undefined,
      costUtility: {
        horizons: [
          { label: '9 months', visits: ['baseline', '9m'] },
          { label: '15 months', visits: ['baseline', '9m', '15m'] },
        ],
        replicates: 200,
        planePoints: 50,
        wtp: WTP,
        skewedCosts: { replicates: 50 },
      },
    } as Partial<AnalysisPlanInput>),
  );
}

function result(a: TrialAnalysis): CostUtilitySection {
  if (a.costUtility.status !== 'done') throw new Error(`cost-utility ${a.costUtility.status}`);
  return a.costUtility.result;
}

describe('cost-utility report section', () => {
  it('has the QALY, incremental-QALY, cost-per-QALY and skewed-cost tables, with the numbers of the results', async () => {
    const a = await analysis();
    const cu = result(a);
    const model = buildReportModel(a);
    expect(model.sections.map((s) => s.id)).toEqual(['flow', 'baseline', 'observed', 'primary', 'effect-sizes', 'clinical-significance', 'dose-response', 'subgroups', 'economics', 'cost-utility', 'register', 'missing-data', 'methods']);
    const s = model.sections.find((x) => x.id === 'cost-utility')!;
    expect(s.title).toBe('Cost-utility');
    expect(s.status).toBe('done');
    expect(s.tables.map((t) => t.id)).toEqual(['qalys-by-arm', 'incremental-qalys', 'cost-per-qaly', 'skewed-costs']);
    const byArm = s.tables[0]!;
    expect(byArm.rows).toHaveLength(4);
    expect(byArm.rows.map((r) => r['arm'])).toEqual(['control', 'SFT', 'control', 'SFT']);
    const c15 = cu.horizons[1]!.byArm.find((x) => x.arm === 'control')!;
    expect(byArm.rows[2]!['qaly']).toBe(`${c15.estimate.toFixed(3)} (${c15.ci![0].toFixed(3)} to ${c15.ci![1].toFixed(3)})`);
    const inc = s.tables[1]!.rows[1]!;
    expect(inc['adjusted']).toContain(cu.horizons[1]!.incrementalQaly.adjusted.estimate!.toFixed(3));
    expect(inc['unadjusted']).toContain(cu.horizons[1]!.incrementalQaly.unadjusted.estimate!.toFixed(3));
    const cost = s.tables[2]!;
    expect(cost.columns.map((c) => c.key)).toEqual(['horizon', 'n', 'dc', 'dq', 'icer', 'quadrant', 'inmb0', 'inmb1', 'inmb2', 'pce', 'evpi']);
    expect(cost.rows[0]!['quadrant']).toBe(cu.horizons[0]!.costPerQaly.icer.quadrant);
    const nb = cu.horizons[0]!.costPerQaly.netBenefit.find((b) => b.wtp === 1000000)!;
    expect(cost.rows[0]!['inmb2']!.startsWith(Math.round(nb.estimate).toLocaleString('en-US'))).toBe(true);
    expect(s.tables[3]!.rows.map((r) => r['model'])).toEqual(['Gamma GLM (log link)', 'Two-part (logit × gamma)']);
    expect(s.readings).toHaveLength(2);
    expect(s.readings[1]).toMatch(/^15 months: SFT (gained|incremental QALYs)/);
  });

  it('draws the CE plane and CEAC per QALY with the economics figures, and the EVPI curve; all render to SVG', async () => {
    const a = await analysis();
    const cu = result(a);
    const s = buildReportModel(a).sections.find((x) => x.id === 'cost-utility')!;
    expect(s.figures.map((f) => f.id)).toEqual(['cu-plane-1-eq5d-index-9m', 'cu-plane-2-eq5d-index-15m', 'cu-ceac', 'evpi']);
    const [plane, , ceac, evpi] = s.figures as [NonNullable<(typeof s.figures)[0]>, unknown, NonNullable<(typeof s.figures)[0]>, NonNullable<(typeof s.figures)[0]>];
    expect(JSON.stringify(plane.spec)).toContain('"title":"Incremental effect (QALYs)"');
    expect(JSON.stringify(ceac.spec)).toContain('"title":"Willingness to pay per QALY (DKK)"');
    for (const f of s.figures) {
      expect(() => compile(f.spec), f.id).not.toThrow();
      expect(snapshotForm({ id: f.id, title: f.title, reading: f.reading, spec: f.spec }), f.id).toMatchSnapshot(f.id);
    }
    expect(countItems(await renderSvg(plane.spec, plane.id), 'symbol')).toBe(cu.horizons[0]!.costPerQaly.plane.deltaEffect.length + 1);
    // One point per grid value and horizon on the EVPI curve.
    expect(countItems(await renderSvg(evpi.spec, evpi.id), 'symbol')).toBe(2 * 11);
  });

  it('the EVPI figure says where the value is largest, and when it is 0 everywhere', () => {
    const f = evpiFigure([{ label: '15 months', wtp: [0, 50000, 100000], perPerson: [0, 812.4, 300] }, { label: '9 months', wtp: [0, 50000, 100000], perPerson: [0, 0, 0] }], 'DKK')!;
    expect(f.reading).toBe('Expected value of perfect information, 15 months: largest, 812 DKK per person, at 50,000 DKK per QALY; 9 months: 0 on the whole grid (one option has the larger net benefit in every replicate).');
    expect(evpiFigure([], 'DKK')).toBeNull();
  });

  it('prints every not-estimable value as "not estimable: <reason>", in HTML and Markdown', async () => {
    const a = structuredClone(await analysis());
    const cu = result(a);
    const h = cu.horizons[0]!;
    h.incrementalQaly.adjusted = { ...h.incrementalQaly.adjusted, estimable: false, reason: 'one therapy group only', estimate: null, se: null, ci: null, pValue: null };
    h.costPerQaly.icer = { estimate: null, quadrant: 'undefined', interpretation: 'no difference in QALYs' };
    h.byArm[0] = { ...h.byArm[0]!, n: 1, se: null, ci: null };
    cu.skewedCosts[0] = { estimable: false, model: 'gamma', reason: '3 participant(s) have a total cost of 0', method: 'Gamma GLM.', diagnostics: [] };
    const report = await buildReport(a);
    for (const text of [report.html, report.markdown]) {
      expect(text).toContain('Cost-utility');
      expect(text).toContain('not estimable: one therapy group only');
      expect(text).toContain('not estimable: no difference in QALYs');
      expect(text).toContain('not estimable: 3 participant(s) have a total cost of 0');
      expect(text).toContain('interval not estimable: fewer than 2 participants with every utility');
      expect(text.match(/.{0,60}(e\+30\d|Infinity|NaN).{0,30}/g) ?? []).toEqual([]);
    }
    expect(report.html).toContain('Expected value of perfect information per person');
  });

  it('states "Not part of the analysis plan." without the section', async () => {
    const a = await cachedAnalysis('mixed', mixedPlan());
    const s = buildReportModel(a).sections.find((x) => x.id === 'cost-utility')!;
    expect(s.status).toBe('not-requested');
    expect(s.readings).toEqual(['Not part of the analysis plan.']);
  });
});
