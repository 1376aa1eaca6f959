/**
 * Estimated marginal means (least-squares means) from a fitted linear model, as R's
 * emmeans computes them (Lenth; Searle, Speed & Milliken 1980):
 *
 * the reference grid crosses every level of the factors in the fixed part with each
 * numeric covariate at its mean; the mean for a combination of the `specs` factors is
 * L'β with L the average of the grid's design rows over the other factors (equal
 * weights), SE = √(L'VL), df by the model's method (Satterthwaite or Kenward–Roger for
 * mixed models), interval L'β ± t·SE.
 */
import { dict, own } from '../../data/own.js';
import { ArgumentError } from '../../errors/index.js';
import { fillDesign, type EncodedVariable } from '../../formula/frame.js';
import { waldRow, type WaldRow } from '../../results/not-estimable.js';
import { meanOffset, populationAveraged, toResponseScale } from './response-scale.js';
import { linearModelView, type LinearModelView } from './view.js';
import { checkCiLevel, checkOneOf, checkOptions, optionKeys } from '../../errors/checks.js';
import type { Estimability, Estimate } from '../../results/types.js';

export interface MarginalMeansOptions {
  /**
   * Factors to condition on when contrasting (emmeans's `|`), e.g. `['visit']` for
   * treatment vs control at each visit.
   * @defaultValue `[]`
   */
  by?: string[];
  /**
   * Values for numeric covariates (instead of their means), or a subset of levels for factors.
   * @defaultValue covariates at their means, all factor levels
   */
  at?: Record<string, number | string[]>;
  /**
   * Degrees-of-freedom method for mixed models.
   * @defaultValue the fit's own (`fit.ddf`)
   */
  ddf?: 'Satterthwaite' | 'Kenward-Roger' | 'asymptotic';
  /** @defaultValue 0.95 */
  ciLevel?: number;
  /**
   * Models with a link (GLMs): report the means on the link scale, or back-transformed to the
   * response scale (emmeans `type = "response"`: μ = g⁻¹(η), SE by the delta method, interval
   * g⁻¹ of the link-scale interval). Contrasts of response-scale means are ratios for log and
   * logit links; `regrid()` makes differences on the response scale. See response-scale.ts.
   * @defaultValue 'link'
   */
  type?: 'link' | 'response';
  /**
   * Models with an offset (GLMs): the offset at which the means are computed, e.g. log(365) for
   * yearly rates with log(days at risk) as offset.
   * @defaultValue the mean offset of the fit's rows (emmeans's default)
   */
  offset?: number;
  /**
   * Mixed models with a link (GLMMs): `conditional` means are g⁻¹ of the linear predictor with the
   * random effects at 0 (a typical participant, emmeans's); `population` averages g⁻¹ over the
   * random intercept's normal distribution (the share in the population, e.g. of participants
   * employed), with `type: 'response'`. Population-averaged means are regridded: their contrasts
   * are differences (risk differences), their intervals g⁻¹-averaged link-scale intervals.
   * @defaultValue 'conditional'
   */
  marginal?: 'conditional' | 'population';
}

/**
 * One marginal mean. A mean the design cannot estimate (an arm × visit cell without data,
 * df numerically zero) has `estimable: false`, `null` numbers and the `reason`.
 */
export interface MarginalMeanRow extends Estimate, Estimability {
  /** The level of each spec factor, e.g. `{ arm: 'SFT', visit: '9m' }`. */
  levels: Record<string, string>;
  se: number | null;
  df: number | null;
}

export interface MarginalMeans {
  kind: 'marginal-means';
  specs: string[];
  by: string[];
  rows: MarginalMeanRow[];
  /** Linear functions over the model's columns (`columnNames`), one per row. */
  L: number[][];
  columnNames: string[];
  ddf: string;
  ciLevel: number;
  /** Factors averaged over, and covariates held at a value, in building the grid. */
  averagedOver: string[];
  covariatesAt: Record<string, number>;
  method: string;
  /** Scale of the rows: the linear predictor (`link`), back-transformed (`response`), or regridded (`regrid()`). */
  type?: 'link' | 'response' | 'regrid';
  /** What the estimates are, e.g. `probability` or `rate` on the response scale. */
  scale?: string;
  /** The link-scale offset included in each mean (GLMs with an offset). */
  offset?: number;
  /** `population` for means averaged over the random effects (GLMMs, `options.marginal`). */
  marginal?: 'population';
}

