/**
 * Subgroup analyses done as interactions: for each subgroup variable S, one model with
 * arm × visit × S interactions (a linear mixed model with the partially nested therapy-group
 * term when the primary analysis is one, else OLS with cluster-robust CR2 errors), the
 * treatment effect within each level at each visit from its marginal means, and a test of
 * whether the effect differs between levels (the interaction), adjusted for multiplicity
 * across the subgroup variables by Holm and by Benjamini–Hochberg.
 *
 * Why one model with interactions rather than a separate test per level: a significant effect
 * in one level and a non-significant one in another is no evidence that they differ (Gelman &
 * Stern 2006); the interaction test is (Wang, Lagakos, Ware, Hunter & Drazen 2007, NEJM 357;
 * Sun, Briel, Walter & Guyatt 2010, BMJ 340).
 */
import type { TrialData } from '../data/types.js';
import { trialToRows } from '../data/validate.js';
import { fCdf } from '../distributions/f.js';
import { ArgumentError, type Diagnostic } from '../errors/index.js';
import { subgroupDefinition } from '../errors/diagnostics.js';
import { pAdjust } from '../inference/p-adjust.js';
import type { InstrumentRegistry } from '../instruments/registry.js';
import { contrast } from '../models/emmeans/contrast.js';
import { marginalMeans, NOT_IN_ROW_SPACE } from '../models/emmeans/marginal-means.js';
import { linearModelView } from '../models/emmeans/view.js';
import { fitLmm } from '../models/lmm/fit.js';
import { likelihoodRatioTest } from '../models/lmm/likelihood-ratio.js';
import type { LmmFit } from '../models/lmm/types.js';
import { fitOls } from '../models/ols/fit.js';
import type { OlsFit, OlsVcovType } from '../models/ols/types.js';
import { resolveArms } from '../dose-response/attendance-data.js';
import { defineSubgroup, type SubgroupDefinition, type SubgroupSpec } from './definitions.js';
import { checkCiLevel, checkOptions, optionKeys } from '../errors/checks.js';
import type { CountsBy, Estimate, WaldEstimate } from '../results/types.js';

export interface SubgroupAnalysisOptions {
  /** Instrument of the outcome. */
  instrument: string;
  /** Subgroup variables, each analysed in its own model. */
  subgroups: readonly SubgroupSpec[];
  /** Follow-up visits. @defaultValue every design visit after the baseline visit */
  visits?: readonly string[];
  /** @defaultValue the design's first visit */
  baselineVisit?: string;
  /**
   * `'lmm'`: linear mixed model with a participant random intercept (when there are several
   * follow-up visits) and a therapy-group random intercept in the treated arm only (partially
   * nested); `'ols'`: least squares with CR2 cluster-robust errors, clusters = therapy groups in
   * the treated arm and participants in the control arm. Use the primary analysis' choice.
   * @defaultValue 'lmm'
   */
  model?: 'lmm' | 'ols';
  /**
   * `'covariate'`: follow-up scores with the baseline score as a covariate (ANCOVA); `'outcome'`:
   * baseline is a visit of the outcome (as `score ~ arm * visit + (1 | id)`), and the effects
   * and the interaction test concern the follow-up visits through the arm × visit contrasts.
   * @defaultValue 'covariate'
   */
  baseline?: 'covariate' | 'outcome';
  /**
   * The interaction test: `'F'`, the joint Wald F test of every arm × subgroup coefficient (the
   * arm:S and arm:visit:S terms; Satterthwaite denominator df for LMM, HTZ for OLS with CR2), or
   * `'LRT'`, the likelihood-ratio test of the model without those terms, both refitted by ML
   * (LMM only).
   * @defaultValue 'F'
   */
  test?: 'F' | 'LRT';
  /**
   * Which interaction p-values form one family for the Holm and Benjamini–Hochberg adjustment:
   * all subgroup variables together, or pre-specified and exploratory variables separately.
   * @defaultValue 'all'
   */
  multiplicityFamily?: 'all' | 'by-status';
  /** Covariance of an OLS model. @defaultValue 'CR2' */
  vcov?: OlsVcovType;
  /** Degrees of freedom of an LMM's tests. @defaultValue 'Satterthwaite' */
  ddf?: 'Satterthwaite' | 'Kenward-Roger';
  /** @defaultValue the design's second arm */
  treatedArm?: string;
  /** @defaultValue 0.95 */
  ciLevel?: number;
  /** Registry with the instruments' level bands. @defaultValue the bundled instruments */
  registry?: InstrumentRegistry;
  /**
   * Also fit the model without subgroups for the effect in all participants (the forest plot's
   * top rows).
   * @defaultValue true
   */
  overall?: boolean;
}

