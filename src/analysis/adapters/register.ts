/**
 * Register adapter (issue 11, item 6): labour-market status shares by arm × snapshot week, a
 * binary contrast per status category from a logistic GLMM (odds ratio and risk difference per
 * week), and bed-days from a negative-binomial model with the rate ratio and the influence of
 * the longest stays. Formulas and readings: docs/methods/glmm.md, "Register outcomes".
 */
import type { RegisterRecord } from '../../data/types.js';
import { ArgumentError } from '../../errors/index.js';
import { registerStatusNotAnalysed } from '../../errors/diagnostics.js';
import { contrast, type ContrastRow } from '../../models/emmeans/contrast.js';
import { marginalMeans } from '../../models/emmeans/marginal-means.js';
import { regrid } from '../../models/emmeans/response-scale.js';
import { fitGlm } from '../../models/glm/fit.js';
import type { GlmOptions } from '../../models/glm/types.js';
import { fitGlmm } from '../../models/glmm/fit.js';
import type { GlmmOptions } from '../../models/glmm/types.js';
import type { RegisterPlan } from '../plan.js';
import { errorInfo, finiteOrNull, intervalOrNull, plainDiagnostics } from '../internal.js';
import type { MaybeEstimateRow, RegisterBedDays, RegisterBedDaysByArm, RegisterCategoryContrast, RegisterContrastRow, RegisterRateRatio, RegisterSection, RegisterShareRow } from '../types.js';
import type { AnalysisContext, SectionAdapter } from './types.js';
import type { Diagnostic } from '../../errors/index.js';

function notEstimableRow(reason: string, ciLevel: number): MaybeEstimateRow {
  return { estimable: false, reason, estimate: null, se: null, df: null, statistic: null, pValue: null, ci: null, ciLevel };
}

/** A contrast row as plain JSON: a z reference (df = ∞) is stored as df `null`. */
function contrastSummary(r: ContrastRow | undefined, ciLevel: number): MaybeEstimateRow {
  if (!r) return notEstimableRow('the model has no such contrast', ciLevel);
  if (!r.estimable) return notEstimableRow(r.reason ?? 'the data do not identify it', r.ciLevel);
  const estimate = finiteOrNull(r.estimate);
  if (estimate === null) return notEstimableRow('the estimate is not a finite number', r.ciLevel);
  return { estimable: true, reason: null, estimate, se: finiteOrNull(r.se), df: finiteOrNull(r.df), statistic: finiteOrNull(r.statistic), pValue: finiteOrNull(r.pValue), ci: intervalOrNull(r.ci), ciLevel: r.ciLevel };
}

function reasonOf(e: unknown): string {
  return errorInfo(e).message.replace(/^not estimable:\s*/i, '');
}

/**
 * Shares of each status among the arm's participants with a status that week (those who left
 * the register are not in the denominator); `share` is `null` for a cell with nobody.
 * @example
 * registerShares(trial.register, new Map(trial.participants.map((p) => [p.id, p.arm])), ['control', 'SFT'], ['baseline', '9m', '15m'], ['passive_benefits', 'rehabilitation', 'disability_pension', 'work_education'])[0];
 * // { arm: 'control', week: 'baseline', status: 'passive_benefits', count: 56, total: 151, share: 0.3708… } on the committed sample
 */
export function registerShares(records: readonly RegisterRecord[], armOf: ReadonlyMap<string, string>, arms: readonly string[], weeks: readonly string[], statuses: readonly string[]): RegisterShareRow[] {
  const counts = new Map<string, number>();
  const totals = new Map<string, number>();
  for (const r of records) {
    if (r.status === null) continue;
    const arm = armOf.get(r.id)!;
    const cell = `${arm}\u0000${r.week}`;
    totals.set(cell, (totals.get(cell) ?? 0) + 1);
    counts.set(`${cell}\u0000${r.status}`, (counts.get(`${cell}\u0000${r.status}`) ?? 0) + 1);
  }
  const out: RegisterShareRow[] = [];
  for (const arm of arms) {
    for (const week of weeks) {
      const total = totals.get(`${arm}\u0000${week}`) ?? 0;
      for (const status of statuses) {
        const count = counts.get(`${arm}\u0000${week}\u0000${status}`) ?? 0;
        out.push({ arm, week, status, count, total, share: total > 0 ? count / total : null });
      }
    }
  }
  return out;
}

interface Setting {
  control: string;
  treated: string;
  weeks: readonly string[];
  ciLevel: number;
  partialNesting: GlmmOptions['partialNesting'] | null;
  riskDifference: 'conditional' | 'population';
}

