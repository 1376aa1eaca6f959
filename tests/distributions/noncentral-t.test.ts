import { describe, expect, it } from 'vitest';
import { noncentralTCdf, noncentralTNcpInterval, normalCdf, studentTCdf } from '../../src/distributions/index.js';
import { describeWorst, distributionsFixture, num, relErr, worstError, type Row } from './fixture.js';

const fx = distributionsFixture();

describe('noncentralTCdf against R pt(t, df, ncp)', () => {
  it('absolute error ≤ 1e-12 on both tails over 336 grid points (AS 243 is itself accurate to ~1e-12 absolute)', () => {
    const lower = worstError(fx.pnt as Row[], (r) => noncentralTCdf(num(r.t), num(r.df), num(r.ncp)), (r) => num(r.lower), (a, b) => Math.abs(a - b));
    const upper = worstError(
      fx.pnt as Row[],
      (r) => noncentralTCdf(num(r.t), num(r.df), num(r.ncp), { lowerTail: false }),
      (r) => num(r.upper),
      (a, b) => Math.abs(a - b),
    );
    expect(lower.count).toBe(336);
    expect(lower.error, describeWorst(lower)).toBeLessThan(1e-12);
    expect(upper.error, describeWorst(upper)).toBeLessThan(1e-12);
  });

  it('relative error ≤ 1e-9 wherever R’s value is ≥ 1e-3 (where AS 243 is used by both)', () => {
    for (const [key, lowerTail] of [['lower', true], ['upper', false]] as const) {
      const w = worstError(
        fx.pnt as Row[],
        (r) => noncentralTCdf(num(r.t), num(r.df), num(r.ncp), { lowerTail }),
        (r) => num(r[key]),
        relErr,
        (r) => num(r[key]) >= 1e-3,
      );
      expect(w.count).toBeGreaterThan(150);
      expect(w.error, describeWorst(w)).toBeLessThan(1e-9);
    }
  });

  it('tails below 1e-3 and |ncp| > 37.62 agree with an independent quadrature in R to 1e-11 (log scale), where pt() does not', () => {
    const rows = fx.pntTail as Row[];
    const w = worstError(
      rows,
      (r) => noncentralTCdf(num(r.t), num(r.df), num(r.ncp), { lowerTail: r.lowerTail as boolean, log: true }),
      (r) => num(r.logValue),
      (a, b) => Math.abs(a - b) / Math.max(1, Math.abs(b)),
    );
    expect(w.count).toBeGreaterThan(150);
    expect(w.error, describeWorst(w)).toBeLessThan(1e-11);
    // R's own pt is off by more than 1e-6 on the log scale for some of these rows: the point of the quadrature.
    const rWorst = Math.max(...rows.map((r) => Math.abs(num(r.rValue) - num(r.logValue)) / Math.max(1, Math.abs(num(r.logValue)))));
    expect(rWorst).toBeGreaterThan(1e-3);
  });

  it('where (ν/(ν + t²))^(ν/2) underflows, R’s pt() is wrong by 2.6e-4 and ours agrees with the quadrature reference to 1e-12', () => {
    const r = (fx.pntUnderflow as Row[])[0] as Row;
    const ours = noncentralTCdf(num(r.t), num(r.df), num(r.ncp));
    const reference = Math.exp(num(r.logValue));
    expect(Math.abs(ours - reference)).toBeLessThan(1e-12);
    expect(Math.abs(Math.exp(num(r.rValue)) - reference)).toBeGreaterThan(1e-4);
  });

  it('the quadrature reference itself agrees with pt() in the body (sanity of the reference)', () => {
    const w = worstError(fx.pntBody as Row[], (r) => num(r.rValue), (r) => num(r.logValue), (a, b) => Math.abs(a - b));
    expect(w.error).toBeLessThan(2e-12);
  });

  it('special cases: ncp = 0 is the central t, df = Infinity is a shifted normal, both tails sum to 1', () => {
    expect(noncentralTCdf(1.7, 8.5, 0)).toBe(studentTCdf(1.7, 8.5));
    expect(noncentralTCdf(1.7, Number.POSITIVE_INFINITY, 0.4)).toBe(normalCdf(1.3));
    const lo = noncentralTCdf(2.2, 13.42, 1.5);
    const up = noncentralTCdf(2.2, 13.42, 1.5, { lowerTail: false });
    expect(Math.abs(lo + up - 1)).toBeLessThan(1e-15);
    expect(noncentralTCdf(Number.NEGATIVE_INFINITY, 5, 2)).toBe(0);
  });
});

describe('noncentralTNcpInterval against uniroot on pt(t, df, ncp) in R', () => {
  it('both limits agree to 1e-12 relative for 14 (t, df, level) cases, including t = 0 and non-integer df', () => {
    const rows = fx.ncpInterval as Row[];
    const lo = worstError(rows, (r) => noncentralTNcpInterval(num(r.t), num(r.df), { ciLevel: num(r.ciLevel) })[0], (r) => num(r.lower));
    const hi = worstError(rows, (r) => noncentralTNcpInterval(num(r.t), num(r.df), { ciLevel: num(r.ciLevel) })[1], (r) => num(r.upper));
    expect(lo.count).toBe(14);
    expect(lo.error, describeWorst(lo)).toBeLessThan(1e-12);
    expect(hi.error, describeWorst(hi)).toBeLessThan(1e-12);
  });

  it('the limits are the pivots: P(T ≤ t | lower) = 1 − α/2 and P(T ≤ t | upper) = α/2', () => {
    const [lo, hi] = noncentralTNcpInterval(2, 18);
    expect(noncentralTCdf(2, 18, lo)).toBeCloseTo(0.975, 12);
    expect(noncentralTCdf(2, 18, hi)).toBeCloseTo(0.025, 12);
    // Antisymmetry in t.
    const [nlo, nhi] = noncentralTNcpInterval(-2, 18);
    expect(nlo).toBeCloseTo(-hi, 11);
    expect(nhi).toBeCloseTo(-lo, 11);
  });
});
