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
import { buildModelFrame, cellsOf, frameOptionsOf, type CellDesign, type ModelFrame } from '../../formula/frame.js';
import { barLabel, parseFormula, type ParsedFormula, type RandomTerm } from '../../formula/parse.js';
import { dictFrom, own } from '../../data/own.js';
import { detectRankDeficiency, nullBasis } from '../../linalg/dense.js';
import { coefficientsToOriginal, covarianceToOriginal, planResponse, toOriginal } from '../centring.js';
import { toColumnSource, type ColumnSource, type ModelData } from '../data-input.js';
import { minimizeBounded, optimizerReport } from '../optimize.js';
import { checkResponseVaries, waldRow } from '../../results/not-estimable.js';
import { lambdaBlocks, type Solution } from './deviance.js';
import { canonicalTheta, conditioningDiagnostics, makeObjective, objectiveFromCrossProducts, polishBoundary, type Objective, type ZColumnStats } from './objective.js';
import { satterthwaiteDf, unidentifiedReason, vcovFromFactor } from './satterthwaite.js';
import { kenwardRogerDf } from './kenward-roger.js';
import { setState, type LmmCoreState, type LmmState } from './state.js';
import { registerLmmView } from './view.js';
import { buildReTerms } from './structure.js';
export { buildReTerms };
import { fixedCrossProduct, responseRefresher, type CrossProducts, type ReTerm } from './structure.js';
import type { FixedEffectRow, LmmFit, LmmOptions, RandomEffectsTable } from './types.js';
import { checkBoolean, checkCiLevel, checkInteger, checkOptions, optionKeys } from '../../errors/checks.js';
import { formatNumberLevel } from '../../formula/levels.js';
import { fixedEffectsNotEstimable, lmmNotConverged, lmmSingular, randomTermOneLevel, rankDeficient, rowsDropped, satterthwaiteHessianNotPd } from '../../errors/diagnostics.js';

// Before any fit: marginalMeans, contrast and anova find LMM fits through this view.
registerLmmView();

const LMM_OPTION_KEYS = optionKeys<LmmOptions>()(['reml', 'ddf', 'residualVarianceBy', 'partialNesting', 'ciLevel', 'control', 'levels', 'factors', 'instrument']);
const CONTROL_KEYS = optionKeys<NonNullable<LmmOptions['control']>>()(['maxEvaluations', 'simplexTolerance', 'step', 'start', 'aggregate', 'structure']);
const PARTIAL_NESTING_KEYS = optionKeys<NonNullable<LmmOptions['partialNesting']>>()(['cluster', 'arm', 'treated']);

/** Unknown keys at any level of the options are mistakes, never silently ignored. */
function checkLmmOptions(options: LmmOptions): void {
  checkOptions('options', options, LMM_OPTION_KEYS);
  checkOptions('options.partialNesting', options.partialNesting, PARTIAL_NESTING_KEYS);
  checkBoolean('options.reml', options.reml);
  const control = checkOptions('options.control', options.control, CONTROL_KEYS);
  if (control.maxEvaluations !== undefined) checkInteger('options.control.maxEvaluations', control.maxEvaluations, 1, 10_000_000);
}

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
  const frame = lmmFrame(formula, data, options);
  const fit = fitFrame(frame, options);
  if (options.partialNesting) hidePlaceholder(fit, options.partialNesting.cluster);
  return fit;
}

/** The stages before the fit: options checked, formula parsed, partial nesting applied, the model frame built. */
export function lmmFrame(formula: string, data: ModelData, options: LmmOptions = {}): ModelFrame {
  checkLmmOptions(options);
  const ciLevel = options.ciLevel ?? 0.95;
  checkCiLevel(ciLevel, 'options.ciLevel');
  const ddf = options.ddf ?? 'Satterthwaite';
  if (!['Satterthwaite', 'Kenward-Roger', 'asymptotic'].includes(ddf)) {
    throw new ArgumentError('options.ddf', ddf, '"Satterthwaite", "Kenward-Roger" or "asymptotic"');
  }
  const { parsed: parsedFinal, source: src } = mixedModelInput(formula, data, options.partialNesting, 'fitOls', options.instrument);
  const extra = options.residualVarianceBy ? [options.residualVarianceBy] : [];
  if (options.residualVarianceBy && !src.has(options.residualVarianceBy)) {
    throw new ArgumentError('options.residualVarianceBy', options.residualVarianceBy, `a column of the data (${src.names().slice(0, 20).join(', ')})`);
  }
  return buildModelFrame(parsedFinal, src, frameOptionsOf(options), extra);
}

/**
 * The start every mixed model shares (the LMM and the GLMM): the parsed formula, which must have
 * a random term unless partial nesting adds one, and the data source with partial nesting applied.
 */
export function mixedModelInput(
  formula: string,
  data: ModelData,
  partialNesting: { cluster: string; arm: string; treated: string } | undefined,
  withoutRandom: string,
  instrument?: string,
): { parsed: ParsedFormula; source: ColumnSource } {
  const parsed = parseFormula(formula);
  if (parsed.random.length === 0 && !partialNesting) {
    throw new ArgumentError('formula', formula, `at least one random-effects term such as "(1 | id)" (or options.partialNesting); for a model without random effects use ${withoutRandom}`);
  }
  const source = toColumnSource(data, 'data', instrument);
  if (!partialNesting) return { parsed, source };
  const pn = applyPartialNesting(source, partialNesting);
  return { parsed: withRandomTerm(parsed, pn.term), source: pn.source };
}

