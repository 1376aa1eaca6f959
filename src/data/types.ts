/**
 * The trial data model: participants (one row each) and measurements in long format
 * (one row per participant × visit × instrument). These are the validated shapes; the
 * zod schemas in `schema.ts` check raw input against them.
 */

/** Sex as recorded. */
export type Sex = 'female' | 'male' | 'other';

/** One randomised participant. */
export interface Participant {
  /** Participant id, unique. Numeric ids from row objects are kept as their decimal string. */
  id: string;
  /** Randomised arm; one of `TrialDesign.arms`. */
  arm: string;
  /** Therapy group (cluster) for treated participants; `null` for those in no group (controls in a partially nested design). */
  group: string | null;
  /** Site or municipality; `null` when not recorded. */
  site: string | null;
  sex: Sex | null;
  /** Age in years at randomisation; `null` when only `birthDate` is known or nothing is. */
  age: number | null;
  /** Birth date, ISO `YYYY-MM-DD`. */
  birthDate: string | null;
  /** Randomisation date, ISO `YYYY-MM-DD`. */
  randomisationDate: string | null;
  /** ICD-10 codes, normalised upper case with a dot (`F20.0`, `F33.2`). */
  diagnoses: string[];
  /** The main diagnosis: one of `diagnoses`. `null` when none is recorded. */
  mainDiagnosis: string | null;
  /** Date of (first) diagnosis, ISO `YYYY-MM-DD`. */
  diagnosisDate: string | null;
  /** Sessions attended; `null` when not recorded (e.g. controls). */
  sessionsAttended: number | null;
  /** Sessions offered; `null` when not recorded. */
  sessionsOffered: number | null;
  /** Costs by category in the trial's currency, e.g. `{ implementation: 30329, healthcare: 1200 }`. */
  costs: Record<string, number | null>;
  /** Any further user columns, kept as given (strings, numbers, booleans or null). */
  extra: Record<string, string | number | boolean | null>;
}

/** One measurement of one instrument at one visit. */
export interface Measurement {
  id: string;
  /** Visit name, one of `TrialDesign.visits` (e.g. `baseline`, `9m`, `15m`). */
  visit: string;
  /** Instrument id from the instrument registry (e.g. `PSP`, `MHRM`, `WHO5`, `EQ5D_INDEX`, `EQ5D_VAS`). */
  instrument: string;
  /** Total score; `null` when missing (allowed and counted). */
  score: number | null;
  /** Item scores when recorded (a missing item is `null`). */
  items: (number | null)[] | null;
  /** Date of the measurement, ISO `YYYY-MM-DD`. */
  date: string | null;
  /** Further user columns of the row, kept as given; present only when the row had any. */
  extra?: Record<string, string | number | boolean | null>;
}

/** One register row: a participant in a snapshot week (labour-market status, admissions over the window). */
export interface RegisterRecord {
  id: string;
  /** Snapshot week, one of the register weeks (by default `baseline`, `9m`, `15m`). */
  week: string;
  /** Labour-market status that week; `null` after the participant left the register (or not recorded). */
  status: string | null;
  /** Psychiatric admissions over the register window (the participant's total, repeated on each row); `null` when not recorded. */
  admissions: number | null;
  /** Bed-days of those admissions; `null` when not recorded. */
  bedDays: number | null;
  /** Days in the register window (shorter for someone who left it); `null` when not recorded. */
  daysAtRisk: number | null;
}

/** What the data are declared to contain. Arms and visits are ordered. */
export interface TrialDesign {
  /** Arms in order; the first is the reference (control) arm. */
  arms: string[];
  /** Visits in time order; the first is baseline. */
  visits: string[];
  /** Instruments measured. */
  instruments: string[];
  /** Months since randomisation for each visit, when known (e.g. `{ baseline: 0, '9m': 9, '15m': 15 }`). */
  visitMonths?: Record<string, number>;
  /**
   * Arms whose participants belong to no therapy group (a partially nested design, e.g.
   * `['control']`); `validateTrial` reports a group given for one of them. Omit for no rule.
   */
  ungroupedArms?: string[];
}

declare const trialDataBrand: unique symbol;

/** Validated trial data. Only `validateTrial` makes one, so models can trust it. */
export interface TrialData {
  readonly [trialDataBrand]: true;
  readonly design: TrialDesign;
  readonly participants: readonly Participant[];
  readonly measurements: readonly Measurement[];
  /** Register rows, when a register table was given to `validateTrial`; else `null`. */
  readonly register: readonly RegisterRecord[] | null;
  /** The register's status categories (the first is the reference) and snapshot weeks in time order; `null` without a register table. */
  readonly registerDesign: { statuses: readonly string[]; weeks: readonly string[] } | null;
  /** Counts noted during validation (missing scores are allowed but counted). */
  readonly summary: {
    nParticipants: number;
    nMeasurements: number;
    missingScores: number;
    byArm: Record<string, number>;
    /** Missing scores per instrument (every declared instrument is a key). */
    missingByInstrument: Record<string, number>;
  };
}
