/**
 * Published numbers and hand-checkable worked examples for the reliable change methods and cut-offs.
 * Where each number comes from is said next to it.
 */
import { describe, expect, it } from 'vitest';
import { clinicalCutoff } from '../../src/clinical-significance/cutoff.js';
import { clinicalSignificance } from '../../src/clinical-significance/clinical-significance.js';
import { numberNeededToTreat } from '../../src/clinical-significance/nnt.js';
import { RCI_METHODS } from '../../src/clinical-significance/methods.js';
import { normalQuantile } from '../../src/distributions/index.js';
import { relErr } from './fixture.js';

describe('Jacobson–Truax reliable change', () => {
  it('reproduces CECPfuns’ published test value: SD 7.5, reliability .8, 95 % → minimum reliable change 9.296925484568419', () => {
    // CECPfuns (Evans), tests/testthat/test-getRCIfromSDandAlpha.R: getRCIfromSDandAlpha(7.5, .8, conf = .95)
    // = qnorm(.975) · √2 · 7.5 · √(1 − .8) = 9.296925484568419051357.
    const res = clinicalSignificance(
      { baseline: [40, 50, 60], followUp: [41, 52, 58] },
      { reliability: 0.8, direction: 'lower-better', baselineSd: 7.5, criticalValue: normalQuantile(0.975), cutoff: 'none' },
    );
    expect(relErr(res.parameters[0]!.minimumChange!, 9.296925484568419)).toBeLessThan(1e-15);
    // Jacobson & Truax's own criterion 1.96 (not qnorm(.975) = 1.959964…) is the default.
    const jt = clinicalSignificance({ baseline: [40, 50, 60], followUp: [41, 52, 58] }, { reliability: 0.8, direction: 'lower-better', baselineSd: 7.5, cutoff: 'none' });
    expect(jt.parameters[0]!.minimumChange).toBeCloseTo(1.96 * Math.SQRT2 * 7.5 * Math.sqrt(0.2), 14);
    expect(jt.parameters[0]!.se).toBeCloseTo(Math.sqrt(2 * (7.5 * Math.sqrt(0.2)) ** 2), 14); // S_diff = √(2·SE²)
  });

  it('a change exactly at the threshold is not reliable; one point more is (hand example: s_x = √10, r = .8 → S_diff = 2, threshold 3.92)', () => {
    const res = clinicalSignificance(
      { baseline: [10, 12, 14, 16, 18], followUp: [13.92, 16, 10.0799, 19.9201, 18] },
      { reliability: 0.8, direction: 'higher-better', cutoff: 'none' },
    );
    expect(res.parameters[0]!.se).toBeCloseTo(2, 14);
    expect(res.rows.map((r) => r.category)).toEqual(['unchanged', 'improved', 'deteriorated', 'improved', 'unchanged']);
    expect(res.rows.map((r) => r.rci)).toEqual([1.96, 2, -1.96005, 1.96005, 0].map((v) => expect.closeTo(v, 12) as unknown as number));
  });
});

describe('Edwards–Nunnally: Dudek’s (1979) true-score example', () => {
  it('mean 500, SD 100, r .9, observed 700 → estimated true score 680 (Dudek 1979, as in R psychometric::CI.tscore); reliable change outside 680 ± 2·100·√.1', () => {
    const band = 2 * 100 * Math.sqrt(0.1); // 63.2456: Speer's ±2 standard errors of measurement
    // Baselines with mean 500 (Dudek's population mean); three people at 700 end just inside, just above and just below the band.
    const res = clinicalSignificance(
      { baseline: [300, 700, 700, 700, 300, 300], followUp: [300, 680 + band - 1e-6, 680 + band + 1e-6, 680 - band - 1e-6, 300, 300] },
      { reliability: 0.9, direction: 'higher-better', method: 'edwards-nunnally', baselineSd: 100, cutoff: 'none' },
    );
    const p = res.parameters[0]!;
    expect(p.baselineMean).toBe(500);
    expect(p.se).toBeCloseTo(100 * Math.sqrt(0.1), 12);
    const r = res.rows[1]!;
    expect(r.followUp! - r.rci! * p.se).toBeCloseTo(680, 10); // the estimated true score
    expect(r.rci!).toBeCloseTo(2, 6);
    expect(res.rows.slice(1, 4).map((x) => x.category)).toEqual(['unchanged', 'improved', 'deteriorated']);
    // People at 300 who stay at 300 are 20 points below their estimated true score 320: not reliable (se 31.6).
    expect(res.rows[0]!.rci!).toBeCloseTo(-20 / (100 * Math.sqrt(0.1)), 12);
  });
});

