/**
 * Cost-utility adapter: QALYs by arm, incremental QALYs (unadjusted and baseline-adjusted),
 * cost per QALY with the CE plane, CEAC and EVPI, and optionally the skewed-cost models, from
 * src/economics/qaly and src/economics/skewed-costs.ts (issue 12).
 */
import { participantCostTotals } from '../../economics/costs-by-arm.js';
import { costUtility, DEFAULT_WTP_QALY, incrementalQaly, qalys, type QalyOptions } from '../../economics/qaly/index.js';
import { gammaCostModel, twoPartCostModel, type DeltaEstimate, type SkewedCostOptions } from '../../economics/skewed-costs.js';
import type { CostUtilityPlan } from '../plan.js';
import { finiteOrNull, intervalOrNull, plainDiagnostics } from '../internal.js';
import type { CostUtilityHorizon, CostUtilitySection, DifferenceSummary, SkewedCostSummary } from '../types.js';
import { summariseCe, wtpGrid } from './economics.js';
import type { AnalysisContext, SectionAdapter } from './types.js';

/** A difference row as plain JSON: a z reference (df = ∞) is stored as df `null`. */
export function differenceSummary(r: DeltaEstimate): DifferenceSummary {
  const reason = r.estimable ? null : (r.reason ?? 'the data do not identify it');
  return {
    estimable: r.estimable && Number.isFinite(r.estimate),
    reason: r.estimable && !Number.isFinite(r.estimate) ? 'the estimate is not a finite number' : reason,
    estimate: finiteOrNull(r.estimate),
    se: finiteOrNull(r.se),
    df: finiteOrNull(r.df),
    statistic: finiteOrNull(r.statistic),
    pValue: finiteOrNull(r.pValue),
    ci: intervalOrNull(r.ci),
    ciLevel: r.ciLevel,
  };
}

/** The seed of the section's first bootstrap: the plan's seed + 100 unless the section sets one. */
export function costUtilitySeed(ctx: Pick<AnalysisContext, 'plan'>, plan: CostUtilityPlan): number {
  return plan.seed ?? ctx.plan.seed + 100;
}

function skewedCosts(ctx: AnalysisContext, plan: CostUtilityPlan, seed: number): SkewedCostSummary[] {
  const s = plan.skewedCosts;
  if (!s) return [];
  const { trial } = ctx;
  const [control, treated] = trial.design.arms as [string, string];
  const options: SkewedCostOptions = { control, treated, missing: plan.missingCosts, ciLevel: ctx.plan.ciLevel };
  if (plan.costCategories) options.costCategories = plan.costCategories;
  const out: SkewedCostSummary[] = [];
  if (s.gamma) {
    ctx.progress('gamma cost model');
    const totals = participantCostTotals(trial.participants, { missing: plan.missingCosts, ...(plan.costCategories ? { categories: plan.costCategories } : {}) });
    const zeros = totals.filter((t) => (t.arm === control || t.arm === treated) && t.total === 0).length;
    if (zeros > 0) {
      // A gamma distribution has no mass at 0: the model does not apply, which the report states rather than dropping the zeros.
      out.push({
        estimable: false,
        model: 'gamma',
        reason: `${zeros} participant(s) have a total cost of 0 and a gamma model needs positive costs (see the two-part model)`,
        method: 'Gamma GLM with log link of total cost on arm.',
        diagnostics: [],
      });
    } else {
      const g = gammaCostModel({ participants: trial.participants }, options);
      out.push({
        estimable: true,
        model: 'gamma',
        n: g.n,
        arms: g.arms.map((a) => ({ arm: a.arm, estimate: a.estimate, ci: intervalOrNull(a.ci), zeros: a.zeros, n: a.n })),
        difference: differenceSummary(g.difference),
        bootstrap: null,
        method: g.method,
        diagnostics: plainDiagnostics(g.diagnostics),
      });
    }
  }
  if (s.twoPart) {
    ctx.progress(`two-part cost model (${s.replicates} bootstrap replicates)`);
    const t = twoPartCostModel({ participants: trial.participants }, { ...options, replicates: s.replicates, seed });
    if (!t.estimable) {
      out.push({ estimable: false, model: 'two-part', reason: t.reason.replace(/^not estimable:\s*/, ''), method: t.method, diagnostics: plainDiagnostics(t.diagnostics) });
    } else {
      const b = t.bootstrap;
      out.push({
        estimable: true,
        model: 'two-part',
        n: t.n,
        arms: t.arms.map((a) => ({ arm: a.arm, estimate: a.estimate, ci: intervalOrNull(a.ci), zeros: a.zeros, n: a.n })),
        difference: differenceSummary(t.difference),
        bootstrap: b ? { estimate: b.estimate, se: finiteOrNull(b.se), ci: intervalOrNull(b.ci), ciLevel: b.ciLevel, replicates: b.replicates, seed: b.seed } : null,
        method: t.method,
        diagnostics: plainDiagnostics(t.diagnostics),
      });
    }
  }
  return out;
}

