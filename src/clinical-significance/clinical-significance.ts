/**
 * Clinical significance per participant and visit: reliable change (four methods), the cut-off
 * between the dysfunctional and functional ranges, and the five categories. Works from trial data
 * or from plain arrays; returns tidy rows. Methods: docs/methods/clinical-significance.md.
 */
import { ArgumentError, type Diagnostic } from '../errors/index.js';
import type { TrialData } from '../data/types.js';
import { isTrialData, trialToRows } from '../data/validate.js';
import { defaultInstruments, getInstrument, scoreProblem, type Direction, type Instrument } from '../instruments/index.js';
import { clinicalCutoff, type CutoffNorm } from './cutoff.js';
import { mean, sumOfSquares } from '../statistics/sample.js';
import { RCI_METHODS, rciScale, rciValue, type RciInputs, type RciScale } from './methods.js';
import type {
  ArrayClinicalSignificanceOptions,
  BaselineSdSource,
  CategoryCountRow,
  ChangeCategory,
  ChangeRow,
  ChangeStatus,
  ClinicalCutoff,
  ClinicalSignificanceArrays,
  ClinicalSignificanceOptions,
  ClinicalSignificanceClassification,
  CutoffOption,
  NormInput,
  RciMethod,
  RciParameterRow,
  ReliabilityUsed,
  TrialClinicalSignificanceOptions,
  NormsOption,
} from './types.js';
import { checkOptions, isPlainObject, optionKeys } from '../errors/checks.js';
import { cutoffAuto, haNoVaryingPairs, haReliabilityNotPositive, missingScores, noCutoff, perArmSd, reliabilityInternalConsistency, scoreAtCutoff } from '../errors/diagnostics.js';

const COMMON_OPTION_KEYS = ['registry', 'method', 'reliability', 'direction', 'cutoff', 'norms', 'baselineSd', 'criticalValue', 'arms'] as const;
const TRIAL_OPTION_KEYS = optionKeys<TrialClinicalSignificanceOptions>()([...COMMON_OPTION_KEYS, 'instrument', 'visits', 'baselineVisit']);
const ARRAY_OPTION_KEYS = optionKeys<ArrayClinicalSignificanceOptions>()([...COMMON_OPTION_KEYS, 'instrument', 'visit']);

/** The participants and scores, whatever the input was. */
interface Prepared {
  ids: string[];
  /** Arm of each participant. */
  arm: string[];
  /** Arms in order. */
  arms: string[];
  /** The named reference arm (see the result's `reference`). */
  reference: string | null;
  baseline: (number | null)[];
  visits: string[];
  /** followUp[v][i]: participant i at visit v. */
  followUp: (number | null)[][];
  instrument: Instrument | null;
}

const METHODS = Object.keys(RCI_METHODS) as RciMethod[];

function isNumberOrNull(v: unknown): v is number | null {
  return v === null || (typeof v === 'number' && Number.isFinite(v));
}

function checkScores(name: string, values: unknown, n: number | null, instrument: Instrument | null): (number | null)[] {
  if (!Array.isArray(values)) throw new ArgumentError(name, values, 'an array of scores (numbers, or null when missing)');
  if (n !== null && values.length !== n) {
    throw new ArgumentError(name, `an array of length ${values.length}`, `the same length as baseline (${n})`, 'Every array holds one entry per participant, in the same order');
  }
  return values.map((v: unknown, i: number) => {
    if (v === undefined) return null;
    if (!isNumberOrNull(v)) throw new ArgumentError(`${name}[${i}]`, v, 'a finite score or null');
    if (v !== null && instrument) {
      const problem = scoreProblem(instrument, v);
      if (problem) throw new ArgumentError(`${name}[${i}]`, v, problem);
    }
    return v;
  });
}

function resolveInstrument(options: ClinicalSignificanceOptions, required: boolean): Instrument | null {
  if (options.instrument === undefined) {
    if (required) throw new ArgumentError('options.instrument', undefined, 'the id of a registered instrument, e.g. "PSP"');
    return null;
  }
  return getInstrument(options.instrument, options.registry ?? defaultInstruments);
}

