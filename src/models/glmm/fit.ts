/**
 * `fitGlmm`: generalised linear mixed models by the Laplace approximation (lme4's nAGQ = 1) or
 * adaptive Gauss–Hermite quadrature (nAGQ > 1, one scalar random effect), agreeing with
 * lme4's `glmer`; the negative binomial (NB2) with θ estimated as glmmTMB's `nbinom2`, and the
 * gamma (log or inverse link) with its dispersion estimated as glmmTMB's `Gamma`.
 *
 * The stages are the linear mixed model's: formula → model frame → random-effects terms
 * (lme4's order and Λθ layout) → objective → bounded optimiser → checks → the fit. Like glmer,
 * the optimisation has two stages: θ alone with β and u found together by PIRLS (nAGQ = 0),
 * then θ and β jointly on the Laplace (or AGQ) deviance with PIRLS over u only, started from
 * the first stage. Standard errors are glmer's default: 2·H⁻¹ of the deviance's Hessian in
 * (θ, β), here by central differences.
 *
 * References: Bates, Mächler, Bolker & Walker (2015), JSS 67(1); Pinheiro & Bates (1995),
 * JCGS 4(1) (adaptive Gauss–Hermite); Brooks et al. (2017), The R Journal 9(2) (glmmTMB).
 */
import { ArgumentError, ConvergenceError, ValidationError, issue, type Diagnostic, type ValidationIssue } from '../../errors/index.js';
import { checkCiLevel, checkInteger, checkOneOf, checkOptions, optionKeys } from '../../errors/checks.js';
import { chiSquaredCdf } from '../../distributions/chi-squared.js';
import { buildModelFrame, frameOptionsOf, type ModelFrame } from '../../formula/frame.js';
import { detectRankDeficiency, symmetricEigen } from '../../linalg/dense.js';
import type { ModelData } from '../data-input.js';
import { checkResponse, makeFamily, type Family } from '../glm/family.js';
import { evaluateDeviance, lambdaBlocks } from '../lmm/deviance.js';
import { buildReTerms, hidePlaceholder, mixedModelInput } from '../lmm/fit.js';
import { canonicalTheta } from '../lmm/objective.js';
import { vcovFromFactor } from '../lmm/satterthwaite.js';
import { formCrossProducts, type ReTerm } from '../lmm/structure.js';
import type { CorrelationRow, RandomEffectsTable, VarianceComponentRow } from '../lmm/types.js';
import { fdDerivatives, minimizeBounded, type OptimizeResult } from '../optimize.js';
import { tInterval } from '../t-tests.js';
import { hessianFromGradient, minimizeNewton } from './newton.js';
import { agqDeviance, conditionalCovariances, hasLaplaceGradient, laplaceDeviance, laplaceGradient, pirls, type GlmmProblem, type ModeState } from './laplace.js';
import { setGlmmState } from './state.js';
import { registerGlmmView } from './view.js';
import type { GlmmFamilyName, GlmmFit, GlmmFixedEffectRow, GlmmOptions } from './types.js';
import { glmmHessianNotPd, glmmOverdispersion, glmmSeparation, glmmSingular, notConverged, pirlsNotConverged, rankDeficient, rowsDropped } from '../../errors/diagnostics.js';

// Before any fit: marginalMeans, contrast and anova find GLMM fits through this view.
registerGlmmView();

const OPTION_KEYS = optionKeys<GlmmOptions>()([
  'family',
  'link',
  'trials',
  'offset',
  'weights',
  'nAgq',
  'partialNesting',
  'ciLevel',
  'control',
  'levels',
  'factors',
  'instrument',
]);
const CONTROL_KEYS = optionKeys<NonNullable<GlmmOptions['control']>>()(['maxEvaluations', 'simplexTolerance', 'step', 'structure']);
const FAMILIES: readonly GlmmFamilyName[] = ['binomial', 'poisson', 'negativeBinomial', 'gamma'];

/**
 * Fit a generalised linear mixed model.
 *
 * @param formula - lme4-style, e.g. `"status ~ arm * visit + (1 | id)"`; for binomial counts give
 *   successes as the response and the trials column in `options.trials`.
 * @param data - rows, an arquero table, a `{ columns, values }` frame or an object of columns.
 * @throws ArgumentError for unknown options, family/link pairs that do not exist, no random term,
 *   a constant response, or nAgq > 1 with other than one scalar random effect (or with the gamma).
 * @throws ValidationError listing every row whose response, trials, weight or offset is invalid
 *   for the family (e.g. a binomial response outside 0/1, a negative or fractional count, a cost
 *   of 0 or less for the gamma).
 * @example
 * const fit = fitGlmm('incidence ~ period + (1 | herd)', cbpp, { family: 'binomial', trials: 'size' });
 * fit.logLik; // −92.0262819 (glmer at its default PIRLS tolerance reports −92.0265664)
 * fit.fixedEffects[0]; // { term: '(Intercept)', estimate: −1.39853, se: 0.23247, statistic: −6.016, … }
 */
