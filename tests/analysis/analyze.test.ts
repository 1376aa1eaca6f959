import { describe, expect, it } from 'vitest';
import { analyzeTrial, type ProgressEvent } from '../../src/analysis/analyze.js';
import { parseAnalysisPlan } from '../../src/analysis/plan.js';
import type { ClinicalSignificanceSection } from '../../src/analysis/types.js';
import { ArgumentError, ValidationError } from '../../src/errors/index.js';
import { fitLmm } from '../../src/models/lmm/fit.js';
import { fitOls } from '../../src/models/ols/fit.js';
import { marginalMeans } from '../../src/models/emmeans/marginal-means.js';
import { contrast } from '../../src/models/emmeans/contrast.js';
import { trialToRows, validateTrial } from '../../src/data/validate.js';
import { pAdjust } from '../../src/inference/p-adjust.js';
import { standardizedModelEffect } from '../../src/effect-size/model-effect.js';
import { studentTQuantile } from '../../src/distributions/student-t.js';
import { cachedAnalysis, mixedPlan, smallTrial } from './helpers.js';

describe('analyzeTrial: plain JSON, reproducible', () => {
  it('returns plain JSON that survives a JSON round trip and structuredClone unchanged', async () => {
    const a = await cachedAnalysis('mixed', mixedPlan());
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
    expect(structuredClone(a)).toEqual(a);
    const walk = (v: unknown, path: string): void => {
      if (typeof v === 'number') expect(Number.isFinite(v), path).toBe(true);
      else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
      else if (v !== null && typeof v === 'object') {
        expect(Object.getPrototypeOf(v), path).toBe(Object.prototype);
        for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
      }
    };
    walk(a, 'analysis');
  });

  it('is identical for the same data, plan and seed (bootstrap included), whatever the threads', async () => {
    const a = await cachedAnalysis('mixed', mixedPlan());
    const b = await analyzeTrial(smallTrial(), mixedPlan(), { threads: 2 });
    expect(b).toEqual(a);
  });

  it('changes the resampling results, and only them, with the seed', async () => {
    const a = await cachedAnalysis('mixed', mixedPlan());
    const c = await analyzeTrial(smallTrial(), mixedPlan({ seed: 12 }), { threads: 1 });
    expect(c.outcomes).toEqual(a.outcomes);
    expect(a.economics.status).toBe('done');
    expect(c.economics.status).toBe('done');
    if (a.economics.status === 'done' && c.economics.status === 'done') {
      expect(c.economics.result.analyses[0]!.incrementalCost.estimate).toBe(a.economics.result.analyses[0]!.incrementalCost.estimate);
      expect(c.economics.result.analyses[0]!.plane.deltaCost).not.toEqual(a.economics.result.analyses[0]!.plane.deltaCost);
    }
  });

  it('records the normalised plan, the design and the software', async () => {
    const a = await cachedAnalysis('mixed', mixedPlan());
    expect(a.kind).toBe('rcteval.analysis');
    expect(a.plan).toEqual(parseAnalysisPlan(mixedPlan()));
    expect(a.software.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(a.reference).toBe('control');
    expect(a.primaryVisit).toBe('9m');
    expect(a.descriptives.flow.find((r) => r.stage === 'randomised' && r.arm === null)!.n).toBe(120);
  });
});

describe('analyzeTrial: the primary mixed model is the library’s own fit, composed', () => {
  it('agrees with fitLmm + marginalMeans + contrast called directly', async () => {
    const a = await cachedAnalysis('mixed', mixedPlan());
    const trial = smallTrial();
    const rows = trialToRows(trial, { instrument: 'PSP' });
    const fit = fitLmm('score ~ arm * visit + (1 | id)', rows, { levels: { arm: ['control', 'SFT'], visit: ['baseline', '9m', '15m'] }, partialNesting: { cluster: 'group', arm: 'arm', treated: 'SFT' } });
    const diff = contrast(marginalMeans(fit, ['arm', 'visit'], { by: ['visit'] }), 'revpairwise');
    const psp = a.outcomes.find((o) => o.instrument === 'PSP')!;
    expect(psp.status).toBe('estimated');
    for (const r of diff.rows) {
      const d = psp.differences.find((x) => x.visit === r.by['visit'])!;
      expect(d.estimate!).toBeCloseTo(r.estimate!, 10);
      expect(d.se!).toBeCloseTo(r.se!, 10);
      expect(d.df!).toBeCloseTo(r.df!, 6);
      expect(d.arm).toBe('SFT');
      expect(d.reference).toBe('control');
    }
    expect(psp.models[0]!.coefficients.map((c) => c.term)).toEqual(fit.fixedEffects.map((c) => c.term));
    expect(psp.models[0]!.nClusters).toBeGreaterThan(5);
    expect(psp.means).toHaveLength(6);
    expect(psp.changeDifferences.map((d) => d.visit)).toEqual(['9m', '15m']);
    expect(psp.interaction?.term).toBe('arm:visit');
  });

  it('standardizes the model difference by the pooled baseline SD (Feingold 2009)', async () => {
    const a = await cachedAnalysis('mixed', mixedPlan());
    const psp = a.outcomes.find((o) => o.instrument === 'PSP')!;
    const d9 = psp.differences.find((d) => d.visit === '9m')!;
    const es = psp.effectSizes.find((e) => e.basis === 'model' && e.visit === '9m')!;
    const trial = smallTrial();
    const base = (arm: string) => trialToRows(trial, { instrument: 'PSP', visits: ['baseline'] }).filter((r) => r.arm === arm && r.score !== null).map((r) => r.score!);
    const direct = standardizedModelEffect({ estimate: d9.estimate!, se: d9.se!, df: d9.df! }, { baseline: { SFT: base('SFT'), control: base('control') }, control: 'control' });
    expect(es.estimate).toBeCloseTo(direct.estimate, 12);
    expect(es.ci).toEqual(direct.ci);
    expect(es.interpretation.rules).toBe('cohen1988');
    expect(psp.effectSizes.some((e) => e.basis === 'observed-change' && e.visit === '15m')).toBe(true);
    expect(psp.effectSizes.every((e) => e.visit !== 'baseline')).toBe(true);
  });

  it('adjusts the primary-visit p-values across outcomes by the plan’s method (Holm)', async () => {
    const a = await cachedAnalysis('mixed', mixedPlan());
    const at9 = a.outcomes.map((o) => o.differences.find((d) => d.visit === '9m')!);
    const holm = pAdjust(
      at9.map((d) => d.pValue!),
      'holm',
    );
    at9.forEach((d, i) => expect(d.pAdjusted).toBeCloseTo(holm[i]!, 14));
    expect(a.outcomes.flatMap((o) => o.differences.filter((d) => d.visit !== '9m')).every((d) => d.pAdjusted === null)).toBe(true);
  });
});

describe('analyzeTrial: ANCOVA and pre–post designs', () => {
  it('fits an ANCOVA per follow-up visit with cluster-robust SEs, as fitOls does', async () => {
    const { economics: _unused, ...rest } = mixedPlan({ model: { type: 'ancova', vcov: 'CR2', cluster: 'group' } });
    const plan = rest;
    const a = await cachedAnalysis('ancova', plan);
    const trial = smallTrial();
    const rows = trialToRows(trial, { instrument: 'MHRM' }).filter((r) => r.visit === '15m');
    const fit = fitOls('score ~ arm + baseline', rows, { levels: { arm: ['control', 'SFT'] }, vcov: 'CR2', cluster: 'group', clusterMissing: 'singleton' });
    const coef = fit.fixedEffects.find((c) => c.term === 'armSFT')!;
    const d = a.outcomes.find((o) => o.instrument === 'MHRM')!.differences.find((x) => x.visit === '15m')!;
    expect(d.estimate).toBeCloseTo(coef.estimate, 10);
    expect(d.se!).toBeCloseTo(coef.se!, 10);
    expect(a.outcomes[0]!.models.map((m) => m.visit)).toEqual(['9m', '15m']);
    expect(a.outcomes[0]!.changeDifferences).toEqual([]);
    expect(a.economics.status).toBe('not-requested');
  });

  it('estimates within-arm change with a paired t interval when there are enough pairs', async () => {
    const trial = smallTrial();
    const plan = {
      title: 'pre-post of the SFT arm',
      design: { arms: ['control', 'SFT'], visits: ['baseline', '9m', '15m'], instruments: ['PSP', 'MHRM', 'WHO5', 'EQ5D_INDEX', 'EQ5D_VAS'] },
      outcomes: [{ instrument: 'WHO5' }],
      model: { type: 'pre-post' as const, minimumPairs: 10 },
      effectSizes: { observed: 'cohens-d' as const, pairedType: 'z' as const },
    };
    const a = await analyzeTrial(trial, plan);
    const w = a.outcomes[0]!.withinArm.find((x) => x.arm === 'SFT' && x.visit === '9m')!;
    const rows = trialToRows(trial, { instrument: 'WHO5', visits: ['baseline', '9m'], complete: true }).filter((r) => r.arm === 'SFT');
    const ids = [...new Set(rows.map((r) => r.id))];
    const change: number[] = [];
    for (const id of ids) {
      const b = rows.find((r) => r.id === id && r.visit === 'baseline')?.score;
      const f = rows.find((r) => r.id === id && r.visit === '9m')?.score;
      if (b != null && f != null) change.push(f - b);
    }
    const n = change.length;
    const m = change.reduce((s, x) => s + x, 0) / n;
    const sd = Math.sqrt(change.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1));
    const q = studentTQuantile(0.975, n - 1);
    expect(w.nPairs).toBe(n);
    expect(w.change!.estimate).toBeCloseTo(m, 12);
    expect(w.change!.ci[0]).toBeCloseTo(m - (q * sd) / Math.sqrt(n), 10);
    expect(w.effectSize!.estimate).toBeCloseTo(m / sd, 10);
    expect(w.effectSize!.type).toBe('d_z');
    expect(a.outcomes[0]!.differences).toEqual([]);
  });

  it('says "not estimable" rather than estimating from fewer pairs than the plan allows', async () => {
    const trial = validateTrial(
      {
        participants: [1, 2, 3, 4, 5, 6].map((i) => ({ id: `p${i}`, arm: 'course' })),
        measurements: [
          ...[1, 2, 3, 4, 5, 6].map((i) => ({ id: `p${i}`, visit: 'start', instrument: 'WHO5', score: 40 + 4 * i })),
          ...[52, 60, 56].map((score, i) => ({ id: `p${i + 1}`, visit: 'end', instrument: 'WHO5', score })),
        ],
      },
      { design: { arms: ['course'], visits: ['start', 'end'], instruments: ['WHO5'] } },
    );
    const a = await analyzeTrial(trial, { title: 'tiny', design: { arms: ['course'], visits: ['start', 'end'], instruments: ['WHO5'] }, outcomes: [{ instrument: 'WHO5' }], model: { type: 'pre-post', minimumPairs: 5 } });
    const o = a.outcomes[0]!;
    expect(o.status).toBe('not-estimable');
    expect(o.withinArm[0]!).toMatchObject({ nPairs: 3, nBaseline: 6, nFollowUp: 3, estimable: false, change: null, effectSize: null, meanBaseline: null });
    expect(o.withinArm[0]!.reason).toContain('minimum of 5');
    expect(a.diagnostics.some((d) => d.code === 'outcome-not-estimable')).toBe(true);
    // With the minimum lowered to what the data have, the same data give a number.
    const b = await analyzeTrial(trial, { title: 'tiny', design: { arms: ['course'], visits: ['start', 'end'], instruments: ['WHO5'] }, outcomes: [{ instrument: 'WHO5' }], model: { type: 'pre-post', minimumPairs: 3 } });
    expect(b.outcomes[0]!.withinArm[0]!.change!.estimate).toBeCloseTo(8, 12);
  });

  it('reports a model that cannot be fitted as not estimable with the library’s typed message', async () => {
    const trial = validateTrial(
      {
        participants: [1, 2, 3, 4].map((i) => ({ id: `p${i}`, arm: i <= 2 ? 'control' : 'SFT' })),
        measurements: [1, 2, 3, 4].map((i) => ({ id: `p${i}`, visit: 'baseline', instrument: 'PSP', score: null })),
      },
      { design: { arms: ['control', 'SFT'], visits: ['baseline', '9m'], instruments: ['PSP'] } },
    );
    const a = await analyzeTrial(trial, { title: 'empty', design: { arms: ['control', 'SFT'], visits: ['baseline', '9m'], instruments: ['PSP'] }, outcomes: [{ instrument: 'PSP' }], model: { type: 'mixed' } });
    expect(a.outcomes[0]!.status).toBe('not-estimable');
    expect(a.outcomes[0]!.reason!.name).toMatch(/Error$/);
    expect(a.outcomes[0]!.reason!.message.length).toBeGreaterThan(10);
    expect(a.outcomes[0]!.differences).toEqual([]);
  });
});