/** Reuse of a view for contrasts of these means. */
const views = new WeakMap<MarginalMeans, LinearModelView>();
export function viewOf(mm: MarginalMeans): LinearModelView {
  const v = views.get(mm);
  if (!v) {
    throw new ArgumentError('means', mm, 'marginal means made by marginalMeans() or regrid()', 'Contrasts read the fit behind the means, which their JSON does not carry: compute the means again from the fit (a fit itself survives JSON) and take contrasts of those.');
  }
  return v;
}

/** Tie marginal means made outside marginalMeans() (e.g. by regrid()) to the view their contrasts use. */
export function attachView(mm: MarginalMeans, view: LinearModelView): void {
  views.set(mm, view);
}

/**
 * Estimated marginal means of `specs` factors, e.g. arm × visit.
 * @throws ArgumentError when a spec is not a factor in the model's fixed part.
 * @example
 * const mm = marginalMeans(fit, ['arm', 'visit'], { by: ['visit'] });
 * mm.rows[0]; // { levels: { arm: 'control', visit: 'baseline' }, estimate: 48.31…, se: 1.083…, df: 561.6…, … }
 */
export function marginalMeans(fit: object, specs: string[], options: MarginalMeansOptions = {}): MarginalMeans {
  checkOptions('options', options, optionKeys<MarginalMeansOptions>()(['by', 'at', 'ddf', 'ciLevel', 'type', 'offset', 'marginal']));
  const view = linearModelView(fit, options.ddf);
  const ciLevel = options.ciLevel ?? 0.95;
  checkCiLevel(ciLevel, 'options.ciLevel');
  const by = options.by ?? [];
  const fixedVars = new Set(view.spec.terms.flatMap((t) => t.variables));
  for (const [argument, list] of [['specs', specs], ['options.by', by]] as const) {
    for (const v of list) {
      const info = view.variables[v];
      if (!info || !fixedVars.has(v)) {
        throw new ArgumentError(argument, v, `a factor in the model's fixed effects (${[...fixedVars].join(', ') || 'none'})`);
      }
      if (info.kind !== 'factor') throw new ArgumentError(argument, v, 'a factor (numeric covariates are held at a value with options.at)');
    }
  }
  // A variable named in `at` that the model does not have would otherwise be ignored.
  checkOptions('options.at', options.at, [...fixedVars]);
  for (const b of by) if (!specs.includes(b)) specs = [...specs, b];
  const at = options.at ?? {};
  const levelsOf = (v: string): string[] => {
    const info = view.variables[v]!;
    if (info.kind !== 'factor') return [];
    const a = own(at, v);
    if (Array.isArray(a)) {
      const bad = a.filter((l) => !info.levels.includes(l));
      if (bad.length) throw new ArgumentError(`options.at.${v}`, bad, `levels of "${v}": ${info.levels.join(', ')}`);
      return a;
    }
    return info.levels;
  };
  const others = [...fixedVars].filter((v) => view.variables[v]!.kind === 'factor' && !specs.includes(v));
  const covariates = dict<number>();
  for (const v of fixedVars) {
    if (view.variables[v]!.kind !== 'numeric') continue;
    const a = own(at, v);
    if (a !== undefined && typeof a !== 'number') throw new ArgumentError(`options.at.${v}`, a, 'a number for a numeric covariate');
    covariates[v] = a ?? view.numericMeans[v]!;
  }

  // Grid: specs crossed (first fastest), each averaged over the other factors' levels.
  const cells = cross(specs.map(levelsOf));
  const otherCombos = cross(others.map(levelsOf));
  const nRows = cells.length * otherCombos.length;
  const enc = dict<EncodedVariable>();
  const rows = new Int32Array(nRows).map((_, i) => i);
  const allFactors = [...specs, ...others];
  allFactors.forEach((v) => {
    const info = view.variables[v]!;
    const codes = new Int32Array(nRows);
    enc[v] = { info, codes };
  });
  for (const [v, x] of Object.entries(covariates)) {
    enc[v] = { info: view.variables[v]!, values: new Float64Array(nRows).fill(x) };
  }
  let r = 0;
  for (const cell of cells) {
    for (const combo of otherCombos) {
      specs.forEach((v, i) => (enc[v]!.codes![r] = (view.variables[v] as { levels: string[] }).levels.indexOf(cell[i]!)));
      others.forEach((v, i) => (enc[v]!.codes![r] = (view.variables[v] as { levels: string[] }).levels.indexOf(combo[i]!)));
      r++;
    }
  }
  const X = fillDesign(view.spec, enc, rows);
  const pAll = view.spec.columnNames.length;
  const L: number[][] = cells.map((_, c) => {
    const l = new Array<number>(pAll).fill(0);
    for (let k = 0; k < otherCombos.length; k++) {
      const row = c * otherCombos.length + k;
      for (let j = 0; j < pAll; j++) l[j] = l[j]! + X[j * nRows + row]! / otherCombos.length;
    }
    return l;
  });
  const offset = meanOffset(view, options);
  const out = cells.map((cell, c) => {
    const levels = Object.fromEntries(specs.map((v, i) => [v, cell[i]!]));
    const e = estimateLinear(view, L[c]!, ciLevel);
    if (offset !== 0 && e.estimable) {
      e.estimate = e.estimate! + offset;
      e.ci = [e.ci![0] + offset, e.ci![1] + offset];
    }
    return { levels, ...e };
  });
  const mm: MarginalMeans = {
    kind: 'marginal-means',
    specs,
    by,
    rows: out.map((o) => ({ levels: o.levels, estimate: o.estimate, se: o.se, df: o.df, ci: o.ci, ciLevel, estimable: o.estimable, reason: o.reason })),
    L,
    columnNames: view.spec.columnNames,
    ddf: view.ddf,
    ciLevel,
    averagedOver: others,
    covariatesAt: covariates,
    method: `estimated marginal means (equal weights over ${others.length ? others.join(', ') : 'no other factors'}); df: ${view.ddf}`,
    ...(offset !== 0 ? { offset } : {}),
  };
  views.set(mm, view);
  if (checkOneOf('options.marginal', options.marginal ?? 'conditional', ['conditional', 'population'] as const) === 'population') {
    return populationAveraged(mm, view, options);
  }
  return options.type === 'response' ? toResponseScale(mm, view) : mm;
}