function categoryContrast(ctx: AnalysisContext, status: string, label: string, rows: Record<string, unknown>[], s: Setting): RegisterCategoryContrast {
  const formula = 'y ~ arm * week + (1 | id)';
  const data: Record<string, unknown>[] = rows.map((r) => ({ ...r, y: r['status'] === status ? 1 : 0 }));
  const nEvents = data.reduce((n, r) => n + (r['y'] as number), 0);
  const nParticipants = new Set(data.map((r) => r['id'])).size;
  const method = [
    `Logistic GLMM (Laplace approximation, as glmer with nAGQ = 1) of being in "${label}" vs any other status, arm × week, a random intercept per participant`,
    s.partialNesting ? `a random intercept per ${s.partialNesting.cluster} in the ${s.partialNesting.treated} arm only (partially nested design)` : null,
    'odds ratios from response-scale marginal means per week (Wald z, interval on the log-odds scale)',
    s.riskDifference === 'conditional'
      ? 'risk differences from the marginal means re-gridded to the probability scale at random effects 0 (emmeans regrid; delta-method SE)'
      : 'risk differences of population-averaged probabilities (averaged over the participant random intercept; delta-method SE)',
  ]
    .filter((x) => x !== null)
    .join('; ');
  const base = { status, label, formula, method, nObs: data.length, nParticipants, nEvents };
  if (nEvents === 0 || nEvents === data.length) {
    return { ...base, estimable: false, reason: `every status row is ${nEvents === 0 ? 'outside' : 'in'} the category, so there is nothing to contrast`, rows: [], varianceComponents: [], diagnostics: [] };
  }
  ctx.progress(`status "${label}": logistic GLMM`);
  const options: GlmmOptions = { family: 'binomial', levels: { arm: [s.control, s.treated], week: [...s.weeks] }, ciLevel: s.ciLevel };
  if (s.partialNesting) options.partialNesting = s.partialNesting;
  let fit;
  try {
    fit = fitGlmm(formula, data, options);
  } catch (e) {
    return { ...base, estimable: false, reason: reasonOf(e), rows: [], varianceComponents: [], diagnostics: [] };
  }
  const byWeek = (mm: { rows: ContrastRow[] }) => new Map(mm.rows.map((r) => [r.by['week']!, r] as const));
  let odds: Map<string, ContrastRow> | null = null;
  let oddsReason = '';
  try {
    odds = byWeek(contrast(marginalMeans(fit, ['arm'], { by: ['week'], type: 'response', ciLevel: s.ciLevel }), 'revpairwise'));
  } catch (e) {
    oddsReason = reasonOf(e);
  }
  let risk: Map<string, ContrastRow> | null = null;
  let riskReason = '';
  try {
    const mm =
      s.riskDifference === 'conditional'
        ? regrid(marginalMeans(fit, ['arm'], { by: ['week'], ciLevel: s.ciLevel }))
        : marginalMeans(fit, ['arm'], { by: ['week'], type: 'response', marginal: 'population', ciLevel: s.ciLevel });
    risk = byWeek(contrast(mm, 'revpairwise'));
  } catch (e) {
    riskReason = reasonOf(e);
  }
  const out: RegisterContrastRow[] = s.weeks.map((week) => ({
    week,
    oddsRatio: odds ? contrastSummary(odds.get(week), s.ciLevel) : notEstimableRow(oddsReason, s.ciLevel),
    riskDifference: risk ? contrastSummary(risk.get(week), s.ciLevel) : notEstimableRow(riskReason, s.ciLevel),
  }));
  return {
    ...base,
    estimable: true,
    reason: null,
    rows: out,
    varianceComponents: fit.varianceComponents.map((v) => ({ group: v.group, term: v.term, variance: v.variance, sd: v.sd })),
    diagnostics: plainDiagnostics(fit.diagnostics),
  };
}

interface Person {
  id: string;
  arm: string;
  group: string | null;
  bed_days: number;
  days_at_risk: number;
}

