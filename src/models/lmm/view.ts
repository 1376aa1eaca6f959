/**
 * The linear-model view of an LMM fit: Satterthwaite (default) or Kenward–Roger df and,
 * for Kenward–Roger, the adjusted covariance (as emmeans with `lmer.df`).
 */
import { ArgumentError } from '../../errors/index.js';
import { frameViewParts, registerViewFactory, type LinearModelView } from '../emmeans/view.js';
import { contrastToInternal } from '../centring.js';
import { krAdjustment, krDdf } from './kenward-roger.js';
import { satterthwaiteDf, satterthwaiteF, unidentifiedReason, vcovFromFactor, waldF } from './satterthwaite.js';
import { getState } from './state.js';
import type { LmmFit } from './types.js';

/**
 * Registers the linear-model view of LMM fits, so that marginalMeans, contrast and anova
 * accept them. Called by fit.ts when it loads: a call, not a bare `import './view.js'`, so
 * that bundlers keep it under the package's `"sideEffects": false`.
 */
export function registerLmmView(): void {
  registerViewFactory(
    (fit) => (fit as { kind?: string }).kind === 'lmm' && getState(fit as LmmFit) !== undefined,
    (fit, ddf): LinearModelView => {
      const s = getState(fit as LmmFit)!;
      const method = ddf ?? (fit as LmmFit).ddf;
      const base = {
        ...frameViewParts(s.frame, s.kept, s.beta, s.nullBasis),
        notEstimable: (L: Float64Array) => unidentifiedReason(s, L),
      };
      const p = s.kept.length;
      // L'VL as L̃'ṼL̃ of the internal (centred, scaled) coefficients, L̃ = T'L (see centring.ts).
      const internalVariance = (Vi: () => Float64Array) => (L: Float64Array) => {
        const V = Vi();
        const Li = contrastToInternal(s.objective.plan, L);
        let v = 0;
        for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) v += Li[i]! * V[i * p + j]! * Li[j]!;
        return v;
      };
      let vi: Float64Array | null = null;
      const vcovInternal = () => (vi ??= vcovFromFactor(s.objective.evaluate(s.params).Lx, p, s.sigma));
      if (method === 'Satterthwaite') {
        return {
          ...base,
          ddf: 'Satterthwaite',
          vcov: s.vcov,
          variance: internalVariance(vcovInternal),
          df: (L) => satterthwaiteDf(s, L),
          dfF: (Ls) => satterthwaiteF(s, Ls.map((l) => Array.from(l))),
        };
      }
      if (method === 'Kenward-Roger') {
        const kr = krAdjustment(s);
        return {
          ...base,
          ddf: 'Kenward-Roger',
          vcov: kr.PhiA,
          variance: internalVariance(() => kr.PhiAi),
          df: (L) => krDdf(kr, [Array.from(L)], p),
          dfF: (Ls) => {
            const rows = Ls.map((l) => Array.from(l));
            return { ...waldF(s.beta, kr.PhiA, rows, p), denDf: krDdf(kr, rows, p) };
          },
        };
      }
      if (method === 'asymptotic') return { ...base, ddf: 'asymptotic', vcov: s.vcov, variance: internalVariance(vcovInternal), df: () => Infinity };
      throw new ArgumentError('options.ddf', method, '"Satterthwaite", "Kenward-Roger" or "asymptotic"');
    },
  );
}
