/**
 * `fitMmrm`: mixed models for repeated measures with the covariance between visits written in
 * the formula, as R's mmrm (Sabanés Bové et al., the mmrm package) writes it:
 * `score ~ baseline + arm * visit + us(visit | id)`, or `us(visit | arm / id)` for a covariance
 * per arm. REML (default) or ML; Satterthwaite or Kenward–Roger df as mmrm computes them.
 *
 * Stages as `fitLmm`: formula (parseFormula with covariance terms) → model frame (the visit,
 * subject and group columns carried as factors) → centred design → per-pattern cross-products
 * (likelihood.ts) → optimise (optimize.ts) → df (df.ts) → the fit.
 */
import { ArgumentError, type Diagnostic } from '../../errors/index.js';
import { buildModelFrame, frameOptionsOf, type ModelFrame } from '../../formula/frame.js';
import { parseFormula, type CovarianceTerm, type ParsedFormula } from '../../formula/parse.js';
import { own } from '../../data/own.js';
import { detectRankDeficiency, inverseFromCholesky, nullBasis } from '../../linalg/dense.js';
import { crossprodColumns } from '../../linalg/products.js';
import { coefficientsToOriginal, covarianceToOriginal, internalDesign, planColumns, toOriginal } from '../centring.js';
import { toColumnSource, type ColumnSource, type ModelData } from '../data-input.js';
import { minimizeBounded, optimizerReport } from '../optimize.js';
import { checkResponseVaries, waldRow } from '../../results/not-estimable.js';
import { checkBoolean, checkCiLevel, checkInteger, checkOneOf, checkOptions, optionKeys } from '../../errors/checks.js';
import { applyPartialNesting, NO_CLUSTER, withRandomTerm } from '../lmm/fit.js';
import type { FixedEffectRow } from '../lmm/types.js';
import { checkVisitCount, covarianceMatrix, heterogeneous, parameterCount, parameterNames, startTheta } from './covariance.js';
import { buildPatterns, evaluate, type MmrmProblem, type NestedSubject, type SubjectRows } from './likelihood.js';
import { dfFor, varianceFor, thetaCovariance } from './df.js';
import { setMmrmState, type MmrmState } from './state.js';
import { registerMmrmView } from './view.js';
import type { MmrmCovariance, MmrmDdf, MmrmFit, MmrmOptions } from './types.js';
import { mmrmHessianNotPd, notConverged, rankDeficient } from '../../errors/diagnostics.js';

registerMmrmView();

const MMRM_OPTION_KEYS = optionKeys<MmrmOptions>()(['reml', 'ddf', 'partialNesting', 'ciLevel', 'control', 'levels', 'factors', 'instrument']);
const CONTROL_KEYS = optionKeys<NonNullable<MmrmOptions['control']>>()(['maxEvaluations', 'simplexTolerance', 'step', 'start']);
const PARTIAL_NESTING_KEYS = optionKeys<NonNullable<MmrmOptions['partialNesting']>>()(['cluster', 'arm', 'treated']);
const DDF = ['Satterthwaite', 'Kenward-Roger', 'Kenward-Roger-Linear', 'asymptotic'] as const;

function checkMmrmOptions(options: MmrmOptions): void {
  checkOptions('options', options, MMRM_OPTION_KEYS);
  checkOptions('options.partialNesting', options.partialNesting, PARTIAL_NESTING_KEYS);
  checkBoolean('options.reml', options.reml);
  if (options.ddf !== undefined) checkOneOf('options.ddf', options.ddf, DDF);
  if (options.ciLevel !== undefined) checkCiLevel(options.ciLevel, 'options.ciLevel');
  const control = checkOptions('options.control', options.control, CONTROL_KEYS);
  if (control.maxEvaluations !== undefined) checkInteger('options.control.maxEvaluations', control.maxEvaluations, 1, 10_000_000);
  if ((options.ddf === 'Kenward-Roger' || options.ddf === 'Kenward-Roger-Linear') && options.reml === false) {
    throw new ArgumentError('options.ddf', options.ddf, '"Satterthwaite" or "asymptotic" with reml: false (Kenward–Roger is defined for REML fits, as in mmrm)');
  }
  if ((options.ddf === 'Kenward-Roger' || options.ddf === 'Kenward-Roger-Linear') && options.partialNesting) {
    throw new ArgumentError('options.ddf', options.ddf, '"Satterthwaite" with partialNesting (Kenward–Roger here works on per-subject blocks, which the therapy-group effect joins)');
  }
}

