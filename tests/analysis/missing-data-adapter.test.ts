/**
 * The missing-data section on the committed SFT sample: the adapter's numbers are those of the
 * public functions called directly with the same seed (multipleImputation, poolFits,
 * tippingPoint, fitMmrm with marginal means), bit for bit; the primary result is the primary
 * analysis's own 9-month difference; the report section reads without NaN; failures say
 * "not estimable: <reason>".
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeTrial } from '../../src/analysis/analyze.js';
import { missingDataRows } from '../../src/analysis/adapters/missing-data.js';
import { parseAnalysisPlan, type AnalysisPlanInput } from '../../src/analysis/plan.js';
import type { MissingDataSection, TrialAnalysis } from '../../src/analysis/types.js';
import type { TrialData } from '../../src/data/types.js';
import { multipleImputation, type CompletedRow } from '../../src/missing-data/impute.js';
import { poolFits } from '../../src/missing-data/pool.js';
import { tippingPoint } from '../../src/missing-data/tipping-point.js';
import { contrast } from '../../src/models/emmeans/contrast.js';
import { marginalMeans } from '../../src/models/emmeans/marginal-means.js';
import { fitMmrm } from '../../src/models/mmrm/fit.js';
import { fitOls } from '../../src/models/ols/fit.js';
import { buildReportModel } from '../../src/report/model.js';
import { missingDataSection } from '../../src/report/sections/missing-data.js';
import { ValidationError } from '../../src/errors/index.js';
import { readJson, sftSample } from './helpers.js';

const deltas = [-8, -6, -4, -2, 0];
const missingData = { m: 5, seed: 31, burnIn: 50, deltas, mmrm: 'us' };
const base = readJson('examples/sft-trial/plan.json') as Record<string, unknown>;
const planInput = (md: Record<string, unknown>): AnalysisPlanInput =>
  ({ ...base, clinicalSignificance: undefined, doseResponse: undefined, subgroups: undefined, economics: undefined, costUtility: undefined, register: undefined, power: undefined, missingData: md }) as AnalysisPlanInput;

let trial: TrialData;
let analysis: TrialAnalysis;
let md: MissingDataSection;

beforeAll(async () => {
  trial = await sftSample();
  analysis = await analyzeTrial(trial, planInput(missingData), { threads: 1 });
  if (analysis.missingData.status === 'failed') throw new Error(JSON.stringify(analysis.missingData.error));
  expect(analysis.missingData.status).toBe('done');
  md = (analysis.missingData as { result: MissingDataSection }).result;
});

describe('missing-data section on the SFT sample', () => {
  it('reproduces multipleImputation + poolFits + tippingPoint + fitMmrm called directly (bit-identical)', async () => {
    const plan = parseAnalysisPlan(planInput(missingData));
    const rows = missingDataRows({ trial }, 'PSP');
    expect(new Set(rows.map((r) => r['id'])).size).toBeLessThan(trial.participants.length);
    expect(md.diagnostics.map((d) => d.code)).toContain('missing-baseline');
    const mi = await multipleImputation(rows, { id: 'id', visit: 'visit', outcome: 'score', arm: 'arm', control: 'control', visits: ['baseline', '9m', '15m'], m: 5, seed: 31, burnIn: 50, cluster: 'group' });
    expect(md.missing).toEqual(mi.missing);
    const ancova = (v: string) => (d: CompletedRow[]) => fitOls('score ~ arm + baseline', d.filter((r) => r['visit'] === v), { ciLevel: 0.95 });
    for (const v of ['9m', '15m']) {
      const p = poolFits(mi.completed.map(ancova(v))).rows.find((r) => r.label === 'armSFT')!;
      const got = md.imputation.rows.find((r) => r.visit === v)!;
      expect(got.estimable).toBe(true);
      expect([got.estimate, got.se, got.df, got.pValue, got.fmi, got.ci]).toEqual([p.estimate, p.se, p.df, p.pValue, p.fmi, p.ci]);
    }
    const tp = tippingPoint(mi, (d) => ancova('9m')(d).fixedEffects.find((r) => r.term === 'armSFT')!, { deltas: { control: deltas, SFT: deltas } });
    expect(md.tippingPoint.rows).toHaveLength(25);
    expect(md.tippingPoint.rows.map((r) => [r.delta, r.estimate, r.pValue])).toEqual(tp.rows.map((r) => [r.delta, r.estimate, r.pValue]));
    expect(md.tippingPoint.tippingPoints).toEqual(tp.tippingPoints);
    expect(md.tippingPoint.mar.estimate).toBe(md.imputation.rows[0]!.estimate);
    // MMRM alongside, with the plan's partial nesting and ddf.
    const fit = fitMmrm('score ~ baseline + arm * visit + us(visit | id)', rows.filter((r) => r['visit'] !== 'baseline' && r['baseline'] !== null), {
      levels: { arm: ['control', 'SFT'], visit: ['9m', '15m'] },
      reml: true,
      ddf: plan.model.type === 'mixed' ? plan.model.ddf : 'Satterthwaite',
      partialNesting: { cluster: 'group', arm: 'arm', treated: 'SFT' },
    });
    const c = contrast(marginalMeans(fit, ['arm'], { by: ['visit'] }), 'revpairwise');
    for (const r of c.rows) {
      const got = md.mmrm!.rows.find((x) => x.visit === r.by['visit'])!;
      expect([got.estimate, got.se, got.df, got.pValue]).toEqual([r.estimate, r.se, r.df, r.pValue]);
    }
  });

  it('reference-based rows: J2R, CR and CIR imputations with the MAR seed, pooled ANCOVA as called directly; they pull the SFT effect towards control', async () => {
    const rows = missingDataRows({ trial }, 'PSP');
    expect(md.referenceBased.map((r) => r.strategy)).toEqual(['J2R', 'CR', 'CIR']);
    for (const rb of md.referenceBased) {
      const mi = await multipleImputation(rows, { id: 'id', visit: 'visit', outcome: 'score', arm: 'arm', control: 'control', visits: ['baseline', '9m', '15m'], m: 5, seed: 31, burnIn: 50, cluster: 'group', strategy: rb.strategy });
      for (const v of ['9m', '15m']) {
        const p = poolFits(mi.completed.map((d) => fitOls('score ~ arm + baseline', d.filter((r) => r['visit'] === v), { ciLevel: 0.95 }))).rows.find((r) => r.label === 'armSFT')!;
        const got = rb.rows.find((r) => r.visit === v)!;
        expect([got.estimate, got.se, got.df, got.pValue, got.fmi]).toEqual([p.estimate, p.se, p.df, p.pValue, p.fmi]);
        // Treated dropouts imputed from the control arm's model: the effect shrinks towards 0.
        expect(Math.abs(got.estimate!)).toBeLessThan(Math.abs(md.imputation.rows.find((r) => r.visit === v)!.estimate!));
      }
    }
    expect(parseAnalysisPlan({ ...planInput({ ...missingData, referenceBased: [] }) }).missingData!.referenceBased).toEqual([]);
    expect(() => parseAnalysisPlan({ ...planInput({ ...missingData, referenceBased: ['J2X'] }) })).toThrow(ValidationError);
  });

  it('takes the primary result under MAR from the primary analysis', async () => {
    const d = analysis.outcomes.find((o) => o.instrument === 'PSP')!.differences.find((r) => r.visit === '9m' && r.arm === 'SFT')!;
    expect(md.instrument).toBe('PSP');
    expect(md.primary.analysis).toBe('Linear mixed model (primary)');
    expect([md.primary.estimate, md.primary.se, md.primary.pValue, md.primary.ci]).toEqual([d.estimate, d.se, d.pValue, d.ci]);
  });

  it('builds the report section: tables, readings without NaN, the tipping-point figure', async () => {
    const s = missingDataSection(analysis, { cells: { k: null }, figures: true });
    expect(s.status).toBe('done');
    expect(s.tables.map((t) => t.id)).toEqual(['missing-by-arm-visit', 'effect-by-assumption', 'tipping-point', 'effect-by-visit']);
    expect(s.tables[1]!.rows.map((r) => r.analysis)).toEqual([
      'Linear mixed model (primary)',
      'Multiple imputation (m = 5), ANCOVA',
      'MMRM (us)',
      'Reference-based MI (J2R), ANCOVA',
      'Reference-based MI (CR), ANCOVA',
      'Reference-based MI (CIR), ANCOVA',
    ]);
    expect(s.tables[1]!.rows[3]!.assumption).toBe('MNAR: J2R (reference: control)');
    expect(s.tables[3]!.rows).toHaveLength(10);
    expect(s.figures).toHaveLength(1);
    const text = JSON.stringify([s.readings, s.tables]);
    expect(text).not.toMatch(/NaN|Infinity|undefined/);
    expect(s.readings.some((r) => /9m PSP/.test(r))).toBe(true);
    const model = buildReportModel(analysis, { figures: false });
    expect(model.sections.map((x) => x.id)).toContain('missing-data');
  });

  it('refuses a bad section up front, and prints a row that is not estimable as "not estimable: <reason>"', async () => {
    // m < 2 and an outcome that is not one of the plan's are refused when the plan is read.
    expect(() => parseAnalysisPlan({ ...planInput(missingData), missingData: { m: 1 } })).toThrow(ValidationError);
    expect(() => parseAnalysisPlan({ ...planInput(missingData), missingData: { outcome: 'EQ5D_VAS' } })).toThrow(ValidationError);
    const s = missingDataSection({ ...analysis, missingData: { status: 'done', result: { ...md, mmrm: { ...md.mmrm!, rows: md.mmrm!.rows.map((r) => ({ ...r, estimable: false, reason: 'the model did not converge', estimate: null, se: null, df: null, statistic: null, pValue: null, ci: null })) } } } }, { cells: { k: null }, figures: false });
    expect(s.tables[1]!.rows[2]!.estimate).toBe('not estimable: the model did not converge');
    const none = missingDataSection({ ...analysis, missingData: { status: 'not-requested' } }, { cells: { k: null }, figures: false });
    expect(none.status).toBe('not-requested');
  });
});
