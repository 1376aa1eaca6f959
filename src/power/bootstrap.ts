/**
 * Simulation from a fitted linear mixed model and the parametric bootstrap, as lme4's
 * `simulate(fit, use.u = )` and `bootMer(fit, FUN, type = 'parametric')`, and a parametric-
 * bootstrap likelihood-ratio test for a variance component on its boundary.
 *
 * Responses are drawn from the fitted model: marginal on the random effects (new random effects
 * b* ~ N(0, σ²ΛΛ') and residuals, lme4's `use.u = FALSE`, the default) or conditional on the
 * estimated ones (fitted values plus new residuals, `use.u = TRUE`). Refits reuse the fit's model
 * frame (parsed formula, encoded factors, design and random-effects matrices) and its
 * cross-products: only the response changes, so nothing is parsed or encoded again, and only the
 * response's row of the cross-products is formed again (see `refitter`).
 *
 * Seeds: replicate r draws from `createRng(replicateSeed(seed, 2, r))` (src/random/streams.ts), so
 * the replicates do not depend on the order in which they run.
 */
import { ArgumentError, type Diagnostic } from '../errors/index.js';
import { checkBoolean, checkCiLevel, checkInteger, checkOptions, checkSeed, LIMITS, optionKeys } from '../errors/checks.js';
import { refitsFailed, workerFallback } from '../errors/diagnostics.js';
import { createRng } from '../random/rng.js';
import type { LmmFit } from '../models/lmm/types.js';
import { replicateSeed } from '../random/streams.js';
import { checkThreads, ranges, runTasks } from '../parallel/engine.js';
import type { ThreadingOptions } from '../parallel/types.js';
import { BOOTSTRAP_STREAM, defaultFitStatistic, runBootstrapRefits, simulator, stateOf, type BootstrapOutcome, type BootstrapRefitsTask } from './refit.js';

export { defaultFitStatistic, refitter, type Refitter } from './refit.js';
import type { Estimate } from '../results/types.js';

/** Options of {@link simulateFromFit}. */
export interface SimulateFromFitOptions {
  /** @defaultValue 1 */
  nsim?: number;
  /** @defaultValue 1 */
  seed?: number;
  /**
   * Condition on the estimated random effects (lme4's `use.u = TRUE`) instead of drawing new ones.
   * @defaultValue false
   */
  conditional?: boolean;
}

/** Simulated responses, one array per replicate, in the order of the fit's rows. */
export interface SimulatedResponses {
  /** `y[r][i]` is the response of the fit's row i (input row `rows[i]`) in replicate r. */
  y: Float64Array[];
  rows: Int32Array;
  conditional: boolean;
  seed: number;
}

/** A statistic of a refit: named numbers. */
export type FitStatistic = (fit: LmmFit) => Record<string, number>;

/** Options of {@link parametricBootstrap}. */
export interface ParametricBootstrapOptions extends SimulateFromFitOptions, ThreadingOptions {
  /** Called after each refit. @defaultValue none */
  onProgress?: (progress: { done: number; total: number }) => void;
  /**
   * The statistics of each refit.
   * @defaultValue {@link defaultFitStatistic}: fixed effects, random-effect SDs and σ
   */
  statistic?: FitStatistic;
  /** Percentile interval level. @defaultValue 0.95 */
  ciLevel?: number;
}

/** Bootstrap distribution of one statistic. */
export interface BootstrapStatisticRow extends Estimate {
  name: string;
  /** The statistic of the original fit. */
  estimate: number;
  /** Mean and SD over the replicates that gave a finite value. */
  mean: number | null;
  se: number | null;
  bias: number | null;
  /** Percentile interval (R's quantile type 7 of the replicates). */
  ci: [number, number] | null;
  n: number;
}

/** Result of {@link parametricBootstrap}. */
export interface ParametricBootstrapResult {
  statistics: BootstrapStatisticRow[];
  /** `replicates[name][r]`: the statistic of replicate r (NaN where that refit failed). */
  replicates: Record<string, Float64Array>;
  nsim: number;
  failures: { count: number; byReason: { reason: string; count: number; replicates: number[] }[] };
  method: string;
  diagnostics: Diagnostic[];
}