export function fitGlmm(formula: string, data: ModelData, options: GlmmOptions): GlmmFit {
  const setup = prepare(formula, data, options);
  const { prob, fam0, familyName, nAgq, ciLevel, frame, xNames, droppedColumns, terms, nTheta, p, n, thetaStart, nb, gamma, famAt, opts } = setup;
  const dev = makeDevianceFunctions(setup);
  // Stage 1 (glmer's nAGQ = 0): θ only, β and u by PIRLS together.
  const stage1 = dev.stage1;
  const control = { maxEvaluations: opts.control?.maxEvaluations ?? 20000, ...(opts.control?.simplexTolerance !== undefined ? { simplexTolerance: opts.control.simplexTolerance } : {}), ...(opts.control?.step !== undefined ? { step: opts.control.step } : {}) };
  // The gamma's log φ is optimised with θ from the start: the random-effect variances are on the
  // scale of η, and at a wrong φ the first stage would trade one for the other.
  const start1 = gamma ? [...thetaStart, setup.logDispersionStart] : thetaStart;
  // Stage 1 only starts stage 2, which optimises θ again with β: its Newton polish stops at
  // steps below 1e-4 (stage 2's first Hessian is formed there either way). Polishing to the
  // final criterion cost ~50 evaluations at 30,000 rows, and more as rows (and f's rounding) grow.
  // With the analytic gradient, Newton steps on it (a step costs a deviance and a gradient),
  // falling back to the general optimiser, with the settings it has here otherwise (its default
  // simplex budget), where the Hessian is not positive definite.
  const opt1 = dev.stage1WithGradient
    ? minimizeNewton(stage1, start1, control, dev.stage1WithGradient, { startTolerance: 1e-4, simplexEvaluations: 15 * (start1.length + 1) })
    : minimizeBounded(stage1, start1, start1.map(() => -Infinity), { ...control, startTolerance: 1e-4 });
  if (!Number.isFinite(opt1.objective)) throw new ConvergenceError(`No finite deviance was found for ${formula}: ${opt1.message}`);
  const beta1 = Array.from(dev.stage1State(opt1.x).beta);

  // Stage 2: θ, β (and log θ_NB) on the Laplace / AGQ deviance, PIRLS over u only.
  const x0 = [...opt1.x.slice(0, nTheta), ...beta1, ...(nb ? [0] : gamma ? [opt1.x[nTheta]!] : [])];
  const objective = dev.stage2;
  // Stage 1 ends near the optimum (β of the nAGQ = 0 fit differs by a fraction of its SE), so
  // Newton steps with one finite-difference Hessian converge from there (newton.ts).
  const opt2: OptimizeResult = minimizeNewton((x) => objective(x), x0, control, dev.stage2WithGradient);
  if (!Number.isFinite(opt2.objective)) throw new ConvergenceError(`No finite deviance was found for ${formula}: ${opt2.message}`);
  const par = [...canonicalTheta(terms, opt2.x.slice(0, nTheta)), ...opt2.x.slice(nTheta)];
  // The final state by the general PIRLS solve, whose cross-products the conditional
  // covariances and the RX fallback need.
  const deviance = dev.stage2(par, true);
  const st = dev.lastState()!;
  const theta = par.slice(0, nTheta);
  const beta = par.slice(nTheta, nTheta + p);
  const nbTheta = nb ? Math.exp(par[nTheta + p]!) : null;
  const dispersion = gamma ? Math.exp(par[nTheta + p]!) : null;
  const famFinal = nb ? famAt(par[nTheta + p]!) : fam0;

  // Covariance of β: 2 H⁻¹ of the deviance in (θ, β[, log θ_NB]) (glmer's and TMB's), else RX.
  const diagnostics: Diagnostic[] = [];
  const d = par.length;
  // With the analytic gradient (scalar systems, canonical links): central differences of it,
  // 2d solves. Otherwise central second differences of the converged (to ~1e-12) deviance:
  // steps of 1e-3 keep both the truncation and the rounding error near 1e-6 relative, a quarter
  // of the cost of numDeriv's Richardson scheme (glmer's own deriv12 uses 1e-4 on a deviance
  // accurate to ~1e-7). Their centre is evaluated by the same path as its neighbours: `deviance`
  // above comes from the general solve, which differs from the fast one by ~1e-11, and at steps
  // of 1e-4 that offset alone moved the diagonal of H, and the SEs, by 2e-4.
  const hSteps = par.map((v) => 1e-3 * Math.max(Math.abs(v), 0.1));
  const fg = dev.stage2WithGradient;
  const H = (fg && hessianFromGradient((x) => fg(x)?.g ?? null, par, hSteps)) || fdDerivatives((x) => objective(x), par, objective(par), hSteps, par.map(() => -Infinity)).H;
  let vcov = vcovFromHessian(H, [...Array(d).keys()], nTheta, p);
  let vcovMethod: GlmmFit['vcovMethod'] = 'hessian';
  // Separation (binomial): a coefficient running off to ±∞ on the link scale, with a standard
  // error larger still or not finite, since the deviance is flat along it. Its Wald quantities
  // are not estimable; the others are computed with it held at its value (as R's glm reports them).
  const separated = new Set<string>();
  if (familyName === 'binomial') {
    xNames.forEach((term, j) => {
      const se = vcov ? Math.sqrt(vcov[j * p + j]!) : NaN;
      if (Math.abs(beta[j]!) > 8 && !(se < 0.5 * Math.abs(beta[j]!))) separated.add(term);
    });
    if (separated.size) vcov = vcovFromHessian(H, [...Array(d).keys()].filter((i) => !(i >= nTheta && i < nTheta + p && separated.has(xNames[i - nTheta]!))), nTheta, p);
  }
  if (!vcov) {
    vcov = vcovRX(dev.modeProblem, famFinal, theta, st);
    vcovMethod = 'RX';
    diagnostics.push(glmmHessianNotPd());
  }

  // Conditional modes, variance components.
  const lams = lambdaBlocks(st.cp!, theta);
  const cuAll = conditionalCovariances(st, theta);
  const randomEffects: RandomEffectsTable[] = [];
  const varianceComponents: VarianceComponentRow[] = [];
  const correlations: CorrelationRow[] = [];
  const thetaNames: string[] = [];
  terms.forEach((t, j) => {
    const k = t.k;
    const lam = lams[j]!;
    const u = st.u[j]!;
    const cu = cuAll[j]!;
    const values: number[][] = [];
    const sds: number[][] = [];
    for (let l = 0; l < t.levels.length; l++) {
      const row = new Array<number>(k).fill(0);
      const sd = new Array<number>(k).fill(0);
      for (let r = 0; r < k; r++) {
        for (let c = 0; c <= r; c++) row[r] = row[r]! + lam[r * k + c]! * u[l * k + c]!;
        let s = 0;
        for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) s += lam[r * k + a]! * cu[l * k * k + a * k + b]! * lam[r * k + b]!;
        sd[r] = Math.sqrt(s);
      }
      values.push(row);
      sds.push(sd);
    }
    randomEffects.push({ group: t.groupName, terms: [...t.columnNames], levels: [...t.levels], values, sd: sds });
    const S = new Float64Array(k * k);
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += lam[a * k + c]! * lam[b * k + c]!;
      S[a * k + b] = s;
    }
    for (let a = 0; a < k; a++) varianceComponents.push({ group: t.groupName, term: t.columnNames[a]!, variance: S[a * k + a]!, sd: Math.sqrt(S[a * k + a]!) });
    for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) {
      // With a zero variance the correlation is not estimable: no row (the singular diagnostic says so).
      const den = Math.sqrt(S[a * k + a]! * S[b * k + b]!);
      if (den > 0) correlations.push({ group: t.groupName, term1: t.columnNames[a]!, term2: t.columnNames[b]!, covariance: S[b * k + a]!, correlation: S[b * k + a]! / den });
    }
    for (let c = 0; c < k; c++) for (let r = c; r < k; r++) thetaNames.push(r === c ? `${t.groupName}.${t.columnNames[r]}` : `${t.groupName}.${t.columnNames[r]}.${t.columnNames[c]}`);
  });

  const fixedEffects: GlmmFixedEffectRow[] = xNames.map((term, j) => {
    const est = beta[j]!;
    const se = Math.sqrt(vcov[j * p + j]!);
    if (separated.has(term) || !Number.isFinite(se)) {
      const reason = separated.has(term)
        ? 'separation: the estimate runs off towards infinity (see the diagnostics)'
        : 'the information about this coefficient is singular';
      return { term, estimate: est, se: null, statistic: null, pValue: null, ci: null, ciLevel, estimable: false, reason };
    }
    const w = tInterval(est, se, Infinity, ciLevel);
    return { term, estimate: est, se, statistic: w.statistic, pValue: w.pValue, ci: w.ci, ciLevel, estimable: true, reason: null };
  });

  const nPar = p + nTheta + (nb || gamma ? 1 : 0);
  const logLik = -deviance / 2;
  const singular = terms.some((t, j) => {
    for (let c = 0; c < t.k; c++) if (Math.abs(lams[j]![c * t.k + c]!) < 1e-4) return true;
    return false;
  });
  collectDiagnostics(diagnostics, { opt1, opt2, st, singular, terms, lams, frame, familyName, prob, famFinal, nPar, separated, droppedColumns });

  const draft: Omit<GlmmFit, 'state'> = {
    kind: 'glmm',
    formula: frame.formula.text,
    family: familyName,
    link: fam0.link,
    method: nAgq > 1 ? 'adaptive Gauss-Hermite quadrature' : 'Laplace',
    nAgq,
    fixedEffects,
    vcov: Array.from({ length: p }, (_, i) => Array.from(vcov.subarray(i * p, (i + 1) * p), (v) => (Number.isFinite(v) ? v : null))),
    vcovMethod,
    varianceComponents,
    correlations,
    theta,
    thetaNames,
    negativeBinomialTheta: nbTheta,
    dispersion,
    logLik,
    deviance,
    aic: deviance + 2 * nPar,
    bic: deviance + Math.log(n) * nPar,
    nParameters: nPar,
    nObs: n,
    nGroups: Object.fromEntries(terms.map((t) => [t.groupName, t.levels.length])),
    dropped: frame.dropped,
    randomEffects,
    fitted: st.mu,
    linearPredictor: st.eta,
    rows: frame.rows,
    optimizer: {
      method:
        'two stages as glmer (θ with PIRLS over β and u, then θ and β on the ' +
        (nAgq > 1 ? 'AGQ' : 'Laplace') +
        ' deviance): ' +
        (dev.stage1WithGradient
          ? 'both stages Newton steps on the analytic gradient, with BFGS updates of one Hessian from its differences'
          : 'stage 1 bounded Nelder-Mead, then Newton on finite differences; stage 2 Newton steps on one finite-difference Hessian with BFGS updates'),
      evaluations: opt1.evaluations + opt2.evaluations,
      converged: opt1.converged && opt2.converged,
      message: opt2.converged ? 'converged' : opt2.message,
      log: opt2.log,
      gradient: opt2.gradient,
    },
    droppedColumns,
    singular,
    diagnostics,
  };
  const notEstimable = new Map<number, string>();
  fixedEffects.forEach((r, j) => {
    if (!r.estimable) notEstimable.set(j, `"${r.term}" is not estimable (${r.reason})`);
  });
  const fit = setGlmmState(draft, {
    frame,
    family: famFinal,
    kept: setup.kept,
    beta: Float64Array.from(beta),
    // Separated coefficients have NaN rows; any L that reaches them is flagged by notEstimable, and
    // the zeros keep NaN·0 out of the others' variances.
    vcov: vcov.map((v) => (Number.isFinite(v) ? v : 0)),
    notEstimable,
    offset: opts.offset !== undefined ? prob.offset : null,
    offsetColumn: opts.offset ?? null,
    terms,
    modes: randomEffects.map((r) => r.values.map((v) => [...v])),
    // withRandomTerm appends the structural term last.
    partialNesting: opts.partialNesting ? { ...opts.partialNesting, frameIndex: frame.random.length - 1 } : null,
  });
  if (opts.partialNesting) hidePlaceholder(fit, opts.partialNesting.cluster);
  return fit;
}

