/**
 * Register outcomes of the synthetic trial: labour-market status in three snapshot weeks
 * and psychiatric admissions with bed-days over the 15 months. The model is written out in
 * docs/synthetic-trial.md ("Register outcomes"); comments here say why a step is done the
 * way it is. Internal to src/simulate: `simulateTrial` calls {@link drawRegister} with two
 * random streams forked after all the older ones, so every older draw is unchanged.
 */
import { ArgumentError } from '../errors/index.js';
import { checkFinite, checkOptions, optionKeys } from '../errors/checks.js';
import { normalCdf } from '../distributions/normal.js';
import type { Rng } from '../random/rng.js';
import { gammaVariate } from '../random/variates.js';

/** Labour-market status categories, the reference (passive benefits) first. */
export const REGISTER_STATUSES = ['passive_benefits', 'rehabilitation', 'disability_pension', 'work_education'] as const;
/** A labour-market status in a snapshot week. */
export type RegisterStatus = (typeof REGISTER_STATUSES)[number];
/** Snapshot weeks: randomisation, end of course (9 months), follow-up (15 months). */
export const REGISTER_WEEKS = ['baseline', '9m', '15m'] as const;
/** A snapshot week. */
export type RegisterWeek = (typeof REGISTER_WEEKS)[number];
/** Days from randomisation to each snapshot week (months × 365.25 / 12, rounded). */
export const REGISTER_WEEK_DAYS: Readonly<Record<RegisterWeek, number>> = { baseline: 0, '9m': 274, '15m': 457 };
/** Length of the register window in days (15 months). */
export const REGISTER_PERIOD_DAYS = 457;

/** Log-odds against passive benefits, one per non-reference category. */
export interface StatusLogOdds {
  rehabilitation: number;
  disabilityPension: number;
  workOrEducation: number;
}
const LOG_ODDS_KEYS = optionKeys<StatusLogOdds>()(['rehabilitation', 'disabilityPension', 'workOrEducation']);

/** Multinomial-logit model of labour-market status (log-odds against passive benefits). */
export interface StatusSpec {
  /** Log-odds at each week for a control participant aged 40 with a main diagnosis outside F2 and random effect 0. */
  intercepts: Record<RegisterWeek, StatusLogOdds>;
  /** Change in log-odds per 10 years of age above 40. */
  age10: StatusLogOdds;
  /** Change in log-odds for a main diagnosis in F2. */
  F2: StatusLogOdds;
  /** SD of the participant's random effect on each category's log-odds (shared by the three weeks, so statuses persist). */
  participantSd: StatusLogOdds;
  /** SFT shift of the log-odds at 9 and 15 months (none at baseline: randomisation precedes the course). */
  treatedShift: Record<'9m' | '15m', StatusLogOdds>;
}

/** Negative-binomial admissions over the 15 months. */
export interface AdmissionSpec {
  /** Mean admissions per participant over a full 15-month window, by arm. */
  rate: { control: number; treated: number };
  /** Negative-binomial shape θ (variance μ + μ²/θ). */
  theta: number;
  /** Share who leave the register (death, emigration) before 15 months, at a uniform day; their exposure is shorter. */
  leftRegisterShare: number;
}

/** Bed-days per admission: a two-part log-normal mixture, so that a few stays are very long. */
export interface BedDaySpec {
  /** Log-scale mean of an ordinary stay. */
  shortLogMean: number;
  /** Log-scale SD of an ordinary stay. */
  shortLogSd: number;
  /** Probability that an admission is a long stay, by arm. */
  longShare: { control: number; treated: number };
  /** Log-scale mean of a long stay. */
  longLogMean: number;
  /** Log-scale SD of a long stay. */
  longLogSd: number;
}

/** The resolved register model. */
export interface RegisterSpec {
  status: StatusSpec;
  admissions: AdmissionSpec;
  bedDays: BedDaySpec;
  /** Whether the participants' `bed_days` and psychiatric-admission cost come from the register. */
  costsFromRegister: boolean;
}

