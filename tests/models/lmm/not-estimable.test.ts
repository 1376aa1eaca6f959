/**
 * Variance components REML cannot see (tests/fixtures/r/not-estimable/one-group.R). One therapy
 * group under partial nesting: the
 * group's random effect is collinear with the armSFT column, so REML cannot see the group
 * variance (lme4's REML criterion is the same at every group SD: the fixture's `ridge`), and
 * any SE that depends on it is arbitrary (lme4 reports 16.5 for armSFT and fails to converge).
 * rcteval says so: a named diagnostic and not-estimable rows, the other rows as lme4's.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { anova } from '../../../src/models/emmeans/anova.js';
import { contrast } from '../../../src/models/emmeans/contrast.js';
import { marginalMeans } from '../../../src/models/emmeans/marginal-means.js';
import { fitLmm } from '../../../src/models/lmm/fit.js';
import { unreportableNumbers } from '../../../src/results/not-estimable.js';
import { expectRel } from '../fixture-helpers.js';

const fx = JSON.parse(readFileSync(new URL('../../fixtures/r/not-estimable/one-group.json', import.meta.url), 'utf8'));
const levels = { arm: ['control', 'SFT'], visit: ['baseline', '9m', '15m'] };
const pn = { cluster: 'therapy_group', arm: 'arm', treated: 'SFT' };

describe('one therapy group under partial nesting', () => {
  it('the fixture shows the flat REML ridge in the group SD', () => {
    const r: number[] = fx.ridge.remlCriterion;
    expect(Math.max(...r) - Math.min(...r)).toBeLessThan(1e-6);
  });

  for (const ddf of ['Satterthwaite', 'Kenward-Roger', 'asymptotic'] as const) {
    it(`${ddf}: named diagnostic, arm rows not estimable, the rest as lme4`, () => {
      const fit = fitLmm('score ~ arm * visit + (1 | id)', fx.data, { levels, partialNesting: pn, ddf });
      expectRel(fit.remlCriterion!, fx.remlCriterion, 1e-8, 1, 'REML criterion');
      const d = fit.diagnostics.find((x) => x.code === 'random-term-one-level')!;
      expect(d.severity).toBe('error');
      expect(d.message).toMatch(/only one "therapy_group" \("G01"\)/);
      expect(fit.diagnostics.map((x) => x.code)).toContain('coefficient-not-estimable');
      fit.fixedEffects.forEach((row, j) => {
        expect(row.term).toBe(fx.fixef.term[j]);
        expectRel(row.estimate, fx.fixef.estimate[j], 1e-5, fx.fixef.se[j], row.term);
        if (row.term === 'armSFT') {
          expect(row).toMatchObject({ estimable: false, se: null, df: null, statistic: null, pValue: null, ci: null });
          expect(row.reason).toMatch(/variance between therapy_groups cannot be estimated/);
        } else {
          expect(row.estimable, row.term).toBe(true);
          // The rows within participants do not involve the group variance: lme4's numbers.
          if (ddf !== 'Kenward-Roger') expectRel(row.se, fx.fixef.se[j], 1e-4, 0, `${row.term} se`);
          if (ddf === 'Satterthwaite') expectRel(row.df, fx.fixef.df[j], 1e-2, 0, `${row.term} df`);
        }
      });
      const pairs = contrast(marginalMeans(fit, ['arm', 'visit'], { by: ['visit'] }), 'revpairwise');
      pairs.rows.forEach((p, i) => {
        expect(p.estimable).toBe(false);
        expectRel(p.estimate, fx.pairs.estimate[i], 1e-5, fx.pairs.SE[i], `pair ${i}`);
        expect(p.ci).toBeNull();
      });
      if (ddf !== 'asymptotic') {
        const tab = anova(fit, { ddf });
        expect(tab.rows.find((r) => r.term === 'arm')).toMatchObject({ estimable: false, pValue: null });
        expect(tab.rows.find((r) => r.term === 'arm:visit')!.estimable).toBe(true);
      }
      // df = Infinity is the documented normal reference of ddf 'asymptotic', not a failure.
      const bad = unreportableNumbers({ fe: fit.fixedEffects, pairs: pairs.rows }).filter((p) => !(ddf === 'asymptotic' && p.endsWith('.df')));
      expect(bad).toEqual([]);
    });
  }
});

describe('one participant per arm', () => {
  const o = fx.onePerArm;
  it('the fixture shows the flat REML ridge in the participant SD', () => {
    const r: number[] = o.ridge.remlCriterion;
    expect(Math.max(...r) - Math.min(...r)).toBeLessThan(1e-9);
  });

  for (const ddf of ['Satterthwaite', 'Kenward-Roger', 'asymptotic'] as const) {
    it(`${ddf}: the between-participant rows are not estimable (no confident arbitrary p-value), the visit rows are`, () => {
      const fit = fitLmm('score ~ arm + visit + (1 | id)', o.data, { levels: { visit: ['b', 'm9', 'm15'] }, ddf });
      expectRel(fit.remlCriterion!, o.ridge.remlCriterion[0], 1e-8, 1, 'REML criterion');
      expect(fit.diagnostics.map((d) => d.code)).toContain('coefficient-not-estimable');
      for (const row of fit.fixedEffects) {
        const between = row.term === '(Intercept)' || row.term === 'armT';
        expect(row.estimable, row.term).toBe(!between);
        if (between) {
          expect(row).toMatchObject({ se: null, df: null, pValue: null, ci: null });
          expect(row.reason).toMatch(/Satterthwaite degrees of freedom are numerically zero/);
        }
      }
    });
  }
});
