/**
 * An MMRM fit reads through the same marginal means, contrasts and type III tests as an LMM
 * (its registered LinearModelView): the arm difference at the reference visit is the arm
 * coefficient (same estimate, SE and df, Satterthwaite and Kenward–Roger), and a one-df test
 * is the coefficient's t².
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitMmrm } from '../../../src/models/mmrm/fit.js';
import { anova } from '../../../src/models/emmeans/anova.js';
import { contrast } from '../../../src/models/emmeans/contrast.js';
import { marginalMeans } from '../../../src/models/emmeans/marginal-means.js';
import { unreportableNumbers } from '../../../src/results/not-estimable.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fx: any = JSON.parse(readFileSync(new URL('../../fixtures/r/mmrm/mmrm.json', import.meta.url), 'utf8'));
const levels = { visit: ['m3', 'm6', 'm9', 'm15'], arm: ['control', 'SFT'] };

describe('marginal means, contrasts and anova of an MMRM', () => {
  for (const ddf of ['Satterthwaite', 'Kenward-Roger'] as const) {
    it(`${ddf}: the arm contrast at the reference visit is the arm coefficient`, () => {
      const fit = fitMmrm('score ~ baseline + arm * visit + ar1h(visit | id)', fx.data, { levels, ddf });
      const mm = marginalMeans(fit, ['arm'], { by: ['visit'] });
      expect(mm.rows).toHaveLength(8);
      const c = contrast(mm, 'revpairwise');
      const atRef = c.rows.find((r) => r.by['visit'] === 'm3')!;
      const coef = fit.fixedEffects.find((r) => r.term === 'armSFT')!;
      expect(atRef.contrast).toBe('SFT - control');
      expect(atRef.estimate).toBeCloseTo(coef.estimate, 10);
      expect(atRef.se! / coef.se! - 1).toBeLessThan(1e-10);
      expect(Math.abs(atRef.df! / coef.df! - 1)).toBeLessThan(1e-8);
      // At the last visit: armSFT + armSFT:visitm15, with its own df.
      const last = c.rows.find((r) => r.by['visit'] === 'm15')!;
      const inter = fit.fixedEffects.find((r) => r.term === 'armSFT:visitm15')!;
      expect(last.estimate).toBeCloseTo(coef.estimate + inter.estimate, 10);
      expect(unreportableNumbers(c)).toEqual([]);
      const tab = anova(fit);
      const base = tab.rows.find((r) => r.term === 'baseline')!;
      const b = fit.fixedEffects.find((r) => r.term === 'baseline')!;
      expect(base.numDf).toBe(1);
      expect(base.statistic! / b.statistic! ** 2 - 1).toBeLessThan(1e-8);
      expect(Math.abs(base.denDf! / b.df! - 1)).toBeLessThan(1e-8);
      expect(tab.rows.find((r) => r.term === 'arm:visit')!.numDf).toBe(3);
    });
  }

  it('covariance per arm: one Σ per arm, correlations with a unit diagonal', () => {
    const fit = fitMmrm('score ~ baseline + arm * visit + ar1h(visit | arm / id)', fx.data, { levels });
    expect(fit.covariance.map((c) => c.group)).toEqual(['control', 'SFT']);
    for (const c of fit.covariance) {
      c.correlation.forEach((row, a) => expect(row[a]).toBe(1));
      expect(c.sd[2]! ** 2).toBeCloseTo(c.covariance[2]![2]!, 10);
    }
    expect(fit.thetaNames).toHaveLength(10);
    expect(fit.nSubjects).toBe(140);
  });
});
