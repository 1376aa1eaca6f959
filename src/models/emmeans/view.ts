/**
 * What marginal means, contrasts and tests need from any fitted linear model (mixed or
 * not): the design recipe, β, its covariance and a way to get degrees of freedom for a
 * linear function L'β. Each model kind registers a view for its fits.
 */
import type { DesignSpec, ModelFrame, VariableInfo } from '../../formula/frame.js';
import { notAFit } from '../fit-state.js';

export interface LinearModelView {
  /** Description of the df method, e.g. `Satterthwaite`. */
  ddf: string;
  variables: Record<string, VariableInfo>;
  spec: DesignSpec;
  /** Indices (into `spec.columnNames`) of the estimated columns; the rest were aliased. */
  kept: number[];
  beta: Float64Array;
  /** Covariance of β over the kept columns (kept × kept, row-major). */
  vcov: Float64Array;
  /**
   * L'VL for L over the kept columns, computed in the model's internal (centred) parameterisation
   * when it has one: with a covariate far from 0, L'VL from `vcov` cancels catastrophically for L
   * that reach the intercept (a marginal mean at the covariate's mean).
   */
  variance?(L: Float64Array): number;
  numericMeans: Record<string, number>;
  /** Null-space basis over all columns (empty when full rank). */
  nullBasis: number[][];
  /** Denominator df of L'β for L over the kept columns. */
  df(L: Float64Array): number;
  /**
   * Why L'β (L over the kept columns) is not estimable although L is in the row space of X
   * (e.g. it rests on a variance component the data cannot identify), or `null`.
   */
  notEstimable?(L: Float64Array): string | null;
  /** Denominator df for a q-row hypothesis (F test), when the model supports it. */
  dfF?(L: Float64Array[]): { F: number; numDf: number; denDf: number };
  /** Models with a link (GLMs): how to move means from the link to the response scale. */
  response?: ResponseScale;
  /**
   * Mixed models with a link: the inverse link averaged over the random effects (population-averaged
   * means, `marginal: 'population'`); throws an ArgumentError when the fit's random effects do not allow it.
   */
  populationResponse?(): ResponseScale;
  /** Offset added to every marginal mean on the link scale (a GLM's mean offset, as emmeans). */
  offset?: number;
}

/** The inverse link of a model, for results on the response scale. */
export interface ResponseScale {
  /** e.g. `binomial`, `poisson`. */
  family: string;
  /** e.g. `logit`, `log`. */
  link: string;
  linkinv(eta: number): number;
  /** dμ/dη. */
  muEta(eta: number): number;
}

type ViewFactory = (fit: object, ddf: string | undefined) => LinearModelView;
const factories: { test: (fit: object) => boolean; make: ViewFactory }[] = [];

/** The parts of a view that every fit takes alike from its model frame and its estimated columns. */
export function frameViewParts(
  frame: ModelFrame,
  kept: number[],
  beta: Float64Array,
  nullBasis: number[][],
): Pick<LinearModelView, 'variables' | 'spec' | 'kept' | 'beta' | 'numericMeans' | 'nullBasis'> {
  return { variables: frame.variables, spec: frame.spec, kept, beta, numericMeans: frame.numericMeans, nullBasis };
}

/** Register how to view fits of one model kind (called by each model module). */
export function registerViewFactory(test: (fit: object) => boolean, make: ViewFactory): void {
  factories.push({ test, make });
}

/** The linear-model view of a fit (one that went through JSON or structured clone included); throws when the object is not a fit. */
export function linearModelView(fit: object, ddf?: string): LinearModelView {
  for (const f of factories) if (f.test(fit)) return f.make(fit, ddf);
  throw notAFit('fit', fit, ['lmm', 'ols', 'glm', 'glmm']);
}
