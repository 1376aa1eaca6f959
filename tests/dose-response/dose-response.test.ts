/**
 * doseResponse and attendanceEffects: bad input (validation errors naming the row, the
 * control-attendance policy), empty bands reported as not estimable, the prediction grid, and
 * internal consistency (bands vs group means, the spline vs the linear form).
 */
import { describe, expect, it } from 'vitest';
import { attendanceEffects } from '../../src/dose-response/attendance-effects.js';
import { defaultAttendanceBands, resolveAttendanceBands } from '../../src/dose-response/bands.js';
import { doseResponse } from '../../src/dose-response/dose-response.js';
import { ArgumentError, ValidationError } from '../../src/errors/index.js';
import { smallTrial } from './helpers.js';
import { validationIssues } from '../thrown.js';

const base = { instrument: 'PSP', visit: '9m' } as const;

describe('bad attendance data', () => {
  it('names the row of a treated participant without attendance', () => {
    const trial = smallTrial({ attendance: (i) => (i === 7 ? null : 20) });
    const issues = validationIssues(() => doseResponse(trial, base));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ table: 'participants', row: 8, field: 'sessionsAttended', value: null });
    expect(issues[0]!.message).toMatch(/participants row 8, field "sessionsAttended".*"P008"/);
    // the causal analysis runs the same checks
    expect(() => attendanceEffects(trial, base)).toThrow(ValidationError);
  });

  it('names every row whose attendance exceeds the sessions offered', () => {
    const trial = smallTrial({
      edit: (ps) => {
        for (const p of ps) if (p['arm'] === 'SFT') p['sessions_offered'] = null;
        ps[2]!['sessions_attended'] = 38;
        ps[11]!['sessions_attended'] = 40;
      },
    });
    const issues = validationIssues(() => doseResponse(trial, { ...base, sessionsOffered: 36 }));
    expect(issues.map((i) => [i.row, i.field, i.value])).toEqual([
      [3, 'sessionsAttended', 38],
      [12, 'sessionsAttended', 40],
    ]);
    expect(issues[0]!.expected).toMatch(/at most the 36 sessions offered/);
  });

  it('requires sessions offered for treated participants, from the data or the options', () => {
    const trial = smallTrial({ edit: (ps) => (ps[0]!['sessions_offered'] = null) });
    const issues = validationIssues(() => doseResponse(trial, base));
    expect(issues[0]).toMatchObject({ row: 1, field: 'sessionsOffered' });
    expect(() => doseResponse(trial, { ...base, sessionsOffered: 36 })).not.toThrow();
  });

  it('warns by default about attendance recorded for controls, and stops with controlAttendance: "error"', () => {
    const trial = smallTrial({ edit: (ps) => (ps[45]!['sessions_attended'] = 3) });
    const dr = doseResponse(trial, base);
    const d = dr.diagnostics.find((x) => x.code === 'control-attendance');
    expect(d?.severity).toBe('warning');
    expect(d?.details).toEqual({ ids: ['P046'] });
    const issues = validationIssues(() => doseResponse(trial, { ...base, controlAttendance: 'error' }));
    expect(issues[0]).toMatchObject({ row: 46, field: 'sessionsAttended', value: 3 });
    // a recorded 0 is not attendance
    const zero = smallTrial({ edit: (ps) => (ps[45]!['sessions_attended'] = 0) });
    expect(doseResponse(zero, { ...base, controlAttendance: 'error' }).diagnostics.map((x) => x.code)).not.toContain('control-attendance');
  });

  it('uses recorded control attendance as the controls’ dose in the IV analysis', () => {
    const clean = attendanceEffects(smallTrial(), base);
    const contaminated = attendanceEffects(smallTrial({ edit: (ps) => (ps[45]!['sessions_attended'] = 30) }), base);
    expect(contaminated.itt.estimate).toBe(clean.itt.estimate);
    // more control attendance, smaller first-stage difference, larger per-session effect
    expect(contaminated.perSession.firstStage.coefficients[0]!.estimate).toBeLessThan(clean.perSession.firstStage.coefficients[0]!.estimate);
    expect(contaminated.diagnostics.map((d) => d.code)).toContain('control-attendance');
  });

  it('rejects unknown options with ArgumentError', () => {
    const trial = smallTrial();
    expect(() => doseResponse(trial, { ...base, visit: 'baseline' })).toThrow(/follow-up visit/);
    expect(() => doseResponse(trial, { ...base, covariates: ['shoeSize'] })).toThrow(ArgumentError);
    expect(() => doseResponse(trial, { ...base, covariates: ['baseline'] })).toThrow(/used by the analysis/);
    // Names of the columns the analyses build (outcome y, instrument z, spline basis): a covariate
    // of the same name would replace them silently (issue #10, names that break things).
    for (const c of ['y', 'z', 'attendance_ns2']) {
      expect(() => doseResponse(trial, { ...base, covariates: [c] }), c).toThrow(/used by the analysis/);
      expect(() => attendanceEffects(trial, { ...base, covariates: [c] }), c).toThrow(/used by the analysis/);
    }
    expect(() => doseResponse(trial, { ...base, form: 'cubic' as 'linear' })).toThrow(ArgumentError);
    expect(() => doseResponse(trial, { ...base, form: 'bands', bands: [{ min: 12, max: 20 }, { min: 21, max: 36 }] })).toThrow(/covering every attendance value.*attended/);
    expect(() => attendanceEffects(trial, { ...base, atLeast: [37] })).toThrow(/nobody attended 37/);
  });
});

