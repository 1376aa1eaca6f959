/**
 * `analyzeTrial`: run a pre-specified analysis plan on validated trial data and return plain
 * JSON results that the report (and anyone else) can read without refitting anything.
 */
import { hasPlainPrototype, setOwn } from '../data/own.js';
import { VERSION } from '../version.js';
import { ArgumentError, type Diagnostic } from '../errors/index.js';
import type { TrialData } from '../data/types.js';
import { isTrialData } from '../data/validate.js';
import { flowCounts } from '../descriptives/flow-counts.js';
import { baselineTable } from '../descriptives/baseline-table.js';
import { describeOutcomes } from '../descriptives/describe-outcomes.js';
import { pAdjust } from '../inference/p-adjust.js';
import { MAX_MAGNITUDE } from '../results/not-estimable.js';
import { defaultAdapters, type AnalysisContext, type SectionAdapter, type SectionAdapters } from './adapters/index.js';
import { parseAnalysisPlan, type AnalysisPlan, type AnalysisPlanInput } from './plan.js';
import { analyzeOutcome } from './primary.js';
import { errorInfo } from './internal.js';
import type { OutcomeResult, SectionResult, TrajectoryPoint, TrialAnalysis } from './types.js';
import { checkOptions, optionKeys } from '../errors/checks.js';
import { nonFiniteValues, outcomeNotEstimable, primaryOutcomeNotEstimable, sectionFailed, sectionNotAvailable } from '../errors/diagnostics.js';
import { checkThreads } from '../economics/bootstrap/engine.js';

/** A step of `analyzeTrial`, for progress display. */
export interface ProgressEvent {
  /** 1-based step number. */
  step: number;
  /** Steps in all (known in advance from the plan). */
  total: number;
  /** The section, e.g. `primary`, `economics`. */
  section: string;
  /** What is being done, e.g. `PSP: linear mixed model`. */
  detail: string;
}

/** Options of {@link analyzeTrial}. */
export interface AnalyzeOptions {
  /**
   * Called at each step (and at sub-steps of long sections) with what is being computed.
   * @defaultValue none
   */
  onProgress?: (event: ProgressEvent) => void;
  /**
   * Worker threads for bootstrap resampling and multiple imputation. Results are identical whatever the setting.
   * @defaultValue 'auto'
   */
  threads?: number | 'auto';
  /**
   * Replace section adapters (e.g. to wire a capability from outside the library).
   * @defaultValue the library's own ({@link defaultAdapters})
   */
  adapters?: Partial<SectionAdapters>;
}

function checkCovariates(trial: TrialData, plan: AnalysisPlan): void {
  const m = plan.model;
  if (m.type === 'pre-post') return;
  const known = new Set(['sex', 'age', 'site']);
  for (const p of trial.participants) for (const k of Object.keys(p.extra)) known.add(k);
  m.covariates.forEach((c, i) => {
    if (!known.has(c)) throw new ArgumentError(`plan.model.covariates[${i}]`, c, `a participant field or column of the data (${[...known].join(', ')})`);
  });
}

function checkDesign(trial: TrialData, plan: AnalysisPlan): void {
  const d = trial.design;
  const p = plan.design;
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  if (!same(d.arms, p.arms)) throw new ArgumentError('plan.design.arms', p.arms, `the arms the data were validated with, in the same order (${d.arms.join(', ')})`);
  if (!same(d.visits, p.visits)) throw new ArgumentError('plan.design.visits', p.visits, `the visits the data were validated with, in the same order (${d.visits.join(', ')})`);
  p.instruments.forEach((k, i) => {
    if (!d.instruments.includes(k)) throw new ArgumentError(`plan.design.instruments[${i}]`, k, `one of the data's instruments (${d.instruments.join(', ')})`);
  });
  // An empty arm would otherwise surface deep inside the contrasts as a weight vector of the wrong length.
  const perArm = new Map<string, number>();
  for (const x of trial.participants) perArm.set(x.arm, (perArm.get(x.arm) ?? 0) + 1);
  p.arms.forEach((a, i) => {
    if (!perArm.has(a)) {
      throw new ArgumentError(`plan.design.arms[${i}]`, a, 'an arm with at least one participant in the data', `No participant is in arm "${a}": remove the arm from the design or check the participants' arm column`);
    }
  });
}

/**
 * Replace what JSON cannot hold: non-finite numbers (and overflow beyond ±1e300) become `null`
 * (each reported), typed arrays become arrays. Anything else that is not plain data is a
 * programming error. The sections mark what they cannot estimate themselves; this is the
 * last guard.
 */
function jsonSafe(value: unknown, path: string, found: string[]): unknown {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && Math.abs(value) <= MAX_MAGNITUDE) return value;
    found.push(path);
    return null;
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value === undefined) return undefined;
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>, (v, i) => jsonSafe(v, `${path}[${i}]`, found));
  if (Array.isArray(value)) return value.map((v, i) => jsonSafe(v, `${path}[${i}]`, found));
  if (typeof value === 'object') {
    if (!hasPlainPrototype(value)) throw new TypeError(`analyzeTrial: ${path} is not plain data (${Object.prototype.toString.call(value)})`);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const s = jsonSafe(v, `${path}.${k}`, found);
      if (s !== undefined) setOwn(out, k, s);
    }
    return out;
  }
  throw new TypeError(`analyzeTrial: ${path} is not plain data (${typeof value})`);
}

