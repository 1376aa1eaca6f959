/**
 * Pieces shared by the row generator (`simulateTrial`) and the columnar one
 * (`simulateLongColumns`): the cluster structure, MAR dropout calibration, rounding to an
 * instrument's resolution, and calendar arithmetic on ISO dates. Internal; not exported
 * from the package.
 */
import type { Rng } from '../random/rng.js';

/** Logistic function, written to stay finite for large |x|. */
export function logistic(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Log-odds of a probability in (0, 1). */
export function logit(p: number): number {
  return Math.log(p / (1 - p));
}

/**
 * Find the intercept α such that Σ logistic(α + β·xᵢ) over `x` equals `target`
 * (an expected count). Newton's method from logit(target/n) with a bisection bracket as
 * a safeguard: the sum is strictly increasing in α, so the root is unique, and Newton
 * converges in a handful of passes where bisection would need ~50 passes over the data,
 * which matters for millions of participants.
 */
export function calibrateIntercept(x: Float64Array, slope: number, target: number): number {
  const n = x.length;
  if (n === 0) return 0;
  if (target <= 0) return -Infinity;
  if (target >= n) return Infinity;
  let lo = -50;
  let hi = 50;
  let a = logit(target / n);
  for (let iter = 0; iter < 100; iter++) {
    let sum = 0;
    let deriv = 0;
    for (let i = 0; i < n; i++) {
      const p = logistic(a + slope * x[i]!);
      sum += p;
      deriv += p * (1 - p);
    }
    const f = sum - target;
    if (Math.abs(f) < 1e-9 * Math.max(1, target)) return a;
    if (f > 0) hi = a;
    else lo = a;
    let next = deriv > 0 ? a - f / deriv : (lo + hi) / 2;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - a) < 1e-13) return next;
    a = next;
  }
  return a;
}

/** Round to a multiple of `step` (counted from `min`) and clamp into [min, max]. */
export function toResolution(x: number, min: number, max: number, step: number): number {
  if (x <= min) return min;
  if (x >= max) return max;
  // Rounding k·step from an integer k (and dividing by 1/step when the step is a decimal
  // fraction such as 0.001) gives the double nearest the decimal value, so String() prints
  // it without binary noise (0.701, never 0.7010000000000001).
  const k = Math.round((x - min) / step);
  const inv = 1 / step;
  const v = Number.isInteger(inv) ? (Math.round(min * inv) + k) / inv : min + k * step;
  return v > max ? max : v;
}

/** The cluster layout of the treated arm: group sizes, the site of each group. */
export interface ClusterLayout {
  /** Number of people in each group (all in the treated arm). */
  groupSize: Int32Array;
  /** Site index of each group. */
  groupSite: Int32Array;
  /** Number of treated participants (Σ group sizes). */
  nTreated: number;
}

/**
 * Draw group sizes uniformly on min…max and spread groups over sites so that every site
 * runs at least one group (a municipality without a group would have no SFT arm) and the
 * rest fall on random sites, which gives municipalities of unequal size as in the trial.
 */
export function drawClusters(rng: Rng, nGroups: number, minSize: number, maxSize: number, nSites: number): ClusterLayout {
  const groupSize = new Int32Array(nGroups);
  let nTreated = 0;
  for (let g = 0; g < nGroups; g++) {
    const s = minSize + rng.int(maxSize - minSize + 1);
    groupSize[g] = s;
    nTreated += s;
  }
  const groupSite = new Int32Array(nGroups);
  for (let g = 0; g < nGroups; g++) groupSite[g] = g < nSites ? g : rng.int(nSites);
  // Shuffle so the "one group per site" guarantee does not tie low group numbers to low sites.
  shuffleInt32(rng, groupSite);
  return { groupSize, groupSite, nTreated };
}

/** Fisher–Yates shuffle in place. */
export function shuffleInt32(rng: Rng, a: Int32Array): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

/** Zero-padded label, e.g. `label('G', 7, 19)` → `G07`. */
export function label(prefix: string, index1: number, count: number): string {
  const width = Math.max(2, String(count).length);
  return `${prefix}${String(index1).padStart(width, '0')}`;
}

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of an ISO `YYYY-MM-DD` date (UTC, so no time-zone drift). */
export function isoToDay(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return Number.NaN;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  // Date.UTC rolls 2015-02-30 over to March; a real date must survive the round trip.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return Number.NaN;
  return t / MS_PER_DAY;
}

/** ISO `YYYY-MM-DD` of a day number (days since 1970-01-01). */
export function dayToIso(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Completed years between two ISO dates (age on `at` of someone born on `birth`). */
export function completedYears(birthIso: string, atIso: string): number {
  const by = Number(birthIso.slice(0, 4));
  const bm = Number(birthIso.slice(5, 7));
  const bd = Number(birthIso.slice(8, 10));
  const ay = Number(atIso.slice(0, 4));
  const am = Number(atIso.slice(5, 7));
  const ad = Number(atIso.slice(8, 10));
  let years = ay - by;
  if (am < bm || (am === bm && ad < bd)) years -= 1;
  return years;
}