describe('bands', () => {
  it('default to quarters of the course', () => {
    expect(defaultAttendanceBands(36).map((b) => [b.min, b.max])).toEqual([[0, 8], [9, 17], [18, 26], [27, 36]]);
    expect(defaultAttendanceBands(20).map((b) => b.label)).toEqual(['0–4', '5–9', '10–14', '15–20']);
    expect(() => resolveAttendanceBands([{ min: 0, max: 10 }, { min: 10, max: 20 }])).toThrow(/starting after the previous one/);
  });

  it('report a band without participants as not estimable, with the reason, and shift the reference', () => {
    // attendance 10…36: nobody in 0–8
    const dr = doseResponse(smallTrial(), { ...base, form: 'bands' });
    const empty = dr.bands![0]!;
    expect(empty).toMatchObject({ band: '0–8', n: 0, estimable: false, mean: null, difference: null });
    expect(empty.reason).toMatch(/no treated participant analysed attended 0–8 sessions/);
    expect(dr.bands![1]!.reference).toBe(true);
    expect(dr.diagnostics.map((d) => d.code)).toContain('reference-band-empty');
    expect(dr.bands!.slice(1).every((b) => b.estimable)).toBe(true);
    // predictions inside the empty band are not estimable and flagged
    expect(dr.prediction[3]!).toMatchObject({ estimate: null, se: null, ci: null, estimable: false });
    expect(dr.prediction[3]!.reason).toMatch(/no treated participant analysed attended 0–8 sessions/);
    expect(dr.prediction[3]!.extrapolated).toBe(true);
  });

  it('with only baseline as covariate, band differences equal the differences of baseline-adjusted band means', () => {
    const dr = doseResponse(smallTrial(), { ...base, form: 'bands', bands: [{ min: 0, max: 20 }, { min: 21, max: 36, label: 'high' }] });
    const [low, high] = dr.bands!;
    expect(high!.difference!.estimate).toBeCloseTo(high!.mean!.estimate - low!.mean!.estimate, 10);
    expect(dr.test.numDf).toBe(1);
    expect(dr.test.pValue).toBeCloseTo(high!.difference!.pValue, 10);
  });
});

describe('linear and spline forms', () => {
  const trial = smallTrial();
  it('predicts along the fitted line and flags extrapolation outside the attendance observed', () => {
    const dr = doseResponse(trial, base);
    const b = dr.slope![0]!.estimate;
    expect(dr.prediction[20]!.estimate! - dr.prediction[10]!.estimate!).toBeCloseTo(10 * b, 10);
    expect(dr.prediction[0]!.extrapolated).toBe(true); // nobody attended fewer than 10
    expect(dr.prediction[10]!.extrapolated).toBe(false);
    // the interval is narrowest near the mean attendance
    const widths = dr.prediction.map((p) => p.ci![1] - p.ci![0]);
    expect(widths[23]!).toBeLessThan(widths[0]!);
    expect(widths[23]!).toBeLessThan(widths[36]!);
  });

  it('a spline with df = 1 is the straight line', () => {
    const lin = doseResponse(trial, base);
    const sp = doseResponse(trial, { ...base, form: 'spline', spline: { df: 1 } });
    sp.prediction.forEach((p, i) => {
      expect(p.estimate!).toBeCloseTo(lin.prediction[i]!.estimate!, 9);
      expect(p.se!).toBeCloseTo(lin.prediction[i]!.se!, 9);
    });
    expect(sp.test.pValue).toBeCloseTo(lin.test.pValue, 9);
  });

  it('accepts explicit knots and the classical covariance', () => {
    const sp = doseResponse(trial, { ...base, form: 'spline', spline: { knots: [20, 28] }, vcov: 'classical' });
    expect(sp.spline!.knots).toEqual([20, 28]);
    expect(sp.nClusters).toBeNull();
    expect(sp.test.denDf).toBe(sp.fit.dfResidual);
    expect(sp.method).toMatch(/classical covariance/);
  });
});

describe('bands with the proportion exposure', () => {
  it('keep the bands and their prediction grid in sessions attended', () => {
    const trial = smallTrial();
    const sessions = doseResponse(trial, { ...base, form: 'bands' });
    const proportion = doseResponse(trial, { ...base, form: 'bands', exposure: 'proportion' });
    expect(proportion.prediction.map((p) => p.attendance)).toEqual(sessions.prediction.map((p) => p.attendance));
    expect(proportion.prediction[30]!.estimate).toBe(sessions.prediction[30]!.estimate);
    // outside every band: not estimable, flagged
    const beyond = doseResponse(trial, { ...base, form: 'bands', grid: [40] }).prediction[0]!;
    expect(beyond).toMatchObject({ estimate: null, estimable: false, reason: 'no attendance band contains 40 sessions' });
    expect(beyond.extrapolated).toBe(true);
  });
});
