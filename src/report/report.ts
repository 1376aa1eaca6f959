/**
 * The report in one call: the content model, the figures rendered to SVG, the HTML page and
 * the Markdown version (browser-safe; writing them to a folder is write.ts).
 */
import type { TrialAnalysis } from '../analysis/types.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { buildReportModel, modelFigures, type ReportModel, type ReportOptions } from './model.js';
import { renderFigures, type RenderedFigure } from './render.js';
import { checkOptions, optionKeys } from '../errors/checks.js';

/** @internal Shared with writeReport (write.ts). */
export const REPORT_OPTION_KEYS = optionKeys<ReportOptions>()(['title', 'smallCellK', 'figures']);

/** A built report. */
export interface Report {
  model: ReportModel;
  figures: RenderedFigure[];
  /** One self-contained HTML document. */
  html: string;
  /** The same content as Markdown, figures linked as `figures/<id>.svg`. */
  markdown: string;
}

/**
 * Build the report of an analysis: content, figures (rendered to SVG, in Node or a browser), HTML and
 * Markdown. Reads the results only; nothing is refitted.
 *
 * @param analysis - the results of `analyzeTrial`.
 * @param options - see {@link ReportOptions}.
 * @throws ArgumentError for a bad `smallCellK`; RenderError if a figure cannot be rendered.
 * @example
 * const report = await buildReport(analysis);
 * report.html.includes('<svg'); // true
 */
export async function buildReport(analysis: TrialAnalysis, options: ReportOptions = {}): Promise<Report> {
  checkOptions('options', options, REPORT_OPTION_KEYS);
  const model = buildReportModel(analysis, options);
  const figures = await renderFigures(modelFigures(model));
  return { model, figures, html: renderHtml(model, figures), markdown: renderMarkdown(model) };
}