function adjustAcrossOutcomes(outcomes: OutcomeResult[], plan: AnalysisPlan, primaryVisit: string): void {
  const method = plan.multiplicity.method;
  if (method === 'none') return;
  // A difference that is not estimable has no p-value and is left out of the family.
  const rows = outcomes.flatMap((o) => o.differences.filter((d) => d.visit === primaryVisit && d.pValue !== null));
  if (rows.length === 0) return;
  const adjusted = pAdjust(
    rows.map((r) => r.pValue!),
    method,
  );
  rows.forEach((r, i) => (r.pAdjusted = adjusted[i]!));
}

/**
 * What makes the primary comparison not estimable, one line per primary outcome: the outcome
 * itself, or its arm difference at the primary visit.
 * @example
 * primaryNotEstimable(analysis); // ['PSP at 9m: SFT − control not estimable: the design has no data to separate it …']
 */
export function primaryNotEstimable(analysis: Pick<TrialAnalysis, 'outcomes' | 'primaryVisit'>): string[] {
  const out: string[] = [];
  for (const o of analysis.outcomes) {
    if (o.role !== 'primary') continue;
    if (o.status === 'not-estimable') {
      out.push(`${o.instrument}: not estimable: ${o.reason?.message ?? 'the model could not be fitted'}`);
      continue;
    }
    const rows = o.withinArm.length > 0 ? [] : o.differences.filter((d) => d.visit === analysis.primaryVisit);
    for (const d of rows) if (!d.estimable) out.push(`${o.instrument} at ${d.visit}: ${d.arm} − ${d.reference} not estimable: ${d.reason ?? 'no reason given'}`);
  }
  return out;
}

function trajectories(trial: TrialData, plan: AnalysisPlan): TrajectoryPoint[] {
  const wanted = new Set(plan.outcomes.map((o) => o.instrument));
  const armOf = new Map(trial.participants.map((p) => [p.id, p.arm] as const));
  const visitOrder = new Map(trial.design.visits.map((v, i) => [v, i] as const));
  const out: TrajectoryPoint[] = [];
  for (const m of trial.measurements) {
    if (m.score === null || !wanted.has(m.instrument)) continue;
    out.push({ instrument: m.instrument, id: m.id, arm: armOf.get(m.id)!, visit: m.visit, months: trial.design.visitMonths?.[m.visit] ?? null, score: m.score });
  }
  // A fixed order makes the results (and the figures' data) identical whatever the row order of the input.
  out.sort((a, b) => (a.instrument < b.instrument ? -1 : a.instrument > b.instrument ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) || visitOrder.get(a.visit)! - visitOrder.get(b.visit)!);
  return out;
}

async function runSection<P, R>(adapter: SectionAdapter<P, R>, section: P | undefined, context: AnalysisContext): Promise<SectionResult<R>> {
  if (section === undefined) return { status: 'not-requested' };
  if (adapter.run === null) {
    return { status: 'not-available', capability: adapter.capability, reason: `The plan asks for this section, but ${adapter.capability} is not in this build of rcteval; nothing was estimated.` };
  }
  try {
    return { status: 'done', result: await adapter.run(context, section) };
  } catch (e) {
    return { status: 'failed', error: errorInfo(e) };
  }
}

/**
 * Run a pre-specified analysis plan on validated trial data.
 *
 * In order: the participant flow, baseline table and outcome summaries; the primary model
 * for every outcome (a mixed model, an ANCOVA per visit, or within-arm pre–post changes) with
 * arm differences, differences in change, the arm × visit test, standardized effects and the
 * plan's multiplicity adjustment across outcomes at the primary visit; then the optional
 * sections (clinical significance, dose–response, subgroups, economics, cost-utility, register outcomes), each through its
 * adapter. A section whose capability is not in this build is reported as `not-available`; an
 * outcome whose model cannot be fitted is `not-estimable` with the library's message; a
 * section that throws is `failed` with the typed error. Nothing is filled in by other means.
 *
 * The result is plain JSON (it survives `JSON.stringify`/`JSON.parse` unchanged) and is
 * identical for the same data, plan and seed.
 *
 * @param data - validated trial data (`validateTrial`).
 * @param plan - an analysis plan as written (checked with {@link parseAnalysisPlan}) or normalised.
 * @param options - see {@link AnalyzeOptions}.
 * @returns the results, see {@link TrialAnalysis}.
 * @throws ValidationError (table `plan`) when the plan is invalid, naming every bad field.
 * @throws ArgumentError when `data` is not validated trial data, the plan's design does not match
 *   it, or a covariate is not a participant field or column.
 * @example
 * const analysis = await analyzeTrial(trial, plan); // trial: simulateTrialData({ seed: 5, nParticipants: 120 }).data
 * analysis.outcomes[0].differences.find((d) => d.visit === '9m').estimate; // SFT − control at 9m, in points
 * analysis.economics.status; // 'not-requested' when the plan has no economics section
 */
