/**
 * The row generator: a synthetic SFT-like trial as participant and measurement rows with
 * the true parameters that produced them. The statistical model is written out in
 * docs/synthetic-trial.md; comments here say why a step is done the way it is.
 */
import { dict } from '../data/own.js';
import { createRng, type Rng } from '../random/rng.js';
import type { Measurement, Participant, Sex, TrialDesign } from '../data/types.js';
import { calibrateIntercept, completedYears, dayToIso, drawClusters, isoToDay, label, logistic, toResolution } from './core.js';
import { DIAGNOSIS_CHAPTERS, ICD10_POOLS, type DiagnosisChapter } from './icd10.js';
import { drawRegister, type RegisterRow, type RegisterTruth } from './register.js';
import {
  SIM_SCALES,
  resolveTrialOptions,
  type ResolvedTrialOptions,
  type SimulateTrialOptions,
} from './options.js';

/** The true effect of one instrument at one visit. */
export interface TrueEffect {
  /** Average effect over the SFT arm by construction: `effect × effectMultiplier`, in SD units. */
  sd: number;
  /** The same in score units (`sd × instrument SD`): the expected SFT − control difference in means. */
  raw: number;
  /**
   * The realised average of the individual effects over this draw's SFT arm, in score units,
   * before rounding and clamping. Differs from `raw` only by the realised group effects.
   */
  sampleAverageRaw: number;
}

/** One therapy group as drawn. */
export interface TrueGroup {
  name: string;
  site: string;
  size: number;
  /** The group's random effect on the treatment effect, in SD units at `effectMultiplier` 1 (already × `groupSd`). */
  effect: number;
  /** Start date of the course (ISO). */
  start: string;
}

/** One site (municipality) as drawn. */
export interface TrueSite {
  name: string;
  nTreated: number;
  nControl: number;
  /** Implementation cost per SFT citizen at this site (DKK, whole kroner). */
  implementationCost: number;
  /** Operating cost per SFT citizen at this site (DKK, whole kroner). */
  operationCost: number;
}

/** Everything the generator used, for checking an analysis against the truth. */
export interface SimulationTruth {
  /** Generator and model version: a change of the model that alters draws bumps it. */
  generator: 'rcteval.simulateTrial';
  modelVersion: 1;
  /** The resolved options (every default written out). */
  options: ResolvedTrialOptions;
  counts: {
    randomised: number;
    byArm: Record<string, number>;
    noData: number;
    /** Participants with at least one non-missing score. */
    analysed: number;
    /** Participants who attended each visit (had measurement rows), by visit. */
    attendedByVisit: Record<string, number>;
    groups: number;
    sites: number;
  };
  groups: TrueGroup[];
  sites: TrueSite[];
  /** The SFT-arm means the effect modifiers are centred on (so `effect` is the arm's average effect). */
  modifierCentres: { F2Share: number; age25to34Share: number; recentDiagnosisShare: number; meanSessionsAttended: number };
  /** The fitted MAR dropout intercepts: logit P(stay at visit | at previous visit) = intercept + slope·x + treatedShift·SFT. */
  attrition: { predictor: string; slope: number; treatedShift: number; intercepts: Record<string, number> };
  /** True effects by instrument and visit (baseline included, where it is 0). */
  effects: Record<string, Record<string, TrueEffect>>;
  /** Register outcomes: status probabilities per arm × week, the SFT log-odds shifts, admissions and bed-days. */
  register: RegisterTruth;
}

/** A synthetic trial: rows as `validateTrial` takes them, the design and the truth. */
export interface SimulatedTrial {
  participants: Participant[];
  measurements: Measurement[];
  /** Register outcomes, one row per participant × snapshot week (baseline, 9m, 15m), everyone randomised. */
  register: RegisterRow[];
  design: TrialDesign;
  truth: SimulationTruth;
}

/** Days per month for measurement dates (365.25 / 12). */
const DAYS_PER_MONTH = 30.4375;

/** SD of the noise of each WHO-5 item around the participant's latent item level. */
const WHO5_ITEM_NOISE = 0.5;