/** The cluster level given to rows outside the nested arm; its random effect multiplies 0. */
export const NO_CLUSTER = '(no cluster)';

/**
 * The formula with one more random term, built as a term rather than as text: names are
 * data (an arm called `SFT group` or `Ø-arm` pasted into formula text would not parse, or
 * would parse as something else). The text shows the term as R would write it.
 */
export function withRandomTerm(parsed: ParsedFormula, term: RandomTerm): ParsedFormula {
  return { ...parsed, text: `${parsed.text} + (${term.label})`, random: [...parsed.random, term] };
}

/**
 * Partially nested designs (Bauer, Sterba & Hallfors 2008; Baldwin, Bauer, Stice & Rohde
 * 2011): a cluster random intercept for the treated arm only. Written for lme4 as
 * `(0 + armTreated | cluster)` with one placeholder cluster for the other arm; this adds
 * the indicator column and the placeholder so users need not. The indicator is named
 * `<arm column><treated arm>` (R's name for that dummy), with `.1`, `.2`, … appended when the
 * data already have a column of that name, so it can never replace a column of the data.
 */
export function applyPartialNesting(src: ColumnSource, pn: { cluster: string; arm: string; treated: string }): { source: ColumnSource; term: RandomTerm } {
  for (const k of ['cluster', 'arm'] as const) {
    if (!src.has(pn[k])) throw new ArgumentError(`options.partialNesting.${k}`, pn[k], `a column of the data (${src.names().slice(0, 20).join(', ')})`);
  }
  let indicator = `${pn.arm}${pn.treated}`;
  for (let k = 1; src.has(indicator); k++) indicator = `${pn.arm}${pn.treated}.${k}`;
  const arm = src.column(pn.arm);
  const cl = src.column(pn.cluster);
  const n = src.nRows;
  // Whether a value is the treated arm, as String(value) === treated, once per distinct value
  // (an arm column has few; a label per row would cost more than the rest of this pass).
  const isTreated = new Map<unknown, boolean>();
  const treatedValue = (a: unknown): boolean => {
    let t = isTreated.get(a);
    if (t === undefined) {
      t = String(a) === pn.treated;
      isTreated.set(a, t);
    }
    return t;
  };
  let anyTreated = false;
  for (let i = 0; i < n && !anyTreated; i++) anyTreated = treatedValue(arm[i]);
  if (!anyTreated) {
    throw new ArgumentError('options.partialNesting.treated', pn.treated, `a value of "${pn.arm}"`);
  }
  const ind = new Float64Array(n);
  // Numeric cluster ids' level names, once per distinct id.
  const numberLabels = new Map<number, string>();
  const numberLabel = (c: number): string => {
    let l = numberLabels.get(c);
    if (l === undefined) {
      l = formatNumberLevel(c);
      numberLabels.set(c, l);
    }
    return l;
  };
  // The cluster column as the frame reads it: each row's cluster, the placeholder outside the
  // treated arm. The placeholder is text, so a numeric cluster id becomes its level name (as the
  // frame names numeric levels): a column may not mix numbers and text.
  const clusterValue = (i: number, treated: boolean): unknown => {
    const c = cl[i];
    if (treated && (c === null || c === undefined || c === '')) {
      throw new ArgumentError(`data[${i}].${pn.cluster}`, c, `a ${pn.cluster} for a row in arm "${pn.treated}" (partially nested design)`);
    }
    if (treated && c === NO_CLUSTER) {
      throw new ArgumentError(`data[${i}].${pn.cluster}`, c, `a ${pn.cluster} name other than "${NO_CLUSTER}", which stands for the rows outside arm "${pn.treated}"`);
    }
    return !treated ? NO_CLUSTER : typeof c === 'number' ? numberLabel(c) : c;
  };
  // Coded as the frame would code it (`ColumnSource.codes`): each row's index into the level
  // names, found once per distinct cluster id, so that no label is looked up per row. Values
  // other than numbers and text (which the frame rejects or names otherwise) keep the plain column.
  const codes = new Int32Array(n);
  const labels: string[] = [NO_CLUSTER];
  const labelCode = new Map<string, number>([[NO_CLUSTER, 0]]);
  const valueCode = new Map<unknown, number>();
  let coded = true;
  const codeOfLabel = (label: string): number => {
    let k = labelCode.get(label);
    if (k === undefined) {
      k = labels.length;
      labelCode.set(label, k);
      labels.push(label);
    }
    return k;
  };
  if (isIntArray(arm) && isIntArray(cl)) {
    // Integer typed columns (register scale): no missing values, every cluster id a number.
    const codeOfNumber = (c: number): number => {
      let k = valueCode.get(c);
      if (k === undefined) {
        k = codeOfLabel(numberLabel(c));
        valueCode.set(c, k);
      }
      return k;
    };
    markTreatedTyped(arm, cl, treatedValue, codeOfNumber, ind, codes);
  } else {
    for (let i = 0; i < n; i++) {
      const a = arm[i];
      if (a === null || a === undefined) {
        ind[i] = NaN;
        continue;
      }
      const treated = treatedValue(a);
      ind[i] = treated ? 1 : 0;
      if (!treated || !coded) continue;
      const c = cl[i];
      let k = valueCode.get(c);
      if (k === undefined) {
        const label = clusterValue(i, true);
        if (typeof label !== 'string') {
          coded = false;
          continue;
        }
        k = codeOfLabel(label);
        valueCode.set(c, k);
      }
      codes[i] = k;
    }
  }
  let cluster: unknown[] | null = null;
  const clusterColumn = (): unknown[] => {
    if (cluster) return cluster;
    cluster = new Array(n);
    for (let i = 0; i < n; i++) {
      const a = arm[i];
      cluster[i] = coded ? labels[codes[i]!] : a === null || a === undefined ? NO_CLUSTER : clusterValue(i, treatedValue(a));
    }
    return cluster;
  };
  // Raise a bad cluster value of a treated row now, whether or not the column is read.
  if (!coded) clusterColumn();
  const source: ColumnSource = {
    nRows: n,
    has: (k) => k === indicator || src.has(k),
    names: () => [...src.names(), indicator],
    column: (k) => (k === indicator ? ind : k === pn.cluster ? clusterColumn() : src.column(k)),
    codes: (k) => (k === pn.cluster ? (coded ? { codes, labels } : undefined) : src.codes?.(k)),
  };
  const terms = [[indicator]];
  return { source, term: { terms, intercept: false, group: [pn.cluster], label: barLabel(false, terms, [pn.cluster]) } };
}