/**
 * 2·(H_ff)⁻¹ restricted to β, from the deviance Hessian H over the free coordinates `free`
 * (θ first, then β); β outside `free` get NaN rows. Null when H_ff is not positive definite.
 */
function vcovFromHessian(H: number[][], free: number[], nTheta: number, p: number): Float64Array | null {
  const f = free.length;
  const Hf = new Float64Array(f * f);
  free.forEach((i, a) => free.forEach((j, b) => (Hf[a * f + b] = 0.5 * (H[i]![j]! + H[j]![i]!))));
  const { values, vectors } = symmetricEigen(Hf, f);
  if (!Array.from(values).every((v) => v > 0 && Number.isFinite(v))) return null;
  const V = new Float64Array(p * p).fill(NaN);
  free.forEach((i, a) => {
    if (i < nTheta) return;
    free.forEach((j, b) => {
      if (j < nTheta) return;
      let s = 0;
      for (let k = 0; k < f; k++) s += (vectors[a * f + k]! * vectors[b * f + k]!) / values[k]!;
      V[(i - nTheta) * p + (j - nTheta)] = 2 * s;
    });
  });
  return V;
}

/** An outcome with no variation cannot be modelled (glmer stops too): say which. */
function checkNotConstant(y: Float64Array, family: GlmmFamilyName, response: string): void {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < y.length; i++) {
    lo = Math.min(lo, y[i]!);
    hi = Math.max(hi, y[i]!);
  }
  if (family === 'binomial' && (hi === 0 || lo === 1)) {
    throw new ArgumentError(`data.${response}`, hi === 0 ? 'no successes in any row' : 'successes in every trial', 'an outcome with both successes and failures: the log-odds would be infinite');
  }
  if (family === 'gamma' && lo === hi) {
    throw new ArgumentError(`data.${response}`, `every value ${lo}`, 'a response that varies: the gamma dispersion would be 0');
  }
  if (family !== 'binomial' && hi === 0) {
    throw new ArgumentError(`data.${response}`, 'all counts 0', 'at least one positive count: the log-rate would be −∞');
  }
}