type PartialLogOdds = Partial<StatusLogOdds>;
/** Options of the register model; every field is optional. */
export interface RegisterOptions {
  /**
   * Labour-market status model.
   * @defaultValue see {@link DEFAULT_REGISTER}
   */
  status?: {
    intercepts?: Partial<Record<RegisterWeek, PartialLogOdds>>;
    age10?: PartialLogOdds;
    F2?: PartialLogOdds;
    participantSd?: PartialLogOdds;
    treatedShift?: Partial<Record<'9m' | '15m', PartialLogOdds>>;
  };
  /**
   * Admission model.
   * @defaultValue `{ rate: { control: 0.45, treated: 0.5 }, theta: 0.7, leftRegisterShare: 0.03 }`
   */
  admissions?: { rate?: { control?: number; treated?: number }; theta?: number; leftRegisterShare?: number };
  /**
   * Bed-days per admission.
   * @defaultValue `{ shortLogMean: 2.2, shortLogSd: 0.8, longShare: { control: 0.03, treated: 0.1 }, longLogMean: 4.7, longLogSd: 0.45 }`
   */
  bedDays?: { shortLogMean?: number; shortLogSd?: number; longShare?: { control?: number; treated?: number }; longLogMean?: number; longLogSd?: number };
  /**
   * Take the participants' `bed_days` (and so `cost_psychiatric_admission` = bed-days × `costs.bedDayCost`)
   * from the register instead of the cost model's own admission draw, so that costs and register
   * agree. The cost model's admission options (`costs.admissionProbability`, `costs.bedDaysLogMean`,
   * `costs.bedDaysLogSd`) are then unused, and giving them other values than their defaults is an error. Every other column is the same either way.
   * @defaultValue false (the committed sample and everything computed from it keep the cost model's draw)
   */
  costsFromRegister?: boolean;
}

/**
 * Default register model. Shares at baseline of about 45 % passive benefits, 12 %
 * rehabilitation, 33 % disability pension and 10 % work or education, plausible for adults in
 * §85 housing support (the evaluation published directions, not shares). SFT moves people
 * from passive benefits into rehabilitation / job clarification (log-odds +0.4 at 9 months,
 * +0.25 at 15) and a little into work (+0.15, +0.1), leaving disability pension alone, as the
 * evaluation described. Admissions: about equal counts in the arms, but a long stay is more
 * common in SFT (10 % against 3 % of admissions), so SFT has more bed-days driven by a few
 * very long admissions.
 */
export const DEFAULT_REGISTER: Readonly<RegisterSpec> = Object.freeze({
  status: {
    intercepts: {
      baseline: { rehabilitation: -1.3, disabilityPension: -0.9, workOrEducation: -1.9 },
      '9m': { rehabilitation: -1.2, disabilityPension: -0.85, workOrEducation: -1.85 },
      '15m': { rehabilitation: -1.2, disabilityPension: -0.8, workOrEducation: -1.8 },
    },
    age10: { rehabilitation: -0.2, disabilityPension: 0.5, workOrEducation: -0.3 },
    F2: { rehabilitation: -0.2, disabilityPension: 0.4, workOrEducation: -0.4 },
    participantSd: { rehabilitation: 1, disabilityPension: 2, workOrEducation: 1.5 },
    treatedShift: {
      '9m': { rehabilitation: 0.4, disabilityPension: 0, workOrEducation: 0.15 },
      '15m': { rehabilitation: 0.25, disabilityPension: 0, workOrEducation: 0.1 },
    },
  },
  admissions: { rate: { control: 0.45, treated: 0.5 }, theta: 0.7, leftRegisterShare: 0.03 },
  bedDays: { shortLogMean: 2.2, shortLogSd: 0.8, longShare: { control: 0.03, treated: 0.1 }, longLogMean: 4.7, longLogSd: 0.45 },
  costsFromRegister: false,
});

function logOdds(path: string, v: unknown, def: StatusLogOdds, min: number, max: number): StatusLogOdds {
  const o = checkOptions(path, v as Record<string, unknown> | undefined, LOG_ODDS_KEYS);
  return {
    rehabilitation: checkFinite(`${path}.rehabilitation`, o['rehabilitation'] ?? def.rehabilitation, min, max),
    disabilityPension: checkFinite(`${path}.disabilityPension`, o['disabilityPension'] ?? def.disabilityPension, min, max),
    workOrEducation: checkFinite(`${path}.workOrEducation`, o['workOrEducation'] ?? def.workOrEducation, min, max),
  };
}

