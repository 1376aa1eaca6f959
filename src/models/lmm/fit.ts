/**
 * `fitLmm`: linear mixed models by REML or ML, agreeing with lme4's `lmer` and lmerTest.
 *
 * Like `lmer()`, the function only composes stages, each exported on its own:
 * frame (formula → X, Z terms) → cross-products (one pass over the rows) → objective
 * (profiled deviance in θ) → optimise → check (convergence, boundary, rank) → build the fit.
 *
 * Reference: Bates, Mächler, Bolker & Walker (2015). Fitting linear mixed-effects models
 * using lme4. Journal of Statistical Software 67(1). Satterthwaite df: Kuznetsova,
 * Brockhoff & Christensen (2017), JSS 82(13).
 */
import { ArgumentError, ConvergenceError, type Diagnostic } from '../../errors/index.js';
import { buildModelFrame, type ModelFrame } from '../../formula/frame.js';
import { parseFormula } from '../../formula/parse.js';
import { detectRankDeficiency, nullBasis } from '../../linalg/dense.js';
import { toColumnSource, type ColumnSource, type ModelData } from '../data-input.js';
import { minimizeBounded } from '../optimize.js';
import { tInterval } from '../t-tests.js';
import { lambdaBlocks } from './deviance.js';
import { canonicalTheta, makeObjective } from './objective.js';
import { satterthwaiteDf, vcovFromFactor } from './satterthwaite.js';
import { kenwardRogerDf } from './kenward-roger.js';
import { setState, type LmmState } from './state.js';
import './view.js';
import { fixedCrossProduct, type CrossProducts, type ReTerm } from './structure.js';
import type { FixedEffectRow, LmmFit, LmmOptions, RandomEffectsTable } from './types.js';

/**
 * Fit a linear mixed model.
 *
 * @param formula - lme4-style, e.g. `"score ~ arm * visit + (1 | id) + (0 + sft | group)"`.
 * @param data - rows (missing = null), an arquero table, a `{ columns, values }` frame or an object of columns.
 * @throws FormulaError for an unparseable formula (with the position) or an unknown column.
 * @throws ArgumentError for bad values, no random term, a grouping factor with one level, or no complete rows.
 * @example
 * const fit = fitLmm('Yield ~ 1 + (1 | Batch)', dyestuff);
 * fit.remlCriterion; // 319.6542768…
 * fit.fixedEffects[0]; // { term: '(Intercept)', estimate: 1527.5, se: 19.38…, df: 5, … }
 */
export function fitLmm(formula: string, data: ModelData, options: LmmOptions = {}): LmmFit {
  const parsed = parseFormula(formula);
  if (parsed.random.length === 0 && !options.partialNesting) {
    throw new ArgumentError('formula', formula, 'at least one random-effects term such as "(1 | id)" (or options.partialNesting); for a model without random effects use fitOls');
  }
  const ciLevel = options.ciLevel ?? 0.95;
  if (!(ciLevel > 0 && ciLevel < 1)) throw new ArgumentError('options.ciLevel', ciLevel, 'a number between 0 and 1');
  const ddf = options.ddf ?? 'Satterthwaite';
  if (!['Satterthwaite', 'Kenward-Roger', 'asymptotic'].includes(ddf)) {
    throw new ArgumentError('options.ddf', ddf, '"Satterthwaite", "Kenward-Roger" or "asymptotic"');
  }
  let src = toColumnSource(data);
  let parsedFinal = parsed;
  if (options.partialNesting) {
    const pn = applyPartialNesting(src, options.partialNesting);
    src = pn.source;
    parsedFinal = parseFormula(`${formula} + (0 + ${pn.indicator} | ${pn.cluster})`);
  }
  const extra = options.residualVarianceBy ? [options.residualVarianceBy] : [];
  if (options.residualVarianceBy && !src.has(options.residualVarianceBy)) {
    throw new ArgumentError('options.residualVarianceBy', options.residualVarianceBy, `a column of the data (${src.names().slice(0, 20).join(', ')})`);
  }
  const frame = buildModelFrame(parsedFinal, src, options, extra);
  const fit = fitFrame(frame, options);
  if (options.partialNesting) hidePlaceholder(fit, options.partialNesting.cluster);
  return fit;
}

/** The cluster level given to rows outside the nested arm; its random effect multiplies 0. */
export const NO_CLUSTER = '(no cluster)';