function pickWeighted<T>(rng: Rng, pool: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, w] of pool) total += w;
  let u = rng.uniform() * total;
  for (const [v, w] of pool) {
    u -= w;
    if (u < 0) return v;
  }
  return pool[pool.length - 1]![0];
}

/**
 * Simulate an SFT-like randomised trial with known true effects.
 *
 * With the default options it mirrors the SFT trial: 304 randomised (11 never give data,
 * so 293 analysed), the SFT arm in 19 therapy groups of 7–9 in 9 municipalities, controls
 * in no group, visits at baseline, 9 and 15 months with MAR attrition to about 234 and 194,
 * PSP, MHRM, WHO-5 (with items) and EQ-5D, covariates, attendance and costs, and register
 * outcomes for everyone randomised (labour-market status in three snapshot weeks, psychiatric
 * admissions and bed-days over 15 months). Every size, effect and attrition parameter is an
 * option, so trials of any size can be drawn.
 *
 * The generator draws complete data first and then removes what is missing, from separate
 * random streams, so changing an effect size leaves who is measured (and the covariates)
 * unchanged.
 *
 * @param options - see {@link SimulateTrialOptions}; every field is optional.
 * @returns rows shaped like `Participant` and `Measurement`, register rows (participant × week),
 *   the `TrialDesign`, and `truth`.
 * @throws ArgumentError when an option is invalid (the message names the option path, the
 *   value and what was expected), before anything is drawn.
 * @example
 * const { participants, measurements, truth } = simulateTrial({ seed: 11 });
 * participants.length; // 304
 * truth.counts.analysed; // 293
 * new Set(participants.filter((p) => p.arm === 'SFT').map((p) => p.group)).size; // 19
 * const { register } = simulateTrial({ seed: 11 });
 * register.length; // 912: baseline, 9m and 15m for each of the 304
 */
export function simulateTrial(options?: SimulateTrialOptions): SimulatedTrial {
  const opt = resolveTrialOptions(options);
  return simulateResolved(opt);
}