/**
 * `applyPartialNesting`'s pass over integer typed columns: the indicator (1 in the treated arm)
 * and each treated row's cluster code (0, the placeholder, elsewhere). Each distinct arm and
 * cluster value is looked up once, its answer kept in a table over the column's range (a Map
 * lookup per row costs more than the rest of the pass).
 */
function markTreatedTyped(
  arm: ArrayLike<number>,
  cl: ArrayLike<number>,
  treatedValue: (a: number) => boolean,
  codeOf: (c: number) => number,
  ind: Float64Array,
  codes: Int32Array,
): void {
  const n = arm.length;
  const lowest = (x: ArrayLike<number>): { lo: number; span: number } => {
    let lo = x[0]!;
    let hi = lo;
    for (let i = 1; i < n; i++) {
      const v = x[i]!;
      if (v < lo) lo = v;
      else if (v > hi) hi = v;
    }
    return { lo, span: hi - lo + 1 };
  };
  const a = lowest(arm);
  const c = lowest(cl);
  if (n === 0 || a.span > 1 << 16 || c.span > 5e7) {
    for (let i = 0; i < n; i++) {
      if (!treatedValue(arm[i]!)) continue;
      ind[i] = 1;
      codes[i] = codeOf(cl[i]!);
    }
    return;
  }
  const treated = new Int8Array(a.span).fill(-1);
  const code = new Int32Array(c.span).fill(-1);
  const alo = a.lo;
  const clo = c.lo;
  for (let i = 0; i < n; i++) {
    const ai = arm[i]! - alo;
    let t = treated[ai]!;
    if (t < 0) {
      t = treatedValue(arm[i]!) ? 1 : 0;
      treated[ai] = t;
    }
    if (t === 0) continue;
    ind[i] = 1;
    const ci = cl[i]! - clo;
    let k = code[ci]!;
    if (k < 0) {
      k = codeOf(cl[i]!);
      code[ci] = k;
    }
    codes[i] = k;
  }
}

function isIntArray(x: ArrayLike<unknown>): x is Int32Array | Uint8Array | Int16Array | Uint16Array | Uint32Array | Int8Array {
  return x instanceof Int32Array || x instanceof Uint8Array || x instanceof Int16Array || x instanceof Uint16Array || x instanceof Uint32Array || x instanceof Int8Array;
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
  const n = own(fit.nGroups, cluster);
  if (n !== undefined) fit.nGroups[cluster] = n - 1;
}

/**
 * The first random term with data in fewer than two of its levels (a level's random effect
 * multiplies zero in every row it has, as the placeholder cluster of a partially nested design
 * does). Its variance cannot be told apart from the fixed effects, so the fit carries on but
 * flags it, and the rows that depend on it are not estimable.
 */
function oneLevelTerms(terms: readonly ReTerm[], n: number): { reason: string; diagnostic: Diagnostic } | null {
  return oneLevelTermsOf(
    terms,
    terms.map((t) => {
      const used = new Set<number>();
      for (let c = 0; c < t.k; c++) {
        const off = c * n;
        // Only whether fewer than two levels are used matters: stop at the second.
        for (let i = 0; i < n && used.size < 2; i++) if (t.Z[off + i] !== 0) used.add(t.group[i]!);
        if (used.size >= 2) break;
      }
      return [...used].map((l) => t.levels[l]!);
    }),
  );
}

/**
 * `oneLevelTerms` from the levels of each term whose random effect multiplies a nonzero value in
 * some row (only whether there are fewer than two matters, so a list may stop at two).
 */
export function oneLevelTermsOf(terms: readonly ReTerm[], usedLevels: readonly string[][]): { reason: string; diagnostic: Diagnostic } | null {
  for (const [j, t] of terms.entries()) {
    const which = usedLevels[j]!;
    if (which.length >= 2) continue;
    const reason = `the data have only ${which.length === 0 ? 'no' : 'one'} "${t.groupName}" (${which.map((w) => `"${w}"`).join(', ') || 'none'}) for the random term (${t.label}), so the variance between ${t.groupName}s cannot be estimated and any comparison that involves it is confounded with that one ${t.groupName}`;
    return {
      reason,
      diagnostic: randomTermOneLevel(reason, t.label, t.groupName, which),
    };
  }
  return null;
}


/**
 * Drop fixed-effect columns R would alias; returns the kept indices and the null space of X.
 * Judged on the objective's centred and scaled columns (the null vectors mapped back).
 */
