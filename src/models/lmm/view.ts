/**
 * The linear-model view of an LMM fit: Satterthwaite (default) or Kenward–Roger df and,
 * for Kenward–Roger, the adjusted covariance (as emmeans with `lmer.df`).
 */
import { ArgumentError } from '../../errors/index.js';
import { registerViewFactory, type LinearModelView } from '../emmeans/view.js';
import { krAdjustment, krDdf } from './kenward-roger.js';
import { satterthwaiteDf, satterthwaiteF, unidentifiedReason, waldF } from './satterthwaite.js';
import { getState } from './state.js';
import type { LmmFit } from './types.js';

registerViewFactory(
  (fit) => (fit as { kind?: string }).kind === 'lmm' && getState(fit as LmmFit) !== undefined,
  (fit, ddf): LinearModelView => {
    const s = getState(fit as LmmFit)!;
    const method = ddf ?? (fit as LmmFit).ddf;
    const base = {
      variables: s.frame.variables,
      spec: s.frame.spec,
      kept: s.kept,
      beta: s.beta,
      numericMeans: s.frame.numericMeans,
      nullBasis: s.nullBasis,
      notEstimable: (L: Float64Array) => unidentifiedReason(s, L),
    };
    const p = s.kept.length;
    if (method === 'Satterthwaite') {
      return {
        ...base,
        ddf: 'Satterthwaite',
        vcov: s.vcov,
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
        df: (L) => krDdf(kr, [Array.from(L)], p),
        dfF: (Ls) => {
          const rows = Ls.map((l) => Array.from(l));
          return { ...waldF(s.beta, kr.PhiA, rows, p), denDf: krDdf(kr, rows, p) };
        },
      };
    }
    if (method === 'asymptotic') return { ...base, ddf: 'asymptotic', vcov: s.vcov, df: () => Infinity };
    throw new ArgumentError('options.ddf', method, '"Satterthwaite", "Kenward-Roger" or "asymptotic"');
  },
);
