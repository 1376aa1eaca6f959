/**
 * End to end on the synthetic SFT trial: a mixed model's arm difference at a visit, standardized by
 * the baseline SD pooled across arms (Feingold 2009), recovers the generator's true effect in SD units.
 */
import { describe, expect, it } from 'vitest';
import { trialToRows } from '../../src/data/index.js';
import { standardizedModelEffect } from '../../src/effect-size/index.js';
import { fitLmm } from '../../src/models/lmm/fit.js';
import { contrast } from '../../src/models/emmeans/contrast.js';
import { marginalMeans } from '../../src/models/emmeans/marginal-means.js';
import { simulateTrialData } from '../../src/simulate/trial-data.js';

describe('standardizedModelEffect on a fitted mixed model (synthetic SFT trial)', () => {
  it('PSP: d at 9 and 15 months lies within 3 SE of the true 0.3 and 0.12 SD, and takes a contrast row as it is', () => {
    const { data, truth } = simulateTrialData({ seed: 21, nParticipants: 3000 });
    const rows = trialToRows(data, { instrument: 'PSP' });
    const fit = fitLmm('score ~ arm * visit + (1 | id)', rows, {
      levels: { arm: data.design.arms, visit: data.design.visits },
      partialNesting: { cluster: 'group', arm: 'arm', treated: 'SFT' },
    });
    const diff = contrast(marginalMeans(fit, ['arm', 'visit'], { by: ['visit'] }), 'revpairwise');
    const baseline = (arm: string) => rows.filter((r) => r.arm === arm && r.visit === 'baseline' && r.score !== null).map((r) => r.score!);
    const sd = { baseline: { SFT: baseline('SFT'), control: baseline('control') }, control: 'control' };
    for (const visit of ['9m', '15m']) {
      const row = diff.rows.find((r) => r.by.visit === visit)!;
      expect(row.contrast).toBe('SFT - control');
      const d = standardizedModelEffect(row, sd);
      const trueD = truth.effects.PSP![visit]!.sd;
      expect(Math.abs(d.estimate - trueD)).toBeLessThan(3 * d.se);
      expect(d.ci[0]).toBeLessThan(d.estimate);
      expect(d.standardizer.source).toBe('pooled');
      expect(d.estimate!).toBeCloseTo(row.estimate! / d.standardizer.value, 14);
    }
    const d9 = standardizedModelEffect(diff.rows.find((r) => r.by.visit === '9m')!, sd);
    expect(d9.ci[0]).toBeGreaterThan(0);
  });
});