export function reduceX(objective: Objective): { kept: number[]; aliased: number[]; nullBasis: number[][] } {
  const cp: CrossProducts = objective.crossProducts(objective.start);
  const XtX = fixedCrossProduct(cp);
  const { kept, aliased } = detectRankDeficiency(XtX, cp.p);
  return { kept, aliased, nullBasis: nullBasis(XtX, cp.p, kept, aliased).map((v) => Array.from(toOriginal(objective.plan, v))) };
}

/** Random terms need fewer levels, and fewer random effects, than observations. */
export function checkLevelCounts(terms: readonly ReTerm[], nLevels: readonly number[], n: number): void {
  terms.forEach((t, j) => {
    const nl = nLevels[j]!;
    if (nl >= n) {
      throw new ArgumentError(
        `grouping factor "${t.groupName}"`,
        `${nl} levels for ${n} observations`,
        'fewer levels than observations: with one observation per level the random effect cannot be told apart from the residual',
      );
    }
    if (nl * t.k >= n) {
      throw new ArgumentError(`random term "(${t.label})"`, `${nl * t.k} random effects for ${n} observations`, 'fewer random effects than observations');
    }
  });
}

/** The warning for fixed-effect columns dropped as aliased. */
export function rankDeficientDiagnostic(droppedColumns: string[]): Diagnostic {
  return rankDeficient(droppedColumns, { design: 'The fixed-effects design', others: 'other', asR: 'R does', hint: 'Check for collinear covariates or empty arm × visit cells.' });
}

/** The frame with another response, its other properties (X's getter included) as they are. */
function frameWithResponse(frame: ModelFrame, y: Float64Array): ModelFrame {
  const d = Object.getOwnPropertyDescriptors(frame);
  d.y = { value: y, writable: true, enumerable: true, configurable: true };
  return Object.defineProperties({}, d) as ModelFrame;
}

/** Rows from which the LMM's Newton polish stops at its gradient's noise (`relativeNoise`). */
const NOISE_STOP_ROWS = 10_000;

/** Fit from a built model frame (the stage after `buildModelFrame`). */
export function fitFrame(frame: ModelFrame, options: LmmOptions = {}): LmmFit {
  return refitterOf(frame, options, {}, false)(frame.y);
}

/** How a refitter's fits may differ from `fitFrame`'s in cost, never in any number read. */
export interface RefitTuning {
  /** Form the conditional modes, fitted values and residuals on first read (see `PreparedFit.lazy`). */
  lazy?: boolean;
  /** Simplex evaluations before the Newton steps (for a start near each refit's optimum). */
  simplexEvaluations?: number;
}

/**
 * Fits of the frame's model to responses on its rows (imputed datasets, bootstrap responses):
 * what depends on the design only (random-effects terms, aliased columns and X's null space,
 * the cross-products of X and Z, the design's diagnostics) is found once, and each response
 * re-forms only its own row of the cross-products (`responseRefresher`, bit-identical to a
 * full pass), so each fit equals `fitLmm`'s on the same rows with response `y` exactly (the
 * placeholder cluster of a partially nested design hidden as there). Fits with
 * `residualVarianceBy` (stratum-weighted cross-products) form their objective per response.
 */
export function frameRefitter(frame: ModelFrame, options: LmmOptions = {}, tuning: RefitTuning = {}): (y: Float64Array) => LmmFit {
  return refitterOf(frame, options, tuning, true);
}

