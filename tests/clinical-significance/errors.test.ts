/** Bad input throws ArgumentError naming the argument and the value; numerical trouble is a diagnostic. */
import { describe, expect, it } from 'vitest';
import { clinicalCutoff } from '../../src/clinical-significance/cutoff.js';
import { clinicalSignificance } from '../../src/clinical-significance/clinical-significance.js';
import { compareClinicalSignificance } from '../../src/clinical-significance/compare.js';
import { numberNeededToTreat } from '../../src/clinical-significance/nnt.js';
import { probabilityOfSuperiority, proportionalOddsComparison } from '../../src/clinical-significance/ordinal.js';
import { argErr } from './fixture.js';


const ok = { baseline: [40, 45, 50, 55, 60], followUp: [42, 44, 58, 50, 70] };
const base = { reliability: 0.8, direction: 'higher-better' as const, cutoff: 'none' as const };

describe('clinicalSignificance: bad input', () => {
  it('reliability outside (0, 1)', () => {
    for (const r of [0, 1, 1.2, -0.1, Number.NaN]) {
      const e = argErr(() => clinicalSignificance(ok, { ...base, reliability: r }));
      expect(e.argument).toBe('options.reliability');
      expect(Object.is(e.value, r)).toBe(true);
      expect(e.message).toMatch(/strictly between 0 and 1/);
    }
  });

  it('a score outside the instrument’s range names the array, position and value', () => {
    const e = argErr(() => clinicalSignificance({ baseline: [40, 50, 101], followUp: [45, 50, 90] }, { instrument: 'PSP', cutoff: 'none' }));
    expect([e.argument, e.value]).toEqual(['baseline[2]', 101]);
    expect(e.message).toMatch(/PSP score from 1 to 100/);
    const f = argErr(() => clinicalSignificance({ baseline: [40, 50, 60], followUp: { '9m': [45, 50, 60], '15m': [45, 0, 60] } }, { instrument: 'PSP', cutoff: 'none' }));
    expect([f.argument, f.value]).toEqual(['followUp["15m"][1]', 0]);
    const g = argErr(() => clinicalSignificance({ baseline: [40, 50, 60], followUp: [45, 50.5, 60] }, { instrument: 'PSP', cutoff: 'none' }));
    expect(g.argument).toBe('followUp[1]');
    expect(g.message).toMatch(/whole points/);
  });

  it('arrays of different length', () => {
    expect(argErr(() => clinicalSignificance({ baseline: [40, 50, 60], followUp: [45, 50] }, base)).argument).toBe('followUp');
    expect(argErr(() => clinicalSignificance({ ...ok, arm: ['a', 'b'] }, base)).argument).toBe('arm');
    expect(argErr(() => clinicalSignificance({ ...ok, id: ['1', '2', '3', '4', '4'] }, base)).argument).toBe('id[4]');
  });

  it('fewer than two observed baselines, or baselines that do not vary', () => {
    const e = argErr(() => clinicalSignificance({ baseline: [40, null], followUp: [45, 50] }, base));
    expect([e.argument, e.value]).toEqual(['baseline', '1 observed baseline score']);
    expect(argErr(() => clinicalSignificance({ baseline: [40], followUp: [45] }, base)).argument).toBe('baseline');
    const c = argErr(() => clinicalSignificance({ baseline: [40, 40, 40], followUp: [45, 50, 41] }, base));
    expect(c.argument).toBe('baseline');
    expect(c.message).toMatch(/SD is 0/);
    const perArm = argErr(() => clinicalSignificance({ ...ok, arm: ['a', 'a', 'a', 'a', 'b'] }, { ...base, baselineSd: 'per-arm' }));
    expect(perArm.value).toBe('1 observed baseline score in arm "b"');
  });

  it('non-finite scores, unknown options', () => {
    expect(argErr(() => clinicalSignificance({ baseline: [40, Number.NaN, 50], followUp: [1, 2, 3] }, base)).argument).toBe('baseline[1]');
    expect(argErr(() => clinicalSignificance(ok, { ...base, method: 'reliable' as never })).argument).toBe('options.method');
    expect(argErr(() => clinicalSignificance(ok, { ...base, cutoff: 'd' as never })).argument).toBe('options.cutoff');
    expect(argErr(() => clinicalSignificance(ok, { ...base, cutoff: { value: Number.POSITIVE_INFINITY } })).argument).toBe('options.cutoff.value');
    expect(argErr(() => clinicalSignificance(ok, { ...base, baselineSd: -1 })).argument).toBe('options.baselineSd');
    expect(argErr(() => clinicalSignificance(ok, { ...base, baselineSd: 10, method: 'hageman-arrindell' })).argument).toBe('options.baselineSd');
    expect(argErr(() => clinicalSignificance(ok, { ...base, criticalValue: 0 })).argument).toBe('options.criticalValue');
    expect(argErr(() => clinicalSignificance(ok, { reliability: 0.8, cutoff: 'none' })).argument).toBe('options.direction');
    expect(argErr(() => clinicalSignificance(ok, { ...base, arms: ['x'] })).argument).toBe('options.arms');
    const dir = argErr(() => clinicalSignificance({ baseline: [40, 50, 60], followUp: [45, 50, 60] }, { instrument: 'PSP', direction: 'lower-better', cutoff: 'none' }));
    expect([dir.argument, dir.value]).toEqual(['options.direction', 'lower-better']);
    expect(argErr(() => clinicalSignificance(ok, { ...base, cutoff: 'c' })).argument).toBe('options.norms.clinical');
    expect(argErr(() => clinicalSignificance(ok, { ...base, cutoff: 'b', norms: { functional: { mean: 60, sd: 0 } } })).argument).toBe('options.norms.functional.sd');
    expect(argErr(() => clinicalSignificance(ok, { ...base, cutoff: 'b', norms: { functional: 'baseline-sample' as never } })).argument).toBe('options.norms.functional');
    expect(argErr(() => clinicalSignificance(null as never, base)).argument).toBe('data');
  });

  it('Hageman–Arrindell with too few complete pairs is a diagnostic, not an exception: those rows are not classifiable', () => {
    const res = clinicalSignificance({ baseline: [40, 45, 50, 55], followUp: [42, null, null, 51] }, { ...base, method: 'hageman-arrindell' });
    expect(res.rows.map((r) => r.status)).toEqual(['not-classifiable', 'missing-follow-up', 'missing-follow-up', 'not-classifiable']);
    expect(res.diagnostics.find((d) => d.code === 'not-classifiable')!.severity).toBe('error');
    expect(res.counts[0]!.notClassifiable).toBe(2);
  });
});

