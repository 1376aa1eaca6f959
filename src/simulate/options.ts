/**
 * Options of the synthetic-trial generator, their documented defaults, and their
 * normalisation into a strict resolved form (every field present, every value checked).
 * A bad option throws an `ArgumentError` naming the option path, the value and what was
 * expected, before any random number is drawn.
 *
 * The defaults mirror the Danish SFT trial (see docs/synthetic-trial.md and
 * data-samples/README.md for the model written out).
 */
import { ArgumentError } from '../errors/index.js';
import { DIAGNOSIS_CHAPTERS, type DiagnosisChapter } from './icd10.js';
import { checkFinite, checkInteger, checkOptions, optionKeys } from '../errors/checks.js';
import { resolveRegisterOptions, type RegisterOptions, type RegisterSpec } from './register.js';

/** Instruments the generator knows how to simulate. */
export type SimInstrumentId = 'PSP' | 'MHRM' | 'WHO5' | 'EQ5D_INDEX' | 'EQ5D_VAS';

/** All simulated instruments in their default order. */
export const SIM_INSTRUMENTS: readonly SimInstrumentId[] = ['PSP', 'MHRM', 'WHO5', 'EQ5D_INDEX', 'EQ5D_VAS'];

/**
 * Score range and resolution used for clamping and rounding. These agree with the
 * instrument registry (`src/instruments`), which a test checks; they are repeated here so
 * that the hot loops need no look-ups.
 */
export const SIM_SCALES: Readonly<Record<SimInstrumentId, { min: number; max: number; step: number }>> = {
  PSP: { min: 1, max: 100, step: 1 },
  MHRM: { min: 0, max: 120, step: 1 },
  // WHO-5 totals are 4 × (sum of five items 0–5), so they move in steps of 4.
  WHO5: { min: 0, max: 100, step: 4 },
  // The registry's range (Danish EQ-5D-5L value set, worst state −0.758); the registry
  // treats the index as continuous, the generator reports it to three decimals.
  EQ5D_INDEX: { min: -0.758, max: 1, step: 0.001 },
  EQ5D_VAS: { min: 0, max: 100, step: 1 },
};

/** One visit of the schedule. */
export interface VisitSpec {
  /** Visit name as it appears in the data. */
  name: string;
  /** Months since randomisation (used for measurement dates and `design.visitMonths`). */
  months: number;
  /**
   * Share of the analysed participants (those who ever give data) still measured at this
   * visit, cumulative; non-increasing over visits (dropout is monotone); 1 at baseline.
   */
  retention: number;
  /** Multiplier of the treatment effect at this visit: 0 at baseline, 1 at end of course, less after (waning). */
  effectMultiplier: number;
  /** Mean change since baseline in both arms (usual care), in SD units. 0 at baseline. */
  controlChange: number;
}

/** Score distribution and effect of one instrument, on the instrument's own scale. */
export interface InstrumentSimSpec {
  /** Mean at baseline, in score units. */
  mean: number;
  /** Between-participant SD at each visit, in score units. The effect sizes are in units of this SD. */
  sd: number;
  /** Average effect of SFT over the SFT arm at a visit with `effectMultiplier` 1, in SD units. */
  effect: number;
  /** Probability that this instrument is missing at a visit the participant attended. */
  missingAtVisit: number;
}

/** Treatment-effect modifiers, additive in SD units, centred on the SFT arm's own means. */
export interface ModifierSpec {
  /** Extra effect for main diagnosis chapter F2 (schizophrenia spectrum). */
  F2: number;
  /** Extra effect for ages 25–34 at randomisation. */
  age25to34: number;
  /** Extra effect for a diagnosis less than `recentYears` years before randomisation. */
  recentDiagnosis: number;
  /** Threshold in years for "recent diagnosis". */
  recentYears: number;
  /** Extra effect per 10 sessions attended (the attendance slope). */
  attendancePer10Sessions: number;
  /** Instruments the modifiers apply to. */
  instruments: SimInstrumentId[];
}

/** Attendance at the SFT course. */
export interface SessionSpec {
  /** Sessions offered (36 weekly sessions of 1.5 hours over 9 months). */
  offered: number;
  /** Probability that an SFT participant drops out of the group early (attends 0–`dropoutMaxSessions`). */
  dropoutShare: number;
  /** Most sessions a dropout attends. */
  dropoutMaxSessions: number;
  /** Mean of the logit of a non-dropout's attendance probability. */
  adherenceLogitMean: number;
  /** SD of the logit of a non-dropout's attendance probability. */
  adherenceLogitSd: number;
}