/**
 * Partially nested designs (Bauer, Sterba & Hallfors 2008; Baldwin, Bauer, Stice & Rohde
 * 2011): a cluster random intercept for the treated arm only. Written for lme4 as
 * `(0 + armTreated | cluster)` with one placeholder cluster for the other arm; this adds
 * the indicator column and the placeholder so users need not.
 */
export function applyPartialNesting(src: ColumnSource, pn: { cluster: string; arm: string; treated: string }): { source: ColumnSource; indicator: string; cluster: string } {
  for (const k of ['cluster', 'arm'] as const) {
    if (!src.has(pn[k])) throw new ArgumentError(`options.partialNesting.${k}`, pn[k], `a column of the data (${src.names().slice(0, 20).join(', ')})`);
  }
  const indicator = `${pn.arm}${pn.treated}`;
  if (src.has(indicator)) throw new ArgumentError('options.partialNesting', indicator, `a data set without a column "${indicator}" (the indicator this option adds); rename that column`);
  const arm = src.column(pn.arm);
  const cl = src.column(pn.cluster);
  const n = src.nRows;
  if (!Array.from({ length: n }, (_, i) => arm[i]).some((a) => String(a) === pn.treated)) {
    throw new ArgumentError('options.partialNesting.treated', pn.treated, `a value of "${pn.arm}"`);
  }
  const ind = new Float64Array(n);
  const cluster: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const a = arm[i];
    if (a === null || a === undefined) {
      ind[i] = NaN;
      cluster[i] = NO_CLUSTER;
      continue;
    }
    const treated = String(a) === pn.treated;
    ind[i] = treated ? 1 : 0;
    const c = cl[i];
    if (treated && (c === null || c === undefined || c === '')) {
      throw new ArgumentError(`data[${i}].${pn.cluster}`, c, `a ${pn.cluster} for a row in arm "${pn.treated}" (partially nested design)`);
    }
    cluster[i] = treated ? c : NO_CLUSTER;
  }
  const source: ColumnSource = {
    nRows: n,
    has: (k) => k === indicator || src.has(k),
    names: () => [...src.names(), indicator],
    column: (k) => (k === indicator ? ind : k === pn.cluster ? cluster : src.column(k)),
  };
  return { source, indicator, cluster: pn.cluster };
}

/** Remove the placeholder cluster of a partially nested fit from its random-effects table and group count. */
export function hidePlaceholder(fit: Pick<LmmFit, 'randomEffects' | 'nGroups'>, cluster: string): void {
  const tab = fit.randomEffects.find((t) => t.group === cluster);
  if (tab) {
    const i = tab.levels.indexOf(NO_CLUSTER);
    if (i >= 0) {
      tab.levels.splice(i, 1);
      tab.values.splice(i, 1);
      tab.sd.splice(i, 1);
    }
  }
  if (fit.nGroups[cluster] !== undefined) fit.nGroups[cluster] = fit.nGroups[cluster]! - 1;
}

/** Random terms in lme4's order (most levels first, stable) with θ offsets. */
export function buildReTerms(frame: ModelFrame): ReTerm[] {
  const order = frame.random.map((_, i) => i).sort((a, b) => frame.random[b]!.levels.length - frame.random[a]!.levels.length || a - b);
  let off = 0;
  return order.map((i) => {
    const r = frame.random[i]!;
    const k = r.columnNames.length;
    const t: ReTerm = {
      label: r.term.label,
      groupName: r.groupName,
      levels: r.levels,
      k,
      columnNames: r.columnNames,
      group: r.group,
      Z: r.Z,
      thetaOffset: off,
      restOffset: -1,
      frameIndex: i,
    };
    off += (k * (k + 1)) / 2;
    return t;
  });
}

/** Drop fixed-effect columns R would alias; returns the reduced X and the kept indices. */
function reduceX(cp: CrossProducts): { kept: number[]; aliased: number[]; nullBasis: number[][] } {
  const XtX = fixedCrossProduct(cp);
  const { kept, aliased } = detectRankDeficiency(XtX, cp.p);
  return { kept, aliased, nullBasis: nullBasis(XtX, cp.p, kept, aliased) };
}

