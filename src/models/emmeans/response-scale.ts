/**
 * The response-scale layer over marginal means and contrasts of models with a link (GLMs),
 * as emmeans does for `type = "response"` and `regrid()` (Lenth, emmeans vignette
 * "transformations"):
 *
 * - means: μ = g⁻¹(η), SE(μ) = |dμ/dη|·SE(η) (delta method), interval g⁻¹ of the link-scale
 *   interval (so it respects the range of μ), df as on the link scale;
 * - contrasts of response-scale means with a log or logit link: the difference of link-scale
 *   means back-transformed, exp(Δ): an odds ratio (logit), a rate ratio (log link for counts)
 *   or a ratio of means (log link otherwise); SE exp(Δ)·SE(Δ), interval exp of the link-scale
 *   interval, test statistic and p-value those of Δ = 0 on the link scale. Other links keep
 *   the link-scale difference (a difference of probits has no response-scale meaning);
 * - `regrid(means)`: the means become the parameters, μ with covariance J·LVL'·J,
 *   J = diag(dμ/dη), and intervals μ ± t·SE on that scale; contrasts are differences on the
 *   response scale (risk differences for a binomial model) with delta-method SEs, and the
 *   tests are on that scale too.
 *
 * See docs/methods/glm.md, "After the fit".
 */
import { ArgumentError } from '../../errors/index.js';
import { checkFinite, checkOneOf } from '../../errors/checks.js';
import { attachView, viewOf, type MarginalMeans, type MarginalMeansOptions } from './marginal-means.js';
import { tInterval } from '../t-tests.js';
import type { ContrastResult } from './contrast.js';
import type { LinearModelView, ResponseScale } from './view.js';

const RESPONSE_NAMES: Record<string, string> = {
  binomial: 'probability',
  poisson: 'rate',
  negativeBinomial: 'rate',
  gamma: 'mean',
  gaussian: 'mean',
};

/** The link-scale offset of the means, after checking `type` and `offset` against the model. */
export function meanOffset(view: LinearModelView, options: MarginalMeansOptions): number {
  const type = checkOneOf('options.type', options.type ?? 'link', ['link', 'response'] as const);
  if (type === 'response' && !view.response) {
    throw new ArgumentError('options.type', type, '"link" (or omitted) for a model without a link function; "response" is for GLMs');
  }
  if (options.offset === undefined) return view.offset ?? 0;
  if (!view.response) throw new ArgumentError('options.offset', options.offset, 'nothing: an offset belongs to GLMs');
  return checkFinite('options.offset', options.offset);
}

function linkOf(mm: MarginalMeans, view: LinearModelView): ResponseScale {
  if (!view.response) throw new ArgumentError('means', mm.method, 'marginal means of a model with a link function (a GLM)');
  return view.response;
}

/** Back-transform link-scale means to the response scale (delta-method SE, transformed interval). */
export function toResponseScale(mm: MarginalMeans, view: LinearModelView): MarginalMeans {
  const rs = linkOf(mm, view);
  const rows = mm.rows.map((r) => {
    // A not-estimable row may keep its estimate (e.g. under separation): on the response scale too.
    if (!r.estimable) return { ...r, estimate: r.estimate === null ? null : rs.linkinv(r.estimate) };
    const lo = rs.linkinv(r.ci![0]);
    const hi = rs.linkinv(r.ci![1]);
    return { ...r, estimate: rs.linkinv(r.estimate!), se: Math.abs(rs.muEta(r.estimate!)) * r.se!, ci: [Math.min(lo, hi), Math.max(lo, hi)] as [number, number] };
  });
  const out: MarginalMeans = {
    ...mm,
    rows,
    type: 'response',
    scale: RESPONSE_NAMES[rs.family] ?? 'response',
    method: `${mm.method}; back-transformed from the ${rs.link} scale (delta-method SE, interval back-transformed)`,
  };
  attachView(out, view);
  return out;
}

/**
 * Marginal means re-gridded to the response scale (emmeans `regrid()`): contrasts of the result
 * are differences of μ (risk differences for binomial models) with delta-method SEs.
 * @throws ArgumentError for means of a model without a link, or with a mean that is not estimable.
 * @example
 * const rd = contrast(regrid(marginalMeans(fit, ['arm', 'week'], { by: ['week'] })), 'revpairwise');
 * rd.rows[1]; // { contrast: 'SFT - control', by: { week: '9m' }, estimate: 0.2131…, se: 0.0566…, scale: 'risk difference', … }
 */
