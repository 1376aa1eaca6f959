/**
 * rcteval/report: Vega-Lite figures, rendered to SVG by vega (in Node or a browser), the
 * report's content model, a self-contained HTML page and Markdown tables. A separate entry so
 * that `rcteval` itself does not pull in vega. Writing a report to a folder is in `rcteval/node`.
 */

// Figures: Vega-Lite specs built from results (data inline)
export type { Figure, FigureDesign } from './figures/common.js';
export { flowFigure, type CountFormatter } from './figures/flow.js';
export { meanTrajectoryFigure, individualTrajectoryFigure, armDifferenceFigure, changeDistributionFigure } from './figures/outcomes.js';
export { jacobsonFigure, categoryBarsFigure, doseResponseFigure, forestFigure, cePlaneFigure, ceacFigure } from './figures/sections.js';
export { registerStatusFigure } from './figures/register.js';
export { tippingPointFigure, tippingPointReading } from './figures/tipping-point.js';

// Rendering: spec → SVG, headless (vega's `none` renderer)
export { renderSvg, renderFigures, RenderError, type RenderedFigure } from './render.js';

// The report: content model, HTML, Markdown, all in one call
export {
  buildReportModel,
  modelFigures,
  type ReportModel,
  type ReportSection,
  type ReportTable,
  type ReportColumn,
  type ReportOptions,
  type SectionStatus,
  type SectionBuilder,
  type SectionContext,
} from './model.js';
export { registerSection } from './sections/register.js';
export { powerReportSection, powerCurveFigure, type PowerReportInput } from './sections/power.js';
export { missingDataChapter, type MissingDataChapterInput, type AssumptionResult } from './sections/missing-data.js';
export { renderHtml } from './html.js';
export { renderMarkdown, type MarkdownOptions } from './markdown.js';
export { buildReport, type Report } from './report.js';
