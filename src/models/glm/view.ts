/**
 * The linear-model view of a GLM fit, so that `marginalMeans`, `contrast`,
 * `interactionContrast` and `anova` work on `fitGlm` results on the link scale, with the
 * response-scale step of response-scale.ts on top.
 *
 * Degrees of freedom follow emmeans for glm objects: the residual df n − p when the
 * dispersion is estimated (gaussian, gamma; t and F), ∞ otherwise (binomial, poisson,
 * negative binomial; z and Wald χ²/q). `ddf: 'asymptotic'` gives ∞ for every family.
 * The covariance is the fit's own (classical, HC or CR).
 */
import { ArgumentError } from '../../errors/index.js';
import { frameViewParts, registerViewFactory, type LinearModelView } from '../emmeans/view.js';
import { waldStatistic } from '../ols/contrast-df.js';
import type { ModelFrame } from '../../formula/frame.js';
import type { Family } from './family.js';
import { getGlmState, glmNullBasis } from './state.js';
import type { GlmFit } from './types.js';

/**
 * Registers the linear-model view of GLM fits, so that marginalMeans, contrast and anova
 * accept them. Called by fit.ts when it loads: a call, not a bare `import './view.js'`, so
 * that bundlers keep it under the package's `"sideEffects": false`.
 */
export function registerGlmView(): void {
  registerViewFactory(
    (fit) => (fit as { kind?: string }).kind === 'glm' && getGlmState(fit as GlmFit) !== undefined,
    (fit, requested): LinearModelView => {
      const g = fit as GlmFit;
      const s = getGlmState(g)!;
      let df: number;
      let ddf: string;
      if (requested === undefined || requested === 'residual') {
        df = s.family.estimatesDispersion ? g.dfResidual : Infinity;
        ddf = s.family.estimatesDispersion ? `residual (n − p = ${g.dfResidual}; estimated dispersion)` : 'asymptotic (z; dispersion fixed at 1)';
      } else if (requested === 'asymptotic') {
        df = Infinity;
        ddf = 'asymptotic';
      } else {
        throw new ArgumentError('options.ddf', requested, '"residual" (the default for a GLM: residual df when the dispersion is estimated, else ∞) or "asymptotic"');
      }
      return linkModelView(s, df, ddf, glmNullBasis(s));
    },
  );
}

/**
 * The view of a model with a link on its fit rows: β, V, df (constant, as for GLMs and GLMMs),
 * the family's inverse link and the mean offset of the rows (emmeans's default). Shared by the
 * GLM and GLMM views.
 */
export function linkModelView(
  s: { frame: ModelFrame; kept: number[]; beta: Float64Array; vcov: Float64Array; offset: Float64Array | null; family: Family },
  df: number,
  ddf: string,
  nullBasis: number[][],
): LinearModelView {
  let meanOffset = 0;
  if (s.offset) {
    for (let i = 0; i < s.offset.length; i++) meanOffset += s.offset[i]!;
    meanOffset /= s.offset.length;
  }
  const f = s.family;
  const r = s.kept.length;
  return {
    ddf,
    ...frameViewParts(s.frame, s.kept, s.beta, nullBasis),
    vcov: s.vcov,
    df: () => df,
    dfF: (Ls) => {
      const { Q, q } = waldStatistic(s.beta, s.vcov, Ls, r);
      return { F: Q / q, numDf: q, denDf: df };
    },
    response: { family: f.name, link: f.link, linkinv: (e) => f.linkinv(e), muEta: (e) => f.muEta(e) },
    offset: meanOffset,
  };
}
