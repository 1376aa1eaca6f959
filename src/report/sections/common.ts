/**
 * What every report section module shares: the section, table and column types, the
 * context a section is built in, and small helpers (a section headed by its status, a
 * table column, the CI label).
 *
 * A section module (one per capability, as `figures/` has one figure module per kind)
 * exports one {@link SectionBuilder}: it reads the analysis results, never refits, and
 * returns one {@link ReportSection}. `sections/index.ts` lists the builders in reading
 * order; adding a capability's section is one file here and one line there.
 */
import type { SectionResult, TrialAnalysis } from '../../analysis/types.js';
import type { Figure, FigureDesign } from '../figures/common.js';
import type { SmallCells } from '../format.js';

/** A column of a report table. */
export interface ReportColumn {
  key: string;
  label: string;
  /** Right-aligned numbers. */
  numeric: boolean;
}

/** A table of already formatted text. */
export interface ReportTable {
  id: string;
  caption: string;
  columns: ReportColumn[];
  rows: Record<string, string>[];
  /** A line under the table (method, footnote). */
  note: string | null;
}

/** Whether a section has results, and if not, why. */
export type SectionStatus = 'done' | 'not-requested' | 'not-available' | 'failed' | 'not-estimable';

/** One section (or subsection) of the report. */
export interface ReportSection {
  id: string;
  title: string;
  status: SectionStatus;
  /** One-line plain-language readings, computed from the results. */
  readings: string[];
  tables: ReportTable[];
  figures: Figure[];
  notes: string[];
  subsections: ReportSection[];
}

/** What a section is built with besides the results. */
export interface SectionContext {
  /** Small-cell protection (`k: null` when off). */
  cells: SmallCells;
  /** Whether figures are wanted. */
  figures: boolean;
}

/**
 * One report section: reads the analysis (never refits) and returns its section, with
 * status `not-requested`, `not-available` or `failed` when the capability has no result.
 * @example
 * const flow: SectionBuilder = flowSection;
 * flow(analysis, { cells: { k: null }, figures: false }).id; // 'flow'
 */
export type SectionBuilder = (analysis: TrialAnalysis, context: SectionContext) => ReportSection;

/** A table column (shared with the section modules). */
export const col = (key: string, label: string, numeric = false): ReportColumn => ({ key, label, numeric });

export function section(id: string, title: string, status: SectionStatus = 'done'): ReportSection {
  return { id, title, status, readings: [], tables: [], figures: [], notes: [], subsections: [] };
}

/** `95% CI` for a level of 0.95. */
export function ciLabel(level: number): string {
  return `${Math.round(level * 1000) / 10}% CI`;
}


/** The trial design as the figures need it. */
export function design(a: TrialAnalysis): FigureDesign {
  return { arms: a.design.arms, visits: a.design.visits, visitMonths: a.design.visitMonths };
}


/** A section headed by its status; `result` is `null` unless the section is done. */
export function statusSection<T>(id: string, title: string, r: SectionResult<T>): { s: ReportSection; result: T | null } {
  const s = section(id, title, r.status === 'done' ? 'done' : r.status);
  if (r.status === 'not-requested') s.readings.push('Not part of the analysis plan.');
  if (r.status === 'not-available') s.readings.push(`Not available: ${r.reason}`);
  if (r.status === 'failed') s.readings.push(`Failed: ${r.error.name}: ${r.error.message}`);
  return { s, result: r.status === 'done' ? r.result : null };
}

/** The outcome label of an instrument (the instrument name when it is not an outcome). */
export function labelOf(a: TrialAnalysis, instrument: string): string {
  return a.outcomes.find((o) => o.instrument === instrument)?.label ?? instrument;
}