export async function analyzeTrial(data: TrialData, plan: AnalysisPlanInput | AnalysisPlan, options: AnalyzeOptions = {}): Promise<TrialAnalysis> {
  checkOptions('options', options, optionKeys<AnalyzeOptions>()(['onProgress', 'threads', 'adapters']));
  checkOptions('options.adapters', options.adapters, optionKeys<SectionAdapters>()(['clinicalSignificance', 'doseResponse', 'subgroups', 'economics', 'costUtility', 'register', 'missingData']));
  checkThreads(options.threads ?? 'auto', 'options.threads');
  const p = parseAnalysisPlan(plan);
  if (!isTrialData(data)) throw new ArgumentError('data', data, 'trial data returned by validateTrial');
  checkDesign(data, p);
  checkCovariates(data, p);
  const adapters: SectionAdapters = { ...defaultAdapters, ...options.adapters };
  const primaryVisit = p.primaryVisit ?? data.design.visits[1]!;
  const sections = (['clinicalSignificance', 'doseResponse', 'subgroups', 'economics', 'costUtility', 'register', 'missingData'] as const).filter((s) => p[s] !== undefined);
  const total = 1 + p.outcomes.length + sections.length;
  let step = 0;
  const emit = (section: string, detail: string, advance: boolean) => {
    if (advance) step++;
    options.onProgress?.({ step, total, section, detail });
  };

  emit('descriptives', 'flow, baseline table and outcome summaries', true);
  const descriptives = { flow: flowCounts(data), baseline: baselineTable(data), outcomes: describeOutcomes(data) };

  const outcomes: OutcomeResult[] = [];
  const modelName = p.model.type === 'mixed' ? 'linear mixed model' : p.model.type === 'ancova' ? 'ANCOVA per visit' : 'pre–post change';
  for (const o of p.outcomes) {
    emit('primary', `${o.instrument}: ${modelName}`, true);
    outcomes.push(analyzeOutcome(data, p, o));
  }
  adjustAcrossOutcomes(outcomes, p, primaryVisit);

  const context: AnalysisContext = {
    trial: data,
    plan: p,
    outcomes,
    primaryVisit,
    individualData: p.report.individualData,
    threads: options.threads ?? 'auto',
    progress: (detail) => emit(current, detail, false),
  };
  let current = '';
  const run = async <K extends keyof SectionAdapters>(key: K): Promise<TrialAnalysis[K]> => {
    if (p[key] !== undefined) {
      current = key;
      emit(key, adapters[key].run ? 'running' : 'not available in this build', true);
    }
    return (await runSection(adapters[key] as SectionAdapter<unknown, unknown>, p[key], context)) as TrialAnalysis[K];
  };
  const clinicalSignificance = await run('clinicalSignificance');
  const doseResponse = await run('doseResponse');
  const subgroups = await run('subgroups');
  const economics = await run('economics');
  const costUtility = await run('costUtility');
  const register = await run('register');
  const missingData = await run('missingData');

  const diagnostics: Diagnostic[] = [];
  for (const [key, s] of Object.entries({ clinicalSignificance, doseResponse, subgroups, economics, costUtility, register, missingData })) {
    if (s.status === 'not-available') diagnostics.push(sectionNotAvailable(key, s.reason));
    if (s.status === 'failed') diagnostics.push(sectionFailed(key, s.error));
  }
  for (const o of outcomes) {
    if (o.status === 'not-estimable') diagnostics.push(outcomeNotEstimable(o.instrument, o.reason?.message));
  }
  for (const line of primaryNotEstimable({ outcomes, primaryVisit })) diagnostics.push(primaryOutcomeNotEstimable(line));

  const raw: TrialAnalysis = {
    kind: 'rcteval.analysis',
    format: 1,
    software: { name: 'rcteval', version: VERSION },
    plan: p,
    design: JSON.parse(JSON.stringify(data.design)) as TrialAnalysis['design'],
    reference: data.design.arms[0]!,
    primaryVisit,
    data: { nParticipants: data.summary.nParticipants, nMeasurements: data.summary.nMeasurements, missingScores: data.summary.missingScores, byArm: { ...data.summary.byArm } },
    descriptives,
    outcomes,
    trajectories: p.report.individualData ? trajectories(data, p) : null,
    clinicalSignificance,
    doseResponse,
    subgroups,
    economics,
    costUtility,
    register,
    missingData,
    diagnostics,
  };
  const nonFinite: string[] = [];
  const safe = jsonSafe(raw, 'analysis', nonFinite) as TrialAnalysis;
  if (nonFinite.length > 0) {
    safe.diagnostics.push(nonFiniteValues(nonFinite));
  }
  return safe;
}