function armOrder(present: readonly string[], wanted: readonly string[] | undefined, known: readonly string[]): string[] {
  if (wanted === undefined) return [...known];
  if (!Array.isArray(wanted) || wanted.length === 0) throw new ArgumentError('options.arms', wanted, 'a non-empty array of arm names');
  const seen = new Set<string>();
  for (const a of wanted) {
    if (!present.includes(a)) throw new ArgumentError('options.arms', a, `one of the arms (${present.join(', ')})`);
    if (seen.has(a)) throw new ArgumentError('options.arms', a, 'each arm once');
    seen.add(a);
  }
  return [...wanted];
}

function prepareTrial(trial: TrialData, options: TrialClinicalSignificanceOptions): Prepared {
  const instrument = resolveInstrument(options, true) as Instrument;
  const design = trial.design;
  if (!design.instruments.includes(instrument.id)) {
    throw new ArgumentError('options.instrument', instrument.id, `one of the design's instruments (${design.instruments.join(', ')})`);
  }
  const baselineVisit = options.baselineVisit ?? design.visits[0]!;
  if (!design.visits.includes(baselineVisit)) throw new ArgumentError('options.baselineVisit', baselineVisit, `one of the design's visits (${design.visits.join(', ')})`);
  const after = design.visits.slice(design.visits.indexOf(baselineVisit) + 1);
  let visits: string[];
  if (options.visits === undefined) {
    visits = after;
  } else {
    if (!Array.isArray(options.visits) || options.visits.length === 0) throw new ArgumentError('options.visits', options.visits, 'a non-empty array of follow-up visits');
    for (const v of options.visits) {
      if (v === baselineVisit) throw new ArgumentError('options.visits', v, `follow-up visits, not the baseline visit "${baselineVisit}"`);
      if (!design.visits.includes(v)) throw new ArgumentError('options.visits', v, `one of the design's visits (${design.visits.join(', ')})`);
    }
    visits = design.visits.filter((v) => options.visits!.includes(v));
  }
  if (visits.length === 0) throw new ArgumentError('options.visits', visits, `at least one visit after the baseline visit "${baselineVisit}"`);
  const arms = armOrder(design.arms, options.arms, design.arms);
  const rows = trialToRows(trial, { instrument: instrument.id, visits, baselineVisit, complete: true });
  const index = new Map<string, number>();
  const ids: string[] = [];
  const arm: string[] = [];
  const baseline: (number | null)[] = [];
  for (const p of trial.participants) {
    if (!arms.includes(p.arm)) continue;
    index.set(p.id, ids.length);
    ids.push(p.id);
    arm.push(p.arm);
    baseline.push(null);
  }
  const followUp = visits.map(() => new Array<number | null>(ids.length).fill(null));
  const visitIndex = new Map(visits.map((v, k) => [v, k]));
  for (const r of rows) {
    const i = index.get(r.id);
    if (i === undefined) continue;
    baseline[i] = r.baseline;
    followUp[visitIndex.get(r.visit)!]![i] = r.score;
  }
  return { ids, arm, arms, reference: arms[0]!, baseline, visits, followUp, instrument };
}