/** Options of {@link bootstrapLrt}. */
export interface BootstrapLrtOptions extends ThreadingOptions {
  /** Called after each replicate (both refits). @defaultValue none */
  onProgress?: (progress: { done: number; total: number }) => void;
  /** @defaultValue 1000 */
  nsim?: number;
  /** @defaultValue 1 */
  seed?: number;
}

/** Result of {@link bootstrapLrt}. */
export interface BootstrapLrtResult {
  statistic: number;
  /** (1 + #{LRT* ≥ LRT}) / (1 + replicates that refitted). */
  pValue: number;
  /** LRT* of each replicate (NaN where a refit failed). */
  replicates: Float64Array;
  nsim: number;
  failures: { count: number; byReason: { reason: string; count: number; replicates: number[] }[] };
  method: string;
  /** E.g. `worker-fallback`. */
  diagnostics: Diagnostic[];
}

const SIM_KEYS = optionKeys<SimulateFromFitOptions>()(['nsim', 'seed', 'conditional']);
const BOOT_KEYS = optionKeys<ParametricBootstrapOptions>()(['nsim', 'seed', 'conditional', 'statistic', 'ciLevel', 'threads', 'pool', 'onProgress']);
const LRT_KEYS = optionKeys<BootstrapLrtOptions>()(['nsim', 'seed', 'threads', 'pool', 'onProgress']);

/**
 * New responses drawn from a fitted linear mixed model (lme4's `simulate`), marginal on the
 * random effects by default or conditional on their estimates.
 *
 * @param fit - a fit from `fitLmm` (one residual variance).
 * @throws ArgumentError for a fit not made by fitLmm, or bad options.
 * @example
 * const sims = simulateFromFit(fit, { nsim: 2, seed: 1 });
 * sims.y.length; // 2, each of fit.nObs responses
 */
export function simulateFromFit(fit: LmmFit, options: SimulateFromFitOptions = {}): SimulatedResponses {
  const o = checkOptions('options', options, SIM_KEYS);
  const nsim = checkInteger('options.nsim', o.nsim ?? 1, 1, LIMITS.replicates);
  const seed = checkSeed(o.seed ?? 1, 'options.seed');
  checkBoolean('options.conditional', o.conditional);
  const s = stateOf(fit, 'fit');
  const sim = simulator(fit, s);
  const y: Float64Array[] = [];
  for (let r = 0; r < nsim; r++) {
    const out = new Float64Array(sim.n);
    sim.draw(createRng(replicateSeed(seed, BOOTSTRAP_STREAM, r)), o.conditional ?? false, out);
    y.push(out);
  }
  return { y, rows: Int32Array.from(s.frame.rows), conditional: o.conditional ?? false, seed };
}

/** Refits from which `threads: 'auto'` starts workers (a refit takes ~5 ms; starting a worker ~50). */
const WORTH_THREADS = 100;

/**
 * The replicates of a bootstrap, on worker threads when the statistic is the default one (a
 * function cannot cross to a worker), else on the calling thread; in replicate order either way.
 */
async function replicates(
  task: (from: number, to: number) => BootstrapRefitsTask,
  nsim: number,
  o: ThreadingOptions & { onProgress?: (p: { done: number; total: number }) => void },
  statistic: ((fit: LmmFit) => Record<string, number>) | undefined,
  diagnostics: Diagnostic[],
): Promise<BootstrapOutcome[]> {
  const onProgress = o.onProgress ? (done: number) => o.onProgress!({ done, total: nsim }) : undefined;
  if (statistic) {
    if (typeof o.threads === 'number' && o.threads > 1) {
      diagnostics.push(workerFallback('A function statistic cannot be sent to worker threads', 'the refits'));
    }
    let done = 0;
    return runBootstrapRefits(task(0, nsim), () => onProgress?.(++done), statistic);
  }
  const run = await runTasks(
    {
      kind: 'bootstrap-refits',
      split: (parts) => ranges(nsim, parts).map(([a, b]) => task(a, b)),
      worthThreads: nsim >= WORTH_THREADS,
      ...(onProgress ? { onProgress } : {}),
      label: 'the bootstrap',
    },
    o,
  );
  diagnostics.push(...run.diagnostics);
  return run.outputs.flat();
}

