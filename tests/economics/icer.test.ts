import { describe, expect, it } from 'vitest';
import { acceptabilityCurve, icer, netMonetaryBenefit } from '../../src/economics/index.js';
import { ArgumentError } from '../../src/errors/index.js';
import { thrown } from './helpers.js';

describe('icer: quadrant logic', () => {
  it('NE: more effective, more costly → trade-off with a positive ICER (doc example)', () => {
    const r = icer(20000, 2);
    expect(r.quadrant).toBe('trade-off-NE');
    expect(r.estimate).toBe(10000);
    expect(r.onAxis).toBe(false);
    expect(r.interpretation).toContain('at least');
  });
  it('SE: more effective, less costly → dominant (doc example)', () => {
    const r = icer(-5000, 1);
    expect(r.quadrant).toBe('dominant');
    expect(r.estimate).toBe(-5000);
    expect(r.interpretation).toContain('not interpreted');
  });
  it('NW: less effective, more costly → dominated', () => {
    expect(icer(3000, -0.5).quadrant).toBe('dominated');
  });
  it('SW: less effective, less costly → trade-off with ICER = saving per unit given up', () => {
    const r = icer(-6000, -2);
    expect(r.quadrant).toBe('trade-off-SW');
    expect(r.estimate).toBe(3000);
    expect(r.interpretation).toContain('at most');
  });
  it('points on the axes are weak dominance, and the origin is undefined', () => {
    expect(icer(0, 1)).toMatchObject({ quadrant: 'dominant', onAxis: true, estimate: 0 });
    expect(icer(-1, 0)).toMatchObject({ quadrant: 'dominant', onAxis: true, estimate: null });
    expect(icer(1, 0)).toMatchObject({ quadrant: 'dominated', onAxis: true, estimate: null });
    expect(icer(0, -1)).toMatchObject({ quadrant: 'dominated', onAxis: true });
    expect(icer(0, 0)).toMatchObject({ quadrant: 'undefined', estimate: null });
  });
  it('the quadrant agrees with the sign of net benefit at every λ in the unambiguous quadrants', () => {
    const lambdas = [0, 1000, 1e6];
    expect(netMonetaryBenefit(-5000, 1, lambdas).every((x) => x > 0)).toBe(true);
    expect(netMonetaryBenefit(3000, -0.5, lambdas).every((x) => x < 0)).toBe(true);
  });
  it('non-finite increments → ArgumentError', () => {
    expect((thrown(() => icer(Number.NaN, 1)) as ArgumentError).argument).toBe('deltaCost');
    expect((thrown(() => icer(1, Infinity)) as ArgumentError).argument).toBe('deltaEffect');
  });
});

describe('netMonetaryBenefit and acceptabilityCurve', () => {
  it('INB = λΔE − ΔC (doc example)', () => {
    expect(netMonetaryBenefit(20000, 2, [0, 10000, 20000])).toEqual([-20000, 0, 20000]);
  });
  it('CEAC counts replicates with positive net benefit; ties are not cost-effective (doc example)', () => {
    const c = acceptabilityCurve([100, -50, 200, 300], [1, 1, -1, 2], [0, 150, 1e9]);
    expect(c.probability).toEqual([0.25, 0.5, 0.75]);
    expect(c.probabilityCostSaving).toBe(0.25);
    expect(c.probabilityEffectPositive).toBe(0.75);
  });
  it('skips non-finite replicate pairs', () => {
    const c = acceptabilityCurve([100, Number.NaN, -1], [1, 1, 1], [0]);
    expect(c.replicates).toBe(2);
    expect(c.probability).toEqual([0.5]);
  });
  it('a grid that is not strictly increasing, or negative, → ArgumentError naming the element', () => {
    const e = thrown(() => acceptabilityCurve([1], [1], [0, 5, 5])) as ArgumentError;
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.argument).toBe('wtp[2]');
    expect(e.value).toBe(5);
    expect((thrown(() => netMonetaryBenefit(1, 1, [0, -3])) as ArgumentError).argument).toBe('wtp[1]');
    expect((thrown(() => netMonetaryBenefit(1, 1, [])) as ArgumentError).argument).toBe('wtp');
  });
  it('mismatched replicate arrays → ArgumentError', () => {
    expect((thrown(() => acceptabilityCurve([1, 2], [1], [0])) as ArgumentError).argument).toBe('deltaEffects');
  });
});
