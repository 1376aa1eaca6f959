/**
 * Report section: subgroup analyses.
 */
import type { SubgroupsSection, TrialAnalysis } from '../../analysis/types.js';
import { forestFigure } from '../figures/sections.js';
import { col, labelOf, statusSection, type ReportSection, type SectionContext } from './common.js';
import { count, interval, num, pEquals, pValue } from '../format.js';

function adjustName(method: string | undefined): string {
  return method === 'holm' ? 'Holm' : method === 'BH' ? 'Benjamini–Hochberg' : method === undefined || method === 'none' ? 'no' : method;
}

/** Subgroups: interaction tests and the arm difference within each level, with forest plots. */
export function subgroupSection(a: TrialAnalysis, { cells, figures: withFigures }: SectionContext): ReportSection {
  const { s, result } = statusSection('subgroups', 'Subgroups', a.subgroups);
  if (!result) return s;
  const sg: SubgroupsSection = result;
  s.tables.push({
    id: 'subgroup-tests',
    caption: 'Interaction tests (does the effect differ between levels?)',
    columns: [col('instrument', 'Instrument'), col('visit', 'Visits'), col('variable', 'Variable'), col('kind', 'Pre-specified'), col('stat', 'Statistic (df)', true), col('p', 'p', true), col('padj', 'Adjusted p', true)],
    rows: sg.tests.map((t) => ({
      instrument: t.instrument,
      visit: t.visits.join(', '),
      variable: t.label,
      kind: t.prespecified ? 'yes' : 'no (exploratory)',
      stat: t.statistic === null ? t.method : t.denDf === null ? `χ² ${num(t.statistic)} (${num(t.numDf, 0)})` : `F ${num(t.statistic)} (${num(t.numDf, 0)}, ${num(t.denDf, 1)})`,
      p: pValue(t.pValue),
      padj: t.adjust === 'none' ? '' : `${pValue(t.pAdjusted)} (${t.adjust})`,
    })),
    note: sg.method,
  });
  s.tables.push({
    id: 'subgroup-rows',
    caption: 'Arm difference within each level',
    columns: [col('instrument', 'Instrument'), col('visit', 'Visit'), col('variable', 'Variable'), col('level', 'Level'), col('n', 'n per arm', true), col('estimate', 'Difference', true), col('ci', 'CI', true)],
    rows: sg.rows.map((r) => ({
      instrument: r.instrument,
      visit: r.visit,
      variable: r.variable,
      level: r.level,
      n: Object.entries(r.nByArm).map(([arm, n]) => `${arm} ${count(n, cells)}`).join(', '),
      estimate: r.estimable ? num(r.estimate) : 'not estimable',
      ci: r.estimable ? interval(r.ci) : r.reason ?? '',
    })),
    note: null,
  });
  const sig = sg.tests.filter((t) => t.pAdjusted !== null && t.pAdjusted < 1 - a.plan.ciLevel);
  s.readings.push(
    sig.length > 0
      ? `After ${adjustName(sg.tests[0]?.adjust)} adjustment, the effect differs between levels of: ${sig.map((t) => `${t.label} (${t.instrument}, adjusted ${pEquals(t.pAdjusted)})`).join('; ')}.`
      : `After ${adjustName(sg.tests[0]?.adjust)} adjustment across subgroup variables, no interaction test is below ${num(1 - a.plan.ciLevel, 2)}.`,
  );
  if (withFigures) {
    const keys = new Set(sg.rows.map((r) => `${r.instrument}\u0000${r.visit}`));
    for (const key of keys) {
      const [instrument, visit] = key.split('\u0000') as [string, string];
      const f = forestFigure(sg, instrument, visit, labelOf(a, instrument));
      if (f) s.figures.push(f);
    }
  }
  return s;
}
