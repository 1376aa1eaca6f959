import { describe, expect, it } from 'vitest';
import { pairedD, pairedG, type PairedType } from '../../src/effect-size/index.js';
import { loadFixture, num, relErr } from '../distributions/fixture.js';
import { argumentErrorOf } from '../errors/helpers.js';

interface Est {
  estimate: number;
  ci: (number | string)[];
  se?: number;
  standardizer?: number;
}
interface PairedRow {
  data: string;
  x: number[];
  y: number[];
  ciLevel: number;
  cohensDPaired: Est & { call: string };
  hedgesGPaired: Est & { call: string };
  [key: string]: unknown;
}
const fx = loadFixture<{ paired: PairedRow[]; pairedOneSided: Record<'less' | 'greater' | 'mu', Est> }>('effect-size/effect-size.json');
const err = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(1, Math.abs(b)));

describe('paired effect sizes agree with R (sleep, ChickWeight, a seeded pre/post sample; 95 % and 90 %)', () => {
  it("d_z and its Hedges-corrected version equal effectsize's cohens_d / hedges_g (paired = TRUE): estimate 1e-13, CI 1e-5", () => {
    for (const r of fx.paired) {
      const d = pairedD(r.x, r.y, { ciLevel: r.ciLevel });
      const g = pairedG(r.x, r.y, { ciLevel: r.ciLevel });
      expect(relErr(d.estimate, r.cohensDPaired.estimate), r.data).toBeLessThan(1e-13);
      expect(relErr(g.estimate, r.hedgesGPaired.estimate), r.data).toBeLessThan(1e-13);
      d.ci.forEach((v, i) => expect(err(v, num(r.cohensDPaired.ci[i])), r.cohensDPaired.call).toBeLessThan(1e-5));
      g.ci.forEach((v, i) => expect(err(v, num(r.hedgesGPaired.ci[i])), r.hedgesGPaired.call).toBeLessThan(1e-5));
      expect(d.ciMethod).toBe('noncentral-t');
      expect(d.df).toBe(r.x.length - 1);
    }
  });

  for (const type of ['z', 'rm', 'av'] as PairedType[]) {
    it(`d_${type}: normal interval as repeated_measures_d (effectsize ≥ 0.8.7), with and without Hedges' J, to 1e-13`, () => {
      for (const r of fx.paired) {
        for (const adjusted of [false, true]) {
          const ref = r[`normal_${type}${adjusted ? 'Adjusted' : ''}`] as Est;
          const res = (adjusted ? pairedG : pairedD)(r.x, r.y, { type, ciLevel: r.ciLevel, ciMethod: 'normal' });
          expect(relErr(res.estimate, ref.estimate), `${r.data} ${type}`).toBeLessThan(1e-13);
          res.ci.forEach((v, i) => expect(err(v, num(ref.ci[i])), `${r.data} ${type} ci`).toBeLessThan(1e-13));
          expect(relErr(res.se as number, ref.se as number)).toBeLessThan(1e-13);
          expect(relErr(res.standardizer, ref.standardizer as number)).toBeLessThan(1e-13);
        }
      }
    });
    it(`d_${type}: noncentral-t interval (exact d_z interval rescaled) against uniroot in R, to 1e-11`, () => {
      for (const r of fx.paired) {
        for (const adjusted of [false, true]) {
          const ref = r[`ncp_${type}${adjusted ? 'Adjusted' : ''}`] as Est;
          const res = (adjusted ? pairedG : pairedD)(r.x, r.y, { type, ciLevel: r.ciLevel, ciMethod: 'noncentral-t' });
          expect(relErr(res.estimate, ref.estimate)).toBeLessThan(1e-13);
          res.ci.forEach((v, i) => expect(err(v, num(ref.ci[i])), `${r.data} ${type} ncp`).toBeLessThan(1e-11));
        }
      }
    });
  }

  it('defaults follow effectsize: noncentral t for d_z, normal for d_rm and d_av', () => {
    const r = fx.paired[0] as PairedRow;
    expect(pairedD(r.x, r.y).ciMethod).toBe('noncentral-t');
    expect(pairedD(r.x, r.y, { type: 'rm' }).ciMethod).toBe('normal');
    expect(pairedD(r.x, r.y, { type: 'av' }).ciMethod).toBe('normal');
    expect(pairedG(r.x, r.y).correction.type).toBe('exact');
    expect(pairedD(r.x, r.y).estimate).toBeCloseTo(1.2845575625910546, 14);
    expect(pairedG(r.x, r.y).estimate).toBeCloseTo(1.173924903514205, 14);
  });

  it('one-sided intervals and mu', () => {
    const r = fx.paired[0] as PairedRow;
    const less = pairedG(r.x, r.y, { type: 'rm', alternative: 'less' });
    expect(less.ci[0]).toBe(Number.NEGATIVE_INFINITY);
    expect(err(less.ci[1], num(fx.pairedOneSided.less.ci[1]))).toBeLessThan(1e-13);
    const greater = pairedD(r.x, r.y, { type: 'av', alternative: 'greater' });
    expect(greater.ci[1]).toBe(Number.POSITIVE_INFINITY);
    expect(err(greater.ci[0], num(fx.pairedOneSided.greater.ci[0]))).toBeLessThan(1e-13);
    const mu = pairedD(r.x, r.y, { mu: 0.5, ciMethod: 'normal' });
    expect(relErr(mu.estimate, fx.pairedOneSided.mu.estimate)).toBeLessThan(1e-13);
    mu.ci.forEach((v, i) => expect(err(v, num(fx.pairedOneSided.mu.ci[i]))).toBeLessThan(1e-13));
  });
});