describe('analyzeTrial: sections and adapters', () => {
  it('runs only the sections the plan asks for', async () => {
    const a = await cachedAnalysis('mixed', mixedPlan());
    expect(a.clinicalSignificance).toEqual({ status: 'not-requested' });
    expect(a.doseResponse).toEqual({ status: 'not-requested' });
    expect(a.subgroups).toEqual({ status: 'not-requested' });
    expect(a.economics.status).toBe('done');
  });

  it('runs an injected adapter and keeps its result; a throwing adapter makes the section failed, not the analysis', async () => {
    const fake: ClinicalSignificanceSection = { settings: [], categories: [], missing: [], comparisons: [], ordinal: [], participants: [], categoryOrder: ['improved', 'unchanged'], method: 'test adapter', diagnostics: [] };
    const seen: string[] = [];
    const a = await analyzeTrial(smallTrial(), mixedPlan({ clinicalSignificance: { method: 'edwards-nunnally' }, doseResponse: {} }), {
      threads: 1,
      adapters: {
        clinicalSignificance: {
          capability: 'test',
          run: async (ctx, section) => {
            seen.push(section.method, ctx.primaryVisit, String(ctx.outcomes.length));
            return fake;
          },
        },
        doseResponse: {
          capability: 'test',
          run: async () => {
            throw new ArgumentError('attendance', -1, 'sessions attended ≥ 0');
          },
        },
      },
    });
    expect(seen).toEqual(['edwards-nunnally', '9m', '2']);
    expect(a.clinicalSignificance).toEqual({ status: 'done', result: fake });
    expect(a.doseResponse.status).toBe('failed');
    if (a.doseResponse.status === 'failed') expect(a.doseResponse.error).toMatchObject({ name: 'ArgumentError', code: 'ARGUMENT' });
    expect(a.diagnostics.some((d) => d.code === 'section-failed' && d.severity === 'error')).toBe(true);
  });

  it('reports progress: one event per step, numbered up to the total', async () => {
    const events: ProgressEvent[] = [];
    await analyzeTrial(smallTrial(), mixedPlan({ outcomes: [{ instrument: 'PSP' }] }), { threads: 1, onProgress: (e) => events.push(e) });
    const steps = [...new Set(events.map((e) => e.step))];
    expect(steps).toEqual([1, 2, 3]);
    expect(events.every((e) => e.total === 3)).toBe(true);
    expect(events.some((e) => e.section === 'economics' && e.detail.includes('bootstrap'))).toBe(true);
  });
});

describe('analyzeTrial: bad input', () => {
  it('throws ValidationError naming the field for an invalid plan', async () => {
    await expect(analyzeTrial(smallTrial(), { ...mixedPlan(), seed: -1 })).rejects.toThrow(ValidationError);
    await expect(analyzeTrial(smallTrial(), { ...mixedPlan(), seed: -1 })).rejects.toThrow(/"seed"/);
  });

  it('throws ArgumentError for data that were not validated', async () => {
    await expect(analyzeTrial({ participants: [], measurements: [] } as never, mixedPlan())).rejects.toThrow(ArgumentError);
  });

  it('throws ArgumentError when the plan’s design differs from the data’s', async () => {
    const plan = mixedPlan();
    await expect(analyzeTrial(smallTrial(), { ...plan, design: { ...plan.design, arms: ['SFT', 'control'] }, model: { type: 'mixed' } })).rejects.toThrow(/plan\.design\.arms/);
  });

  it('throws ArgumentError naming an unknown covariate', async () => {
    await expect(analyzeTrial(smallTrial(), mixedPlan({ model: { type: 'mixed', covariates: ['income'] } }))).rejects.toThrow(/plan\.model\.covariates\[0\]/);
  });
});
