/**
 * Errors name the real cause, checked up front (issue 10, class 6): each case below used to
 * surface deep inside another function with a message about something else.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors/index.js';
import { analyzeTrial } from '../../src/analysis/analyze.js';
import { parseAnalysisPlan, planDesign } from '../../src/analysis/plan.js';
import { readCsvFile } from '../../src/data/read-file.js';
import { validateTrial } from '../../src/data/validate.js';
import { contrast, contrastCoefficients, interactionContrast } from '../../src/models/emmeans/contrast.js';
import { costEffectiveness, costsByArm, participantCostTotals, type CostParticipant } from '../../src/economics/index.js';
import { runCli } from '../../src/cli/main.js';
import { fitOls } from '../../src/models/ols/fit.js';
import { fitLmm } from '../../src/models/lmm/fit.js';
import { predict } from '../../src/models/lmm/predict.js';
import { normalPdf, studentTCdf } from '../../src/distributions/index.js';
import { chiSquareTest } from '../../src/inference/index.js';
import { marginalMeans } from '../../src/models/emmeans/marginal-means.js';
import { ROOT, readJson } from '../analysis/helpers.js';
import { caught } from './helpers.js';

describe('an arm with no participants', () => {
  it('is named as the cause before any model is fitted (not "method.SFT: received [-1,1,0]")', async () => {
    const input = readJson('examples/sft-trial/plan.json') as Record<string, unknown>;
    // The economic, register and missing-data sections need exactly two arms; this case has three.
    delete input['economics'];
    delete input['costUtility'];
    delete input['register'];
    delete input['missingData'];
    const plan = parseAnalysisPlan(input);
    const design = { ...planDesign(plan), arms: ['control', 'SFT', 'TAU'] };
    const participants = await readCsvFile(join(ROOT, 'data-samples/sft-participants.csv'), { table: 'participants', numericColumns: plan.data.numericColumns });
    const measurements = await readCsvFile(join(ROOT, 'data-samples/sft-measurements.csv'), { table: 'measurements' });
    const trial = validateTrial({ participants, measurements }, { design });
    const progress: string[] = [];
    const e = await caught(() => analyzeTrial(trial, { ...plan, design: { ...plan.design, arms: design.arms } }, { threads: 1, onProgress: (p) => progress.push(p.section) }));
    expect(e).toBeInstanceOf(ArgumentError);
    expect((e as ArgumentError).argument).toBe('plan.design.arms[2]');
    expect((e as ArgumentError).message).toContain('No participant is in arm "TAU"');
    expect(progress).toEqual([]);
  });
});

describe('contrast methods', () => {
  it('a misspelt method is named as the method with the valid names (not "method.0": received "r")', () => {
    const e = (() => {
      try {
        contrastCoefficients('revpairwse' as never, ['control', 'SFT']);
      } catch (err) {
        return err as ArgumentError;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e!.argument).toBe('method');
    expect(e!.message).toContain('one of "pairwise", "revpairwise", "trt.vs.ctrl"');
    expect(e!.message).toContain('Did you mean "revpairwise"?');
    expect(() => contrastCoefficients('r' as never, ['a', 'b'])).toThrow(/Argument "method": received "r"/);
    expect(() => contrast({} as never, 'r' as never)).toThrow(ArgumentError);
    expect(() => interactionContrast({} as never, {}, { reference: 0 })).toThrow(); // no factor: still a typed failure, not a crash
    expect(() => contrastCoefficients(['x'] as never, ['a', 'b'])).toThrow(/Argument "method"/);
    expect(() => contrastCoefficients({ d: 'ab' } as never, ['a', 'b'])).toThrow(/Argument "method.d"/);
  });
  it('custom weight vectors are still accepted', () => {
    expect(contrastCoefficients({ diff: [-1, 1] }, ['a', 'b'])).toEqual([{ name: 'diff', c: [-1, 1] }]);
  });
});

describe('cost categories', () => {
  const people: CostParticipant[] = [
    { id: 'c1', arm: 'control', group: null, costs: { admissions: 100, outpatient: 5 } },
    { id: 'c2', arm: 'control', group: null, costs: { admissions: 0, outpatient: 7 } },
    { id: 't1', arm: 'SFT', group: 'g1', costs: { admissions: 50, outpatient: 1 } },
    { id: 't2', arm: 'SFT', group: 'g1', costs: { admissions: 20, outpatient: 2 } },
  ];
  it('a misspelt category is named with the nearest category of the data (not "an arm with at least 2 participants")', async () => {
    expect(() => participantCostTotals(people, { categories: ['admisions'] })).toThrow(
      'Argument "categories[0]": received "admisions", expected one of "admissions", "outpatient". Did you mean "admissions"?',
    );
    expect(() => costsByArm(people, { categories: ['outpatient', 'admision'] })).toThrow(/categories\[1\].*Did you mean "admissions"/);
    const effects = people.map((p, i) => ({ id: p.id, effect: i }));
    const e = await caught(() => costEffectiveness({ participants: people, effects }, { costCategories: ['admisions'], replicates: 200 }));
    expect(e).toBeInstanceOf(ArgumentError);
    expect((e as ArgumentError).message).toContain('Did you mean "admissions"?');
  });
  it('the categories of the data are still accepted', () => {
    expect(participantCostTotals(people, { categories: ['outpatient'] }).map((t) => t.total)).toEqual([5, 7, 1, 2]);
  });
});

describe('rcteval analyze --out', () => {
  const capture = () => {
    const io = { out: '', err: '', stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
    return io;
  };
  const P = join(ROOT, 'data-samples/sft-participants.csv');
  const M = join(ROOT, 'data-samples/sft-measurements.csv');
  const PLAN = join(ROOT, 'examples/sft-trial/plan.json');

  it('an existing file is an error before any work (not EEXIST after the whole analysis)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rcteval-out-'));
    const file = join(dir, 'report');
    writeFileSync(file, 'not a folder');
    const io = capture();
    expect(await runCli(['analyze', '--participants', P, '--measurements', M, '--plan', PLAN, '--out', file], io)).toBe(1);
    expect(io.err).toContain('ArgumentError [ARGUMENT]: Argument "--out"');
    expect(io.err).toContain('It is an existing file');
    expect(io.err).not.toContain('Reading and validating');
    expect(io.out).toBe('');
  });
  it('--threads above the limit is a usage error saying the limit', async () => {
    const io = capture();
    expect(await runCli(['analyze', '--participants', P, '--measurements', M, '--plan', PLAN, '--out', join(tmpdir(), 'unused'), '--threads', '100000'], io)).toBe(2);
    expect(io.err).toContain('--threads must be a whole number from 1 to 256 or "auto" (received "100000")');
  });
  it('a folder below a file is an error before any work', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rcteval-out-'));
    writeFileSync(join(dir, 'file'), 'x');
    const io = capture();
    expect(await runCli(['analyze', '--participants', P, '--measurements', M, '--plan', PLAN, '--out', join(dir, 'file', 'report')], io)).toBe(1);
    expect(io.err).toContain('is a file, so the folder cannot be created');
    expect(existsSync(join(dir, 'file', 'report'))).toBe(false);
  });
});

describe('model options that name columns or factors', () => {
  const data = {
    y: [1, 2, 3, 4, 5, 6, 7, 9],
    arm: ['c', 'c', 't', 't', 'c', 'c', 't', 't'],
    visit: ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b'],
    id: ['1', '1', '2', '2', '3', '3', '4', '4'],
  };
  it('levels or factors for a column the data lack are named with the nearest column (they were ignored)', () => {
    expect(() => fitOls('y ~ arm', data, { levels: { amr: ['t', 'c'] } })).toThrow('Argument "options.levels": received "amr", expected a column of the data (y, arm, visit, id). Did you mean "arm"?');
    expect(() => fitOls('y ~ arm', data, { factors: ['vist'] })).toThrow(/Argument "options.factors": received "vist".*Did you mean "visit"\?/);
    // a column of the data outside the formula is fine (the two-stage least squares frames share one set of levels)
    expect(fitOls('y ~ arm', data, { levels: { visit: ['b', 'a'] } }).fixedEffects).toHaveLength(2);
  });
  it('marginal-means `by` and `at` and the contrast adjustment are named as themselves', () => {
    const fit = fitOls('y ~ arm * visit', data);
    expect(() => marginalMeans(fit, ['arm'], { by: ['vist'] })).toThrow(/^Argument "options.by": received "vist"/);
    expect(() => marginalMeans(fit, ['arm'], { at: { vist: 'a' } as never })).toThrow(/Argument "options.at.vist".*did you mean "visit"\?/);
    const mm = marginalMeans(fit, ['arm', 'visit'], { by: ['visit'] });
    expect(() => contrast(mm, 'pairwise', { adjust: 'holmes' as never })).toThrow(/^Argument "options.adjust": received "holmes".*Did you mean "holm"\?/);
    expect(() => contrast(mm, 'pairwise', { family: 'everything' as never })).toThrow(/^Argument "options.family"/);
    expect(contrast(mm, 'pairwise', { adjust: 'sidak' }).rows).toHaveLength(2);
  });
});

describe('switches', () => {
  it('a string where true or false belongs is an error (the string "false" counted as true)', () => {
    const data = { y: [1, 2, 3, 5, 4, 6], g: ['a', 'a', 'b', 'b', 'c', 'c'] };
    expect(() => fitLmm('y ~ 1 + (1 | g)', data, { reml: 'false' as never })).toThrow('Argument "options.reml": received "false", expected true or false');
    expect(() => studentTCdf(1, 3, { lowerTail: 'false' as never })).toThrow(/"options.lowerTail"/);
    expect(() => normalPdf(0, { log: 1 as never })).toThrow(/"options.log"/);
    expect(() => chiSquareTest([[1, 2], [3, 4]], { correct: 'no' as never })).toThrow(/"options.correct"/);
    expect(() => predict(fitLmm('y ~ 1 + (1 | g)', data), { g: ['a'] }, { includeRandom: 'yes' as never })).toThrow(/"options.includeRandom"/);
    expect(studentTCdf(1, 3, { lowerTail: false })).toBeCloseTo(1 - studentTCdf(1, 3), 15);
  });
});