/** The internal twin: works on resolved options. */
export function simulateResolved(opt: ResolvedTrialOptions): SimulatedTrial {
  const N = opt.nParticipants;
  const root = createRng(opt.seed);
  // Separate streams, forked in a fixed order, keep the parts of the draw independent of
  // each other's options (e.g. a bigger effect does not reshuffle who drops out).
  const rStructure = root.fork();
  const rPeople = root.fork();
  const rDates = root.fork();
  const rOutcome = root.fork();
  const rMissing = root.fork();
  const rCost = root.fork();
  // Forked after every older stream, so adding the register left all older draws as they were.
  const rStatus = root.fork();
  const rAdmit = root.fork();

  // ---- Structure: groups, sites, allocation ------------------------------------------
  const layout = drawClusters(rStructure, opt.nGroups, opt.groupSize.min, opt.groupSize.max, opt.nSites);
  const nTreated = layout.nTreated;
  // Slot k < nTreated is a place in a group; slots ≥ nTreated are controls, each tied to a
  // "reference" group of a randomly chosen treated slot: randomisation happened site by site,
  // alongside a forming group, so controls share its site and calendar time.
  const slotGroup = new Int32Array(N);
  const slotRef = new Int32Array(N);
  {
    let k = 0;
    for (let g = 0; g < opt.nGroups; g++) for (let j = 0; j < layout.groupSize[g]!; j++) slotGroup[k++] = g;
    for (let s = 0; s < nTreated; s++) slotRef[s] = slotGroup[s]!;
    for (let s = nTreated; s < N; s++) {
      slotGroup[s] = -1;
      slotRef[s] = slotGroup[rStructure.int(nTreated)]!;
    }
  }
  // Randomisation order: a random permutation of the slots gives ids in random arm order.
  const perm = new Int32Array(N);
  for (let i = 0; i < N; i++) perm[i] = i;
  for (let i = N - 1; i > 0; i--) {
    const j = rStructure.int(i + 1);
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  const group = new Int32Array(N);
  const refGroup = new Int32Array(N);
  const treated = new Uint8Array(N);
  for (let i = 0; i < N; i++) {
    group[i] = slotGroup[perm[i]!]!;
    refGroup[i] = slotRef[perm[i]!]!;
    treated[i] = group[i]! >= 0 ? 1 : 0;
  }
  // Who never gives data: a simple random sample of nNoData participants (partial Fisher–Yates).
  const noData = new Uint8Array(N);
  {
    const idx = new Int32Array(N);
    for (let i = 0; i < N; i++) idx[i] = i;
    for (let k = 0; k < opt.nNoData; k++) {
      const j = k + rStructure.int(N - k);
      const t = idx[k]!;
      idx[k] = idx[j]!;
      idx[j] = t;
      noData[idx[k]!] = 1;
    }
  }

  // ---- People: sex, age, diagnoses, attendance ------------------------------------------
  const sex: Sex[] = new Array<Sex>(N);
  const age = new Int32Array(N);
  const mainChapter: DiagnosisChapter[] = new Array<DiagnosisChapter>(N);
  const diagnoses: string[][] = new Array<string[]>(N);
  const yearsSinceDx = new Float64Array(N);
  const sessions = new Int32Array(N).fill(-1);
  const chapterPool = DIAGNOSIS_CHAPTERS.map((ch) => [ch, opt.diagnosisShares[ch]] as const);
  const bandPool = opt.ageBands.map((b) => [b, b.share] as const);
  for (let i = 0; i < N; i++) {
    sex[i] = rPeople.uniform() < opt.femaleShare ? 'female' : 'male';
    const band = pickWeighted(rPeople, bandPool);
    age[i] = band.min + rPeople.int(band.max - band.min + 1);
    const ch = pickWeighted(rPeople, chapterPool);
    mainChapter[i] = ch;
    const codes = [pickWeighted(rPeople, ICD10_POOLS[ch])];
    const u = rPeople.uniform();
    const extra = u < opt.comorbidity.two ? 2 : u < opt.comorbidity.two + opt.comorbidity.one ? 1 : 0;
    const others = DIAGNOSIS_CHAPTERS.filter((c) => c !== ch);
    for (let e = 0; e < extra; e++) {
      const oc = others.splice(rPeople.int(others.length), 1)[0]!;
      codes.push(pickWeighted(rPeople, ICD10_POOLS[oc]));
    }
    diagnoses[i] = codes;
    // Years since diagnosis: exponential with the given mean, truncated at the years since
    // the youngest age of diagnosis (inverse transform of the truncated distribution).
    const cap = age[i]! - opt.minAgeAtDiagnosis;
    const mu = opt.yearsSinceDiagnosisMean;
    yearsSinceDx[i] = -mu * Math.log(1 - rPeople.uniform() * (1 - Math.exp(-cap / mu)));
    if (treated[i]) {
      const s = opt.sessions;
      if (rPeople.uniform() < s.dropoutShare) sessions[i] = rPeople.int(s.dropoutMaxSessions + 1);
      else {
        const p = logistic(s.adherenceLogitMean + s.adherenceLogitSd * rPeople.normal());
        let k = 0;
        for (let j = 0; j < s.offered; j++) if (rPeople.uniform() < p) k++;
        sessions[i] = k;
      }
    }
  }

  // ---- Dates ----------------------------------------------------------------------------
  const fromDay = isoToDay(opt.groupStarts.from);
  const spanDays = isoToDay(opt.groupStarts.to) - fromDay + 1;
  const groupStart = new Float64Array(opt.nGroups);
  for (let g = 0; g < opt.nGroups; g++) groupStart[g] = fromDay + rDates.int(spanDays);
  const randDay = new Float64Array(N);
  const birth: string[] = new Array<string>(N);
  const diagnosisDate: string[] = new Array<string>(N);
  for (let i = 0; i < N; i++) {
    randDay[i] = groupStart[refGroup[i]!]! - 7 - rDates.int(36);
    const r = dayToIso(randDay[i]!);
    const y = Number(r.slice(0, 4)) - age[i]!;
    const mo = Number(r.slice(5, 7));
    // 29 February of a leap year maps to 28 February, not 1 March, so that the birthday never
    // falls after the randomisation date and the age stays the drawn one.
    const d = Math.min(Number(r.slice(8, 10)), mo === 2 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) ? 28 : 31);
    birth[i] = dayToIso(Date.UTC(y, mo - 1, d) / 86_400_000 - rDates.int(365));
    // Recomputed from the dates as any reader would, so that age and birth date agree by construction.
    age[i] = completedYears(birth[i]!, r);
    diagnosisDate[i] = dayToIso(randDay[i]! - Math.round(yearsSinceDx[i]! * 365.25));
  }

  // ---- Treatment-effect centres (SFT arm means) -----------------------------------------
  let nT = 0;
  let sF2 = 0;
  let sAge = 0;
  let sRecent = 0;
  let sSess = 0;
  for (let i = 0; i < N; i++) {
    if (!treated[i]) continue;
    nT++;
    if (mainChapter[i] === 'F2') sF2++;
    if (age[i]! >= 25 && age[i]! <= 34) sAge++;
    if (yearsSinceDx[i]! < opt.modifiers.recentYears) sRecent++;
    sSess += sessions[i]!;
  }
  const centres = { F2Share: sF2 / nT, age25to34Share: sAge / nT, recentDiagnosisShare: sRecent / nT, meanSessionsAttended: sSess / nT };

  // ---- Complete outcome data --------------------------------------------------------------
  const V = opt.visits.length;
  const K = opt.outcomes.length;
  const groupU = new Float64Array(opt.nGroups);
  for (let g = 0; g < opt.nGroups; g++) groupU[g] = opt.groupSd * rOutcome.normal();
  const rho = opt.participantShare;
  const lam = opt.instrumentCorrelation;
  const sdB = Math.sqrt(rho);
  const sdE = Math.sqrt(1 - rho);
  // score[(i·V + v)·K + k]; WHO-5 items kept aside in items5[((i·V + v)·5 + j)].
  const score = new Float64Array(N * V * K);
  const kWho = opt.outcomes.indexOf('WHO5');
  const items5 = kWho >= 0 ? new Int8Array(N * V * 5) : null;
  const indivEffect = new Float64Array(K); // per participant, reused
  const sampleEffectSum = new Float64Array(K);
  const modOn = opt.outcomes.map((id) => opt.modifiers.instruments.includes(id));
  for (let i = 0; i < N; i++) {
    const f = rOutcome.normal();
    const isT = treated[i] === 1;
    for (let k = 0; k < K; k++) {
      const spec = opt.instruments[opt.outcomes[k]!];
      let eff = 0;
      if (isT) {
        eff = spec.effect;
        if (modOn[k]) {
          const m = opt.modifiers;
          eff +=
            m.F2 * ((mainChapter[i] === 'F2' ? 1 : 0) - centres.F2Share) +
            m.age25to34 * ((age[i]! >= 25 && age[i]! <= 34 ? 1 : 0) - centres.age25to34Share) +
            m.recentDiagnosis * ((yearsSinceDx[i]! < m.recentYears ? 1 : 0) - centres.recentDiagnosisShare) +
            (m.attendancePer10Sessions * (sessions[i]! - centres.meanSessionsAttended)) / 10;
        }
        if (spec.effect !== 0) eff += groupU[group[i]!]!;
        sampleEffectSum[k] = sampleEffectSum[k]! + eff;
      }
      indivEffect[k] = eff;
    }
    for (let k = 0; k < K; k++) {
      const id = opt.outcomes[k]!;
      const spec = opt.instruments[id];
      const scale = SIM_SCALES[id];
      const b = sdB * (Math.sqrt(lam) * f + Math.sqrt(1 - lam) * rOutcome.normal());
      for (let v = 0; v < V; v++) {
        const visit = opt.visits[v]!;
        const z = b + sdE * rOutcome.normal() + visit.controlChange + (isT ? visit.effectMultiplier * indivEffect[k]! : 0);
        const x = spec.mean + spec.sd * z;
        const at = (i * V + v) * K + k;
        if (k === kWho && items5) {
          // WHO-5 is scored from five 0–5 items (total = 4 × sum), so the items are drawn
          // around the latent item level x/20 and the total follows from them.
          let sum = 0;
          for (let j = 0; j < 5; j++) {
            const it = Math.min(5, Math.max(0, Math.round(x / 20 + WHO5_ITEM_NOISE * rOutcome.normal())));
            items5[(i * V + v) * 5 + j] = it;
            sum += it;
          }
          score[at] = 4 * sum;
        } else {
          score[at] = toResolution(x, scale.min, scale.max, scale.step);
        }
      }
    }
  }

  // ---- Missingness: no-data people, instrument gaps, MAR monotone dropout --------------
  // present[(i·V + v)·K + k] = 1 when the score is observed; attended[i·V + v] = 1 when the
  // participant came to the visit (has rows, possibly with missing scores).
  const present = new Uint8Array(N * V * K);
  const attended = new Uint8Array(N * V);
  const analysedIdx: number[] = [];
  for (let i = 0; i < N; i++) if (!noData[i]) analysedIdx.push(i);
  const nAnalysed = analysedIdx.length;
  for (const i of analysedIdx) {
    attended[i * V] = 1;
    let any = false;
    for (let k = 0; k < K; k++) {
      const miss = rMissing.uniform() < opt.instruments[opt.outcomes[k]!].missingAtVisit;
      present[i * V * K + k] = miss ? 0 : 1;
      if (!miss) any = true;
    }
    // "Analysed" means at least one score; a participant who gave data has one at baseline.
    if (!any) present[i * V * K] = 1;
  }
  // The MAR predictor: the mean standardised observed baseline score of PSP and MHRM (or
  // of all instruments when neither is simulated or observed), 0 when nothing qualifies.
  const predictor = new Float64Array(N);
  const kPsp = opt.outcomes.indexOf('PSP');
  const kMhrm = opt.outcomes.indexOf('MHRM');
  const primaryK = [kPsp, kMhrm].filter((k) => k >= 0);
  for (const i of analysedIdx) {
    let s = 0;
    let n = 0;
    for (const k of primaryK) {
      if (present[i * V * K + k]) {
        const spec = opt.instruments[opt.outcomes[k]!];
        s += (score[i * V * K + k]! - spec.mean) / spec.sd;
        n++;
      }
    }
    if (n === 0) {
      for (let k = 0; k < K; k++) {
        if (present[i * V * K + k]) {
          const spec = opt.instruments[opt.outcomes[k]!];
          s += (score[i * V * K + k]! - spec.mean) / spec.sd;
          n++;
        }
      }
    }
    predictor[i] = n > 0 ? s / n : 0;
  }
  const intercepts = dict<number>();
  const attendedByVisit: Record<string, number> = { [opt.visits[0]!.name]: nAnalysed };
  let atRisk = analysedIdx;
  for (let v = 1; v < V; v++) {
    const visit = opt.visits[v]!;
    const eta = new Float64Array(atRisk.length);
    for (let r = 0; r < atRisk.length; r++) {
      const i = atRisk[r]!;
      eta[r] = opt.attrition.baselineSlope * predictor[i]! + (treated[i] ? opt.attrition.treatedShift : 0);
    }
    // Calibrated on the realised risk set so that the expected number still measured is
    // retention × analysed; the realised number then varies binomially around it.
    const alpha = calibrateIntercept(eta, 1, visit.retention * nAnalysed);
    intercepts[visit.name] = alpha;
    const next: number[] = [];
    for (let r = 0; r < atRisk.length; r++) {
      const i = atRisk[r]!;
      const stay = rMissing.uniform() < logistic(alpha + eta[r]!);
      if (!stay) continue;
      next.push(i);
      attended[i * V + v] = 1;
      for (let k = 0; k < K; k++) {
        present[(i * V + v) * K + k] = rMissing.uniform() < opt.instruments[opt.outcomes[k]!].missingAtVisit ? 0 : 1;
      }
    }
    attendedByVisit[visit.name] = next.length;
    atRisk = next;
  }

  // ---- Costs -------------------------------------------------------------------------------
  const siteTreated = new Int32Array(opt.nSites);
  const siteControl = new Int32Array(opt.nSites);
  for (let i = 0; i < N; i++) {
    const s = layout.groupSite[refGroup[i]!]!;
    if (treated[i]) siteTreated[s] = siteTreated[s]! + 1;
    else siteControl[s] = siteControl[s]! + 1;
  }
  // Municipal cost levels are log-normal around the mean, then rescaled so that the mean
  // over SFT citizens is the evaluation's figure (it was computed as total ÷ citizens).
  // With a range, sites beyond it are clamped and the others rescaled until the mean holds
  // again (a few rounds: clamped sites stay clamped, so the rescaling converges).
  const siteCosts = (mean: number, range: { min: number; max: number } | null): Float64Array => {
    const cost = new Float64Array(opt.nSites);
    for (let s = 0; s < opt.nSites; s++) cost[s] = mean * Math.exp(opt.costs.siteLogSd * rCost.normal());
    for (let round = 0; round < 200; round++) {
      let w = 0;
      for (let s = 0; s < opt.nSites; s++) w += siteTreated[s]! * cost[s]!;
      const scale = (mean * nTreated) / w;
      let clamped = false;
      for (let s = 0; s < opt.nSites; s++) {
        let c = cost[s]! * scale;
        if (range && c < range.min) {
          c = range.min;
          clamped = true;
        } else if (range && c > range.max) {
          c = range.max;
          clamped = true;
        }
        cost[s] = c;
      }
      if (!clamped || Math.abs(scale - 1) < 1e-12) break;
    }
    return cost;
  };
  const implCost = siteCosts(opt.costs.implementation, null);
  const operCost = siteCosts(opt.costs.operation, opt.costs.operationRange);
  const sites: TrueSite[] = [];
  for (let s = 0; s < opt.nSites; s++) {
    sites.push({
      name: label('M', s + 1, opt.nSites),
      nTreated: siteTreated[s]!,
      nControl: siteControl[s]!,
      implementationCost: Math.round(implCost[s]!),
      operationCost: Math.round(operCost[s]!),
    });
  }
  const groupNames = Array.from({ length: opt.nGroups }, (_, g) => label('G', g + 1, opt.nGroups));
  const lognormalWithMean = (mean: number, sdLog: number): number => mean * Math.exp(sdLog * rCost.normal() - (sdLog * sdLog) / 2);

  // ---- Register ----------------------------------------------------------------------------
  const isF2 = new Uint8Array(N);
  for (let i = 0; i < N; i++) isF2[i] = mainChapter[i] === 'F2' ? 1 : 0;
  const register = drawRegister(rStatus, rAdmit, opt.register, {
    ids: Array.from({ length: N }, (_, i) => label('P', i + 1, N)),
    treated,
    age,
    F2: isF2,
    arms: opt.arms,
  });

  // ---- Rows ---------------------------------------------------------------------------------
  const participants: Participant[] = [];
  const measurements: Measurement[] = [];
  for (let i = 0; i < N; i++) {
    const id = label('P', i + 1, N);
    const site = sites[layout.groupSite[refGroup[i]!]!]!;
    const isT = treated[i] === 1;
    const admitted = rCost.uniform() < (isT ? opt.costs.admissionProbability.treated : opt.costs.admissionProbability.control);
    const costBedDays = admitted ? Math.max(1, Math.round(Math.exp(opt.costs.bedDaysLogMean + opt.costs.bedDaysLogSd * rCost.normal()))) : 0;
    // With costsFromRegister the cost-model draws above are still made, so that the cost
    // stream stays aligned and every other cost is the same as without it.
    const bedDays = opt.register.costsFromRegister ? register.rows[i * 3]!.bedDays : costBedDays;
    const outpatient = Math.round(lognormalWithMean(opt.costs.outpatientMean, opt.costs.outpatientLogSd));
    const supportHours = Math.round(lognormalWithMean(opt.costs.supportHoursMean, opt.costs.supportHoursLogSd));
    const main = diagnoses[i]![0]!;
    participants.push({
      id,
      arm: isT ? opt.arms.treated : opt.arms.control,
      group: isT ? groupNames[group[i]!]! : null,
      site: site.name,
      sex: sex[i]!,
      age: age[i]!,
      birthDate: birth[i]!,
      randomisationDate: dayToIso(randDay[i]!),
      diagnoses: diagnoses[i]!,
      mainDiagnosis: main,
      diagnosisDate: diagnosisDate[i]!,
      sessionsAttended: isT ? sessions[i]! : null,
      sessionsOffered: isT ? opt.sessions.offered : null,
      costs: {
        implementation: isT ? site.implementationCost : 0,
        operation: isT ? site.operationCost : 0,
        psychiatric_admission: bedDays * opt.costs.bedDayCost,
        outpatient,
        support: supportHours * opt.costs.supportHourCost,
      },
      extra: { bed_days: bedDays, support_hours: supportHours },
    });
    for (let v = 0; v < V; v++) {
      if (!attended[i * V + v]) continue;
      const visit = opt.visits[v]!;
      const day =
        v === 0 ? randDay[i]! - rDates.int(15) : randDay[i]! + Math.round(visit.months * DAYS_PER_MONTH) + rDates.int(29) - 14;
      const date = dayToIso(day);
      for (let k = 0; k < K; k++) {
        const at = (i * V + v) * K + k;
        const observed = present[at] === 1;
        let items: (number | null)[] | null = null;
        if (k === kWho && items5 && observed) {
          items = [];
          for (let j = 0; j < 5; j++) items.push(items5[(i * V + v) * 5 + j]!);
        }
        measurements.push({ id, visit: visit.name, instrument: opt.outcomes[k]!, score: observed ? score[at]! : null, items, date });
      }
    }
  }

  // ---- Truth -------------------------------------------------------------------------------
  const effects = dict<Record<string, TrueEffect>>();
  for (let k = 0; k < K; k++) {
    const id = opt.outcomes[k]!;
    const spec = opt.instruments[id];
    const byVisit = dict<TrueEffect>();
    for (const visit of opt.visits) {
      byVisit[visit.name] = {
        sd: visit.effectMultiplier * spec.effect,
        raw: visit.effectMultiplier * spec.effect * spec.sd,
        sampleAverageRaw: (visit.effectMultiplier * spec.sd * sampleEffectSum[k]!) / nT,
      };
    }
    effects[id] = byVisit;
  }
  const groups: TrueGroup[] = groupNames.map((name, g) => ({
    name,
    site: sites[layout.groupSite[g]!]!.name,
    size: layout.groupSize[g]!,
    effect: groupU[g]!,
    start: dayToIso(groupStart[g]!),
  }));
  let analysed = 0;
  for (const i of analysedIdx) {
    let any = false;
    for (let x = i * V * K; x < (i + 1) * V * K && !any; x++) if (present[x]) any = true;
    if (any) analysed++;
  }
  const design: TrialDesign = {
    arms: [opt.arms.control, opt.arms.treated],
    visits: opt.visits.map((v) => v.name),
    instruments: [...opt.outcomes],
    visitMonths: Object.fromEntries(opt.visits.map((v) => [v.name, v.months])),
    // Partially nested: controls belong to no therapy group, which validation then enforces.
    ungroupedArms: [opt.arms.control],
  };
  return {
    participants,
    measurements,
    register: register.rows,
    design,
    truth: {
      generator: 'rcteval.simulateTrial',
      modelVersion: 1,
      options: opt,
      counts: {
        randomised: N,
        byArm: { [opt.arms.control]: N - nTreated, [opt.arms.treated]: nTreated },
        noData: opt.nNoData,
        analysed,
        attendedByVisit,
        groups: opt.nGroups,
        sites: opt.nSites,
      },
      groups,
      sites,
      modifierCentres: centres,
      attrition: {
        predictor: 'mean standardised observed baseline score of PSP and MHRM',
        slope: opt.attrition.baselineSlope,
        treatedShift: opt.attrition.treatedShift,
        intercepts,
      },
      effects,
      register: register.truth,
    },
  };
}