/** Missing-at-random dropout model. */
export interface AttritionSpec {
  /** Log-odds of staying per SD of the observed baseline (mean z of PSP and MHRM). Positive: better-functioning people stay. */
  baselineSlope: number;
  /** Log-odds of staying added for the SFT arm (0: same dropout model in both arms). */
  treatedShift: number;
}

/** Cost model (DKK, 2015 prices). */
export interface CostSpec {
  /** Mean implementation cost per SFT citizen (trainers' training ÷ citizens). */
  implementation: number;
  /** Mean operating cost per SFT citizen (visitation + group training incl. preparation + motivation). */
  operation: number;
  /** SD of the log of a municipality's cost level around the mean. */
  siteLogSd: number;
  /** Range of a municipality's operating cost per citizen (the evaluation saw 22,000–81,000 DKK); `null` for no bounds. */
  operationRange: { min: number; max: number } | null;
  /** Probability of any psychiatric admission within 15 months, by arm. */
  admissionProbability: { control: number; treated: number };
  /** Log-scale mean of bed-days given an admission (log-normal: a few very long admissions). */
  bedDaysLogMean: number;
  /** Log-scale SD of bed-days given an admission. */
  bedDaysLogSd: number;
  /** Cost of one psychiatric bed-day. */
  bedDayCost: number;
  /** Mean other health-care cost (outpatient, GP, medication) over 15 months. */
  outpatientMean: number;
  /** Log-scale SD of other health-care cost. */
  outpatientLogSd: number;
  /** Mean §85 support hours (face-to-face) over 15 months. */
  supportHoursMean: number;
  /** Log-scale SD of support hours. */
  supportHoursLogSd: number;
  /** Cost of one support hour. */
  supportHourCost: number;
}

/** An age band and its share of participants; ages are uniform on whole years within a band. */
export interface AgeBandSpec {
  min: number;
  max: number;
  share: number;
}

/** Options of {@link simulateTrial}. Every field is optional. */
export interface SimulateTrialOptions {
  /**
   * Seed of the random stream; the same seed and options give bit-identical output.
   * @defaultValue 1
   */
  seed?: number;
  /**
   * Participants randomised.
   * @defaultValue 304
   */
  nParticipants?: number;
  /**
   * Participants who never give any data (no measurement rows at all); drawn at random in
   * both arms. The analysed number is `nParticipants − nNoData`.
   * @defaultValue round(nParticipants × 11 ÷ 304), 11 for 304 participants
   */
  nNoData?: number;
  /**
   * Target share of participants in the treated arm; only used to derive the default
   * `nGroups`. The realised share is Σ group sizes ÷ `nParticipants`.
   * @defaultValue 0.5
   */
  treatedShare?: number;
  /**
   * Therapy groups in the treated arm.
   * @defaultValue round(nParticipants × treatedShare ÷ mean group size), 19 for 304 participants
   */
  nGroups?: number;
  /**
   * Group sizes, drawn uniformly on the whole numbers min…max.
   * @defaultValue `{ min: 7, max: 9 }`
   */
  groupSize?: { min?: number; max?: number };
  /**
   * Sites (municipalities); every site runs at least one group, so at most `nGroups`.
   * @defaultValue min(9, nGroups)
   */
  nSites?: number;
  /**
   * Arm names.
   * @defaultValue `{ control: 'control', treated: 'SFT' }`
   */
  arms?: { control?: string; treated?: string };
  /**
   * Visit schedule with attrition and effect waning.
   * @defaultValue baseline (0 months), `9m` (retention 234/293, effect ×1, usual-care change +0.1 SD),
   * `15m` (retention 194/293, effect ×0.4, usual-care change +0.1 SD)
   */
  visits?: VisitSpec[];
  /**
   * Instruments to simulate, in output order.
   * @defaultValue `['PSP', 'MHRM', 'WHO5', 'EQ5D_INDEX', 'EQ5D_VAS']`
   */
  outcomes?: SimInstrumentId[];
  /**
   * Per-instrument overrides of {@link DEFAULT_INSTRUMENT_SPECS}.
   * @defaultValue PSP 48±12, effect 0.3; MHRM 70±17, effect 0.3; WHO5 44±20, effect 0.15;
   * EQ5D_INDEX 0.68±0.20, effect 0.1; EQ5D_VAS 55±20, effect 0.1
   */
  instruments?: { [K in SimInstrumentId]?: Partial<InstrumentSimSpec> };
  /**
   * Share of the (constant) score variance that lies between participants (random intercept),
   * i.e. the correlation of one instrument's scores across visits.
   * @defaultValue 0.5
   */
  participantShare?: number;
  /**
   * Correlation across instruments of a participant's random intercepts.
   * @defaultValue 0.5
   */
  instrumentCorrelation?: number;
  /**
   * SD of the therapy-group random effect on the treatment effect, in SD units (scaled by
   * each visit's `effectMultiplier`); one draw per group, shared by instruments with an effect.
   * @defaultValue 0.15
   */
  groupSd?: number;
  /**
   * Treatment-effect modifiers.
   * @defaultValue `{ F2: 0.15, age25to34: 0.15, recentDiagnosis: 0.15, recentYears: 5, attendancePer10Sessions: 0.1, instruments: ['PSP', 'MHRM'] }`
   */
  modifiers?: Partial<ModifierSpec>;
  /**
   * MAR dropout.
   * @defaultValue `{ baselineSlope: 0.5, treatedShift: 0 }`
   */
  attrition?: Partial<AttritionSpec>;
  /**
   * Attendance.
   * @defaultValue `{ offered: 36, dropoutShare: 0.19, dropoutMaxSessions: 12, adherenceLogitMean: 1.8, adherenceLogitSd: 0.8 }`
   */
  sessions?: Partial<SessionSpec>;
  /**
   * Share of women.
   * @defaultValue 0.57
   */
  femaleShare?: number;
  /**
   * Age bands (whole years, inclusive) with shares summing to 1.
   * @defaultValue 18–24: 0.10, 25–34: 0.26, 35–44: 0.26, 45–54: 0.26, 55–70: 0.12
   */
  ageBands?: AgeBandSpec[];
  /**
   * Shares of main diagnosis chapters (sum 1).
   * @defaultValue `{ F2: 0.5, F3: 1/6, F4: 1/6, F6: 1/6 }`
   */
  diagnosisShares?: Partial<Record<DiagnosisChapter, number>>;
  /**
   * Probabilities of one and of two extra (comorbid) diagnoses from other chapters.
   * @defaultValue `{ one: 0.3, two: 0.08 }`
   */
  comorbidity?: { one?: number; two?: number };
  /**
   * Mean of the (truncated exponential) years from diagnosis to randomisation.
   * @defaultValue 10
   */
  yearsSinceDiagnosisMean?: number;
  /**
   * Youngest age at diagnosis; caps the years since diagnosis at age − this.
   * @defaultValue 15
   */
  minAgeAtDiagnosis?: number;
  /**
   * Period in which therapy groups start (ISO dates, inclusive). Participants are
   * randomised 1–6 weeks before their group (controls: before a group of their site).
   * @defaultValue `{ from: '2014-02-03', to: '2015-09-28' }`
   */
  groupStarts?: { from?: string; to?: string };
  /**
   * Cost model (DKK).
   * @defaultValue see {@link DEFAULT_COSTS}
   */
  costs?: Partial<CostSpec>;
  /**
   * Register outcomes: labour-market status in three snapshot weeks, admissions and bed-days.
   * @defaultValue see `DEFAULT_REGISTER` (src/simulate/register.ts) and docs/synthetic-trial.md
   */
  register?: RegisterOptions;
}

