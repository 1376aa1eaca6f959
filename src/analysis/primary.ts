/**
 * The primary analysis of one outcome: a mixed model over visits (optionally partially
 * nested), an ANCOVA per follow-up visit, or within-arm pre–post changes; with arm
 * differences, differences in change, the arm × visit test and standardized effects.
 */
import type { TrialData } from '../data/types.js';
import { dictFrom } from '../data/own.js';
import { getInstrument, defaultInstruments } from '../instruments/registry.js';
import { quoteName } from '../formula/parse.js';
import { fitLmm } from '../models/lmm/fit.js';
import type { FixedEffectRow, LmmFit, LmmOptions } from '../models/lmm/types.js';
import { fitOls } from '../models/ols/fit.js';
import type { OlsFit, OlsOptions } from '../models/ols/types.js';
import { marginalMeans, type MarginalMeans } from '../models/emmeans/marginal-means.js';
import { contrast, interactionContrast, type ContrastRow } from '../models/emmeans/contrast.js';
import { anova } from '../models/emmeans/anova.js';
import { standardizedModelEffect } from '../effect-size/model-effect.js';
import { cohensD, hedgesG } from '../effect-size/two-sample.js';
import { pairedD, pairedG } from '../effect-size/paired.js';
import { interpretEffectSize, EFFECT_SIZE_RULES } from '../effect-size/interpret.js';
import { studentTCdf, studentTQuantile } from '../distributions/student-t.js';
import type { Diagnostic } from '../errors/index.js';
import { effectSizeNotEstimable, unregisteredInstrument } from '../errors/diagnostics.js';
import type { AnalysisPlan } from './plan.js';
import {
  errorInfo,
  mean,
  modelRows,
  monthsOf,
  pairsFor,
  plainDiagnostics,
  scoresByVisit,
  sd,
} from './internal.js';
import type {
  ArmDifference,
  ArmVisitMean,
  CoefficientRow,
  Interpretation,
  ModelSummary,
  OutcomeResult,
  StandardizedEffect,
  WithinArmChange,
} from './types.js';

type Outcome = AnalysisPlan['outcomes'][number];

function interpretation(d: number, plan: AnalysisPlan): Interpretation {
  const i = interpretEffectSize(d, { rules: plan.effectSizes.rules });
  return { label: i.label, rules: i.rules, reference: i.reference ?? EFFECT_SIZE_RULES[plan.effectSizes.rules].reference };
}

function emptyOutcome(outcome: Outcome): OutcomeResult {
  const inst = defaultInstruments.get(outcome.instrument);
  return {
    instrument: outcome.instrument,
    label: outcome.label ?? inst?.name ?? outcome.instrument,
    role: outcome.role,
    direction: inst?.direction ?? null,
    range: inst ? { ...inst.range } : null,
    status: 'estimated',
    reason: null,
    models: [],
    means: [],
    differences: [],
    changeDifferences: [],
    interaction: null,
    effectSizes: [],
    withinArm: [],
    diagnostics: [],
  };
}

function summariseLmm(fit: LmmFit, method: string, nParticipants: number, nClusters: number | null): ModelSummary {
  return {
    kind: 'mixed',
    visit: null,
    formula: fit.formula,
    method,
    nObs: fit.nObs,
    nParticipants,
    nClusters,
    ddf: fit.ddf,
    coefficients: fit.fixedEffects.map(coefficientRow),
    varianceComponents: fit.varianceComponents.map((v) => ({ group: v.group, term: v.term, variance: v.variance, sd: v.sd })),
    logLik: fit.logLik,
    aic: fit.aic,
    converged: fit.optimizer.converged,
    singular: fit.singular,
    diagnostics: plainDiagnostics(fit.diagnostics),
  };
}

function summariseOls(fit: OlsFit, visit: string, method: string, nParticipants: number): ModelSummary {
  return {
    kind: 'ancova',
    visit,
    formula: fit.formula,
    method,
    nObs: fit.nObs,
    nParticipants,
    nClusters: fit.cluster?.nClusters ?? null,
    ddf: fit.ddf,
    coefficients: fit.fixedEffects.map(coefficientRow),
    varianceComponents: [{ group: 'Residual', term: null, variance: fit.sigma ** 2, sd: fit.sigma }],
    logLik: fit.logLik,
    aic: fit.aic,
    converged: true,
    singular: false,
    diagnostics: plainDiagnostics(fit.diagnostics),
  };
}

