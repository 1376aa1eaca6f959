/**
 * The report chapter "Missing data and sensitivity": how many scores are missing by arm and visit
 * (and how many after dropout), the effect at the primary visit under each stated assumption
 * (the primary MAR analysis, MMRM, multiple imputation, the reference-based rules), and the
 * tipping-point grid with its figure and plain-language reading. It formats results only; the
 * imputations and fits are made before (src/missing-data/).
 */
import type { MultipleImputation } from '../../missing-data/impute.js';
import { tippingPointFigure, tippingPointReading, type TippingPointView } from '../figures/tipping-point.js';
import { count, interval, notEstimableText, num, pEquals, percent, pValue, type SmallCells } from '../format.js';
import type { MissingDataEffect, MissingDataSection, TrialAnalysis } from '../../analysis/types.js';
import { ciLabel, col, statusSection, type ReportSection, type SectionContext } from './common.js';

/** The effect at the primary visit under one analysis and its missing-data assumption. */
export interface AssumptionResult {
  /** e.g. `Linear mixed model (primary)`, `MMRM`, `Multiple imputation`, `Jump to reference`. */
  analysis: string;
  /** e.g. `MAR`, `MNAR: J2R (reference: control)`. */
  assumption: string;
  estimate: number | null;
  ci: [number, number] | null;
  pValue: number | null;
  estimable: boolean;
  reason: string | null;
  /** Fraction of missing information (pooled results). */
  fmi?: number | null;
}

/** What the chapter needs. */
export interface MissingDataChapterInput {
  /** Outcome label, e.g. `PSP`. */
  outcome: string;
  /** Primary visit, e.g. `9m`. */
  visit: string;
  /** Missing scores by arm and visit (`await multipleImputation(...).missing`). */
  missing: MultipleImputation['missing'];
  /** The effect under each assumption; the first is the primary analysis. */
  results: AssumptionResult[];
  /** δ grid on the MAR imputations, when run. */
  tippingPoint?: TippingPointView | null;
  ciLevel: number;
}

/**
 * The "Missing data and sensitivity" report section.
 * @example
 * const s = missingDataChapter({ outcome: 'PSP', visit: '9m', missing: mi.missing, results: [{ analysis: 'Multiple imputation', assumption: 'MAR', estimate: 3.9, ci: [1.2, 6.6], pValue: 0.005, estimable: true, reason: null }], tippingPoint: tp, ciLevel: 0.95 }, { k: null }, true);
 * s.readings[0]; // 'PSP scores missing at follow-up: …'
 */
export function missingDataChapter(input: MissingDataChapterInput, cells: SmallCells, withFigures: boolean): ReportSection {
  const s: ReportSection = { id: 'missing-data', title: 'Missing data and sensitivity', status: 'done', readings: [], tables: [], figures: [], notes: [], subsections: [] };
  const { outcome, visit } = input;
  const perVisit = input.missing.filter((m) => m.visit === visit);
  if (perVisit.length) {
    s.readings.push(
      `${outcome} scores missing at ${visit}: ${perVisit.map((m) => `${m.arm} ${count(m.missing, cells)} of ${count(m.n, cells)} (${percent((100 * m.missing) / Math.max(m.n, 1))})`).join(', ')}.`,
    );
  }
  s.tables.push({
    id: 'missing-by-arm-visit',
    caption: `Missing ${outcome} scores by arm and follow-up visit`,
    columns: [col('arm', 'Arm'), col('visit', 'Visit'), col('n', 'Randomised', true), col('missing', 'Missing', true), col('pct', '%', true), col('after', 'After dropout', true)],
    rows: input.missing.map((m) => ({ arm: m.arm, visit: m.visit, n: count(m.n, cells), missing: count(m.missing, cells), pct: percent((100 * m.missing) / Math.max(m.n, 1)), after: count(m.afterDropout, cells) })),
    note: 'After dropout: missing at a visit after the participant’s last observed follow-up (monotone); the rest are intermittent gaps, imputed under MAR in every analysis.',
  });
  const ci = `${Math.round(input.ciLevel * 1000) / 10}% CI`;
  s.tables.push({
    id: 'effect-by-assumption',
    caption: `${outcome} effect at ${visit} under each missing-data assumption`,
    columns: [col('analysis', 'Analysis'), col('assumption', 'Assumption'), col('estimate', 'Estimate', true), col('ci', ci, true), col('p', 'p', true), col('fmi', 'FMI', true)],
    rows: input.results.map((r) =>
      r.estimable
        ? { analysis: r.analysis, assumption: r.assumption, estimate: num(r.estimate), ci: interval(r.ci), p: pValue(r.pValue), fmi: r.fmi === undefined ? '' : num(r.fmi) }
        : { analysis: r.analysis, assumption: r.assumption, estimate: notEstimableText(r.reason), ci: '', p: '', fmi: '' },
    ),
    note: 'MAR: missing at random given the observed scores. J2R, CR, CIR: reference-based imputation (jump to reference, copy reference, copy increments in reference) with the control arm as reference. FMI: fraction of missing information (Rubin’s rules, Barnard–Rubin df).',
  });
  const primary = input.results[0];
  if (primary) {
    s.readings.push(
      primary.estimable
        ? `Primary analysis (${primary.analysis}, ${primary.assumption}): ${num(primary.estimate)} points (${interval(primary.ci)}; ${pEquals(primary.pValue)}).`
        : `Primary analysis (${primary.analysis}): ${notEstimableText(primary.reason)}.`,
    );
    const others = input.results.slice(1).filter((r) => r.estimable);
    if (others.length && primary.estimable && primary.estimate !== null) {
      const lo = Math.min(...others.map((r) => r.estimate!));
      const hi = Math.max(...others.map((r) => r.estimate!));
      const sig = others.filter((r) => r.pValue !== null && r.pValue < 1 - input.ciLevel).length;
      s.readings.push(`Under the other assumptions the estimate ranges from ${num(lo)} to ${num(hi)} points; ${sig} of ${others.length} remain significant at the ${percent(100 * (1 - input.ciLevel), 0)} level.`);
    }
  }
  const tp = input.tippingPoint;
  if (tp) {
    s.readings.push(tippingPointReading(tp, `${visit} ${outcome} effect`));
    s.tables.push({
      id: 'tipping-point',
      caption: `Tipping points of the ${visit} ${outcome} effect (δ added to imputed scores after dropout; other arm at δ = 0)`,
      columns: [col('arm', 'Arm shifted'), col('loss', `δ at which p reaches ${tp.alpha}`, true), col('sign', 'δ at which the estimate changes sign', true), col('note', 'Note')],
      rows: tp.tippingPoints.map((t) => ({ arm: t.arm, loss: num(t.lossOfSignificance, 1), sign: num(t.signChange, 1), note: t.note ?? '' })),
      note: tp.method,
    });
    if (withFigures) s.figures.push(tippingPointFigure(tp, { effect: `${visit} ${outcome} effect` }));
  }
  return s;
}