/** Every option resolved and checked. */
export interface ResolvedTrialOptions {
  seed: number;
  nParticipants: number;
  nNoData: number;
  treatedShare: number;
  nGroups: number;
  groupSize: { min: number; max: number };
  nSites: number;
  arms: { control: string; treated: string };
  visits: VisitSpec[];
  outcomes: SimInstrumentId[];
  instruments: Record<SimInstrumentId, InstrumentSimSpec>;
  participantShare: number;
  instrumentCorrelation: number;
  groupSd: number;
  modifiers: ModifierSpec;
  attrition: AttritionSpec;
  sessions: SessionSpec;
  femaleShare: number;
  ageBands: AgeBandSpec[];
  diagnosisShares: Record<DiagnosisChapter, number>;
  comorbidity: { one: number; two: number };
  yearsSinceDiagnosisMean: number;
  minAgeAtDiagnosis: number;
  groupStarts: { from: string; to: string };
  costs: CostSpec;
  register: RegisterSpec;
}

/** Default visit schedule: attrition 293 → 234 → 194 as in the SFT trial. */
export const DEFAULT_VISITS: readonly Readonly<VisitSpec>[] = [
  { name: 'baseline', months: 0, retention: 1, effectMultiplier: 0, controlChange: 0 },
  { name: '9m', months: 9, retention: 234 / 293, effectMultiplier: 1, controlChange: 0.1 },
  { name: '15m', months: 15, retention: 194 / 293, effectMultiplier: 0.4, controlChange: 0.1 },
];

/**
 * Default score distributions. Baseline means sit below population norms, as expected for
 * adults with severe mental illness in housing support; the SFT evaluation published no
 * numbers, so these are plausible values, not estimates.
 */
