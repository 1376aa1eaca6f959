/**
 * The report's content, independent of its format: sections with a one-line reading each,
 * tables of formatted text, figures (Vega-Lite specs) and notes. The HTML and Markdown
 * renderers both print this model, so the two formats never disagree.
 *
 * Everything here is computed from `analyzeTrial` results; nothing is refitted.
 */
import type { TrialAnalysis } from '../analysis/types.js';
import { ArgumentError } from '../errors/index.js';
import type { Figure } from './figures/common.js';
import type { SmallCells } from './format.js';
import { checkOptions, optionKeys } from '../errors/checks.js';
import { ciLabel, type ReportSection } from './sections/common.js';
import { REPORT_SECTIONS } from './sections/index.js';

export type { ReportColumn, ReportTable, SectionStatus, ReportSection, SectionContext, SectionBuilder } from './sections/common.js';
export { col, ciLabel, statusSection } from './sections/common.js';
export { differenceReading } from './sections/primary.js';

/** The whole report. */
export interface ReportModel {
  title: string;
  description: string | null;
  /** Facts about the run (software version, seed, model). */
  meta: string[];
  sections: ReportSection[];
  /** The normalised plan, shown at the end. */
  planJson: string;
}

/** Options of the report. */
export interface ReportOptions {
  /**
   * Title of the report.
   * @defaultValue `plan.report.title`, else `plan.title`
   */
  title?: string;
  /**
   * Small-cell protection: counts from 1 to k − 1 are printed as `<k` and individual-level
   * figures are left out. `null` turns it off.
   * @defaultValue `plan.report.smallCellK` (off unless the plan sets it)
   */
  smallCellK?: number | null;
  /**
   * Include figures.
   * @defaultValue true
   */
  figures?: boolean;
}

/**
 * Build the report's content from analysis results: sections with readings, tables and
 * figure specs. Both renderers (HTML and Markdown) print this model.
 *
 * @param analysis - the results of `analyzeTrial`.
 * @param options - see {@link ReportOptions}.
 * @returns the report model.
 * @throws ArgumentError when `smallCellK` is not null or an integer ≥ 2.
 * @example
 * const model = buildReportModel(analysis);
 * model.sections.map((s) => s.id); // ['flow', 'baseline', 'observed', 'primary', 'effect-sizes', 'clinical-significance', …]
 */
export function buildReportModel(analysis: TrialAnalysis, options: ReportOptions = {}): ReportModel {
  checkOptions('options', options, optionKeys<ReportOptions>()(['title', 'smallCellK', 'figures']));
  const k = options.smallCellK === undefined ? analysis.plan.report.smallCellK : options.smallCellK;
  if (k !== null && !(Number.isInteger(k) && k >= 2)) {
    throw new ArgumentError('options.smallCellK', k, 'null (off) or an integer ≥ 2');
  }
  const cells: SmallCells = { k };
  const context = { cells, figures: options.figures ?? true };
  const title = options.title ?? analysis.plan.report.title ?? analysis.plan.title;
  const m = analysis.plan.model;
  return {
    title,
    description: analysis.plan.description ?? null,
    meta: [
      `rcteval ${analysis.software.version}`,
      `${analysis.data.nParticipants} participants, ${analysis.data.nMeasurements} measurements`,
      `model: ${m.type}`,
      `seed ${analysis.plan.seed}`,
      `${ciLabel(analysis.plan.ciLevel)}s`,
      k === null ? 'small-cell protection off' : `counts below ${k} suppressed`,
    ],
    sections: REPORT_SECTIONS.map((build) => build(analysis, context)),
    planJson: JSON.stringify(analysis.plan, null, 2),
  };
}

/**
 * Every figure of a report model, in reading order.
 * @example
 * modelFigures(buildReportModel(analysis)).map((f) => f.id); // ['flow', 'psp-trajectory', 'psp-difference', …]
 */
export function modelFigures(model: ReportModel): Figure[] {
  const out: Figure[] = [];
  const walk = (s: ReportSection) => {
    out.push(...s.figures);
    s.subsections.forEach(walk);
  };
  model.sections.forEach(walk);
  return out;
}
