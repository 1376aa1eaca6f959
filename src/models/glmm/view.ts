/**
 * The linear-model view of a GLMM fit, so that `marginalMeans` (link and response scale,
 * `regrid`), `contrast`, `interactionContrast` and `anova` work on `fitGlmm` results through
 * the same emmeans machinery as GLMs (emmeans/response-scale.ts).
 *
 * As emmeans for glmerMod: β and glmer's `vcov` (2·H⁻¹ of the deviance, or the RX fallback),
 * df ∞ (z and Wald χ²/q), the mean offset of the fit's rows. Means are conditional on the
 * random effects at 0 (a typical participant); `marginal: 'population'` averages the inverse
 * link over a single normal random intercept instead (see docs/methods/glmm.md).
 */
import { ArgumentError } from '../../errors/index.js';
import { registerViewFactory, type LinearModelView, type ResponseScale } from '../emmeans/view.js';
import { nullBasis } from '../../linalg/dense.js';
import { linkModelView } from '../glm/view.js';
import { crossProducts } from '../ols/least-squares.js';
import { getGlmmState, type GlmmState } from './state.js';
import type { GlmmFit } from './types.js';

/**
 * Registers the linear-model view of GLMM fits, so that marginalMeans, contrast and anova
 * accept them. Called by fit.ts when it loads: a call, not a bare `import './view.js'`, so
 * that bundlers keep it under the package's `"sideEffects": false`.
 */
export function registerGlmmView(): void {
  registerViewFactory(
    (fit) => (fit as { kind?: string }).kind === 'glmm' && getGlmmState(fit as GlmmFit) !== undefined,
    (fit, requested): LinearModelView => {
      const g = fit as GlmmFit;
      const s = getGlmmState(g)!;
      if (requested !== undefined && requested !== 'asymptotic') {
        throw new ArgumentError('options.ddf', requested, '"asymptotic" (or omitted): GLMM inference is asymptotic (z and Wald χ²), as emmeans for glmer fits');
      }
      const touches = (L: Float64Array): number | undefined => [...s.notEstimable.keys()].find((j) => L[j] !== 0);
      return {
        ...linkModelView(s, Infinity, 'asymptotic (z; as emmeans for glmer fits)', glmmNullBasis(s)),
        notEstimable: (L) => {
          const j = touches(L);
          return j === undefined ? null : s.notEstimable.get(j)!;
        },
        populationResponse: () => populationResponse(g, s),
      };
    },
  );
}

/**
 * The inverse link averaged over a normal random intercept b ~ N(0, σ²):
 * h(η) = ∫ g⁻¹(η + σz) φ(z) dz and h'(η) = ∫ (dμ/dη)(η + σz) φ(z) dz.
 */
function populationResponse(fit: GlmmFit, s: GlmmState): ResponseScale {
  const terms = s.terms;
  if (terms.length !== 1 || terms[0]!.k !== 1 || terms[0]!.columnNames[0] !== '(Intercept)') {
    throw new ArgumentError(
      'options.marginal',
      'population',
      `a fit with a single random intercept such as "(1 | id)" (this fit has ${terms.map((t) => `(${t.label})`).join(' + ')}); with several random terms the population average depends on which apply to the row`,
    );
  }
  const sigma = fit.varianceComponents[0]!.sd;
  const f = s.family;
  if (f.link === 'inverse' && sigma > 0) {
    throw new ArgumentError(
      'options.marginal',
      'population',
      'a fit with another link than "inverse": the mean 1/(η + σZ) averaged over a normal random intercept does not exist (η + σZ crosses 0); use the log link, or conditional means',
    );
  }
  return {
    family: f.name,
    link: f.link,
    linkinv: (e) => normalAverage((x) => f.linkinv(x), e, sigma),
    muEta: (e) => normalAverage((x) => f.muEta(x), e, sigma),
  };
}

/**
 * E g(η + σZ), Z ~ N(0, 1), by the trapezoid rule on the whole line: z = kh, |z| ≤ 9 + σ,
 * h = min(0.25, 0.3/σ). For integrands analytic in a strip (the inverse links and their
 * derivatives: the logistic's poles lie at Im = ±π/σ in z) the rule converges geometrically in
 * 1/h (Trefethen & Weideman 2014), to ~1e-13 relative for σ up to 8 and for exp(η + σz) (log link;
 * the range reaches its peak at z = σ). A fixed 100-point Gauss–Hermite rule loses accuracy as σ
 * grows (1e-9 at σ = 3, 1e-5 at σ = 5), since g⁻¹(η + σz) becomes a step of width 1/σ.
 */
export function normalAverage(g: (x: number) => number, eta: number, sigma: number): number {
  if (sigma === 0) return g(eta);
  const h = Math.min(0.25, 0.3 / sigma);
  const K = Math.ceil((9 + sigma) / h);
  let v = 0;
  for (let k = -K; k <= K; k++) {
    const z = k * h;
    v += g(eta + sigma * z) * Math.exp(-0.5 * z * z);
  }
  return (v * h) / Math.sqrt(2 * Math.PI);
}

/** Null-space basis of the full fixed-effects design (empty when full rank), computed once per fit. */
const nullBases = new WeakMap<GlmmState, number[][]>();
function glmmNullBasis(s: GlmmState): number[][] {
  const hit = nullBases.get(s);
  if (hit) return hit;
  const pAll = s.frame.spec.columnNames.length;
  const aliased = [...Array(pAll).keys()].filter((j) => !s.kept.includes(j));
  let out: number[][] = [];
  if (aliased.length) {
    const { XtX } = crossProducts(s.frame.X, s.frame.y, s.frame.n, pAll);
    out = nullBasis(XtX, pAll, s.kept, aliased);
  }
  nullBases.set(s, out);
  return out;
}