function coefficientRow(r: FixedEffectRow): CoefficientRow {
  return { term: r.term, estimate: r.estimate, se: r.se, df: r.df, statistic: r.statistic, pValue: r.pValue, ci: r.ci ? [r.ci[0], r.ci[1]] : null, ciLevel: r.ciLevel, estimable: r.estimable, reason: r.reason };
}

/** Rows of arm × visit means; `atVisit` names the visit when the means are of one visit's model. */
function meansRows(trial: TrialData, mm: MarginalMeans, atVisit?: string): ArmVisitMean[] {
  return mm.rows.map((r) => {
    const visit = atVisit ?? r.levels['visit']!;
    return {
      arm: r.levels['arm']!,
      visit,
      months: monthsOf(trial, visit),
      estimate: r.estimable ? r.estimate : null,
      se: r.se,
      df: r.df,
      ci: r.ci ? [r.ci[0], r.ci[1]] : null,
      ciLevel: r.ciLevel,
      estimable: r.estimable,
      reason: r.reason,
    };
  });
}

function differenceRow(trial: TrialData, r: ContrastRow, arm: string, reference: string, visit: string, from: string | null): ArmDifference {
  return {
    arm,
    reference,
    visit,
    months: monthsOf(trial, visit),
    from,
    estimate: r.estimable ? r.estimate : null,
    se: r.se,
    df: r.df,
    statistic: r.statistic,
    pValue: r.pValue,
    ci: r.ci ? [r.ci[0], r.ci[1]] : null,
    ciLevel: r.ciLevel,
    pAdjusted: null,
    estimable: r.estimable,
    reason: r.reason,
  };
}

/** Custom contrast weights "arm − reference" over the arms, keyed by the arm. */
function armWeights(arms: readonly string[], j: number): Record<string, number[]> {
  const c = arms.map((_, i) => (i === j ? 1 : i === 0 ? -1 : 0));
  return { [arms[j]!]: c };
}

/** Baseline scores keyed by arm, with the reference (first) arm named as the control. */
function baselineByArm(trial: TrialData, scores: Map<string, Map<string, number>>): { baseline: Record<string, number[]>; control: string } {
  const baselineVisit = trial.design.visits[0]!;
  const of = (arm: string) => trial.participants.filter((p) => p.arm === arm).flatMap((p) => {
    const b = scores.get(p.id)?.get(baselineVisit);
    return b === undefined ? [] : [b];
  });
  // Treated arms first, as before arms were named: the pooled and total SDs sum in this order.
  const [reference, ...others] = trial.design.arms;
  return { baseline: dictFrom([...others, reference!].map((arm) => [arm, of(arm)] as const)), control: reference! };
}

function modelEffects(trial: TrialData, plan: AnalysisPlan, differences: ArmDifference[], scores: Map<string, Map<string, number>>, diagnostics: Diagnostic[]): StandardizedEffect[] {
  const baseline = baselineByArm(trial, scores);
  const sdMethod = plan.effectSizes.sdMethod;
  const out: StandardizedEffect[] = [];
  const baselineVisit = trial.design.visits[0]!;
  for (const d of differences) {
    if (d.visit === baselineVisit) continue;
    if (!d.estimable || d.estimate === null || d.se === null || d.df === null) {
      diagnostics.push(effectSizeNotEstimable(`Model-based effect size at ${d.visit} (${d.arm} vs ${d.reference})`, `the difference itself is not estimable (${d.reason ?? 'no estimate'}).`));
      continue;
    }
    try {
      const es = standardizedModelEffect({ estimate: d.estimate, se: d.se, df: d.df }, baseline, { ciLevel: plan.ciLevel, sdMethod, sdUncertainty: plan.effectSizes.sdUncertainty });
      out.push({
        arm: d.arm,
        reference: d.reference,
        visit: d.visit,
        basis: 'model',
        estimate: es.estimate,
        ci: [es.ci[0], es.ci[1]],
        ciLevel: es.ciLevel,
        n: es.n,
        standardizer: es.standardizer.value,
        method: es.method,
        interpretation: interpretation(es.estimate, plan),
      });
    } catch (e) {
      diagnostics.push(effectSizeNotEstimable(`Model-based effect size at ${d.visit}`, errorInfo(e).message));
    }
  }
  return out;
}

