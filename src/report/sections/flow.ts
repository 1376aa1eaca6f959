/**
 * Report section: participant flow (CONSORT-style counts by arm and visit).
 */
import type { TrialAnalysis } from '../../analysis/types.js';
import { flowFigure } from '../figures/flow.js';
import { col, design, section, type ReportSection, type SectionContext } from './common.js';
import { count, countPercent } from '../format.js';

/** Participant flow: counts at each stage by arm, and the flow figure. */
export function flowSection(a: TrialAnalysis, { cells, figures: withFigures }: SectionContext): ReportSection {
  const s = section('flow', 'Participant flow');
  const arms = a.design.arms;
  const fig = flowFigure(a.descriptives.flow, design(a), (n) => count(n, cells));
  if (withFigures) s.figures.push(fig);
  const rows: Record<string, string>[] = [];
  const get = (stage: string, arm: string | null, visit: string | null, instrument: string | null) =>
    a.descriptives.flow.find((r) => r.stage === stage && r.arm === arm && r.visit === visit && r.instrument === instrument);
  const line = (label: string, stage: string, visit: string | null, instrument: string | null) => {
    const r: Record<string, string> = { stage: label };
    for (const [i, arm] of [...arms, null].entries()) {
      const f = get(stage, arm, visit, instrument);
      r[`a${i}`] = f ? countPercent(f.n, stage === 'randomised' ? null : f.percent, cells) : '–';
    }
    rows.push(r);
  };
  line(arms.length > 1 ? 'Randomised' : 'Enrolled', 'randomised', null, null);
  line('Analysed (at least one score)', 'analysed', null, null);
  for (const v of a.design.visits) {
    line(`Measured at ${v} (any instrument)`, 'measured', v, null);
    for (const o of a.plan.outcomes) line(`  ${o.instrument} at ${v}`, 'measured', v, o.instrument);
  }
  const last = a.design.visits[a.design.visits.length - 1]!;
  const retained = [...arms, null].map((arm) => get('measured', arm, last, null));
  s.readings.push(
    `Measured at ${last} (any instrument): ${retained
      .map((r, i) => (r ? `${i < arms.length ? arms[i] : 'all'} ${countPercent(r.n, r.percent, cells)}` : null))
      .filter((x) => x !== null)
      .join(', ')} of those ${arms.length > 1 ? 'randomised' : 'enrolled'}${
      a.plan.model.type === 'mixed'
        ? '; the mixed models use every score a participant gave (valid if missingness depends only on what was observed)'
        : a.plan.model.type === 'ancova'
          ? '; each ANCOVA uses the participants with both scores'
          : '; changes use complete pairs only'
    }.`,
  );
  s.tables.push({
    id: 'flow-table',
    caption: `Participants at each stage, n (% of ${arms.length > 1 ? 'randomised' : 'enrolled'})`,
    columns: [col('stage', 'Stage'), ...arms.map((arm, i) => col(`a${i}`, arm, true)), col(`a${arms.length}`, 'All', true)],
    rows,
    note: null,
  });
  return s;
}
