/**
 * Writing a report and its figures to a folder (Node only; exported from `rcteval/node`).
 * Building them is browser-safe (report.ts, render.ts); only the file writes live here.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrialAnalysis } from '../analysis/types.js';
import { checkOptions } from '../errors/checks.js';
import type { ReportOptions } from './model.js';
import type { RenderedFigure } from './render.js';
import { REPORT_OPTION_KEYS, buildReport, type Report } from './report.js';

/**
 * Write each figure as `<id>.vl.json` (the spec) and `<id>.svg` beside it.
 * @param dir - the folder, created when missing.
 * @returns the paths written.
 * @example
 * writeFigureFiles('report/figures', rendered); // ['report/figures/psp-trajectory.vl.json', 'report/figures/psp-trajectory.svg', …]
 */
export function writeFigureFiles(dir: string, figures: readonly RenderedFigure[]): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const f of figures) {
    const specPath = join(dir, `${f.id}.vl.json`);
    const svgPath = join(dir, `${f.id}.svg`);
    writeFileSync(specPath, `${JSON.stringify(f.spec, null, 2)}\n`);
    writeFileSync(svgPath, f.svg);
    written.push(specPath, svgPath);
  }
  return written;
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
