/**
 * One model refitted to several responses on a fixed model frame: what analysing m completed
 * datasets needs when only the imputed outcome differs between them. Plain data in and out, so
 * it runs on the calling thread or in a worker (src/parallel/tasks.ts).
 */
import type { ModelFrame } from '../formula/frame.js';
import { frameRefitter } from '../models/lmm/fit.js';
import type { LmmFit, LmmOptions } from '../models/lmm/types.js';
import type { ClusterIndex } from '../models/ols/clusters.js';
import { fitOlsFrame } from '../models/ols/fit.js';
import type { OlsFit, OlsOptions } from '../models/ols/types.js';

export type RefitTask =
  | { model: 'lmm'; frame: ModelFrame; options: LmmOptions; ys: Float64Array[] }
  | { model: 'ols'; frame: ModelFrame; options: OlsOptions; clusters: ClusterIndex | null; ys: Float64Array[] };

export function runRefits(t: RefitTask, done: (n: number) => void): (LmmFit | OlsFit)[] {
  // The LMM's design-only parts (terms, X and Z's cross-products) are formed once for all
  // responses; pooling reads the coefficients, so the conditional modes are formed only if read.
  const fitTo = t.model === 'lmm' ? frameRefitter(t.frame, t.options, { lazy: true }) : (y: Float64Array) => fitOlsFrame({ ...t.frame, y }, t.options, t.clusters);
  return t.ys.map((y) => {
    const fit = fitTo(y);
    done(1);
    return fit;
  });
}