describe('Gulliksen–Lord–Novick and Hageman–Arrindell: hand-computed', () => {
  it('GLN: standard error of prediction s·√(1 − r²) and the regression-to-the-mean numerator', () => {
    // Baselines 40, 50, 60: mean 50, SD 10; r = .75 → se = 10·√(1 − .5625) = 6.6144; participant 3: (70 − 50 − .75·10)/se.
    const res = clinicalSignificance({ baseline: [40, 50, 60], followUp: [40, 50, 75] }, { reliability: 0.75, direction: 'higher-better', method: 'gulliksen-lord-novick', cutoff: 'none', baselineSd: 'total' });
    expect(res.parameters[0]!.se).toBeCloseTo(10 * Math.sqrt(1 - 0.75 ** 2), 13);
    expect(res.rows[2]!.rci).toBeCloseTo(17.5 / (10 * Math.sqrt(0.4375)), 13); // (75 − 50 − .75·10)/6.614 = 2.65
    expect(res.rows[2]!.category).toBe('improved');
    // Regression to the mean: 40 is expected to move up to 42.5, so staying at 40 gives a negative index.
    expect(res.rows[0]!.rci).toBeCloseTo(-2.5 / (10 * Math.sqrt(0.4375)), 13);
  });

  it('HA: r_dd from the pre/post SDs and correlation, and the group-mean term', () => {
    // Pre 10, 20, 30, 40; post 25, 18, 45, 33: M_x 25, M_y 30.25, s_x 12.91, s_y 11.59, r_xy 0.568.
    const x = [10, 20, 30, 40];
    const y = [25, 18, 45, 33];
    const r = 0.9;
    const res = clinicalSignificance({ baseline: x, followUp: y }, { reliability: r, direction: 'higher-better', method: 'hageman-arrindell', cutoff: 'none', baselineSd: 'total' });
    const mean = (v: number[]) => v.reduce((s, a) => s + a, 0) / v.length;
    const mx = mean(x);
    const my = mean(y);
    const sx = Math.sqrt(x.reduce((s, a) => s + (a - mx) ** 2, 0) / 3);
    const sy = Math.sqrt(y.reduce((s, a) => s + (a - my) ** 2, 0) / 3);
    const rxy = x.reduce((s, a, i) => s + (a - mx) * (y[i]! - my), 0) / 3 / (sx * sy);
    const se2 = sx * sx * (1 - r);
    const ryy = 1 - se2 / (sy * sy);
    const rdd = (sx * sx * r + sy * sy * ryy - 2 * sx * sy * rxy) / (sx * sx + sy * sy - 2 * sx * sy * rxy);
    const p = res.parameters[0]!;
    expect(p.differenceReliability).toBeCloseTo(rdd, 13);
    expect(p.correlation).toBeCloseTo(rxy, 13);
    expect(res.rows[3]!.rci).toBeCloseTo(((33 - 40) * rdd + (my - mx) * (1 - rdd)) / Math.sqrt(2 * rdd * se2), 12);
    expect(res.criticalValue).toBe(1.65);
  });

  it('the published critical values are the defaults and are named', () => {
    expect(Object.fromEntries(Object.entries(RCI_METHODS).map(([k, v]) => [k, v.criticalValue]))).toEqual({
      'jacobson-truax': 1.96,
      'gulliksen-lord-novick': 1.96,
      'edwards-nunnally': 2,
      'hageman-arrindell': 1.65,
    });
    for (const info of Object.values(RCI_METHODS)) expect(info.reference).toMatch(/\(19\d\d\)/);
  });
});

