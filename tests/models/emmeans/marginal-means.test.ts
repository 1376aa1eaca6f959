/**
 * Marginal means and contrasts against emmeans on the partially nested SFT-shaped fit (lme4
 * converged tightly), with Satterthwaite and Kenward–Roger df. Tolerances: tests/tolerances.ts
 * (estimates and interval limits with their SE as floor).
 */
import { describe, expect, it } from 'vitest';
import { contrast, interactionContrast } from '../../../src/models/emmeans/contrast.js';
import { marginalMeans } from '../../../src/models/emmeans/marginal-means.js';
import { fitLmm } from '../../../src/models/lmm/fit.js';
import { ArgumentError } from '../../../src/errors/index.js';
import { LMM_DF, LMM_FIXED, LMM_P, P_FLOOR } from '../../tolerances.js';
import { expectRel, fixtureColumns, loadFixture } from '../fixture-helpers.js';

const fx = loadFixture('sft-lmm');
const levels = { arm: ['control', 'SFT'], visit: ['baseline', '9m', '15m'] };

const models = [
  ['pn_explicit', 'Satterthwaite', 'pn_explicit_satterthwaite'],
  ['pn_explicit', 'Kenward-Roger', 'pn_explicit_kenward-roger'],
  ['pn_post', 'Satterthwaite', 'pn_post_satterthwaite'],
  ['pn_post', 'Kenward-Roger', 'pn_post_kenward-roger'],
] as const;

describe.each(models)('%s with %s df', (model, ddf, key) => {
  const r = fx.emmeans[key];
  const fit = fitLmm(fx.fits[model].formula, fixtureColumns(fx.data.sft), { levels });
  const mm = marginalMeans(fit, ['arm', 'visit'], { by: ['visit'], ddf });

  it('gives emmeans means, SEs, df and intervals', () => {
    const e = r.emmeans;
    expect(mm.rows.map((x) => [x.levels.arm, x.levels.visit])).toEqual(e.arm.map((a: string, i: number) => [a, e.visit[i]]));
    mm.rows.forEach((row, i) => {
      expectRel(row.estimate, e.emmean[i], LMM_FIXED, e.SE[i], 'emmean');
      expectRel(row.se, e.SE[i], LMM_FIXED, 0, 'SE');
      expectRel(row.df, e.df[i], LMM_DF, 0, 'df');
      expectRel(row.ci![0], e['lower.CL'][i], LMM_FIXED, e.SE[i], 'lower');
      expectRel(row.ci![1], e['upper.CL'][i], LMM_FIXED, e.SE[i], 'upper');
    });
    expect(mm.L).toEqual(e.linfct.rows);
  });

  it('gives the arm difference at each visit (revpairwise), unadjusted and Holm across visits', () => {
    const c = contrast(mm, 'revpairwise');
    const e = r.pairsByVisit;
    expect(c.rows.map((x) => x.contrast)).toEqual(e.contrast);
    expect(c.rows.map((x) => x.by.visit)).toEqual(e.visit);
    c.rows.forEach((row, i) => {
      expectRel(row.estimate, e.estimate[i], LMM_FIXED, e.SE[i], 'estimate');
      expectRel(row.se, e.SE[i], LMM_FIXED, 0, 'SE');
      expectRel(row.df, e.df[i], LMM_DF, 0, 'df');
      expectRel(row.statistic, e['t.ratio'][i], LMM_FIXED, 1, 't');
      expectRel(row.pValue, e['p.value'][i], LMM_P, P_FLOOR, 'p');
    });
    const h = contrast(mm, 'revpairwise', { adjust: 'holm', family: 'all' });
    const eh = r.pairsHolmAcrossVisits;
    h.rows.forEach((row, i) => {
      expectRel(row.pValue, eh['p.value'][i], LMM_P, P_FLOOR, 'holm p');
      expectRel(row.ci![0], eh['lower.CL'][i], LMM_FIXED, eh.SE[i], 'bonferroni lower');
      expectRel(row.ci![1], eh['upper.CL'][i], LMM_FIXED, eh.SE[i], 'bonferroni upper');
      expect(row.adjust).toBe('holm');
    });
  });

  it('gives the difference in change from baseline (interaction contrasts)', () => {
    const mm2 = marginalMeans(fit, ['arm', 'visit'], { ddf });
    const c = interactionContrast(mm2, { arm: 'revpairwise', visit: 'trt.vs.ctrl' });
    const e = r.interaction;
    c.rows.forEach((row, i) => {
      expect(row.contrast).toBe(`${e.arm_revpairwise[i]} : ${e['visit_trt.vs.ctrl'][i]}`);
      expectRel(row.estimate, e.estimate[i], LMM_FIXED, e.SE[i], 'estimate');
      expectRel(row.se, e.SE[i], LMM_FIXED, 0, 'SE');
      expectRel(row.df, e.df[i], LMM_DF, 0, 'df');
      expectRel(row.pValue, e['p.value'][i], LMM_P, P_FLOOR, 'p');
    });
    const ch = interactionContrast(mm2, { arm: 'revpairwise', visit: 'trt.vs.ctrl' }, { adjust: 'holm' });
    ch.rows.forEach((row, i) => expectRel(row.pValue, r.interactionHolm['p.value'][i], LMM_P, P_FLOOR, 'holm p'));
  });

  it('gives custom contrasts with explicit weights', () => {
    const mm2 = marginalMeans(fit, ['arm', 'visit'], { ddf });
    const e = r.customContrasts;
    const c = contrast(mm2, e.gridWeights as Record<string, number[]>);
    c.rows.forEach((row, i) => {
      expect(row.contrast).toBe(e.contrast[i]);
      expectRel(row.estimate, e.estimate[i], LMM_FIXED, e.SE[i], 'estimate');
      expectRel(row.se, e.SE[i], LMM_FIXED, 0, 'SE');
      expectRel(row.df, e.df[i], LMM_DF, 0, 'df');
      expectRel(row.ci![0], e['lower.CL'][i], LMM_FIXED, e.SE[i], 'lower');
    });
    expect(c.L).toEqual(e.linfct.rows);
  });
});

