/**
 * Simulation from a fitted linear mixed model and the parametric bootstrap, as lme4's
 * `simulate(fit, use.u = )` and `bootMer(fit, FUN, type = 'parametric')`, and a parametric-
 * bootstrap likelihood-ratio test for a variance component on its boundary.
 *
 * Responses are drawn from the fitted model: marginal on the random effects (new random effects
 * b* ~ N(0, σ²ΛΛ') and residuals, lme4's `use.u = FALSE`, the default) or conditional on the
 * estimated ones (fitted values plus new residuals, `use.u = TRUE`). Refits reuse the fit's model
 * frame (parsed formula, encoded factors, design and random-effects matrices): only the response
 * changes, so nothing is parsed or encoded again.
 *
 * Seeds: replicate r draws from `createRng(replicateSeed(seed, 2, r))` (see simulation.ts), so
 * the replicates do not depend on the order in which they run.
 */
import { ArgumentError, type Diagnostic } from '../errors/index.js';
import { checkBoolean, checkCiLevel, checkInteger, checkOptions, checkSeed, LIMITS, optionKeys } from '../errors/checks.js';
import { createRng, type Rng } from '../random/rng.js';
import { buildReTerms, fitFrame, hidePlaceholder } from '../models/lmm/fit.js';
import { getState, type LmmState } from '../models/lmm/state.js';
import type { LmmFit } from '../models/lmm/types.js';
import { replicateSeed } from './simulation.js';
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
export interface ParametricBootstrapOptions extends SimulateFromFitOptions {
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
export interface BootstrapLrtOptions {
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
}

const SIM_KEYS = optionKeys<SimulateFromFitOptions>()(['nsim', 'seed', 'conditional']);
const BOOT_KEYS = optionKeys<ParametricBootstrapOptions>()(['nsim', 'seed', 'conditional', 'statistic', 'ciLevel']);
const LRT_KEYS = optionKeys<BootstrapLrtOptions>()(['nsim', 'seed']);

function stateOf(fit: LmmFit, argument: string): LmmState {
  const s = getState(fit);
  if (!s) throw new ArgumentError(argument, 'an object not made by fitLmm in this process', 'a fit from fitLmm');
  return s;
}

/** The parts of a fit a simulation needs, computed once. */
interface Simulator {
  n: number;
  draw(rng: Rng, conditional: boolean, out: Float64Array): void;
}

function simulator(fit: LmmFit, s: LmmState): Simulator {
  const frame = s.frame;
  const n = frame.n;
  // Fixed part Xβ over the kept columns.
  const eta = new Float64Array(n);
  s.kept.forEach((j, c) => {
    const b = s.beta[c]!;
    if (b === 0) return;
    const off = j * n;
    for (let i = 0; i < n; i++) eta[i] = eta[i]! + frame.X[off + i]! * b;
  });
  const terms = buildReTerms(frame);
  const sigma = s.sigma;
  const fitted = fit.fitted;
  // Residual SD of each row: σ, times δ_s of its stratum with residualVarianceBy (δ = 1 for the first).
  const residualSd = new Float64Array(n).fill(sigma);
  const strata = s.objective.strata;
  if (strata) {
    const nTheta = s.params.length - (strata.levels.length - 1);
    for (let i = 0; i < n; i++) {
      const c = strata.codes[i]!;
      if (c > 0) residualSd[i] = sigma * Math.exp(s.params[nTheta + c - 1]!);
    }
  }
  return {
    n,
    draw(rng, conditional, out) {
      if (conditional) {
        for (let i = 0; i < n; i++) out[i] = fitted[i]! + residualSd[i]! * rng.normal();
        return;
      }
      out.set(eta);
      for (const t of terms) {
        const k = t.k;
        // λ of this term (lower triangle, column by column in θ), b = σ λ z per level.
        const lam = new Float64Array(k * k);
        let q = t.thetaOffset;
        for (let c = 0; c < k; c++) for (let r = c; r < k; r++) lam[r * k + c] = s.theta[q++]!;
        const L = t.levels.length;
        const b = new Float64Array(L * k);
        const z = new Float64Array(k);
        for (let l = 0; l < L; l++) {
          for (let c = 0; c < k; c++) z[c] = rng.normal();
          for (let r = 0; r < k; r++) {
            let v = 0;
            for (let c = 0; c <= r; c++) v += lam[r * k + c]! * z[c]!;
            b[l * k + r] = sigma * v;
          }
        }
        for (let c = 0; c < k; c++) {
          const off = c * n;
          for (let i = 0; i < n; i++) out[i] = out[i]! + t.Z[off + i]! * b[t.group[i]! * k + c]!;
        }
      }
      for (let i = 0; i < n; i++) out[i] = out[i]! + residualSd[i]! * rng.normal();
    },
  };
}

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
    sim.draw(createRng(replicateSeed(seed, 2, r)), o.conditional ?? false, out);
    y.push(out);
  }
  return { y, rows: Int32Array.from(s.frame.rows), conditional: o.conditional ?? false, seed };
}