function prepareArrays(data: ClinicalSignificanceArrays, options: ArrayClinicalSignificanceOptions): Prepared {
  if (typeof data !== 'object' || data === null) throw new ArgumentError('data', data, 'trial data from validateTrial, or { baseline, followUp, arm?, id? }');
  const instrument = resolveInstrument(options, false);
  const baseline = checkScores('baseline', data.baseline, null, instrument);
  const n = baseline.length;
  let visits: string[];
  let followUp: (number | null)[][];
  if (Array.isArray(data.followUp)) {
    const visit = options.visit ?? 'follow-up';
    if (typeof visit !== 'string' || visit === '') throw new ArgumentError('options.visit', visit, 'a visit name');
    visits = [visit];
    followUp = [checkScores('followUp', data.followUp, n, instrument)];
  } else if (typeof data.followUp === 'object' && data.followUp !== null) {
    visits = Object.keys(data.followUp);
    if (visits.length === 0) throw new ArgumentError('followUp', data.followUp, 'an array of scores or { visit: scores } with at least one visit');
    const byVisit = data.followUp as Readonly<Record<string, readonly (number | null)[]>>;
    followUp = visits.map((v) => checkScores(`followUp["${v}"]`, byVisit[v], n, instrument));
  } else {
    throw new ArgumentError('followUp', data.followUp, 'an array of scores or { visit: scores }');
  }
  let arm: string[];
  if (data.arm === undefined) {
    arm = new Array<string>(n).fill('all');
  } else {
    if (!Array.isArray(data.arm) || data.arm.length !== n) {
      throw new ArgumentError('arm', Array.isArray(data.arm) ? `an array of length ${data.arm.length}` : data.arm, `an array of ${n} arm names, one per participant`);
    }
    data.arm.forEach((a, i) => {
      if (typeof a !== 'string' || a === '') throw new ArgumentError(`arm[${i}]`, a, 'an arm name');
    });
    arm = [...data.arm];
  }
  let ids: string[];
  if (data.id === undefined) {
    ids = Array.from({ length: n }, (_, i) => String(i + 1));
  } else {
    if (!Array.isArray(data.id) || data.id.length !== n) {
      throw new ArgumentError('id', Array.isArray(data.id) ? `an array of length ${data.id.length}` : data.id, `an array of ${n} participant ids`);
    }
    const seen = new Set<string>();
    data.id.forEach((v, i) => {
      if (typeof v !== 'string' || v === '') throw new ArgumentError(`id[${i}]`, v, 'a participant id');
      if (seen.has(v)) throw new ArgumentError(`id[${i}]`, v, 'unique participant ids');
      seen.add(v);
    });
    ids = [...data.id];
  }
  const firstSeen = [...new Set(arm)];
  const arms = armOrder(firstSeen, options.arms, firstSeen);
  // Participants of arms left out by options.arms are dropped from every array alike.
  const keep = arm.map((a) => arms.includes(a));
  const pick = <T>(xs: T[]): T[] => xs.filter((_, i) => keep[i]);
  return { ids: pick(ids), arm: pick(arm), arms, reference: options.arms !== undefined ? arms[0]! : null, baseline: pick(baseline), visits, followUp: followUp.map(pick), instrument };
}

function resolveDirection(options: ClinicalSignificanceOptions, instrument: Instrument | null): Direction {
  const given = options.direction;
  if (given !== undefined && given !== 'higher-better' && given !== 'lower-better') {
    throw new ArgumentError('options.direction', given, '"higher-better" or "lower-better"');
  }
  if (instrument) {
    if (given !== undefined && given !== instrument.direction) {
      throw new ArgumentError('options.direction', given, `the direction of ${instrument.id} in the registry ("${instrument.direction}")`, 'Redefine the instrument to change its direction');
    }
    return instrument.direction;
  }
  if (given === undefined) throw new ArgumentError('options.direction', given, '"higher-better" or "lower-better" (required without an instrument)');
  return given;
}

function resolveReliability(options: ClinicalSignificanceOptions, instrument: Instrument | null): ReliabilityUsed {
  const r = options.reliability;
  if (r !== undefined) {
    if (typeof r !== 'number' || !(r > 0 && r < 1)) throw new ArgumentError('options.reliability', r, 'a reliability strictly between 0 and 1');
    return { value: r, source: 'supplied by the user', kind: null, statistic: null, population: null };
  }
  const reg = instrument?.reliability ?? null;
  if (!reg) {
    throw new ArgumentError(
      'options.reliability',
      r,
      'a reliability strictly between 0 and 1',
      instrument ? `The registry has no reliability for ${instrument.id}: supply one from a study of your population` : 'Give options.reliability or an instrument with a registered reliability',
    );
  }
  return { value: reg.value, source: reg.source.citation, kind: reg.kind, statistic: reg.statistic, population: reg.population };
}

function resolveMethod(options: ClinicalSignificanceOptions): RciMethod {
  const m = options.method ?? 'jacobson-truax';
  if (!METHODS.includes(m)) throw new ArgumentError('options.method', m, `one of ${METHODS.map((x) => `"${x}"`).join(', ')}`);
  return m;
}

interface Moments {
  n: number;
  mean: number;
  /** Sum of squared deviations. */
  ss: number;
}

function moments(values: readonly number[]): Moments {
  const m = mean(values);
  return { n: values.length, mean: m, ss: sumOfSquares(values, m) };
}

function sd(m: Moments): number {
  return Math.sqrt(m.ss / (m.n - 1));
}

function pooledSd(groups: readonly Moments[]): number {
  let ss = 0;
  let df = 0;
  for (const g of groups) {
    if (g.n < 2) continue;
    ss += g.ss;
    df += g.n - 1;
  }
  return Math.sqrt(ss / df);
}

