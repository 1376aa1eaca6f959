/**
 * Report section: dose–response (attendance and outcome).
 */
import type { DoseResponseSection, TrialAnalysis } from '../../analysis/types.js';
import { doseResponseFigure } from '../figures/sections.js';
import { col, labelOf, statusSection, type ReportSection, type SectionContext } from './common.js';
import { count, interval, num, pEquals, pValue } from '../format.js';

/** Attendance and outcome: associations, tests, instrumental-variable estimates, curves. */
export function doseSection(a: TrialAnalysis, { cells, figures: withFigures }: SectionContext): ReportSection {
  const { s, result } = statusSection('dose-response', 'Attendance and outcome (dose–response)', a.doseResponse);
  if (!result) return s;
  const dr: DoseResponseSection = result;
  s.tables.push({
    id: 'dose-estimates',
    caption: 'Association of attendance with outcome (treated arm; exploratory)',
    columns: [col('instrument', 'Instrument'), col('visit', 'Visit'), col('form', 'Form'), col('term', 'Term'), col('estimate', 'Estimate', true), col('ci', 'CI', true), col('p', 'p', true), col('n', 'n', true)],
    rows: dr.estimates.map((e) => ({ instrument: e.instrument, visit: e.visit, form: e.form, term: e.term, estimate: num(e.estimate, 3), ci: interval(e.ci, 3), p: pValue(e.pValue), n: count(e.n, cells) })),
    note: dr.method,
  });
  if (dr.tests.length > 0) {
    s.tables.push({
      id: 'dose-tests',
      caption: 'Test of any association of attendance with the outcome',
      columns: [col('instrument', 'Instrument'), col('visit', 'Visit'), col('form', 'Form'), col('stat', 'Statistic (df)', true), col('p', 'p', true)],
      rows: dr.tests.map((t) => ({ instrument: t.instrument, visit: t.visit, form: t.form, stat: `${num(t.statistic)} (${num(t.numDf, 0)}, ${num(t.denDf, 1)})`, p: pValue(t.pValue) })),
      note: dr.tests[0]!.method,
    });
  }
  if (dr.causal.length > 0) {
    s.tables.push({
      id: 'dose-causal',
      caption: 'Causal estimates with randomisation as the instrument',
      columns: [col('instrument', 'Instrument'), col('visit', 'Visit'), col('estimand', 'Estimand'), col('estimate', 'Estimate', true), col('ci', 'CI', true), col('p', 'p', true), col('f', 'First-stage F', true)],
      rows: dr.causal.map((c) => ({ instrument: c.instrument, visit: c.visit, estimand: c.estimand, estimate: num(c.estimate, 3), ci: interval(c.ci, 3), p: pValue(c.pValue), f: num(c.firstStageF, 1) })),
      note: null,
    });
  }
  const seen = new Set<string>();
  for (const e of dr.estimates.filter((x) => x.form === 'linear')) {
    const key = `${e.instrument}\u0000${e.visit}`;
    if (seen.has(key)) continue;
    seen.add(key);
    s.readings.push(`${labelOf(a, e.instrument)} at ${e.visit}: ${num(e.estimate, 3)} points ${e.term} (${interval(e.ci, 3)}; ${pEquals(e.pValue)}); an association within the treated arm, not a randomised comparison.`);
  }
  for (const c of dr.causal.filter((x) => x.estimand.startsWith('per session'))) {
    s.readings.push(`${labelOf(a, c.instrument)} at ${c.visit}, by instrumental variables: ${num(c.estimate, 3)} points per session attended (${interval(c.ci, 3)}), assuming the offer works only through attendance.`);
  }
  if (s.readings.length === 0) s.readings.push(dr.method);
  if (withFigures) {
    const keys = new Set(dr.curves.map((c) => `${c.instrument}\u0000${c.visit}\u0000${c.form}`));
    for (const key of keys) {
      const [instrument, visit, form] = key.split('\u0000') as [string, string, string];
      const f = doseResponseFigure(cells.k === null ? dr : { ...dr, observed: [] }, instrument, visit, form, labelOf(a, instrument));
      if (f) s.figures.push(f);
    }
  }
  return s;
}
