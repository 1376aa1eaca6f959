/**
 * The "Missing data and sensitivity" chapter built from real results: MAR and reference-based
 * imputations of a small trial, the pooled 9-month ANCOVA effect under each, and a tipping-point
 * grid; the figures render to SVG (so the Vega-Lite specs compile).
 */
import { describe, expect, it } from 'vitest';
import { multipleImputation, type CompletedRow } from '../../../src/missing-data/impute.js';
import { poolFits } from '../../../src/missing-data/pool.js';
import { tippingPoint } from '../../../src/missing-data/tipping-point.js';
import { fitOls } from '../../../src/models/ols/fit.js';
import { missingDataChapter, type AssumptionResult } from '../../../src/report/sections/missing-data.js';
import { renderSvg } from '../../../src/report/render.js';
import { smallTrial } from '../../missing-data/small-trial.js';

const visits = ['baseline', '9m', '15m'];
const rows = smallTrial(4, 120, visits, { missing: 0.25 });
const base = { id: 'id', visit: 'visit', outcome: 'score', arm: 'arm', control: 'control', visits, m: 20, burnIn: 20, seed: 9 };
const ancova = (d: CompletedRow[]) => fitOls('score ~ arm + baseline', d.filter((r) => r.visit === '9m')).fixedEffects[1]!;

describe('missing-data report chapter', () => {
  it('tabulates missingness and the effect under each assumption, with the tipping-point figure and reading', async () => {
    const mar = await multipleImputation(rows, base);
    const results: AssumptionResult[] = await Promise.all((['MAR', 'J2R', 'CR', 'CIR'] as const).map(async (strategy) => {
      const mi = strategy === 'MAR' ? mar : await multipleImputation(rows, { ...base, strategy });
      const p = poolFits(mi.completed.map((d) => fitOls('score ~ arm + baseline', d.filter((r) => r.visit === '9m')))).rows[1]!;
      return { analysis: strategy === 'MAR' ? 'Multiple imputation' : `Reference-based (${strategy})`, assumption: strategy === 'MAR' ? 'MAR' : `MNAR: ${strategy}`, ...p };
    }));
    // Reference-based rules pull the treated dropouts towards control: the effect shrinks.
    expect(results[1]!.estimate!).toBeLessThan(results[0]!.estimate!);
    const grid = [-12, -8, -4, 0];
    const tp = tippingPoint(mar, ancova, { deltas: { control: [0, -4], SFT: grid } });
    const s = missingDataChapter({ outcome: 'PSP', visit: '9m', missing: mar.missing, results, tippingPoint: tp, ciLevel: 0.95 }, { k: null }, true);
    expect(s.id).toBe('missing-data');
    expect(s.tables.map((t) => t.id)).toEqual(['missing-by-arm-visit', 'effect-by-assumption', 'tipping-point']);
    expect(s.tables[0]!.rows).toHaveLength(4);
    expect(s.tables[1]!.rows[0]!.analysis).toBe('Multiple imputation');
    expect(s.readings[0]).toMatch(/^PSP scores missing at 9m: control \d+ of 60/);
    expect(s.readings.some((r) => r.includes('tipping') || r.includes('stays significant') || r.includes('not significant'))).toBe(true);
    expect(s.figures).toHaveLength(1);
    const svg = await renderSvg(s.figures[0]!.spec, s.figures[0]!.id);
    expect(svg).toContain('<svg');
    // Small-cell protection hides small counts.
    const hidden = missingDataChapter({ outcome: 'PSP', visit: '9m', missing: mar.missing, results, ciLevel: 0.95 }, { k: 100 }, false);
    expect(hidden.tables[0]!.rows[0]!.n).toBe('<100');
    expect(hidden.figures).toHaveLength(0);
  });
});