function byArm(path: string, v: unknown, def: { control: number; treated: number }, min: number, max: number): { control: number; treated: number } {
  const o = checkOptions(path, v as Record<string, unknown> | undefined, ['control', 'treated']);
  return { control: checkFinite(`${path}.control`, o['control'] ?? def.control, min, max), treated: checkFinite(`${path}.treated`, o['treated'] ?? def.treated, min, max) };
}

/**
 * Resolve and check `options.register`. Bounds keep every draw finite and every loop short:
 * log-odds within ±10, SDs ≤ 5, at most 20 admissions per window on average, θ ≥ 0.05.
 * @throws ArgumentError naming the option path.
 */
export function resolveRegisterOptions(v: unknown, path = 'options.register'): RegisterSpec {
  const o = checkOptions(path, v as RegisterOptions | undefined, optionKeys<RegisterOptions>()(['status', 'admissions', 'bedDays', 'costsFromRegister']));
  const d = DEFAULT_REGISTER;
  const sp = `${path}.status`;
  const s = checkOptions(sp, o.status, optionKeys<NonNullable<RegisterOptions['status']>>()(['intercepts', 'age10', 'F2', 'participantSd', 'treatedShift']));
  const ic = checkOptions(`${sp}.intercepts`, s.intercepts, REGISTER_WEEKS);
  const ts = checkOptions(`${sp}.treatedShift`, s.treatedShift, ['9m', '15m']);
  const status: StatusSpec = {
    intercepts: {
      baseline: logOdds(`${sp}.intercepts.baseline`, ic.baseline, d.status.intercepts.baseline, -10, 10),
      '9m': logOdds(`${sp}.intercepts.9m`, ic['9m'], d.status.intercepts['9m'], -10, 10),
      '15m': logOdds(`${sp}.intercepts.15m`, ic['15m'], d.status.intercepts['15m'], -10, 10),
    },
    age10: logOdds(`${sp}.age10`, s.age10, d.status.age10, -5, 5),
    F2: logOdds(`${sp}.F2`, s.F2, d.status.F2, -10, 10),
    participantSd: logOdds(`${sp}.participantSd`, s.participantSd, d.status.participantSd, 0, 5),
    treatedShift: {
      '9m': logOdds(`${sp}.treatedShift.9m`, ts['9m'], d.status.treatedShift['9m'], -10, 10),
      '15m': logOdds(`${sp}.treatedShift.15m`, ts['15m'], d.status.treatedShift['15m'], -10, 10),
    },
  };
  const ap = `${path}.admissions`;
  const a = checkOptions(ap, o.admissions, optionKeys<NonNullable<RegisterOptions['admissions']>>()(['rate', 'theta', 'leftRegisterShare']));
  const admissions: AdmissionSpec = {
    rate: byArm(`${ap}.rate`, a.rate, d.admissions.rate, 0, 20),
    theta: checkFinite(`${ap}.theta`, a.theta ?? d.admissions.theta, 0.05, 1e6),
    leftRegisterShare: checkFinite(`${ap}.leftRegisterShare`, a.leftRegisterShare ?? d.admissions.leftRegisterShare, 0, 1),
  };
  const bp = `${path}.bedDays`;
  const b = checkOptions(bp, o.bedDays, optionKeys<NonNullable<RegisterOptions['bedDays']>>()(['shortLogMean', 'shortLogSd', 'longShare', 'longLogMean', 'longLogSd']));
  const bedDays: BedDaySpec = {
    shortLogMean: checkFinite(`${bp}.shortLogMean`, b.shortLogMean ?? d.bedDays.shortLogMean, -2, 6),
    shortLogSd: checkFinite(`${bp}.shortLogSd`, b.shortLogSd ?? d.bedDays.shortLogSd, 0, 3),
    longShare: byArm(`${bp}.longShare`, b.longShare, d.bedDays.longShare, 0, 1),
    longLogMean: checkFinite(`${bp}.longLogMean`, b.longLogMean ?? d.bedDays.longLogMean, -2, 6),
    longLogSd: checkFinite(`${bp}.longLogSd`, b.longLogSd ?? d.bedDays.longLogSd, 0, 3),
  };
  if (bedDays.longLogMean < bedDays.shortLogMean) {
    throw new ArgumentError(`${bp}.longLogMean`, bedDays.longLogMean, `at least ${bp}.shortLogMean (${bedDays.shortLogMean}): long stays are the long ones`);
  }
  const costsFromRegister = o.costsFromRegister ?? false;
  if (typeof costsFromRegister !== 'boolean') throw new ArgumentError(`${path}.costsFromRegister`, costsFromRegister, 'true or false');
  return { status, admissions, bedDays, costsFromRegister };
}