function refitterOf(frame: ModelFrame, options: LmmOptions, tuning: RefitTuning, hide: boolean): (y: Float64Array) => LmmFit {
  checkLmmOptions(options);
  const reml = options.reml ?? true;
  const n = frame.n;
  const response = frame.formula.response ?? 'response';
  checkResponseVaries(frame.y, response);
  const terms = buildReTerms(frame);
  checkLevelCounts(terms, terms.map((t) => t.levels.length), n);
  const unidentified = oneLevelTerms(terms, n);

  // X as its distinct rows when the frame has them: the fit then never makes X itself.
  let X: Float64Array | CellDesign = cellsOf(frame) ?? frame.X;
  let p = frame.spec.columnNames.length;
  const aggregate = (options.control?.aggregate ?? true) && !options.residualVarianceBy;
  const structure = options.control?.structure ?? 'auto';
  const strataVar = options.residualVarianceBy;
  const strata = strataVar ? { variable: strataVar, ...frame.extra[strataVar]! } : null;
  let base = makeObjective(terms, X, frame.y, n, p, reml, aggregate, strata, structure);
  const { kept, aliased, nullBasis: nullVectors } = reduceX(base);
  const droppedColumns = aliased.map((j) => frame.spec.columnNames[j]!);
  if (aliased.length) {
    const Xr = new Float64Array(n * kept.length);
    const full = frame.X;
    kept.forEach((j, c) => Xr.set(full.subarray(j * n, (j + 1) * n), c * n));
    X = Xr;
    p = kept.length;
    base = makeObjective(terms, X, frame.y, n, p, reml, aggregate, strata, structure);
  }
  if (n <= p) throw new ArgumentError('data', `${n} complete rows`, `more rows than the ${p} fixed-effect columns`);
  const xNames = kept.map((j) => frame.spec.columnNames[j]!);
  const baseObjective = base;
  let refresh: ReturnType<typeof responseRefresher> | null = null;
  const xMul = baseObjective.plan.scale.map((d) => 1 / d);
  const objectiveFor = (y: Float64Array): Objective => {
    if (y === frame.y) return baseObjective;
    if (strata) return makeObjective(terms, X, y, n, p, reml, aggregate, strata, structure);
    refresh ??= responseRefresher(baseObjective.crossProducts(baseObjective.start), X);
    // X's centring and scaling do not depend on the response: planned once, with the base.
    const plan = planResponse(baseObjective.plan, y, n);
    const zMul = baseObjective.zMul;
    const cp = refresh(y, { xShift: plan.centre, xMul, yShift: plan.yCentre, yMul: 1 / plan.yScale, zMul });
    return objectiveFromCrossProducts(terms, plan, zMul, cp, reml);
  };

  return (y) => {
    if (y !== frame.y) checkResponseVaries(y, response);
    const objective = objectiveFor(y);
    // The design's diagnostics, fresh for each fit (fitObjective appends to the list).
    const diagnostics: Diagnostic[] = [];
    if (unidentified) diagnostics.push({ ...unidentified.diagnostic });
    if (aliased.length) diagnostics.push(rankDeficientDiagnostic(droppedColumns));
    // (Copied by descriptor: a frame whose X is still to be made stays so.)
    const refitFrame = y === frame.y ? frame : frameWithResponse(frame, y);
    const { fit, state, solution: sol, lamBlocks } = fitObjective({
      terms,
      objective,
      n,
      p,
      options,
      formulaText: frame.formula.text,
      xNames,
      kept,
      droppedColumns,
      nullVectors,
      diagnostics,
      unidentified: unidentified?.reason ?? null,
      dropped: frame.dropped,
      nInput: frame.nInput,
      rows: frame.rows,
      frame: refitFrame,
      ...tuning,
    });
    const sigma2 = state.sigma * state.sigma;
    const cluster = hide && options.partialNesting ? options.partialNesting.cluster : null;
    if (!tuning.lazy) {
      attachModes(fit, terms, lamBlocks, sol, sigma2, X, state.beta, y);
      const out = setState(fit, state as LmmState);
      if (cluster) hidePlaceholder(out, cluster);
      return out;
    }
    const out = setState(fit, state as LmmState);
    if (cluster) {
      const c = out.nGroups[cluster];
      if (c !== undefined) out.nGroups[cluster] = c - 1;
    }
    // Conditional modes, fitted values and residuals: formed together on the first read of any.
    let modes: Pick<LmmFit, 'randomEffects' | 'fitted' | 'residuals'> | null = null;
    const formModes = () => {
      if (modes) return modes;
      const full = objective.evaluate(state.params, true).solution!;
      const m: Pick<LmmFit, 'randomEffects' | 'fitted' | 'residuals'> = { randomEffects: [], fitted: new Float64Array(0), residuals: new Float64Array(0) };
      attachModes(m, terms, lambdaBlocks(objective.crossProducts(state.params), state.theta), full, sigma2, X, state.beta, y);
      if (cluster) hidePlaceholder({ randomEffects: m.randomEffects, nGroups: Object.create(null) as Record<string, number> }, cluster);
      return (modes = m);
    };
    deferValue(out, 'randomEffects', () => formModes().randomEffects);
    deferValue(out, 'fitted', () => formModes().fitted);
    deferValue(out, 'residuals', () => formModes().residuals);
    return out;
  };
}

/**
 * What needs the conditional modes: the random-effects tables (appended to `fit.randomEffects`),
 * fitted values Xβ + Zb and residuals. `sol` must hold every term's modes (`evaluate(params, true)`).
 * @param X - the kept fixed-effect columns, column-major n × p.
 */
export function attachModes(
  fit: Pick<LmmFit, 'randomEffects' | 'fitted' | 'residuals'>,
  terms: readonly ReTerm[],
  lamBlocks: Float64Array[],
  sol: Solution,
  sigma2: number,
  X: Float64Array | CellDesign,
  beta: Float64Array,
  y: Float64Array,
): void {
  const n = y.length;
  const p = beta.length;
  // Conditional modes b = Λu and conditional SDs √(σ² diag(λ C_u λ')) (lme4's ranef, condVar).
  const bAll = terms.map((t, j) => {
    const r = randomEffectsTable(t, lamBlocks[j]!, sol.u[j]!, sol.cu[j]!, sigma2);
    fit.randomEffects.push(r.table);
    return r.b;
  });

  // Fitted values and residuals, in one pass over the rows: each row's sum is Xβ's columns in
  // order (those with β = 0 left out), then each term's Zb, as column by column.
  const fitted = new Float64Array(n);
  const residuals = new Float64Array(n);
  const cols: number[] = [];
  for (let c = 0; c < p; c++) if (beta[c] !== 0) cols.push(c);
  const nc = cols.length;
  // X as its distinct rows: column c of row i is its cell's (the same values).
  const cells = X instanceof Float64Array ? null : X;
  const Xd = X instanceof Float64Array ? X : null;
  // Where column c starts: in X (column-major), or within a cell's row.
  const colOff = Int32Array.from(cols, (c) => (cells ? c : c * n));
  const colBeta = Float64Array.from(cols, (c) => beta[c]!);
  const nt = terms.length;
  // With cells, each cell's Xβ once (the same sum a row of that cell would form).
  let cellFit: Float64Array | null = null;
  if (cells) {
    cellFit = new Float64Array(cells.nCells);
    for (let c = 0; c < cells.nCells; c++) {
      let f = 0;
      for (let q = 0; q < nc; q++) f = f + cells.table[c * p + colOff[q]!]! * colBeta[q]!;
      cellFit[c] = f;
    }
  }
  if (cellFit && nt <= 2 && terms.every((t) => t.k === 1)) {
    // The usual model (cells; one or two terms of one column each) with each array in a local.
    const cell = cells!.cell;
    const g1 = terms[0]!.group;
    const z1 = terms[0]!.Z;
    const b1 = bAll[0]!;
    const two = nt === 2;
    const g2 = two ? terms[1]!.group : g1;
    const z2 = two ? terms[1]!.Z : z1;
    const b2 = two ? bAll[1]! : b1;
    for (let i = 0; i < n; i++) {
      let f = cellFit[cell[i]!]!;
      f = f + z1[i]! * b1[g1[i]!]!;
      if (two) f = f + z2[i]! * b2[g2[i]!]!;
      fitted[i] = f;
      residuals[i] = y[i]! - f;
    }
    fit.fitted = fitted;
    fit.residuals = residuals;
    return;
  }
  for (let i = 0; i < n; i++) {
    let f = 0;
    if (cellFit) f = cellFit[cells!.cell[i]!]!;
    else for (let q = 0; q < nc; q++) f = f + Xd![colOff[q]! + i]! * colBeta[q]!;
    for (let j = 0; j < nt; j++) {
      const t = terms[j]!;
      const b = bAll[j]!;
      const k = t.k;
      const g = t.group[i]! * k;
      for (let c = 0; c < k; c++) f = f + t.Z[c * n + i]! * b[g + c]!;
    }
    fitted[i] = f;
    residuals[i] = y[i]! - f;
  }
  fit.fitted = fitted;
  fit.residuals = residuals;
}

