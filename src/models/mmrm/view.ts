/**
 * The linear-model view of an MMRM fit, so marginal means, contrasts and type III tests
 * (models/emmeans) read an MMRM as they read an LMM: Satterthwaite or Kenward–Roger df and,
 * for Kenward–Roger, the adjusted covariance (as emmeans does with mmrm fits).
 */
import { ArgumentError } from '../../errors/index.js';
import { frameViewParts, registerViewFactory, type LinearModelView } from '../emmeans/view.js';
import { contrastVariance, dfFor, fTest, varianceFor } from './df.js';
import { getMmrmState } from './state.js';
import type { MmrmDdf, MmrmFit } from './types.js';

const METHODS: readonly string[] = ['Satterthwaite', 'Kenward-Roger', 'Kenward-Roger-Linear', 'asymptotic'];

/**
 * Register the MMRM view with the emmeans machinery. Called by fit.ts rather than run on import,
 * so that bundlers honouring `"sideEffects": false` keep it.
 */
export function registerMmrmView(): void {
    registerViewFactory(
    (fit) => (fit as { kind?: string }).kind === 'mmrm' && getMmrmState(fit as MmrmFit) !== undefined,
    (fit, ddf): LinearModelView => {
      const s = getMmrmState(fit as MmrmFit)!;
      const method = (ddf ?? (fit as MmrmFit).ddf) as MmrmDdf;
      if (!METHODS.includes(method)) throw new ArgumentError('options.ddf', method, '"Satterthwaite", "Kenward-Roger", "Kenward-Roger-Linear" or "asymptotic"');
      if ((method === 'Kenward-Roger' || method === 'Kenward-Roger-Linear') && (!s.prob.reml || s.prob.nested)) {
        throw new ArgumentError('options.ddf', method, `"Satterthwaite" for this fit (Kenward–Roger needs a REML fit without partialNesting)`);
      }
      return {
        ddf: method,
        ...frameViewParts(s.frame, s.kept, s.beta, s.nullBasis),
        vcov: varianceFor(s, method).original,
        variance: (L) => contrastVariance(s, method, L),
        df: (L) => dfFor(s, method, [L]),
        dfF: (Ls) => fTest(s, method, Ls),
      };
    },
  );
}
