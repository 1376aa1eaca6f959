/**
 * What every figure builder shares: the figure shape, arm colours, number formatting for
 * titles, and the x scale of visits.
 */
import type { TopLevelSpec } from 'vega-lite';

/** A figure: a Vega-Lite spec with its name and a one-line reading. */
export interface Figure {
  /** File-safe id, unique within a report, e.g. `psp-trajectory`. */
  id: string;
  /** Caption title. */
  title: string;
  /** One line in plain language saying what the figure shows (computed from the results). */
  reading: string;
  /** The Vega-Lite specification (data inline, no URLs). */
  spec: TopLevelSpec;
}

/** The design facts a figure needs. */
export interface FigureDesign {
  arms: readonly string[];
  visits: readonly string[];
  visitMonths?: Readonly<Record<string, number>> | undefined;
}

// Marks drawn once per participant or replicate carry `aria: false`: a screen reader cannot
// use thousands of point descriptions, and they would multiply the size of the inline SVG.

/** Tableau 10, whose first colours stay distinguishable in grey print and for common colour-vision deficiencies. */
export const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#eeca3b', '#9d755d', '#bab0ac', '#ff9da6'] as const;

/**
 * A colour scale that gives each arm the same colour in every figure.
 * @example
 * armScale(['control', 'SFT']); // { domain: ['control', 'SFT'], range: ['#4c78a8', '#f58518'] }
 */
export function armScale(arms: readonly string[]): { domain: string[]; range: string[] } {
  return { domain: [...arms], range: arms.map((_, i) => PALETTE[i % PALETTE.length]!) };
}

/** Default chart size (pixels). */
export const WIDTH = 420;
export const HEIGHT = 260;

/** Shared look: plain sans-serif, no external fonts, no interactivity needed. */
export const CONFIG = {
  font: 'sans-serif',
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 0 },
  title: { fontSize: 14, anchor: 'start' as const },
};

/** A lower-case, file-safe id from free text (user labels may contain anything). */
export function slug(...parts: string[]): string {
  const s = parts
    .join('-')
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s === '' ? 'figure' : s;
}

/** A number for a sentence: fixed decimals, sign kept. */
export function fmt(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  const v = Number(x.toFixed(digits));
  return (Object.is(v, -0) ? 0 : v).toFixed(digits);
}

/** Whether every visit has a month, so time can be drawn to scale. */
export function visitsHaveMonths(design: FigureDesign): boolean {
  return design.visits.every((v) => typeof design.visitMonths?.[v] === 'number');
}

/** The x position of a visit: its month when known (to scale), else its index. */
export function visitX(design: FigureDesign, visit: string): number {
  return visitsHaveMonths(design) ? design.visitMonths![visit]! : design.visits.indexOf(visit);
}

/** The x-axis of visits: months to scale, labelled with the visit names. */
export function visitAxis(design: FigureDesign): Record<string, unknown> {
  const months = visitsHaveMonths(design);
  const values = design.visits.map((v) => visitX(design, v));
  // labelExpr maps tick values back to visit names; names are passed through JSON.stringify
  // so that any text in a visit name stays a string literal inside the expression.
  const cases = design.visits.map((v, i) => `datum.value === ${values[i]} ? ${JSON.stringify(v)}`).join(' : ');
  return {
    title: months ? 'Months since randomisation (visit)' : 'Visit',
    values,
    labelExpr: `${cases} : ''`,
    grid: false,
  };
}

/** Round numbers in figure data so that specs stay small and stable (6 significant digits). */
export function round6(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : x;
}
