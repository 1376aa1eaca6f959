import { describe, expect, it } from 'vitest';
import { resolveCutoff } from '../../src/analysis/adapters/clinical-significance.js';
import { subgroupSpec } from '../../src/analysis/adapters/subgroups.js';
import { analyzeTrial } from '../../src/analysis/analyze.js';
import { parseAnalysisPlan, type AnalysisPlanInput } from '../../src/analysis/plan.js';
import { clinicalSignificance } from '../../src/clinical-significance/clinical-significance.js';
import { compareClinicalSignificance } from '../../src/clinical-significance/compare.js';
import { doseResponse } from '../../src/dose-response/dose-response.js';
import { attendanceEffects } from '../../src/dose-response/attendance-effects.js';
import { subgroupAnalysis } from '../../src/subgroups/analysis.js';
import { cachedAnalysis, doneResult, mixedPlan, smallTrial } from './helpers.js';

const { economics: _e, ...base } = mixedPlan();
const SECTIONS: AnalysisPlanInput = {
  ...base,
  clinicalSignificance: { outcomes: ['PSP'], visits: ['9m'] },
  doseResponse: { outcomes: ['PSP'], forms: ['linear', 'bands'], atLeast: [1, 18] },
  subgroups: { outcomes: ['PSP'], test: 'F', adjust: 'holm', variables: [{ kind: 'sex', prespecified: true }, { kind: 'age-band', prespecified: false, bands: [{ label: 'under 40', min: 18, max: 39 }, { label: '40+', min: 40 }] }] },
};

function sections() {
  return cachedAnalysis('sections-wired', SECTIONS);
}

describe('clinical-significance adapter', () => {
  it('reports the module’s categories, missing counts and between-arm comparisons unchanged', async () => {
    const r = doneResult((await sections()).clinicalSignificance);
    // The plan's default cut-off 'auto' is the API's: PSP's published cut-off (Morosini et al. 2000).
    const cs = clinicalSignificance(smallTrial(), { instrument: 'PSP', visits: ['9m'], arms: ['control', 'SFT'] });
    expect(cs.cutoff?.type).toBe('published');
    const cmp = compareClinicalSignificance(cs);
    for (const c of cs.counts) {
      for (const cat of ['recovered', 'improved', 'unchanged', 'deteriorated', 'harmed'] as const) {
        expect(r.categories.find((x) => x.arm === c.arm && x.category === cat)!.n).toBe(c[cat]);
      }
      expect(r.missing.find((x) => x.arm === c.arm)!.noFollowUp).toBe(c.missingFollowUp + c.missingBoth);
    }
    expect(r.categoryOrder).toEqual(['recovered', 'improved', 'unchanged', 'deteriorated', 'harmed']);
    expect(r.settings[0]!.cutoff).toEqual({ type: 'published', value: cs.cutoff!.value, formula: cs.cutoff!.formula });
    const rd = r.comparisons.find((x) => x.outcome === 'reliably improved')!;
    expect(rd.riskDifference.estimate).toBe(cmp.binary[0]!.riskDifference.estimate);
    expect(rd.riskDifference.ci).toEqual(cmp.binary[0]!.riskDifference.ci);
    expect(r.settings[0]!.threshold).toBeCloseTo(cs.parameters[0]!.minimumChange!, 12);
    expect(r.participants).toHaveLength(cs.rows.filter((x) => x.status === 'classified').length);
    expect(r.ordinal).toHaveLength(1);
    expect(r.diagnostics.filter((d) => d.code === 'cutoff-auto').map((d) => d.message)).toEqual(cs.diagnostics.filter((d) => d.code === 'cutoff-auto').map((d) => d.message));
  });

  it('passes the cut-off on as clinicalSignificance takes it: a score, the plan’s choice, or auto', () => {
    const plan = parseAnalysisPlan({
      ...mixedPlan(),
      clinicalSignificance: { cutoff: { WHO5: { value: 50, label: 'poor wellbeing' }, MHRM: 'c' }, norms: { MHRM: { clinical: 'baseline-sample', functional: { mean: 90, sd: 12 } } } },
    }).clinicalSignificance!;
    expect(resolveCutoff(plan, 'WHO5').cutoff).toEqual({ value: 50, label: 'poor wellbeing' });
    expect(resolveCutoff(plan, 'MHRM')).toEqual({ cutoff: 'c', norms: { clinical: 'baseline-sample', functional: { mean: 90, sd: 12 } } });
    // Not in the map: 'auto', decided by clinicalSignificance itself.
    expect(resolveCutoff(plan, 'PSP')).toEqual({ cutoff: 'auto', norms: undefined });
    const explicit = parseAnalysisPlan({ ...mixedPlan(), clinicalSignificance: { cutoff: 'b' } }).clinicalSignificance!;
    expect(resolveCutoff(explicit, 'PSP')).toEqual({ cutoff: 'b', norms: undefined });
    expect(resolveCutoff(explicit, 'WHO5')).toEqual({ cutoff: 'b', norms: undefined });
  });
});