function observedEffects(trial: TrialData, plan: AnalysisPlan, scores: Map<string, Map<string, number>>, diagnostics: Diagnostic[]): StandardizedEffect[] {
  if (plan.effectSizes.observed === 'none') return [];
  const [reference, ...treated] = trial.design.arms;
  const from = trial.design.visits[0]!;
  const out: StandardizedEffect[] = [];
  for (const visit of trial.design.visits.slice(1)) {
    const c = pairsFor(trial, scores, reference!, from, visit);
    const changeC = c.followUp.map((f, i) => f - c.baseline[i]!);
    for (const arm of treated) {
      const t = pairsFor(trial, scores, arm, from, visit);
      const changeT = t.followUp.map((f, i) => f - t.baseline[i]!);
      try {
        const es = plan.effectSizes.observed === 'hedges-g' ? hedgesG(changeT, changeC, { ciLevel: plan.ciLevel }) : cohensD(changeT, changeC, { ciLevel: plan.ciLevel });
        out.push({
          arm,
          reference: reference!,
          visit,
          basis: 'observed-change',
          estimate: es.estimate,
          ci: [es.ci[0], es.ci[1]],
          ciLevel: es.ciLevel,
          n: es.n,
          standardizer: es.standardizer,
          method: `${es.method}, of observed change from ${from} (complete pairs, unadjusted)`,
          interpretation: interpretation(es.estimate, plan),
        });
      } catch (e) {
        diagnostics.push(effectSizeNotEstimable(`Observed-change effect size at ${visit} (${arm} vs ${reference})`, errorInfo(e).message));
      }
    }
  }
  return out;
}