/**
 * Fit a mixed model for repeated measures (MMRM).
 *
 * @param formula - fixed effects plus one covariance term, e.g. `"FEV1 ~ ARMCD * AVISIT + us(AVISIT | USUBJID)"`;
 *   structures us, cs, csh, ar1, ar1h, toep, toeph, ad, adh; `us(AVISIT | ARMCD / USUBJID)` estimates Σ per arm.
 * @param data - rows (missing = null), an arquero table, a `{ columns, values }` frame or an object of columns.
 * @throws FormulaError for an unparseable formula, an unknown column, or no covariance term.
 * @throws ArgumentError for a visit column that is not a factor, a subject with a visit twice, a
 *   subject in two groups, or a structure that needs more visits than the data have.
 * @example
 * const fit = fitMmrm('score ~ baseline + arm * visit + ar1h(visit | id)', rows, {
 *   levels: { visit: ['m3', 'm6', 'm9', 'm15'], arm: ['control', 'SFT'] },
 *   ddf: 'Kenward-Roger',
 * });
 * fit.fixedEffects.find((r) => r.term === 'armSFT'); // { estimate, se, df (Kenward–Roger), statistic, pValue, ci, … }
 * contrast(marginalMeans(fit, ['arm'], { by: ['visit'] }), 'revpairwise').rows; // SFT − control at each visit
 */
export function fitMmrm(formula: string, data: ModelData, options: MmrmOptions = {}): MmrmFit {
  checkMmrmOptions(options);
  let parsed = parseFormula(formula, { covariance: true });
  const cov = parsed.covariance ?? [];
  if (cov.length !== 1) {
    throw new ArgumentError('formula', formula, cov.length === 0 ? 'one covariance term such as "us(visit | id)" (for random effects use fitLmm)' : 'exactly one covariance term');
  }
  if (parsed.random.length) {
    throw new ArgumentError('formula', formula, 'no random-effects terms "( … | g)" beside the covariance term: the visits\' covariance is the covariance term (the therapy-group effect of a partially nested design is options.partialNesting)');
  }
  let src = toColumnSource(data, 'data', options.instrument);
  if (options.partialNesting) {
    const pn = applyPartialNesting(src, options.partialNesting);
    src = pn.source;
    parsed = withRandomTerm(parsed, pn.term);
  }
  const term = cov[0]!;
  checkVisitFactor(term, src, options);
  const extra = [term.time, term.subject, ...(term.group ? [term.group] : [])].filter((v, i, a) => a.indexOf(v) === i);
  for (const v of extra) if (!src.has(v)) throw new ArgumentError('formula', v, `a column of the data (${src.names().slice(0, 20).join(', ')})`);
  const frame = buildModelFrame(parsed, src, frameOptionsOf(options), extra);
  return fitMmrmFrame(frame, term, options);
}

/** mmrm needs the visit as a factor: numbers there are usually a time in months, which a factor would silently treat as unordered labels. */
function checkVisitFactor(term: CovarianceTerm, src: ColumnSource, options: MmrmOptions): void {
  if (!src.has(term.time)) return;
  if ((options.factors ?? []).includes(term.time) || own(options.levels, term.time) !== undefined) return;
  const col = src.column(term.time);
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (typeof v === 'number' || typeof v === 'bigint') {
      throw new ArgumentError(
        `data[${i}].${term.time}`,
        v,
        `a visit label (text) in "${term.label}": the visit must be a factor; give its order in options.levels.${term.time} or list it in options.factors`,
      );
    }
  }
}

