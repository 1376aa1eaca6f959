/**
 * The generated documentation: the plan's JSON Schema file is current, the agreement table
 * against R holds within every tolerance and lists the same groups as docs/validation.md, and
 * the API reference documents every public function of the analysis, report and CLI modules.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planSchemaText } from '../../scripts/docs/plan-schema.js';
import { computeAgreement, renderValidation } from '../../scripts/docs/validation.js';
import { collectApi, renderApi } from '../../scripts/docs/api.js';
import { ROOT } from '../analysis/helpers.js';

describe('generated documentation', () => {
  it('docs/plan.schema.json is the current JSON Schema of plans (run `npm run docs` after changing the schema)', () => {
    expect(readFileSync(join(ROOT, 'docs/plan.schema.json'), 'utf8')).toBe(planSchemaText());
  });

  it('rcteval agrees with every R fixture in the validation table, and docs/validation.md lists the same groups', () => {
    const rows = computeAgreement();
    expect(rows.length).toBeGreaterThan(40);
    expect(new Set(rows.map((r) => r.capability)).size).toBeGreaterThanOrEqual(6);
    for (const r of rows) {
      expect(r.n, `${r.fixture} ${r.quantity}`).toBeGreaterThan(0);
      expect(r.maxError, `${r.fixture} ${r.quantity}`).toBeLessThanOrEqual(r.tolerance);
    }
    const committed = readFileSync(join(ROOT, 'docs/validation.md'), 'utf8');
    const groups = (md: string) => md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| fixture')).map((l) => l.split(' | ').slice(0, 3).join(' | '));
    expect(groups(committed)).toEqual(groups(renderValidation(rows)));
  });

  it('the API reference documents every function of the analysis, report and CLI modules, with an example', () => {
    const api = collectApi();
    const mine = api.filter((e) => /^src\/(analysis|report|cli)\//.test(e.file) && e.kind === 'function');
    expect(mine.length).toBeGreaterThan(25);
    for (const e of mine) {
      expect(e.doc.length, `${e.name} has no TSDoc`).toBeGreaterThan(20);
      expect(e.tags.some((t) => t.name === 'example'), `${e.name} has no @example`).toBe(true);
    }
    const md = renderApi(api);
    for (const name of ['analyzeTrial', 'parseAnalysisPlan', 'buildReport', 'writeReport', 'renderSvg', 'runCli', 'fitLmm']) expect(md).toContain(`### ${name}\n`);
  });
});
