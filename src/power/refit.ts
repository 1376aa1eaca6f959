/**
 * What a parametric-bootstrap replicate needs, apart from the public functions (bootstrap.ts):
 * the simulator of responses from a fit, the refitter that reuses the fit's frame and
 * cross-products, the default statistic, and the replicates of a run as plain data in and out,
 * so they run on the calling thread or in a worker (src/parallel/tasks.ts) with identical results.
 */
import { ArgumentError } from '../errors/index.js';
import { createRng, type Rng } from '../random/rng.js';
import { replicateSeed } from '../random/streams.js';
import { buildReTerms, frameRefitter } from '../models/lmm/fit.js';
import { getState, type LmmState } from '../models/lmm/state.js';
import type { LmmFit } from '../models/lmm/types.js';

export function stateOf(fit: LmmFit, argument: string): LmmState {
  const s = getState(fit);
  if (!s) throw new ArgumentError(argument, 'an object not made by fitLmm in this process', 'a fit from fitLmm');
  return s;
}

/** The parts of a fit a simulation needs, computed once. */
export interface Simulator {
  n: number;
  draw(rng: Rng, conditional: boolean, out: Float64Array): void;
}

export function simulator(fit: LmmFit, s: LmmState): Simulator {
  const frame = s.frame;
  const n = frame.n;
  // Fixed part Xβ over the kept columns.
  const eta = new Float64Array(n);
  const X = frame.X;
  s.kept.forEach((j, c) => {
    const b = s.beta[c]!;
    if (b === 0) return;
    const off = j * n;
    for (let i = 0; i < n; i++) eta[i] = eta[i]! + X[off + i]! * b;
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

/** Refits of the model of `s` to new responses (same rows, same design). */
export type Refitter = (y: Float64Array) => LmmFit;

/**
 * Simplex evaluations of a refit before Newton's steps: the start (the fit's θ, from which the
 * responses were simulated) is close to each refit's optimum, so the simplex only needs to find
 * the basin's side of a vanishing variance, and Newton's steps converge as tightly as from the
 * default 15 × (parameters + 1).
 */
const REFIT_SIMPLEX = (nTheta: number): number => 5 * (nTheta + 1);

/**
 * The fit's θ as the refits' start, with each variance estimated as exactly zero (a singular
 * fit) moved off zero to 0.1 in the objective's internal scale (about a tenth of the residual
 * SD). The profiled criterion is even in each diagonal θ (see objective.ts), so θ = 0 is a
 * stationary point of it, a saddle where the simulated data favour a positive variance:
 * started there, Newton's steps see a zero gradient and may stop on it. lme4's bounded
 * optimiser does not have this trap at its bound, so bootMer's refits would leave it.
 */
function refitStart(s: LmmState): number[] {
  const theta = [...s.theta];
  for (const [j, t] of s.cp.terms.entries()) {
    let q = t.thetaOffset;
    for (let c = 0; c < t.k; c++) {
      if (theta[q] === 0) theta[q] = REFIT_ZERO_START * s.objective.zMul[j]![c]!;
      q += t.k - c;
    }
  }
  return theta;
}

const REFIT_ZERO_START = 0.1;

/**
 * The fit's model refitted to new responses (`frameRefitter`: the design's parts found once).
 * Each refit optimises from the fit's θ, as lme4's `refit()` does; its conditional modes, fitted
 * values, residuals and the fixed-effects rows' estimability are formed only if the statistic
 * reads them. Numbers depend only on the response, so replicates may run in any order or thread.
 */
export function refitter(s: LmmState): Refitter {
  const options = { ...s.options, ddf: 'asymptotic' as const, control: { ...s.options.control, start: refitStart(s) } };
  return frameRefitter(s.frame, options, { lazy: true, simplexEvaluations: REFIT_SIMPLEX(s.objective.nTheta) });
}


/** Streams of {@link replicateSeed} the bootstrap draws from. */
export const BOOTSTRAP_STREAM = 2;
export const BOOTSTRAP_LRT_STREAM = 3;

/** Replicates `from` … `to − 1` of a parametric bootstrap (default statistic) or of a bootstrap LRT. */
export type BootstrapRefitsTask =
  | { test: 'statistic'; fit: LmmFit; seed: number; conditional: boolean; from: number; to: number }
  | { test: 'lrt'; m0: LmmFit; m1: LmmFit; seed: number; from: number; to: number };

/** A replicate's statistics (or LRT*), or why its refit failed. */
export type BootstrapOutcome = { value: Record<string, number> | number; reason: null } | { value: null; reason: string };

const reasonOf = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/** The replicates of one task; `statistic` defaults to {@link defaultFitStatistic} (a function cannot cross to a worker). */
export function runBootstrapRefits(t: BootstrapRefitsTask, done: (n: number) => void, statistic: (fit: LmmFit) => Record<string, number> = defaultFitStatistic): BootstrapOutcome[] {
  const out: BootstrapOutcome[] = [];
  if (t.test === 'statistic') {
    const s = stateOf(t.fit, 'fit');
    const sim = simulator(t.fit, s);
    const y = new Float64Array(sim.n);
    const refit = refitter(s);
    for (let r = t.from; r < t.to; r++) {
      sim.draw(createRng(replicateSeed(t.seed, BOOTSTRAP_STREAM, r)), t.conditional, y);
      try {
        out.push({ value: statistic(refit(Float64Array.from(y))), reason: null });
      } catch (e) {
        out.push({ value: null, reason: reasonOf(e) });
      }
      done(1);
    }
    return out;
  }
  const s0 = stateOf(t.m0, 'm0');
  const s1 = stateOf(t.m1, 'm1');
  const sim = simulator(t.m0, s0);
  const y = new Float64Array(sim.n);
  const refit0 = refitter(s0);
  const refit1 = refitter(s1);
  for (let r = t.from; r < t.to; r++) {
    sim.draw(createRng(replicateSeed(t.seed, BOOTSTRAP_LRT_STREAM, r)), false, y);
    try {
      const yy = Float64Array.from(y);
      out.push({ value: Math.max(0, 2 * (refit1(yy).logLik - refit0(yy).logLik)), reason: null });
    } catch (e) {
      out.push({ value: null, reason: reasonOf(e) });
    }
    done(1);
  }
  return out;
}
