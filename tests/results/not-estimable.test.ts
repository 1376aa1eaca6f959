import { describe, expect, it } from 'vitest';
import { studentTQuantile } from '../../src/distributions/student-t.js';
import { notEstimableText } from '../../src/report/format.js';
import { checkResponseVaries, MIN_DF, notEstimable, NotEstimableError, requireEstimable, unreportableNumbers, waldRow, whyNotEstimable } from '../../src/results/not-estimable.js';

describe('the not-estimable convention', () => {
  it('waldRow: t statistic, two-sided p and t interval for an estimable quantity', () => {
    const r = waldRow(1, 0.5, 10, 0.95);
    const q = studentTQuantile(0.975, 10);
    expect(r).toMatchObject({ estimate: 1, se: 0.5, df: 10, statistic: 2, estimable: true, reason: null });
    expect(r.ci![0]).toBeCloseTo(1 - q * 0.5, 14);
    expect(r.ci![1]).toBeCloseTo(1 + q * 0.5, 14);
    // R: 2 * pt(-2, 10) = 0.07338803477074...
    expect(r.pValue).toBeCloseTo(0.0733880347707404, 12);
    expect(waldRow(1, 0.5, Infinity, 0.95).ci![1]).toBeCloseTo(1 + 1.959963984540054 * 0.5, 12);
  });

  it('waldRow: degenerate df, SE or estimate give null numbers and the reason, never ±1e308', () => {
    const tiny = waldRow(2.03, 8.1, 3.4e-9, 0.95);
    expect(tiny).toMatchObject({ estimate: 2.03, se: null, df: null, statistic: null, pValue: null, ci: null, estimable: false });
    expect(tiny.reason).toMatch(/degrees of freedom are numerically zero \(3\.4e-9\)/);
    expect(waldRow(1, NaN, 10, 0.95).reason).toMatch(/standard error is not finite/);
    expect(waldRow(1, Infinity, 10, 0.95).reason).toMatch(/standard error is not finite/);
    expect(waldRow(1, 0, 10, 0.95).reason).toMatch(/standard error is zero/);
    expect(waldRow(NaN, 1, 10, 0.95)).toMatchObject({ estimate: null, estimable: false });
    expect(waldRow(1, 1, NaN, 0.95).reason).toMatch(/undefined/);
    expect(waldRow(1, 1, 2 * MIN_DF, 0.95).reason).toMatch(/too few for a finite 95% interval/);
    expect(waldRow(1, 1, 0.01, 0.95).ci![1] / 6.364182e128).toBeCloseTo(1, 6); // R: qt(0.975, 0.01)
    // A reason given by the caller wins; the estimate is kept only when it and its SE are numbers.
    expect(waldRow(1, 1, 10, 0.95, 'one cluster')).toMatchObject({ estimate: 1, se: null, reason: 'one cluster', estimable: false });
    expect(waldRow(NaN, NaN, NaN, 0.95, 'an empty cell')).toMatchObject({ estimate: null, reason: 'an empty cell', estimable: false });
    // df just above the floor: the t quantile overflows, so the interval is not reported either.
    expect(waldRow(1, 1, 0.002, 0.95)).toMatchObject({ estimable: false, ci: null, reason: 'its degrees of freedom (0.0020) are too few for a finite 95% interval' });
    expect(waldRow(1, 1, 0.5, 0.95).estimable).toBe(true);
    expect(whyNotEstimable(2.03, 1.2, 40)).toBeNull();
  });

  it('notEstimable turns a would-be row into a not-estimable one, keeping labels', () => {
    expect(notEstimable({ term: 'armSFT', estimate: 2, se: 8, df: 3e-9, ci: [-1e308, 1e308] as [number, number], ciLevel: 0.95 }, 'one cluster', ['estimate'])).toEqual({
      term: 'armSFT',
      estimate: null,
      se: null,
      df: null,
      ci: null,
      ciLevel: 0.95,
      estimable: false,
      reason: 'one cluster',
    });
  });

  it('requireEstimable passes estimable rows and throws NotEstimableError with the reason otherwise', () => {
    const ok = waldRow(1, 0.5, 10, 0.95);
    expect(requireEstimable(ok, 'x').se).toBe(0.5);
    const bad = waldRow(1, 0.5, 1e-9, 0.95);
    expect(() => requireEstimable(bad, 'The arm coefficient')).toThrow(NotEstimableError);
    expect(() => requireEstimable(bad, 'The arm coefficient')).toThrow(/^The arm coefficient is not estimable: its degrees of freedom are numerically zero/);
    try {
      requireEstimable(bad, 'x');
    } catch (e) {
      expect((e as NotEstimableError).code).toBe('NOT_ESTIMABLE');
    }
  });

  it('unreportableNumbers finds NaN, ±Infinity and overflow anywhere, with their paths', () => {
    expect(unreportableNumbers({ a: [1, NaN], b: { c: 1e308, d: -Infinity, e: null, f: 'NaN' }, g: Float64Array.of(1, Infinity) })).toEqual(['a[1]', 'b.c', 'b.d', 'g[1]']);
    expect(unreportableNumbers({ a: 1e300, b: -1e300, c: [0, 5e-324] })).toEqual([]);
    const cyclic: Record<string, unknown> = { x: 1 };
    cyclic['self'] = cyclic;
    expect(unreportableNumbers(cyclic)).toEqual([]);
  });

  it('notEstimableText is the one wording of the report and the CLI', () => {
    expect(notEstimableText('an empty cell')).toBe('not estimable: an empty cell');
  });

  it('checkResponseVaries refuses a response with one value, naming it', () => {
    expect(() => checkResponseVaries(Float64Array.of(5, 5, 5), 'score')).toThrow(/"score" has the same value \(5\) in all 3 rows/);
    expect(() => checkResponseVaries(Float64Array.of(5, 5, 6), 'score')).not.toThrow();
  });
});
