/**
 * A plan's power section run: analytic power and sample size, curves, and the optional check by
 * simulation. Results only; `rcteval power` renders them (report/sections/power.ts) and writes
 * the files.
 */
import { ArgumentError } from '../errors/index.js';
import { checkOptions, optionKeys } from '../errors/checks.js';
import type { AnalysisPlan, PowerPlan } from './plan.js';
import { partiallyNestedPower, solvePartiallyNested, type AnalyticPowerResult, type PartiallyNestedDesign, type SolveResult } from '../power/analytic.js';
import { powerCurve, type PowerCurve } from '../power/curve.js';
import { powerBySimulation, simulationDesignFor, type PowerProgress, type PowerSimulationResult } from '../power/simulation.js';

/** The results of a plan's power section (render them with `powerReportSection` from `rcteval/report`). */
export interface PowerPlanResult {
  power: AnalyticPowerResult | null;
  solve: SolveResult | null;
  /** The plan's simulation check of the design's power, when asked for. */
  simulation: PowerSimulationResult | null;
  curves: PowerCurve[];
}

/**
 * Run a plan's power section (what `rcteval power` reports): the power of the design, the solved
 * unknown, the curves and, when the plan asks, the simulation check of the design's power
 * (on worker threads under Node). The design's fields are checked as `partiallyNestedPower`
 * checks them, with paths under `power.design`.
 * @throws ArgumentError when the plan has no power section or its design is impossible.
 * @example
 * const r = await runPowerPlan(parseAnalysisPlan(powerPlanJson), { threads: 1 });
 * r.solve!.value; // the smallest number of therapy groups for the target power
 */
export async function runPowerPlan(plan: AnalysisPlan, options: { threads?: number | 'auto'; onProgress?: (p: PowerProgress) => void } = {}): Promise<PowerPlanResult> {
  checkOptions('options', options, optionKeys<{ threads?: number | 'auto'; onProgress?: (p: PowerProgress) => void }>()(['threads', 'onProgress']));
  const pp: PowerPlan | undefined = plan.power;
  if (!pp) throw new ArgumentError('--plan', 'a plan without a power section', 'a plan with a "power" section (see docs/methods/power.md)');
  const design = stripUndefined(pp.design) as Partial<PartiallyNestedDesign>;
  const opts = { alpha: pp.alpha, df: pp.df };
  const rename = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof ArgumentError) throw new ArgumentError(e.argument.replace(/^design/, 'power.design').replace(/^options\./, 'power.'), e.value, e.expected);
      throw e;
    }
  };
  const solve = pp.solveFor ? rename(() => solvePartiallyNested(design, { ...opts, solveFor: pp.solveFor!, power: pp.target, ...(pp.max !== undefined ? { max: pp.max } : {}) })) : null;
  const complete = solve ? { ...design, [solve.solveFor]: solve.value } : design;
  const power = rename(() => partiallyNestedPower(complete as PartiallyNestedDesign, opts));
  const curves = pp.curves.map((c) => rename(() => powerCurve(complete, { ...opts, vary: c.vary, values: c.values })));
  let simulation: PowerSimulationResult | null = null;
  if (pp.simulation) {
    const sim = pp.simulation;
    simulation = await powerBySimulation({
      design: rename(() => simulationDesignFor(complete as PartiallyNestedDesign)),
      replicates: sim.replicates,
      seed: sim.seed,
      alpha: pp.alpha,
      analysis: (complete as PartiallyNestedDesign).analysis ?? 'posttest',
      ddf: pp.df === 'normal' ? 'asymptotic' : 'Satterthwaite',
      threads: options.threads ?? 'auto',
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  }
  return { power, solve, curves, simulation };
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
