/**
 * The observational dose–response of attendance within the treated arm: the follow-up score
 * adjusted for baseline (or the change from baseline) regressed on attendance, with
 * covariates, as a straight line, attendance bands or a natural cubic spline, with
 * cluster-robust standard errors by therapy group and predicted outcomes over attendance for
 * a figure.
 *
 * Attendance is not randomised: people who attend more may differ in motivation, functioning
 * or circumstances from those who attend less. The slope is therefore reported as exploratory
 * (an association). `attendanceEffects` gives the causal counterpart by instrumental variables.
 */
import { ArgumentError, type Diagnostic } from '../errors/index.js';
import { referenceBandEmpty, treatedRowsDropped, treatedWithoutGroup } from '../errors/diagnostics.js';
import type { TrialData } from '../data/types.js';
import { fCdf } from '../distributions/f.js';
import { contrast } from '../models/emmeans/contrast.js';
import { marginalMeans } from '../models/emmeans/marginal-means.js';
import { linearModelView } from '../models/emmeans/view.js';
import { quoteName } from '../formula/parse.js';
import { fitOls } from '../models/ols/fit.js';
import { getOlsState } from '../models/ols/state.js';
import type { OlsCoefficientRow, OlsFit, OlsOptions, OlsVcovType } from '../models/ols/types.js';
import { requireEstimable } from '../results/not-estimable.js';
import { tInterval } from '../models/t-tests.js';
import { naturalSpline, type NaturalSplineBasis } from '../splines/natural-spline.js';
import { ATTENDANCE_DATA_OPTION_KEYS, attendanceData, type AttendanceDataOptions } from './attendance-data.js';
import { bandIndex, defaultAttendanceBands, resolveAttendanceBands, type AttendanceBand, type ResolvedAttendanceBand } from './bands.js';
import { LIMITS, checkCiLevel, checkLength, checkOptions, optionKeys, pickOptions } from '../errors/checks.js';
import type { Estimability, Estimate, TestedEstimate } from '../results/types.js';

/** Shape of the attendance–outcome relation. */
export type DoseForm = 'linear' | 'bands' | 'spline';
/** Attendance as sessions attended, or as the proportion of the sessions offered. */
export type DoseExposure = 'sessions' | 'proportion';
/** The follow-up score with baseline as a covariate, or the change from baseline. */
export type DoseOutcome = 'adjusted' | 'change';

export interface DoseResponseOptions extends AttendanceDataOptions {
  /**
   * `'adjusted'`: score at `visit` with the baseline score as a covariate; `'change'`: score at
   * `visit` minus baseline, without a baseline covariate.
   * @defaultValue 'adjusted'
   */
  outcome?: DoseOutcome;
  /**
   * Attendance as sessions attended or as the proportion of sessions offered (for the linear
   * and spline forms; bands are always ranges of sessions attended).
   * @defaultValue 'sessions'
   */
  exposure?: DoseExposure;
  /** @defaultValue 'linear' */
  form?: DoseForm;
  /**
   * Bands of sessions attended (both ends inclusive) for `form: 'bands'`; the first band
   * present in the data is the reference.
   * @defaultValue quarters of the course: 0–8, 9–17, 18–26, 27–36 for 36 sessions offered
   */
  bands?: readonly AttendanceBand[];
  /**
   * Natural cubic spline for `form: 'spline'`, as R's `ns(attendance, df)`: knots at
   * quantiles of the attendance of the participants analysed.
   * @defaultValue `{ df: 3 }`
   */
  spline?: { df?: number; knots?: readonly number[] };
  /**
   * Covariance of the coefficients; the `CR*` types cluster by therapy group (a treated
   * participant without a group is a cluster of their own, with a diagnostic).
   * @defaultValue 'CR2' (bias-reduced linearisation with Satterthwaite df, Pustejovsky & Tipton 2018)
   */
  vcov?: OlsVcovType;
  /** @defaultValue 0.95 */
  ciLevel?: number;
  /**
   * Attendance values at which to predict the outcome (sessions attended for the bands form).
   * @defaultValue 0, 1, …, sessions offered (sessions, and the bands form) or 0, 0.05, …, 1 (proportion)
   */
  grid?: readonly number[];
}

/** An estimate in the library's vocabulary. */
export interface DoseEstimate extends TestedEstimate {}

