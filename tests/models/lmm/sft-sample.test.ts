/**
 * The whole path on the committed synthetic SFT sample (drawn by rcteval's generator):
 * CSV loaders → validateTrial → trialToRows → fitLmm with partialNesting → marginal means
 * and contrasts, against lme4/lmerTest/emmeans fitted in R on the same CSV files.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCsvFile } from '../../../src/data/read-file.js';
import { trialToRows, validateTrial } from '../../../src/data/validate.js';
import { contrast, interactionContrast } from '../../../src/models/emmeans/contrast.js';
import { marginalMeans } from '../../../src/models/emmeans/marginal-means.js';
import { fitLmm } from '../../../src/models/lmm/fit.js';
import { LMM_DF, LMM_FIXED, LMM_OBJECTIVE, LMM_P, P_FLOOR } from '../../tolerances.js';
import { expectRel, loadFixture } from '../fixture-helpers.js';

const fx = loadFixture('sft-sample');
const sample = (f: string) => new URL(`../../../data-samples/${f}`, import.meta.url);
const design = {
  arms: ['control', 'SFT'],
  visits: ['baseline', '9m', '15m'],
  instruments: ['PSP', 'MHRM', 'WHO5', 'EQ5D_INDEX', 'EQ5D_VAS'],
  ungroupedArms: ['control'],
};

describe('the committed SFT sample, end to end, against R', async () => {
  const participants = await readCsvFile(sample('sft-participants.csv').pathname, { table: 'participants', numericColumns: ['bed_days', 'support_hours'] });
  const measurements = await readCsvFile(sample('sft-measurements.csv').pathname, { table: 'measurements' });
  const trial = validateTrial({ participants, measurements }, { design });

  it('uses the files the fixture was made from', () => {
    const md5 = (f: string) => createHash('md5').update(readFileSync(sample(f))).digest('hex');
    expect(md5('sft-participants.csv')).toBe(fx.sampleMd5.participants);
    expect(md5('sft-measurements.csv')).toBe(fx.sampleMd5.measurements);
  });

  for (const [key, instrument] of [['psp', 'PSP'], ['mhrm', 'MHRM']] as const) {
    it(`${instrument}: the partially nested arm × visit model and its contrasts agree with lme4/emmeans`, () => {
      const r = fx.fits[key];
      const fit = fitLmm('score ~ arm * visit + (1 | id)', trialToRows(trial, { instrument }), {
        levels: { arm: design.arms, visit: design.visits },
        partialNesting: { cluster: 'group', arm: 'arm', treated: 'SFT' },
      });
      expect(fit.nObs).toBe(r.nobs);
      expect(fit.nGroups.id).toBe(r.ngrps.id);
      expect(fit.nGroups.group).toBe(r.ngrps.group - 1); // R counts the placeholder group
      expectRel(fit.remlCriterion!, r.remlCriterion, LMM_OBJECTIVE, 1, 'REML criterion');
      expect(fit.singular).toBe(r.isSingular);
      fit.fixedEffects.forEach((row, j) => {
        expect(row.term).toBe(r.fixef.term[j]);
        expectRel(row.estimate, r.fixef.estimate[j], LMM_FIXED, r.fixef.se[j], row.term);
        expectRel(row.se, r.fixef.se[j], LMM_FIXED, 0, row.term);
        expectRel(row.df, r.satterthwaite.df[j], LMM_DF, 0, `df ${row.term}`);
      });
      const e = fx.emmeans[key];
      const diff = contrast(marginalMeans(fit, ['arm', 'visit'], { by: ['visit'] }), 'revpairwise');
      diff.rows.forEach((row, i) => {
        expect(row.by.visit).toBe(e.pairsByVisit.visit[i]);
        expectRel(row.estimate, e.pairsByVisit.estimate[i], LMM_FIXED, e.pairsByVisit.SE[i], 'arm difference');
        expectRel(row.se, e.pairsByVisit.SE[i], LMM_FIXED, 0, 'SE');
        expectRel(row.df, e.pairsByVisit.df[i], LMM_DF, 0, 'df');
        expectRel(row.ci![0], e.pairsByVisit['lower.CL'][i], LMM_FIXED, e.pairsByVisit.SE[i], 'lower');
      });
      const did = interactionContrast(marginalMeans(fit, ['arm', 'visit']), { arm: 'revpairwise', visit: 'trt.vs.ctrl' });
      did.rows.forEach((row, i) => {
        expectRel(row.estimate, e.interaction.estimate[i], LMM_FIXED, e.interaction.SE[i], 'difference in change');
        expectRel(row.pValue, e.interaction['p.value'][i], LMM_P, P_FLOOR, 'p');
      });
    });
  }
});
