/**
 * Worker-thread entry of the bootstrap pool. Receives a task (the unit strata and a list of
 * blocks), runs the blocks with the same kernel the main thread uses, and posts the sums back
 * (transferring the buffer, not copying it).
 *
 * Compiled to `dist/economics/bootstrap/worker.js`; in a source checkout the pool loads this
 * `.ts` file through tsx (see `pool.ts`).
 */
import { parentPort } from 'node:worker_threads';
import { resampleBlock, type BlockSpec, type UnitStratum } from './kernel.js';

/** Message from the pool. */
export interface WorkerTask {
  taskId: number;
  k: number;
  strata: UnitStratum[];
  blocks: BlockSpec[];
}

/** Reply to the pool: one buffer with the blocks' sums in the order given. */
export interface WorkerReply {
  taskId: number;
  sums?: Float64Array;
  error?: string;
}

const port = parentPort;
if (port) {
  port.on('message', (task: WorkerTask) => {
    try {
      const S = task.strata.length;
      let total = 0;
      for (const b of task.blocks) total += b.count;
      const sums = new Float64Array(total * S * task.k);
      let offset = 0;
      for (const b of task.blocks) {
        const block = resampleBlock(task.strata, task.k, b.count, b.seed);
        sums.set(block, offset);
        offset += block.length;
      }
      const reply: WorkerReply = { taskId: task.taskId, sums };
      port.postMessage(reply, [sums.buffer]);
    } catch (err) {
      const reply: WorkerReply = { taskId: task.taskId, error: err instanceof Error ? err.stack ?? err.message : String(err) };
      port.postMessage(reply);
    }
  });
}