/** (R_X'R_X)⁻¹ at the mode: the fixed-effects block of the joint PWRSS system at the final weights (glmer's `use.hessian = FALSE`). */
function vcovRX(prob: GlmmProblem, fam: Family, theta: number[], st: ModeState): Float64Array {
  const { n, p } = prob;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const me = fam.muEta(st.eta[i]!);
    w[i] = (prob.wt[i]! * me * me) / fam.variance(st.mu[i]!);
  }
  const cp = formCrossProducts(prob.terms, prob.X, st.eta, n, p, { aggregate: false, weights: w, structure: prob.structure });
  return vcovFromFactor(evaluateDeviance(cp, theta, false).Lx, p, 1);
}

/** Plain-language diagnostics: convergence, singular fit, separation, Poisson overdispersion, dropped rows and columns. */
function collectDiagnostics(
  out: Diagnostic[],
  c: {
    opt1: OptimizeResult;
    opt2: OptimizeResult;
    st: ModeState;
    singular: boolean;
    terms: ReTerm[];
    lams: Float64Array[];
    frame: { dropped: GlmmFit['dropped']; nInput: number };
    familyName: GlmmFamilyName;
    prob: GlmmProblem;
    famFinal: Family;
    nPar: number;
    separated: Set<string>;
    droppedColumns: string[];
  },
): void {
  if (!c.opt2.converged || !c.opt1.converged) {
    out.push(
      notConverged(`The optimiser did not confirm convergence (${c.opt2.converged ? c.opt1.message : c.opt2.message}). Estimates may be imprecise: try centring or rescaling numeric covariates, or simplifying the random-effects structure.`),
    );
  }
  if (!c.st.converged) {
    out.push(pirlsNotConverged(c.st.iterations));
  }
  if (c.singular) {
    const which = c.terms.filter((t, j) => {
      for (let k = 0; k < t.k; k++) if (Math.abs(c.lams[j]![k * t.k + k]!) < 1e-4) return true;
      return false;
    }).map((t) => `(${t.label})`);
    out.push(glmmSingular(which));
  }
  if (c.separated.size) {
    let extreme = 0;
    for (let i = 0; i < c.prob.n; i++) if (c.st.mu[i]! < 1e-8 || c.st.mu[i]! > 1 - 1e-8) extreme++;
    const terms = [...c.separated];
    out.push(glmmSeparation(terms, extreme));
  }
  if (c.familyName === 'poisson') {
    // Pearson χ² / residual df, as the GLMM FAQ's overdisp_fun.
    let chisq = 0;
    for (let i = 0; i < c.prob.n; i++) {
      const r = c.prob.y[i]! - c.st.mu[i]!;
      chisq += (c.prob.wt[i]! * r * r) / c.famFinal.variance(c.st.mu[i]!);
    }
    const rdf = c.prob.n - c.nPar;
    const ratio = chisq / rdf;
    const pValue = rdf > 0 ? chiSquaredCdf(chisq, rdf, { lowerTail: false }) : NaN;
    if (rdf > 0 && pValue < 0.05 && ratio > 1) {
      out.push(glmmOverdispersion(chisq, rdf, ratio, pValue));
    }
  }
  if (c.droppedColumns.length) {
    out.push(rankDeficient(c.droppedColumns, { design: 'The fixed-effects design', others: 'other', asR: 'R does', hint: 'Check for collinear covariates or empty cells.' }));
  }
  if (c.frame.dropped.total > 0) {
    out.push(rowsDropped(c.frame.dropped, c.frame.nInput, '. Rows are dropped one at a time, so the likelihood uses every observed value (valid under missing at random).'));
  }
}