/**
 * The treatment effect within one level at one visit; when not estimable (e.g. no participants
 * of one arm in this level) the numbers are `null` and `reason` says why
 * (docs/methods/not-estimable.md).
 */
export interface SubgroupEffect extends WaldEstimate {
  level: string;
  visit: string;
  /** Participants analysed at this visit in this level, by arm. */
  n: CountsBy<string>;
}

/** The test of whether the effect differs between levels. */
export interface SubgroupInteractionTest {
  /** F (test 'F') or χ² (test 'LRT'); `null` when the test cannot be formed (`method` says why). */
  statistic: number | null;
  numDf: number;
  /** Denominator df of the F test; `null` for the LRT. */
  denDf: number | null;
  pValue: number | null;
  /** Holm-adjusted p across the subgroup variables of the family. */
  pHolm: number | null;
  /** Benjamini–Hochberg-adjusted p across the subgroup variables of the family. */
  pBH: number | null;
  terms: string[];
  method: string;
  /** For the LRT: the two ML fits compared (formula, log-likelihood, number of parameters). */
  models?: { formula: string; logLik: number; nParameters: number }[];
}

/** The results of one subgroup variable, beside the fields of its definition. */
export interface SubgroupVariableResult extends Pick<SubgroupDefinition, 'name' | 'label' | 'kind' | 'prespecified' | 'status' | 'levels'> {
  /** Participants per level and arm (randomised, with a value). */
  counts: { level: string; byArm: Record<string, number> }[];
  notes: string[];
  effects: SubgroupEffect[];
  interaction: SubgroupInteractionTest;
  /** The model's formula. */
  formula: string;
  nObs: number;
  diagnostics: Diagnostic[];
}

/** One row of a forest plot. */
export interface SubgroupForestRow extends Estimate {
  variable: string;
  label: string;
  /** The level, or "All participants" for the overall rows. */
  level: string;
  visit: string;
  nControl: number;
  nTreated: number;
  /** Whether the level's effect is estimable; the forest row carries a `note` (not a `reason`) for the plot label. */
  estimable: boolean;
  note: string | null;
  /** The variable's interaction p (unadjusted, Holm, BH); null on the overall rows. */
  interactionP: number | null;
  interactionPHolm: number | null;
  interactionPBH: number | null;
  status: 'pre-specified' | 'exploratory' | 'overall';
}

export interface SubgroupAnalysisResult {
  kind: 'subgroup-analysis';
  instrument: string;
  treatedArm: string;
  controlArm: string;
  visits: string[];
  model: 'lmm' | 'ols';
  baseline: 'covariate' | 'outcome';
  test: 'F' | 'LRT';
  /** The effect in all participants at each visit, from the model without subgroups (empty with `overall: false`). */
  overall: SubgroupEffect[];
  variables: SubgroupVariableResult[];
  multiplicity: { methods: ['holm', 'BH']; family: 'all' | 'by-status'; description: string };
  forest: SubgroupForestRow[];
  method: string;
  diagnostics: Diagnostic[];
}

/** The therapy-group level of control rows (their group effect is multiplied by 0). */
const PLACEHOLDER = '(control: no group)';

interface Row {
  id: string;
  arm: string;
  group: string | null;
  /** 1 in the treated arm: the therapy-group random effect applies to these rows only. */
  treated: number;
  /** Therapy group of treated rows; one placeholder level for controls, whose effect is multiplied by 0. */
  therapyGroup: string;
  cluster: string;
  visit: string;
  score: number | null;
  baseline: number | null;
  subgroup: string | null;
}

