/**
 * subgroupAnalysis end to end against R (tests/fixtures/r/subgroups/subgroups.json, script
 * subgroups.R): the synthetic SFT sample's PSP rebuilt into TrialData from the rows the fixture
 * carries; subgroup levels as R derives them; per-level effects (emmeans on lmer, Satterthwaite
 * df), the interaction F (lmerTest::contestMD) and LRT (anova(m0, m1), ML refits); the OLS
 * variant against clubSandwich (CR2, linear_contrast, Wald_test HTZ); baseline as an outcome
 * visit; a single follow-up visit; a level present in one arm only.
 *
 * Tolerances as for the other mixed-model fixtures (lme4 converged tightly; tests/tolerances.ts):
 * estimates to LMM_FIXED of their SE, SEs LMM_FIXED, Satterthwaite df LMM_DF, F LMM_F, the LRT
 * statistic LMM_CHISQ. OLS is closed form (1e-8).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { subgroupAnalysis, type SubgroupEffect, type SubgroupVariableResult } from '../../src/subgroups/analysis.js';
import { expectRel, track, worst } from '../models/fixture-helpers.js';
import { subgroupFixture, subgroupSpecs, subgroupTrial } from './fixture.js';
import { LMM_CHISQ, LMM_DF, LMM_F, LMM_FIXED, LMM_P, P_FLOOR } from '../tolerances.js';

const fx = subgroupFixture;
const trial = subgroupTrial;
const specs = subgroupSpecs;
const keys = Object.keys(specs);

function compareEffects(effects: SubgroupEffect[], r: any, mixed: boolean, label: string) {
  const rows = effects.filter((e) => e.estimable);
  const rIdx = r.estimate.map((v: number | null, i: number) => (v === null ? -1 : i)).filter((i: number) => i >= 0);
  expect(rows.length).toBe(rIdx.length);
  rows.forEach((e, k) => {
    const i = rIdx[k];
    if (r.visit[i] != null) expect(e.visit).toBe(r.visit[i]);
    if (r.level[i] != null) expect(e.level).toBe(r.level[i]);
    const tolEst = mixed ? LMM_FIXED * Math.max(r.SE[i], Math.abs(r.estimate[i])) : 1e-8 * Math.max(1, Math.abs(r.estimate[i]));
    expect(Math.abs(e.estimate! - r.estimate[i])).toBeLessThanOrEqual(tolEst);
    expectRel(e.se, r.SE[i], mixed ? LMM_FIXED : 1e-8, 0, `${label} SE`);
    expectRel(e.df, r.df[i], mixed ? LMM_DF : 1e-8, 0, `${label} df`);
    expectRel(e.ci![0], r.lower[i], mixed ? LMM_FIXED : 1e-8, r.SE[i], `${label} lower`);
    track(`subgroups ${mixed ? 'lmm' : 'ols'} effect`, e.estimate, r.estimate[i], r.SE[i]);
    track(`subgroups ${mixed ? 'lmm' : 'ols'} SE`, e.se, r.SE[i]);
    track(`subgroups ${mixed ? 'lmm' : 'ols'} df`, e.df, r.df[i]);
  });
}

describe('mixed model, baseline as covariate, two follow-up visits', () => {
  const res = subgroupAnalysis(trial, { instrument: 'PSP', subgroups: keys.map((k) => specs[k]!) });
  const lrt = subgroupAnalysis(trial, { instrument: 'PSP', subgroups: keys.map((k) => specs[k]!), test: 'LRT' });
  const byKey = (k: string, r = res): SubgroupVariableResult => r.variables[keys.indexOf(k)]!;

  it.each(keys)('%s: levels as R derives them', (k) => {
    const v = byKey(k);
    expect(v.levels.filter((l) => v.counts.find((c) => c.level === l)!.byArm['control']! + v.counts.find((c) => c.level === l)!.byArm['SFT']! > 0)).toEqual(fx.levels[k]);
    expect(fx.lmm[k].levels).toEqual(v.levels.filter((l) => v.effects.some((e) => e.level === l && e.n['control']! + e.n['SFT']! > 0)));
  });

  it.each(keys)('%s: effects within levels and the interaction F (contestMD)', (k) => {
    const v = byKey(k);
    const r = fx.lmm[k];
    expect(v.nObs).toBe(r.nobs);
    compareEffects(v.effects, r.effects, true, k);
    expectRel(v.interaction.statistic, r.interactionF.F, LMM_F, 0, `${k} F`);
    expect(v.interaction.numDf).toBe(r.interactionF.NumDF);
    expectRel(v.interaction.denDf!, r.interactionF.DenDF, LMM_DF, 0, `${k} DenDF`);
    expectRel(v.interaction.pValue, r.interactionF.p, LMM_P, P_FLOOR, `${k} p`);
    track('subgroups interaction F', v.interaction.statistic, r.interactionF.F);
    track('subgroups interaction DenDF', v.interaction.denDf!, r.interactionF.DenDF);
  });

  it.each(keys)('%s: the likelihood-ratio test with ML refits', (k) => {
    const v = byKey(k, lrt);
    const r = fx.lmm[k].lrt;
    expectRel(v.interaction.statistic!, r.Chisq, LMM_CHISQ, 1e-3, `${k} LRT χ²`);
    expect(v.interaction.numDf).toBe(r.Df);
    expect(v.interaction.denDf).toBeNull();
    expectRel(v.interaction.pValue, r.p, LMM_P, P_FLOOR, `${k} LRT p`);
    expect(v.interaction.method).toMatch(/likelihood-ratio/);
    track('subgroups LRT chi-square', v.interaction.statistic, r.Chisq, 1e-3);
  });

  it('keeps a level present in one arm only, as not estimable with the reason', () => {
    const v = byKey('cohort');
    const c = v.effects.filter((e) => e.level === 'C');
    expect(c).toHaveLength(2);
    for (const e of c) {
      expect(e.estimable).toBe(false);
      expect(e).toMatchObject({ estimate: null, se: null, df: null, ci: null });
      expect(e.n['control']).toBe(0);
      expect(e.reason).toMatch(/no participants of arm "control" in this level/);
    }
    expect(v.diagnostics.map((d) => d.code)).toContain('rank-deficient');
    expect(res.forest.filter((f) => f.variable === 'cohort' && f.level === 'C').every((f) => !f.estimable && f.note !== null)).toBe(true);
  });

  it('gives the overall effect from the model without subgroups', () => {
    compareEffects(res.overall, fx.overall.effects, true, 'overall');
  });

  it('adjusts the interaction p-values across variables by Holm and BH, and names the methods', () => {
    const p = res.variables.map((v) => v.interaction.pValue);
    const m = p.length;
    const order = p.map((_, i) => i).sort((a, b) => p[a]! - p[b]!);
    // Holm: the smallest p is multiplied by m
    expect(res.variables[order[0]!]!.interaction.pHolm).toBeCloseTo(Math.min(1, m * p[order[0]!]!), 12);
    // BH: the largest p is unchanged
    expect(res.variables[order[m - 1]!]!.interaction.pBH).toBeCloseTo(p[order[m - 1]!]!, 12);
    expect(res.multiplicity.methods).toEqual(['holm', 'BH']);
    expect(res.multiplicity.description).toMatch(/Holm.*Benjamini–Hochberg/);
  });

  it('builds forest rows with n per arm, estimate, interval, interaction p and status', () => {
    const rows = res.forest.filter((f) => f.variable === 'diagnosisChapter');
    expect(rows.map((f) => `${f.level}/${f.visit}`)).toEqual(['F2/9m', 'F2/15m', 'F3/9m', 'F3/15m', 'F4/9m', 'F4/15m', 'F6/9m', 'F6/15m']);
    const v = byKey('chapter');
    rows.forEach((f, i) => {
      expect(f.estimate).toBe(v.effects[i]!.estimate);
      expect(f.nControl + f.nTreated).toBeGreaterThan(0);
      expect(f.interactionP).toBe(v.interaction.pValue);
      expect(f.status).toBe('pre-specified');
    });
    expect(res.forest.find((f) => f.variable === 'sex')!.status).toBe('exploratory');
    expect(res.forest.filter((f) => f.status === 'overall')).toHaveLength(2);
  });
});

describe('variants', () => {
  it('baseline as an outcome visit: effects at follow-up, interaction over the follow-up visits', () => {
    const res = subgroupAnalysis(trial, { instrument: 'PSP', subgroups: [specs['chapter']!], baseline: 'outcome' });
    const v = res.variables[0]!;
    const r = fx.outcomeMode;
    // R's table includes the baseline visit; ours reports follow-up visits only
    const keep = r.effects.visit.map((x: string) => x !== 'baseline');
    const sub = Object.fromEntries(Object.entries(r.effects).map(([k, a]) => [k, (a as unknown[]).filter((_, i) => keep[i])]));
    compareEffects(v.effects, sub, true, 'outcome mode');
    expectRel(v.interaction.statistic, r.interactionFollowUp.F, LMM_F, 0, 'F');
    expect(v.interaction.numDf).toBe(r.interactionFollowUp.NumDF);
    expectRel(v.interaction.denDf!, r.interactionFollowUp.DenDF, LMM_DF, 0, 'DenDF');
  });

  it('a single follow-up visit: no participant random effect, one effect per level', () => {
    const res = subgroupAnalysis(trial, { instrument: 'PSP', subgroups: [specs['chapter']!], visits: ['9m'] });
    const v = res.variables[0]!;
    expect(v.formula).toBe('score ~ baseline + arm * subgroup + (0 + treated | therapyGroup)');
    compareEffects(v.effects, fx.singleVisit.effects, true, 'single visit');
    expectRel(v.interaction.statistic, fx.singleVisit.interactionF.F, LMM_F, 0, 'F');
    expectRel(v.interaction.denDf!, fx.singleVisit.interactionF.DenDF, LMM_DF, 0, 'DenDF');
  });

  it.each(['chapter', 'ageBand'])('OLS with CR2 (%s): linear_contrast effects and the HTZ interaction test', (k) => {
    const res = subgroupAnalysis(trial, { instrument: 'PSP', subgroups: [specs[k]!], model: 'ols' });
    const v = res.variables[0]!;
    const r = fx.ols[k];
    expect(v.nObs).toBe(r.nobs);
    compareEffects(v.effects, r.effects, false, `ols ${k}`);
    expectRel(v.interaction.statistic, r.interactionF.F, 1e-8, 0, 'HTZ F');
    expect(v.interaction.numDf).toBe(r.interactionF.NumDF);
    expectRel(v.interaction.denDf!, r.interactionF.DenDF, 1e-8, 0, 'HTZ df');
    expect(v.interaction.method).toMatch(/HTZ/);
    track('subgroups ols HTZ df', v.interaction.denDf!, r.interactionF.DenDF);
  });
});

afterAll(() => {
  const rows = Object.entries(worst).filter(([k]) => k.startsWith('subgroups'));
  if (rows.length) console.log(rows.map(([k, v]) => `${k}: ${v.toExponential(2)}`).join('\n'));
});
