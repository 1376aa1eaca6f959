/** The @example blocks of the dose–response, IV and spline functions, run on the data they quote. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateTrial } from '../../src/data/validate.js';
import { attendanceEffects } from '../../src/dose-response/attendance-effects.js';
import { defaultAttendanceBands } from '../../src/dose-response/bands.js';
import { doseResponse } from '../../src/dose-response/dose-response.js';
import { twoStageLeastSquares } from '../../src/dose-response/two-stage-least-squares.js';
import { naturalSpline } from '../../src/splines/natural-spline.js';
import { splineDesign } from '../../src/splines/spline-design.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/r/dose-response/dose-response.json', import.meta.url), 'utf8'));
const ivfx = JSON.parse(readFileSync(new URL('../fixtures/r/dose-response/iv.json', import.meta.url), 'utf8'));
const rowsOf = (t: Record<string, unknown[]>) => t[Object.keys(t)[0]!]!.map((_, i) => Object.fromEntries(Object.keys(t).map((k) => [k, t[k]![i]])));
const trial = validateTrial(
  { participants: rowsOf(fx.participants), measurements: rowsOf(fx.measurements) },
  { design: { arms: ['control', 'SFT'], visits: ['baseline', '9m'], instruments: ['PSP'], ungroupedArms: ['control'] } },
);

describe('examples', () => {
  it('doseResponse', () => {
    const dr = doseResponse(trial, { instrument: 'PSP', visit: '9m' });
    expect(dr.slope![0]).toMatchObject({ per: 1, unit: 'session' });
    expect(dr.slope![0]!.estimate).toBeCloseTo(0.18185, 5);
    expect(dr.slope![0]!.se).toBeCloseTo(0.09685, 5);
    expect(dr.slope![0]!.df).toBeCloseTo(11.0588, 4);
    expect(dr.exploratory).toBe(true);
    expect(doseResponse(trial, { instrument: 'PSP', visit: '9m', form: 'spline' }).spline!.knots).toEqual([25, 32]);
  });

  it('attendanceEffects', () => {
    const res = attendanceEffects(trial, { instrument: 'PSP', visit: '9m', atLeast: [1, 18] });
    expect(res.itt.estimate).toBeCloseTo(5.3455, 4);
    expect(res.perSession.estimate).toBeCloseTo(0.21537, 5);
    expect(res.cace[1]!.estimand).toMatch(/^the average effect on PSP at 9m \(adjusted for baseline\) among participants who would attend at least 18 sessions if offered SFT/);
  });

  it('twoStageLeastSquares', () => {
    const iv = twoStageLeastSquares(ivfx.data.columns, { outcome: 'y', endogenous: ['sessions'], instruments: ['z'], covariates: ['x'], vcov: 'CR2', cluster: 'cluster' });
    expect(iv.coefficients[1]!.term).toBe('sessions');
    expect(iv.coefficients[1]!.estimate).toBeCloseTo(0.1389, 4);
    expect(iv.coefficients[1]!.se).toBeCloseTo(0.055306, 6);
    expect(iv.coefficients[1]!.df).toBeCloseTo(37.218, 3);
    expect(iv.firstStage[0]!.classical.statistic).toBeCloseTo(1076.56, 2);
  });

  it('naturalSpline, splineDesign, defaultAttendanceBands', () => {
    const b = naturalSpline([0, 3, 9, 12, 20, 24, 30, 33, 36], { df: 3 });
    expect(b.knots).toEqual([11, 26]);
    expect(b.basis[4]![0]).toBeCloseTo(0.42615715, 8);
    expect(b.basis[4]![1]).toBeCloseTo(0.41500723, 8);
    expect(b.basis[4]![2]).toBeCloseTo(-0.24089088, 8);
    const out = b.evaluate([40])[0]!;
    expect(out[0]).toBeCloseTo(-0.4974359, 7);
    expect(out[1]).toBeCloseTo(0.54102564, 7);
    expect(out[2]).toBeCloseTo(0.95641026, 7);
    expect(splineDesign([0, 0, 0, 0, 1, 1, 1, 1], [0.5])).toEqual([[0.125, 0.375, 0.375, 0.125]]);
    expect(defaultAttendanceBands(36).map((x) => x.label)).toEqual(['0–8', '9–17', '18–26', '27–36']);
  });
});