/**
 * Subgroup analyses of the treatment effect, by interaction.
 *
 * For each subgroup variable S (levels s), with baseline as a covariate (the default):
 *   score_itv = baseline_i + arm × visit × S (+ u_i + SFT_i·g_group(i) + ε_itv)    (LMM)
 * the effect in level s at visit v is the difference of the arm's marginal means
 * (treated − control) at (v, s), with its SE and df from the model; the interaction test asks
 * whether these differences are equal across levels at every visit (all arm:S and arm:visit:S
 * coefficients zero). Interaction p-values are adjusted across the subgroup variables by Holm
 * (family-wise error) and Benjamini–Hochberg (false discovery rate); both are reported, and the
 * method is named in `multiplicity`. A level whose effect cannot be estimated (no participants
 * in one arm, or none measured at a visit) is kept with `estimable: false` and the reason.
 *
 * @param trial - validated trial data with a control and a treated arm.
 * @param options - see {@link SubgroupAnalysisOptions}; every option documents its default.
 * @throws SubgroupLevelsError when a subgroup variable has fewer than two levels.
 * @throws ArgumentError for unknown instruments, visits or options, `test: 'LRT'` with OLS, or
 *   no subgroup variables.
 * @example
 * // the synthetic SFT sample (tests/fixtures/r/subgroups), PSP at 9 and 15 months
 * const sg = subgroupAnalysis(trial, {
 *   instrument: 'PSP',
 *   subgroups: [{ kind: 'diagnosis-chapter', prespecified: true }, { kind: 'age-band' }],
 * });
 * sg.variables[0].interaction;
 * // { statistic: 1.7710…, numDf: 6, denDf: 238.8…, pValue: 0.1057…, pHolm: 0.20496…, pBH: 0.1057…, … }
 * // (lmerTest::contestMD gives F 1.7710, DenDF 238.80)
 * sg.forest[2];
 * // { variable: 'diagnosisChapter', level: 'F2', visit: '9m', nControl: 60, nTreated: 51,
 * //   estimate: 8.415…, ci: [4.176…, 12.654…], interactionP: 0.1057…, status: 'pre-specified', … }
 */