describe('paired properties', () => {
  const pre = [20.1, 18.4, 25.3, 22.0, 19.7, 24.8, 21.2, 23.3, 17.9, 20.6];
  const post = [22.4, 19.0, 27.9, 23.1, 22.5, 25.0, 24.6, 24.1, 18.8, 23.9];
  it('swapping x and y flips the sign and mirrors the CI for every type and interval method', () => {
    for (const type of ['z', 'rm', 'av'] as PairedType[]) {
      for (const ciMethod of ['noncentral-t', 'normal'] as const) {
        const a = pairedD(post, pre, { type, ciMethod });
        const b = pairedD(pre, post, { type, ciMethod });
        expect(b.estimate).toBeCloseTo(-a.estimate, 13);
        expect(b.ci[0]).toBeCloseTo(-a.ci[1], 10);
        expect(b.ci[1]).toBeCloseTo(-a.ci[0], 10);
      }
    }
  });
  it('rescaling the outcome leaves every paired d unchanged', () => {
    for (const type of ['z', 'rm', 'av'] as PairedType[]) {
      const a = pairedD(post, pre, { type });
      const b = pairedD(
        post.map((v) => 0.1 * v + 3),
        pre.map((v) => 0.1 * v + 3),
        { type },
      );
      expect(b.estimate).toBeCloseTo(a.estimate, 12);
      expect(b.ci[0]).toBeCloseTo(a.ci[0], 10);
    }
  });
  it('d_rm equals d_z·√(2(1 − r))', () => {
    const z = pairedD(post, pre);
    const rm = pairedD(post, pre, { type: 'rm' });
    const mx = post.reduce((a, b) => a + b, 0) / post.length;
    const my = pre.reduce((a, b) => a + b, 0) / pre.length;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    post.forEach((v, i) => {
      sxy += (v - mx) * ((pre[i] as number) - my);
      sxx += (v - mx) ** 2;
      syy += ((pre[i] as number) - my) ** 2;
    });
    const r = sxy / Math.sqrt(sxx * syy);
    expect(rm.estimate).toBeCloseTo(z.estimate * Math.sqrt(2 * (1 - r)), 13);
  });
});

describe('paired bad input', () => {
  const argOf = argumentErrorOf;
  it('arrays of different length name y and its value', () => {
    const e = argOf(() => pairedD([1, 2, 3], [1, 2]));
    expect(e.argument).toBe('y');
    expect(e.value).toEqual([1, 2]);
    expect(e.message).toMatch(/same length as x \(3 values\)/);
  });
  it('constant differences, constant arm for d_rm, too few pairs for Hedges', () => {
    expect(argOf(() => pairedD([1, 2, 3], [0, 1, 2])).message).toMatch(/differences x − y/);
    expect(argOf(() => pairedD([1, 2, 4], [5, 5, 5], { type: 'rm' })).argument).toBe('y');
    expect(argOf(() => pairedD([1, 2, 4], [2, 4, 8], { type: 'rm' })).message).toMatch(/r = 1/);
    expect(argOf(() => pairedG([1, 3], [2, 2.5])).message).toMatch(/at least 3 pairs/);
    expect(argOf(() => pairedD([1], [2])).argument).toBe('x');
    expect(argOf(() => pairedD([1, 2, Number.NaN], [1, 2, 3])).argument).toBe('x[2]');
    expect(argOf(() => pairedD([1, 2, 3], [1, 2, 5], { type: 'dz' as PairedType })).argument).toBe('type');
  });
});
