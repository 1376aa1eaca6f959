/**
 * Work spread over worker threads gives the calling thread's results bit for bit, with progress
 * reported for every item: the imputations of multipleImputation and the replicates of
 * powerBySimulation (the economics bootstrap has its own tests). Workers load through tsx here.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { multipleImputation } from '../../src/missing-data/impute.js';
import { powerBySimulation } from '../../src/power/simulation.js';
import { openWorkerPool } from '../../src/parallel/pool.js';
import { ranges } from '../../src/parallel/engine.js';
import { smallTrial } from '../missing-data/small-trial.js';

const pool = openWorkerPool({ threads: 2 });
afterAll(() => pool.close());

describe('worker threads', () => {
  it('cut work into contiguous, nearly equal ranges covering every item once', () => {
    expect(ranges(10, 4)).toEqual([[0, 2], [2, 5], [5, 7], [7, 10]]);
    expect(ranges(3, 8)).toEqual([[0, 1], [1, 2], [2, 3]]);
    expect(ranges(1, 1)).toEqual([[0, 1]]);
  });

  it('multipleImputation: identical imputations on 2 threads and on the calling thread, progress for each', async () => {
    const visits = ['baseline', '9m', '15m'];
    const rows = smallTrial(3, 90, visits, { groups: true, missing: 0.3 });
    const opts = { id: 'id', visit: 'visit', outcome: 'score', arm: 'arm', control: 'control', visits, cluster: 'group', m: 9, burnIn: 10, between: 5, seed: 4 };
    const seen: number[] = [];
    const one = await multipleImputation(rows, { ...opts, threads: 1, onProgress: (p) => seen.push(p.done) });
    const two = await multipleImputation(rows, { ...opts, pool });
    expect(one.settings.threads).toBe(1);
    expect(two.settings.threads).toBe(2);
    expect(two.diagnostics).toEqual([]);
    expect(two.completed).toEqual(one.completed);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const done: number[] = [];
    await multipleImputation(rows, { ...opts, pool, onProgress: (p) => done.push(p.done) });
    expect(done.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('powerBySimulation: identical rejections, failures and early stop on 2 threads and on the calling thread', async () => {
    const common = { design: { nParticipants: 80 }, replicates: 24, seed: 11, target: 0.99, checkEvery: 6 };
    const one = await powerBySimulation({ ...common, threads: 1 });
    const progress: number[] = [];
    const two = await powerBySimulation({ ...common, pool, onProgress: (p) => p.phase === 'power' && progress.push(p.done) });
    expect(two).toEqual(one);
    // The run stops once the interval lies below 0.99, after a whole batch of 6.
    expect(one.stoppedEarly).toBe(true);
    expect(one.power.replicates % 6).toBe(0);
    expect(progress.sort((a, b) => a - b)).toEqual(Array.from({ length: one.power.replicates }, (_, i) => i + 1));
  });

  it('a function analysis cannot cross to a worker: it runs on the calling thread and says so', async () => {
    const r = await powerBySimulation({ design: { nParticipants: 60 }, replicates: 3, typeI: false, threads: 2, analyse: () => 0.01 });
    expect(r.power.estimate).toBe(1);
    expect(r.diagnostics.map((d) => d.code)).toContain('worker-fallback');
  });
});
