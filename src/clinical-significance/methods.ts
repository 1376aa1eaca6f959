/**
 * The four reliable change indices: formulas, published critical values and references.
 *
 * Notation: x = baseline, y = follow-up, M_x and s_x the baseline mean and SD of the reference
 * sample, r the reliability, SE = s_x·√(1 − r) the standard error of measurement.
 */
import type { RciMethod } from './types.js';

/** What a method is and where it comes from. */
export interface RciMethodInfo {
  name: string;
  formula: string;
  /** The published critical value of |index|. */
  criticalValue: number;
  /** Why that critical value. */
  criticalValueSource: string;
  reference: string;
}

/**
 * The reliable change methods. Bauer, Lambert & Nielsen (2004) compare all four on the same data
 * (Journal of Personality Assessment 82, 60–70).
 */
export const RCI_METHODS: Readonly<Record<RciMethod, Readonly<RciMethodInfo>>> = Object.freeze({
  'jacobson-truax': {
    name: 'Jacobson–Truax reliable change index',
    formula: 'RC = (y − x) / S_diff, S_diff = √2 · s_x · √(1 − r)',
    criticalValue: 1.96,
    criticalValueSource: '|RC| > 1.96: p < .05 two-sided (Jacobson & Truax 1991)',
    reference:
      'Jacobson, N. S., & Truax, P. (1991). Clinical significance: a statistical approach to defining meaningful change in psychotherapy research. Journal of Consulting and Clinical Psychology 59, 12–19.',
  },
  'gulliksen-lord-novick': {
    name: 'Gulliksen–Lord–Novick reliable change index (regression to the mean)',
    formula: 'RC = [(y − M_x) − r·(x − M_x)] / (s_x · √(1 − r²))',
    criticalValue: 1.96,
    criticalValueSource: '|RC| > 1.96 (Hsu 1989; Bauer, Lambert & Nielsen 2004)',
    reference:
      'Hsu, L. M. (1989). Reliable changes in psychotherapy: taking into account regression toward the mean. Behavioral Assessment 11, 459–467 (after Gulliksen 1950 and Lord & Novick 1968).',
  },
  'edwards-nunnally': {
    name: 'Edwards–Nunnally reliable change (confidence interval around the estimated true baseline)',
    formula: 'RC = [y − (M_x + r·(x − M_x))] / (s_x · √(1 − r)); reliable when y lies outside the estimated true baseline ± 2 SE',
    criticalValue: 2,
    criticalValueSource: 'y outside the estimated true score ± 2 SE (Speer 1992; Bauer, Lambert & Nielsen 2004)',
    reference:
      'Speer, D. C. (1992). Clinically significant change: Jacobson and Truax (1991) revisited. Journal of Consulting and Clinical Psychology 60, 402–408 (after Edwards et al. 1978 and Nunnally 1967).',
  },
  'hageman-arrindell': {
    name: 'Hageman–Arrindell individual reliable change index (RC_indiv)',
    formula:
      'RC = [(y − x)·r_dd + (M_y − M_x)·(1 − r_dd)] / √(2·r_dd·SE²), r_dd = (s_x²·r_xx + s_y²·r_yy − 2·s_x·s_y·r_xy) / (s_x² + s_y² − 2·s_x·s_y·r_xy), r_xx = r, r_yy = 1 − SE²/s_y²',
    criticalValue: 1.65,
    criticalValueSource: 'RC_indiv > 1.65: one-sided 5 % (Hageman & Arrindell 1999)',
    reference:
      'Hageman, W. J. J. M., & Arrindell, W. A. (1999). Establishing clinically significant change: increment of precision and the distinction between individual and group level of analysis. Behaviour Research and Therapy 37, 1169–1193.',
  },
});

/** Sample statistics the indices need. */
export interface RciInputs {
  /** Baseline mean and SD of the reference sample. */
  meanX: number;
  sdX: number;
  reliability: number;
  /** Hageman–Arrindell only. */
  meanY?: number;
  sdY?: number;
  corr?: number;
}

/** The index denominator and, for Hageman–Arrindell, r_dd; `null` when the index is undefined. */
export interface RciScale {
  se: number;
  seMeasurement: number;
  differenceReliability: number | null;
}

/** Denominator of the method's index. Returns `null` when HA's r_dd is not positive. */
export function rciScale(method: RciMethod, p: RciInputs): RciScale | null {
  const r = p.reliability;
  const sem = p.sdX * Math.sqrt(1 - r);
  switch (method) {
    case 'jacobson-truax':
      return { se: Math.SQRT2 * sem, seMeasurement: sem, differenceReliability: null };
    case 'gulliksen-lord-novick':
      return { se: p.sdX * Math.sqrt(1 - r * r), seMeasurement: sem, differenceReliability: null };
    case 'edwards-nunnally':
      return { se: sem, seMeasurement: sem, differenceReliability: null };
    case 'hageman-arrindell': {
      const sx = p.sdX;
      const sy = p.sdY as number;
      const rxy = p.corr as number;
      // Error variance is a property of the instrument (classical test theory), so the follow-up
      // reliability follows from the same SE and the follow-up SD.
      const ryy = 1 - (sem * sem) / (sy * sy);
      const den = sx * sx + sy * sy - 2 * sx * sy * rxy;
      const rdd = (sx * sx * r + sy * sy * ryy - 2 * sx * sy * rxy) / den;
      if (!(rdd > 0) || !Number.isFinite(rdd)) return null;
      return { se: Math.sqrt(2 * rdd * sem * sem), seMeasurement: sem, differenceReliability: rdd };
    }
  }
}

/** The index of one participant (numerator over `scale.se`). */
export function rciValue(method: RciMethod, x: number, y: number, p: RciInputs, scale: RciScale): number {
  const r = p.reliability;
  switch (method) {
    case 'jacobson-truax':
      return (y - x) / scale.se;
    case 'gulliksen-lord-novick':
      return (y - p.meanX - r * (x - p.meanX)) / scale.se;
    case 'edwards-nunnally':
      return (y - (p.meanX + r * (x - p.meanX))) / scale.se;
    case 'hageman-arrindell': {
      const rdd = scale.differenceReliability as number;
      return ((y - x) * rdd + ((p.meanY as number) - p.meanX) * (1 - rdd)) / scale.se;
    }
  }
}
