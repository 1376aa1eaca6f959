/**
 * The columnar generator: one outcome of an SFT-like trial in long format as typed arrays,
 * for benchmarks and power simulations with millions of rows. Same model as
 * `simulateTrial` without covariates, attendance and costs (so without effect modifiers):
 * partially nested groups, participant random intercepts, group random effects on the
 * treatment effect, effect waning over visits, MAR monotone dropout on the baseline score.
 */
import { dict } from '../data/own.js';
import { ArgumentError } from '../errors/index.js';
import { createRng } from '../random/rng.js';
import { calibrateIntercept, drawClusters, logistic, toResolution } from './core.js';
import {
  SIM_INSTRUMENTS,
  SIM_SCALES,
  resolveInstrumentSpec,
  resolveVisits,
  type InstrumentSimSpec,
  type SimInstrumentId,
  type VisitSpec,
} from './options.js';
import { checkBoolean, checkFinite, checkInteger, checkOptions, optionKeys } from '../errors/checks.js';

/** Options of {@link simulateLongColumns}. */
export interface LongColumnsOptions {
  /**
   * Participants randomised (rows ≈ participants × Σ retention over visits).
   * @defaultValue 304
   */
  nParticipants?: number;
  /**
   * Seed; the same seed and options give bit-identical arrays.
   * @defaultValue 1
   */
  seed?: number;
  /**
   * The outcome to simulate; its score range and resolution are used for rounding and clamping.
   * @defaultValue `'PSP'`
   */
  instrument?: SimInstrumentId;
  /**
   * Overrides of the instrument's mean, SD, effect (SD units) and missing-at-visit probability.
   * @defaultValue the `simulateTrial` defaults for the instrument (PSP: 48 ± 12, effect 0.3, 1 % missing)
   */
  spec?: Partial<InstrumentSimSpec>;
  /**
   * Visit schedule with retention, effect multipliers and usual-care change.
   * @defaultValue baseline, `9m` (retention 234/293, ×1), `15m` (retention 194/293, ×0.4)
   */
  visits?: VisitSpec[];
  /**
   * Target treated share, used only to derive the default number of groups.
   * @defaultValue 0.5
   */
  treatedShare?: number;
  /**
   * Group sizes, uniform on the whole numbers min…max.
   * @defaultValue `{ min: 7, max: 9 }`
   */
  groupSize?: { min?: number; max?: number };
  /**
   * Therapy groups.
   * @defaultValue round(nParticipants × treatedShare ÷ mean group size)
   */
  nGroups?: number;
  /**
   * Sites; each runs at least one group.
   * @defaultValue min(9, nGroups)
   */
  nSites?: number;
  /**
   * Between-participant share of the score variance.
   * @defaultValue 0.5
   */
  participantShare?: number;
  /**
   * SD of the group effect on the treatment effect (SD units).
   * @defaultValue 0.15
   */
  groupSd?: number;
  /**
   * Log-odds of staying per SD of the baseline score.
   * @defaultValue 0.5
   */
  attritionSlope?: number;
  /**
   * Keep the therapy-group random effect when the average effect is 0 (groups still differ,
   * the average effect is null): what the type-I error of a power simulation needs. When false,
   * an instrument without an effect has no group effect either.
   * @defaultValue false
   */
  clusterWithoutEffect?: boolean;
}

/** The columns. Row r is participant `id[r]` at visit `levels.visit[visit[r]]`; rows are sorted by id, then visit. */
export interface LongColumns {
  /** Participant index 0…nParticipants−1. */
  id: Int32Array;
  /** 0 = control, 1 = treated (see `levels.arm`). */
  arm: Uint8Array;
  /** Index into `levels.visit`. */
  visit: Uint8Array;
  /** Therapy group index 0…nGroups−1, or −1 for no group (controls). */
  group: Int32Array;
  /** Site index 0…nSites−1. */
  site: Int32Array;
  /** Score on the instrument's scale; never NaN: missing measurements are absent rows. */
  score: Float64Array;
  levels: { arm: [string, string]; visit: string[]; instrument: SimInstrumentId };
  nRows: number;
  nParticipants: number;
  nGroups: number;
  nSites: number;
  /** The parameters used, and the true effects. */
  truth: {
    seed: number;
    spec: InstrumentSimSpec;
    visits: VisitSpec[];
    groupSize: { min: number; max: number };
    participantShare: number;
    groupSd: number;
    attritionSlope: number;
    nTreated: number;
    /** Expected SFT − control difference in mean score at each visit (score units). */
    effectRaw: Record<string, number>;
    /** The calibrated dropout intercepts by visit. */
    attritionIntercepts: Record<string, number>;
  };
}

const KEYS = optionKeys<LongColumnsOptions>()([
  'nParticipants',
  'seed',
  'instrument',
  'spec',
  'visits',
  'treatedShare',
  'groupSize',
  'nGroups',
  'nSites',
  'participantShare',
  'groupSd',
  'attritionSlope',
  'clusterWithoutEffect',
]);