async function runCostUtility(ctx: AnalysisContext, plan: CostUtilityPlan): Promise<CostUtilitySection> {
  const { trial } = ctx;
  const [control, treated] = trial.design.arms as [string, string];
  const ciLevel = ctx.plan.ciLevel;
  ctx.progress(`QALYs from ${plan.instrument} over ${plan.horizons.length} horizon(s)`);
  const qOptions: QalyOptions = {
    horizons: plan.horizons.map((h) => (h.label === undefined ? { visits: h.visits } : { label: h.label, visits: h.visits })),
    instrument: plan.instrument,
    time: plan.time,
    discountRate: plan.discountRate,
    ciLevel,
  };
  if (plan.valueSet !== undefined) qOptions.valueSet = plan.valueSet;
  if (plan.time === 'nominal' && ctx.plan.design.visitMonths) qOptions.visitMonths = ctx.plan.design.visitMonths;
  const q = qalys({ participants: trial.participants, measurements: trial.measurements }, qOptions);
  const wtp = wtpGrid(plan, DEFAULT_WTP_QALY);
  const seed = costUtilitySeed(ctx, plan);
  const horizons: CostUtilityHorizon[] = [];
  for (const [i, h] of q.horizons.entries()) {
    const inc = incrementalQaly(h, { control, treated, vcov: plan.vcov, ciLevel });
    ctx.progress(`cost per QALY ${i + 1}/${q.horizons.length}: ${h.label} (${plan.replicates} bootstrap replicates)`);
    // Each horizon gets its own stream (seed + i) so adding a horizon does not change the ones before it.
    const cu = await costUtility(
      { participants: trial.participants, qalys: h },
      {
        control,
        treated,
        adjustBaseline: plan.adjustBaseline,
        missing: plan.missingCosts,
        wtp,
        replicates: plan.replicates,
        seed: seed + i,
        ciLevel,
        ciType: plan.ciType,
        keepReplicates: plan.planePoints > 0,
        threads: ctx.threads,
        ...(plan.costCategories ? { costCategories: plan.costCategories } : {}),
      },
    );
    const last = h.visits[h.visits.length - 1]!;
    horizons.push({
      label: h.label,
      visits: [...h.visits],
      byArm: h.byArm.map((a) => ({
        arm: a.arm,
        n: a.n,
        excluded: a.excluded,
        estimate: a.estimate,
        se: finiteOrNull(a.se),
        ci: intervalOrNull(a.ci),
        ciLevel: a.ciLevel,
        undiscounted: a.undiscounted,
        baselineUtility: a.baselineUtility,
      })),
      incrementalQaly: {
        n: { ...inc.n },
        unadjusted: differenceSummary(inc.unadjusted),
        adjusted: differenceSummary(inc.adjusted),
        vcov: inc.vcov,
        method: inc.method,
        diagnostics: plainDiagnostics(inc.diagnostics),
      },
      costPerQaly: { ...summariseCe(cu, `QALYs over ${h.label}`, q.instrument, last, plan.costCategories ?? null, plan.planePoints), adjustBaseline: cu.adjustBaseline },
      evpi: { wtp: [...cu.evpi.wtp], perPerson: [...cu.evpi.perPerson], replicates: cu.evpi.replicates, method: cu.evpi.method },
      method: h.method,
      diagnostics: plainDiagnostics(h.diagnostics),
    });
  }
  return {
    instrument: q.instrument,
    valueSet: q.valueSet,
    discountRate: q.discountRate,
    time: q.time,
    currency: plan.currency,
    priceYear: plan.priceYear ?? null,
    horizons,
    skewedCosts: skewedCosts(ctx, plan, seed + q.horizons.length),
    method: q.method,
    diagnostics: plainDiagnostics(q.diagnostics),
  };
}

/** QALYs, incremental QALYs, cost per QALY with EVPI, skewed costs (src/economics/qaly, issue 12): wired. */
export const costUtilityAdapter: SectionAdapter<CostUtilityPlan, CostUtilitySection> = {
  capability: 'src/economics/qaly (issue 12)',
  run: runCostUtility,
};