export const DEFAULT_INSTRUMENT_SPECS: Readonly<Record<SimInstrumentId, Readonly<InstrumentSimSpec>>> = {
  PSP: { mean: 48, sd: 12, effect: 0.3, missingAtVisit: 0.01 },
  MHRM: { mean: 70, sd: 17, effect: 0.3, missingAtVisit: 0.04 },
  WHO5: { mean: 44, sd: 20, effect: 0.15, missingAtVisit: 0.03 },
  EQ5D_INDEX: { mean: 0.68, sd: 0.2, effect: 0.1, missingAtVisit: 0.05 },
  EQ5D_VAS: { mean: 55, sd: 20, effect: 0.1, missingAtVisit: 0.05 },
};

/** Default treatment-effect modifiers. */
export const DEFAULT_MODIFIERS: Readonly<ModifierSpec> = {
  F2: 0.15,
  age25to34: 0.15,
  recentDiagnosis: 0.15,
  recentYears: 5,
  attendancePer10Sessions: 0.1,
  instruments: ['PSP', 'MHRM'],
};

/** Default attendance model: mean about 26 of 36 sessions, about 1.5 early dropouts per group of 8. */
export const DEFAULT_SESSIONS: Readonly<SessionSpec> = {
  offered: 36,
  dropoutShare: 0.19,
  dropoutMaxSessions: 12,
  adherenceLogitMean: 1.8,
  adherenceLogitSd: 0.8,
};

/** Default cost model (DKK, 2015 prices); implementation and operation are the evaluation's means. */
export const DEFAULT_COSTS: Readonly<CostSpec> = {
  implementation: 30_329,
  operation: 47_667,
  siteLogSd: 0.35,
  operationRange: { min: 22_000, max: 81_000 },
  admissionProbability: { control: 0.18, treated: 0.24 },
  bedDaysLogMean: 2.7,
  bedDaysLogSd: 1.1,
  bedDayCost: 4_900,
  outpatientMean: 9_000,
  outpatientLogSd: 0.9,
  supportHoursMean: 180,
  supportHoursLogSd: 0.6,
  supportHourCost: 420,
};

/** Default age bands: even over 25–54, fewer youngest and oldest. */
export const DEFAULT_AGE_BANDS: readonly Readonly<AgeBandSpec>[] = [
  { min: 18, max: 24, share: 0.1 },
  { min: 25, max: 34, share: 0.26 },
  { min: 35, max: 44, share: 0.26 },
  { min: 45, max: 54, share: 0.26 },
  { min: 55, max: 70, share: 0.12 },
];

// ---------------------------------------------------------------------------------------
// Checks. Each names the option path so the caller can find it in a nested object.

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A probability in [0, 1]. */
export function checkProb(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
    throw new ArgumentError(name, v, 'a probability from 0 to 1');
  }
  return v;
}

function checkName(name: string, v: unknown): string {
  if (typeof v !== 'string' || v.trim() === '' || v !== v.trim()) {
    throw new ArgumentError(name, v, 'a non-empty name without surrounding spaces');
  }
  return v;
}

function checkObject(name: string, v: unknown): Record<string, unknown> {
  if (v === undefined) return {};
  if (!isObject(v)) throw new ArgumentError(name, v, 'an object');
  return v;
}

function checkIsoDate(name: string, v: unknown): string {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) {
    throw new ArgumentError(name, v, 'an ISO date YYYY-MM-DD');
  }
  const [y, m, d] = v.split('-').map(Number) as [number, number, number];
  const back = new Date(Date.UTC(y, m - 1, d));
  if (back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) throw new ArgumentError(name, v, 'a real calendar date YYYY-MM-DD');
  return v;
}

function checkInstrumentId(name: string, v: unknown): SimInstrumentId {
  if (typeof v !== 'string' || !(SIM_INSTRUMENTS as readonly string[]).includes(v)) {
    throw new ArgumentError(name, v, `one of ${SIM_INSTRUMENTS.join(', ')}`);
  }
  return v as SimInstrumentId;
}