/**
 * Simulate one outcome of an SFT-like trial as columnar typed arrays.
 *
 * Everyone gives a baseline score; at later visits monotone dropout is missing at random
 * given the baseline score (logit P(stay) = α_visit + slope × baseline z, α calibrated so the
 * expected number measured is retention × n), then the instrument is missing at random with
 * `spec.missingAtVisit`. Memory: 22 bytes per row for the columns plus about 40 bytes per
 * participant while generating.
 *
 * @param options - see {@link LongColumnsOptions}.
 * @throws ArgumentError when an option is invalid, naming it, its value and what was expected.
 * @example
 * const cols = simulateLongColumns({ nParticipants: 1000, seed: 3 });
 * cols.score.length === cols.nRows; // true
 * cols.group[0] === -1 ? cols.arm[0] === 0 : cols.arm[0] === 1; // true
 */
export function simulateLongColumns(options?: LongColumnsOptions): LongColumns {
  const o = checkOptions('options', options, KEYS) as Record<string, unknown>;
  const N = checkInteger('options.nParticipants', o['nParticipants'] ?? 304, 2, 200_000_000);
  const seed = checkFinite('options.seed', o['seed'] ?? 1);
  const instrument = o['instrument'] ?? 'PSP';
  if (typeof instrument !== 'string' || !(SIM_INSTRUMENTS as readonly string[]).includes(instrument)) {
    throw new ArgumentError('options.instrument', instrument, `one of ${SIM_INSTRUMENTS.join(', ')}`);
  }
  const id = instrument as SimInstrumentId;
  const spec = resolveInstrumentSpec('options.spec', id, o['spec']);
  const visits = resolveVisits('options.visits', o['visits']);
  if (visits.length > 255) throw new ArgumentError('options.visits', o['visits'], 'at most 255 visits (visit codes are bytes)');
  const treatedShare = checkFinite('options.treatedShare', o['treatedShare'] ?? 0.5, 0.01, 0.99);
  const gsIn = o['groupSize'] ?? {};
  if (typeof gsIn !== 'object' || gsIn === null || Array.isArray(gsIn)) throw new ArgumentError('options.groupSize', gsIn, 'an object { min, max }');
  checkOptions('options.groupSize', gsIn, ['min', 'max']);
  const gMin = checkInteger('options.groupSize.min', (gsIn as Record<string, unknown>)['min'] ?? 7, 1);
  const gMax = checkInteger('options.groupSize.max', (gsIn as Record<string, unknown>)['max'] ?? 9, 1);
  if (gMax < gMin) throw new ArgumentError('options.groupSize.max', gMax, `at least options.groupSize.min (${gMin})`);
  const nGroups = checkInteger('options.nGroups', o['nGroups'] ?? Math.max(1, Math.round((N * treatedShare * 2) / (gMin + gMax))), 1);
  if (nGroups * gMax >= N) {
    throw new ArgumentError('options.nGroups', nGroups, `at most ${Math.floor((N - 1) / gMax)} groups so that at least one of ${N} participants is a control`);
  }
  const nSites = checkInteger('options.nSites', o['nSites'] ?? Math.min(9, nGroups), 1, nGroups);
  const rho = checkFinite('options.participantShare', o['participantShare'] ?? 0.5, 0, 0.99);
  const groupSd = checkFinite('options.groupSd', o['groupSd'] ?? 0.15, 0, 10);
  const slope = checkFinite('options.attritionSlope', o['attritionSlope'] ?? 0.5, -10, 10);
  checkBoolean('options.clusterWithoutEffect', o['clusterWithoutEffect']);
  const clusterAlways = o['clusterWithoutEffect'] === true;

  const root = createRng(seed);
  const rStructure = root.fork();
  const rOutcome = root.fork();
  const rMissing = root.fork();

  // Allocation: group places first, then controls tied to a random place's group (for the
  // site), then one shuffle of the whole array so arms are in random id order.
  const layout = drawClusters(rStructure, nGroups, gMin, gMax, nSites);
  const groupOf = new Int32Array(N);
  const siteOf = new Int32Array(N);
  {
    let k = 0;
    for (let g = 0; g < nGroups; g++) {
      const size = layout.groupSize[g]!;
      for (let j = 0; j < size; j++) {
        groupOf[k] = g;
        siteOf[k] = layout.groupSite[g]!;
        k++;
      }
    }
    for (let s = layout.nTreated; s < N; s++) {
      groupOf[s] = -1;
      siteOf[s] = siteOf[rStructure.int(layout.nTreated)]!;
    }
    for (let i = N - 1; i > 0; i--) {
      const j = rStructure.int(i + 1);
      const tg = groupOf[i]!;
      groupOf[i] = groupOf[j]!;
      groupOf[j] = tg;
      const ts = siteOf[i]!;
      siteOf[i] = siteOf[j]!;
      siteOf[j] = ts;
    }
  }
  const groupU = new Float64Array(nGroups);
  for (let g = 0; g < nGroups; g++) groupU[g] = groupSd * rOutcome.normal();

  // Pass 1: intercepts and baseline latent scores; dropout needs the whole baseline
  // distribution (for the intercept calibration) before any follow-up is decided.
  const V = visits.length;
  const sdB = Math.sqrt(rho);
  const sdE = Math.sqrt(1 - rho);
  const b = new Float64Array(N);
  const base = new Float64Array(N);
  const scale = SIM_SCALES[id];
  for (let i = 0; i < N; i++) {
    b[i] = sdB * rOutcome.normal();
    base[i] = toResolution(spec.mean + spec.sd * (b[i]! + sdE * rOutcome.normal()), scale.min, scale.max, scale.step);
  }
  // lastVisit[i]: index of the last visit attended (monotone dropout).
  const lastVisit = new Uint8Array(N);
  const x = new Float64Array(N);
  for (let i = 0; i < N; i++) x[i] = (base[i]! - spec.mean) / spec.sd;
  const intercepts = dict<number>();
  let atRisk = new Int32Array(N);
  for (let i = 0; i < N; i++) atRisk[i] = i;
  let nAtRisk = N;
  for (let v = 1; v < V; v++) {
    const eta = new Float64Array(nAtRisk);
    for (let r = 0; r < nAtRisk; r++) eta[r] = slope * x[atRisk[r]!]!;
    const alpha = calibrateIntercept(eta, 1, visits[v]!.retention * N);
    intercepts[visits[v]!.name] = alpha;
    let kept = 0;
    for (let r = 0; r < nAtRisk; r++) {
      const i = atRisk[r]!;
      if (rMissing.uniform() < logistic(alpha + eta[r]!)) {
        atRisk[kept++] = i;
        lastVisit[i] = v;
      }
    }
    nAtRisk = kept;
  }
  atRisk = new Int32Array(0);

  // Instrument-level gaps at attended follow-ups, decided before allocating so the columns
  // are allocated once at their exact length (no trimming copy of hundreds of megabytes).
  const present = new Uint8Array(N * V);
  const pMiss = spec.missingAtVisit;
  let nRows = 0;
  for (let i = 0; i < N; i++) {
    const last = lastVisit[i]!;
    present[i * V] = 1;
    nRows++;
    for (let v = 1; v <= last; v++) {
      if (rMissing.uniform() >= pMiss) {
        present[i * V + v] = 1;
        nRows++;
      }
    }
  }
  const idCol = new Int32Array(nRows);
  const armCol = new Uint8Array(nRows);
  const visitCol = new Uint8Array(nRows);
  const groupCol = new Int32Array(nRows);
  const siteCol = new Int32Array(nRows);
  const scoreCol = new Float64Array(nRows);
  let r = 0;
  for (let i = 0; i < N; i++) {
    const g = groupOf[i]!;
    const treated = g >= 0;
    const eff = treated ? spec.effect + (spec.effect !== 0 || clusterAlways ? groupU[g]! : 0) : 0;
    const last = lastVisit[i]!;
    for (let v = 0; v <= last; v++) {
      let y: number;
      if (v === 0) y = base[i]!;
      else {
        // Drawn whether or not the score is then missing, so the scores of the measured do
        // not depend on the missing-at-visit probability.
        const visit = visits[v]!;
        const z = b[i]! + sdE * rOutcome.normal() + visit.controlChange + visit.effectMultiplier * eff;
        y = toResolution(spec.mean + spec.sd * z, scale.min, scale.max, scale.step);
        if (!present[i * V + v]) continue;
      }
      idCol[r] = i;
      armCol[r] = treated ? 1 : 0;
      visitCol[r] = v;
      groupCol[r] = g;
      siteCol[r] = siteOf[i]!;
      scoreCol[r] = y;
      r++;
    }
  }
  const effectRaw = dict<number>();
  for (const visit of visits) effectRaw[visit.name] = visit.effectMultiplier * spec.effect * spec.sd;
  return {
    id: idCol,
    arm: armCol,
    visit: visitCol,
    group: groupCol,
    site: siteCol,
    score: scoreCol,
    levels: { arm: ['control', 'SFT'], visit: visits.map((v) => v.name), instrument: id },
    nRows,
    nParticipants: N,
    nGroups,
    nSites,
    truth: {
      seed,
      spec,
      visits,
      groupSize: { min: gMin, max: gMax },
      participantShare: rho,
      groupSd,
      attritionSlope: slope,
      nTreated: layout.nTreated,
      effectRaw,
      attritionIntercepts: intercepts,
    },
  };
}