function rateRatio(people: Person[], s: Setting, vcov: NonNullable<RegisterPlan['bedDays']>['vcov'], formula: string): RegisterRateRatio {
  const method = `Negative-binomial (NB2) GLM of bed-days on arm, θ by maximum likelihood (MASS::glm.nb), offset log days at risk; ${
    vcov === 'classical' ? 'model-based' : vcov === 'CR2' ? 'cluster-robust CR2 (therapy groups; the ungrouped are clusters of their own)' : `${vcov} sandwich`
  } covariance; rate ratio exp(β_arm) with a Wald interval on the log scale`;
  const n = people.length;
  const arms = new Set(people.map((p) => p.arm));
  if (!arms.has(s.control) || !arms.has(s.treated)) {
    return { estimable: false, reason: 'one of the arms has no participant with bed-days recorded', n, rateRatio: notEstimableRow('one of the arms has no participant with bed-days recorded', s.ciLevel), theta: null, method, diagnostics: [] };
  }
  if (people.every((p) => p.bed_days === 0)) {
    const reason = 'no participant has a bed-day, so there is no rate to compare';
    return { estimable: false, reason, n, rateRatio: notEstimableRow(reason, s.ciLevel), theta: null, method, diagnostics: [] };
  }
  const options: GlmOptions = { family: 'negativeBinomial', exposure: 'days_at_risk', levels: { arm: [s.control, s.treated] }, vcov, ciLevel: s.ciLevel };
  if (vcov === 'CR2') {
    options.cluster = 'group';
    options.clusterMissing = 'singleton';
  }
  try {
    const fit = fitGlm(formula, people as unknown as Record<string, unknown>[], options);
    const row = fit.fixedEffects.find((r) => r.term === `arm${s.treated}`);
    let rr: MaybeEstimateRow;
    if (!row || !row.estimable || row.estimate === null || row.se === null || row.ci === null) {
      rr = notEstimableRow(row?.reason ?? 'the arm coefficient is not estimable', s.ciLevel);
    } else {
      const e = Math.exp(row.estimate);
      rr = {
        estimable: true,
        reason: null,
        estimate: finiteOrNull(e),
        se: finiteOrNull(e * row.se),
        df: finiteOrNull(row.df),
        statistic: finiteOrNull(row.statistic),
        pValue: finiteOrNull(row.pValue),
        ci: intervalOrNull([Math.exp(row.ci[0]), Math.exp(row.ci[1])]),
        ciLevel: row.ciLevel,
      };
      if (rr.estimate === null || rr.ci === null) rr = notEstimableRow('the rate ratio overflows (a log rate ratio beyond ±700)', s.ciLevel);
    }
    const th = fit.negativeBinomialTheta;
    // A fit whose θ search or IRLS stopped short has no trustworthy SE (MASS::glm.nb warns and prints one anyway).
    const failed = fit.diagnostics.find((d) => d.code === 'theta-not-estimable' || d.code === 'not-converged');
    if (rr.estimable && (failed || !th || !th.estimable)) {
      const why = th && !th.estimable ? th.reason.replace(/^not estimable:\s*/i, '') : (failed?.message ?? 'θ has no estimate');
      rr = notEstimableRow(`the negative-binomial fit did not reach a maximum of the likelihood (${why})`, s.ciLevel);
    }
    return {
      estimable: rr.estimable,
      reason: rr.estimable ? null : rr.reason,
      n: fit.nObs,
      rateRatio: rr,
      theta: th && th.estimable ? finiteOrNull(th.estimate) : null,
      method,
      diagnostics: plainDiagnostics(fit.diagnostics),
    };
  } catch (e) {
    const reason = reasonOf(e);
    return { estimable: false, reason, n, rateRatio: notEstimableRow(reason, s.ciLevel), theta: null, method, diagnostics: [] };
  }
}

/**
 * ⌈share · n⌉ participants with most bed-days (ties broken by id, so the set is the same whatever the row order).
 * @example
 * longestStays([{ id: 'a', bed_days: 3 }, { id: 'b', bed_days: 40 }, { id: 'c', bed_days: 0 }], 0.05); // [{ id: 'b', bed_days: 40 }]
 */
export function longestStays<T extends { id: string; bed_days: number }>(people: readonly T[], share: number): T[] {
  const k = Math.ceil(share * people.length - 1e-9);
  return [...people].sort((a, b) => b.bed_days - a.bed_days || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, k);
}

function bedDays(ctx: AnalysisContext, records: readonly RegisterRecord[], s: Setting, plan: NonNullable<RegisterPlan['bedDays']>): RegisterBedDays {
  const byId = new Map(ctx.trial.participants.map((p) => [p.id, p] as const));
  const seen = new Set<string>();
  const people: Person[] = [];
  // Totals are repeated on each of a participant's rows (validateTrial checks they agree): take the first.
  for (const r of records) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    const p = byId.get(r.id)!;
    if (r.bedDays === null || r.daysAtRisk === null || (p.arm !== s.control && p.arm !== s.treated)) continue;
    people.push({ id: r.id, arm: p.arm, group: p.group, bed_days: r.bedDays, days_at_risk: r.daysAtRisk });
  }
  const formula = 'bed_days ~ arm + offset(log(days_at_risk))';
  const modelFormula = 'bed_days ~ arm';
  const summary = (arm: string): RegisterBedDaysByArm => {
    const d = people.filter((p) => p.arm === arm).map((p) => p.bed_days);
    const n = d.length;
    const sorted = [...d].sort((a, b) => a - b);
    const total = d.reduce((a, b) => a + b, 0);
    const top = longestStays(
      people.filter((p) => p.arm === arm),
      plan.topShare,
    ).reduce((a, p) => a + p.bed_days, 0);
    return {
      arm,
      n,
      total,
      mean: n > 0 ? total / n : null,
      median: n === 0 ? null : n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2,
      max: n > 0 ? sorted[n - 1]! : null,
      zeros: d.filter((x) => x === 0).length,
      topShareOfBedDays: total > 0 ? top / total : null,
    };
  };
  ctx.progress('bed-days: negative-binomial model');
  const all = rateRatio(people, s, plan.vcov, modelFormula);
  const top = longestStays(people, plan.topShare);
  const topIds = new Set(top.map((p) => p.id));
  const total = people.reduce((a, p) => a + p.bed_days, 0);
  const topByArm: Record<string, number> = { [s.control]: 0, [s.treated]: 0 };
  for (const p of top) topByArm[p.arm] = (topByArm[p.arm] ?? 0) + 1;
  ctx.progress(`bed-days without the top ${Math.round(plan.topShare * 100)} %`);
  const without = rateRatio(
    people.filter((p) => !topIds.has(p.id)),
    s,
    plan.vcov,
    modelFormula,
  );
  return {
    formula,
    byArm: [summary(s.control), summary(s.treated)],
    all,
    influence: { topShare: plan.topShare, k: top.length, shareOfBedDays: total > 0 ? top.reduce((a, p) => a + p.bed_days, 0) / total : null, byArm: topByArm, without },
  };
}