/** The linear slope, per `per` units of attendance. */
export interface DoseSlope extends DoseEstimate {
  per: number;
  unit: string;
}

/** One attendance band: its adjusted mean and its difference from the reference band. */
export interface DoseBandRow {
  band: string;
  min: number;
  max: number;
  /** Treated participants analysed in the band. */
  n: number;
  reference: boolean;
  /** Adjusted mean outcome in the band (covariates at their means), or null when not estimable. */
  mean: { estimate: number; se: number; df: number; ci: [number, number]; ciLevel: number } | null;
  /** Difference from the reference band (null for the reference itself). */
  difference: DoseEstimate | null;
  estimable: boolean;
  /** Why the band is not estimable, e.g. no participants attended that many sessions. */
  reason: string | null;
}

/** A predicted outcome at one attendance value, with its pointwise interval. */
export interface DosePredictionRow extends Estimate, Estimability {
  attendance: number;
  /** `null` (with `estimable: false` and the reason) where the model cannot predict. */
  estimate: number | null;
  se: number | null;
  df: number | null;
  /** Outside the attendance observed among the participants analysed. */
  extrapolated: boolean;
}

export interface DoseResponseResult {
  kind: 'dose-response';
  instrument: string;
  visit: string;
  treatedArm: string;
  outcome: DoseOutcome;
  exposure: DoseExposure;
  form: DoseForm;
  /** Always true: attendance is not randomised. */
  exploratory: true;
  label: 'exploratory';
  caution: string;
  estimand: string;
  method: string;
  /** Treated participants analysed. */
  n: number;
  nClusters: number | null;
  /** Slope per session (or per proportion point) and per 10 sessions (per 10 percentage points); linear form only. */
  slope: DoseSlope[] | null;
  bands: DoseBandRow[] | null;
  spline: { df: number; knots: number[]; boundaryKnots: [number, number] } | null;
  /** Test of any association between attendance and the outcome (all attendance terms zero). */
  test: { statistic: number; numDf: number; denDf: number; pValue: number; method: string };
  prediction: DosePredictionRow[];
  coefficients: OlsCoefficientRow[];
  fit: OlsFit;
  diagnostics: Diagnostic[];
}

const CAUTION =
  'Exploratory: attendance is not randomised. People who attend more sessions may differ from those who attend fewer (motivation, functioning, circumstances), so this describes an association between attendance and outcome within the treated arm, not the effect of attending more. See attendanceEffects for instrumental-variable (causal) estimates.';

/**
 * Attendance–outcome dose–response within the treated arm.
 *
 * Model (OLS, treated participants with an outcome at `visit`):
 *   adjusted: score_visit = α + β·baseline + f(attendance) + γ'covariates + ε
 *   change:   score_visit − baseline = α + f(attendance) + γ'covariates + ε
 * with f linear, a step per attendance band, or a natural cubic spline (R's `ns`). Standard
 * errors are cluster-robust by therapy group (CR2 by default, Satterthwaite df); the test of
 * association is the t test (linear) or the HTZ Wald test of all attendance terms.
 * Predictions hold the baseline and numeric covariates at their means and average factor
 * covariates over their levels with equal weights (emmeans's reference grid).
 *
 * References: Bell & McCaffrey (2002); Pustejovsky & Tipton (2018), JBES 36(4) (CR2, HTZ);
 * Dunn & Bentall (2007), Stat Med 26(26) (why the slope is not causal).
 *
 * @param trial - validated trial data.
 * @param options - see {@link DoseResponseOptions}; every option documents its default.
 * @throws ValidationError when a treated participant lacks attendance or sessions offered, or
 *   attended more sessions than offered (naming the participant's row); also for control
 *   attendance under `controlAttendance: 'error'`.
 * @throws ArgumentError for unknown instruments, visits, covariates or option values, bands that
 *   do not cover an attendance value, or too few participants for the model.
 * @example
 * // the synthetic SFT sample (tests/fixtures/r/dose-response): PSP at 9 months, SFT arm
 * const dr = doseResponse(trial, { instrument: 'PSP', visit: '9m' });
 * dr.slope[0]; // { per: 1, unit: 'session', estimate: 0.18185…, se: 0.096850…, df: 11.0588…, … }, as lm + clubSandwich CR2
 * dr.exploratory; // true
 * doseResponse(trial, { instrument: 'PSP', visit: '9m', form: 'spline' }).spline.knots; // [25, 32], as ns(attendance, df = 3)
 */