const assumption = (analysis: string, assumptionText: string, r: MissingDataEffect): AssumptionResult => ({
  analysis,
  assumption: assumptionText,
  estimate: r.estimate,
  ci: r.ci,
  pValue: r.pValue,
  estimable: r.estimable,
  reason: r.reason,
  ...(r.fmi !== null ? { fmi: r.fmi } : {}),
});

/**
 * The "Missing data and sensitivity" section of the report model, from the analysis's
 * `missingData` result: the chapter of {@link missingDataChapter} (missingness, the effect at the
 * primary visit under the primary analysis, MI and MMRM, the tipping point) and a table of the
 * arm difference at every follow-up visit under MI (and MMRM).
 * @example
 * missingDataSection(analysis, { cells: { k: null }, figures: false }).tables.map((t) => t.id); // ['missing-by-arm-visit', 'effect-by-assumption', 'tipping-point', 'effect-by-visit']
 */
export function missingDataSection(a: TrialAnalysis, { cells, figures }: SectionContext): ReportSection {
  const { s, result } = statusSection('missing-data', 'Missing data and sensitivity', a.missingData);
  if (!result) return s;
  const md: MissingDataSection = result;
  const v = md.primaryVisit;
  const at = (rows: MissingDataEffect[]) => rows.find((r) => r.visit === v);
  const results: AssumptionResult[] = [assumption(md.primary.analysis, 'MAR', md.primary)];
  const mi = at(md.imputation.rows);
  if (mi) results.push(assumption(`Multiple imputation (m = ${md.imputation.m}), ANCOVA`, 'MAR', mi));
  const mm = md.mmrm ? at(md.mmrm.rows) : undefined;
  if (md.mmrm && mm) results.push(assumption(`MMRM (${md.mmrm.structure})`, 'MAR', mm));
  for (const rb of md.referenceBased) {
    const r = at(rb.rows);
    if (r) results.push(assumption(`Reference-based MI (${rb.strategy}), ANCOVA`, `MNAR: ${rb.strategy} (reference: ${md.reference})`, r));
  }
  const chapter = missingDataChapter({ outcome: md.label, visit: v, missing: md.missing, results, tippingPoint: md.tippingPoint, ciLevel: a.plan.ciLevel }, cells, figures);
  const ci = ciLabel(a.plan.ciLevel);
  const cellsOf = (r: MissingDataEffect | undefined): Record<string, string> =>
    !r ? { estimate: '–', ci: '', p: '' } : r.estimable ? { estimate: num(r.estimate), ci: interval(r.ci), p: pValue(r.pValue) } : { estimate: notEstimableText(r.reason), ci: '', p: '' };
  chapter.tables.push({
    id: 'effect-by-visit',
    caption: `${md.label}: ${md.treated} − ${md.reference} at each follow-up visit${md.referenceBased.length ? ', under MAR and reference-based imputation' : ' under MAR'}`,
    columns: [col('visit', 'Visit'), col('analysis', 'Analysis'), col('estimate', 'Estimate', true), col('ci', ci, true), col('p', 'p', true), col('fmi', 'FMI', true)],
    rows: md.imputation.rows.flatMap((r) => {
      const out = [{ visit: r.visit, analysis: 'Multiple imputation', ...cellsOf(r), fmi: r.estimable ? num(r.fmi) : '' }];
      if (md.mmrm) out.push({ visit: r.visit, analysis: `MMRM (${md.mmrm.structure})`, ...cellsOf(md.mmrm.rows.find((x) => x.visit === r.visit)), fmi: '' });
      for (const rb of md.referenceBased) {
        const x = rb.rows.find((y) => y.visit === r.visit);
        out.push({ visit: r.visit, analysis: `Reference-based MI (${rb.strategy})`, ...cellsOf(x), fmi: x?.estimable ? num(x.fmi) : '' });
      }
      return out;
    }),
    note: [md.imputation.method, md.mmrm?.method, ...md.referenceBased.map((rb) => rb.method)].filter((x) => x).join('. ') + '.',
  });
  chapter.notes.push(...md.diagnostics.map((d) => d.message));
  return { ...chapter, status: s.status, readings: [...s.readings, ...chapter.readings] };
}