export function subgroupAnalysis(trial: TrialData, options: SubgroupAnalysisOptions): SubgroupAnalysisResult {
  checkOptions('options', options, optionKeys<SubgroupAnalysisOptions>()(['instrument', 'subgroups', 'visits', 'baselineVisit', 'model', 'baseline', 'test', 'multiplicityFamily', 'vcov', 'ddf', 'treatedArm', 'ciLevel', 'registry', 'overall']));
  if (options === null || typeof options !== 'object') throw new ArgumentError('options', options, '{ instrument, subgroups, … }');
  const design = trial.design;
  if (!design.instruments.includes(options.instrument)) {
    throw new ArgumentError('options.instrument', options.instrument, `one of the design's instruments (${design.instruments.join(', ')})`);
  }
  if (!Array.isArray(options.subgroups) || options.subgroups.length === 0) throw new ArgumentError('options.subgroups', options.subgroups, 'at least one subgroup specification');
  const baselineVisit = options.baselineVisit ?? design.visits[0]!;
  if (!design.visits.includes(baselineVisit)) throw new ArgumentError('options.baselineVisit', baselineVisit, `one of the design's visits (${design.visits.join(', ')})`);
  const visits = [...(options.visits ?? design.visits.filter((v) => v !== baselineVisit))];
  if (visits.length === 0) throw new ArgumentError('options.visits', visits, 'at least one follow-up visit');
  for (const v of visits) {
    if (!design.visits.includes(v) || v === baselineVisit) throw new ArgumentError('options.visits', v, `follow-up visits of the design (${design.visits.filter((x) => x !== baselineVisit).join(', ')})`);
  }
  const orderedVisits = design.visits.filter((v) => visits.includes(v));
  const model = options.model ?? 'lmm';
  if (model !== 'lmm' && model !== 'ols') throw new ArgumentError('options.model', model, '"lmm" or "ols"');
  const baseline = options.baseline ?? 'covariate';
  if (baseline !== 'covariate' && baseline !== 'outcome') throw new ArgumentError('options.baseline', baseline, '"covariate" or "outcome"');
  const test = options.test ?? 'F';
  if (test !== 'F' && test !== 'LRT') throw new ArgumentError('options.test', test, '"F" or "LRT"');
  if (test === 'LRT' && model === 'ols') throw new ArgumentError('options.test', test, '"F" for an OLS model (the likelihood-ratio test is offered for mixed models; with a cluster-robust covariance the Wald HTZ test is the valid one)');
  const family = options.multiplicityFamily ?? 'all';
  if (family !== 'all' && family !== 'by-status') throw new ArgumentError('options.multiplicityFamily', family, '"all" or "by-status"');
  const ciLevel = options.ciLevel ?? 0.95;
  checkCiLevel(ciLevel, 'options.ciLevel');
  const { treated, control } = resolveArms(trial, options.treatedArm);
  const vcov = options.vcov ?? 'CR2';
  const ddf = options.ddf ?? 'Satterthwaite';

  // Long rows of the outcome: follow-up visits (and the baseline visit when it is an outcome).
  const rowVisits = baseline === 'outcome' ? [baselineVisit, ...orderedVisits] : orderedVisits;
  const long = trialToRows(trial, { instrument: options.instrument, visits: design.visits.filter((v) => rowVisits.includes(v)), baselineVisit });
  const baseRows: Row[] = long.map((r) => ({
    id: r.id,
    arm: r.arm,
    group: r.group,
    treated: r.arm === treated ? 1 : 0,
    therapyGroup: r.arm === treated ? (r.group ?? `(no group) ${r.id}`) : PLACEHOLDER,
    cluster: r.arm === treated && r.group !== null ? `group:${r.group}` : `id:${r.id}`,
    visit: r.visit,
    score: r.score,
    baseline: r.baseline,
    subgroup: null,
  }));
  const levelsVisit = design.visits.filter((v) => rowVisits.includes(v));
  const multiVisit = rowVisits.length > 1;

  const formulaFor = (withSubgroup: boolean, interactions: boolean): string => {
    const base = baseline === 'covariate' ? ['baseline'] : [];
    const armPart = multiVisit ? 'arm * visit' : 'arm';
    let fixed: string[];
    if (!withSubgroup) fixed = [...base, armPart];
    else if (interactions) fixed = [...base, multiVisit ? 'arm * visit * subgroup' : 'arm * subgroup'];
    else fixed = [...base, armPart, multiVisit ? 'visit * subgroup' : 'subgroup'];
    // The partially nested design written out as lme4 users write it (Baldwin et al. 2011):
    // a group random intercept on the treated rows, controls in one placeholder group.
    const random = model === 'lmm' ? `${multiVisit ? ' + (1 | id)' : ''} + (0 + treated | therapyGroup)` : '';
    return `score ~ ${fixed.join(' + ')}${random}`;
  };
  const fit = (formula: string, rows: Row[], subgroupLevels: string[] | null, reml = true): LmmFit | OlsFit => {
    const levels: Record<string, string[]> = { arm: [control, treated], visit: levelsVisit };
    if (subgroupLevels) levels['subgroup'] = subgroupLevels;
    if (model === 'lmm') {
      return fitLmm(formula, rows as unknown as object[], { levels, ddf: reml ? ddf : 'asymptotic', ciLevel, reml });
    }
    return fitOls(formula, rows as unknown as object[], { levels, vcov, ciLevel, ...(vcov.startsWith('CR') ? { cluster: 'cluster' } : {}) });
  };
  const usedRows = (f: LmmFit | OlsFit, rows: Row[]): Row[] => Array.from(f.rows, (i) => rows[i]!);
  const countAt = (rows: Row[], arm: string, visit: string, level: string | null) => new Set(rows.filter((r) => r.arm === arm && r.visit === visit && (level === null || r.subgroup === level)).map((r) => r.id)).size;

  const effectRows = (f: LmmFit | OlsFit, rows: Row[], levels: string[] | null): { effects: SubgroupEffect[]; L: (number[] | null)[] } => {
    const specs = [...['arm'], ...(multiVisit ? ['visit'] : []), ...(levels ? ['subgroup'] : [])];
    const by = specs.filter((s) => s !== 'arm');
    const mm = marginalMeans(f, specs, { by, ciLevel });
    const c = contrast(mm, 'trt.vs.ctrl');
    const used = usedRows(f, rows);
    const out: SubgroupEffect[] = [];
    const Ls: (number[] | null)[] = [];
    for (const level of levels ?? [null]) {
      for (const visit of orderedVisits) {
        const n = { [control]: countAt(used, control, visit, level), [treated]: countAt(used, treated, visit, level) };
        const k = c.rows.findIndex((r) => (!multiVisit || r.by['visit'] === visit) && (level === null || r.by['subgroup'] === level));
        const row = k >= 0 ? c.rows[k]! : null;
        const base = { level: level ?? 'All participants', visit, n, ciLevel };
        if (row && row.estimable) {
          out.push({ ...base, estimate: row.estimate!, se: row.se!, df: row.df!, statistic: row.statistic!, pValue: row.pValue!, ci: row.ci!, estimable: true, reason: null });
          Ls.push(c.L[k]!);
          continue;
        }
        Ls.push(null);
        const missingArm = [control, treated].filter((a) => n[a] === 0);
        const reason =
          missingArm.length === 2
            ? `no participants of this level were measured at ${visit}`
            : missingArm.length === 1
              ? `no participants of arm "${missingArm[0]}" in this level were measured at ${visit}`
              : 'the effect cannot be separated from other terms of the model (rank-deficient design)';
        out.push({ ...base, estimate: null, se: null, df: null, statistic: null, pValue: null, ci: null, estimable: false, reason: row?.reason && row.reason !== NOT_IN_ROW_SPACE ? row.reason : reason });
      }
    }
    return { effects: out, L: Ls };
  };

  const diagnostics: Diagnostic[] = [];
  let overall: SubgroupEffect[] = [];
  if (options.overall ?? true) {
    const overallFit = fit(formulaFor(false, false), baseRows, null);
    overall = effectRows(overallFit, baseRows, null).effects;
    diagnostics.push(...overallFit.diagnostics.map((d) => ({ ...d, message: `Model without subgroups: ${d.message}` })));
  }

  const results: SubgroupVariableResult[] = options.subgroups.map((spec) => {
    const def: SubgroupDefinition = defineSubgroup(trial, spec, { instrument: options.instrument, baselineVisit, ...(options.registry ? { registry: options.registry } : {}) });
    const rows = baseRows.map((r) => ({ ...r, subgroup: def.values[r.id] ?? null }));
    const formula = formulaFor(true, true);
    const full = fit(formula, rows, def.levels);
    const varDiagnostics: Diagnostic[] = [...full.diagnostics];
    const { effects, L } = effectRows(full, rows, def.levels);
    const interaction = interactionTest(full, effects, L, rows, def, test, model, formulaFor(true, false), fit, formula);
    if (def.notes.length) varDiagnostics.push(subgroupDefinition(def.label, def.notes));
    return {
      name: def.name,
      label: def.label,
      kind: def.kind,
      prespecified: def.prespecified,
      status: def.status,
      levels: def.levels,
      counts: def.counts,
      notes: def.notes,
      effects,
      interaction: { ...interaction, pHolm: null, pBH: null },
      formula: full.formula,
      nObs: full.nObs,
      diagnostics: varDiagnostics,
    };
  });

  // Multiplicity across subgroup variables.
  const families = new Map<string, number[]>();
  results.forEach((r, i) => {
    const key = family === 'all' ? 'all' : r.status;
    if (!families.has(key)) families.set(key, []);
    families.get(key)!.push(i);
  });
  for (const idx of families.values()) {
    const ok = idx.filter((i) => results[i]!.interaction.pValue !== null);
    const p = ok.map((i) => results[i]!.interaction.pValue!);
    const holm = pAdjust(p, 'holm');
    const bh = pAdjust(p, 'BH');
    ok.forEach((i, k) => {
      results[i]!.interaction.pHolm = holm[k]!;
      results[i]!.interaction.pBH = bh[k]!;
    });
  }

  const forest: SubgroupForestRow[] = [];
  for (const e of overall) {
    forest.push({ variable: 'overall', label: 'All participants', level: 'All participants', visit: e.visit, nControl: e.n[control]!, nTreated: e.n[treated]!, estimate: e.estimate, ci: e.ci, ciLevel, estimable: e.estimable, note: e.reason, interactionP: null, interactionPHolm: null, interactionPBH: null, status: 'overall' });
  }
  for (const r of results) {
    for (const e of r.effects) {
      forest.push({
        variable: r.name,
        label: r.label,
        level: e.level,
        visit: e.visit,
        nControl: e.n[control]!,
        nTreated: e.n[treated]!,
        estimate: e.estimate,
        ci: e.ci,
        ciLevel,
        estimable: e.estimable,
        note: e.reason,
        interactionP: r.interaction.pValue,
        interactionPHolm: r.interaction.pHolm,
        interactionPBH: r.interaction.pBH,
        status: r.status,
      });
    }
  }

  const modelText =
    model === 'lmm'
      ? `linear mixed model (REML${multiVisit ? ', participant random intercept' : ''}, therapy-group random intercept in the ${treated} arm only: partially nested), ${ddf} df`
      : `OLS with ${vcov} cluster-robust covariance (clusters: therapy groups in the ${treated} arm, participants in the ${control} arm)${vcov.startsWith('CR') ? ', Satterthwaite df' : ''}`;
  return {
    kind: 'subgroup-analysis',
    instrument: options.instrument,
    treatedArm: treated,
    controlArm: control,
    visits: orderedVisits,
    model,
    baseline,
    test,
    overall,
    variables: results,
    multiplicity: {
      methods: ['holm', 'BH'],
      family,
      description: `interaction p-values adjusted across ${family === 'all' ? `all ${results.length} subgroup variables` : 'the subgroup variables of the same status (pre-specified, exploratory)'} by Holm (family-wise error rate) and by Benjamini–Hochberg (false discovery rate)`,
    },
    forest,
    method: `One model per subgroup variable S: ${formulaFor(true, true).replace('subgroup', 'S')}; ${modelText}. Effects: ${treated} − ${control} marginal means within each level and visit (other factors averaged with equal weights${baseline === 'covariate' ? ', baseline at its mean' : ''}). Interaction: ${test === 'F' ? 'joint Wald F test of all arm × S coefficients' : 'likelihood-ratio test of the arm × S terms (ML refits)'}.`,
    diagnostics,
  };
}

