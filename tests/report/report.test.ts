import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeTrial } from '../../src/analysis/analyze.js';
import { validateTrial } from '../../src/data/validate.js';
import { buildReport } from '../../src/report/report.js';
import { writeReport } from '../../src/report/write.js';
import { buildReportModel, modelFigures } from '../../src/report/model.js';
import { escapeHtml } from '../../src/report/html.js';
import { escapeMarkdown, markdownTable } from '../../src/report/markdown.js';
import { ArgumentError } from '../../src/errors/index.js';
import { loadTrialFiles, readPlanFile } from '../../src/cli/load.js';
import { ROOT, cachedAnalysis, mixedPlan } from '../analysis/helpers.js';
import { withSections } from './fixtures.js';

const EVIL = '<script>alert(1)</script>';
const EVIL_IMG = '<img src=x onerror=alert(2)>';

/** A small two-arm trial whose arm, visit, site and outcome label are markup. */
async function evilAnalysis() {
  const arms = ['control', EVIL];
  const visits = ['baseline', EVIL_IMG];
  const participants = Array.from({ length: 24 }, (_, i) => ({ id: `p${i}`, arm: arms[i % 2]!, site: EVIL, sex: i % 3 ? 'female' : 'male', age: 30 + i }));
  const measurements = participants.flatMap((p, i) => [
    { id: p.id, visit: 'baseline', instrument: 'PSP', score: 40 + ((i * 7) % 20) },
    { id: p.id, visit: EVIL_IMG, instrument: 'PSP', score: 44 + ((i * 5) % 22) + (i % 2) * 4 },
  ]);
  const design = { arms, visits, instruments: ['PSP'] };
  const trial = validateTrial({ participants, measurements }, { design });
  return analyzeTrial(trial, { title: `Trial ${EVIL}`, description: EVIL_IMG, design, outcomes: [{ instrument: 'PSP', label: `PSP ${EVIL}` }], model: { type: 'ancova' } });
}

