/**
 * Worker-thread entry of the pool: runs a task with the same handler the calling thread uses
 * (tasks.ts), posting progress as items finish and the output at the end (transferring typed
 * arrays' buffers rather than copying them).
 *
 * Compiled to `dist/parallel/worker.js`; in a source checkout the pool loads this `.ts` file
 * through tsx (see `pool.ts`).
 */
import { parentPort } from 'node:worker_threads';
import { TASKS, type TaskKind, type TaskTypes } from './tasks.js';

/** Message from the pool. */
export interface WorkerMessage {
  taskId: number;
  kind: TaskKind;
  input: TaskTypes[TaskKind]['input'];
}

/** Messages to the pool. */
export type WorkerReply =
  | { type: 'progress'; taskId: number; n: number }
  | { type: 'done'; taskId: number; output: unknown }
  | { type: 'error'; taskId: number; error: string };

const port = parentPort;
if (port) {
  port.on('message', (m: WorkerMessage) => {
    try {
      const handler = TASKS[m.kind] as (input: unknown, done: (n: number) => void) => { output: unknown; transfer: ArrayBuffer[] };
      const { output, transfer } = handler(m.input, (n) => port.postMessage({ type: 'progress', taskId: m.taskId, n } satisfies WorkerReply));
      port.postMessage({ type: 'done', taskId: m.taskId, output } satisfies WorkerReply, transfer);
    } catch (err) {
      port.postMessage({ type: 'error', taskId: m.taskId, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies WorkerReply);
    }
  });
}
