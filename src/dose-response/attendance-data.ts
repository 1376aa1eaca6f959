/**
 * From validated trial data to one row per participant for attendance analyses: arm,
 * therapy group, sessions attended and offered, the outcome at a follow-up visit, its baseline
 * and the requested covariates, with the attendance checks of the dose–response analyses.
 *
 * Checks (every problem is collected, then one `ValidationError` lists them with the
 * participant's row, 1-based in the participants table as `validateTrial` numbers them):
 * - a treated participant without sessions attended, or without sessions offered (neither in
 *   the data nor `options.sessionsOffered`);
 * - sessions attended above sessions offered (reachable when `sessionsOffered` comes from the
 *   options, which `validateTrial` could not check against).
 * Attendance recorded for a control participant: a warning diagnostic by default
 * (`controlAttendance: 'warn'`), or a validation issue with `controlAttendance: 'error'`.
 * A recorded 0 is not attendance and passes silently.
 */
import { dict } from '../data/own.js';
import { diagnosisChapter } from '../data/inclusion.js';
import { participantValue } from '../data/participant-value.js';
import type { Participant, TrialData } from '../data/types.js';
import { isTrialData } from '../data/validate.js';
import { ArgumentError, issue, ValidationError, type Diagnostic, type ValidationIssue } from '../errors/index.js';
import { controlAttendance } from '../errors/diagnostics.js';
import { checkOptions, optionKeys } from '../errors/checks.js';

/** The options of {@link attendanceData}, which the dose–response functions pass on from theirs. */
export const ATTENDANCE_DATA_OPTION_KEYS = optionKeys<AttendanceDataOptions>()(['instrument', 'visit', 'treatedArm', 'baselineVisit', 'sessionsOffered', 'controlAttendance', 'covariates']);

/** What to do with attendance recorded for a control participant. */
export type ControlAttendancePolicy = 'warn' | 'error';

/** Options shared by the attendance analyses for building their participant rows. */
export interface AttendanceDataOptions {
  /** Instrument of the outcome. */
  instrument: string;
  /** Follow-up visit of the outcome, e.g. `'9m'`. */
  visit: string;
  /**
   * The treated (offered) arm.
   * @defaultValue the design's second arm (`design.arms[1]`); required when there are more than two arms
   */
  treatedArm?: string;
  /**
   * The visit whose score is the baseline.
   * @defaultValue the design's first visit
   */
  baselineVisit?: string;
  /**
   * Sessions offered when a participant's own `sessionsOffered` is missing (e.g. 36 for SFT).
   * @defaultValue undefined (every treated participant must have it recorded)
   */
  sessionsOffered?: number;
  /**
   * Attendance recorded for a control participant: `'warn'` adds a `control-attendance`
   * diagnostic (the analyses then use it as recorded, see each function), `'error'` makes it a
   * validation issue.
   * @defaultValue 'warn'
   */
  controlAttendance?: ControlAttendancePolicy;
  /**
   * Participant-level covariates: `age`, `sex`, `site`, `diagnosisChapter` (of the main
   * diagnosis) or a key of the participants' extra columns. Text becomes a factor.
   * @defaultValue `[]`
   */
  covariates?: readonly string[];
}

/** One participant's row. */
export interface AttendanceRow {
  id: string;
  /** 1-based row of the participant in the participants table. */
  row: number;
  arm: string;
  treated: 0 | 1;
  group: string | null;
  /** Sessions attended (null only for controls without a record). */
  attended: number | null;
  offered: number | null;
  baseline: number | null;
  score: number | null;
  covariates: Record<string, number | string | null>;
}

export interface AttendanceData {
  rows: AttendanceRow[];
  treatedArm: string;
  controlArm: string;
  /** Largest number of sessions offered among treated participants. */
  maxOffered: number;
  diagnostics: Diagnostic[];
}

/** Covariates derived from participant fields (the rest come from `extra`). */
const DERIVED = ['age', 'sex', 'site', 'diagnosisChapter'] as const;

/** Names reserved by the analyses' own columns. */
// Columns the analyses build beside the covariates (`y` the outcome, `z` the instrument,
// `attendance_ns<k>` the spline basis): a covariate of the same name would replace one silently.
export const RESERVED_COLUMNS = ['id', 'arm', 'treated', 'group', 'cluster', 'score', 'baseline', 'change', 'attendance', 'dose', 'attendance_band', 'y', 'z'];
const RESERVED_PATTERN = /^attendance_ns\d+$/;

/** A participant field, the diagnosis chapter, or an extra column (a boolean as R's TRUE/FALSE level). */
function covariateValue(p: Participant, name: string): number | string | null {
  if (name === 'diagnosisChapter') return p.mainDiagnosis ? diagnosisChapter(p.mainDiagnosis) : null;
  const v = participantValue(p, name);
  return typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : v;
}

/** The treated and control arm of a design, checking an explicit choice. */
export function resolveArms(trial: TrialData, treatedArm: string | undefined): { treated: string; control: string } {
  const arms = trial.design.arms;
  if (treatedArm !== undefined) {
    if (!arms.includes(treatedArm)) throw new ArgumentError('options.treatedArm', treatedArm, `one of the design's arms (${arms.join(', ')})`);
    if (arms.length !== 2) throw new ArgumentError('trial.design.arms', arms, 'two arms (a control and a treated arm) for an attendance analysis');
    return { treated: treatedArm, control: arms.find((a) => a !== treatedArm)! };
  }
  if (arms.length !== 2) throw new ArgumentError('options.treatedArm', treatedArm, `the treated arm, since the design has ${arms.length} arms`);
  return { treated: arms[1]!, control: arms[0]! };
}

