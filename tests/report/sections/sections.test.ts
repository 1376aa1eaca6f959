import { describe, expect, it } from 'vitest';
import { buildReportModel } from '../../../src/report/model.js';
import { REPORT_SECTIONS } from '../../../src/report/sections/index.js';
import { flowSection } from '../../../src/report/sections/flow.js';
import { statusSection } from '../../../src/report/sections/common.js';
import { cachedAnalysis, mixedPlan } from '../../analysis/helpers.js';

describe('report sections (one module per capability)', () => {
  it('the report model is the section list applied to the analysis, in order', async () => {
    const a = await cachedAnalysis('mixed', mixedPlan());
    const context = { cells: { k: null }, figures: false };
    const model = buildReportModel(a, { figures: false });
    expect(model.sections).toEqual(REPORT_SECTIONS.map((build) => build(a, context)));
    expect(model.sections.map((s) => s.id)).toEqual(['flow', 'baseline', 'observed', 'primary', 'effect-sizes', 'clinical-significance', 'dose-response', 'subgroups', 'economics', 'cost-utility', 'register', 'missing-data', 'methods']);
    expect(model.sections.at(-1)!.id).toBe('methods');
  });

  it('a builder honours the context: no figures when figures are off', async () => {
    const a = await cachedAnalysis('mixed', mixedPlan());
    expect(flowSection(a, { cells: { k: null }, figures: false }).figures).toEqual([]);
    expect(flowSection(a, { cells: { k: null }, figures: true }).figures.map((f) => f.id)).toEqual(['flow']);
  });

  it('statusSection heads a section without a result by its status', () => {
    const { s, result } = statusSection('x', 'X', { status: 'not-available', capability: 'economics', reason: 'no costs in the data' });
    expect(result).toBeNull();
    expect(s.status).toBe('not-available');
    expect(s.readings).toEqual(['Not available: no costs in the data']);
  });
});