describe('cut-offs, comparison, ordinal and NNT: bad input', () => {
  it('clinicalCutoff names the missing or implausible norm', () => {
    expect(argErr(() => clinicalCutoff('a', {}, 'higher-better')).argument).toBe('norms.clinical');
    expect(argErr(() => clinicalCutoff('b', { functional: { mean: 60, sd: Number.NaN } }, 'higher-better')).argument).toBe('norms.functional.sd');
    const wrongSide = argErr(() => clinicalCutoff('c', { clinical: { mean: 60, sd: 5 }, functional: { mean: 40, sd: 5 } }, 'higher-better'));
    expect([wrongSide.argument, wrongSide.value]).toEqual(['norms.functional.mean', 40]);
    expect(argErr(() => clinicalCutoff('c', { clinical: { mean: 60, sd: 5 }, functional: { mean: 40, sd: 5 } }, 'up' as never)).argument).toBe('direction');
  });

  it('compareClinicalSignificance needs two arms and a known reference', () => {
    const one = clinicalSignificance(ok, base);
    expect(argErr(() => compareClinicalSignificance(one)).argument).toBe('result');
    const two = clinicalSignificance({ ...ok, arm: ['a', 'b', 'a', 'b', 'a'] }, base);
    expect(argErr(() => compareClinicalSignificance(two, { reference: 'c' })).argument).toBe('options.reference');
    expect(argErr(() => compareClinicalSignificance(two, { ciLevel: 95 })).argument).toBe('options.ciLevel');
    expect(argErr(() => compareClinicalSignificance(two, { test: 'exact' as never })).argument).toBe('options.test');
    expect(argErr(() => compareClinicalSignificance({} as never)).argument).toBe('result');
  });

  it('an arm with nobody classified at a visit is skipped with a diagnostic', () => {
    const res = clinicalSignificance({ baseline: [40, 45, 50, 55], followUp: [42, null, 58, null], arm: ['a', 'b', 'a', 'b'] }, base);
    // Arms from plain arrays are in the rows' order: none is the reference until named.
    expect(argErr(() => compareClinicalSignificance(res)).argument).toBe('options.reference');
    expect(() => compareClinicalSignificance(res)).toThrow(/one of "a", "b"/);
    const cmp = compareClinicalSignificance(res, { reference: 'a' });
    expect(cmp.binary).toEqual([]);
    expect(cmp.diagnostics.map((d) => d.code)).toContain('empty-arm');
  });

  it('ordinal comparisons validate counts; separation is a diagnostic with an infinite odds ratio', () => {
    expect(argErr(() => proportionalOddsComparison([1, -2, 3], [1, 2, 3])).argument).toBe('reference[1]');
    expect(argErr(() => proportionalOddsComparison([1, 2, 3], [1, 2])).argument).toBe('treatment');
    expect(argErr(() => probabilityOfSuperiority([0, 0, 0], [1, 2, 3])).argument).toBe('reference');
    expect(argErr(() => probabilityOfSuperiority([1, 2], [1, 2], { ciLevel: 1 })).argument).toBe('ciLevel');
    const sep = proportionalOddsComparison([4, 3, 0, 0], [0, 2, 5, 1]);
    expect(sep.estimate).toBe(Infinity);
    expect(sep.diagnostics.map((d) => d.code)).toContain('separation');
    expect(proportionalOddsComparison([0, 0, 4, 3], [5, 1, 0, 0]).estimate).toBe(0);
    expect(probabilityOfSuperiority([4, 3, 0, 0], [0, 0, 5, 1]).estimate).toBe(1);
  });

  it('numberNeededToTreat rejects an interval that does not contain the estimate', () => {
    expect(argErr(() => numberNeededToTreat({ estimate: 0.3, ci: [0.1, 0.2], ciLevel: 0.95 })).argument).toBe('rd.ci');
    expect(argErr(() => numberNeededToTreat({ estimate: 1.3, ci: [0.1, 0.2], ciLevel: 0.95 })).argument).toBe('rd.estimate');
    expect(argErr(() => numberNeededToTreat({ estimate: 0.1, ci: [0, 0.2], ciLevel: 0.95 }, { event: 'good' as never })).argument).toBe('event');
  });
});