describe('marginalMeans: choices and bad input', () => {
  const fit = fitLmm(fx.fits.pn_explicit.formula, fixtureColumns(fx.data.sft), { levels });
  it('averages over factors not in specs with equal weights', () => {
    const byArm = marginalMeans(fit, ['arm']);
    const both = marginalMeans(fit, ['arm', 'visit']);
    const ctrl = both.rows.filter((r) => r.levels.arm === 'control').map((r) => r.estimate);
    expect(byArm.averagedOver).toEqual(['visit']);
    expect(byArm.rows[0]!.estimate!).toBeCloseTo(ctrl.reduce((a, b) => a! + b!, 0)! / ctrl.length, 10);
  });
  it('rejects a spec that is not a fixed-effect factor, and custom weights of the wrong length', () => {
    expect(() => marginalMeans(fit, ['id'])).toThrow(ArgumentError);
    expect(() => marginalMeans(fit, ['nope'])).toThrow(/specs/);
    const mm = marginalMeans(fit, ['arm', 'visit'], { by: ['visit'] });
    expect(() => contrast(mm, { bad: [1, -1, 0] })).toThrow(/method\.bad/);
  });
  it('marks a mean in an empty cell as not estimable instead of inventing it', () => {
    const cols = fixtureColumns(fx.data.sft);
    // Remove every SFT measurement at 15m: the arm × visit cell is empty.
    const keep = (cols.arm as string[]).map((a, i) => !(a === 'SFT' && (cols.visit as string[])[i] === '15m'));
    const sub = Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, v.filter((_, i) => keep[i])]));
    const f2 = fitLmm('score ~ arm * visit + (1 | id)', sub, { levels });
    expect(f2.droppedColumns).toEqual(['armSFT:visit15m']);
    expect(f2.diagnostics.map((d) => d.code)).toContain('rank-deficient');
    const mm = marginalMeans(f2, ['arm', 'visit']);
    const cell = mm.rows.find((r) => r.levels.arm === 'SFT' && r.levels.visit === '15m')!;
    expect(cell.estimable).toBe(false);
    expect(cell.estimate).toBeNull();
    expect(cell.ci).toBeNull();
    expect(cell.reason).toContain('no data to separate it');
    expect(mm.rows.filter((r) => r.estimable)).toHaveLength(5);
  });
});
