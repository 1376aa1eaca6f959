/**
 * `rcteval power`: the plan's power section (analysis/power-plan.ts) rendered as power.md and
 * Vega-Lite figures.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PowerPlanResult } from '../analysis/power-plan.js';
import type { Figure } from '../report/figures/common.js';

/** Write power.md and figures/<id>.vl.json under `out`. */
export function writePowerReport(report: { markdown: string; figures: Figure[] }, out: string): string[] {
  mkdirSync(join(out, 'figures'), { recursive: true });
  const written = [join(out, 'power.md')];
  writeFileSync(written[0]!, report.markdown);
  for (const f of report.figures) {
    const path = join(out, 'figures', `${f.id}.vl.json`);
    writeFileSync(path, `${JSON.stringify(f.spec, null, 2)}\n`);
    written.push(path);
  }
  return written;
}

export type { PowerPlanResult };