/** The conditional modes b = λu of one term and their conditional SDs, as lme4's `ranef(condVar = TRUE)`. */
export function randomEffectsTable(t: ReTerm, lam: Float64Array, u: Float64Array, cu: Float64Array, sigma2: number): { table: RandomEffectsTable; b: Float64Array } {
  const k = t.k;
  const b = new Float64Array(t.levels.length * k);
  const values: number[][] = [];
  const sds: number[][] = [];
  if (k === 1) {
    // One random effect per level (most terms, hundreds of thousands of levels at register
    // scale): the loop below in scalars, the same operations. The table's rows (an array per
    // level: at 100,000 participants a tenth of the fit's time and garbage) are formed when first
    // read; b, which the fitted values need, now.
    const l0 = lam[0]!;
    for (let l = 0; l < t.levels.length; l++) b[l] = 0 + l0 * u[l]!;
    const table: RandomEffectsTable = { group: t.groupName, terms: [...t.columnNames], levels: [...t.levels], values, sd: sds };
    deferValue(table, 'values', () => {
      for (let l = 0; l < b.length; l++) values.push([b[l]!]);
      return values;
    });
    deferValue(table, 'sd', () => {
      for (let l = 0; l < b.length; l++) sds.push([Math.sqrt(sigma2 * (0 + l0 * cu[l]! * l0))]);
      return sds;
    });
    return { table, b };
  }
  for (let l = 0; l < t.levels.length; l++) {
    const row = new Array<number>(k).fill(0);
    for (let r = 0; r < k; r++) for (let c = 0; c <= r; c++) row[r] = row[r]! + lam[r * k + c]! * u[l * k + c]!;
    row.forEach((x, r) => (b[l * k + r] = x));
    values.push(row);
    sds.push(condSd(lam, cu, l * k * k, k, sigma2));
  }
  // Copies: the frame keeps its own arrays (a later refit of the frame must see them whole).
  return { table: { group: t.groupName, terms: [...t.columnNames], levels: [...t.levels], values, sd: sds }, b };
}

/** What `fitObjective` needs: the objective on the kept columns and what the fit reports beside it. */
export interface PreparedFit {
  terms: ReTerm[];
  objective: Objective;
  n: number;
  p: number;
  options: LmmOptions;
  formulaText: string;
  xNames: string[];
  kept: number[];
  droppedColumns: string[];
  nullVectors: number[][];
  /** Diagnostics found so far (appended to). */
  diagnostics: Diagnostic[];
  unidentified: string | null;
  dropped: LmmFit['dropped'];
  nInput: number;
  rows: Int32Array;
  /** The frame, for Kenward–Roger (which needs the rows); null for a fit from aggregates. */
  frame: ModelFrame | null;
  /** Mean, SD and 0/1-ness of each random-effects column per term, when the columns are not in memory. */
  zStats?: ZColumnStats[][];
  /** Number of levels per term when `levels` are not listed (term 1 of a fit from aggregates). */
  nLevels?: number[];
  /**
   * A refit to another response of a model already fitted (the parametric bootstrap), whose
   * statistic may need little of the fit: the solution at the optimum has β only (no
   * conditional modes; the caller forms them if asked), and with asymptotic df the fixed-effects
   * rows' estimability check (it needs the Satterthwaite Hessian) runs when a row's se, df, …
   * or the fit's diagnostics are first read. Every number read is the one an eager fit gives.
   */
  lazy?: boolean;
  /** Simplex evaluations before the Newton steps (fewer for a start already near the optimum). */
  simplexEvaluations?: number;
}

/**
 * The stages every LMM fit shares once its objective exists, whether the cross-products came
 * from rows in memory or from an SQL engine's aggregates: optimise, polish, the solution at the
 * optimum, variance components, criteria, diagnostics and the fixed-effects table. The caller
 * adds what needs the rows (conditional modes of term 1 when available, fitted values, residuals).
 */