/** Fit from a built model frame whose `extra` carries the covariance term's visit, subject (and group) columns. */
export function fitMmrmFrame(frame: ModelFrame, term: CovarianceTerm, options: MmrmOptions = {}): MmrmFit {
  checkMmrmOptions(options);
  const reml = options.reml ?? true;
  const ciLevel = options.ciLevel ?? 0.95;
  const ddf: MmrmDdf = options.ddf ?? 'Satterthwaite';
  const diagnostics: Diagnostic[] = [];
  const n = frame.n;
  checkResponseVaries(frame.y, frame.formula.response ?? 'response');
  const visitF = frame.extra[term.time]!;
  const subjectF = frame.extra[term.subject]!;
  const groupF = term.group ? frame.extra[term.group]! : null;
  const visits = visitF.levels;
  const groups = groupF ? groupF.levels : [null];
  const V = visits.length;
  checkVisitCount(term.structure, V, term.time, null);

  const subjects = subjectRows(frame, term, visitF.codes, subjectF, groupF);
  checkStructureData(term, subjects, visits, groups);

  // Fixed effects: R's aliased columns dropped (judged on centred columns, as fitLmm).
  let p = frame.spec.columnNames.length;
  let plan = planColumns(frame.X, frame.y, n, p);
  let Xi = internalDesign(plan, frame.X, n);
  const XtX = crossprodColumns(Xi, n, p);
  const { kept, aliased } = detectRankDeficiency(XtX, p);
  const nullVectors = nullBasis(XtX, p, kept, aliased).map((v) => Array.from(toOriginal(plan, v)));
  const droppedColumns = aliased.map((j) => frame.spec.columnNames[j]!);
  let X = frame.X;
  if (aliased.length) {
    X = new Float64Array(n * kept.length);
    kept.forEach((j, c) => X.set(frame.X.subarray(j * n, (j + 1) * n), c * n));
    p = kept.length;
    plan = planColumns(X, frame.y, n, p);
    Xi = internalDesign(plan, X, n);
    diagnostics.push(rankDeficient(droppedColumns, { design: 'The fixed-effects design', others: 'other', asR: 'R does', hint: 'Check for collinear covariates or empty arm × visit cells.' }));
  }
  const k = parameterCount(term.structure, V);
  const nTheta = k * groups.length;
  if (n <= p + nTheta) throw new ArgumentError('data', `${n} complete rows`, `more rows than the ${p} fixed-effect columns and ${nTheta} variance parameters`);
  // The response centred and divided by a power of two near its spread (exact): Σ, β and their
  // covariance of the original units follow by the factor s (s² for variances), so neither the
  // optimiser's path nor the numerical derivatives see the response's unit.
  const yScale = plan.yScale;
  const y = new Float64Array(n);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    y[i] = (frame.y[i]! - plan.yCentre) / yScale;
    ss += y[i]! * y[i]!;
  }
  const sd0 = Math.sqrt(ss / n) || 1;
  const { patterns, patternOf } = buildPatterns(subjects, Xi, y, n, p);
  const nested = options.partialNesting ? nestedSubjects(frame, subjects, patternOf, options.partialNesting.cluster, sd0) : null;
  const prob: MmrmProblem = { structure: term.structure, n, p, V, nGroups: groups.length, k, X: Xi, y, plan, patterns, nested, reml };

  const start = options.control?.start;
  const nPar = nTheta + (nested ? 1 : 0);
  if (start && start.length !== nPar) throw new ArgumentError('options.control.start', start, `${nPar} numbers (the variance parameters in mmrm's parametrisation${nested ? ', then the cluster SD over the response SD' : ''})`);
  const nSd = heterogeneous(term.structure) ? V : 1;
  const isLogSd = (i: number) => i < nTheta && i % k < nSd;
  const logS = Math.log(yScale);
  const x0 = start ? start.map((v, i) => (isLogSd(i) ? v - logS : v)) : [...groups.flatMap(() => startTheta(term.structure, V, sd0)), ...(nested ? [0.3] : [])];
  const lower = x0.map((_, i) => (nested && i === nTheta ? 0 : -Infinity));
  const opt = minimizeBounded((x) => evaluate(prob, x)?.deviance ?? Infinity, x0, lower, options.control ?? {});
  if (!opt.converged) {
    diagnostics.push(notConverged(`The optimiser did not converge: ${opt.message}. Try other start values (options.control.start) or a simpler covariance structure.`));
  }
  const params = opt.x;
  const ev = evaluate(prob, params);
  if (!ev) throw new ArgumentError('data', 'a covariance that is not positive definite at the optimum', 'data that identify the covariance structure; try a simpler one');
  const PhiI = inverseFromCholesky(ev.L, p);
  const betaI = ev.beta;
  const beta = coefficientsToOriginal(plan, Array.from(betaI, (b) => b * yScale));
  const vcovUnadj = covarianceToOriginal(plan, PhiI.map((v) => v * yScale * yScale));
  // θ in mmrm's parametrisation of the original units: the log standard deviations move by log s.
  const thetaOut = params.slice(0, nTheta).map((v, i) => (isLogSd(i) ? v + logS : v));
  const deviance = ev.deviance + (reml ? n - p : n) * 2 * logS;

  const state: MmrmState = { frame, prob, params, nTheta, kept, nullBasis: nullVectors, beta, betaInternal: betaI, PhiI, vcov: vcovUnadj, ddf, plan, yScale };
  const W = thetaCovariance(state);
  if (!W.ok) {
    diagnostics.push(mmrmHessianNotPd());
  }
  const V0 = varianceFor(state, ddf);
  const xNames = kept.map((j) => frame.spec.columnNames[j]!);
  const unit = (j: number) => {
    const L = new Float64Array(p);
    L[j] = 1;
    return L;
  };
  const fixedEffects: FixedEffectRow[] = xNames.map((t, j) => ({
    term: t,
    ...waldRow(beta[j]!, Math.sqrt(V0.original[j * p + j]!), dfFor(state, ddf, [unit(j)]), ciLevel),
    estimate: beta[j]!,
    ciLevel,
  }));

  const covariance: MmrmCovariance[] = groups.map((g, gi) => {
    const S = covarianceMatrix(term.structure, thetaOut, V, gi * k)!;
    const sd = visits.map((_, a) => Math.sqrt(S[a * V + a]!));
    return {
      group: g,
      visits: [...visits],
      covariance: visits.map((_, a) => visits.map((__, b) => S[a * V + b]!)),
      correlation: visits.map((_, a) => visits.map((__, b) => (a === b ? 1 : S[a * V + b]! / (sd[a]! * sd[b]!)))),
      sd,
    };
  });
  const names = groups.flatMap((g) => parameterNames(term.structure, visits).map((nm) => (g === null ? nm : `${nm}:${g}`)));
  const fitted = new Float64Array(n);
  const residuals = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += X[j * n + i]! * beta[j]!;
    fitted[i] = s;
    residuals[i] = frame.y[i]! - s;
  }
  const tau = nested ? params[nTheta]! * nested.scale * yScale : 0;
  const logLik = -deviance / 2;
  const fit: MmrmFit = {
    kind: 'mmrm',
    formula: frame.formula.text,
    structure: term.structure,
    reml,
    ddf,
    fixedEffects,
    vcov: toRows(V0.original, p),
    vcovUnadjusted: toRows(vcovUnadj, p),
    covariance,
    theta: thetaOut,
    thetaNames: names,
    thetaVcov: W.W.slice(0, nTheta).map((r) => r.slice(0, nTheta)),
    clusterVariance: options.partialNesting ? { cluster: options.partialNesting.cluster, variance: tau * tau, sd: tau } : null,
    logLik,
    deviance,
    aic: deviance + 2 * nPar,
    bic: deviance + nPar * Math.log(subjects.length),
    nParameters: nPar,
    nObs: n,
    nSubjects: subjects.length,
    nVisits: V,
    dropped: frame.dropped,
    fitted,
    residuals,
    rows: frame.rows,
    optimizer: optimizerReport(opt),
    droppedColumns,
    diagnostics,
  };
  setMmrmState(fit, state);
  return fit;
}

