/**
 * Instrument definitions: what a score means (range, direction, level bands), how
 * trustworthy it is (reliability, with its published source) and what it is compared
 * against (clinical and functional population means/SDs, cut-offs).
 *
 * Every number carries a `source` so a report can cite it; a number that is not published
 * is `null`, never a guess (see docs/instruments.md).
 */

/** Whether a higher score means a better or a worse state. */
export type Direction = 'higher-better' | 'lower-better';

/** A bibliographic reference for a number. */
export interface Reference {
  /** Human-readable citation: authors, year, title, journal, volume, pages. */
  citation: string;
  doi?: string;
  url?: string;
}

/**
 * A named score band, e.g. PSP's `91–100`. Both ends are inclusive, so bands of an
 * instrument with non-integer scores must meet without gaps (e.g. `[0, 0.5]`, `[0.5, 1]` is
 * ambiguous at 0.5 and rejected; use `[0, 0.49999]`-style bands or an integer scale).
 */
export interface LevelBand {
  label: string;
  min: number;
  max: number;
}

/** What kind of reliability a coefficient is. */
export type ReliabilityKind = 'test-retest' | 'inter-rater' | 'internal-consistency';

/** A published reliability coefficient, used for reliable change (e.g. Jacobson–Truax). */
export interface Reliability {
  /** The coefficient, in (0, 1). */
  value: number;
  kind: ReliabilityKind;
  /** The statistic reported, e.g. `ICC` or `Cronbach's alpha`. */
  statistic: string;
  /** Who was measured, e.g. `outpatients with stable schizophrenia`. */
  population: string;
  /** Sample size of the study, `null` when not reported. */
  n: number | null;
  source: Reference;
}

/** A published mean (and SD) in a reference population. */
export interface PopulationNorm {
  mean: number;
  /** `null` when the source reports no SD. */
  sd: number | null;
  n: number | null;
  population: string;
  source: Reference;
}

/** A published cut-off: a score at or below (or at or above) `value` means `label`. */
export interface Cutoff {
  label: string;
  value: number;
  rule: 'at-or-below' | 'at-or-above';
  source: Reference;
}

/**
 * How the total follows from item scores, where the instrument defines it:
 * `total = multiplier × sum(items)` when every item is present.
 */
export interface ItemScoring {
  /** Number of items. */
  count: number;
  /** Lowest and highest item score. */
  min: number;
  max: number;
  /** Item scores are `min + k × step`; `1` for integer Likert items. */
  step: number;
  /** How the total is formed from the items. */
  total: 'sum';
  /** Factor applied to the sum (WHO-5: 4, turning 0–25 into 0–100). */
  multiplier: number;
}

/** A minimal important difference as published. */
export interface MinimalImportantDifference {
  value: number;
  source: Reference;
}

/** A fully specified instrument, as the registry holds it. */
export interface Instrument {
  /** Stable id used in measurement rows, e.g. `PSP`, `WHO5`. */
  id: string;
  name: string;
  /** What the instrument measures, in a few words. */
  construct: string;
  /** Possible total scores (inclusive). */
  range: { min: number; max: number };
  /** Total scores are `range.min + k × step`; `null` for a continuous score (e.g. an EQ-5D index). */
  step: number | null;
  direction: Direction;
  /** Score bands (levels), ordered from low to high scores; `null` when the instrument defines none. */
  levels: LevelBand[] | null;
  /** The reliability used for reliable change; `null` when none is published and the user must supply one. */
  reliability: Reliability | null;
  /** Other published reliability values, for the record (docs explain the choice). */
  otherReliabilities: Reliability[];
  norms: {
    /** The clinical (dysfunctional) population, for Jacobson–Truax cut-offs a and c. */
    clinical: PopulationNorm | null;
    /** The functional (general) population, for cut-offs b and c. */
    functional: PopulationNorm | null;
  };
  cutoffs: Cutoff[];
  minimalImportantDifference: MinimalImportantDifference | null;
  /** Item scoring where the instrument defines it; `null` otherwise. */
  items: ItemScoring | null;
  references: Reference[];
  /** Free-text remarks (scoring caveats, value-set dependence). */
  notes: string | null;
}

/**
 * What a user passes to define an instrument. Only `id`, `name`, `range` and `direction`
 * are required; everything else defaults to "not defined" (`null` or `[]`).
 */
export interface InstrumentDefinition {
  id: string;
  name: string;
  range: { min: number; max: number };
  direction: Direction;
  /** @defaultValue `''` */
  construct?: string;
  /** @defaultValue `null` (continuous) */
  step?: number | null;
  /** @defaultValue `null` */
  levels?: LevelBand[] | null;
  /** @defaultValue `null` */
  reliability?: Reliability | null;
  /** @defaultValue `[]` */
  otherReliabilities?: Reliability[];
  /** @defaultValue `{ clinical: null, functional: null }` */
  norms?: { clinical?: PopulationNorm | null; functional?: PopulationNorm | null };
  /** @defaultValue `[]` */
  cutoffs?: Cutoff[];
  /** @defaultValue `null` */
  minimalImportantDifference?: MinimalImportantDifference | null;
  /** @defaultValue `null` */
  items?: ItemScoring | null;
  /** @defaultValue `[]` */
  references?: Reference[];
  /** @defaultValue `null` */
  notes?: string | null;
}