function prepare(formula: string, data: ModelData, options: GlmmOptions): Setup {
  const opts = checkOptions('options', options, OPTION_KEYS);
  if (opts.control !== undefined) checkOptions('options.control', opts.control, CONTROL_KEYS);
  if (opts.partialNesting !== undefined) checkOptions('options.partialNesting', opts.partialNesting, ['cluster', 'arm', 'treated']);
  const familyName = checkOneOf('options.family', opts.family, FAMILIES);
  if (familyName === 'negativeBinomial' && opts.link !== undefined && opts.link !== 'log') {
    throw new ArgumentError('options.link', opts.link, '"log" for the negative binomial in fitGlmm (glmmTMB nbinom2)');
  }
  if (familyName === 'gamma' && opts.link !== undefined && opts.link !== 'log' && opts.link !== 'inverse') {
    throw new ArgumentError('options.link', opts.link, '"log" or "inverse" for the gamma in fitGlmm (glmmTMB Gamma; an identity link can give a negative mean)');
  }
  // makeFamily validates the family/link pair (θ is a placeholder here; it is estimated).
  const fam0 = makeFamily(familyName, opts.link, familyName === 'negativeBinomial' ? 1 : undefined);
  const ciLevel = checkCiLevel(opts.ciLevel ?? 0.95, 'options.ciLevel');
  const nAgq = checkInteger('options.nAgq', opts.nAgq ?? 1, 1, 100);
  if (familyName === 'gamma' && nAgq > 1) {
    throw new ArgumentError('options.nAgq', nAgq, '1 for the gamma family: the quadrature deviance (glmer\'s) is on the deviance-residual scale, which leaves out the dispersion');
  }
  if (familyName !== 'binomial' && opts.trials !== undefined) {
    throw new ArgumentError('options.trials', opts.trials, `nothing: trials belong to the binomial family, not ${familyName}`);
  }
  if (familyName === 'binomial' && opts.weights !== undefined) {
    throw new ArgumentError('options.weights', opts.weights, 'nothing for the binomial family: give successes out of trials with options.trials instead');
  }

  const { parsed: parsedFinal, source: src } = mixedModelInput(formula, data, opts.partialNesting, 'fitGlm', opts.instrument);
  for (const k of ['trials', 'offset', 'weights'] as const) {
    const col = opts[k];
    if (col !== undefined && !src.has(col)) throw new ArgumentError(`options.${k}`, col, `a column of the data (${src.names().slice(0, 20).join(', ')})`);
  }
  const frame = buildModelFrame(parsedFinal, src, frameOptionsOf(opts));
  const n = frame.n;
  const response = parsedFinal.response!;

  // Trials, weights and offset on the rows used: every value must be valid (never dropped silently).
  const issues: ValidationIssue[] = [];
  const numericColumn = (name: string, ok: (v: number) => boolean, expected: string): Float64Array => {
    const col = src.column(name);
    const out = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const r = frame.rows[j]!;
      const v = col[r];
      if (typeof v !== 'number' || !ok(v)) issues.push(issue('data', r + 1, name, v, expected));
      else out[j] = v;
    }
    return out;
  };
  const trials = opts.trials !== undefined ? numericColumn(opts.trials, () => true, 'a whole number of trials ≥ 1') : null;
  const weights = opts.weights !== undefined ? numericColumn(opts.weights, (v) => Number.isFinite(v) && v >= 0, 'a finite prior weight ≥ 0') : null;
  const offset =
    opts.offset !== undefined
      ? numericColumn(opts.offset, Number.isFinite, 'a finite offset on the link scale (for an exposure, the log of a positive number)')
      : new Float64Array(n);
  if (issues.length) throw new ValidationError(issues, 'Trials, weights or offset are not usable');
  const rowNumbers = Array.from(frame.rows, (r) => r + 1);
  checkResponse(fam0, Array.from(frame.y), trials ? Array.from(trials) : new Array<number>(n).fill(1), rowNumbers, {
    field: response,
    ...(opts.trials !== undefined ? { trialsField: opts.trials } : {}),
  });
  const y = new Float64Array(n);
  const wt = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = trials ? frame.y[i]! / trials[i]! : frame.y[i]!;
    wt[i] = trials ? trials[i]! : weights ? weights[i]! : 1;
  }
  checkNotConstant(y, familyName, response);

  // Fixed effects: drop aliased columns as R does.
  const pAll = frame.spec.columnNames.length;
  const XtX = new Float64Array(pAll * pAll);
  const Xf = frame.X;
  for (let a = 0; a < pAll; a++) {
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += Xf[a * n + i]! * Xf[b * n + i]!;
      XtX[a * pAll + b] = s;
      XtX[b * pAll + a] = s;
    }
  }
  const { kept, aliased } = detectRankDeficiency(XtX, pAll);
  const p = kept.length;
  // The frame's own matrix when no column is aliased (no second copy of n × p at register scale).
  let X = frame.X;
  if (p < pAll) {
    X = new Float64Array(n * p);
    kept.forEach((j, c) => X.set(frame.X.subarray(j * n, (j + 1) * n), c * n));
  }
  const droppedColumns = aliased.map((j) => frame.spec.columnNames[j]!);
  const xNames = kept.map((j) => frame.spec.columnNames[j]!);

  const terms = buildReTerms(frame);
  if (nAgq > 1 && (terms.length !== 1 || terms[0]!.k !== 1)) {
    throw new ArgumentError('options.nAgq', nAgq, '1 (the Laplace approximation): adaptive Gauss-Hermite quadrature needs a single scalar random effect such as "(1 | id)"');
  }
  const prob: GlmmProblem = {
    terms,
    X,
    n,
    p,
    y,
    wt,
    offset,
    hessian: familyName === 'negativeBinomial' || familyName === 'gamma' ? 'observed' : 'fisher',
    structure: opts.control?.structure ?? 'auto',
  };
  const nTheta = terms.reduce((a, t) => a + (t.k * (t.k + 1)) / 2, 0);
  const thetaStart: number[] = [];
  for (const t of terms) for (let c = 0; c < t.k; c++) for (let r = c; r < t.k; r++) thetaStart.push(r === c ? 1 : 0);
  const nb = familyName === 'negativeBinomial';
  const famAt = (logNb: number): Family => (nb ? makeFamily('negativeBinomial', 'log', Math.exp(logNb)) : fam0);
  const gamma = familyName === 'gamma';
  // The gamma's first φ: the squared coefficient of variation of the response, which also holds
  // the random effects' share, so it starts above the estimate.
  let logDispersionStart = 0;
  if (gamma) {
    let sw = 0;
    let m = 0;
    for (let i = 0; i < n; i++) (sw += wt[i]!), (m += wt[i]! * y[i]!);
    m /= sw;
    let v = 0;
    for (let i = 0; i < n; i++) v += wt[i]! * (y[i]! - m) ** 2;
    logDispersionStart = Math.log(v / sw / (m * m));
  }

  return { prob, fam0, familyName, nAgq, ciLevel, frame, xNames, droppedColumns, kept, terms, nTheta, p, n, thetaStart, nb, gamma, logDispersionStart, famAt, opts, formula };
}

