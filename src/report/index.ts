/** Reports: Vega-Lite figures rendered to SVG in Node, a self-contained HTML page, Markdown tables. */
export type { Figure, FigureDesign } from './figures/common.js';
export { PALETTE, armScale } from './figures/common.js';
export { flowFigure, type CountFormatter } from './figures/flow.js';
export { meanTrajectoryFigure, individualTrajectoryFigure, armDifferenceFigure, changeDistributionFigure } from './figures/outcomes.js';
export { jacobsonFigure, categoryBarsFigure, doseResponseFigure, forestFigure, cePlaneFigure, ceacFigure } from './figures/sections.js';
export { renderSvg, renderFigures, writeFigureFiles, RenderError, type RenderedFigure } from './render.js';
export {
  buildReportModel,
  modelFigures,
  differenceReading,
  type ReportModel,
  type ReportSection,
  type ReportTable,
  type ReportColumn,
  type ReportOptions,
  type SectionStatus,
  type SectionBuilder,
  type SectionContext,
} from './model.js';
export { renderHtml, escapeHtml } from './html.js';
export { renderMarkdown, markdownTable, escapeMarkdown, type MarkdownOptions } from './markdown.js';
export { buildReport, writeReport, type Report, type WrittenReport } from './report.js';