/** Resolve and check the visit schedule (shared with the columnar generator). */
export function resolveVisits(name: string, v: unknown): VisitSpec[] {
  if (v === undefined) return DEFAULT_VISITS.map((x) => ({ ...x }));
  if (!Array.isArray(v) || v.length === 0) throw new ArgumentError(name, v, 'a non-empty array of visits');
  const out: VisitSpec[] = [];
  const seen = new Set<string>();
  v.forEach((raw: unknown, i) => {
    const p = `${name}[${i}]`;
    const o = checkObject(p, raw);
    checkOptions(p, o, ['name', 'months', 'retention', 'effectMultiplier', 'controlChange']);
    const visit: VisitSpec = {
      name: checkName(`${p}.name`, o['name']),
      months: checkFinite(`${p}.months`, o['months'], 0),
      retention: checkFinite(`${p}.retention`, o['retention'] ?? (i === 0 ? 1 : undefined), 0, 1),
      effectMultiplier: checkFinite(`${p}.effectMultiplier`, o['effectMultiplier'] ?? (i === 0 ? 0 : 1)),
      controlChange: checkFinite(`${p}.controlChange`, o['controlChange'] ?? 0),
    };
    if (seen.has(visit.name)) throw new ArgumentError(`${p}.name`, visit.name, 'a visit name not used before in the schedule');
    seen.add(visit.name);
    const prev = out[i - 1];
    if (i === 0) {
      // Baseline is measured before anyone is treated: no effect, everyone who gives data is there.
      if (visit.retention !== 1) throw new ArgumentError(`${p}.retention`, visit.retention, '1 for the first (baseline) visit');
      if (visit.effectMultiplier !== 0) throw new ArgumentError(`${p}.effectMultiplier`, visit.effectMultiplier, '0 for the first (baseline) visit');
      if (visit.controlChange !== 0) throw new ArgumentError(`${p}.controlChange`, visit.controlChange, '0 for the first (baseline) visit');
    } else if (prev) {
      if (visit.months <= prev.months) throw new ArgumentError(`${p}.months`, visit.months, `more than the previous visit's ${prev.months} months`);
      if (visit.retention > prev.retention) {
        throw new ArgumentError(`${p}.retention`, visit.retention, `at most the previous visit's retention ${prev.retention} (dropout is monotone)`);
      }
    }
    out.push(visit);
  });
  return out;
}

/** Resolve and check one instrument's spec on top of its default. */
export function resolveInstrumentSpec(name: string, id: SimInstrumentId, v: unknown): InstrumentSimSpec {
  const o = checkObject(name, v);
  checkOptions(name, o, ['mean', 'sd', 'effect', 'missingAtVisit']);
  const d = DEFAULT_INSTRUMENT_SPECS[id];
  const scale = SIM_SCALES[id];
  return {
    mean: checkFinite(`${name}.mean`, o['mean'] ?? d.mean, scale.min, scale.max),
    sd: checkFinite(`${name}.sd`, o['sd'] ?? d.sd, Number.MIN_VALUE, scale.max - scale.min),
    effect: checkFinite(`${name}.effect`, o['effect'] ?? d.effect, -10, 10),
    missingAtVisit: checkFinite(`${name}.missingAtVisit`, o['missingAtVisit'] ?? d.missingAtVisit, 0, 0.99),
  };
}

const TOP_KEYS = optionKeys<SimulateTrialOptions>()([
  'seed',
  'nParticipants',
  'nNoData',
  'treatedShare',
  'nGroups',
  'groupSize',
  'nSites',
  'arms',
  'visits',
  'outcomes',
  'instruments',
  'participantShare',
  'instrumentCorrelation',
  'groupSd',
  'modifiers',
  'attrition',
  'sessions',
  'femaleShare',
  'ageBands',
  'diagnosisShares',
  'comorbidity',
  'yearsSinceDiagnosisMean',
  'minAgeAtDiagnosis',
  'groupStarts',
  'costs',
  'register',
]);

/**
 * Resolve options into their strict form.
 * @throws ArgumentError naming the first bad option (path such as `options.groupSize.min`).
 */