export function doseResponse(trial: TrialData, options: DoseResponseOptions): DoseResponseResult {
  checkOptions('options', options, optionKeys<DoseResponseOptions>()(['outcome', 'exposure', 'form', 'bands', 'spline', 'vcov', 'ciLevel', 'grid', 'instrument', 'visit', 'treatedArm', 'baselineVisit', 'sessionsOffered', 'controlAttendance', 'covariates']));
  checkOptions('options.spline', options.spline, optionKeys<NonNullable<DoseResponseOptions['spline']>>()(['df', 'knots']));
  checkLength('options.grid', options.grid, LIMITS.gridPoints, 'grid points');
  const data = attendanceData(trial, pickOptions<AttendanceDataOptions>(options, ATTENDANCE_DATA_OPTION_KEYS));
  const outcome = options.outcome ?? 'adjusted';
  if (outcome !== 'adjusted' && outcome !== 'change') throw new ArgumentError('options.outcome', outcome, '"adjusted" or "change"');
  const exposure = options.exposure ?? 'sessions';
  if (exposure !== 'sessions' && exposure !== 'proportion') throw new ArgumentError('options.exposure', exposure, '"sessions" or "proportion"');
  const form = options.form ?? 'linear';
  if (!['linear', 'bands', 'spline'].includes(form)) throw new ArgumentError('options.form', form, '"linear", "bands" or "spline"');
  const vcov = options.vcov ?? 'CR2';
  const ciLevel = options.ciLevel ?? 0.95;
  checkCiLevel(ciLevel, 'options.ciLevel');
  const covariates = [...(options.covariates ?? [])];
  const diagnostics: Diagnostic[] = [...data.diagnostics];

  // Treated participants with every value the model needs (complete cases).
  const treated = data.rows.filter((r) => r.treated === 1);
  const used = treated.filter((r) => r.score !== null && r.baseline !== null && covariates.every((c) => r.covariates[c] !== null));
  if (used.length < treated.length) {
    diagnostics.push(treatedRowsDropped(treated.length - used.length, treated.length, options.visit));
  }
  if (used.length === 0) throw new ArgumentError('trial', 'no complete treated participants', `treated participants with a ${options.instrument} score at ${options.visit} and at baseline`);
  const x = used.map((r) => (exposure === 'sessions' ? r.attended! : r.attended! / r.offered!));
  const xMin = Math.min(...x);
  const xMax = Math.max(...x);

  const cols: Record<string, unknown[]> = {
    y: used.map((r) => (outcome === 'adjusted' ? r.score! : r.score! - r.baseline!)),
    baseline: used.map((r) => r.baseline),
    group: used.map((r) => r.group),
  };
  for (const c of covariates) cols[c] = used.map((r) => r.covariates[c]);
  let exposureTerms: string[];
  let bands: ResolvedAttendanceBand[] | null = null;
  let basis: NaturalSplineBasis | null = null;
  const levels: Record<string, string[]> = {};
  if (form === 'linear') {
    cols['attendance'] = x;
    exposureTerms = ['attendance'];
  } else if (form === 'bands') {
    bands = options.bands ? resolveAttendanceBands(options.bands) : defaultAttendanceBands(data.maxOffered);
    const idx = used.map((r) => bandIndex(bands!, r.attended!));
    const outside = idx.findIndex((k) => k < 0);
    if (outside >= 0) {
      const r = used[outside]!;
      throw new ArgumentError('options.bands', bands.map((b) => b.label), `bands covering every attendance value; participant "${r.id}" (row ${r.row}) attended ${r.attended} sessions`);
    }
    cols['attendance_band'] = idx.map((k) => bands![k]!.label);
    levels['attendance_band'] = bands.map((b) => b.label);
    exposureTerms = ['attendance_band'];
  } else {
    const spline = options.spline ?? {};
    basis = naturalSpline(x, { ...(spline.knots ? { knots: spline.knots } : { df: spline.df ?? 3 }) });
    exposureTerms = Array.from({ length: basis.df }, (_, k) => `attendance_ns${k + 1}`);
    exposureTerms.forEach((name, k) => (cols[name] = basis!.basis.map((row) => row[k]!)));
  }
  const rhs = [...(outcome === 'adjusted' ? ['baseline'] : []), ...exposureTerms, ...covariates];
  const formula = `y ~ ${rhs.map(quoteName).join(' + ')}`;
  const clustered = vcov.startsWith('CR');
  const olsOptions: OlsOptions = { vcov, ciLevel, levels, ...(clustered ? { cluster: 'group', clusterMissing: 'singleton' as const } : {}) };
  if (clustered && used.some((r) => r.group === null)) {
    diagnostics.push(treatedWithoutGroup(used.filter((r) => r.group === null).length));
  }
  const fit = fitOls(formula, cols, olsOptions);
  diagnostics.push(...fit.diagnostics);
  const state = getOlsState(fit)!;
  const view = linearModelView(fit);

  // Attendance columns among the kept coefficients.
  const exposureCols = fit.fixedEffects
    .map((_, j) => j)
    .filter((j) => {
      const t = state.frame.spec.assign[state.ls.kept[j]!]!;
      return t >= 0 && state.frame.spec.terms[t]!.variables.some((v) => exposureTerms.includes(v));
    });
  const r = fit.fixedEffects.length;
  const L = exposureCols.map((j) => {
    const l = new Float64Array(r);
    l[j] = 1;
    return l;
  });
  const ft = view.dfF!(L);
  const test = {
    statistic: ft.F,
    numDf: ft.numDf,
    denDf: ft.denDf,
    pValue: fCdf(ft.F, ft.numDf, ft.denDf, { lowerTail: false }),
    method:
      form === 'linear'
        ? `t test of the attendance slope (F = t²) with ${fit.ddf} df`
        : `${vcov.startsWith('CR') || vcov.startsWith('HC') ? (fit.ddf === 'Satterthwaite' ? 'HTZ Wald test (Pustejovsky & Tipton 2018)' : `Wald F test with ${fit.ddf} df`) : 'F test'} of all ${exposureCols.length} attendance terms`,
  };

  let slope: DoseSlope[] | null = null;
  if (form === 'linear') {
    const row = requireEstimable(fit.fixedEffects.find((f) => f.term === 'attendance')!, 'the attendance slope');
    const unit = exposure === 'sessions' ? 'session' : 'proportion of sessions offered';
    const pers = exposure === 'sessions' ? [1, 10] : [1, 0.1];
    slope = pers.map((per) => {
      const est = row.estimate * per;
      const se = row.se * per;
      const t = tInterval(est, se, row.df, ciLevel);
      return { per, unit: per === 0.1 ? '10 percentage points of sessions offered' : per === 10 ? '10 sessions' : unit, estimate: est, se, df: row.df, statistic: t.statistic, pValue: t.pValue, ci: t.ci, ciLevel };
    });
  }

  let bandRows: DoseBandRow[] | null = null;
  if (bands) {
    const present = state.frame.variables['attendance_band'];
    const presentLevels = present && present.kind === 'factor' ? present.levels : [];
    const mm = marginalMeans(fit, ['attendance_band'], { ciLevel });
    const diffs = contrast(mm, 'trt.vs.ctrl');
    const refLabel = presentLevels[0]!;
    bandRows = bands.map((b) => {
      const n = used.filter((u) => u.attended! >= b.min && u.attended! <= b.max).length;
      const k = presentLevels.indexOf(b.label);
      if (k < 0) {
        return { band: b.label, min: b.min, max: b.max, n, reference: false, mean: null, difference: null, estimable: false, reason: `no treated participant analysed attended ${b.min}–${b.max} sessions` };
      }
      const m = mm.rows[k]!;
      const reference = b.label === refLabel;
      const d = reference ? null : diffs.rows.find((c) => c.contrast === `${b.label} - ${refLabel}`)!;
      const estimable = m.estimable && (d === null || d.estimable);
      return {
        band: b.label,
        min: b.min,
        max: b.max,
        n,
        reference,
        mean: m.estimable ? { estimate: m.estimate!, se: m.se!, df: m.df!, ci: m.ci!, ciLevel } : null,
        difference: d && d.estimable ? { estimate: d.estimate!, se: d.se!, df: d.df!, statistic: d.statistic!, pValue: d.pValue!, ci: d.ci!, ciLevel } : null,
        estimable,
        reason: estimable ? null : (m.reason ?? d?.reason ?? null),
      };
    });
    if (bands[0]!.label !== refLabel) {
      diagnostics.push(referenceBandEmpty(bands[0]!.label, refLabel));
    }
  }

  // Bands are ranges of sessions attended, so their grid is in sessions whatever the exposure.
  const grid = options.grid ? [...options.grid] : defaultGrid(form === 'bands' ? 'sessions' : exposure, data.maxOffered);
  grid.forEach((g, i) => {
    if (typeof g !== 'number' || !Number.isFinite(g) || g < 0) throw new ArgumentError(`options.grid[${i}]`, g, 'a finite attendance value ≥ 0');
  });
  const prediction: DosePredictionRow[] = grid.map((a) => {
    if (form === 'bands') {
      const k = bandIndex(bands!, a);
      const row = k >= 0 ? bandRows![k]! : null;
      const m = row?.mean ?? null;
      // A band with a mean holds analysed participants, so its prediction is never an extrapolation.
      return m
        ? { attendance: a, estimate: m.estimate, se: m.se, df: m.df, ci: m.ci, ciLevel, extrapolated: false, estimable: true, reason: null }
        : { attendance: a, estimate: null, se: null, df: null, ci: null, ciLevel, extrapolated: true, estimable: false, reason: row?.reason ?? `no attendance band contains ${a} sessions` };
    }
    const extrapolated = a < xMin || a > xMax;
    const at: Record<string, number> = {};
    if (form === 'linear') at['attendance'] = a;
    else basis!.evaluate([a])[0]!.forEach((v, k) => (at[exposureTerms[k]!] = v));
    const p = marginalMeans(fit, [], { at, ciLevel }).rows[0]!;
    return { attendance: a, estimate: p.estimate, se: p.se, df: p.df, ci: p.ci, ciLevel, extrapolated, estimable: p.estimable, reason: p.reason };
  });

  const expoText = exposure === 'sessions' ? 'sessions attended' : 'proportion of sessions offered that were attended';
  const formText = form === 'linear' ? `a straight line in ${expoText}` : form === 'bands' ? `attendance bands (${bands!.map((b) => b.label).join(', ')} sessions)` : `a natural cubic spline in ${expoText} (df ${basis!.df}, interior knots ${basis!.knots.map((k) => +k.toFixed(4)).join(', ') || 'none'}, boundary knots ${basis!.boundaryKnots.join(', ')}; R's ns)`;
  const outText = outcome === 'adjusted' ? `${options.instrument} at ${options.visit} adjusted for baseline` : `change in ${options.instrument} from baseline to ${options.visit}`;
  return {
    kind: 'dose-response',
    instrument: options.instrument,
    visit: options.visit,
    treatedArm: data.treatedArm,
    outcome,
    exposure,
    form,
    exploratory: true,
    label: 'exploratory',
    caution: CAUTION,
    estimand: `Within the ${data.treatedArm} arm: the difference in mean ${outText}${covariates.length ? ` and ${covariates.join(', ')}` : ''} between participants who attended different amounts, modelled as ${formText}. An association, not a causal effect of attendance.`,
    method: `OLS within the treated arm: ${formula.replace(/^y/, outcome === 'adjusted' ? 'score' : 'change')}; ${clustered ? `${vcov} cluster-robust covariance by therapy group` : `${vcov} covariance`}; t tests and intervals with ${fit.ddf} df${fit.ddf === 'Satterthwaite' ? ' (Bell & McCaffrey 2002; Pustejovsky & Tipton 2018)' : ''}; predictions at the mean baseline${covariates.length ? ' and covariates (factors averaged with equal weights)' : ''}.`,
    n: fit.nObs,
    nClusters: fit.cluster?.nClusters ?? null,
    slope,
    bands: bandRows,
    spline: basis ? { df: basis.df, knots: basis.knots, boundaryKnots: basis.boundaryKnots } : null,
    test,
    prediction,
    coefficients: fit.fixedEffects,
    fit,
    diagnostics,
  };
}

function defaultGrid(exposure: DoseExposure, maxOffered: number): number[] {
  if (exposure === 'proportion') return Array.from({ length: 21 }, (_, k) => k / 20);
  return Array.from({ length: maxOffered + 1 }, (_, k) => k);
}