/** R's quantile type 7 of sorted values. */
function quantile7(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function failureSummary(map: Map<string, number[]>): { count: number; byReason: { reason: string; count: number; replicates: number[] }[] } {
  let count = 0;
  const byReason = [...map].map(([reason, reps]) => {
    count += reps.length;
    return { reason, count: reps.length, replicates: reps.slice(0, 20) };
  });
  byReason.sort((a, b) => b.count - a.count);
  return { count, byReason };
}

function note(map: Map<string, number[]>, reason: string, r: number): void {
  const list = map.get(reason);
  if (list) list.push(r);
  else map.set(reason, [r]);
}

/**
 * Parametric bootstrap of a fitted linear mixed model (lme4's `bootMer(type = "parametric")`):
 * `nsim` responses drawn from the fit, each refitted with the fit's model frame, and the
 * bootstrap mean, SE, bias and percentile interval of each statistic. A refit that throws or
 * gives a non-finite statistic is a failure, counted and listed by reason.
 *
 * @param fit - a fit from `fitLmm`.
 * @throws ArgumentError for a fit not made by fitLmm or bad options.
 * @example
 * const boot = parametricBootstrap(fit, { nsim: 200, seed: 1 });
 * boot.statistics.find((s) => s.name === 'sigma')!.ci; // percentile interval of σ
 */
export async function parametricBootstrap(fit: LmmFit, options: ParametricBootstrapOptions = {}): Promise<ParametricBootstrapResult> {
  const o = checkOptions('options', options, BOOT_KEYS);
  const nsim = checkInteger('options.nsim', o.nsim ?? 1000, 1, LIMITS.replicates);
  const seed = checkSeed(o.seed ?? 1, 'options.seed');
  checkBoolean('options.conditional', o.conditional);
  const ciLevel = checkCiLevel(o.ciLevel ?? 0.95, 'options.ciLevel');
  if (o.statistic !== undefined && typeof o.statistic !== 'function') throw new ArgumentError('options.statistic', o.statistic, 'a function (fit) => { name: number }');
  const statistic = o.statistic ?? defaultFitStatistic;
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') throw new ArgumentError('options.onProgress', o.onProgress, 'a function');
  checkThreads(o.threads ?? 'auto', 'options.threads');
  stateOf(fit, 'fit');
  const diagnostics: Diagnostic[] = [];
  const t0 = statistic(fit);
  const names = Object.keys(t0);
  if (names.length === 0) throw new ArgumentError('options.statistic', t0, 'a function returning at least one named number');
  const reps: Record<string, Float64Array> = Object.create(null) as Record<string, Float64Array>;
  for (const k of names) reps[k] = new Float64Array(nsim).fill(Number.NaN);
  const failures = new Map<string, number[]>();
  const conditional = o.conditional ?? false;
  const outcomes = await replicates(
    (from, to) => ({ test: 'statistic', fit, seed, conditional, from, to }),
    nsim,
    o,
    o.statistic,
    diagnostics,
  );
  outcomes.forEach((t, r) => {
    if (t.reason !== null) return note(failures, t.reason, r);
    const v = t.value as Record<string, number>;
    const bad = names.filter((k) => typeof v[k] !== 'number' || !Number.isFinite(v[k]));
    if (bad.length) note(failures, `the statistic gave no finite value for ${bad.join(', ')}`, r);
    for (const k of names) if (Number.isFinite(v[k])) reps[k]![r] = v[k]!;
  });
  const a = (1 - ciLevel) / 2;
  const statistics: BootstrapStatisticRow[] = names.map((name) => {
    const v = reps[name]!.filter((x) => Number.isFinite(x));
    const estimate = t0[name]!;
    if (v.length < 2) return { name, estimate, mean: null, se: null, bias: null, ci: null, ciLevel, n: v.length };
    let mean = 0;
    for (const x of v) mean += x;
    mean /= v.length;
    let ss = 0;
    for (const x of v) ss += (x - mean) * (x - mean);
    const sorted = Float64Array.from(v).sort();
    return { name, estimate, mean, se: Math.sqrt(ss / (v.length - 1)), bias: mean - estimate, ci: [quantile7(sorted, a), quantile7(sorted, 1 - a)], ciLevel, n: v.length };
  });
  const fs = failureSummary(failures);
  if (fs.count > 0) {
    diagnostics.push(refitsFailed(fs.count, nsim, fs.byReason));
  }
  return {
    statistics,
    replicates: reps,
    nsim,
    failures: fs,
    method: `parametric bootstrap (${nsim} responses simulated ${conditional ? 'conditional on the estimated random effects' : 'with new random effects'}, refitted by ${fit.reml ? 'REML' : 'ML'}); percentile intervals (quantile type 7)`,
    diagnostics,
  };
}

/**
 * Parametric-bootstrap likelihood-ratio test of nested mixed models, for a variance component on
 * the boundary of its space (e.g. the therapy-group variance), where the χ² reference does not
 * hold: responses are simulated from the smaller model `m0`, both models are refitted to each, and
 * the p-value is (1 + #{LRT* ≥ LRT}) / (1 + refits), as pbkrtest's `PBmodcomp`. Both fits must
 * use the same rows and, for REML, the same fixed effects.
 *
 * @throws ArgumentError when the fits are not nested fits of the same rows.
 * @example
 * const m1 = fitLmm('score ~ arm * visit + (1 | id)', rows, { partialNesting: { cluster: 'group', arm: 'arm', treated: 'SFT' } });
 * const m0 = fitLmm('score ~ arm * visit + (1 | id)', rows);
 * bootstrapLrt(m0, m1, { nsim: 1000, seed: 1 }).pValue;
 */
export async function bootstrapLrt(m0: LmmFit, m1: LmmFit, options: BootstrapLrtOptions = {}): Promise<BootstrapLrtResult> {
  const o = checkOptions('options', options, LRT_KEYS);
  const nsim = checkInteger('options.nsim', o.nsim ?? 1000, 1, LIMITS.replicates);
  const seed = checkSeed(o.seed ?? 1, 'options.seed');
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') throw new ArgumentError('options.onProgress', o.onProgress, 'a function');
  checkThreads(o.threads ?? 'auto', 'options.threads');
  const s0 = stateOf(m0, 'm0');
  const s1 = stateOf(m1, 'm1');
  if (s0.frame.n !== s1.frame.n || s0.frame.rows.some((r, i) => r !== s1.frame.rows[i])) {
    throw new ArgumentError('m1', `${m1.nObs} rows`, `the same rows as m0 (${m0.nObs})`);
  }
  if (m0.reml !== m1.reml) throw new ArgumentError('m1', m1.reml ? 'REML' : 'ML', `the same criterion as m0 (${m0.reml ? 'REML' : 'ML'})`);
  if (m0.nParameters >= m1.nParameters) throw new ArgumentError('m0', `${m0.nParameters} parameters`, `fewer parameters than m1 (${m1.nParameters}); pass the smaller model first`);
  if (m0.reml && m0.fixedEffects.map((r) => r.term).join('|') !== m1.fixedEffects.map((r) => r.term).join('|')) {
    throw new ArgumentError('m1', 'other fixed effects than m0', 'the same fixed effects for REML fits (REML likelihoods are comparable only then); fit both by ML');
  }
  const observed = Math.max(0, 2 * (m1.logLik - m0.logLik));
  const reps = new Float64Array(nsim).fill(Number.NaN);
  const failures = new Map<string, number[]>();
  let exceed = 0;
  let ok = 0;
  const diagnostics: Diagnostic[] = [];
  const outcomes = await replicates((from, to) => ({ test: 'lrt', m0, m1, seed, from, to }), nsim, o, undefined, diagnostics);
  outcomes.forEach((t, r) => {
    if (t.reason !== null) return note(failures, t.reason, r);
    const v = t.value as number;
    reps[r] = v;
    ok++;
    // A relative tolerance: replicates equal to the observed value up to rounding count as ≥.
    if (v >= observed - 1e-9 * Math.max(1, observed)) exceed++;
  });
  return {
    statistic: observed,
    pValue: (1 + exceed) / (1 + ok),
    replicates: reps,
    nsim,
    failures: failureSummary(failures),
    method: `parametric-bootstrap likelihood-ratio test (${ok} responses simulated from m0, both models refitted by ${m0.reml ? 'REML' : 'ML'}); p = (1 + #{LRT* ≥ LRT}) / (1 + refits)`,
    diagnostics,
  };
}
