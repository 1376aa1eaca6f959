/**
 * Report section: clinical significance (Jacobson–Truax categories).
 */
import type { ClinicalSignificanceSection, TrialAnalysis } from '../../analysis/types.js';
import { categoryBarsFigure, jacobsonFigure } from '../figures/sections.js';
import { col, design, labelOf, statusSection, type ReportSection, type SectionContext } from './common.js';
import { count, countPercent, interval, num, pValue, suppressed } from '../format.js';

/** Reliable and clinically significant change: settings, categories, between-arm comparisons, figures. */
export function clinicalSection(a: TrialAnalysis, { cells, figures: withFigures }: SectionContext): ReportSection {
  const { s, result } = statusSection('clinical-significance', 'Clinical significance', a.clinicalSignificance);
  if (!result) return s;
  const cs: ClinicalSignificanceSection = result;
  s.tables.push({
    id: 'cs-settings',
    caption: 'Reliable change and cut-offs used',
    columns: [col('instrument', 'Instrument'), col('visit', 'Visit'), col('rel', 'Reliability', true), col('thr', 'Reliable change (points)', true), col('cut', 'Cut-off', true), col('source', 'Reliability source')],
    rows: cs.settings.map((x) => ({
      instrument: x.instrument,
      visit: x.visit,
      rel: num(x.reliability, 2),
      thr: x.threshold === null ? `|index| > ${num(x.criticalValue, 2)}` : `> ${num(x.threshold, 2)}`,
      cut: x.cutoff ? `${x.cutoff.type}: ${num(x.cutoff.value, 1)}` : 'none',
      source: x.reliabilitySource ?? '',
    })),
    note: cs.method,
  });
  for (const d of cs.diagnostics) s.notes.push(`${d.severity}: ${d.message}`);
  s.tables.push({
    id: 'cs-categories',
    caption: 'Participants per category, n (%)',
    columns: [col('instrument', 'Instrument'), col('visit', 'Visit'), col('arm', 'Arm'), ...cs.categoryOrder.map((c) => col(c, c, true)), col('missing', 'no follow-up', true), col('nobase', 'no baseline', true)],
    rows: [...new Set(cs.categories.map((c) => `${c.instrument}\u0000${c.visit}\u0000${c.arm}`))].map((key) => {
      const [instrument, visit, arm] = key.split('\u0000') as [string, string, string];
      const r: Record<string, string> = { instrument, visit, arm };
      for (const c of cs.categoryOrder) {
        const x = cs.categories.find((y) => y.instrument === instrument && y.visit === visit && y.arm === arm && y.category === c);
        r[c] = x ? countPercent(x.n, x.percent, cells) : '0';
      }
      const m = cs.missing.find((y) => y.instrument === instrument && y.visit === visit && y.arm === arm);
      r['missing'] = m ? count(m.noFollowUp, cells) : '0';
      r['nobase'] = m ? count(m.noBaseline + m.notClassifiable, cells) : '0';
      return r;
    }),
    note: 'Participants without a follow-up score are counted as missing, never as unchanged.',
  });
  if (cs.comparisons.length > 0) {
    s.tables.push({
      id: 'cs-comparisons',
      caption: 'Between arms',
      columns: [col('instrument', 'Instrument'), col('visit', 'Visit'), col('outcome', 'Outcome'), col('rd', 'Risk difference (CI)', true), col('rr', 'Risk ratio (CI)', true), col('or', 'Odds ratio (CI)', true), col('nnt', 'NNT'), col('p', 'p', true)],
      rows: cs.comparisons.map((c) => ({
        instrument: c.instrument,
        visit: c.visit,
        outcome: `${c.outcome}: ${c.arm} vs ${c.reference}`,
        rd: `${num(c.riskDifference.estimate, 3)} (${interval(c.riskDifference.ci, 3)})`,
        rr: c.riskRatio?.estimate != null ? `${num(c.riskRatio.estimate)} (${interval(c.riskRatio.ci)})` : '–',
        or: c.oddsRatio?.estimate != null ? `${num(c.oddsRatio.estimate)} (${interval(c.oddsRatio.ci)})` : '–',
        nnt: c.nnt?.text ?? '–',
        p: c.test ? `${pValue(c.test.pValue)} (${c.test.method})` : '–',
      })),
      note: null,
    });
    if (cs.ordinal.length > 0) {
      s.tables.push({
        id: 'cs-ordinal',
        caption: 'Across the ordered categories',
        columns: [col('instrument', 'Instrument'), col('visit', 'Visit'), col('contrast', 'Contrast'), col('or', 'Odds ratio of a better category (CI)', true), col('p', 'p', true), col('ps', 'P(better) (CI)', true)],
        rows: cs.ordinal.map((o) => ({
          instrument: o.instrument,
          visit: o.visit,
          contrast: `${o.arm} vs ${o.reference}`,
          or: o.oddsRatio ? `${num(o.oddsRatio.estimate)} (${interval(o.oddsRatio.ci)})` : '–',
          p: o.oddsRatio ? pValue(o.oddsRatio.pValue) : '–',
          ps: o.superiority ? `${num(o.superiority.estimate, 3)} (${interval(o.superiority.ci, 3)})` : '–',
        })),
        note: cs.ordinal[0]!.method,
      });
    }
    for (const c of cs.comparisons.filter((x) => x.visit === a.primaryVisit)) {
      s.readings.push(`${labelOf(a, c.instrument)} at ${c.visit}, ${c.outcome}: ${c.arm} − ${c.reference} = ${num(100 * c.riskDifference.estimate, 1)} percentage points (${num(100 * c.riskDifference.ci[0], 1)} to ${num(100 * c.riskDifference.ci[1], 1)}).`);
    }
  }
  if (withFigures) {
    for (const set of cs.settings) {
      const label = labelOf(a, set.instrument);
      const range = a.outcomes.find((o) => o.instrument === set.instrument)?.range ?? null;
      if (cells.k === null) {
        const j = jacobsonFigure(cs, set.instrument, set.visit, label, range, a.design.arms);
        if (j) s.figures.push(j);
      }
      const counts = cs.categories.filter((c) => c.instrument === set.instrument && c.visit === set.visit);
      // Bars show shares, from which small counts can be read back: leave them out when any is small.
      if (!counts.some((c) => suppressed(c.n, cells))) {
        const b = categoryBarsFigure(cs, set.instrument, set.visit, label, design(a));
        if (b) s.figures.push(b);
      } else {
        s.notes.push(`The category bars of ${set.instrument} at ${set.visit} are left out: some counts are below ${cells.k}.`);
      }
    }
  }
  if (s.readings.length === 0) s.readings.push(cs.method);
  return s;
}