describe('cut-offs a, b, c on the Dyadic Adjustment Scale norms of Spanier (1976)', () => {
  // Spanier (1976), J. Marriage and the Family 38, 15–28: total DAS, married sample mean 114.8
  // (SD 17.8), divorced sample mean 70.7 (SD 23.8); higher is better. The cut-offs follow from
  // Jacobson & Truax's (1991) formulas applied to these published norms.
  const norms = { clinical: { mean: 70.7, sd: 23.8 }, functional: { mean: 114.8, sd: 17.8 } };
  it('a = 70.7 + 2·23.8 = 118.3, b = 114.8 − 2·17.8 = 79.2, c = (17.8·70.7 + 23.8·114.8)/41.6 = 95.9303', () => {
    expect(clinicalCutoff('a', norms, 'higher-better').value).toBeCloseTo(118.3, 12);
    expect(clinicalCutoff('b', norms, 'higher-better').value).toBeCloseTo(79.2, 12);
    expect(clinicalCutoff('c', norms, 'higher-better').value).toBeCloseTo(3990.7 / 41.6, 12);
    expect(clinicalCutoff('c', norms, 'higher-better').formula).toBe('c = (s_f·M_c + s_c·M_f)/(s_f + s_c) = (17.8·70.7 + 23.8·114.8)/(17.8 + 23.8) = 95.93028846');
  });

  it('c lies where the two populations are equally many SDs away: (c − M_c)/s_c = (M_f − c)/s_f; lower-better mirrors a and b', () => {
    const c = clinicalCutoff('c', norms, 'higher-better').value;
    expect((c - 70.7) / 23.8).toBeCloseTo((114.8 - c) / 17.8, 12);
    const lb = { clinical: { mean: 30, sd: 7 }, functional: { mean: 10, sd: 7 } }; // clinicalsignificance's vignette depression example
    expect(clinicalCutoff('a', lb, 'lower-better').value).toBe(16);
    expect(clinicalCutoff('b', lb, 'lower-better').value).toBe(24);
    expect(clinicalCutoff('c', lb, 'lower-better').value).toBe(20);
  });
});

describe('number needed to treat (Altman 1998)', () => {
  it('an RD interval on one side of 0 inverts to a finite NNTB or NNTH interval', () => {
    const b = numberNeededToTreat({ estimate: 0.2, ci: [0.1, 0.25], ciLevel: 0.95, n: 200 });
    expect(b).toMatchObject({ estimate: 5, kind: 'benefit', ciIncludesInfinity: false, ci: { nntb: [4, 10], nnth: null }, ciText: 'NNTB 4 to 10', n: 200 });
    const h = numberNeededToTreat({ estimate: -0.1, ci: [-0.2, -0.05], ciLevel: 0.95 });
    expect(h).toMatchObject({ estimate: 10, kind: 'harm', ci: { nntb: null, nnth: [5, 20] }, ciText: 'NNTH 5 to 20' });
  });

  it('an RD interval that crosses 0 gives NNTB … to ∞ to NNTH …, never the interval between the reciprocals', () => {
    const x = numberNeededToTreat({ estimate: 0.1, ci: [-0.05, 0.25], ciLevel: 0.95 });
    expect(x.ci).toEqual({ nntb: [4, Infinity], nnth: [20, Infinity] });
    expect(x.ciIncludesInfinity).toBe(true);
    expect(x.estimate).toBe(10);
    // The naive interval [1/U, 1/L] = [4, −20] would exclude the estimate 10.
    const edge = numberNeededToTreat({ estimate: 0.1, ci: [0, 0.2], ciLevel: 0.95 });
    expect(edge.ci).toEqual({ nntb: [5, Infinity], nnth: null });
    expect(edge.ciText).toBe('NNTB 5 to ∞');
  });

  it('a harmful event (e.g. deterioration) reverses the scales', () => {
    const x = numberNeededToTreat({ estimate: 0.1, ci: [0.05, 0.2], ciLevel: 0.9 }, { event: 'harm' });
    expect(x).toMatchObject({ kind: 'harm', ci: { nntb: null, nnth: [5, 20] }, ciLevel: 0.9 });
  });
});