export function fitObjective(prep: PreparedFit): { fit: Omit<LmmFit, 'state'>; state: LmmCoreState & { frame: ModelFrame | null }; solution: Solution; lamBlocks: Float64Array[] } {
  const { terms, objective, n, p, options, xNames, kept, diagnostics } = prep;
  const reml = options.reml ?? true;
  const ciLevel = options.ciLevel ?? 0.95;
  const ddf = options.ddf ?? 'Satterthwaite';
  const { nTheta, lower } = objective;
  const x0 = options.control?.start ? [...objective.thetaToInternal(options.control.start), ...objective.start.slice(nTheta)] : objective.start;
  if (x0.length !== objective.start.length) throw new ArgumentError('options.control.start', options.control?.start, `${nTheta} starting values of θ`);
  const control = prep.simplexEvaluations === undefined ? (options.control ?? {}) : { ...options.control, simplexEvaluations: prep.simplexEvaluations };
  // From 10,000 rows the criterion's rounding (about 1e-14 of it) puts the step criterion of the
  // Newton polish out of reach: stop it at the noise instead (docs/methods/mixed-models.md).
  const opt = minimizeBounded((x) => objective.minimand(x), x0, lower, n >= NOISE_STOP_ROWS ? { ...control, relativeNoise: 1e-14 } : control);
  if (!Number.isFinite(opt.objective)) {
    throw new ConvergenceError(`No finite ${reml ? 'REML criterion' : 'deviance'} was found for ${prep.formulaText}: ${opt.message}`);
  }
  const params = polishBoundary(objective, terms, [...canonicalTheta(terms, opt.x.slice(0, nTheta)), ...opt.x.slice(nTheta)]);
  const theta = objective.thetaToOriginal(params.slice(0, nTheta));
  // A lazy refit's optimum by the eager fit's path (the same numbers), without the solution.
  const fin = objective.evaluate(params, prep.lazy ? 'factors' : true);
  const cp = fin.cp;
  const sol = fin.solution ?? { beta: betaFromFactor(fin.Lx, p, objective.plan.yScale), u: [], cu: [] };
  const sigma2 = fin.r2 / (reml ? n - p : n);
  const sigma = Math.sqrt(sigma2);
  const beta = coefficientsToOriginal(objective.plan, sol.beta);
  const vcov = covarianceToOriginal(objective.plan, vcovFromFactor(fin.Lx, p, sigma));
  const lamBlocks = lambdaBlocks(cp, theta);

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
      // With a variance estimated at 0 the correlation is undefined (lme4 prints NaN): null here.
      correlations.push({ group: t.groupName, term1: t.columnNames[a]!, term2: t.columnNames[b]!, covariance: cov, correlation: den > 0 ? cov / den : null });
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
    diagnostics.push(lmmNotConverged(opt.message));
  }
  if (singular) {
    const which = terms
      .filter((t, j) => {
        const lam = lamBlocks[j]!;
        for (let c = 0; c < t.k; c++) if (Math.abs(lam[c * t.k + c]!) < 1e-4) return true;
        return false;
      })
      .map((t) => `(${t.label})`);
    diagnostics.push(lmmSingular(which));
  }
  if (prep.dropped.total > 0) {
    diagnostics.push(rowsDropped(prep.dropped, prep.nInput, '. Rows are dropped one at a time, not whole participants, so the likelihood uses every observed value (valid under missing at random).'));
  }

  const state: LmmCoreState & { frame: ModelFrame | null } = { frame: prep.frame, cp, objective, params, options, reml, theta, sigma, beta, kept, vcov, nullBasis: prep.nullVectors };
  if (prep.unidentified) state.unidentified = prep.unidentified;
  const unit = (j: number) => Float64Array.from({ length: p }, (_, i) => (i === j ? 1 : 0));
  let vcovOut = vcov;
  let dfs = xNames.map((_, j) => (ddf === 'Satterthwaite' ? satterthwaiteDf(state, unit(j)) : Infinity));
  if (ddf === 'Kenward-Roger') {
    const kr = kenwardRogerDf(state as LmmState, xNames.map((_, j) => Array.from(unit(j))));
    vcovOut = kr.vcovAdjusted;
    dfs = kr.df;
  }
  const fullRow = (term: string, j: number): FixedEffectRow => ({
    term,
    ...waldRow(beta[j]!, Math.sqrt(vcovOut[j * p + j]!), dfs[j]!, ciLevel, unidentifiedReason(state, unit(j))),
    estimate: beta[j]!,
    ciLevel,
  });
  const deferred = prep.lazy === true && ddf === 'asymptotic';
  const fixedEffects: FixedEffectRow[] = xNames.map((term, j) => (deferred ? deferredRow(term, beta[j]!, ciLevel, () => fullRow(term, j)) : fullRow(term, j)));
  const estimability = (): Diagnostic[] => {
    const lost = fixedEffects.filter((r) => !r.estimable);
    if (!lost.length) return [];
    return [
      fixedEffectsNotEstimable(lost.map((r) => r.term), lost[0]!.reason),
    ];
  };
  const lostAt = diagnostics.length;
  if (!deferred) diagnostics.push(...estimability());
  if (ddf === 'Satterthwaite' && state.varpar && !state.varpar.hessianOk) {
    diagnostics.push(satterthwaiteHessianNotPd());
  }

  diagnostics.push(...conditioningDiagnostics(objective, terms, xNames, prep.zStats));
  const nLevels = prep.nLevels ?? terms.map((t) => t.levels.length);
  const fit: Omit<LmmFit, 'state'> = {
    kind: 'lmm',
    formula: prep.formulaText,
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
    nGroups: dictFrom(terms.map((t, j) => [t.groupName, nLevels[j]!])),
    dropped: prep.dropped,
    randomEffects: [],
    fitted: new Float64Array(0),
    residuals: new Float64Array(0),
    rows: prep.rows,
    ddf,
    optimizer: optimizerReport(opt),
    droppedColumns: prep.droppedColumns,
    singular,
    diagnostics,
  };
  if (deferred) {
    // The diagnostics as an eager fit lists them, once the rows' estimability is known.
    deferValue(fit, 'diagnostics', () => {
      diagnostics.splice(lostAt, 0, ...estimability());
      return diagnostics;
    });
  }
  return { fit, state, solution: sol, lamBlocks };
}

