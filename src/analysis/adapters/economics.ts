/**
 * Economics adapter: costs by arm and one cost-effectiveness analysis per plan entry, from
 * src/economics (issue 7).
 */
import { costEffectiveness, DEFAULT_WTP, type CostEffectivenessResult } from '../../economics/cost-effectiveness.js';
import { costsByArm } from '../../economics/costs-by-arm.js';
import type { BootstrapEstimate } from '../../economics/types.js';
import { wtpRangePoints, type EconomicsPlan } from '../plan.js';
import { ArgumentError } from '../../errors/index.js';
import { LIMITS } from '../../errors/checks.js';
import { baselineFollowUpEffects, finiteOrNull, intervalOrNull, plainDiagnostics } from '../internal.js';
import type { BootstrapSummary, CostEffectivenessSummary, EconomicsSection } from '../types.js';
import type { AnalysisContext, SectionAdapter } from './types.js';

/**
 * The willingness-to-pay grid of the plan: the values given, a range, or the library default.
 * @example
 * wtpGrid(parseAnalysisPlan(plan).economics!); // e.g. [0, 25000, 50000, 75000, 100000] for { from: 0, to: 100000, by: 25000 }
 */
export function wtpGrid(plan: Pick<EconomicsPlan, 'wtp'>, fallback: readonly number[] = DEFAULT_WTP): number[] {
  const w = plan.wtp;
  if (w === undefined) return [...fallback];
  if (Array.isArray(w)) return [...w];
  const points = wtpRangePoints(w);
  if (!(points <= LIMITS.gridPoints)) throw new ArgumentError('plan.wtp', w, `a range of at most ${LIMITS.gridPoints} points`);
  const out: number[] = [];
  const steps = points - 1;
  for (let i = 0; i <= steps; i++) out.push(w.from + i * w.by);
  return out;
}

function summary(b: BootstrapEstimate): BootstrapSummary {
  return { estimate: b.estimate, se: finiteOrNull(b.se), ci: intervalOrNull(b.ci), ciLevel: b.ciLevel };
}

/** A cost-effectiveness result as plain JSON, with the first `planePoints` finite replicates for the plane. */
export function summariseCe(r: CostEffectivenessResult, label: string, outcome: string, visit: string, categories: string[] | null, planePoints: number): CostEffectivenessSummary {
  const keep = Math.min(planePoints, r.plane?.deltaCost.length ?? 0);
  const dE: number[] = [];
  const dC: number[] = [];
  for (let i = 0; i < keep; i++) {
    const e = r.plane!.deltaEffect[i]!;
    const c = r.plane!.deltaCost[i]!;
    if (Number.isFinite(e) && Number.isFinite(c)) {
      dE.push(e);
      dC.push(c);
    }
  }
  return {
    label,
    outcome,
    visit,
    control: r.control,
    treated: r.treated,
    costCategories: categories,
    n: { ...r.n },
    excluded: r.excluded,
    meanCost: { ...r.meanCost },
    incrementalCost: summary(r.incrementalCost),
    incrementalEffect: summary(r.incrementalEffect),
    icer: { estimate: finiteOrNull(r.icer.estimate), quadrant: r.icer.quadrant, interpretation: r.icer.interpretation },
    quadrantShares: Object.fromEntries(Object.entries(r.icer.quadrantShares).map(([k, v]) => [k, Number.isFinite(v) ? v : 0])),
    netBenefit: r.netBenefit.map((nb) => ({ wtp: nb.wtp, estimate: nb.estimate, ci: intervalOrNull(nb.ci), probabilityCostEffective: nb.probabilityCostEffective })),
    ceac: { wtp: [...r.ceac.wtp], probability: [...r.ceac.probability], probabilityCostSaving: r.ceac.probabilityCostSaving, probabilityEffectPositive: r.ceac.probabilityEffectPositive },
    plane: { deltaEffect: dE, deltaCost: dC },
    replicates: r.replicates,
    seed: r.seed,
    method: r.method,
    diagnostics: plainDiagnostics(r.diagnostics),
  };
}

async function runEconomics(ctx: AnalysisContext, plan: EconomicsPlan): Promise<EconomicsSection> {
  const { trial } = ctx;
  const arms = trial.design.arms;
  const baselineVisit = trial.design.visits[0]!;
  const result: EconomicsSection = {
    currency: plan.currency,
    priceYear: plan.priceYear ?? null,
    costsByArm: [],
    costDifferences: [],
    costsMethod: null,
    analyses: [],
    diagnostics: [],
  };
  const ciLevel = ctx.plan.ciLevel;
  if (plan.costsByArm) {
    ctx.progress('costs by arm (bootstrap)');
    const c = costsByArm(trial.participants, { arms, missing: plan.missingCosts, replicates: plan.replicates, seed: ctx.plan.seed, ciLevel, ciType: plan.ciType });
    result.costsByArm = c.summaries.map((s) => ({
      arm: s.arm,
      category: s.category,
      n: s.n,
      nMissing: s.nMissing,
      mean: summary(s),
      median: finiteOrNull(s.median),
      shareZero: finiteOrNull(s.shareZero),
    }));
    result.costDifferences = c.differences.map((d) => ({ arm: d.arm, reference: d.reference, category: d.category, difference: summary(d) }));
    result.costsMethod = c.method;
    result.diagnostics.push(...plainDiagnostics(c.diagnostics));
  }
  const wtp = wtpGrid(plan);
  for (const [i, a] of plan.analyses.entries()) {
    const label = a.label ?? `${a.outcome} at ${a.visit}`;
    ctx.progress(`cost-effectiveness ${i + 1}/${plan.analyses.length}: ${label} (${plan.replicates} bootstrap replicates)`);
    const effects = baselineFollowUpEffects(trial, a.outcome, baselineVisit, a.visit);
    // Each analysis gets its own stream (seed + 1 + i) so adding an analysis to the plan does
    // not change the results of the ones before it.
    const seed = ctx.plan.seed + 1 + i;
    const options: Parameters<typeof costEffectiveness>[1] = {
      control: arms[0]!,
      treated: arms[1]!,
      effectEstimator: a.effectEstimator,
      missing: plan.missingCosts,
      wtp,
      replicates: plan.replicates,
      seed,
      ciLevel,
      ciType: plan.ciType,
      keepReplicates: plan.planePoints > 0,
      threads: ctx.threads,
    };
    if (a.costCategories) options.costCategories = a.costCategories;
    const r = await costEffectiveness({ participants: trial.participants, effects }, options);
    result.analyses.push(summariseCe(r, label, a.outcome, a.visit, a.costCategories ?? null, plan.planePoints));
  }
  return result;
}

/** Costs by arm and cost-effectiveness (src/economics, issue 7): wired. */
export const economicsAdapter: SectionAdapter<EconomicsPlan, EconomicsSection> = {
  capability: 'src/economics (issue 7)',
  run: runEconomics,
};