function resolveCutoff(
  option: CutoffOption | undefined,
  options: ClinicalSignificanceOptions,
  instrument: Instrument | null,
  direction: Direction,
  baselineSample: { mean: number; sd: number; n: number },
): { cutoff: ClinicalCutoff | null; auto: string | null } {
  const c = option ?? 'auto';
  if (c === 'none') return { cutoff: null, auto: null };
  if (typeof c === 'object' && c !== null) {
    if (typeof c.value !== 'number' || !Number.isFinite(c.value)) throw new ArgumentError('options.cutoff.value', c.value, 'a finite score');
    const label = c.label ?? 'user-supplied cut-off';
    return { cutoff: { type: 'custom', value: c.value, formula: `custom cut-off = ${c.value} (${label})`, direction, clinical: null, functional: null, label }, auto: null };
  }
  if (c !== 'a' && c !== 'b' && c !== 'c' && c !== 'auto') throw new ArgumentError('options.cutoff', c, '"auto", "a", "b", "c", "none" or { value, label }');
  const given = options.norms ?? {};
  if (typeof given !== 'object' || given === null) throw new ArgumentError('options.norms', given, 'an object { clinical?, functional? }');
  const fromRegistry = (which: 'clinical' | 'functional'): CutoffNorm | null => {
    const norm = instrument?.norms[which] ?? null;
    if (!norm) return null;
    // A registry mean without an SD cannot give a cut-off; readNorm reports the missing SD.
    return { mean: norm.mean, sd: norm.sd ?? Number.NaN, population: norm.population, source: norm.source.citation, origin: 'registry' };
  };
  const fromUser = (which: 'clinical' | 'functional', v: NormInput | 'baseline-sample' | undefined): CutoffNorm | null | undefined => {
    if (v === undefined) return undefined;
    if (v === 'baseline-sample') {
      if (which !== 'clinical') throw new ArgumentError(`options.norms.${which}`, v, 'a { mean, sd } norm ("baseline-sample" is for the clinical population only)');
      return {
        mean: baselineSample.mean,
        sd: baselineSample.sd,
        population: `observed baseline scores of this sample (n = ${baselineSample.n})`,
        source: 'the baseline scores (Jacobson & Truax 1991: the pretreatment sample when no clinical norms exist)',
        origin: 'baseline-sample',
      };
    }
    if (typeof v !== 'object' || v === null) throw new ArgumentError(`options.norms.${which}`, v, 'an object { mean, sd, population?, source? }');
    return { mean: v.mean, sd: v.sd, population: v.population ?? 'supplied by the user', source: v.source ?? 'supplied by the user', origin: 'user' };
  };
  const clinical = fromUser('clinical', given.clinical) ?? fromRegistry('clinical');
  const functional = fromUser('functional', given.functional) ?? fromRegistry('functional');
  if (c !== 'auto') return { cutoff: clinicalCutoff(c, { clinical, functional }, direction, 'options.norms'), auto: null };
  const usable = (n: CutoffNorm | null): boolean => n !== null && Number.isFinite(n.mean) && Number.isFinite(n.sd) && n.sd > 0;
  const norms = { clinical, functional };
  if (usable(clinical) && usable(functional)) return { cutoff: clinicalCutoff('c', norms, direction, 'options.norms'), auto: 'cut-off c (both population norms are known)' };
  // A published cut-off fits only when its rule puts the dysfunctional range on the worse side.
  const rule = direction === 'higher-better' ? 'at-or-below' : 'at-or-above';
  const published = instrument?.cutoffs.find((x) => x.rule === rule);
  if (published) {
    const sign = rule === 'at-or-below' ? '≤' : '≥';
    return {
      cutoff: {
        type: 'published',
        value: published.value,
        formula: `published cut-off: ${published.label} at ${sign} ${published.value} (${published.source.citation})`,
        direction,
        clinical: null,
        functional: null,
        label: published.label,
      },
      auto: `the published cut-off of ${instrument!.id}: ${published.label} at ${sign} ${published.value} (no Jacobson–Truax c: ${usable(clinical) || usable(functional) ? 'only one population norm is known' : 'no population norms are known'})`,
    };
  }
  if (usable(functional)) return { cutoff: clinicalCutoff('b', norms, direction, 'options.norms'), auto: 'cut-off b (only the functional-population norm is known)' };
  if (usable(clinical)) return { cutoff: clinicalCutoff('a', norms, direction, 'options.norms'), auto: 'cut-off a (only the clinical-population norm is known)' };
  return {
    cutoff: null,
    auto: `no cut-off: ${instrument ? `${instrument.id} has` : 'there are'} no population norms with SDs and no published cut-off, so only reliable change is classified (give options.norms or options.cutoff: { value } for recovered and harmed)`,
  };
}