export function regrid(mm: MarginalMeans): MarginalMeans {
  const view = viewOf(mm);
  if (mm.type === 'regrid') return mm;
  const rs = linkOf(mm, view);
  const bad = mm.rows.findIndex((r) => !r.estimable);
  if (bad >= 0) {
    throw new ArgumentError('means', mm.rows[bad]!.levels, 'estimable means only: regrid() needs every mean (drop the empty cell with options.at)');
  }
  // Link-scale means again (the rows may already be back-transformed), then J·LVL'·J.
  const p = view.kept.length;
  const k = mm.rows.length;
  const Lk = mm.L.map((l) => view.kept.map((j) => l[j]!));
  const eta = Lk.map((l) => {
    let e = mm.offset ?? 0;
    for (let j = 0; j < p; j++) e += l[j]! * view.beta[j]!;
    return e;
  });
  const J = eta.map((e) => rs.muEta(e));
  const VL = Lk.map((l) => {
    const out = new Float64Array(p);
    for (let a = 0; a < p; a++) {
      let v = 0;
      for (let b = 0; b < p; b++) v += view.vcov[a * p + b]! * l[b]!;
      out[a] = v;
    }
    return out;
  });
  const V = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let v = 0;
      for (let a = 0; a < p; a++) v += Lk[i]![a]! * VL[j]![a]!;
      V[i * k + j] = J[i]! * v * J[j]!;
    }
  }
  const mu = Float64Array.from(eta, (e) => rs.linkinv(e));
  const df = view.df(new Float64Array(p));
  const regridView: LinearModelView = {
    ddf: view.ddf,
    variables: view.variables,
    spec: view.spec,
    kept: Array.from({ length: k }, (_, i) => i),
    beta: mu,
    vcov: V,
    numericMeans: view.numericMeans,
    nullBasis: [],
    df: () => df,
  };
  const names = mm.rows.map((r) => mm.specs.map((s) => r.levels[s]).join(' '));
  // On the new grid μ is the parameter: symmetric intervals μ ± t·SE, as emmeans after regrid().
  const base = mm.type === 'response' ? mm : toResponseScale(mm, view);
  const rows = base.rows.map((r, i) => ({ ...r, estimate: mu[i]!, se: Math.sqrt(V[i * k + i]!), ci: tInterval(mu[i]!, Math.sqrt(V[i * k + i]!), df, mm.ciLevel).ci }));
  const out: MarginalMeans = {
    ...base,
    rows,
    L: names.map((_, i) => names.map((__, j) => (i === j ? 1 : 0))),
    columnNames: names,
    type: 'regrid',
    method: `${mm.method}; regridded to the ${RESPONSE_NAMES[rs.family] ?? 'response'} scale (delta-method covariance)`,
  };
  attachView(out, regridView);
  return out;
}

/**
 * Population-averaged means of a mixed model (`marginal: 'population'`): the link-scale means
 * regridded with the inverse link averaged over the random effects, h(η) = E_b[g⁻¹(η + b)]
 * (the view's `populationResponse`), SE h'(η)·SE(η) and covariance J·LVL'·J with J = diag h'(η)
 * (σ held at its estimate); intervals h of the link-scale intervals (h is increasing, so they
 * stay within the range of μ). Contrasts are differences of population shares.
 */
export function populationAveraged(mm: MarginalMeans, view: LinearModelView, options: MarginalMeansOptions): MarginalMeans {
  if (options.type !== 'response') {
    throw new ArgumentError('options.type', options.type, '"response" with marginal: "population" (population-averaged means are on the response scale)');
  }
  if (!view.populationResponse) {
    throw new ArgumentError('options.marginal', options.marginal, '"conditional" (or omitted): "population" averages over random effects, for GLMM fits');
  }
  const rs = view.populationResponse();
  const paView: LinearModelView = { ...view, response: rs };
  attachView(mm, paView);
  const rg = regrid(mm);
  const rows = rg.rows.map((r, i) => {
    const link = mm.rows[i]!;
    return { ...r, ci: [rs.linkinv(link.ci![0]), rs.linkinv(link.ci![1])] as [number, number] };
  });
  const out: MarginalMeans = {
    ...rg,
    rows,
    marginal: 'population',
    method: `${mm.method}; population-averaged over the normal random intercept (σ at its estimate), delta-method covariance, interval averaged from the link scale`,
  };
  attachView(out, viewOf(rg));
  return out;
}

/** Name the quantity of contrast rows and, for response-scale means, report ratios. */
export function onResponseScale(mm: MarginalMeans, result: ContrastResult): ContrastResult {
  const view = viewOf(mm);
  if (mm.type === 'regrid') {
    const scale = mm.scale === 'probability' ? 'risk difference' : mm.scale === 'rate' ? 'rate difference' : 'difference of means';
    for (const r of result.rows) r.scale = scale;
    return { ...result, method: `${result.method}; differences on the response scale (delta method)` };
  }
  const rs = view.response;
  if (!rs) return result;
  if (mm.type !== 'response' || (rs.link !== 'log' && rs.link !== 'logit')) {
    for (const r of result.rows) r.scale = `difference (${rs.link} scale)`;
    return result;
  }
  const scale = rs.link === 'logit' ? 'odds ratio' : rs.family === 'poisson' || rs.family === 'negativeBinomial' ? 'rate ratio' : 'ratio of means';
  for (const r of result.rows) {
    r.scale = scale;
    r.contrast = r.contrast.split(' - ').join(' / ');
    if (!r.estimable) continue;
    const e = Math.exp(r.estimate!);
    r.se = e * r.se!;
    r.estimate = e;
    r.ci = [Math.exp(r.ci![0]), Math.exp(r.ci![1])];
  }
  return { ...result, method: `${result.method}; back-transformed: ${scale}s exp(Δ) with intervals exp of the ${rs.link}-scale intervals, tests on the ${rs.link} scale` };
}