/** Fit from a built model frame (the stage after `buildModelFrame`). */
export function fitFrame(frame: ModelFrame, options: LmmOptions = {}): LmmFit {
  const reml = options.reml ?? true;
  const ciLevel = options.ciLevel ?? 0.95;
  const ddf = options.ddf ?? 'Satterthwaite';
  const diagnostics: Diagnostic[] = [];
  const n = frame.n;
  const terms = buildReTerms(frame);
  for (const t of terms) {
    if (t.levels.length >= n) {
      throw new ArgumentError(
        `grouping factor "${t.groupName}"`,
        `${t.levels.length} levels for ${n} observations`,
        'fewer levels than observations: with one observation per level the random effect cannot be told apart from the residual',
      );
    }
    if (t.levels.length * t.k >= n) {
      throw new ArgumentError(
        `random term "(${t.label})"`,
        `${t.levels.length * t.k} random effects for ${n} observations`,
        'fewer random effects than observations',
      );
    }
  }

  let X = frame.X;
  let p = frame.spec.columnNames.length;
  const aggregate = options.control?.aggregate ?? true;
  const strataVar = options.residualVarianceBy;
  const strata = strataVar ? { variable: strataVar, ...frame.extra[strataVar]! } : null;
  let objective = makeObjective(terms, X, frame.y, n, p, reml, aggregate && !strata, strata, options.control?.structure ?? 'auto');
  const { kept, aliased, nullBasis: nullVectors } = reduceX(objective.crossProducts(objective.start));
  const droppedColumns = aliased.map((j) => frame.spec.columnNames[j]!);
  if (aliased.length) {
    const Xr = new Float64Array(n * kept.length);
    kept.forEach((j, c) => Xr.set(X.subarray(j * n, (j + 1) * n), c * n));
    X = Xr;
    p = kept.length;
    objective = makeObjective(terms, X, frame.y, n, p, reml, aggregate && !strata, strata, options.control?.structure ?? 'auto');
    diagnostics.push({
      code: 'rank-deficient',
      severity: 'warning',
      message: `The fixed-effects design is rank deficient: ${droppedColumns.map((c) => `"${c}"`).join(', ')} ${aliased.length === 1 ? 'is' : 'are'} a linear combination of other columns and ${aliased.length === 1 ? 'was' : 'were'} dropped, as R does. Check for collinear covariates or empty arm × visit cells.`,
      details: { droppedColumns },
    });
  }
  if (n <= p) throw new ArgumentError('data', `${n} complete rows`, `more rows than the ${p} fixed-effect columns`);

  const { nTheta, lower } = objective;
  const x0 = options.control?.start ? [...options.control.start, ...objective.start.slice(nTheta)] : objective.start;
  if (x0.length !== objective.start.length) throw new ArgumentError('options.control.start', options.control?.start, `${nTheta} starting values of θ`);
  const opt = minimizeBounded((x) => objective.evaluate(x).deviance, x0, lower, options.control ?? {});
  if (!Number.isFinite(opt.objective)) {
    throw new ConvergenceError(`No finite ${reml ? 'REML criterion' : 'deviance'} was found for ${frame.formula.text}: ${opt.message}`);
  }
  const params = [...canonicalTheta(terms, opt.x.slice(0, nTheta)), ...opt.x.slice(nTheta)];
  const theta = params.slice(0, nTheta);
  const fin = objective.evaluate(params, true);
  const cp = fin.cp;
  const sol = fin.solution!;
  const sigma2 = fin.r2 / (reml ? n - p : n);
  const sigma = Math.sqrt(sigma2);
  const beta = sol.beta;
  const vcov = vcovFromFactor(fin.Lx, p, sigma);

  // Conditional modes b = Λu and conditional SDs √(σ² diag(λ C_u λ')) (lme4's ranef, condVar).
  const lamBlocks = lambdaBlocks(cp, theta);
  const randomEffects: RandomEffectsTable[] = [];
  const bAll: Float64Array[] = [];
  terms.forEach((t, j) => {
    const k = t.k;
    const lam = lamBlocks[j]!;
    const u = sol.u[j]!;
    const cu = sol.cu[j]!;
    const b = new Float64Array(t.levels.length * k);
    const values: number[][] = [];
    const sds: number[][] = [];
    for (let l = 0; l < t.levels.length; l++) {
      const row = new Array<number>(k).fill(0);
      for (let r = 0; r < k; r++) for (let c = 0; c <= r; c++) row[r] = row[r]! + lam[r * k + c]! * u[l * k + c]!;
      row.forEach((x, r) => (b[l * k + r] = x));
      values.push(row);
      sds.push(condSd(lam, cu.subarray(l * k * k, (l + 1) * k * k), k, sigma2));
    }
    bAll.push(b);
    // Copies: the frame keeps its own arrays (a later refit of the frame must see them whole).
    randomEffects.push({ group: t.groupName, terms: [...t.columnNames], levels: [...t.levels], values, sd: sds });
  });

  // Fitted values and residuals.
  const fitted = new Float64Array(n);
  for (let c = 0; c < p; c++) {
    const bc = beta[c]!;
    if (bc === 0) continue;
    const off = c * n;
    for (let i = 0; i < n; i++) fitted[i] = fitted[i]! + X[off + i]! * bc;
  }
  terms.forEach((t, j) => {
    const b = bAll[j]!;
    for (let c = 0; c < t.k; c++) {
      const off = c * n;
      for (let i = 0; i < n; i++) fitted[i] = fitted[i]! + t.Z[off + i]! * b[t.group[i]! * t.k + c]!;
    }
  });
  const residuals = new Float64Array(n);
  for (let i = 0; i < n; i++) residuals[i] = frame.y[i]! - fitted[i]!;

  // Variance components and correlations: Σ_j = σ² λ_j λ_j'.
  const varianceComponents: LmmFit['varianceComponents'] = [];
  const correlations: LmmFit['correlations'] = [];
  const thetaNames: string[] = [];
  terms.forEach((t, j) => {
    const lam = lamBlocks[j]!;
    const k = t.k;
    const S = new Float64Array(k * k);
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += lam[a * k + c]! * lam[b * k + c]!;
      S[a * k + b] = s * sigma2;
    }
    for (let a = 0; a < k; a++) {
      const va = S[a * k + a]!;
      varianceComponents.push({ group: t.groupName, term: t.columnNames[a]!, variance: va, sd: Math.sqrt(va) });
    }
    for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) {
      const cov = S[b * k + a]!;
      const den = Math.sqrt(S[a * k + a]! * S[b * k + b]!);
      correlations.push({ group: t.groupName, term1: t.columnNames[a]!, term2: t.columnNames[b]!, covariance: cov, correlation: den > 0 ? cov / den : NaN });
    }
    for (let c = 0; c < k; c++) for (let r = c; r < k; r++) {
      thetaNames.push(r === c ? `${t.groupName}.${t.columnNames[r]}` : `${t.groupName}.${t.columnNames[r]}.${t.columnNames[c]}`);
    }
  });
  const residualSd: Record<string, number> | null = objective.strata
    ? Object.fromEntries(objective.strata.levels.map((l, s) => [l, sigma * (s === 0 ? 1 : Math.exp(params[nTheta + s - 1]!))]))
    : null;
  if (residualSd) {
    for (const [l, sd] of Object.entries(residualSd)) {
      varianceComponents.push({ group: 'Residual', term: `${objective.strata!.variable}${l}`, variance: sd * sd, sd });
    }
  } else varianceComponents.push({ group: 'Residual', term: null, variance: sigma2, sd: sigma });

  // Fit criteria. logLik is of the criterion optimised (REML or ML), as lme4's logLik().
  const nPar = p + params.length + 1;
  const logLik = -fin.deviance / 2;
  const mlDeviance = fin.ldL2 + fin.r2 / sigma2 + n * Math.log(2 * Math.PI * sigma2) - fin.ldW;

  // Diagnostics: convergence, boundary (singular) fit, Hessian.
  const singular = terms.some((t, j) => {
    const lam = lamBlocks[j]!;
    for (let c = 0; c < t.k; c++) if (Math.abs(lam[c * t.k + c]!) < 1e-4) return true;
    return false;
  });
  if (!opt.converged) {
    diagnostics.push({
      code: 'not-converged',
      severity: 'warning',
      message: `The optimiser did not confirm convergence (${opt.message}). Estimates may be imprecise: try rescaling numeric covariates, simplifying the random-effects structure, or other starting values (options.control.start).`,
    });
  }
  if (singular) {
    const which = terms
      .filter((t, j) => {
        const lam = lamBlocks[j]!;
        for (let c = 0; c < t.k; c++) if (Math.abs(lam[c * t.k + c]!) < 1e-4) return true;
        return false;
      })
      .map((t) => `(${t.label})`);
    diagnostics.push({
      code: 'singular',
      severity: 'warning',
      message: `The fit is singular (on the boundary): a variance of ${which.join(', ')} is estimated as zero, or a correlation as ±1. The data carry no evidence of that variation; the fixed effects remain valid, but consider simplifying the random-effects structure, and do not read the zero as an exact absence of variation.`,
      details: { terms: which },
    });
  }
  if (frame.dropped.total > 0) {
    const parts = [`${frame.dropped.missingResponse} with a missing response`];
    for (const [k, c] of Object.entries(frame.dropped.missingPredictor)) parts.push(`${c} with a missing ${k}`);
    diagnostics.push({
      code: 'rows-dropped',
      severity: 'info',
      message: `${frame.dropped.total} of ${frame.nInput} rows were left out (${parts.join('; ')}). Rows are dropped one at a time, not whole participants, so the likelihood uses every observed value (valid under missing at random).`,
      details: { ...frame.dropped },
    });
  }

  const state: LmmState = { frame, cp, objective, params, options, reml, theta, sigma, beta, kept, vcov, nullBasis: nullVectors };
  const xNames = kept.map((j) => frame.spec.columnNames[j]!);
  const fixedEffects: FixedEffectRow[] = xNames.map((term, j) => {
    const est = beta[j]!;
    const se = Math.sqrt(vcov[j * p + j]!);
    const L = new Float64Array(p);
    L[j] = 1;
    let df = Infinity;
    if (ddf === 'Satterthwaite') df = satterthwaiteDf(state, L);
    return { term, estimate: est, se, df, statistic: est / se, pValue: NaN, ci: [NaN, NaN], ciLevel };
  });
  let vcovOut = vcov;
  if (ddf === 'Kenward-Roger') {
    const kr = kenwardRogerDf(state, xNames.map((_, j) => Array.from({ length: p }, (_, i) => (i === j ? 1 : 0))));
    vcovOut = kr.vcovAdjusted;
    fixedEffects.forEach((r, j) => {
      r.se = Math.sqrt(kr.vcovAdjusted[j * p + j]!);
      r.df = kr.df[j]!;
      r.statistic = r.estimate / r.se;
    });
  }
  for (const r of fixedEffects) {
    const t = tInterval(r.estimate, r.se, r.df, ciLevel);
    r.pValue = t.pValue;
    r.ci = t.ci;
  }
  if (ddf === 'Satterthwaite' && state.varpar && !state.varpar.hessianOk) {
    diagnostics.push({
      code: 'hessian-not-positive-definite',
      severity: 'warning',
      message: 'The Hessian of the deviance in the variance parameters is not positive definite (usual for a singular fit), so Satterthwaite degrees of freedom are approximate. Kenward–Roger or a simpler random-effects structure may be more trustworthy.',
    });
  }

  const fit: LmmFit = {
    kind: 'lmm',
    formula: frame.formula.text,
    reml,
    fixedEffects,
    vcov: toRows(vcovOut, p),
    varianceComponents,
    correlations,
    sigma,
    residualSd,
    theta,
    thetaNames,
    logLik,
    deviance: reml ? mlDeviance : fin.deviance,
    remlCriterion: reml ? fin.deviance : null,
    aic: -2 * logLik + 2 * nPar,
    bic: -2 * logLik + Math.log(n) * nPar,
    nParameters: nPar,
    nObs: n,
    nGroups: Object.fromEntries(terms.map((t) => [t.groupName, t.levels.length])),
    dropped: frame.dropped,
    randomEffects,
    fitted,
    residuals,
    rows: frame.rows,
    ddf,
    optimizer: {
      method: 'bounded Nelder-Mead, then projected Newton on finite differences',
      evaluations: opt.evaluations,
      converged: opt.converged,
      message: opt.converged ? 'converged' : opt.message,
      log: opt.log,
      gradient: opt.gradient,
    },
    droppedColumns,
    singular,
    diagnostics,
  };
  setState(fit, state);
  return fit;
}

function condSd(lam: Float64Array, Cu: Float64Array, k: number, sigma2: number): number[] {
  const out: number[] = [];
  for (let a = 0; a < k; a++) {
    let s = 0;
    for (let b = 0; b < k; b++) for (let c = 0; c < k; c++) s += lam[a * k + b]! * Cu[b * k + c]! * lam[a * k + c]!;
    out.push(Math.sqrt(sigma2 * s));
  }
  return out;
}

function toRows(M: Float64Array, p: number): number[][] {
  return Array.from({ length: p }, (_, i) => Array.from(M.subarray(i * p, (i + 1) * p)));
}

