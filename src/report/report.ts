/**
 * The report in one call: the content model, the figures rendered to SVG, the HTML page and
 * the Markdown version; and writing them to a folder with the results and figure specs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrialAnalysis } from '../analysis/types.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { buildReportModel, modelFigures, type ReportModel, type ReportOptions } from './model.js';
import { renderFigures, writeFigureFiles, type RenderedFigure } from './render.js';
import { checkOptions, optionKeys } from '../errors/checks.js';

const REPORT_OPTION_KEYS = optionKeys<ReportOptions>()(['title', 'smallCellK', 'figures']);

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
 * Build the report of an analysis: content, figures (rendered to SVG in Node), HTML and
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

/** What {@link writeReport} wrote. */
export interface WrittenReport {
  report: Report;
  /** Paths of every file written. */
  files: string[];
}

/**
 * Build the report and write it to a folder: `report.html` (self-contained), `report.md`,
 * `results.json` (the analysis results), and `figures/<id>.vl.json` and `figures/<id>.svg`.
 *
 * @param analysis - the results of `analyzeTrial`.
 * @param dir - the output folder, created when missing.
 * @param options - see {@link ReportOptions}.
 * @throws as {@link buildReport}, and the file system's errors.
 * @example
 * const { files } = await writeReport(analysis, 'report');
 * files.includes(join('report', 'report.html')); // true
 */
export async function writeReport(analysis: TrialAnalysis, dir: string, options: ReportOptions = {}): Promise<WrittenReport> {
  checkOptions('options', options, REPORT_OPTION_KEYS);
  const report = await buildReport(analysis, options);
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const write = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    files.push(p);
  };
  write('report.html', report.html);
  write('report.md', report.markdown);
  write('results.json', `${JSON.stringify(analysis, null, 2)}\n`);
  files.push(...writeFigureFiles(join(dir, 'figures'), report.figures));
  return { report, files };
}
