import { describe, expect, it } from 'vitest';
import { compile } from 'vega-lite';
import { flowFigure } from '../../src/report/figures/flow.js';
import { armDifferenceFigure, changeDistributionFigure, individualTrajectoryFigure, meanTrajectoryFigure } from '../../src/report/figures/outcomes.js';
import { categoryBarsFigure, ceacFigure, cePlaneFigure, doseResponseFigure, forestFigure, jacobsonFigure } from '../../src/report/figures/sections.js';
import type { Figure } from '../../src/report/figures/common.js';
import { slug, visitAxis } from '../../src/report/figures/common.js';
import { renderSvg, RenderError } from '../../src/report/render.js';
import type { TrialAnalysis } from '../../src/analysis/types.js';
import { cachedAnalysis, mixedPlan } from '../analysis/helpers.js';
import { clinicalFixture, countItems, doseFixture, snapshotForm, subgroupFixture } from './fixtures.js';

async function analysis(): Promise<TrialAnalysis> {
  return cachedAnalysis('mixed', mixedPlan());
}

async function allFigures(): Promise<Record<string, Figure>> {
  const a = await analysis();
  const psp = a.outcomes.find((o) => o.instrument === 'PSP')!;
  const cs = clinicalFixture(a);
  const dr = doseFixture(a);
  const sg = subgroupFixture();
  if (a.economics.status !== 'done') throw new Error('economics expected');
  const ec = a.economics.result;
  const figs = {
    flow: flowFigure(a.descriptives.flow, a.design),
    trajectory: meanTrajectoryFigure(psp, a.design),
    spaghetti: individualTrajectoryFigure(psp, a.trajectories!, a.design),
    difference: armDifferenceFigure(psp, a.design, a.reference),
    change: changeDistributionFigure(psp, a.trajectories!, a.design),
    jacobson: jacobsonFigure(cs, 'PSP', '9m', 'PSP', psp.range),
    categories: categoryBarsFigure(cs, 'PSP', '9m', 'PSP', a.design),
    dose: doseResponseFigure(dr, 'PSP', '9m', 'linear', 'PSP'),
    forest: forestFigure(sg, 'PSP', '9m', 'PSP'),
    cePlane: cePlaneFigure(ec.analyses[0]!, 'DKK', 0),
    ceac: ceacFigure(ec.analyses, 'DKK'),
  };
  for (const [k, f] of Object.entries(figs)) if (f === null) throw new Error(`figure ${k} was not built`);
  return figs as Record<string, Figure>;
}

describe('figure specs', () => {
  it('match their snapshots (numbers rounded to 3 significant digits, long data shortened)', async () => {
    const figs = await allFigures();
    for (const [name, f] of Object.entries(figs)) {
      expect(snapshotForm({ id: f.id, title: f.title, reading: f.reading, spec: f.spec }), name).toMatchSnapshot(name);
    }
  });

  it('every spec compiles with vega-lite and renders to SVG in Node', async () => {
    const figs = await allFigures();
    for (const [name, f] of Object.entries(figs)) {
      expect(() => compile(f.spec), name).not.toThrow();
      const svg = await renderSvg(f.spec, f.id);
      expect(svg.startsWith('<svg'), name).toBe(true);
      expect(svg.length, name).toBeGreaterThan(1000);
    }
  });

  it('draw one mark per result row: means, differences, flow boxes, forest rows, replicates', async () => {
    const a = await analysis();
    const figs = await allFigures();
    const psp = a.outcomes.find((o) => o.instrument === 'PSP')!;
    const svg = async (k: string) => renderSvg(figs[k]!.spec, k);
    expect(countItems(await svg('trajectory'), 'symbol')).toBe(psp.means.length);
    expect(countItems(await svg('difference'), 'symbol')).toBe(psp.differences.length);
    expect(countItems(await svg('flow'), 'rect')).toBe(1 + 2 * (1 + 2 + 1));
    expect(countItems(await svg('forest'), 'symbol')).toBe(4); // the not-estimable level has no square
    if (a.economics.status !== 'done') throw new Error('economics expected');
    expect(countItems(await svg('cePlane'), 'symbol')).toBe(a.economics.result.analyses[0]!.plane.deltaEffect.length + 1);
    const cs = clinicalFixture(a);
    expect(countItems(await svg('jacobson'), 'symbol')).toBe(cs.participants.length);
    const people = new Set(a.trajectories!.filter((p) => p.instrument === 'PSP').map((p) => p.id)).size;
    expect(countItems(await svg('spaghetti'), 'line')).toBe(people + 2); // one line per person + the two arms' means
  });

  it('readings are computed from the results', async () => {
    const a = await analysis();
    const figs = await allFigures();
    const d9 = a.outcomes.find((o) => o.instrument === 'PSP')!.differences.find((d) => d.visit === '9m')!;
    expect(figs['difference']!.reading).toContain(d9.estimate!.toFixed(2));
    expect(figs['flow']!.reading).toContain(`${a.data.nParticipants} randomised`);
    expect(figs['forest']!.reading).toContain('2 subgroup variables (1 pre-specified)');
  });

  it('text from the data reaches the SVG escaped', async () => {
    const evil = '<script>alert(1)</script>';
    const a = await analysis();
    const psp = { ...a.outcomes.find((o) => o.instrument === 'PSP')!, label: evil };
    const svg = await renderSvg(meanTrajectoryFigure(psp, { ...a.design, visits: a.design.visits })!.spec);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
  });

  it('visit names stay string literals inside the axis label expression', async () => {
    const axis = visitAxis({ arms: ['a'], visits: ['base"line', "x' + 1"], visitMonths: { 'base"line': 0, "x' + 1": 3 } });
    const svg = await renderSvg({ data: { values: [{ x: 0 }, { x: 3 }] }, mark: 'point', encoding: { x: { field: 'x', type: 'quantitative', axis } } });
    expect(svg).toContain('>base"line</text>');
    expect(svg).toContain(">x' + 1</text>");
  });

  it('returns null instead of an empty figure when there is nothing to draw', async () => {
    const a = await analysis();
    const psp = a.outcomes.find((o) => o.instrument === 'PSP')!;
    expect(meanTrajectoryFigure({ ...psp, means: [] }, a.design)).toBeNull();
    expect(individualTrajectoryFigure(psp, [], a.design)).toBeNull();
    expect(armDifferenceFigure({ ...psp, differences: [] }, a.design, 'control')).toBeNull();
    expect(jacobsonFigure(clinicalFixture(a), 'MHRM', '9m', 'MHRM', null)).toBeNull();
    expect(ceacFigure([], 'DKK')).toBeNull();
  });

  it('renderSvg refuses to fetch anything and names the figure on failure', async () => {
    await expect(renderSvg({ data: { url: 'https://example.org/data.json' }, mark: 'point' }, 'remote')).rejects.toThrow(RenderError);
    await expect(renderSvg({ data: { url: 'https://example.org/data.json' }, mark: 'point' }, 'remote')).rejects.toThrow(/remote/);
    await expect(renderSvg({ mark: 'nonsense' } as never, 'bad')).rejects.toThrow(/Figure "bad"/);
  });

  it('slug makes file-safe ids from any label', () => {
    expect(slug('PSP', '9m', 'Jacobson')).toBe('psp-9m-jacobson');
    expect(slug('<script>alert(1)</script>')).toBe('script-alert-1-script');
    expect(slug('¤¤')).toBe('figure');
  });
});