/** One register row: a participant in a snapshot week, with the participant's 15-month admission totals repeated. */
export interface RegisterRow {
  id: string;
  week: RegisterWeek;
  /** Status in the week; `null` when the participant had left the register before it. */
  status: RegisterStatus | null;
  /** Psychiatric admissions starting in the window. */
  admissions: number;
  /** Bed-days of those admissions (each counted in full). */
  bedDays: number;
  /** Days in the register window (457 unless the participant left it). */
  daysAtRisk: number;
}

/** Bed-day distribution of one arm as drawn. */
export interface RegisterBedDaySummary {
  n: number;
  mean: number;
  median: number;
  /** Share of the arm's bed-days from its top 5 % of participants (the ⌈0.05 n⌉ with most bed-days). */
  top5Share: number;
}

/** The truth of the register part. */
export interface RegisterTruth {
  model: RegisterSpec;
  /**
   * Expected status shares by arm and week: the model's probabilities integrated over the
   * participant random effects (20-point Gauss–Hermite per effect) and averaged over the
   * ages and main diagnoses of the arm's participants still in the register that week (all of
   * the arm's participants when none is left).
   */
  statusProbabilities: Record<string, Record<RegisterWeek, Record<RegisterStatus, number>>>;
  /** The SFT shift of the conditional log-odds against passive benefits (0 at baseline). */
  treatedShift: Record<RegisterWeek, StatusLogOdds>;
  /**
   * The population-averaged log odds ratio SFT vs control of each category against passive
   * benefits, from `statusProbabilities` (smaller than the conditional shift: averaging over
   * random effects attenuates it; also reflects chance covariate imbalance between the arms).
   */
  marginalLogOddsRatio: Record<RegisterWeek, StatusLogOdds>;
  /** Expected admissions per participant by arm given the drawn exposures (rate × mean days at risk ÷ 457). */
  expectedAdmissions: Record<string, number>;
  /** Expected bed-days per admission by arm (the rounded log-normal mixture, exact). */
  expectedBedDaysPerAdmission: Record<string, number>;
  /** Expected bed-days per participant by arm given the drawn exposures. */
  expectedBedDays: Record<string, number>;
  /** Bed-days as drawn, by arm. */
  bedDays: Record<string, RegisterBedDaySummary>;
}

/** What the register draw needs to know about the participants. */
export interface RegisterInputs {
  ids: readonly string[];
  treated: Uint8Array;
  age: Int32Array;
  F2: Uint8Array;
  arms: { control: string; treated: string };
}

// ---------------------------------------------------------------------------------------
// Random variates not in the core generator.

/** Poisson(λ) by inversion, in pieces of mean ≤ 500 so that exp(−λ) never underflows. */
function poissonVariate(rng: Rng, lambda: number): number {
  let n = 0;
  let rest = lambda;
  while (rest > 0) {
    const m = Math.min(rest, 500);
    rest -= m;
    let p = Math.exp(-m);
    let f = p;
    const u = rng.uniform();
    let k = 0;
    while (u > f && p > 0) {
      k++;
      p *= m / k;
      f += p;
    }
    n += k;
  }
  return n;
}

