/**
 * Attendance bands: ranges of sessions attended (whole numbers, both ends inclusive), e.g. the
 * SFT evaluation's quarters of the 36-session course 0–8, 9–17, 18–26, 27–36.
 */
import { ArgumentError } from '../errors/index.js';

/** A band of sessions attended, both ends inclusive. */
export interface AttendanceBand {
  /** @defaultValue `"min–max"` */
  label?: string;
  min: number;
  max: number;
}

/** A checked band with its label. */
export interface ResolvedAttendanceBand {
  label: string;
  min: number;
  max: number;
}

/**
 * Quarters of the course: band k covers round(k·o/4) … round((k + 1)·o/4) − 1 sessions, the
 * last one up to o. For o = 36: 0–8, 9–17, 18–26, 27–36.
 * @example
 * defaultAttendanceBands(36).map((b) => b.label); // ['0–8', '9–17', '18–26', '27–36']
 */
export function defaultAttendanceBands(offered: number): ResolvedAttendanceBand[] {
  if (!(Number.isInteger(offered) && offered >= 4)) throw new ArgumentError('offered', offered, 'a whole number of sessions ≥ 4 for the default quarter bands; give options.bands');
  const cuts = [0, 1, 2, 3, 4].map((k) => Math.round((k * offered) / 4));
  return [0, 1, 2, 3].map((k) => {
    const min = cuts[k]!;
    const max = k === 3 ? offered : cuts[k + 1]! - 1;
    return { label: `${min}–${max}`, min, max };
  });
}

/**
 * Check bands: whole-number ends, min ≤ max, in increasing order without overlap, distinct labels.
 * @throws ArgumentError naming the first bad band.
 */
export function resolveAttendanceBands(bands: readonly AttendanceBand[]): ResolvedAttendanceBand[] {
  if (!Array.isArray(bands) || bands.length < 2) throw new ArgumentError('options.bands', bands, 'at least two bands of sessions attended');
  const out: ResolvedAttendanceBand[] = [];
  bands.forEach((b, i) => {
    if (b === null || typeof b !== 'object') throw new ArgumentError(`options.bands[${i}]`, b, '{ min, max, label? }');
    if (!Number.isInteger(b.min) || !Number.isInteger(b.max) || b.min < 0 || b.max < b.min) {
      throw new ArgumentError(`options.bands[${i}]`, b, 'whole numbers of sessions with 0 ≤ min ≤ max (both inclusive)');
    }
    const prev = out[i - 1];
    if (prev && b.min <= prev.max) throw new ArgumentError(`options.bands[${i}]`, b, `a band starting after the previous one ends (${prev.max})`);
    const label = b.label ?? `${b.min}–${b.max}`;
    if (out.some((o) => o.label === label)) throw new ArgumentError(`options.bands[${i}].label`, label, 'a label not used by another band');
    out.push({ label, min: b.min, max: b.max });
  });
  return out;
}

/** Index of the band holding x sessions, or −1. */
export function bandIndex(bands: readonly ResolvedAttendanceBand[], x: number): number {
  return bands.findIndex((b) => x >= b.min && x <= b.max);
}
