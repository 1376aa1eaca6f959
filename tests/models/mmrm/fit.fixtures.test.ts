/**
 * fitMmrm against the committed R fixture (tests/fixtures/r/mmrm/mmrm.R): nlme::gls for us,
 * cs, csh, ar1, ar1h (REML and ML); glmmTMB (dispformula ~ 0) for toep, toeph, us per arm and
 * the partially nested MMRM; a dense implementation of mmrm's definitions for every structure's
 * log-likelihood, coefficients, SEs, Satterthwaite and Kenward–Roger df and adjusted SEs; and
 * lmerTest's Satterthwaite df of the compound-symmetry model. Tolerances: tests/tolerances.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitMmrm } from '../../../src/models/mmrm/fit.js';
import type { MmrmFit, MmrmOptions } from '../../../src/models/mmrm/types.js';
import { linearModelView } from '../../../src/models/emmeans/view.js';
import { MMRM_DF, MMRM_FIXED, MMRM_GLMMTMB_LOGLIK, MMRM_LOGLIK, MMRM_VARIANCE } from '../../tolerances.js';
import { expectRel } from '../fixture-helpers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fx: any = JSON.parse(readFileSync(new URL('../../fixtures/r/mmrm/mmrm.json', import.meta.url), 'utf8'));
const GLS = new Set(['us-reml', 'us-ml', 'cs', 'csh', 'ar1', 'ar1-ml', 'ar1h']);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fits = new Map<string, MmrmFit>();
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function fitted(c: any): MmrmFit {
  let f = fits.get(c.name);
  if (!f) {
    f = fitMmrm(c.formula, fx.data, c.options as MmrmOptions);
    fits.set(c.name, f);
  }
  return f;
}

/** SE and df of each coefficient by another df method of the same fit (its linear-model view; fitMmrm's rows use the same functions). */
function rowsBy(fit: MmrmFit, ddf: 'Kenward-Roger' | 'Kenward-Roger-Linear'): { se: number; df: number }[] {
  const view = linearModelView(fit, ddf);
  const p = fit.fixedEffects.length;
  return fit.fixedEffects.map((_, j) => {
    const L = new Float64Array(p);
    L[j] = 1;
    return { se: Math.sqrt(view.variance!(L)), df: view.df(L) };
  });
}

describe('fitMmrm agrees with R', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  for (const c of fx.cases as any[]) {
    it(`${c.name}: ${c.formula}`, () => {
      const fit = fitted(c);
      expect(fit.optimizer.converged).toBe(true);
      const d = c.dense;
      expect(fit.fixedEffects.map((r) => r.term)).toEqual(d.names);
      // The dense implementation of mmrm's definitions, converged tightly: every quantity.
      expectRel(fit.logLik, d.logLik, MMRM_LOGLIK, 1, `${c.name} logLik`);
      fit.fixedEffects.forEach((r, j) => {
        expectRel(r.estimate, d.beta[j], MMRM_FIXED, d.se[j], `${c.name} ${r.term} estimate`);
        expectRel(r.se, d.se[j], MMRM_FIXED, 0, `${c.name} ${r.term} se`);
        expectRel(r.df, d.satterthwaite[j], MMRM_DF, 0, `${c.name} ${r.term} Satterthwaite df`);
      });
      if (d.theta && !c.options.partialNesting) fit.theta.forEach((t, j) => expectRel(t, d.theta[j], MMRM_VARIANCE, 1, `${c.name} theta[${j}]`));
      if (d.clusterSd) expectRel(fit.clusterVariance!.sd, d.clusterSd, MMRM_VARIANCE, 0.01, `${c.name} cluster SD`);
      if (d.krDf) {
        const kr = rowsBy(fit, 'Kenward-Roger');
        const krLinear = rowsBy(fit, 'Kenward-Roger-Linear');
        kr.forEach((r, j) => {
          expectRel(r.df, d.krDf[j], MMRM_DF, 0, `${c.name} ${d.names[j]} KR df`);
          expectRel(r.se, d.krSe[j], MMRM_FIXED, 0, `${c.name} ${d.names[j]} KR se`);
          expectRel(krLinear[j]!.se, d.krLinearSe[j], MMRM_FIXED, 0, `${c.name} ${d.names[j]} KR-linear se`);
          expect(krLinear[j]!.df).toBe(r.df);
        });
      }
      // The packages' own fits.
      const ref = c.reference;
      if (GLS.has(c.name)) {
        expectRel(fit.logLik, ref.logLik, MMRM_LOGLIK, 1, `${c.name} gls logLik`);
        // gls stops its optimiser earlier than the dense reference: coefficients to 1e-4 of their SE.
        fit.fixedEffects.forEach((r, j) => expectRel(r.estimate, ref.beta[j], 1e-4, ref.se[j], `${c.name} ${r.term} gls estimate`));
        // gls's ML covariance of β is scaled by N/(N − p) (nlme's choice): compared for REML only.
        if (c.options.reml !== false) fit.fixedEffects.forEach((r, j) => expectRel(r.se, ref.se[j], 1e-4, 0, `${c.name} ${r.term} gls se`));
      } else if (ref.logLik !== undefined) {
        // glmmTMB with the residual variance fixed near zero and its own stopping point.
        expectRel(fit.logLik, ref.logLik, MMRM_GLMMTMB_LOGLIK, 1, `${c.name} glmmTMB logLik`);
      }
    });
  }

  it('compound symmetry: Satterthwaite df equal lmerTest’s for the random-intercept form of the same model', () => {
    const c = fx.cases.find((x: { name: string }) => x.name === 'cs');
    const fit = fitted(c);
    expectRel(fit.logLik, fx.csLmer.logLik, MMRM_LOGLIK, 1, 'cs logLik vs lmer');
    fit.fixedEffects.forEach((r, j) => expectRel(r.df, fx.csLmer.df[j], MMRM_DF, 0, `${r.term} lmerTest df`));
  });
});
