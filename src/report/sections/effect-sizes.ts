/**
 * Report section: effect sizes.
 */
import type { TrialAnalysis } from '../../analysis/types.js';
import { ciLabel, col, section, type ReportSection, type SectionContext } from './common.js';
import { interval, num } from '../format.js';

/** Standardized differences (model-based d, observed g, within-arm). */
export function effectSizeSection(a: TrialAnalysis, _context: SectionContext): ReportSection {
  const s = section('effect-sizes', 'Effect sizes');
  const rows: Record<string, string>[] = [];
  for (const o of a.outcomes) {
    for (const e of o.effectSizes) {
      rows.push({
        outcome: o.label,
        visit: e.visit,
        basis: e.basis === 'model' ? 'model-based d' : 'observed change (g)',
        estimate: num(e.estimate),
        ci: interval(e.ci),
        sd: num(e.standardizer),
        label: `${e.interpretation.label} (${e.interpretation.rules})`,
      });
    }
    for (const w of o.withinArm) {
      if (w.effectSize) rows.push({ outcome: o.label, visit: `${w.arm}: ${w.from}→${w.visit}`, basis: `within-arm ${w.effectSize.type}`, estimate: num(w.effectSize.estimate), ci: interval(w.effectSize.ci), sd: num(w.effectSize.standardizer), label: `${w.effectSize.interpretation.label} (${w.effectSize.interpretation.rules})` });
    }
  }
  for (const o of a.outcomes) {
    const e = o.effectSizes.find((x) => x.basis === 'model' && x.visit === a.primaryVisit);
    if (e) s.readings.push(`${o.label} at ${a.primaryVisit}: d = ${num(e.estimate)} (${ciLabel(e.ciLevel)} ${interval(e.ci)}), "${e.interpretation.label}" by ${e.interpretation.rules}; the difference in points divided by the baseline SD (${num(e.standardizer)}).`);
  }
  if (rows.length === 0) {
    s.status = 'not-estimable';
    s.readings.push('No effect size could be estimated (see the outcomes above for why).');
    return s;
  }
  const es = a.plan.effectSizes;
  s.tables.push({
    id: 'effect-size-table',
    caption: 'Standardized differences',
    columns: [col('outcome', 'Outcome'), col('visit', 'Visit'), col('basis', 'Basis'), col('estimate', 'Estimate', true), col('ci', 'CI', true), col('sd', 'Standardizer (SD)', true), col('label', 'Interpretation')],
    rows,
    note: `Model-based d: the model's difference divided by the ${es.sdMethod} baseline SD (Feingold 2009), ${es.sdUncertainty === 'ignore' ? 'the SD treated as known' : 'the SD’s uncertainty added (delta method)'}. Labels: ${es.rules}.`,
  });
  return s;
}