interface Setup {
  prob: GlmmProblem;
  fam0: Family;
  familyName: GlmmFamilyName;
  nAgq: number;
  ciLevel: number;
  frame: ModelFrame;
  xNames: string[];
  droppedColumns: string[];
  kept: number[];
  terms: ReTerm[];
  nTheta: number;
  p: number;
  n: number;
  thetaStart: number[];
  nb: boolean;
  /** The gamma family: log φ follows β in stage 2 (and θ in stage 1). */
  gamma: boolean;
  logDispersionStart: number;
  famAt: (logNb: number) => Family;
  opts: GlmmOptions;
  formula: string;
}

/**
 * The two deviance functions of glmer's optimisation, sharing a warm start for the modes:
 * stage 1 in θ (β and u by PIRLS, nAGQ = 0) and stage 2 in (θ, β[, log θ_NB or log φ])
 * (Laplace or AGQ). The gamma's stage 1 takes log φ after θ.
 */
function makeDevianceFunctions(setup: Setup) {
  const { prob, fam0, n, p, nb, gamma, famAt, nTheta, nAgq } = setup;
  const { y, wt } = prob;
  const etaStart = new Float64Array(n);
  for (let i = 0; i < n; i++) etaStart[i] = fam0.linkfun(fam0.initialMu(y[i]!, wt[i]!));
  let warm: ModeState | null = null;
  // The state of the last solve, converged or not (the fit's final state and the gradient read it).
  let lastSolved: ModeState | null = null;
  const stage1Fam = nb ? famAt(0) : fam0;
  // The problem PIRLS solves: for the gamma its prior weights are divided by φ (one buffer,
  // refilled at each φ), while the likelihood reads the prior weights themselves.
  const modeProblem: GlmmProblem = gamma ? { ...prob, wt: new Float64Array(n) } : prob;
  const atDispersion = (logPhi: number): number => {
    const phi = Math.exp(logPhi);
    for (let i = 0; i < n; i++) modeProblem.wt[i] = wt[i]! / phi;
    return phi;
  };
  // PIRLS starts from the last converged state. A state that did not converge (far from the
  // optimum, where an optimiser's step may land) is never kept as the start: its β and u can be
  // far off, and every later evaluation would start from them. A warm start that fails to
  // converge is retried from the cold start.
  const stage1 = (par: readonly number[]): number => {
    const phi = gamma ? atDispersion(par[nTheta]!) : 1;
    const th = par.slice(0, nTheta);
    const cold = (): ModeState => pirls(modeProblem, stage1Fam, th, new Float64Array(p), true, null, etaStart);
    let st = warm ? pirls(modeProblem, stage1Fam, th, warm.beta, true, warm.u, null) : cold();
    if (warm && !st.converged) st = cold();
    if (!Number.isFinite(st.ldL2)) return Infinity;
    if (st.converged) warm = st;
    lastSolved = st;
    return laplaceDeviance(prob, stage1Fam, st, phi);
  };
  const stage2 = (par: readonly number[], general = false): number => {
    const th = par.slice(0, nTheta);
    const be = par.slice(nTheta, nTheta + p);
    const fam = nb ? famAt(par[nTheta + p]!) : fam0;
    const phi = gamma ? atDispersion(par[nTheta + p]!) : 1;
    let st = pirls(modeProblem, fam, th, be, false, warm ? warm.u : null, null, nAgq > 1, general);
    if (warm && !st.converged) st = pirls(modeProblem, fam, th, be, false, null, null, nAgq > 1, general);
    if (!Number.isFinite(st.ldL2)) return Infinity;
    if (st.converged) warm = st;
    lastSolved = st;
    return nAgq > 1 ? agqDeviance(prob, fam, th, st, nAgq) : laplaceDeviance(prob, fam, st, phi);
  };
  // The analytic gradient (scalar systems, canonical links, Laplace): null when not available.
  const analytic = !nb && !gamma && nAgq === 1 && hasLaplaceGradient(prob, fam0);
  // The point and stage of the last PIRLS solve: a gradient asked for there reuses it.
  let last: { stage: 1 | 2; par: number[]; f: number } | null = null;
  const cached = (stage: 1 | 2, par: readonly number[]): number => {
    if (last && last.stage === stage && last.par.length === par.length && last.par.every((v, i) => v === par[i])) return last.f;
    const f = stage === 1 ? stage1(par) : stage2(par);
    last = { stage, par: [...par], f };
    return f;
  };
  /** Deviance and gradient at par, of stage 1 (θ, with β and u by the joint PIRLS) or stage 2 (θ and β). */
  const withGradient =
    (stage: 1 | 2) =>
    (par: readonly number[]): { f: number; g: Float64Array } | null => {
      const f = cached(stage, par);
      if (!Number.isFinite(f)) return null;
      const g = laplaceGradient(modeProblem, fam0, par.slice(0, nTheta), lastSolved!, stage === 1);
      return g ? { f, g } : null;
    };
  return {
    /** The problem PIRLS solved last (the gamma's weights at the last φ). */
    modeProblem,
    stage1: (par: readonly number[]): number => cached(1, par),
    /** The stage-1 state at θ (its β starts stage 2). */
    stage1State(th: readonly number[]): ModeState {
      cached(1, th);
      return lastSolved!;
    },
    stage2: (par: readonly number[], general = false): number => {
      if (!general) return cached(2, par);
      last = null;
      return stage2(par, true);
    },
    /** Null when the analytic gradient does not cover the model (then finite differences). */
    stage1WithGradient: analytic ? withGradient(1) : null,
    stage2WithGradient: analytic ? withGradient(2) : null,
    lastState: () => lastSolved,
  };
}