describe('HTML report', () => {
  it('is one self-contained file: no script, no external resource, no URL but SVG namespaces', async () => {
    const a = withSections(await cachedAnalysis('mixed', mixedPlan()));
    const { html } = await buildReport(a);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\ssrc\s*=/i);
    // url(#…) is an in-document reference (an SVG clip path); anything else would be a request.
    expect(html).not.toMatch(/@import|url\((?!#)/i);
    // Ids are global to a page: the figures' own (vega's clip paths) must not collide.
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
    expect(new Set(ids).size).toBe(ids.length);
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
    expect(hrefs.length).toBeGreaterThan(5);
    for (const h of hrefs) expect(h.startsWith('#') || h.startsWith('data:'), h).toBe(true);
    const urls = [...html.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) => m[0]);
    for (const u of urls) expect(u, u).toMatch(/^http:\/\/www\.w3\.org\/(2000\/svg|1999\/xlink)$/);
    expect(html).toContain("default-src 'none'");
  });

  it('inlines every figure of the model as SVG, each with its reading', async () => {
    const a = withSections(await cachedAnalysis('mixed', mixedPlan()));
    const report = await buildReport(a);
    const figs = modelFigures(report.model);
    expect(figs.length).toBeGreaterThanOrEqual(14);
    const blocks = report.html.split('<figure class="figure"').slice(1);
    expect(blocks).toHaveLength(figs.length);
    for (const [i, f] of figs.entries()) {
      expect(blocks[i]).toContain(`data-figure="${f.id}"`);
      expect(blocks[i]).toContain('<svg');
      expect(blocks[i]).toContain(escapeHtml(f.reading));
    }
    for (const id of ['flow', 'psp-trajectory', 'psp-spaghetti', 'psp-difference', 'psp-change', 'psp-9m-jacobson', 'psp-9m-categories', 'psp-9m-dose-linear', 'psp-9m-forest', 'ceac']) {
      expect(figs.map((f) => f.id)).toContain(id);
    }
  });

  it('escapes every user-provided string (arms, visits, sites, labels, title) in HTML and Markdown', async () => {
    const a = await evilAnalysis();
    expect(a.outcomes[0]!.status).toBe('estimated');
    const { html, markdown } = await buildReport(a);
    expect(html).not.toContain(EVIL);
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(markdown).not.toContain(EVIL);
    expect(markdown).not.toContain('<img');
    expect(markdown).toContain('&lt;script&gt;');
  });

  it('gives each section a plain-language reading and states why a section has no results', async () => {
    const a = await cachedAnalysis('mixed', mixedPlan({ clinicalSignificance: {} }));
    const model = buildReportModel(a);
    const ids = model.sections.map((s) => s.id);
    expect(ids).toEqual(['flow', 'baseline', 'observed', 'primary', 'effect-sizes', 'clinical-significance', 'dose-response', 'subgroups', 'economics', 'cost-utility', 'register', 'missing-data', 'methods']);
    for (const s of model.sections) expect(s.readings.length, s.id).toBeGreaterThan(0);
    for (const s of model.sections.find((x) => x.id === 'primary')!.subsections) expect(s.readings.length).toBeGreaterThanOrEqual(3);
    const cs = model.sections.find((s) => s.id === 'clinical-significance')!;
    if (a.clinicalSignificance.status === 'not-available') {
      expect(cs.status).toBe('not-available');
      expect(cs.readings[0]).toContain('not in this build');
    }
    expect(model.sections.find((s) => s.id === 'dose-response')!.readings[0]).toBe('Not part of the analysis plan.');
    const psp = a.outcomes.find((o) => o.instrument === 'PSP')!;
    const d = psp.differences.find((x) => x.visit === '9m')!;
    const reading = model.sections.find((s) => s.id === 'primary')!.subsections[0]!.readings[0]!;
    expect(reading).toContain(`${Math.abs(d.estimate!).toFixed(2)} points ${d.estimate! >= 0 ? 'higher' : 'lower'} with SFT than control`);
    expect(reading).toContain('(higher is better)');
  });

  it('suppresses counts below k and leaves out individual-level figures when small-cell protection is on', async () => {
    const plan = readPlanFile(join(ROOT, 'examples/pre-post/plan.json'));
    const trial = await loadTrialFiles({ data: join(ROOT, 'examples/pre-post/who5-pre-post.csv') }, plan);
    const a = await analyzeTrial(trial, plan);
    const measuredAtEnd = a.descriptives.flow.find((r) => r.stage === 'measured' && r.arm === null && r.visit === 'end' && r.instrument === null)!.n;
    expect(measuredAtEnd).toBeGreaterThan(0);
    expect(measuredAtEnd).toBeLessThan(5);
    const protectedReport = await buildReport(a);
    const flowTable = protectedReport.model.sections[0]!.tables[0]!;
    const endRow = flowTable.rows.find((r) => r['stage'] === 'Measured at end (any instrument)')!;
    expect(endRow['a0']).toBe('<5');
    expect(protectedReport.html).toContain('&lt;5');
    expect(protectedReport.markdown).not.toMatch(new RegExp(`\\| ${measuredAtEnd} \\(`));
    const ids = modelFigures(protectedReport.model).map((f) => f.id);
    expect(ids).toEqual(['flow']);
    // Off: the same count is printed and the trajectories appear.
    const open = await buildReport(a, { smallCellK: null });
    const openEnd = open.model.sections[0]!.tables[0]!.rows.find((r) => r['stage'] === 'Measured at end (any instrument)')!;
    expect(openEnd['a0']).toMatch(new RegExp(`^${measuredAtEnd} \\(`));
    expect(modelFigures(open.model).map((f) => f.id)).toContain('who5-spaghetti');
  });

  it('says "not estimable" for the small pre/post study instead of printing a change', async () => {
    const plan = readPlanFile(join(ROOT, 'examples/pre-post/plan.json'));
    const a = await analyzeTrial(await loadTrialFiles({ data: join(ROOT, 'examples/pre-post/who5-pre-post.csv') }, plan), plan);
    const { html, model } = await buildReport(a);
    const who5 = model.sections.find((s) => s.id === 'primary')!.subsections[0]!;
    expect(who5.status).toBe('not-estimable');
    expect(who5.readings.join(' ')).toContain('not estimable');
    expect(who5.tables[0]!.rows[0]!['change']).toBe('not estimable');
    expect(html).toContain('not estimable');
    expect(html).not.toMatch(/mean change -?\d/);
  });

  it('refuses a small-cell threshold below 2', async () => {
    const a = await cachedAnalysis('mixed', mixedPlan());
    expect(() => buildReportModel(a, { smallCellK: 1 })).toThrow(ArgumentError);
  });
});

describe('Markdown', () => {
  it('prints a report table as a GitHub table, numbers right-aligned, markup and pipes escaped', () => {
    const md = markdownTable({ id: 't', caption: 'Cells', columns: [{ key: 'a', label: 'Arm', numeric: false }, { key: 'n', label: 'n', numeric: true }], rows: [{ a: 'x|y <b>', n: '5' }], note: 'k = 5' });
    expect(md).toBe('**Cells**\n\n| Arm | n |\n|---|---:|\n| x\\|y &lt;b&gt; | 5 |\n\n_k = 5_');
    expect(escapeMarkdown('*a* _b_ [c](d) `e`')).toBe('\\*a\\* \\_b\\_ \\[c\\](d) \\`e\\`');
  });

  it('has the same sections and tables as the HTML report', async () => {
    const a = await cachedAnalysis('mixed', mixedPlan());
    const { markdown, model } = await buildReport(a);
    for (const s of model.sections) expect(markdown).toContain(`## ${escapeMarkdown(s.title)}`);
    const tables = model.sections.flatMap((s) => [...s.tables, ...s.subsections.flatMap((x) => x.tables)]);
    expect((markdown.match(/^\|---/gm) ?? []).length).toBe(tables.length);
  });
});

describe('writeReport', () => {
  it('writes report.html, report.md, results.json and each figure’s spec beside its SVG', async () => {
    const a = await cachedAnalysis('mixed', mixedPlan());
    const dir = mkdtempSync(join(tmpdir(), 'rcteval-report-'));
    const { files, report } = await writeReport(a, dir);
    expect(files).toContain(join(dir, 'report.html'));
    expect(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'))).toEqual(a);
    const figs = readdirSync(join(dir, 'figures'));
    expect(figs.filter((f) => f.endsWith('.svg'))).toHaveLength(report.figures.length);
    for (const f of report.figures) {
      expect(JSON.parse(readFileSync(join(dir, 'figures', `${f.id}.vl.json`), 'utf8'))).toEqual(f.spec);
      expect(readFileSync(join(dir, 'figures', `${f.id}.svg`), 'utf8')).toBe(f.svg);
    }
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('](figures/flow.svg)');
  });
});