/**
 * The interaction test. F: the hypothesis "equal effects across levels at every follow-up
 * visit" written as contrasts of the effects (each estimable level minus the first estimable
 * level, at each visit), which with baseline as a covariate is exactly "all arm × S
 * coefficients are zero"; its rank is the numerator df. LRT: the model without the arm:S and
 * arm:visit:S terms against the full one, both refitted by ML.
 */
function interactionTest(
  full: LmmFit | OlsFit,
  effects: SubgroupEffect[],
  effectL: (number[] | null)[],
  rows: Row[],
  def: SubgroupDefinition,
  test: 'F' | 'LRT',
  model: 'lmm' | 'ols',
  reducedFormula: string,
  fit: (formula: string, rows: Row[], levels: string[] | null, reml?: boolean) => LmmFit | OlsFit,
  fullFormula: string,
): Omit<SubgroupInteractionTest, 'pHolm' | 'pBH'> {
  const terms = full.fixedEffects.map((r) => r.term).filter((term) => {
    const parts = term.split(':');
    return parts.some((p) => p.startsWith('arm')) && parts.some((p) => p.startsWith('subgroup'));
  });
  const H0 = `H0: the ${def.label} levels share the treatment effect at every follow-up visit`;
  const view = linearModelView(full);
  const contrasts: Float64Array[] = [];
  const visits = [...new Set(effects.map((e) => e.visit))];
  for (const visit of visits) {
    const idx = effects.map((e, i) => (e.visit === visit && effectL[i] ? i : -1)).filter((i) => i >= 0);
    const ref = effectL[idx[0]!];
    for (const i of idx.slice(1)) {
      const l = effectL[i]!;
      contrasts.push(Float64Array.from(view.kept, (j) => l[j]! - ref![j]!));
    }
  }
  if (contrasts.length === 0 || terms.length === 0) {
    return { statistic: null, numDf: 0, denDf: null, pValue: null, terms, method: `not testable: fewer than two levels have an estimable effect at any visit (${H0})` };
  }
  if (test === 'LRT') {
    // Both models are fitted by ML from the data (rather than refitting the REML fits' frames),
    // which gives the ML refits anova(m0, m1) compares.
    const reduced = fit(reducedFormula, rows, def.levels, false) as LmmFit;
    const fullMl = fit(fullFormula, rows, def.levels, false) as LmmFit;
    const lrt = likelihoodRatioTest(reduced, fullMl);
    return {
      statistic: lrt.statistic,
      numDf: lrt.df,
      denDf: null,
      pValue: lrt.pValue,
      terms,
      method: `likelihood-ratio χ² test (both models fitted by ML); naive χ² reference, of the arm × ${def.name} terms (${terms.length} coefficients); ${H0}`,
      models: lrt.models.map((m) => ({ formula: m.formula, logLik: m.logLik, nParameters: m.nParameters })),
    };
  }
  const res = view.dfF!(contrasts);
  const how =
    model === 'lmm'
      ? `${view.ddf} denominator df${view.ddf === 'Satterthwaite' ? " (lmerTest's contestMD)" : ''}`
      : view.ddf.startsWith('Satterthwaite')
        ? 'HTZ small-sample correction (Pustejovsky & Tipton 2018)'
        : `${view.ddf} denominator df`;
  return {
    statistic: res.F,
    numDf: res.numDf,
    denDf: res.denDf,
    pValue: fCdf(res.F, res.numDf, res.denDf, { lowerTail: false }),
    terms,
    method: `joint Wald F test that the effects are equal across levels (${res.numDf} independent contrasts; equivalent to all arm × ${def.name} coefficients being zero when baseline is a covariate), ${how}; ${H0}`,
  };
}