describe('dose-response adapter', () => {
  it('reports the module’s slope, band differences, curve and IV estimates unchanged', async () => {
    const r = doneResult((await sections()).doseResponse);
    const trial = smallTrial();
    const lin = doseResponse(trial, { instrument: 'PSP', visit: '9m', form: 'linear', exposure: 'sessions', treatedArm: 'SFT', covariates: [], ciLevel: 0.95, vcov: 'CR2', spline: { df: 3 } });
    const slope = r.estimates.find((e) => e.form === 'linear' && e.term === 'per session')!;
    expect(slope.estimate).toBe(lin.slope![0]!.estimate);
    expect(slope.ci).toEqual(lin.slope![0]!.ci);
    expect(r.curves.filter((c) => c.form === 'linear')).toHaveLength(lin.prediction.filter((p) => !p.extrapolated).length);
    expect(r.estimates.filter((e) => e.form === 'bands').length).toBeGreaterThanOrEqual(1);
    expect(r.tests.map((t) => t.form)).toEqual(['linear', 'bands']);
    const fx = attendanceEffects(trial, { instrument: 'PSP', visit: '9m', exposure: 'sessions', treatedArm: 'SFT', covariates: [], ciLevel: 0.95, vcov: 'CR2', atLeast: [1, 18] });
    expect(r.causal.find((c) => c.estimand.startsWith('ITT'))!.estimate).toBe(fx.itt.estimate);
    expect(r.causal.find((c) => c.estimand === 'per session attended')!.firstStageF).toBe(fx.perSession.firstStage.classical.statistic);
    expect(r.causal.filter((c) => c.estimand.startsWith('CACE'))).toHaveLength(2);
    const treatedWithBoth = r.observed.length;
    expect(treatedWithBoth).toBe(lin.n);
    expect(r.method).toContain('Exploratory');
  });
});

describe('subgroups adapter', () => {
  it('reports the module’s per-level effects and interaction tests, adjusted as the plan says', async () => {
    const r = doneResult((await sections()).subgroups);
    const direct = subgroupAnalysis(smallTrial(), {
      instrument: 'PSP',
      subgroups: [
        { kind: 'sex', prespecified: true },
        { kind: 'age-band', prespecified: false, bands: [{ min: 18, max: 39, label: 'under 40' }, { min: 40, label: '40+' }] },
      ],
      visits: ['9m'],
      model: 'lmm',
      baseline: 'outcome',
      test: 'F',
      treatedArm: 'SFT',
      ciLevel: 0.95,
      overall: false,
      ddf: 'Satterthwaite',
    });
    expect(r.tests.map((t) => [t.variable, t.prespecified])).toEqual([
      ['sex', true],
      ['ageBand', false],
    ]);
    direct.variables.forEach((v, i) => {
      expect(r.tests[i]!.pValue).toBe(v.interaction.pValue);
      expect(r.tests[i]!.pAdjusted).toBe(v.interaction.pHolm);
      for (const e of v.effects) expect(r.rows.find((x) => x.variable === v.name && x.level === e.level)!.estimate).toBe(e.estimate);
    });
    expect(r.rows.find((x) => x.level === 'under 40')!.nByArm).toHaveProperty('SFT');
  });

  it('maps every kind of planned subgroup variable to the module’s spec', () => {
    const v = (x: Record<string, unknown>) => parseAnalysisPlan({ ...mixedPlan(), subgroups: { variables: [x] } }).subgroups!.variables[0]!;
    expect(subgroupSpec(v({ kind: 'diagnosis-chapter', prespecified: true, label: 'Dx' }), 'PSP')).toEqual({ kind: 'diagnosis-chapter', prespecified: true, label: 'Dx' });
    expect(subgroupSpec(v({ kind: 'time-since-diagnosis', prespecified: true, cutPoints: [5] }), 'PSP')).toEqual({ kind: 'time-since-diagnosis', prespecified: true, cutPoints: [5] });
    expect(subgroupSpec(v({ kind: 'column', column: 'site', prespecified: false }), 'PSP')).toEqual({ kind: 'column', column: 'site', prespecified: false });
    expect(subgroupSpec(v({ kind: 'sex', prespecified: false }), 'PSP')).toEqual({ kind: 'sex', prespecified: false });
    // An open age band: max left out (or null, as JSON may write it) becomes the API's absent max.
    expect(subgroupSpec(v({ kind: 'age-band', prespecified: true, bands: [{ min: 18, max: 39 }, { min: 40, max: null, label: '40+' }] }), 'PSP')).toEqual({
      kind: 'age-band',
      prespecified: true,
      bands: [{ min: 18, max: 39 }, { min: 40, label: '40+' }],
    });
    const lv = v({ kind: 'baseline-level', prespecified: true, bands: { MHRM: [{ label: 'low', min: 0, max: 60 }, { label: 'high', min: 61, max: 120 }] } });
    expect(subgroupSpec(lv, 'MHRM')).toEqual({ kind: 'baseline-level', prespecified: true, bands: [{ label: 'low', min: 0, max: 60 }, { label: 'high', min: 61, max: 120 }] });
    expect(subgroupSpec(lv, 'PSP')).toEqual({ kind: 'baseline-level', prespecified: true });
  });
});

describe('sections end to end', () => {
  it('a section’s typed error makes it failed with the message, and the rest of the analysis stands', async () => {
    const a = await analyzeTrial(smallTrial(), { ...base, subgroups: { outcomes: ['MHRM'], test: 'F', variables: [{ kind: 'baseline-level', prespecified: true }] } }, { threads: 1 });
    expect(a.subgroups.status).toBe('failed');
    if (a.subgroups.status === 'failed') expect(a.subgroups.error.message).toContain('MHRM');
    expect(a.outcomes.every((o) => o.status === 'estimated')).toBe(true);
  });

  it('a section whose adapter is not wired is reported as not available', async () => {
    const a = await analyzeTrial(smallTrial(), { ...base, outcomes: [{ instrument: 'PSP' }], doseResponse: {} }, { threads: 1, adapters: { doseResponse: { capability: 'src/dose-response (issue 5)', run: null } } });
    expect(a.doseResponse).toMatchObject({ status: 'not-available', capability: 'src/dose-response (issue 5)' });
    expect(a.diagnostics.map((d) => d.code)).toContain('section-not-available');
  });
});
