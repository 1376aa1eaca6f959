/**
 * The report's sections in reading order. Each capability owns one module in this folder
 * exporting a {@link SectionBuilder} (analysis results in, one `ReportSection` out; see
 * `common.ts`); the report model is this list applied to the analysis. A new capability adds
 * its module and one line here, nothing else in the report.
 */
import type { SectionBuilder } from './common.js';
import { flowSection } from './flow.js';
import { baselineSection } from './baseline.js';
import { observedSection } from './observed.js';
import { primarySection } from './primary.js';
import { effectSizeSection } from './effect-sizes.js';
import { clinicalSection } from './clinical-significance.js';
import { doseSection } from './dose-response.js';
import { subgroupSection } from './subgroups.js';
import { economicsSection } from './economics.js';
import { costUtilitySection } from './cost-utility.js';
import { registerSection } from './register.js';
import { missingDataSection } from './missing-data.js';
import { methodsSection } from './methods.js';

/** Every section of the report, in the order printed. Methods and diagnostics stay last. */
export const REPORT_SECTIONS: readonly SectionBuilder[] = [
  flowSection,
  baselineSection,
  observedSection,
  primarySection,
  effectSizeSection,
  clinicalSection,
  doseSection,
  subgroupSection,
  economicsSection,
  costUtilitySection,
  registerSection,
  missingDataSection,
  methodsSection,
];

export type { SectionBuilder, SectionContext, ReportSection, ReportTable, ReportColumn, SectionStatus } from './common.js';