function categoryOf(improve: boolean, deteriorate: boolean, dysBase: boolean | null, funcFollow: boolean | null): ChangeCategory {
  if (improve) return dysBase === true && funcFollow === true ? 'recovered' : 'improved';
  if (deteriorate) return dysBase === false && funcFollow === false ? 'harmed' : 'deteriorated';
  return 'unchanged';
}

/** Scope of one set of index parameters: every participant, or one arm. */
interface Scope {
  arm: string | null;
  members: (i: number) => boolean;
}

/**
 * Clinical significance per participant and follow-up visit, after Jacobson & Truax (1991).
 *
 * 1. **Reliable change.** The index of `method` (formulas in {@link RCI_METHODS}); Jacobson–Truax
 *    by default: RC = (y − x)/S_diff, S_diff = s_x·√2·√(1 − r), s_x the baseline SD (pooled within
 *    arms by default, see `baselineSd`), r the reliability (the registry's, or `reliability`).
 *    Reliable improvement when d·RC exceeds the critical value (d = +1 when higher is better, −1
 *    otherwise), reliable deterioration when d·RC < −critical value.
 * 2. **Cut-off** a, b or c between the dysfunctional and functional ranges (see
 *    {@link clinicalCutoff}), from the registry's norms or `norms`.
 * 3. **Categories:** `recovered` = reliably improved, dysfunctional at baseline and functional at
 *    follow-up; `improved` = other reliable improvement; `unchanged`; `deteriorated` = reliable
 *    deterioration that is not harm; `harmed` = reliably deteriorated, functional at baseline and
 *    dysfunctional at follow-up (the mirror of recovery). A participant without a follow-up (or
 *    baseline) score is counted as missing, never as unchanged.
 *
 * The baseline statistics (M_x, s_x) come from every observed baseline of the included arms, so
 * the yardstick is the same at every visit and does not depend on who dropped out.
 * Hageman–Arrindell needs the pre–post correlation and the follow-up SD, so its statistics come
 * from the complete pairs at each visit.
 *
 * References: Jacobson & Truax (1991); Hsu (1989); Speer (1992); Hageman & Arrindell (1999);
 * Bauer, Lambert & Nielsen (2004) compare the four.
 *
 * @param input - validated trial data, or `{ baseline, followUp, arm?, id? }` plain arrays.
 * @throws ArgumentError naming the argument and value: reliability outside (0, 1), a score outside
 *   the instrument's range, arrays of different length, fewer than two observed baselines (or two
 *   per arm with `baselineSd: 'per-arm'`), baselines that do not vary, a cut-off without the norms
 *   it needs, an unknown method, instrument, visit or arm.
 * @example
 * const res = clinicalSignificance(
 *   { baseline: [10, 12, 14, 16, 18], followUp: [20, 12, 9, 25, 17] },
 *   { reliability: 0.8, direction: 'higher-better', cutoff: 'none' },
 * );
 * res.parameters[0]!.minimumChange; // 3.92 = 1.96 · √2 · s_x · √(1 − 0.8) with s_x = √10
 * res.rows.map((r) => r.category); // ['improved', 'unchanged', 'deteriorated', 'improved', 'unchanged']
 */