/** Gauss–Hermite nodes and weights for ∫ f(z) φ(z) dz (Golub–Welsch-free Newton iteration, Numerical Recipes `gauher`). */
function gaussHermiteNormal(n: number): { z: Float64Array; w: Float64Array } {
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  const m = (n + 1) >> 1;
  const pim4 = 0.7511255444649425;
  let z = 0;
  for (let i = 0; i < m; i++) {
    if (i === 0) z = Math.sqrt(2 * n + 1) - 1.85575 * Math.pow(2 * n + 1, -0.16667);
    else if (i === 1) z -= (1.14 * Math.pow(n, 0.426)) / z;
    else if (i === 2) z = 1.86 * z - 0.86 * x[0]!;
    else if (i === 3) z = 1.91 * z - 0.91 * x[1]!;
    else z = 2 * z - x[i - 2]!;
    let pp = 0;
    for (let it = 0; it < 100; it++) {
      let p1 = pim4;
      let p2 = 0;
      for (let j = 0; j < n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = z * Math.sqrt(2 / (j + 1)) * p2 - Math.sqrt(j / (j + 1)) * p3;
      }
      pp = Math.sqrt(2 * n) * p2;
      const z1 = z;
      z = z1 - p1 / pp;
      if (Math.abs(z - z1) <= 1e-14) break;
    }
    x[i] = z;
    x[n - 1 - i] = -z;
    w[i] = 2 / (pp * pp);
    w[n - 1 - i] = w[i]!;
  }
  // Physicists' weight e^{−x²} → standard normal: z = √2 x, weights ÷ √π.
  const zs = new Float64Array(n);
  const ws = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    zs[i] = Math.SQRT2 * x[i]!;
    ws[i] = w[i]! / Math.sqrt(Math.PI);
  }
  return { z: zs, w: ws };
}

/**
 * E[max(1, round(e^(μ + σZ)))] exactly: the sum over k ≥ 1 of P(value ≥ k), where for k ≥ 2
 * the value is ≥ k exactly when e^(μ+σZ) ≥ k − ½.
 */
export function expectedRoundedLognormal(mu: number, sigma: number): number {
  let sum = 1;
  for (let k = 2; ; k++) {
    const t = Math.log(k - 0.5);
    const p = sigma > 0 ? normalCdf((t - mu) / sigma, { lowerTail: false }) : t <= mu ? 1 : 0;
    sum += p;
    if (p < 1e-13 && t > mu) return sum;
  }
}

function stayDays(rng: Rng, long: boolean, b: BedDaySpec): number {
  const mu = long ? b.longLogMean : b.shortLogMean;
  const sd = long ? b.longLogSd : b.shortLogSd;
  return Math.max(1, Math.round(Math.exp(mu + sd * rng.normal())));
}

function vec(v: StatusLogOdds): [number, number, number] {
  return [v.rehabilitation, v.disabilityPension, v.workOrEducation];
}

function summarise(days: number[]): RegisterBedDaySummary {
  const n = days.length;
  if (n === 0) return { n: 0, mean: 0, median: 0, top5Share: 0 };
  const sorted = [...days].sort((a, b) => a - b);
  const total = sorted.reduce((s, x) => s + x, 0);
  const median = n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  const top = Math.ceil(0.05 * n);
  let topSum = 0;
  for (let i = n - top; i < n; i++) topSum += sorted[i]!;
  return { n, mean: total / n, median, top5Share: total > 0 ? topSum / total : 0 };
}

/**
 * Draw the register part: statuses from `rStatus`, register exits, admissions and bed-days
 * from `rAdmit` (two streams, so a change of the admission model leaves statuses alone).
 * Registers cover everyone randomised, including those who never gave questionnaire data.
 */
