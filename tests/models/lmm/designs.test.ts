/**
 * The SFT trial's design options: partially nested therapy groups and arm-specific
 * residual variances, against lme4 (the same model written by hand) and nlme (varIdent).
 */
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../../src/errors/index.js';
import { marginalMeans } from '../../../src/models/emmeans/marginal-means.js';
import { fitLmm, NO_CLUSTER } from '../../../src/models/lmm/fit.js';
import { likelihoodRatioTest } from '../../../src/models/lmm/likelihood-ratio.js';
import { predict } from '../../../src/models/lmm/predict.js';
import { LMM_DF, LMM_FIXED, LMM_OBJECTIVE, LMM_VARIANCE } from '../../tolerances.js';
import { expectRel, fixtureColumns, loadFixture } from '../fixture-helpers.js';

const fx = loadFixture('sft-lmm');
const data = fixtureColumns(fx.data.sft);
const levels = { arm: ['control', 'SFT'], visit: ['baseline', '9m', '15m'] };
const pn = { cluster: 'therapy_group', arm: 'arm', treated: 'SFT' };

describe('partialNesting', () => {
  const r = fx.fits.pn_explicit;
  const fit = fitLmm('score ~ arm * visit + (1 | id)', data, { levels, partialNesting: pn });

  it('is the lme4 model (0 + sft | group) with a placeholder group, without the user writing it', () => {
    expect(fit.formula).toBe('score ~ arm * visit + (1 | id) + (0 + armSFT | therapy_group)');
    expectRel(fit.remlCriterion!, r.remlCriterion, LMM_OBJECTIVE, 1, 'REML criterion');
    fit.fixedEffects.forEach((row, j) => {
      expectRel(row.estimate, r.fixef.estimate[j], LMM_FIXED, r.fixef.se[j], row.term);
      expectRel(row.se, r.fixef.se[j], LMM_FIXED, 0, row.term);
      expectRel(row.df, r.satterthwaite.df[j], LMM_DF, 0, row.term);
    });
    const g = fit.varianceComponents.find((v) => v.group === 'therapy_group')!;
    expect(g.term).toBe('armSFT');
    expectRel(g.variance, r.varcor.vcov[r.varcor.grp.indexOf('group')], LMM_VARIANCE, 0, 'group variance');
  });

  it('takes numeric therapy-group ids (the placeholder is text): the same fit as the ids written as text', () => {
    const groups = data.therapy_group!;
    const ids = new Map<unknown, number>();
    const numeric = groups.map((g) => (g === null || g === undefined || g === '' ? null : (ids.get(g) ?? (ids.set(g, ids.size + 1), ids.size))));
    const asText = numeric.map((g) => (g === null ? null : String(g)));
    const a = fitLmm('score ~ arm * visit + (1 | id)', { ...data, therapy_group: numeric }, { levels, partialNesting: pn });
    const b = fitLmm('score ~ arm * visit + (1 | id)', { ...data, therapy_group: asText }, { levels, partialNesting: pn });
    expect(a.remlCriterion).toBe(b.remlCriterion);
    expect(a.fixedEffects).toEqual(b.fixedEffects);
    expect(a.nGroups.therapy_group).toBe(19);
    expect(a.remlCriterion).toBeCloseTo(fit.remlCriterion!, 8);
  });

  it('counts and lists only real therapy groups', () => {
    expect(fit.nGroups.therapy_group).toBe(19);
    const tab = fit.randomEffects.find((t) => t.group === 'therapy_group')!;
    expect(tab.levels).toHaveLength(19);
    expect(tab.levels).not.toContain(NO_CLUSTER);
  });

  it('predicts each row with its own therapy group\'s mode (the placeholder sorts first among the levels)', () => {
    // "(no cluster)" sorts before "G01": the reported table omits it, so modes are matched by name.
    const n = (data.score as unknown[]).length;
    const rows = Array.from({ length: n }, (_, i) => {
      const treated = data.arm![i] === 'SFT';
      return { arm: data.arm![i], visit: data.visit![i], id: data.id![i], armSFT: treated ? 1 : 0, therapy_group: treated ? data.therapy_group![i] : NO_CLUSTER };
    });
    const fitted = fit.rows.length;
    expect(fitted).toBeGreaterThan(0);
    const pred = predict(fit, Array.from(fit.rows, (r) => rows[r]!));
    pred.forEach((p, k) => expect(Math.abs(p - fit.fitted[k]!)).toBeLessThan(1e-9 * Math.max(1, Math.abs(fit.fitted[k]!))));
  });

  it('requires a therapy group for every treated row and names the row', () => {
    const firstSft = (data.arm as string[]).indexOf('SFT');
    const bad = { ...data, therapy_group: (data.therapy_group as (string | null)[]).map((g, i) => (i === firstSft ? null : g)) };
    expect(() => fitLmm('score ~ arm * visit + (1 | id)', bad, { levels, partialNesting: pn })).toThrow(new RegExp(`data\\[${firstSft}\\]\\.therapy_group`));
    expect(() => fitLmm('score ~ arm + (1 | id)', data, { partialNesting: { ...pn, treated: 'TAU' } })).toThrow(ArgumentError);
  });
});

