/**
 * The data forms the model functions take: validated trial data is refused with an error that
 * names trialToRows; a danfo.js DataFrame's types (values typed `ArrayType1D | ArrayType2D`) are
 * accepted by the one DanfoLike, and give the same fit as rows.
 */
import { describe, expect, it } from 'vitest';
import { fromDanfo, trialToRows } from '../../src/data/index.js';
import type { DanfoLike } from '../../src/data/frame-like.js';
import { ArgumentError } from '../../src/errors/index.js';
import { fitLmm } from '../../src/models/lmm/fit.js';
import { fitOls } from '../../src/models/ols/fit.js';
import { simulateTrialData } from '../../src/simulate/trial-data.js';

/** The declared shape of a danfo.js DataFrame's accessors (danfojs-node's typings). */
interface DanfoDataFrameTypes {
  get columns(): string[];
  get values(): (string | number | boolean)[] | (string | number | boolean)[][];
}

const { data: trial } = simulateTrialData({ seed: 5, nParticipants: 120 });
const levels = { arm: trial.design.arms, visit: trial.design.visits };

describe('model data', () => {
  it('validated TrialData is refused with an error that names trialToRows', () => {
    expect(() => fitLmm('score ~ arm * visit + (1 | id)', trial as never, { levels })).toThrow(ArgumentError);
    expect(() => fitLmm('score ~ arm * visit + (1 | id)', trial as never, { levels })).toThrow(/trialToRows\(trial, \{ instrument: "PSP" \}\)/);
    expect(() => fitOls('score ~ arm', trial as never)).toThrow(/trialToRows/);
  });

  it('a danfo DataFrame (by its declared types) fits as its rows do, in the models and the loader', () => {
    const rows = trialToRows(trial, { instrument: 'PSP', visits: ['baseline', '9m'] });
    const columns = ['id', 'arm', 'visit', 'score'];
    const frame: DanfoDataFrameTypes = {
      get columns() {
        return columns;
      },
      get values() {
        return rows.map((r) => [r.id, r.arm, r.visit, r.score ?? Number.NaN]);
      },
    };
    const asDanfo: DanfoLike = frame;
    const viaDanfo = fitOls('score ~ arm * visit', asDanfo, { levels });
    const viaRows = fitOls('score ~ arm * visit', rows.filter((r) => r.score !== null), { levels });
    expect(viaDanfo.fixedEffects).toEqual(viaRows.fixedEffects);
    expect(fromDanfo(frame).rows.length).toBe(rows.length);
    expect(() => fitOls('score ~ arm', { columns: ['score', 'arm'], values: [[1, 'a'], [2]] }, {})).toThrow(/data\.values\[1\]/);
  });
});
