/**
 * `rcteval power`: the plan's power section → analytic power of the design, the solved unknown
 * and the power curves, written as power.md and Vega-Lite figures.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArgumentError } from '../errors/index.js';
import type { AnalysisPlan, PowerPlan } from '../analysis/plan.js';
import { partiallyNestedPower, solvePartiallyNested, type AnalyticPowerResult, type PartiallyNestedDesign, type SolveResult } from '../power/analytic.js';
import { powerCurve } from '../power/curve.js';
import { powerReportSection } from '../report/sections/power.js';

/** The results of a plan's power section and the report made from them. */
export interface PowerPlanResult {
  power: AnalyticPowerResult | null;
  solve: SolveResult | null;
  markdown: string;
  figures: ReturnType<typeof powerReportSection>['figures'];
}

/**
 * Run a plan's power section. The design's fields are checked as `partiallyNestedPower` checks
 * them, with paths under `power.design`.
 * @throws ArgumentError when the plan has no power section or its design is impossible.
 */
export function runPowerPlan(plan: AnalysisPlan): PowerPlanResult {
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
  const { markdown, figures } = powerReportSection({ title: plan.title, power, solve, curves, target: pp.target });
  return { power, solve, markdown, figures };
}

/** Write power.md and figures/<id>.vl.json under `out`. */
export function writePowerReport(result: PowerPlanResult, out: string): string[] {
  mkdirSync(join(out, 'figures'), { recursive: true });
  const written = [join(out, 'power.md')];
  writeFileSync(written[0]!, result.markdown);
  for (const f of result.figures) {
    const path = join(out, 'figures', `${f.id}.vl.json`);
    writeFileSync(path, `${JSON.stringify(f.spec, null, 2)}\n`);
    written.push(path);
  }
  return written;
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