function runMixed(trial: TrialData, plan: AnalysisPlan, outcome: Outcome, result: OutcomeResult): void {
  const model = plan.model;
  if (model.type !== 'mixed') return;
  const { arms, visits } = trial.design;
  const baselineVisit = visits[0]!;
  const followUps = visits.slice(1);
  const covs = model.covariates;
  let rows = modelRows(trial, outcome.instrument, covs, 'plan.model.covariates');
  const asCovariate = model.baseline === 'covariate';
  if (asCovariate) rows = rows.filter((r) => r['visit'] !== baselineVisit);
  const fixed = `arm * visit${asCovariate ? ' + baseline' : ''}${covs.map((c) => ` + ${quoteName(c)}`).join('')}`;
  const formula = `score ~ ${fixed} + (1 | id)`;
  const options: LmmOptions = {
    levels: { arm: arms, visit: asCovariate ? followUps : visits },
    reml: model.reml,
    ddf: model.ddf,
    ciLevel: plan.ciLevel,
  };
  const pn = model.partialNesting;
  if (pn) options.partialNesting = { cluster: pn.cluster, arm: pn.arm, treated: pn.treated };
  if (model.residualVarianceBy !== null) options.residualVarianceBy = model.residualVarianceBy;
  const fit = fitLmm(formula, rows, options);
  const idsInFit = new Set<string>();
  for (let i = 0; i < fit.rows.length; i++) idsInFit.add(rows[fit.rows[i]!]!['id'] as string);
  // Clusters of the treated arm only: the model gives the other arms' rows no cluster effect.
  const nClusters = pn ? new Set(Array.from(fit.rows, (i) => rows[i]!).filter((r) => r[pn.arm] === pn.treated).map((r) => r[pn.cluster]).filter((g) => g !== null && g !== undefined)).size : null;
  const method = [
    `Linear mixed model, ${model.reml ? 'REML' : 'ML'}, ${model.ddf} df`,
    asCovariate ? `follow-up visits adjusted for the ${baselineVisit} score` : `all visits including ${baselineVisit} as outcome (likelihood analysis under missing at random)`,
    'a random intercept per participant',
    pn ? `a random intercept per ${pn.cluster} in the ${pn.treated} arm only (partially nested design)` : null,
    model.residualVarianceBy !== null ? 'arm-specific residual variances' : null,
  ]
    .filter((s) => s !== null)
    .join('; ');
  result.models.push(summariseLmm(fit, method, idsInFit.size, nClusters));
  result.diagnostics.push(...plainDiagnostics(fit.diagnostics));

  const mm = marginalMeans(fit, ['arm', 'visit'], { by: ['visit'], ciLevel: plan.ciLevel });
  result.means = meansRows(trial, mm);
  // The baseline difference is kept (under randomisation it estimates 0, a check the figure
  // shows); effect sizes, readings and multiplicity use the follow-up visits only.
  for (let j = 1; j < arms.length; j++) {
    const c = contrast(mm, armWeights(arms, j));
    for (const r of c.rows) result.differences.push(differenceRow(trial, r, arms[j]!, arms[0]!, r.by['visit']!, null));
  }
  if (!asCovariate) {
    const all = marginalMeans(fit, ['arm', 'visit'], { ciLevel: plan.ciLevel });
    for (let j = 1; j < arms.length; j++) {
      for (let k = 1; k < visits.length; k++) {
        const vw = visits.map((_, i) => (i === k ? 1 : i === 0 ? -1 : 0));
        const ic = interactionContrast(all, { arm: armWeights(arms, j), visit: { [visits[k]!]: vw } });
        const r = ic.rows[0];
        if (r) result.changeDifferences.push(differenceRow(trial, r, arms[j]!, arms[0]!, visits[k]!, baselineVisit));
      }
    }
  }
  const tab = anova(fit, { ddf: model.ddf });
  const row = tab.rows.find((r) => r.term === 'arm:visit');
  if (row) {
    result.interaction = { term: row.term, numDf: row.numDf, denDf: row.denDf, statistic: row.statistic, pValue: row.pValue, method: `Type III F test, ${model.ddf} denominator df`, estimable: row.estimable, reason: row.reason };
  }
}

function runAncova(trial: TrialData, plan: AnalysisPlan, outcome: Outcome, result: OutcomeResult): void {
  const model = plan.model;
  if (model.type !== 'ancova') return;
  const { arms, visits } = trial.design;
  const covs = model.covariates;
  const all = modelRows(trial, outcome.instrument, covs, 'plan.model.covariates');
  const formula = `score ~ arm + baseline${covs.map((c) => ` + ${quoteName(c)}`).join('')}`;
  for (const visit of visits.slice(1)) {
    const rows = all.filter((r) => r['visit'] === visit);
    const options: OlsOptions = { levels: { arm: arms }, vcov: model.vcov, ciLevel: plan.ciLevel };
    if (model.cluster !== null) {
      options.cluster = model.cluster;
      options.clusterMissing = 'singleton';
    }
    if (model.ddf !== undefined) options.ddf = model.ddf;
    const fit = fitOls(formula, rows, options);
    const ids = new Set(Array.from(fit.rows, (i) => rows[i]!['id'] as string));
    const method = `ANCOVA (OLS) at ${visit}: ${visit} score on arm and the ${visits[0]} score${covs.length ? ` and ${covs.join(', ')}` : ''}; ${model.vcov} covariance${
      model.cluster ? ` clustered by ${model.cluster} (participants without one are their own cluster)` : ''
    }, ${fit.ddf} df`;
    result.models.push(summariseOls(fit, visit, method, ids.size));
    result.diagnostics.push(...plainDiagnostics(fit.diagnostics));
    const mm = marginalMeans(fit, ['arm'], { ciLevel: plan.ciLevel });
    result.means.push(...meansRows(trial, mm, visit));
    for (let j = 1; j < arms.length; j++) {
      const c = contrast(mm, armWeights(arms, j));
      const r = c.rows[0];
      if (r) result.differences.push(differenceRow(trial, r, arms[j]!, arms[0]!, visit, null));
    }
  }
}