/**
 * L'β with SE, df, t, p and CI; the not-estimable row (null numbers, the reason) when L is
 * outside the row space of X or the SE or df are degenerate (results/not-estimable.ts).
 */
export function estimateLinear(view: LinearModelView, Lfull: number[], ciLevel: number): WaldRow {
  const norm = Math.sqrt(Lfull.reduce((a, v) => a + v * v, 0)) || 1;
  for (const nb of view.nullBasis) {
    const dot = nb.reduce((a, v, j) => a + v * Lfull[j]!, 0);
    if (Math.abs(dot) > 1e-8 * norm) return waldRow(NaN, NaN, NaN, ciLevel, NOT_IN_ROW_SPACE);
  }
  const p = view.kept.length;
  const L = new Float64Array(p);
  view.kept.forEach((j, i) => (L[i] = Lfull[j]!));
  let est = 0;
  for (let i = 0; i < p; i++) est += L[i]! * view.beta[i]!;
  let v = 0;
  if (view.variance) v = view.variance(L);
  else {
    for (let i = 0; i < p; i++) {
      if (L[i] === 0) continue;
      for (let j = 0; j < p; j++) v += L[i]! * view.vcov[i * p + j]! * L[j]!;
    }
  }
  const reason = view.notEstimable?.(L) ?? null;
  return waldRow(est, Math.sqrt(v), reason === null ? view.df(L) : NaN, ciLevel, reason);
}

/** Why a linear function outside the row space of X has no estimate. */
export const NOT_IN_ROW_SPACE = 'the design has no data to separate it from the other terms (an empty cell, e.g. an arm with no one measured at that visit, or collinear covariates)';

/** Cartesian product with the first list varying fastest, as emmeans orders its grid. */
export function cross(lists: string[][]): string[][] {
  let out: string[][] = [[]];
  for (const list of lists) {
    const next: string[][] = [];
    for (const lev of list) for (const o of out) next.push([...o, lev]);
    out = next;
  }
  return out;
}
