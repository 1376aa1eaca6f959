/**
 * The work that can run on a worker thread, by kind. Each task is plain data (structured-
 * clonable: numbers, strings, typed arrays), so the same function runs it on the calling thread
 * or in a worker with identical results; no closures cross a thread.
 *
 * A handler gets the task and `done(n)`, to report n more items finished (progress), and returns
 * its output and the buffers to transfer back rather than copy.
 */
import { resampleBlock, type BlockSpec, type UnitStratum } from '../economics/bootstrap/kernel.js';
import { branchImputations, type BranchTask } from '../missing-data/branches.js';
import { runRefits, type RefitTask } from '../missing-data/refits.js';
import type { LmmFit } from '../models/lmm/types.js';
import type { OlsFit } from '../models/ols/types.js';
import { runBootstrapRefits, type BootstrapOutcome, type BootstrapRefitsTask } from '../power/refit.js';
import { runPowerReplicates, type PowerReplicatesTask, type ReplicateOutcome } from '../power/replicates.js';

interface BootstrapBlocksTask {
  k: number;
  strata: UnitStratum[];
  blocks: BlockSpec[];
}

export interface TaskTypes {
  /** Unit-bootstrap sums of the economics bootstrap: the blocks' sums concatenated. */
  'bootstrap-blocks': { input: BootstrapBlocksTask; output: Float64Array };
  /** Imputations branched from the shared burn-in: one N × K array per imputation. */
  'imputation-branches': { input: BranchTask; output: Float64Array[] };
  /** One model refitted to several responses on a shared frame (completed datasets). */
  refits: { input: RefitTask; output: (LmmFit | OlsFit)[] };
  /** Parametric-bootstrap refits (default statistic) or bootstrap-LRT replicates. */
  'bootstrap-refits': { input: BootstrapRefitsTask; output: BootstrapOutcome[] };
  /** Power-simulation replicates: one outcome per replicate. */
  'power-replicates': { input: PowerReplicatesTask; output: ReplicateOutcome[] };
}
export type TaskKind = keyof TaskTypes;
export type TaskInput<K extends TaskKind> = TaskTypes[K]['input'];
export type TaskOutput<K extends TaskKind> = TaskTypes[K]['output'];

type Handler<K extends TaskKind> = (input: TaskInput<K>, done: (n: number) => void) => { output: TaskOutput<K>; transfer: ArrayBuffer[] };

export const TASKS: { [K in TaskKind]: Handler<K> } = {
  'bootstrap-blocks': (t, done) => {
    const S = t.strata.length;
    let total = 0;
    for (const b of t.blocks) total += b.count;
    const sums = new Float64Array(total * S * t.k);
    let offset = 0;
    for (const b of t.blocks) {
      const block = resampleBlock(t.strata, t.k, b.count, b.seed);
      sums.set(block, offset);
      offset += block.length;
      done(b.count);
    }
    return { output: sums, transfer: [sums.buffer as ArrayBuffer] };
  },
  'imputation-branches': (t, done) => {
    const out = branchImputations(t, done);
    return { output: out, transfer: out.map((y) => y.buffer as ArrayBuffer) };
  },
  refits: (t, done) => ({ output: runRefits(t, done), transfer: [] }),
  'bootstrap-refits': (t, done) => ({ output: runBootstrapRefits(t, done), transfer: [] }),
  'power-replicates': (t, done) => ({ output: runPowerReplicates(t, done), transfer: [] }),
};