/** Subjects with their rows in visit order; a visit twice or a subject in two groups is an error naming the rows. */
function subjectRows(
  frame: ModelFrame,
  term: CovarianceTerm,
  visit: Int32Array,
  subject: { levels: string[]; codes: Int32Array },
  group: { levels: string[]; codes: Int32Array } | null,
): SubjectRows[] {
  const n = frame.n;
  const nS = subject.levels.length;
  const rowsOf: number[][] = Array.from({ length: nS }, () => []);
  for (let i = 0; i < n; i++) rowsOf[subject.codes[i]!]!.push(i);
  const out: SubjectRows[] = [];
  for (let s = 0; s < nS; s++) {
    const rows = rowsOf[s]!;
    if (rows.length === 0) continue;
    rows.sort((a, b) => visit[a]! - visit[b]! || a - b);
    for (let r = 1; r < rows.length; r++) {
      if (visit[rows[r]!] === visit[rows[r - 1]!]) {
        const v = frame.extra[term.time]!.levels[visit[rows[r]!]!]!;
        throw new ArgumentError(
          `data[${frame.rows[rows[r]!]}].${term.time}`,
          v,
          `one row per ${term.subject} and visit: ${term.subject} "${subject.levels[s]}" already has visit "${v}" at data[${frame.rows[rows[r - 1]!]}]`,
        );
      }
    }
    const g = group ? group.codes[rows[0]!]! : 0;
    if (group) {
      for (const r of rows) {
        if (group.codes[r] !== g) {
          throw new ArgumentError(
            `data[${frame.rows[r]}].${term.group}`,
            group.levels[group.codes[r]!],
            `the same ${term.group} in every row of ${term.subject} "${subject.levels[s]}" (data[${frame.rows[rows[0]!]}] has "${group.levels[g]}"): the covariance is estimated per ${term.group}`,
          );
        }
      }
    }
    out.push({ rows: Int32Array.from(rows), visits: Int32Array.from(rows, (r) => visit[r]!), group: g });
  }
  return out;
}