/**
 * The deviance function of a GLMM, as lme4's `glmer(..., devFunOnly = TRUE)` after its first
 * stage: −2 log-likelihood (Laplace, or AGQ for nAgq > 1) at parameters (θ in lme4's order,
 * then β, then log θ_NB for the negative binomial). For checking a fit or profiling.
 * @example
 * const dev = glmmDevianceFunction('incidence ~ period + (1 | herd)', cbpp, { family: 'binomial', trials: 'size' });
 * dev([0.642, -1.398, -0.992, -1.129, -1.580]); // 184.05… (glmer's devfun at the same point)
 */
export function glmmDevianceFunction(formula: string, data: ModelData, options: GlmmOptions): (params: readonly number[]) => number {
  const setup = prepare(formula, data, options);
  const d = makeDevianceFunctions(setup);
  const size = setup.nTheta + setup.p + (setup.nb || setup.gamma ? 1 : 0);
  return (params) => {
    if (!Array.isArray(params) || params.length !== size) throw new ArgumentError('params', params, `${size} numbers: θ (${setup.nTheta}), β (${setup.p})${setup.nb ? ', log θ_NB' : setup.gamma ? ', log φ' : ''}`);
    return d.stage2(params);
  };
}

/**
 * The Laplace deviance and its analytic gradient at (θ, β) (`laplaceGradient`), or null where the
 * model is outside its reach, for checking it against differences. Internal: not exported from the package.
 */
export function glmmDevianceGradientFunction(formula: string, data: ModelData, options: GlmmOptions): ((params: readonly number[]) => { f: number; g: Float64Array } | null) | null {
  const setup = prepare(formula, data, options);
  const d = makeDevianceFunctions(setup);
  return d.stage2WithGradient;
}

/** glmer's first-stage deviance and its analytic gradient in θ, or null (as `glmmDevianceGradientFunction`). Internal. */
export function glmmStage1GradientFunction(formula: string, data: ModelData, options: GlmmOptions): ((theta: readonly number[]) => { f: number; g: Float64Array } | null) | null {
  return makeDevianceFunctions(prepare(formula, data, options)).stage1WithGradient;
}

/**
 * glmer's first-stage deviance (nAGQ = 0: β and u by PIRLS together) at θ, for checking the
 * PIRLS kernels. Internal: not exported from the package.
 */
export function glmmStage1DevianceFunction(formula: string, data: ModelData, options: GlmmOptions): (theta: readonly number[]) => number {
  const setup = prepare(formula, data, options);
  const d = makeDevianceFunctions(setup);
  return (theta) => d.stage1([...theta]);
}
