/**
 * The data forms the model functions take: validated trial data with `instrument` fits as that
 * instrument's rows (without it, an error naming the option and trialToRows); a danfo.js
 * DataFrame's types (values typed `ArrayType1D | ArrayType2D`) are accepted by the one
 * DanfoLike, and give the same fit as rows.
 */
import { describe, expect, it } from 'vitest';
import { fromDanfo, trialToRows } from '../../src/data/index.js';
import type { DanfoLike } from '../../src/data/frame-like.js';
import { ArgumentError } from '../../src/errors/index.js';
import { fitGlm } from '../../src/models/glm/fit.js';
import { fitGlmm } from '../../src/models/glmm/fit.js';
import { fitLmm } from '../../src/models/lmm/fit.js';
import { fitMmrm } from '../../src/models/mmrm/fit.js';
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
  it('validated TrialData without an instrument is refused with an error that names the option and trialToRows', () => {
    expect(() => fitLmm('score ~ arm * visit + (1 | id)', trial, { levels })).toThrow(ArgumentError);
    expect(() => fitLmm('score ~ arm * visit + (1 | id)', trial, { levels })).toThrow(/options\.instrument \(e\.g\. \{ instrument: "PSP" \}\).*trialToRows\(trial, \{ instrument: "PSP" \}\)/);
    expect(() => fitOls('score ~ arm', trial)).toThrow(/trialToRows/);
  });

  it('validated TrialData with an instrument fits as trialToRows gives its rows, in every model function', () => {
    const rows = trialToRows(trial, { instrument: 'PSP' });
    const lmm = 'score ~ arm * visit + (1 | id)';
    expect(fitLmm(lmm, trial, { levels, instrument: 'PSP' }).fixedEffects).toEqual(fitLmm(lmm, rows, { levels }).fixedEffects);
    expect(fitOls('score ~ arm * visit', trial, { levels, instrument: 'PSP' }).fixedEffects).toEqual(fitOls('score ~ arm * visit', rows, { levels }).fixedEffects);
    expect(fitGlm('score ~ arm * visit', trial, { family: 'gaussian', levels, instrument: 'PSP' }).fixedEffects).toEqual(fitGlm('score ~ arm * visit', rows, { family: 'gaussian', levels }).fixedEffects);
    const mmrm = 'score ~ arm * visit + us(visit | id)';
    expect(fitMmrm(mmrm, trial, { levels, instrument: 'PSP' }).fixedEffects).toEqual(fitMmrm(mmrm, rows, { levels }).fixedEffects);
    // Another instrument is another outcome.
    expect(fitOls('score ~ arm', trial, { instrument: 'WHO5' }).fixedEffects).toEqual(fitOls('score ~ arm', trialToRows(trial, { instrument: 'WHO5' })).fixedEffects);
  });

  it('an instrument with model rows, or one the design does not have, is refused naming options.instrument', () => {
    const rows = trialToRows(trial, { instrument: 'PSP' });
    expect(() => fitLmm('score ~ arm + (1 | id)', rows, { instrument: 'PSP' })).toThrow(/options\.instrument.*only with validated trial data/);
    expect(() => fitGlmm('score ~ arm + (1 | id)', rows, { family: 'poisson', instrument: 'PSP' })).toThrow(/options\.instrument/);
    expect(() => fitOls('score ~ arm', trial, { instrument: 'BDI' })).toThrow(/options\.instrument.*one of the design's instruments/);
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