/** The default bootstrap statistics: fixed effects, the SD of each random effect (`sd(term|group)`) and `sigma`. */
export function defaultFitStatistic(fit: LmmFit): Record<string, number> {
  const out: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const r of fit.fixedEffects) out[r.term] = r.estimate;
  for (const v of fit.varianceComponents) {
    if (v.group === 'Residual') continue;
    out[`sd(${v.term}|${v.group})`] = v.sd;
  }
  out['sigma'] = fit.sigma;
  return out;
}

/** Refit the model of `s` to a new response (the frame reused; no parsing or encoding). */
function refit(s: LmmState, y: Float64Array): LmmFit {
  // Started from the fit's θ, as lme4's refit() is: the simulated responses come from that model.
  const f = fitFrame({ ...s.frame, y }, { ...s.options, ddf: 'asymptotic', control: { ...s.options.control, start: s.theta } });
  if (s.options.partialNesting) hidePlaceholder(f, s.options.partialNesting.cluster);
  return f;
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
export function parametricBootstrap(fit: LmmFit, options: ParametricBootstrapOptions = {}): ParametricBootstrapResult {
  const o = checkOptions('options', options, BOOT_KEYS);
  const nsim = checkInteger('options.nsim', o.nsim ?? 1000, 1, LIMITS.replicates);
  const seed = checkSeed(o.seed ?? 1, 'options.seed');
  checkBoolean('options.conditional', o.conditional);
  const ciLevel = checkCiLevel(o.ciLevel ?? 0.95, 'options.ciLevel');
  if (o.statistic !== undefined && typeof o.statistic !== 'function') throw new ArgumentError('options.statistic', o.statistic, 'a function (fit) => { name: number }');
  const statistic = o.statistic ?? defaultFitStatistic;
  const s = stateOf(fit, 'fit');
  const t0 = statistic(fit);
  const names = Object.keys(t0);
  if (names.length === 0) throw new ArgumentError('options.statistic', t0, 'a function returning at least one named number');
  const reps: Record<string, Float64Array> = Object.create(null) as Record<string, Float64Array>;
  for (const k of names) reps[k] = new Float64Array(nsim).fill(Number.NaN);
  const sim = simulator(fit, s);
  const y = new Float64Array(sim.n);
  const failures = new Map<string, number[]>();
  const conditional = o.conditional ?? false;
  for (let r = 0; r < nsim; r++) {
    sim.draw(createRng(replicateSeed(seed, 2, r)), conditional, y);
    try {
      const t = statistic(refit(s, Float64Array.from(y)));
      const bad = names.filter((k) => typeof t[k] !== 'number' || !Number.isFinite(t[k]));
      if (bad.length) note(failures, `the statistic gave no finite value for ${bad.join(', ')}`, r);
      for (const k of names) if (Number.isFinite(t[k])) reps[k]![r] = t[k]!;
    } catch (e) {
      note(failures, e instanceof Error ? `${e.name}: ${e.message}` : String(e), r);
    }
  }
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
  const diagnostics: Diagnostic[] = [];
  if (fs.count > 0) {
    diagnostics.push({
      code: 'refit-failed',
      severity: 'warning',
      message: `${fs.count} of ${nsim} bootstrap refits failed and are left out of the summaries (most often: ${fs.byReason[0]!.reason}).`,
      details: { byReason: fs.byReason },
    });
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
export function bootstrapLrt(m0: LmmFit, m1: LmmFit, options: BootstrapLrtOptions = {}): BootstrapLrtResult {
  const o = checkOptions('options', options, LRT_KEYS);
  const nsim = checkInteger('options.nsim', o.nsim ?? 1000, 1, LIMITS.replicates);
  const seed = checkSeed(o.seed ?? 1, 'options.seed');
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
  const lrt = (a: LmmFit, b: LmmFit): number => Math.max(0, 2 * (b.logLik - a.logLik));
  const observed = lrt(m0, m1);
  const sim = simulator(m0, s0);
  const y = new Float64Array(sim.n);
  const reps = new Float64Array(nsim).fill(Number.NaN);
  const failures = new Map<string, number[]>();
  let exceed = 0;
  let ok = 0;
  for (let r = 0; r < nsim; r++) {
    sim.draw(createRng(replicateSeed(seed, 3, r)), false, y);
    try {
      const yy = Float64Array.from(y);
      const v = lrt(refit(s0, yy), refit(s1, yy));
      reps[r] = v;
      ok++;
      // A relative tolerance: replicates equal to the observed value up to rounding count as ≥.
      if (v >= observed - 1e-9 * Math.max(1, observed)) exceed++;
    } catch (e) {
      note(failures, e instanceof Error ? `${e.name}: ${e.message}` : String(e), r);
    }
  }
  return {
    statistic: observed,
    pValue: (1 + exceed) / (1 + ok),
    replicates: reps,
    nsim,
    failures: failureSummary(failures),
    method: `parametric-bootstrap likelihood-ratio test (${ok} responses simulated from m0, both models refitted by ${m0.reml ? 'REML' : 'ML'}); p = (1 + #{LRT* ≥ LRT}) / (1 + refits)`,
  };
}