function runPrePost(trial: TrialData, plan: AnalysisPlan, result: OutcomeResult, scores: Map<string, Map<string, number>>): void {
  const model = plan.model;
  if (model.type !== 'pre-post') return;
  const from = trial.design.visits[0]!;
  const level = plan.ciLevel;
  for (const arm of trial.design.arms) {
    for (const visit of trial.design.visits.slice(1)) {
      const pr = pairsFor(trial, scores, arm, from, visit);
      const n = pr.ids.length;
      const row: WithinArmChange = {
        arm,
        visit,
        from,
        nBaseline: pr.nBaseline,
        nFollowUp: pr.nFollowUp,
        nPairs: n,
        estimable: false,
        reason: null,
        meanBaseline: null,
        meanFollowUp: null,
        change: null,
        sdChange: null,
        effectSize: null,
      };
      if (n < model.minimumPairs) {
        // The count itself is in nPairs; keeping it out of the text lets a report suppress it.
        row.reason = `fewer complete ${from}/${visit} pairs than the plan's minimum of ${model.minimumPairs}`;
        result.withinArm.push(row);
        continue;
      }
      const change = pr.followUp.map((f, i) => f - pr.baseline[i]!);
      const m = mean(change);
      const s = sd(change);
      row.meanBaseline = mean(pr.baseline);
      row.meanFollowUp = mean(pr.followUp);
      row.sdChange = s;
      if (!(s > 0)) {
        row.reason = `every pair changed by the same amount (${m}); no interval or test can be formed`;
        result.withinArm.push(row);
        continue;
      }
      const se = s / Math.sqrt(n);
      const df = n - 1;
      const t = m / se;
      const q = studentTQuantile(1 - (1 - level) / 2, df);
      row.change = { estimate: m, se, df, statistic: t, pValue: 2 * studentTCdf(-Math.abs(t), df), ci: [m - q * se, m + q * se], ciLevel: level };
      row.estimable = true;
      if (plan.effectSizes.observed !== 'none') {
        const type = plan.effectSizes.pairedType;
        const es = plan.effectSizes.observed === 'hedges-g' ? pairedG(pr.followUp, pr.baseline, { type, ciLevel: level }) : pairedD(pr.followUp, pr.baseline, { type, ciLevel: level });
        row.effectSize = {
          estimate: es.estimate,
          ci: [es.ci[0], es.ci[1]],
          ciLevel: es.ciLevel,
          n: es.n,
          standardizer: es.standardizer,
          method: es.method,
          type: `d_${type}`,
          interpretation: interpretation(es.estimate, plan),
        };
      }
      result.withinArm.push(row);
    }
  }
}

/**
 * Run the plan's primary model for one outcome. A model that cannot be fitted (too few data,
 * no convergence) makes the outcome `not-estimable` with the library's error message; nothing
 * is invented in its place.
 */
export function analyzeOutcome(trial: TrialData, plan: AnalysisPlan, outcome: Outcome): OutcomeResult {
  const result = emptyOutcome(outcome);
  const scores = scoresByVisit(trial, outcome.instrument);
  try {
    getInstrument(outcome.instrument);
  } catch {
    result.diagnostics.push(unregisteredInstrument(outcome.instrument));
  }
  try {
    if (plan.model.type === 'mixed') runMixed(trial, plan, outcome, result);
    else if (plan.model.type === 'ancova') runAncova(trial, plan, outcome, result);
    else runPrePost(trial, plan, result, scores);
  } catch (e) {
    result.status = 'not-estimable';
    result.reason = errorInfo(e);
    result.models = [];
    result.means = [];
    result.differences = [];
    result.changeDifferences = [];
    result.interaction = null;
    return result;
  }
  if (plan.model.type !== 'pre-post') {
    result.effectSizes = [...modelEffects(trial, plan, result.differences, scores, result.diagnostics), ...observedEffects(trial, plan, scores, result.diagnostics)];
  } else if (result.withinArm.every((r) => !r.estimable)) {
    result.status = 'not-estimable';
    result.reason = { name: 'NotEstimable', code: 'NOT_ESTIMABLE', message: result.withinArm.map((r) => `${r.arm} ${r.visit}: ${r.reason}`).join('; ') };
  }
  return result;
}