export function resolveTrialOptions(options: SimulateTrialOptions | undefined): ResolvedTrialOptions {
  const o = checkObject('options', options);
  checkOptions('options', o, TOP_KEYS);
  const seed = checkFinite('options.seed', o['seed'] ?? 1);
  const nParticipants = checkInteger('options.nParticipants', o['nParticipants'] ?? 304, 2, 50_000_000);
  const nNoData = checkInteger('options.nNoData', o['nNoData'] ?? Math.round((11 / 304) * nParticipants), 0, nParticipants - 1);
  const treatedShare = checkFinite('options.treatedShare', o['treatedShare'] ?? 0.5, 0.01, 0.99);

  const gs = checkObject('options.groupSize', o['groupSize']);
  checkOptions('options.groupSize', gs, ['min', 'max']);
  const gMin = checkInteger('options.groupSize.min', gs['min'] ?? 7, 1);
  const gMax = checkInteger('options.groupSize.max', gs['max'] ?? 9, 1);
  if (gMax < gMin) throw new ArgumentError('options.groupSize.max', gMax, `at least options.groupSize.min (${gMin})`);
  const meanSize = (gMin + gMax) / 2;
  const nGroups = checkInteger('options.nGroups', o['nGroups'] ?? Math.max(1, Math.round((nParticipants * treatedShare) / meanSize)), 1);
  // The treated arm holds Σ group sizes people, at most nGroups·max; at least one control must remain.
  if (nGroups * gMax >= nParticipants) {
    throw new ArgumentError(
      'options.nGroups',
      nGroups,
      `at most ${Math.floor((nParticipants - 1) / gMax)} groups, so that ${nGroups} groups of up to ${gMax} leave at least one control among ${nParticipants} participants`,
    );
  }
  const nSites = checkInteger('options.nSites', o['nSites'] ?? Math.min(9, nGroups), 1, nGroups);

  const armsIn = checkObject('options.arms', o['arms']);
  checkOptions('options.arms', armsIn, ['control', 'treated']);
  const arms = {
    control: checkName('options.arms.control', armsIn['control'] ?? 'control'),
    treated: checkName('options.arms.treated', armsIn['treated'] ?? 'SFT'),
  };
  if (arms.control === arms.treated) throw new ArgumentError('options.arms.treated', arms.treated, 'a name different from the control arm');

  const visits = resolveVisits('options.visits', o['visits']);

  let outcomes: SimInstrumentId[];
  if (o['outcomes'] === undefined) outcomes = [...SIM_INSTRUMENTS];
  else {
    const raw = o['outcomes'];
    if (!Array.isArray(raw) || raw.length === 0) throw new ArgumentError('options.outcomes', raw, `a non-empty array of ${SIM_INSTRUMENTS.join(', ')}`);
    outcomes = raw.map((x: unknown, i) => checkInstrumentId(`options.outcomes[${i}]`, x));
    if (new Set(outcomes).size !== outcomes.length) throw new ArgumentError('options.outcomes', raw, 'instruments without repeats');
  }

  const instIn = checkObject('options.instruments', o['instruments']);
  checkOptions('options.instruments', instIn, SIM_INSTRUMENTS);
  const instruments = {} as Record<SimInstrumentId, InstrumentSimSpec>;
  for (const id of SIM_INSTRUMENTS) instruments[id] = resolveInstrumentSpec(`options.instruments.${id}`, id, instIn[id]);

  const participantShare = checkFinite('options.participantShare', o['participantShare'] ?? 0.5, 0, 0.99);
  const instrumentCorrelation = checkFinite('options.instrumentCorrelation', o['instrumentCorrelation'] ?? 0.5, 0, 1);
  const groupSd = checkFinite('options.groupSd', o['groupSd'] ?? 0.15, 0, 10);

  const modIn = checkObject('options.modifiers', o['modifiers']);
  checkOptions('options.modifiers', modIn, ['F2', 'age25to34', 'recentDiagnosis', 'recentYears', 'attendancePer10Sessions', 'instruments']);
  let modInstruments: SimInstrumentId[] = [...DEFAULT_MODIFIERS.instruments];
  if (modIn['instruments'] !== undefined) {
    const raw = modIn['instruments'];
    if (!Array.isArray(raw)) throw new ArgumentError('options.modifiers.instruments', raw, `an array of ${SIM_INSTRUMENTS.join(', ')}`);
    modInstruments = raw.map((x: unknown, i) => checkInstrumentId(`options.modifiers.instruments[${i}]`, x));
  }
  const modifiers: ModifierSpec = {
    F2: checkFinite('options.modifiers.F2', modIn['F2'] ?? DEFAULT_MODIFIERS.F2, -10, 10),
    age25to34: checkFinite('options.modifiers.age25to34', modIn['age25to34'] ?? DEFAULT_MODIFIERS.age25to34, -10, 10),
    recentDiagnosis: checkFinite('options.modifiers.recentDiagnosis', modIn['recentDiagnosis'] ?? DEFAULT_MODIFIERS.recentDiagnosis, -10, 10),
    recentYears: checkFinite('options.modifiers.recentYears', modIn['recentYears'] ?? DEFAULT_MODIFIERS.recentYears, 0, 100),
    attendancePer10Sessions: checkFinite(
      'options.modifiers.attendancePer10Sessions',
      modIn['attendancePer10Sessions'] ?? DEFAULT_MODIFIERS.attendancePer10Sessions,
      -10,
      10,
    ),
    instruments: modInstruments,
  };

  const attIn = checkObject('options.attrition', o['attrition']);
  checkOptions('options.attrition', attIn, ['baselineSlope', 'treatedShift']);
  const attrition: AttritionSpec = {
    baselineSlope: checkFinite('options.attrition.baselineSlope', attIn['baselineSlope'] ?? 0.5, -10, 10),
    treatedShift: checkFinite('options.attrition.treatedShift', attIn['treatedShift'] ?? 0, -10, 10),
  };

  const sesIn = checkObject('options.sessions', o['sessions']);
  checkOptions('options.sessions', sesIn, ['offered', 'dropoutShare', 'dropoutMaxSessions', 'adherenceLogitMean', 'adherenceLogitSd']);
  const offered = checkInteger('options.sessions.offered', sesIn['offered'] ?? DEFAULT_SESSIONS.offered, 1, 10_000);
  const sessions: SessionSpec = {
    offered,
    dropoutShare: checkProb('options.sessions.dropoutShare', sesIn['dropoutShare'] ?? DEFAULT_SESSIONS.dropoutShare),
    dropoutMaxSessions: checkInteger('options.sessions.dropoutMaxSessions', sesIn['dropoutMaxSessions'] ?? Math.min(DEFAULT_SESSIONS.dropoutMaxSessions, offered), 0, offered),
    adherenceLogitMean: checkFinite('options.sessions.adherenceLogitMean', sesIn['adherenceLogitMean'] ?? DEFAULT_SESSIONS.adherenceLogitMean, -20, 20),
    adherenceLogitSd: checkFinite('options.sessions.adherenceLogitSd', sesIn['adherenceLogitSd'] ?? DEFAULT_SESSIONS.adherenceLogitSd, 0, 20),
  };

  const femaleShare = checkProb('options.femaleShare', o['femaleShare'] ?? 0.57);

  let ageBands: AgeBandSpec[];
  if (o['ageBands'] === undefined) ageBands = DEFAULT_AGE_BANDS.map((b) => ({ ...b }));
  else {
    const raw = o['ageBands'];
    if (!Array.isArray(raw) || raw.length === 0) throw new ArgumentError('options.ageBands', raw, 'a non-empty array of { min, max, share }');
    ageBands = raw.map((b: unknown, i) => {
      const p = `options.ageBands[${i}]`;
      const bo = checkObject(p, b);
      checkOptions(p, bo, ['min', 'max', 'share']);
      const min = checkInteger(`${p}.min`, bo['min'], 18, 120);
      const max = checkInteger(`${p}.max`, bo['max'], min, 120);
      return { min, max, share: checkProb(`${p}.share`, bo['share']) };
    });
    const total = ageBands.reduce((s, b) => s + b.share, 0);
    if (Math.abs(total - 1) > 1e-9) throw new ArgumentError('options.ageBands', raw, `shares summing to 1 (they sum to ${total})`);
  }

  const dsIn = checkObject('options.diagnosisShares', o['diagnosisShares']);
  checkOptions('options.diagnosisShares', dsIn, DIAGNOSIS_CHAPTERS);
  const defaultShares: Record<DiagnosisChapter, number> = { F2: 0.5, F3: 1 / 6, F4: 1 / 6, F6: 1 / 6 };
  const diagnosisShares = {} as Record<DiagnosisChapter, number>;
  for (const ch of DIAGNOSIS_CHAPTERS) diagnosisShares[ch] = checkProb(`options.diagnosisShares.${ch}`, dsIn[ch] ?? defaultShares[ch]);
  const dsTotal = DIAGNOSIS_CHAPTERS.reduce((s, ch) => s + diagnosisShares[ch], 0);
  if (Math.abs(dsTotal - 1) > 1e-9) throw new ArgumentError('options.diagnosisShares', o['diagnosisShares'], `shares of F2, F3, F4, F6 summing to 1 (they sum to ${dsTotal})`);

  const coIn = checkObject('options.comorbidity', o['comorbidity']);
  checkOptions('options.comorbidity', coIn, ['one', 'two']);
  const comorbidity = {
    one: checkProb('options.comorbidity.one', coIn['one'] ?? 0.3),
    two: checkProb('options.comorbidity.two', coIn['two'] ?? 0.08),
  };
  if (comorbidity.one + comorbidity.two > 1) throw new ArgumentError('options.comorbidity.two', comorbidity.two, `at most ${1 - comorbidity.one} so that one + two ≤ 1`);

  const yearsSinceDiagnosisMean = checkFinite('options.yearsSinceDiagnosisMean', o['yearsSinceDiagnosisMean'] ?? 10, 0.1, 100);
  const youngest = Math.min(...ageBands.map((b) => b.min));
  const minAgeAtDiagnosis = checkInteger('options.minAgeAtDiagnosis', o['minAgeAtDiagnosis'] ?? 15, 0, youngest - 1);

  const gsIn = checkObject('options.groupStarts', o['groupStarts']);
  checkOptions('options.groupStarts', gsIn, ['from', 'to']);
  const groupStarts = {
    from: checkIsoDate('options.groupStarts.from', gsIn['from'] ?? '2014-02-03'),
    to: checkIsoDate('options.groupStarts.to', gsIn['to'] ?? '2015-09-28'),
  };
  if (groupStarts.to < groupStarts.from) throw new ArgumentError('options.groupStarts.to', groupStarts.to, `a date on or after ${groupStarts.from}`);

  const cIn = checkObject('options.costs', o['costs']);
  checkOptions('options.costs', cIn, Object.keys(DEFAULT_COSTS));
  const apIn = checkObject('options.costs.admissionProbability', cIn['admissionProbability']);
  checkOptions('options.costs.admissionProbability', apIn, ['control', 'treated']);
  const c = DEFAULT_COSTS;
  let operationRange: { min: number; max: number } | null = c.operationRange;
  if (cIn['operationRange'] !== undefined) {
    const raw = cIn['operationRange'];
    if (raw === null) operationRange = null;
    else {
      const ro = checkObject('options.costs.operationRange', raw);
      checkOptions('options.costs.operationRange', ro, ['min', 'max']);
      const min = checkFinite('options.costs.operationRange.min', ro['min'], 0);
      operationRange = { min, max: checkFinite('options.costs.operationRange.max', ro['max'], min) };
    }
  }
  const costs: CostSpec = {
    implementation: checkFinite('options.costs.implementation', cIn['implementation'] ?? c.implementation, 0),
    operation: checkFinite('options.costs.operation', cIn['operation'] ?? c.operation, 0),
    siteLogSd: checkFinite('options.costs.siteLogSd', cIn['siteLogSd'] ?? c.siteLogSd, 0, 5),
    operationRange,
    admissionProbability: {
      control: checkProb('options.costs.admissionProbability.control', apIn['control'] ?? c.admissionProbability.control),
      treated: checkProb('options.costs.admissionProbability.treated', apIn['treated'] ?? c.admissionProbability.treated),
    },
    bedDaysLogMean: checkFinite('options.costs.bedDaysLogMean', cIn['bedDaysLogMean'] ?? c.bedDaysLogMean, -5, 8),
    bedDaysLogSd: checkFinite('options.costs.bedDaysLogSd', cIn['bedDaysLogSd'] ?? c.bedDaysLogSd, 0, 5),
    bedDayCost: checkFinite('options.costs.bedDayCost', cIn['bedDayCost'] ?? c.bedDayCost, 0),
    outpatientMean: checkFinite('options.costs.outpatientMean', cIn['outpatientMean'] ?? c.outpatientMean, 0),
    outpatientLogSd: checkFinite('options.costs.outpatientLogSd', cIn['outpatientLogSd'] ?? c.outpatientLogSd, 0, 5),
    supportHoursMean: checkFinite('options.costs.supportHoursMean', cIn['supportHoursMean'] ?? c.supportHoursMean, 0),
    supportHoursLogSd: checkFinite('options.costs.supportHoursLogSd', cIn['supportHoursLogSd'] ?? c.supportHoursLogSd, 0, 5),
    supportHourCost: checkFinite('options.costs.supportHourCost', cIn['supportHourCost'] ?? c.supportHourCost, 0),
  };

  if (costs.operationRange && (costs.operation < costs.operationRange.min || costs.operation > costs.operationRange.max)) {
    throw new ArgumentError(
      'options.costs.operation',
      costs.operation,
      `a mean within options.costs.operationRange (${costs.operationRange.min} to ${costs.operationRange.max})`,
    );
  }

  const register = resolveRegisterOptions(o['register']);
  if (register.costsFromRegister) {
    // The cost model's own admission draw is not used then: a value given for it would be
    // ignored, so only the defaults (as in resolved options passed back in) are accepted.
    const unused = {
      admissionProbability: JSON.stringify(costs.admissionProbability) !== JSON.stringify(DEFAULT_COSTS.admissionProbability),
      bedDaysLogMean: costs.bedDaysLogMean !== DEFAULT_COSTS.bedDaysLogMean,
      bedDaysLogSd: costs.bedDaysLogSd !== DEFAULT_COSTS.bedDaysLogSd,
    };
    for (const [key, differs] of Object.entries(unused)) {
      if (differs) {
        throw new ArgumentError(`options.costs.${key}`, cIn[key], 'no value (or the default) when options.register.costsFromRegister is true: bed-days then come from the register');
      }
    }
  }

  return {
    seed,
    nParticipants,
    nNoData,
    treatedShare,
    nGroups,
    groupSize: { min: gMin, max: gMax },
    nSites,
    arms,
    visits,
    outcomes,
    instruments,
    participantShare,
    instrumentCorrelation,
    groupSd,
    modifiers,
    attrition,
    sessions,
    femaleShare,
    ageBands,
    diagnosisShares,
    comorbidity,
    yearsSinceDiagnosisMean,
    minAgeAtDiagnosis,
    groupStarts,
    costs,
    register,
  };
}