/**
 * A structure needs data at its visits: one SD per visit needs each visit observed in every group,
 * and the unstructured covariance of two visits needs a subject seen at both.
 */
function checkStructureData(term: CovarianceTerm, subjects: readonly SubjectRows[], visits: readonly string[], groups: readonly (string | null)[]): void {
  const V = visits.length;
  groups.forEach((g, gi) => {
    const seen = new Uint32Array(V * V);
    let nSub = 0;
    for (const s of subjects) {
      if (s.group !== gi) continue;
      nSub++;
      for (const a of s.visits) for (const b of s.visits) seen[a * V + b] = seen[a * V + b]! + 1;
    }
    const where = g === null ? '' : ` in ${term.group} "${g}"`;
    if (nSub < 2) throw new ArgumentError(`data.${term.subject}`, `${nSub} ${term.subject}${where}`, `at least 2 subjects per covariance${g === null ? '' : ` (here per ${term.group})`}`);
    for (let a = 0; a < V; a++) {
      if (seen[a * V + a] === 0) {
        throw new ArgumentError(`data.${term.time}`, `no observation at visit "${visits[a]}"${where}`, `data at every visit for "${term.structure}" (it needs ${heterogeneous(term.structure) ? 'a variance per visit' : 'the visit in the correlation pattern'}); drop the visit level or choose a structure that does not need it`);
      }
      if (term.structure !== 'us') continue;
      for (let b = 0; b < a; b++) {
        if (seen[a * V + b] === 0) {
          throw new ArgumentError(`data.${term.time}`, `no ${term.subject} observed at both "${visits[b]}" and "${visits[a]}"${where}`, `for "us" a subject with both visits (their covariance is a parameter); use a structure with fewer parameters (e.g. "ar1h", "toeph")`);
        }
      }
    }
  });
}

/** Subjects with a therapy-group effect (z ≠ 0): each in one cluster. */
function nestedSubjects(frame: ModelFrame, subjects: readonly SubjectRows[], patternOf: Int32Array, cluster: string, sd0: number): NonNullable<MmrmProblem['nested']> {
  const rt = frame.random[0]!;
  const n = frame.n;
  const out: NestedSubject[] = [];
  const used = new Set<number>();
  subjects.forEach((s, si) => {
    const z = Float64Array.from(s.rows, (r) => rt.Z[r]!);
    if (z.every((v) => v === 0)) return;
    let c = -1;
    for (const r of s.rows) {
      if (rt.Z[r] === 0) continue;
      const g = rt.group[r]!;
      if (c >= 0 && g !== c) {
        throw new ArgumentError(`data[${frame.rows[r]}].${cluster}`, rt.levels[g], `the same ${cluster} in every row of a participant (data[${frame.rows[s.rows[0]!]}] has "${rt.levels[c]}")`);
      }
      c = g;
    }
    used.add(c);
    out.push({ pattern: patternOf[si]!, rows: s.rows, z, cluster: c });
  });
  const real = [...used].filter((c) => rt.levels[c] !== NO_CLUSTER);
  if (real.length < 2) {
    throw new ArgumentError(`data.${cluster}`, `${real.length} ${cluster}${real.length === 1 ? '' : 's'} with data`, `at least 2 ${cluster}s in the treated arm to estimate the variance between them`);
  }
  void n;
  return { subjects: out, nClusters: rt.levels.length, scale: sd0 };
}

function toRows(M: Float64Array, p: number): number[][] {
  return Array.from({ length: p }, (_, i) => Array.from(M.subarray(i * p, (i + 1) * p)));
}

export type { ParsedFormula };
