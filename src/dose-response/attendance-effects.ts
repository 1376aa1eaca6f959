/**
 * Causal effects of attendance with randomisation as the instrument (Dunn & Bentall 2007):
 * the intention-to-treat effect, the effect per session attended, and the complier average
 * causal effect (CACE) for "attended at least k sessions", each by two-stage least squares with
 * the arm as the only excluded instrument and the baseline score (and covariates) in both stages.
 *
 * With one binary instrument and one endogenous dose D, 2SLS is the Wald ratio adjusted for
 * covariates: β = ITT / (E[D | treated] − E[D | control]). Controls attend 0, so for
 * D = 1[attended ≥ k] the denominator is the share of the treated arm attending at least k.
 *
 * Estimands and assumptions (Angrist, Imbens & Rubin 1996; Dunn & Bentall 2007):
 * - per session: the average effect of one more session, assuming the effect of offering SFT
 *   works only through sessions attended (exclusion restriction) and is proportional to them
 *   (a linear dose–response through the origin, the same for everyone); it is the ratio of the
 *   ITT effect to the mean sessions attended in the treated arm either way.
 * - CACE(k): the average effect among those who would attend at least k sessions when offered
 *   SFT (the "compliers"), assuming (i) exclusion: being offered SFT has no effect on those who
 *   would attend fewer than k sessions, a strong assumption when k > 1 since they attend some;
 *   (ii) monotonicity: no one attends fewer sessions because of the offer, which holds by design
 *   when controls cannot attend (one-sided non-compliance); (iii) randomisation makes the arm
 *   independent of potential outcomes and attendance, and the offer changes attendance.
 */
import type { TrialData } from '../data/types.js';
import { ArgumentError, type Diagnostic } from '../errors/index.js';
import { randomisedRowsDropped } from '../errors/diagnostics.js';
import type { OlsCoefficientRow } from '../models/ols/types.js';
import { quoteName } from '../formula/parse.js';
import { requireEstimable } from '../results/not-estimable.js';
import { fitOls } from '../models/ols/fit.js';
import { ATTENDANCE_DATA_OPTION_KEYS, attendanceData, type AttendanceDataOptions } from './attendance-data.js';
import type { DoseExposure, DoseOutcome } from './dose-response.js';
import { twoStageLeastSquares, type IvFirstStage, type IvVcovType } from './two-stage-least-squares.js';
import { checkOptions, optionKeys, pickOptions } from '../errors/checks.js';
import type { TestedEstimate } from '../results/types.js';

export interface AttendanceEffectsOptions extends AttendanceDataOptions {
  /**
   * `'adjusted'`: score at `visit` with baseline as a covariate; `'change'`: change from baseline.
   * @defaultValue 'adjusted'
   */
  outcome?: DoseOutcome;
  /** Dose of the per-session effect: sessions attended or the proportion of sessions offered. @defaultValue 'sessions' */
  exposure?: DoseExposure;
  /**
   * Thresholds k for the CACE of "attended at least k sessions".
   * @defaultValue `[1]` (attended any session)
   */
  atLeast?: readonly number[];
  /**
   * Covariance of the estimates; the `CR*` types cluster by therapy group with each control a
   * cluster of their own (a partially nested design).
   * @defaultValue 'CR2' with Satterthwaite df
   */
  vcov?: IvVcovType;
  /** @defaultValue 0.95 */
  ciLevel?: number;
}

/** One effect with its estimand and what it rests on. */
export interface AttendanceEffect extends TestedEstimate {
  /** Participants analysed (both arms). */
  n: number;
  estimand: string;
  assumptions: string[];
  method: string;
}

export interface CaceEffect extends AttendanceEffect {
  /** The threshold k: compliers attend at least k sessions. */
  atLeast: number;
  /** Share of the treated participants analysed who attended at least k sessions. */
  complierShare: number;
  firstStage: IvFirstStage;
}

export interface AttendanceEffectsResult {
  kind: 'attendance-effects';
  instrument: string;
  visit: string;
  treatedArm: string;
  controlArm: string;
  outcome: DoseOutcome;
  exposure: DoseExposure;
  /** Intention-to-treat: the arm difference (adjusted for baseline and covariates). */
  itt: AttendanceEffect;
  /** Effect per session attended (per 10 sessions in `perTenSessions`), or per whole course for `exposure: 'proportion'`. */
  perSession: AttendanceEffect & { firstStage: IvFirstStage; meanDoseTreated: number };
  /** The per-session effect × 10 (sessions exposure only), for reading on a course scale. */
  perTenSessions: AttendanceEffect | null;
  cace: CaceEffect[];
  n: number;
  nClusters: number | null;
  method: string;
  diagnostics: Diagnostic[];
}

const BASE_ASSUMPTIONS = [
  'randomisation: the arm is independent of potential outcomes and potential attendance',
  'relevance: the offer changes attendance (see the first-stage F)',
  'exclusion restriction: being offered SFT affects the outcome only through the sessions attended',
];

