/**
 * The imputations of one run, branched from the shared burn-in: plain data in, N × K arrays out,
 * so the same function runs on the calling thread or in a worker (src/parallel/tasks.ts).
 */
import { createRng } from '../random/rng.js';
import { replicateSeed } from '../random/streams.js';
import { branchImputation, type BurnedIn, type ModelSetup, type Strategy } from './gibbs.js';

/** Imputations `from` … `to − 1` of a run. */
export interface BranchTask {
  model: ModelSetup;
  start: BurnedIn;
  between: number;
  strategy: Strategy;
  seed: number;
  from: number;
  to: number;
}

/** The stream of {@link replicateSeed} that multiple imputation draws from. */
export const IMPUTATION_STREAM = 4;

/** Imputation l on the outcome scale (observed scores as observed): its generator is a pure function of (seed, l). */
export function branchImputations(t: BranchTask, done: (n: number) => void): Float64Array[] {
  const out: Float64Array[] = [];
  for (let l = t.from; l < t.to; l++) {
    const Yc = branchImputation(t.model, t.start, createRng(replicateSeed(t.seed, IMPUTATION_STREAM, l)), t.between, t.strategy);
    for (let j = 0; j < Yc.length; j++) Yc[j] = t.model.centre + t.model.scale * Yc[j]!;
    out.push(Yc);
    done(1);
  }
  return out;
}