async function runRegister(ctx: AnalysisContext, plan: RegisterPlan): Promise<RegisterSection> {
  const { trial } = ctx;
  if (trial.register === null || trial.registerDesign === null) {
    throw new ArgumentError('data.register', null, 'a register table (give validateTrial a register input, or the CLI --register file)', 'The plan has a register section but the data have no register table');
  }
  const statuses = plan.statuses ?? [...trial.registerDesign.statuses];
  const known = trial.registerDesign.statuses;
  statuses.forEach((st, i) => {
    if (!known.includes(st)) throw new ArgumentError(`plan.register.statuses[${i}]`, st, `a status category the data were validated with (${known.join(', ')})`);
  });
  const contrasts = plan.contrasts ?? statuses;
  contrasts.forEach((st, i) => {
    if (!statuses.includes(st)) throw new ArgumentError(`plan.register.contrasts[${i}]`, st, `one of the register's status categories (${statuses.join(', ')})`);
  });
  const weeks = [...trial.registerDesign.weeks];
  const [control, treated] = trial.design.arms as [string, string];
  const m = ctx.plan.model;
  const pn = m.type === 'mixed' && plan.therapyGroup ? m.partialNesting : null;
  const s: Setting = {
    control,
    treated,
    weeks,
    ciLevel: ctx.plan.ciLevel,
    partialNesting: pn ? { cluster: pn.cluster, arm: pn.arm, treated: pn.treated } : null,
    riskDifference: plan.riskDifference,
  };
  const armOf = new Map(trial.participants.map((p) => [p.id, p.arm] as const));
  const labels: Record<string, string> = {};
  for (const st of statuses) labels[st] = plan.labels[st] ?? st.replace(/_/g, ' ');
  ctx.progress('status shares by arm and week');
  const shares = registerShares(trial.register, armOf, [control, treated], weeks, statuses);

  const byId = new Map(trial.participants.map((p) => [p.id, p] as const));
  const rows: Record<string, unknown>[] = [];
  for (const r of trial.register) {
    const p = byId.get(r.id)!;
    if (r.status === null || !statuses.includes(r.status) || (p.arm !== control && p.arm !== treated)) continue;
    rows.push({ id: r.id, arm: p.arm, week: r.week, status: r.status, group: p.group, site: p.site });
  }
  const contrastResults = contrasts.map((st) => categoryContrast(ctx, st, labels[st]!, rows, s));
  const bed = plan.bedDays === null ? null : bedDays(ctx, trial.register, s, plan.bedDays);
  const diagnostics: Diagnostic[] = [];
  const dropped = trial.register.filter((r) => r.status !== null && !statuses.includes(r.status)).length;
  if (dropped > 0) {
    diagnostics.push(registerStatusNotAnalysed(dropped));
  }
  return {
    statuses,
    labels,
    weeks,
    shares,
    contrasts: contrastResults,
    riskDifference: plan.riskDifference,
    bedDays: bed,
    method:
      'Status shares among participants in the register each snapshot week; per category a logistic GLMM (category vs the rest) with arm × week; bed-days over the window from a negative-binomial model with offset log days at risk.',
    diagnostics,
  };
}

/** Register outcomes: status shares, logistic GLMM contrasts per category, bed-days (issue 11). */
export const registerAdapter: SectionAdapter<RegisterPlan, RegisterSection> = {
  capability: 'src/models/glmm and src/models/glm (issue 11)',
  run: runRegister,
};