/**
 * Instrumental-variable effects of attendance: ITT, per session attended, and CACE for
 * attending at least k sessions.
 *
 * @param trial - validated trial data (two arms).
 * @param options - see {@link AttendanceEffectsOptions}; every option documents its default.
 * @throws ValidationError for missing or impossible attendance of treated participants (naming
 *   the row), and for control attendance under `controlAttendance: 'error'`.
 * @throws ArgumentError for bad options, or a threshold no treated participant reaches.
 * @example
 * // the synthetic SFT sample (tests/fixtures/r/dose-response), PSP at 9 months
 * const fx = attendanceEffects(trial, { instrument: 'PSP', visit: '9m', atLeast: [1, 18] });
 * fx.itt.estimate;        // 5.3455…, the arm difference adjusted for baseline
 * fx.perSession.estimate; // 0.21537…, as AER::ivreg(score ~ sessions + baseline | z + baseline)
 * fx.cace[1].estimand;    // 'the average effect on PSP at 9m (adjusted for baseline) among participants who would attend at least 18 sessions if offered SFT …'
 */
export function attendanceEffects(trial: TrialData, options: AttendanceEffectsOptions): AttendanceEffectsResult {
  checkOptions('options', options, optionKeys<AttendanceEffectsOptions>()(['outcome', 'exposure', 'atLeast', 'vcov', 'ciLevel', 'instrument', 'visit', 'treatedArm', 'baselineVisit', 'sessionsOffered', 'controlAttendance', 'covariates']));
  const data = attendanceData(trial, pickOptions<AttendanceDataOptions>(options, ATTENDANCE_DATA_OPTION_KEYS));
  const outcome = options.outcome ?? 'adjusted';
  if (outcome !== 'adjusted' && outcome !== 'change') throw new ArgumentError('options.outcome', outcome, '"adjusted" or "change"');
  const exposure = options.exposure ?? 'sessions';
  if (exposure !== 'sessions' && exposure !== 'proportion') throw new ArgumentError('options.exposure', exposure, '"sessions" or "proportion"');
  const thresholds = [...(options.atLeast ?? [1])];
  thresholds.forEach((k, i) => {
    if (!(Number.isInteger(k) && k >= 1)) throw new ArgumentError(`options.atLeast[${i}]`, k, 'a whole number of sessions ≥ 1');
  });
  const vcov = options.vcov ?? 'CR2';
  const ciLevel = options.ciLevel ?? 0.95;
  const covariates = [...(options.covariates ?? [])];
  const diagnostics: Diagnostic[] = [...data.diagnostics];

  const used = data.rows.filter((r) => r.score !== null && r.baseline !== null && covariates.every((c) => r.covariates[c] !== null));
  const dropped = data.rows.length - used.length;
  if (dropped > 0) {
    diagnostics.push(randomisedRowsDropped(dropped, data.rows.length, options.visit));
  }
  // Controls' dose is their recorded attendance, 0 when none is recorded (they were not offered
  // the course); see the control-attendance diagnostic for recorded contamination.
  const dose = used.map((r) => {
    const a = r.attended ?? 0;
    if (exposure === 'sessions') return a;
    return r.treated ? a / r.offered! : r.offered ? a / r.offered : 0;
  });
  const cols: Record<string, unknown[]> = {
    y: used.map((r) => (outcome === 'adjusted' ? r.score! : r.score! - r.baseline!)),
    baseline: used.map((r) => r.baseline),
    z: used.map((r) => r.treated),
    dose,
    cluster: used.map((r) => (r.treated ? r.group : null)),
  };
  for (const c of covariates) cols[c] = used.map((r) => r.covariates[c]);
  const exog = [...(outcome === 'adjusted' ? ['baseline'] : []), ...covariates];
  const clustered = vcov.startsWith('CR');
  const common = { vcov, ciLevel, ...(clustered ? { cluster: 'cluster', clusterMissing: 'singleton' as const } : {}) };

  const treatedRows = used.filter((r) => r.treated === 1);
  const nTreated = treatedRows.length;
  if (nTreated === 0 || nTreated === used.length) throw new ArgumentError('trial', `${nTreated} treated of ${used.length}`, 'participants with an outcome in both arms');

  const ittFit = fitOls(`y ~ ${['z', ...exog].map(quoteName).join(' + ')}`, cols, common);
  const ittRow = ittFit.fixedEffects.find((r) => r.term === 'z')!;
  const outcomeText = outcome === 'adjusted' ? `${options.instrument} at ${options.visit} (adjusted for baseline${covariates.length ? ` and ${covariates.join(', ')}` : ''})` : `the change in ${options.instrument} from baseline to ${options.visit}${covariates.length ? ` (adjusted for ${covariates.join(', ')})` : ''}`;
  const method = `two-stage least squares, instrument: randomised arm (${data.treatedArm} = 1); ${clustered ? `${vcov} cluster-robust covariance by therapy group (each control a cluster of their own)` : `${vcov} covariance`}; ${ittFit.ddf} df`;
  const itt: AttendanceEffect = {
    ...pick(ittRow),
    n: ittFit.nObs,
    estimand: `the difference in mean ${outcomeText} between those randomised to ${data.treatedArm} and to ${data.controlArm} (intention to treat)`,
    assumptions: ['randomisation'],
    method: `OLS of the outcome on the arm; ${clustered ? `${vcov} cluster-robust covariance by therapy group` : `${vcov} covariance`}; ${ittFit.ddf} df`,
  };

  const iv = (endog: string, data2: Record<string, unknown[]>) =>
    twoStageLeastSquares(data2, { outcome: 'y', endogenous: [endog], instruments: ['z'], covariates: exog, ...common });
  const perFit = iv('dose', cols);
  diagnostics.push(...perFit.diagnostics.filter((d) => d.code !== 'rows-dropped'));
  const perRow = perFit.coefficients.find((r) => r.term === 'dose')!;
  const doseIdx = used.map((r, i) => (r.treated ? i : -1)).filter((i) => i >= 0);
  const meanDose = doseIdx.reduce((a, i) => a + dose[i]!, 0) / nTreated;
  const perSession = {
    ...pick(perRow),
    n: perFit.nObs,
    estimand:
      exposure === 'sessions'
        ? `the average effect on ${outcomeText} of one session attended: the ITT effect divided by the difference in mean sessions attended between arms (controls attend 0)`
        : `the average effect on ${outcomeText} of attending the whole course (proportion 1 vs 0): the ITT effect divided by the difference in mean proportion attended`,
    assumptions: [...BASE_ASSUMPTIONS, 'the effect is proportional to the dose (linear through zero sessions) and the same for everyone, for the per-session reading; otherwise the ratio is a weighted average of the effects of each additional session (Angrist & Imbens 1995)'],
    method,
    firstStage: perFit.firstStage[0]!,
    meanDoseTreated: meanDose,
  };
  const perTenSessions: AttendanceEffect | null =
    exposure === 'sessions'
      ? { ...scale(perSession, 10), n: perFit.nObs, estimand: perSession.estimand.replace('of one session attended', 'of ten sessions attended'), assumptions: perSession.assumptions, method }
      : null;

  const cace: CaceEffect[] = thresholds.map((k) => {
    const complied = used.map((r) => ((r.attended ?? 0) >= k ? 1 : 0));
    const share = doseIdx.reduce((a, i) => a + complied[i]!, 0) / nTreated;
    if (share === 0) throw new ArgumentError('options.atLeast', k, `a threshold that some treated participant analysed reaches (nobody attended ${k} or more sessions)`);
    const fit = iv('complied', { ...cols, complied });
    diagnostics.push(...fit.diagnostics.filter((d) => d.code === 'exact-first-stage'));
    const row = fit.coefficients.find((r) => r.term === 'complied')!;
    return {
      ...pick(row),
      n: fit.nObs,
      atLeast: k,
      complierShare: share,
      firstStage: fit.firstStage[0]!,
      estimand: `the average effect on ${outcomeText} among participants who would attend at least ${k} session${k === 1 ? '' : 's'} if offered ${data.treatedArm} (complier average causal effect); ${(share * 100).toFixed(1)} % of the ${data.treatedArm} arm attended at least ${k}`,
      assumptions: [
        ...BASE_ASSUMPTIONS.slice(0, 2),
        `exclusion restriction: the offer has no effect on those who would attend fewer than ${k} session${k === 1 ? '' : 's'}${k > 1 ? ' (strong: they attend some sessions)' : ''}`,
        'monotonicity: no one attends less because of the offer; holds by design when controls cannot attend (one-sided non-compliance)',
      ],
      method,
    };
  });

  return {
    kind: 'attendance-effects',
    instrument: options.instrument,
    visit: options.visit,
    treatedArm: data.treatedArm,
    controlArm: data.controlArm,
    outcome,
    exposure,
    itt,
    perSession,
    perTenSessions,
    cace,
    n: perFit.nObs,
    nClusters: perFit.cluster?.nClusters ?? null,
    method: `${method}. References: Angrist, Imbens & Rubin (1996); Dunn & Bentall (2007).`,
    diagnostics,
  };
}

function pick(row: OlsCoefficientRow): Omit<AttendanceEffect, 'n' | 'estimand' | 'assumptions' | 'method'> {
  const r = requireEstimable(row, `the coefficient "${row.term}"`);
  return { estimate: r.estimate, se: r.se, df: r.df, statistic: r.statistic, pValue: r.pValue, ci: r.ci, ciLevel: r.ciLevel };
}

function scale(e: Omit<AttendanceEffect, 'n' | 'estimand' | 'assumptions' | 'method'>, c: number): Omit<AttendanceEffect, 'n' | 'estimand' | 'assumptions' | 'method'> {
  return { ...e, estimate: e.estimate * c, se: e.se * c, ci: [e.ci[0] * c, e.ci[1] * c] };
}