describe('residualVarianceBy (arm-specific residual variances, nlme varIdent)', () => {
  it('agrees with nlme::lme(weights = varIdent(~1 | arm)) for the participant model', () => {
    const r = fx.nlme.lme_id_varIdent;
    const fit = fitLmm('score ~ arm * visit + (1 | id)', data, { levels, residualVarianceBy: 'arm' });
    expectRel(fit.logLik, r.logLik, 1e-7, 1, 'logLik');
    expect(fit.nParameters).toBe(r.logLikDf);
    fit.fixedEffects.forEach((row, j) => {
      expectRel(row.estimate, r.fixef.estimate[j], 1e-4, r.fixef.se[j], row.term);
      expectRel(row.se, r.fixef.se[j], 1e-4, 0, row.term);
    });
    const sds = r.varIdentRatios;
    sds.level.forEach((l: string, i: number) => expectRel(fit.residualSd![l]!, sds.residualSD[i], 1e-4, 0, `residual SD ${l}`));
    expectRel(fit.varianceComponents.find((v) => v.group === 'id')!.variance, r.randomEffects.id.variance[0], 1e-4, 0, 'id variance');
  });

  it('agrees with nlme for the partially nested model with arm-specific residual variances', () => {
    const r = fx.nlme.lme_pn_varIdent;
    const fit = fitLmm('score ~ arm * visit + (1 | id)', data, { levels, partialNesting: pn, residualVarianceBy: 'arm' });
    expectRel(fit.logLik, r.logLik, 1e-7, 1, 'logLik');
    fit.fixedEffects.forEach((row, j) => {
      expectRel(row.estimate, r.fixef.estimate[j], 1e-4, r.fixef.se[j], row.term);
      expectRel(row.se, r.fixef.se[j], 1e-4, 0, row.term);
    });
    expectRel(fit.varianceComponents.find((v) => v.group === 'therapy_group')!.variance, r.randomEffects.group.variance[0], 1e-3, 0, 'group variance');
    // The REML likelihood-ratio statistic for the extra variance parameter, as nlme's anova.
    const homo = fitLmm('score ~ arm * visit + (1 | id)', data, { levels, partialNesting: pn });
    expectRel(2 * (fit.logLik - homo.logLik), fx.nlme.varIdentLRT['L.Ratio'][1], 1e-4, 1e-3, 'L.Ratio');
  });

  it('gives marginal means whose SEs agree with nlme (df here are Satterthwaite, nlme uses containment)', () => {
    const r = fx.nlme.emmeansHeteroscedastic.emmeansGrid;
    const fit = fitLmm('score ~ arm * visit + (1 | id)', data, { levels, partialNesting: pn, residualVarianceBy: 'arm' });
    const mm = marginalMeans(fit, ['arm', 'visit']);
    mm.rows.forEach((row, i) => {
      expectRel(row.estimate, r.emmean[i], 1e-4, r.SE[i], 'emmean');
      expectRel(row.se, r.SE[i], 1e-4, 0, 'SE');
      expect(row.df).toBeGreaterThan(1);
    });
  });

  it('refuses Kenward–Roger with stratified residual variances, and an unknown column', () => {
    expect(() => fitLmm('score ~ arm * visit + (1 | id)', data, { levels, residualVarianceBy: 'arm', ddf: 'Kenward-Roger' })).toThrow(/Satterthwaite/);
    expect(() => fitLmm('score ~ arm * visit + (1 | id)', data, { residualVarianceBy: 'nope' })).toThrow(/residualVarianceBy/);
  });
});

describe('Kenward–Roger on the blocks of rows the random effects link', () => {
  it('refuses crossed random effects that link more than 4,000 rows into one block, naming Satterthwaite', () => {
    // 70 × 70 crossed levels, one row per cell: every row is linked to every other through a and b.
    const a: string[] = [];
    const b: string[] = [];
    const y: number[] = [];
    for (let i = 0; i < 70; i++) {
      for (let j = 0; j < 70; j++) {
        a.push(`a${i}`);
        b.push(`b${j}`);
        y.push(Math.sin(i * 1.7) + Math.cos(j * 0.9) + Math.sin(i * j));
      }
    }
    let error: unknown;
    try {
      fitLmm('y ~ 1 + (1 | a) + (1 | b)', { y, a, b }, { ddf: 'Kenward-Roger' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as Error).message).toMatch(/Satterthwaite.*4900 rows are linked \(crossed random effects\)/);
  });
});

describe('partialNesting with refits and on its own', () => {
  const levels9 = { arm: ['control', 'SFT'] };
  it('refits correctly for a likelihood-ratio test (the stored frame is not altered by the fit)', () => {
    const m0 = fitLmm('score ~ arm + visit + (1 | id)', data, { levels, partialNesting: pn });
    const m1 = fitLmm('score ~ arm * visit + (1 | id)', data, { levels, partialNesting: pn });
    const direct0 = fitLmm('score ~ arm + visit + (1 | id)', data, { levels, partialNesting: pn, reml: false });
    const direct1 = fitLmm('score ~ arm * visit + (1 | id)', data, { levels, partialNesting: pn, reml: false });
    const lrt = likelihoodRatioTest(m0, m1);
    expectRel(lrt.models[0].logLik, direct0.logLik, 1e-9, 1, 'refitted m0');
    expectRel(lrt.models[1].logLik, direct1.logLik, 1e-9, 1, 'refitted m1');
    expectRel(lrt.statistic, fx.lrt.interaction.Chisq[1], 1e-5, 1e-3, 'χ² as lme4');
  });
  it('fits a model whose only random term is the partial nesting (one follow-up visit)', () => {
    const at9 = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.filter((_, i) => (data.visit as string[])[i] === '9m')]));
    const fit = fitLmm('score ~ arm', at9, { levels: levels9, partialNesting: pn });
    expect(fit.formula).toBe('score ~ arm + (0 + armSFT | therapy_group)');
    expect(fit.nGroups.therapy_group).toBe(19);
  });
});