export function drawRegister(rStatus: Rng, rAdmit: Rng, spec: RegisterSpec, input: RegisterInputs): { rows: RegisterRow[]; truth: RegisterTruth } {
  const N = input.ids.length;
  const st = spec.status;
  const W = REGISTER_WEEKS.length;
  const icpt = REGISTER_WEEKS.map((w) => vec(st.intercepts[w]));
  const shift = REGISTER_WEEKS.map((w) => (w === 'baseline' ? [0, 0, 0] : vec(st.treatedShift[w])));
  const bAge = vec(st.age10);
  const bF2 = vec(st.F2);
  const sd = vec(st.participantSd);

  // ---- Status ------------------------------------------------------------------------------
  const status = new Int8Array(N * W);
  const eta = [0, 0, 0, 0];
  for (let i = 0; i < N; i++) {
    const u0 = sd[0] * rStatus.normal();
    const u1 = sd[1] * rStatus.normal();
    const u2 = sd[2] * rStatus.normal();
    const x = (input.age[i]! - 40) / 10;
    const f = input.F2[i]!;
    const t = input.treated[i]!;
    for (let w = 0; w < W; w++) {
      const a = icpt[w]!;
      const s = shift[w]!;
      eta[1] = Math.exp(a[0] + bAge[0] * x + bF2[0] * f + u0 + t * s[0]!);
      eta[2] = Math.exp(a[1] + bAge[1] * x + bF2[1] * f + u1 + t * s[1]!);
      eta[3] = Math.exp(a[2] + bAge[2] * x + bF2[2] * f + u2 + t * s[2]!);
      const total = 1 + eta[1]! + eta[2]! + eta[3]!;
      let r = rStatus.uniform() * total - 1;
      let c = 0;
      while (r >= 0 && c < 3) r -= eta[++c]!;
      status[i * W + w] = c;
    }
  }

  // ---- Exits, admissions, bed-days ------------------------------------------------------------
  const ad = spec.admissions;
  const daysAtRisk = new Int32Array(N);
  const admissions = new Int32Array(N);
  const bedDays = new Int32Array(N);
  // Exits first, in a pass of their own, so that who leaves (and with it which statuses are
  // missing) does not move when the admission or bed-day model changes.
  for (let i = 0; i < N; i++) {
    daysAtRisk[i] = rAdmit.uniform() < ad.leftRegisterShare ? 1 + rAdmit.int(REGISTER_PERIOD_DAYS - 1) : REGISTER_PERIOD_DAYS;
  }
  for (let i = 0; i < N; i++) {
    const t = input.treated[i] === 1;
    const days = daysAtRisk[i]!;
    // Negative binomial as a gamma mixture of Poissons: the gamma frailty has mean 1, shape θ.
    const frailty = gammaVariate(rAdmit, ad.theta) / ad.theta;
    const n = poissonVariate(rAdmit, ((t ? ad.rate.treated : ad.rate.control) * days * frailty) / REGISTER_PERIOD_DAYS);
    admissions[i] = n;
    const pLong = t ? spec.bedDays.longShare.treated : spec.bedDays.longShare.control;
    let sum = 0;
    for (let k = 0; k < n; k++) sum += stayDays(rAdmit, rAdmit.uniform() < pLong, spec.bedDays);
    bedDays[i] = sum;
  }

  // ---- Rows ------------------------------------------------------------------------------------
  const rows: RegisterRow[] = [];
  for (let i = 0; i < N; i++) {
    for (let w = 0; w < W; w++) {
      const week = REGISTER_WEEKS[w]!;
      const inRegister = daysAtRisk[i]! >= REGISTER_WEEK_DAYS[week];
      rows.push({
        id: input.ids[i]!,
        week,
        status: inRegister ? REGISTER_STATUSES[status[i * W + w]!]! : null,
        admissions: admissions[i]!,
        bedDays: bedDays[i]!,
        daysAtRisk: daysAtRisk[i]!,
      });
    }
  }

  // ---- Truth -----------------------------------------------------------------------------------
  const gh = gaussHermiteNormal(20);
  const G = gh.z.length;
  // Participants are pooled into cells of (arm, age, F2) per week: the integral depends on nothing else.
  const statusProbabilities: RegisterTruth['statusProbabilities'] = {};
  const armNames = [input.arms.control, input.arms.treated];
  for (let arm = 0; arm < 2; arm++) {
    const byWeek = {} as Record<RegisterWeek, Record<RegisterStatus, number>>;
    for (let w = 0; w < W; w++) {
      const week = REGISTER_WEEKS[w]!;
      const cells = new Map<number, number>();
      let nPresent = 0;
      // When everyone in the arm has left before the week, the share is the one they would have
      // had: the average over the whole arm (a share over nobody would be 0/0).
      for (const everyone of [false, true]) {
        for (let i = 0; i < N; i++) {
          if (input.treated[i] !== arm || (!everyone && daysAtRisk[i]! < REGISTER_WEEK_DAYS[week])) continue;
          const key = input.age[i]! * 2 + input.F2[i]!;
          cells.set(key, (cells.get(key) ?? 0) + 1);
          nPresent++;
        }
        if (nPresent > 0) break;
      }
      const acc = [0, 0, 0, 0];
      const a = icpt[w]!;
      const s = shift[w]!;
      for (const [key, count] of cells) {
        const x = (Math.floor(key / 2) - 40) / 10;
        const f = key % 2;
        const base = [0, 1, 2].map((c) => a[c]! + bAge[c]! * x + bF2[c]! * f + arm * s[c]!);
        for (let g0 = 0; g0 < G; g0++) {
          const e1 = Math.exp(base[0]! + sd[0] * gh.z[g0]!);
          for (let g1 = 0; g1 < G; g1++) {
            const e2 = Math.exp(base[1]! + sd[1] * gh.z[g1]!);
            const w01 = gh.w[g0]! * gh.w[g1]! * count;
            for (let g2 = 0; g2 < G; g2++) {
              const e3 = Math.exp(base[2]! + sd[2] * gh.z[g2]!);
              const wt = (w01 * gh.w[g2]!) / (1 + e1 + e2 + e3);
              acc[0] = acc[0]! + wt;
              acc[1] = acc[1]! + wt * e1;
              acc[2] = acc[2]! + wt * e2;
              acc[3] = acc[3]! + wt * e3;
            }
          }
        }
      }
      byWeek[week] = Object.fromEntries(REGISTER_STATUSES.map((name, c) => [name, acc[c]! / nPresent])) as Record<RegisterStatus, number>;
    }
    statusProbabilities[armNames[arm]!] = byWeek;
  }
  const treatedShift = {} as Record<RegisterWeek, StatusLogOdds>;
  const marginalLogOddsRatio = {} as Record<RegisterWeek, StatusLogOdds>;
  for (let w = 0; w < W; w++) {
    const week = REGISTER_WEEKS[w]!;
    const s = shift[w]!;
    treatedShift[week] = { rehabilitation: s[0]!, disabilityPension: s[1]!, workOrEducation: s[2]! };
    const pc = statusProbabilities[input.arms.control]![week];
    const pt = statusProbabilities[input.arms.treated]![week];
    const lor = (k: RegisterStatus): number => Math.log(pt[k] / pt.passive_benefits) - Math.log(pc[k] / pc.passive_benefits);
    marginalLogOddsRatio[week] = { rehabilitation: lor('rehabilitation'), disabilityPension: lor('disability_pension'), workOrEducation: lor('work_education') };
  }

  const b = spec.bedDays;
  const shortMean = expectedRoundedLognormal(b.shortLogMean, b.shortLogSd);
  const longMean = expectedRoundedLognormal(b.longLogMean, b.longLogSd);
  const expectedAdmissions: Record<string, number> = {};
  const expectedBedDaysPerAdmission: Record<string, number> = {};
  const expectedBedDays: Record<string, number> = {};
  const bedDaySummary: Record<string, RegisterBedDaySummary> = {};
  for (let arm = 0; arm < 2; arm++) {
    const name = armNames[arm]!;
    let exposure = 0;
    const days: number[] = [];
    for (let i = 0; i < N; i++) {
      if (input.treated[i] !== arm) continue;
      exposure += daysAtRisk[i]!;
      days.push(bedDays[i]!);
    }
    const rate = arm ? ad.rate.treated : ad.rate.control;
    const pLong = arm ? b.longShare.treated : b.longShare.control;
    expectedAdmissions[name] = days.length > 0 ? (rate * exposure) / REGISTER_PERIOD_DAYS / days.length : 0;
    expectedBedDaysPerAdmission[name] = (1 - pLong) * shortMean + pLong * longMean;
    expectedBedDays[name] = expectedAdmissions[name]! * expectedBedDaysPerAdmission[name]!;
    bedDaySummary[name] = summarise(days);
  }
  return {
    rows,
    truth: {
      model: spec,
      statusProbabilities,
      treatedShift,
      marginalLogOddsRatio,
      expectedAdmissions,
      expectedBedDaysPerAdmission,
      expectedBedDays,
      bedDays: bedDaySummary,
    },
  };
}