/**
 * Participant rows for attendance analyses, with the attendance checks.
 * @throws ArgumentError when `trial` is not validated trial data, or the instrument, visits or
 *   a covariate are unknown.
 * @throws ValidationError listing every treated participant with missing attendance or
 *   sessions offered, or attendance above sessions offered (and control attendance under
 *   `controlAttendance: 'error'`), each with the participant's row.
 */
export function attendanceData(trial: TrialData, options: AttendanceDataOptions): AttendanceData {
  checkOptions('options', options, ATTENDANCE_DATA_OPTION_KEYS);
  if (!isTrialData(trial)) throw new ArgumentError('trial', trial, 'trial data returned by validateTrial');
  if (options === null || typeof options !== 'object') throw new ArgumentError('options', options, '{ instrument, visit, … }');
  const design = trial.design;
  if (!design.instruments.includes(options.instrument)) {
    throw new ArgumentError('options.instrument', options.instrument, `one of the design's instruments (${design.instruments.join(', ')})`);
  }
  const baselineVisit = options.baselineVisit ?? design.visits[0]!;
  for (const [k, v] of [['visit', options.visit], ['baselineVisit', baselineVisit]] as const) {
    if (!design.visits.includes(v)) throw new ArgumentError(`options.${k}`, v, `one of the design's visits (${design.visits.join(', ')})`);
  }
  if (options.visit === baselineVisit) throw new ArgumentError('options.visit', options.visit, `a follow-up visit, not the baseline visit "${baselineVisit}"`);
  const { treated, control } = resolveArms(trial, options.treatedArm);
  const policy = options.controlAttendance ?? 'warn';
  if (policy !== 'warn' && policy !== 'error') throw new ArgumentError('options.controlAttendance', policy, '"warn" or "error"');
  const fallbackOffered = options.sessionsOffered;
  if (fallbackOffered !== undefined && !(Number.isInteger(fallbackOffered) && fallbackOffered > 0)) {
    throw new ArgumentError('options.sessionsOffered', fallbackOffered, 'a whole number of sessions > 0');
  }
  const covariates = [...(options.covariates ?? [])];
  const extraKeys = new Set(trial.participants.flatMap((p) => Object.keys(p.extra)));
  for (const c of covariates) {
    if (typeof c !== 'string' || !/^[A-Za-z][A-Za-z0-9_.]*$/.test(c)) throw new ArgumentError('options.covariates', c, 'a column name of letters, digits, "_" or "." starting with a letter');
    if (RESERVED_COLUMNS.includes(c) || RESERVED_PATTERN.test(c)) throw new ArgumentError('options.covariates', c, `a name other than ${RESERVED_COLUMNS.join(', ')} and attendance_ns<k> (used by the analysis itself)`);
    if (!(DERIVED as readonly string[]).includes(c) && !extraKeys.has(c)) {
      throw new ArgumentError('options.covariates', c, `one of ${DERIVED.join(', ')} or an extra participant column (${[...extraKeys].slice(0, 15).join(', ') || 'none'})`);
    }
  }

  const scores = new Map<string, number | null>();
  const baselines = new Map<string, number | null>();
  for (const m of trial.measurements) {
    if (m.instrument !== options.instrument) continue;
    if (m.visit === options.visit) scores.set(m.id, m.score);
    else if (m.visit === baselineVisit) baselines.set(m.id, m.score);
  }

  const issues: ValidationIssue[] = [];
  const diagnostics: Diagnostic[] = [];
  const controlsWithAttendance: string[] = [];
  let maxOffered = 0;
  const rows: AttendanceRow[] = trial.participants.map((p, i) => {
    const row = i + 1;
    const isTreated = p.arm === treated;
    const offered = p.sessionsOffered ?? (isTreated ? (fallbackOffered ?? null) : null);
    const attended = p.sessionsAttended;
    if (isTreated) {
      if (attended === null) {
        issues.push(issue('participants', row, 'sessionsAttended', attended, `the number of sessions attended for participant "${p.id}" in the treated arm "${treated}" (0 if none)`));
      }
      if (offered === null) {
        issues.push(issue('participants', row, 'sessionsOffered', p.sessionsOffered, `the number of sessions offered to participant "${p.id}" (or options.sessionsOffered)`));
      } else {
        maxOffered = Math.max(maxOffered, offered);
        if (attended !== null && attended > offered) {
          issues.push(issue('participants', row, 'sessionsAttended', attended, `at most the ${offered} sessions offered to participant "${p.id}"`));
        }
      }
    } else if (attended !== null && attended > 0) {
      controlsWithAttendance.push(p.id);
      if (policy === 'error') {
        issues.push(issue('participants', row, 'sessionsAttended', attended, `no attendance for participant "${p.id}" in the control arm "${p.arm}" (options.controlAttendance is "error")`));
      }
    }
    const cov = dict<number | string | null>();
    for (const c of covariates) cov[c] = covariateValue(p, c);
    return {
      id: p.id,
      row,
      arm: p.arm,
      treated: isTreated ? 1 : 0,
      group: p.group,
      attended,
      offered,
      baseline: baselines.get(p.id) ?? null,
      score: scores.get(p.id) ?? null,
      covariates: cov,
    };
  });
  if (issues.length) {
    throw new ValidationError(issues, `Attendance data failed the checks of the dose–response analysis with ${issues.length} problem${issues.length === 1 ? '' : 's'}`);
  }
  if (controlsWithAttendance.length) {
    diagnostics.push(controlAttendance(controlsWithAttendance));
  }
  if (!rows.some((r) => r.treated === 1)) throw new ArgumentError('trial', 'no participants', `participants in the treated arm "${treated}"`);
  return { rows, treatedArm: treated, controlArm: control, maxOffered, diagnostics };
}