export function clinicalSignificance(trial: TrialData, options: TrialClinicalSignificanceOptions): ClinicalSignificanceClassification;
export function clinicalSignificance(data: ClinicalSignificanceArrays, options: ArrayClinicalSignificanceOptions): ClinicalSignificanceClassification;
export function clinicalSignificance(
  input: TrialData | ClinicalSignificanceArrays,
  options: TrialClinicalSignificanceOptions | ArrayClinicalSignificanceOptions,
): ClinicalSignificanceClassification {
  if (typeof options !== 'object' || options === null) throw new ArgumentError('options', options, 'an options object, e.g. { instrument: "PSP" }');
  checkOptions('options', options, isTrialData(input) ? TRIAL_OPTION_KEYS : ARRAY_OPTION_KEYS);
  checkOptions('options.norms', options.norms, optionKeys<NormsOption>()(['clinical', 'functional']));
  for (const which of ['clinical', 'functional'] as const) {
    const norm = options.norms?.[which];
    if (isPlainObject(norm)) checkOptions(`options.norms.${which}`, norm, optionKeys<NormInput>()(['mean', 'sd', 'population', 'source']));
  }
  const prepared = isTrialData(input)
    ? prepareTrial(input, options as TrialClinicalSignificanceOptions)
    : prepareArrays(input as ClinicalSignificanceArrays, options as ArrayClinicalSignificanceOptions);
  return analyse(prepared, options);
}

