/**
 * Report section: observed outcome summaries.
 */
import type { TrialAnalysis } from '../../analysis/types.js';
import { col, section, type ReportSection, type SectionContext } from './common.js';
import { auto, count, suppressed } from '../format.js';

/** Observed scores by instrument, visit and arm (no imputation). */
export function observedSection(a: TrialAnalysis, { cells }: SectionContext): ReportSection {
  const s = section('observed', 'Observed outcomes');
  const wanted = new Set(a.plan.outcomes.map((o) => o.instrument));
  const order = (r: { instrument: string; visit: string; arm: string }) => [
    a.plan.outcomes.findIndex((o) => o.instrument === r.instrument),
    a.design.visits.indexOf(r.visit),
    a.design.arms.indexOf(r.arm),
  ];
  const rows = a.descriptives.outcomes
    .filter((r) => wanted.has(r.instrument))
    .sort((x, y) => {
      const ox = order(x);
      const oy = order(y);
      return ox[0]! - oy[0]! || ox[1]! - oy[1]! || ox[2]! - oy[2]!;
    })
    .map((r) => ({
      instrument: r.instrument,
      visit: r.visit,
      arm: r.arm,
      n: `${count(r.n, cells)} of ${count(r.randomised, cells)}`,
      mean: suppressed(r.n, cells) ? 'suppressed' : auto(r.mean),
      sd: suppressed(r.n, cells) ? '' : auto(r.sd),
      median: suppressed(r.n, cells) ? '' : auto(r.median),
      iqr: suppressed(r.n, cells) || r.q1 === null ? '' : `${auto(r.q1)} to ${auto(r.q3)}`,
    }));
  const last = a.design.visits[a.design.visits.length - 1]!;
  const parts = a.plan.outcomes.map((o) => {
    const rs = a.descriptives.outcomes.filter((r) => r.instrument === o.instrument && r.visit === last);
    const n = rs.reduce((t, r) => t + r.n, 0);
    const N = rs.reduce((t, r) => t + r.randomised, 0);
    return `${o.instrument} ${count(n, cells)} of ${count(N, cells)}`;
  });
  s.readings.push(`Scores present at ${last}: ${parts.join('; ')} (missing scores are left out of these summaries, not imputed).`);
  s.tables.push({
    id: 'observed-table',
    caption: 'Observed scores by instrument, visit and arm',
    columns: [col('instrument', 'Instrument'), col('visit', 'Visit'), col('arm', 'Arm'), col('n', 'n of randomised', true), col('mean', 'Mean', true), col('sd', 'SD', true), col('median', 'Median', true), col('iqr', 'IQR', true)],
    rows,
    note: null,
  });
  return s;
}
