/**
 * doseResponse and attendanceEffects end to end against R (tests/fixtures/r/dose-response/
 * dose-response.json, script dose-response.R): the synthetic SFT sample's PSP at 9 months is
 * rebuilt into TrialData from the rows the fixture carries, and every form is compared with
 * lm + clubSandwich CR2 (Satterthwaite df), emmeans reference grids through linear_contrast,
 * Wald_test HTZ, splines::ns and AER::ivreg. Closed forms: 1e-10 relative (worst 2.1e-14).
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { validateTrial } from '../../src/data/validate.js';
import { attendanceEffects } from '../../src/dose-response/attendance-effects.js';
import { doseResponse, type DoseResponseOptions } from '../../src/dose-response/dose-response.js';
import { naturalSpline } from '../../src/splines/natural-spline.js';
import { expectRel, track, worst } from '../models/fixture-helpers.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/r/dose-response/dose-response.json', import.meta.url), 'utf8'));
const TOL = 1e-10;

function rowsOf(table: Record<string, unknown[]>): Record<string, unknown>[] {
  const keys = Object.keys(table);
  return table[keys[0]!]!.map((_, i) => Object.fromEntries(keys.map((k) => [k, table[k]![i]])));
}
const trial = validateTrial(
  { participants: rowsOf(fx.participants), measurements: rowsOf(fx.measurements) },
  { design: { arms: ['control', 'SFT'], visits: ['baseline', '9m'], instruments: ['PSP'], ungroupedArms: ['control'] } },
);
const base: DoseResponseOptions = { instrument: 'PSP', visit: '9m' };

function comparePrediction(pred: ReturnType<typeof doseResponse>['prediction'], r: any, label: string) {
  expect(pred.map((p) => p.attendance)).toEqual(r.at);
  pred.forEach((p, i) => {
    expectRel(p.estimate, r.Est[i], TOL, 1, `${label} prediction`);
    expectRel(p.se, r.SE[i], TOL, 0, `${label} prediction SE`);
    expectRel(p.df, r.df[i], TOL, 0, `${label} prediction df`);
    expectRel(p.ci![0], r.CI_L[i], TOL, 1, `${label} lower`);
    expectRel(p.ci![1], r.CI_U[i], TOL, 1, `${label} upper`);
    track('dose-response prediction SE', p.se, r.SE[i]);
    track('dose-response prediction df', p.df, r.df[i]);
  });
}

function compareCoefficients(rows: { estimate: number; se: number | null; df: number | null; pValue: number | null }[], r: any, label: string) {
  expect(rows.length).toBe(r.estimate.length);
  rows.forEach((row, j) => {
    expectRel(row.estimate, r.estimate[j], TOL, 1e-3, `${label} estimate`);
    expectRel(row.se, r.se[j], TOL, 0, `${label} se`);
    expectRel(row.df, r.df[j], TOL, 0, `${label} df`);
    expectRel(row.pValue, r.p[j], 1e-7, 1e-14, `${label} p`);
    track('dose-response coefficients', row.estimate, r.estimate[j], 1e-3);
    track('dose-response Satterthwaite df', row.df, r.df[j]);
  });
}

describe('linear forms', () => {
  it('follow-up adjusted for baseline: slope per session with CR2 by therapy group, labelled exploratory', () => {
    const dr = doseResponse(trial, base);
    const r = fx.doseResponse.linear;
    expect(dr.n).toBe(r.nobs);
    expect(dr.nClusters).toBe(r.nClusters);
    compareCoefficients(dr.coefficients, r.coefficients, 'linear');
    expect(dr.slope![0]!.estimate).toBe(dr.coefficients[2]!.estimate);
    expectRel(dr.slope![1]!.estimate, 10 * r.coefficients.estimate[2], TOL, 0, 'per 10 sessions');
    expectRel(dr.test.pValue, r.coefficients.p[2], 1e-7, 0, 'test p = slope p');
    expect(dr.exploratory).toBe(true);
    expect(dr.label).toBe('exploratory');
    expect(dr.caution).toMatch(/not randomised/);
    expect(dr.method).toMatch(/CR2 cluster-robust covariance by therapy group/);
    comparePrediction(dr.prediction, r.prediction, 'linear');
  });

  it('change from baseline', () => {
    const dr = doseResponse(trial, { ...base, outcome: 'change' });
    compareCoefficients(dr.coefficients, fx.doseResponse.change.coefficients, 'change');
    comparePrediction(dr.prediction, fx.doseResponse.change.prediction, 'change');
  });

  it('proportion of sessions offered', () => {
    const dr = doseResponse(trial, { ...base, exposure: 'proportion' });
    compareCoefficients(dr.coefficients, fx.doseResponse.proportion.coefficients, 'proportion');
    comparePrediction(dr.prediction, fx.doseResponse.proportion.prediction, 'proportion');
    expect(dr.slope![1]!.unit).toBe('10 percentage points of sessions offered');
  });

  it('with covariates (age, sex): factors averaged with equal weights in the predictions', () => {
    const dr = doseResponse(trial, { ...base, covariates: ['age', 'sex'] });
    compareCoefficients(dr.coefficients, fx.doseResponse.covariates.coefficients, 'covariates');
    comparePrediction(dr.prediction, fx.doseResponse.covariates.prediction, 'covariates');
  });
});

describe('spline form', () => {
  it('uses the knots of ns(attendance, df = 3) and gives lm’s coefficients, the HTZ test and predictions', () => {
    const dr = doseResponse(trial, { ...base, form: 'spline' });
    const r = fx.doseResponse.spline;
    expect(dr.spline!.knots).toEqual(r.knots);
    expect(dr.spline!.boundaryKnots).toEqual(r.boundaryKnots);
    compareCoefficients(dr.coefficients, r.coefficients, 'spline');
    expectRel(dr.test.statistic, r.test.F, TOL, 0, 'HTZ F');
    expect(dr.test.numDf).toBe(r.test.df_num);
    expectRel(dr.test.denDf, r.test.df_denom, TOL, 0, 'HTZ df');
    expectRel(dr.test.pValue, r.test.p, 1e-7, 0, 'HTZ p');
    comparePrediction(dr.prediction, r.prediction, 'spline');
  });
});

describe('bands form', () => {
  it('gives band sizes, adjusted means, differences from 0–8 and the HTZ test of the band terms', () => {
    const dr = doseResponse(trial, { ...base, form: 'bands' });
    const r = fx.doseResponse.bands;
    expect(dr.bands!.map((b) => b.band)).toEqual(r.means.band);
    expect(dr.bands!.map((b) => b.n)).toEqual(r.n);
    compareCoefficients(dr.coefficients, r.coefficients, 'bands');
    dr.bands!.forEach((b, i) => {
      expectRel(b.mean!.estimate, r.means.Est[i], TOL, 1, 'band mean');
      expectRel(b.mean!.se, r.means.SE[i], TOL, 0, 'band mean SE');
      expectRel(b.mean!.df, r.means.df[i], TOL, 0, 'band mean df');
      if (i === 0) {
        expect(b.reference).toBe(true);
        expect(b.difference).toBeNull();
      } else {
        expectRel(b.difference!.estimate, r.differences.Est[i - 1], TOL, 1, 'difference');
        expectRel(b.difference!.se, r.differences.SE[i - 1], TOL, 0, 'difference SE');
        expectRel(b.difference!.df, r.differences.df[i - 1], TOL, 0, 'difference df');
        expectRel(b.difference!.ci[1], r.differences.CI_U[i - 1], TOL, 1, 'difference upper');
      }
    });
    expectRel(dr.test.statistic, r.test.F, TOL, 0, 'HTZ F');
    expectRel(dr.test.denDf, r.test.df_denom, TOL, 0, 'HTZ df');
    // the prediction over attendance is the step function of the band means
    expect(dr.prediction[8]!.estimate).toBe(dr.bands![0]!.mean!.estimate);
    expect(dr.prediction[9]!.estimate).toBe(dr.bands![1]!.mean!.estimate);
    expect(dr.prediction[36]!.estimate).toBe(dr.bands![3]!.mean!.estimate);
  });
});

describe('natural spline bases (splines::ns)', () => {
  it.each(fx.ns.map((b: any, i: number) => [i, b.x, JSON.stringify(b.spec)]) as [number, string, string][])('basis %i (%s, %s)', (i) => {
    const b = fx.ns[i];
    const spec = b.spec;
    const out = naturalSpline(b.xValues, {
      ...(spec.df !== undefined ? { df: spec.df } : {}),
      ...(spec.knots !== undefined ? { knots: spec.knots } : {}),
      ...(spec.intercept !== undefined ? { intercept: spec.intercept } : {}),
      ...(spec['Boundary.knots'] !== undefined ? { boundaryKnots: spec['Boundary.knots'] } : {}),
    });
    // knots travel through JSON with 15 significant digits
    const knots: number[] = b.knots ?? [];
    expect(out.knots.length).toBe(knots.length);
    out.knots.forEach((k, j) => expectRel(k, knots[j]!, 1e-14, 0, 'knot'));
    out.boundaryKnots.forEach((k, j) => expectRel(k, b.boundaryKnots[j], 1e-14, 0, 'boundary knot'));
    expect(out.basis.length).toBe(b.basis.rows.length);
    expect(out.df).toBe(b.basis.colnames.length);
    out.basis.forEach((row, r) =>
      row.forEach((v, c) => {
        expectRel(v, b.basis.rows[r][c], 1e-12, 1, 'basis');
        track('ns basis (absolute)', v, b.basis.rows[r][c], 1);
      }),
    );
    out.evaluate(b.newx).forEach((row, r) => row.forEach((v, c) => expectRel(v, b.predicted.rows[r][c], 1e-12, 1, 'predict')));
  });
});

describe('attendanceEffects (instrumental variables) on the sample', () => {
  const fxe = fx.effects;
  const res = attendanceEffects(trial, { instrument: 'PSP', visit: '9m', atLeast: [1, 18] });
  it('gives the ITT effect (lm, CR2) and the per-session effect (ivreg, CR2, Satterthwaite df)', () => {
    expect(res.n).toBe(fxe.n);
    expectRel(res.itt.estimate, fxe.itt.estimate[1], TOL, 0, 'ITT');
    expectRel(res.itt.se, fxe.itt.se[1], TOL, 0, 'ITT SE');
    expectRel(res.itt.df, fxe.itt.df[1], TOL, 0, 'ITT df');
    expectRel(res.perSession.estimate, fxe.perSession.estimate[1], TOL, 0, 'per session');
    expectRel(res.perSession.se, fxe.perSession.se[1], TOL, 0, 'per session SE');
    expectRel(res.perSession.df, fxe.perSession.df[1], TOL, 0, 'per session df');
    expectRel(res.perSession.firstStage.classical.statistic, fxe.perSession.weakF, TOL, 0, 'first-stage F');
    expectRel(res.perSession.meanDoseTreated, fxe.meanSessionsTreated, 1e-12, 0, 'mean sessions');
    expectRel(res.perTenSessions!.estimate, 10 * fxe.perSession.estimate[1], TOL, 0, 'per 10 sessions');
    expect(res.perSession.assumptions.join(' ')).toMatch(/exclusion restriction/);
    track('IV effects', res.perSession.estimate, fxe.perSession.estimate[1]);
  });
  it('gives the CACE for attending at least 1 and at least 18 sessions', () => {
    for (const [k, key, share] of [[1, 'cace1', fxe.shareAtLeast1], [18, 'cace18', fxe.shareAtLeast18]] as const) {
      const c = res.cace.find((x) => x.atLeast === k)!;
      expectRel(c.estimate, fxe[key].estimate[1], TOL, 0, `CACE ${k}`);
      expectRel(c.se, fxe[key].se[1], TOL, 0, `CACE ${k} SE`);
      expectRel(c.df, fxe[key].df[1], TOL, 0, `CACE ${k} df`);
      expectRel(c.complierShare, share, 1e-12, 0, `share ${k}`);
      expect(c.assumptions.join(' ')).toMatch(/monotonicity/);
      expect(c.estimand).toMatch(new RegExp(`at least ${k} session`));
      track('IV effects', c.estimate, fxe[key].estimate[1]);
    }
  });
  it('is the ITT effect divided by the first-stage difference in compliance (indirect least squares)', () => {
    // with the same baseline adjustment in both stages, 2SLS with one instrument is exactly the
    // ratio of the reduced-form (ITT) and first-stage coefficients of the arm
    for (const c of res.cace) expectRel(c.estimate * c.firstStage.coefficients[0]!.estimate, res.itt.estimate, 1e-10, 0, 'ratio');
    expectRel(res.perSession.estimate * res.perSession.firstStage.coefficients[0]!.estimate, res.itt.estimate, 1e-10, 0, 'ratio');
  });
});

afterAll(() => {
  const rows = Object.entries(worst).filter(([k]) => k.startsWith('dose') || k.startsWith('ns') || k.startsWith('IV'));
  if (rows.length) console.log(rows.map(([k, v]) => `${k}: ${v.toExponential(2)}`).join('\n'));
});