function analyse(p: Prepared, options: ClinicalSignificanceOptions): ClinicalSignificanceClassification {
  const method = resolveMethod(options);
  const info = RCI_METHODS[method];
  const direction = resolveDirection(options, p.instrument);
  const d = direction === 'higher-better' ? 1 : -1;
  const reliability = resolveReliability(options, p.instrument);
  const r = reliability.value;
  const crit = options.criticalValue ?? info.criticalValue;
  if (typeof crit !== 'number' || !Number.isFinite(crit) || !(crit > 0)) throw new ArgumentError('options.criticalValue', crit, 'a positive number, e.g. 1.96');
  const sdOption = options.baselineSd ?? 'pooled';
  if (typeof sdOption === 'number') {
    if (!Number.isFinite(sdOption) || !(sdOption > 0)) throw new ArgumentError('options.baselineSd', sdOption, 'a positive SD, or "pooled", "total" or "per-arm"');
    if (method === 'hageman-arrindell') throw new ArgumentError('options.baselineSd', sdOption, '"pooled", "total" or "per-arm" for Hageman–Arrindell, which needs its sample’s pre and post SDs');
  } else if (sdOption !== 'pooled' && sdOption !== 'total' && sdOption !== 'per-arm') {
    throw new ArgumentError('options.baselineSd', sdOption, '"pooled", "total", "per-arm" or a positive SD');
  }
  const n = p.ids.length;
  const diagnostics: Diagnostic[] = [];

  // Every observed baseline counts, not only completers, so the yardstick is the same at each
  // visit and does not move with dropout.
  const observed: number[] = [];
  const byArm = new Map<string, number[]>(p.arms.map((a) => [a, []]));
  p.baseline.forEach((x, i) => {
    if (x === null) return;
    observed.push(x);
    byArm.get(p.arm[i]!)!.push(x);
  });
  if (observed.length < 2) throw new ArgumentError('baseline', `${observed.length} observed baseline score${observed.length === 1 ? '' : 's'}`, 'at least two observed baseline scores');
  const all = moments(observed);
  const armMoments = new Map(p.arms.map((a) => [a, moments(byArm.get(a)!)]));
  if (!(all.ss > 0)) throw new ArgumentError('baseline', observed[0], 'baseline scores that vary (their SD is 0, so no reliable change index exists)');
  if (sdOption === 'per-arm') {
    for (const [a, m] of armMoments) {
      if (m.n < 2) throw new ArgumentError('baseline', `${m.n} observed baseline score${m.n === 1 ? '' : 's'} in arm "${a}"`, 'at least two observed baselines per arm with baselineSd: "per-arm"');
      if (!(m.ss > 0)) throw new ArgumentError('baseline', `constant baselines in arm "${a}"`, 'baseline scores that vary within each arm with baselineSd: "per-arm"');
    }
  }
  const totalSd = sd(all);
  const globalSd = typeof sdOption === 'number' ? sdOption : sdOption === 'total' ? totalSd : pooledSd([...armMoments.values()]);
  if (!(globalSd > 0)) throw new ArgumentError('baseline', observed[0], 'baseline scores that vary within arms (the pooled SD is 0)');

  const { cutoff, auto } = resolveCutoff(options.cutoff, options, p.instrument, direction, { mean: all.mean, sd: totalSd, n: all.n });
  if (auto !== null) diagnostics.push(cutoffAuto(auto, cutoff?.type ?? 'none'));

  const scopes: Scope[] =
    sdOption === 'per-arm' ? p.arms.map((a) => ({ arm: a, members: (i: number) => p.arm[i] === a })) : [{ arm: null, members: () => true }];

  const parameters: RciParameterRow[] = [];
  const rows: ChangeRow[] = [];
  let ties = 0;
  for (let v = 0; v < p.visits.length; v++) {
    const visit = p.visits[v]!;
    const fu = p.followUp[v]!;
    // The statistics behind each participant's index at this visit; null where none can be computed.
    const perParticipant = new Array<{ inputs: RciInputs; scale: RciScale } | null>(n).fill(null);
    for (const scope of scopes) {
      let inputs: RciInputs;
      let nStats: number;
      if (method === 'hageman-arrindell') {
        const pairs: number[] = [];
        for (let i = 0; i < n; i++) if (scope.members(i) && p.baseline[i] !== null && fu[i] !== null) pairs.push(i);
        const stats = pairStatistics(pairs, p, fu, scope.arm === null && sdOption === 'pooled');
        if (stats === null) {
          diagnostics.push(haNoVaryingPairs(visit, scope.arm, pairs.length));
          continue;
        }
        inputs = { meanX: stats.meanX, sdX: stats.sdX, reliability: r, meanY: stats.meanY, sdY: stats.sdY, corr: stats.corr };
        nStats = pairs.length;
      } else {
        const m = scope.arm === null ? all : armMoments.get(scope.arm)!;
        inputs = { meanX: m.mean, sdX: scope.arm === null ? globalSd : sd(m), reliability: r };
        nStats = m.n;
      }
      const scale = rciScale(method, inputs);
      if (scale === null) {
        diagnostics.push(haReliabilityNotPositive(visit, scope.arm));
        continue;
      }
      parameters.push({
        visit,
        arm: scope.arm,
        n: nStats,
        baselineMean: inputs.meanX,
        baselineSd: inputs.sdX,
        seMeasurement: scale.seMeasurement,
        se: scale.se,
        criticalValue: crit,
        minimumChange: method === 'jacobson-truax' ? crit * scale.se : null,
        followUpMean: inputs.meanY ?? null,
        followUpSd: inputs.sdY ?? null,
        correlation: inputs.corr ?? null,
        differenceReliability: scale.differenceReliability,
      });
      for (let i = 0; i < n; i++) if (scope.members(i)) perParticipant[i] = { inputs, scale };
    }
    for (let i = 0; i < n; i++) {
      const x = p.baseline[i]!;
      const y = fu[i]!;
      const hasX = p.baseline[i] !== null;
      const hasY = fu[i] !== null;
      const status: ChangeStatus = hasX && hasY ? (perParticipant[i] ? 'classified' : 'not-classifiable') : hasX ? 'missing-follow-up' : hasY ? 'missing-baseline' : 'missing-both';
      const dysBase = cutoff && hasX ? d * x <= d * cutoff.value : null;
      const funcFollow = cutoff && hasY ? d * y > d * cutoff.value : null;
      // Baselines repeat at every visit: count each once.
      if (cutoff && v === 0 && hasX && x === cutoff.value) ties++;
      if (cutoff && hasY && y === cutoff.value) ties++;
      const row: ChangeRow = {
        id: p.ids[i]!,
        arm: p.arm[i]!,
        visit,
        baseline: hasX ? x : null,
        followUp: hasY ? y : null,
        change: hasX && hasY ? y - x : null,
        rci: null,
        status,
        category: null,
        reliableImprovement: null,
        reliableDeterioration: null,
        dysfunctionalAtBaseline: dysBase,
        functionalAtFollowUp: funcFollow,
      };
      if (status === 'classified') {
        const { inputs, scale } = perParticipant[i]!;
        const rci = rciValue(method, x, y, inputs, scale);
        const improve = d * rci > crit;
        const deteriorate = d * rci < -crit;
        row.rci = rci;
        row.reliableImprovement = improve;
        row.reliableDeterioration = deteriorate;
        row.category = categoryOf(improve, deteriorate, dysBase, funcFollow);
      }
      rows.push(row);
    }
  }

  const counts = countRows(rows, p.arms, p.visits);
  addDiagnostics(diagnostics, { counts, reliability, cutoff, ties, sdOption, arms: p.arms, method });
  return {
    instrument: p.instrument?.id ?? null,
    rciMethod: method,
    method: `${info.name}; critical value ${crit}${options.criticalValue === undefined ? ` (${info.criticalValueSource})` : ' (user-supplied)'}`,
    formula: info.formula,
    direction,
    reliability,
    criticalValue: crit,
    baselineSdSource: typeof sdOption === 'number' ? 'given' : sdOption,
    cutoff,
    arms: [...p.arms],
    reference: p.reference,
    visits: [...p.visits],
    parameters,
    rows,
    counts,
    n,
    diagnostics,
  };
}

