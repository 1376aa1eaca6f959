/**
 * The linear-model view of an OLS fit, so that `marginalMeans`, `contrast`,
 * `interactionContrast` and `anova` work on `fitOls` results with the fit's own covariance:
 *
 * | vcov | ddf | df of a contrast c'β | F test of Cβ = 0 |
 * |---|---|---|---|
 * | classical | residual | n − p | exact F(q, n − p) |
 * | HC or CR types | residual | n − p | Wald F with the sandwich V on (q, n − p), as `lmtest::waldtest(vcov = V)` |
 * | CR types | naive-t | G − 1 | Wald F on (q, G − 1), clubSandwich's "Naive-F" |
 * | any | asymptotic | ∞ | χ²/q on (q, ∞) |
 * | HC or CR types | Satterthwaite | Satterthwaite for c (contrast-df.ts) | HTZ (contrast-df.ts) |
 *
 * The Satterthwaite df of a contrast are those of `clubSandwich::linear_contrast`; the HTZ test
 * is `clubSandwich::Wald_test(test = "HTZ")` (Pustejovsky & Tipton 2018).
 */
import { ArgumentError } from '../../errors/index.js';
import { nullBasis } from '../../linalg/dense.js';
import { frameViewParts, registerViewFactory, type LinearModelView } from '../emmeans/view.js';
import { htzTest, satterthwaiteContrastDf, waldStatistic } from './contrast-df.js';
import { crossProducts, shiftContrast } from './least-squares.js';
import { sandwichCovariance, sandwichSettings } from './sandwich.js';
import { getOlsState, type OlsState } from './state.js';
import type { OlsFit } from './types.js';

function nullSpace(s: OlsState): number[][] {
  if (s.nullBasis) return s.nullBasis;
  const { ls, frame } = s;
  if (ls.aliased.length === 0) {
    s.nullBasis = [];
    return s.nullBasis;
  }
  const pAll = frame.spec.columnNames.length;
  const { XtX } = crossProducts(frame.X, frame.y, frame.n, pAll);
  s.nullBasis = nullBasis(XtX, pAll, ls.kept, ls.aliased);
  return s.nullBasis;
}

/**
 * Registers the linear-model view of OLS fits, so that marginalMeans, contrast and anova
 * accept them. Called by fit.ts when it loads: a call, not a bare `import './view.js'`, so
 * that bundlers keep it under the package's `"sideEffects": false`.
 */
export function registerOlsView(): void {
  registerViewFactory(
    (fit) => (fit as { kind?: string }).kind === 'ols' && getOlsState(fit as OlsFit) !== undefined,
    (fit, requested): LinearModelView => {
      const s = getOlsState(fit as OlsFit)!;
      const r = s.ls.r;
      // c'Vc as c_s'V_s c_s in the shifted parameterisation (least-squares.ts), computed once.
      let Vs: Float64Array | null = null;
      const variance = (c: Float64Array): number => {
        if (!Vs) {
          if (s.vcovType === 'classical') Vs = s.ls.Ms.map((m) => (m * s.ls.rss) / s.dfResidual);
          else {
            const { scale } = sandwichSettings(s.vcovType, s.ls.n, r, s.clusters ? s.clusters.G : s.ls.n);
            Vs = sandwichCovariance(s.ls, s.clusters, s.adjustment, scale, false).shifted;
          }
        }
        const cs = shiftContrast(s.ls, c);
        let v = 0;
        for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) v += cs[i]! * Vs[i * r + j]! * cs[j]!;
        return v;
      };
      const base = {
        ...frameViewParts(s.frame, s.ls.kept, s.ls.beta, nullSpace(s)),
        vcov: s.vcov,
        variance,
      };
      const robust = s.vcovType !== 'classical';
      let method: string = requested ?? s.ddf;
      if (method === 'Kenward-Roger') {
        throw new ArgumentError('options.ddf', method, '"Satterthwaite", "residual", "naive-t" or "asymptotic" for an OLS fit (Kenward–Roger belongs to mixed models)');
      }
      // With the classical covariance the residual df are exact, which is what Satterthwaite's
      // approximation would reproduce.
      if (method === 'Satterthwaite' && !robust) method = 'residual';
      const wald = (Ls: Float64Array[]) => {
        const { Q, q } = waldStatistic(s.ls.beta, s.vcov, Ls, r);
        return { F: Q / q, numDf: q };
      };
      switch (method) {
        case 'residual':
          return {
            ...base,
            ddf: `residual (n − p = ${s.dfResidual})`,
            df: () => s.dfResidual,
            dfF: (Ls) => ({ ...wald(Ls), denDf: s.dfResidual }),
          };
        case 'naive-t': {
          if (!s.clusters) throw new ArgumentError('options.ddf', method, 'a cluster-robust fit (naive-t uses G − 1 clusters)');
          const G = s.clusters.G;
          return { ...base, ddf: `naive-t (G − 1 = ${G - 1})`, df: () => G - 1, dfF: (Ls) => ({ ...wald(Ls), denDf: G - 1 }) };
        }
        case 'asymptotic':
          return { ...base, ddf: 'asymptotic', df: () => Infinity, dfF: (Ls) => ({ ...wald(Ls), denDf: Infinity }) };
        case 'Satterthwaite':
          return {
            ...base,
            ddf: `Satterthwaite (${s.vcovType}; F tests: HTZ)`,
            df: (L) => satterthwaiteContrastDf(s, L),
            dfF: (Ls) => {
              const t = htzTest(s, Ls);
              return { F: t.F, numDf: t.numDf, denDf: t.denDf };
            },
          };
        default:
          throw new ArgumentError('options.ddf', method, '"Satterthwaite", "residual", "naive-t" or "asymptotic"');
      }
    },
  );
}