/** β of the internal columns from the [X y] factor (p + 1)² (its last row holds L_XX⁻¹X'y), times the response's scale. */
function betaFromFactor(Lx: Float64Array, p: number, yScale: number): Float64Array {
  const pp1 = p + 1;
  const beta = new Float64Array(p);
  for (let i = 0; i < p; i++) beta[i] = Lx[p * pp1 + i]!;
  for (let i = p - 1; i >= 0; i--) {
    let v = beta[i]!;
    for (let k = i + 1; k < p; k++) v -= Lx[k * pp1 + i]! * beta[k]!;
    beta[i] = (v / Lx[i * pp1 + i]!);
  }
  for (let i = 0; i < p; i++) beta[i] = beta[i]! * yScale;
  return beta;
}

/**
 * Replace `obj[key]` by a getter that computes the value on first read (then a plain data
 * property: later reads and writes cost nothing). Enumerable, so spreading or serialising the
 * object computes it as an eager object's would be read.
 */
export function deferValue<T extends object, K extends keyof T>(obj: T, key: K, compute: () => T[K]): void {
  const settle = (value: T[K]): void => {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  };
  // Once the object is frozen or sealed (a consumer's deep freeze) the getter cannot become a data
  // property: it then keeps the value it computed and returns it on every read.
  let kept: { value: T[K] } | null = null;
  Object.defineProperty(obj, key, {
    enumerable: true,
    configurable: true,
    get(): T[K] {
      if (kept) return kept.value;
      const value = compute();
      if (Object.getOwnPropertyDescriptor(obj, key)?.configurable) settle(value);
      else kept = { value };
      return value;
    },
    set: settle,
  });
}

/** The fields of a deferred fixed-effects row that need the estimability check. */
const DEFERRED_ROW_KEYS = ['se', 'df', 'statistic', 'pValue', 'ci', 'estimable', 'reason'] as const;
/** Each deferred row's way to its full row, until a field is first read. */
const fullRows = new WeakMap<object, () => FixedEffectRow>();
/** The full row of a deferred row frozen or sealed before its fields were read. */
const frozenRows = new WeakMap<object, FixedEffectRow>();

/** Replace a deferred row's getters by the full row's values (as `deferValue` settles one). */
function settleRow(row: FixedEffectRow): void {
  const full = fullRows.get(row)!();
  fullRows.delete(row);
  for (const k of DEFERRED_ROW_KEYS) {
    if (Object.getOwnPropertyDescriptor(row, k)!.get) Object.defineProperty(row, k, { value: full[k], writable: true, enumerable: true, configurable: true });
  }
}

// One set of accessors shared by every deferred row (a refit makes a row per coefficient, and
// closures per field cost more than the rest of the row).
const deferredRowDescriptors: PropertyDescriptorMap = Object.fromEntries(
  DEFERRED_ROW_KEYS.map((k) => [
    k,
    {
      enumerable: true,
      configurable: true,
      get(this: FixedEffectRow): unknown {
        // A frozen or sealed row keeps its getters: read the full row, formed once.
        if (!Object.getOwnPropertyDescriptor(this, k)!.configurable) {
          let full = frozenRows.get(this);
          if (!full) {
            full = fullRows.get(this)!();
            frozenRows.set(this, full);
          }
          return full[k];
        }
        settleRow(this);
        return this[k];
      },
      set(this: FixedEffectRow, value: unknown): void {
        Object.defineProperty(this, k, { value, writable: true, enumerable: true, configurable: true });
      },
    },
  ]),
);

/** A fixed-effects row with its estimate now and the rest (which needs the estimability check) on first read. */
function deferredRow(term: string, estimate: number, ciLevel: number, full: () => FixedEffectRow): FixedEffectRow {
  const row = { term, estimate } as FixedEffectRow;
  Object.defineProperties(row, deferredRowDescriptors);
  fullRows.set(row, full);
  row.ciLevel = ciLevel;
  return row;
}

/** √(σ² diag(λ C λ')) for the k × k block C of `Cu` at `c0`. */
function condSd(lam: Float64Array, Cu: Float64Array, c0: number, k: number, sigma2: number): number[] {
  const out: number[] = [];
  for (let a = 0; a < k; a++) {
    let s = 0;
    for (let b = 0; b < k; b++) for (let c = 0; c < k; c++) s += lam[a * k + b]! * Cu[c0 + b * k + c]! * lam[a * k + c]!;
    out.push(Math.sqrt(sigma2 * s));
  }
  return out;
}

function toRows(M: Float64Array, p: number): number[][] {
  return Array.from({ length: p }, (_, i) => Array.from(M.subarray(i * p, (i + 1) * p)));
}