/** Means, SDs and correlation of complete pairs; pooled within arms when `pooled`. */
function pairStatistics(
  pairs: readonly number[],
  p: Prepared,
  fu: readonly (number | null)[],
  pooled: boolean,
): { meanX: number; sdX: number; meanY: number; sdY: number; corr: number } | null {
  if (pairs.length < 3) return null;
  const xs = pairs.map((i) => p.baseline[i] as number);
  const ys = pairs.map((i) => fu[i] as number);
  const mx = moments(xs);
  const my = moments(ys);
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  let df = 0;
  const groups = pooled ? p.arms : [null];
  for (const g of groups) {
    const idx = pairs.map((i, k) => (g === null || p.arm[i] === g ? k : -1)).filter((k) => k >= 0);
    if (idx.length < 2) continue;
    const gx = moments(idx.map((k) => xs[k]!));
    const gy = moments(idx.map((k) => ys[k]!));
    for (const k of idx) {
      sxx += (xs[k]! - gx.mean) ** 2;
      syy += (ys[k]! - gy.mean) ** 2;
      sxy += (xs[k]! - gx.mean) * (ys[k]! - gy.mean);
    }
    df += idx.length - 1;
  }
  if (!(sxx > 0) || !(syy > 0) || df < 2) return null;
  return { meanX: mx.mean, sdX: Math.sqrt(sxx / df), meanY: my.mean, sdY: Math.sqrt(syy / df), corr: sxy / Math.sqrt(sxx * syy) };
}

function countRows(rows: readonly ChangeRow[], arms: readonly string[], visits: readonly string[]): CategoryCountRow[] {
  const out: CategoryCountRow[] = [];
  const key = (a: string, v: string) => `${a}\u0000${v}`;
  const map = new Map<string, CategoryCountRow>();
  for (const v of visits) {
    for (const a of arms) {
      const row: CategoryCountRow = {
        arm: a,
        visit: v,
        nParticipants: 0,
        classified: 0,
        missingFollowUp: 0,
        missingBaseline: 0,
        missingBoth: 0,
        notClassifiable: 0,
        harmed: 0,
        deteriorated: 0,
        unchanged: 0,
        improved: 0,
        recovered: 0,
      };
      map.set(key(a, v), row);
      out.push(row);
    }
  }
  for (const r of rows) {
    const c = map.get(key(r.arm, r.visit))!;
    c.nParticipants++;
    if (r.status === 'classified') {
      c.classified++;
      c[r.category!]++;
    } else if (r.status === 'missing-follow-up') c.missingFollowUp++;
    else if (r.status === 'missing-baseline') c.missingBaseline++;
    else if (r.status === 'missing-both') c.missingBoth++;
    else c.notClassifiable++;
  }
  return out;
}

function addDiagnostics(
  diagnostics: Diagnostic[],
  ctx: {
    counts: CategoryCountRow[];
    reliability: ReliabilityUsed;
    cutoff: ClinicalCutoff | null;
    ties: number;
    sdOption: BaselineSdSource | number;
    arms: string[];
    method: RciMethod;
  },
): void {
  const missing = ctx.counts.filter((c) => c.missingFollowUp + c.missingBaseline + c.missingBoth > 0);
  if (missing.length > 0) {
    diagnostics.push(missingScores(missing));
  }
  if (ctx.reliability.kind === 'internal-consistency') {
    diagnostics.push(reliabilityInternalConsistency(ctx.reliability.value, ctx.reliability.statistic));
  }
  if (ctx.cutoff === null) {
    diagnostics.push(noCutoff());
  }
  if (ctx.ties > 0 && ctx.cutoff) {
    diagnostics.push(scoreAtCutoff(ctx.ties, ctx.cutoff.value));
  }
  if (ctx.sdOption === 'per-arm' && ctx.arms.length > 1) {
    diagnostics.push(perArmSd());
  }
}
