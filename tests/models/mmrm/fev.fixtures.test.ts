/**
 * fitMmrm against the published numbers of the mmrm package on its FEV1 example
 * (tests/fixtures/r/mmrm/fev.R, which cites the file and commit of mmrm for each):
 *  - the `print(fit)` / `summary(fit)` output printed in mmrm's README (REML, unstructured,
 *    Satterthwaite);
 *  - the SAS PROC MIXED -2 log-likelihoods, intercepts and SEs that mmrm's test-tmb.R asserts,
 *    for us, ad, adh, toep, toeph, ar1, ar1h, cs, csh (ML and REML, some per arm);
 *  - SAS's Kenward–Roger SE and df of the treatment contrast (test-kenwardroger.R);
 *  - SAS's 95% confidence limits (test-mmrm-methods.R).
 * Printed output is rounded, so a printed number is matched to its printed precision: within half
 * a unit of its last printed digit (issue #13's 1e-6 / 1e-5 / 1e-3 cannot be checked against
 * fewer digits than that). Where mmrm's own tests assert a number to a tolerance, that tolerance
 * is used, with their criterion (testthat's `expect_equal`: mean |x − y| / mean |y|). Where the
 * printed numbers come from an optimiser that stopped short of the optimum (the README's fit,
 * SAS's us fits), the test shows that fitMmrm's deviance is the lower one and compares the rest
 * to mmrm's tolerance between optimisers (1e-4).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitMmrm } from '../../../src/models/mmrm/fit.js';
import type { MmrmDdf, MmrmFit } from '../../../src/models/mmrm/types.js';
import { linearModelView } from '../../../src/models/emmeans/view.js';
import { MMRM_README_ESTIMATE_SE, MMRM_README_RELATIVE } from '../../tolerances.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fx: any = JSON.parse(readFileSync(new URL('../../fixtures/r/mmrm/fev.json', import.meta.url), 'utf8'));
// R's factor levels of fev_data (SEX is Male, Female; VIS1…VIS4; PBO, TRT; RACE alphabetical).
const levels = { AVISIT: fx.levels.AVISIT, ARMCD: fx.levels.ARMCD, RACE: fx.levels.RACE, SEX: fx.levels.SEX };

const fits = new Map<string, MmrmFit>();
function fit(formula: string, reml: boolean): MmrmFit {
  const key = `${formula} ${reml}`;
  let f = fits.get(key);
  if (!f) {
    f = fitMmrm(formula, fx.data, { reml, levels });
    fits.set(key, f);
  }
  return f;
}

/** Matches a number printed with `digits` decimals: within half a unit of the last digit. */
function expectPrinted(actual: number | null, printed: number, digits: number, label: string): void {
  if (actual === null) expect.fail(`${label}: not estimable where mmrm prints ${printed}`);
  const half = 0.5 * 10 ** -digits;
  // 1e-12 of slack for the binary representation of the printed decimal.
  if (!(Math.abs(actual - printed) <= half * (1 + 1e-9) + 1e-12 * Math.abs(printed))) {
    expect.fail(`${label}: ${actual} does not round to the printed ${printed} (${digits} decimals)`);
  }
}

/** testthat's expect_equal(actual, expected, tolerance): mean |x − y| / mean |y| ≤ tolerance. */
function expectTestthat(actual: (number | null)[], expected: number[], tolerance: number, label: string): void {
  if (actual.some((a) => a === null)) expect.fail(`${label}: not estimable`);
  const diff = actual.reduce<number>((s, a, i) => s + Math.abs(a! - expected[i]!), 0) / actual.length;
  const scale = expected.reduce((s, e) => s + Math.abs(e), 0) / expected.length;
  const rel = scale > tolerance ? diff / scale : diff;
  if (!(rel <= tolerance)) expect.fail(`${label}: [${actual.join(', ')}] vs [${expected.join(', ')}]: ${rel} > ${tolerance}`);
}

describe("mmrm's README: FEV1 ~ RACE + SEX + ARMCD * AVISIT + us(AVISIT | USUBJID), REML, Satterthwaite", () => {
  const r = fx.readme;
  it('deviance, logLik, AIC and BIC to the printed digits', () => {
    const f = fit(r.formula, true);
    expect(f.optimizer.converged).toBe(true);
    expect(f.fixedEffects.map((row) => row.term)).toEqual(r.terms);
    expect([f.nObs, f.nSubjects, f.nParameters]).toEqual([r.nObs, r.nSubjects, r.nParameters]);
    expectPrinted(f.deviance, r.deviance, r.devianceDigits, 'deviance');
    expectPrinted(f.logLik, r.logLik, r.criteriaDigits, 'logLik');
    expectPrinted(f.aic, r.aic, r.criteriaDigits, 'AIC');
    expectPrinted(f.bic, r.bic, r.criteriaDigits, 'BIC');
  });
  it('mmrm printed a point short of the REML optimum: fitMmrm reaches a lower deviance', () => {
    const f = fit(r.formula, true);
    // The README prints coefficients to 8 decimals, SEs to 5, df to 2 and Σ to 4, but mmrm's
    // optimiser stopped early on a flat likelihood: the REML deviance at its printed Σ is
    // 3386.449876 (fev.R), SAS PROC MIXED stopped at 3386.44987722, fitMmrm and gls reach
    // 3386.449871. So its last printed digits are not a reference (fitMmrm's estimates differ from
    // the printed ones by up to 1.7e-4 SE, SEs by 6e-5 and df by 9e-5 relative, from gls's by 3e-5).
    expect(f.deviance).toBeLessThan(r.devianceAtPrintedCovariance);
    expect(f.deviance).toBeLessThan(r.sasDeviance);
    expectTestthat([f.deviance], [r.gls.deviance], 1e-9, 'deviance vs gls');
  });
  it("coefficients, SEs, Satterthwaite df, t values and Σ to mmrm's tolerances between optimisers", () => {
    // mmrm's test-tmb.R compares its fits to SAS's, another optimiser's stopping point, with
    // expect_equal(..., tolerance = 1e-4) on vectors: the same criterion here.
    const f = fit(r.formula, true);
    const rows = f.fixedEffects;
    expectTestthat(rows.map((x) => x.estimate), r.estimate, 1e-4, 'coefficients');
    expectTestthat(rows.map((x) => x.se), r.se, 1e-4, 'SEs');
    expectTestthat(rows.map((x) => x.df), r.df, 1e-4, 'Satterthwaite df');
    expectTestthat(rows.map((x) => x.statistic), r.tValue, 1e-4, 't values');
    // And per coefficient (as docs/validation.md reports them): estimates within 2e-4 of an SE
    // (1.7e-4 reached), SEs and df within 1e-4 relative (6e-5 and 9e-5 reached).
    rows.forEach((x, j) => {
      expect(Math.abs(x.estimate - r.estimate[j]) / r.se[j]).toBeLessThanOrEqual(MMRM_README_ESTIMATE_SE);
      expect(Math.abs(x.se! - r.se[j]) / r.se[j]).toBeLessThanOrEqual(MMRM_README_RELATIVE);
      expect(Math.abs(x.df! - r.df[j]) / r.df[j]).toBeLessThanOrEqual(MMRM_README_RELATIVE);
    });
    const cov = f.covariance[0]!;
    expect(cov.visits).toEqual(['VIS1', 'VIS2', 'VIS3', 'VIS4']);
    // Σ is flatter still (its VIS1 variance: 40.5537 printed, 40.5509 by SAS, 40.5544 here);
    // test-tmb.R compares mmrm's unstructured Σ to SAS's with tolerance 1e-3.
    expectTestthat(cov.covariance.flat(), (r.covariance as number[][]).flat(), 1e-3, 'covariance');
  });
});

describe("SAS PROC MIXED, as mmrm's test-tmb.R asserts it: FEV1 ~ <structure>(AVISIT | [ARMCD /] USUBJID)", () => {
  // Every structure by ML and REML; the per-arm (ARMCD / USUBJID) fits by REML only, to keep the
  // file fast (the fixture has their ML numbers too; ML itself is covered by the others).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  for (const s of (fx.sas as any[]).filter((x) => x.reml || !x.formula.includes('/'))) {
    it(`${s.formula}, ${s.reml ? 'REML' : 'ML'} (${s.sas})`, () => {
      const f = fit(s.formula, s.reml);
      expect(f.optimizer.converged).toBe(true);
      expectTestthat([f.deviance], [s.deviance], s.deviance_tol, '-2 log-likelihood');
      expectTestthat([f.fixedEffects[0]!.estimate], [s.intercept], s.intercept_tol, 'intercept');
      expectTestthat([f.fixedEffects[0]!.se], [s.se], s.se_tol, 'intercept se');
    });
  }
});

describe("SAS's Kenward–Roger, as mmrm's test-kenwardroger.R asserts it: FEV1 ~ ARMCD + <structure>(AVISIT | USUBJID)", () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  for (const k of fx.kr as any[]) {
    const ddf: MmrmDdf = k.linear ? 'Kenward-Roger-Linear' : 'Kenward-Roger';
    it(`${k.structure}, ${ddf}`, () => {
      // One fit per structure: the df method changes inference, not the fit; its linear-model
      // view gives the SE and df by either Kenward–Roger variant (fitMmrm's rows use the same).
      const f = fit(`FEV1 ~ ARMCD + ${k.structure}(AVISIT | USUBJID)`, true);
      expect(f.fixedEffects[1]!.term).toBe('ARMCDTRT');
      const view = linearModelView(f, ddf);
      const L = Float64Array.from([0, 1]); // df_1d(fit, contrast = c(0, 1))
      expectTestthat([view.df(L)], [k.df], k.df_tol, `${k.structure} ${ddf} df`);
      expectTestthat([Math.sqrt(view.variance!(L))], [k.se], k.se_tol, `${k.structure} ${ddf} se`);
    });
  }
  it("fitMmrm's own rows with ddf = 'Kenward-Roger' agree with the view (us)", () => {
    const f = fitMmrm('FEV1 ~ ARMCD + us(AVISIT | USUBJID)', fx.data, { reml: true, ddf: 'Kenward-Roger', levels });
    const k = (fx.kr as { structure: string; linear: boolean; se: number; df: number; se_tol: number; df_tol: number }[]).find((x) => x.structure === 'us' && !x.linear)!;
    expectTestthat([f.fixedEffects[1]!.df], [k.df], k.df_tol, 'us KR df');
    expectTestthat([f.fixedEffects[1]!.se], [k.se], k.se_tol, 'us KR se');
  });
});

describe("SAS's 95% confidence limits, as mmrm's test-mmrm-methods.R asserts them: FEV1 ~ ARMCD + SEX + <structure>(AVISIT | USUBJID)", () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  for (const c of fx.ci as any[]) {
    it(`${c.structure}, ${c.reml ? 'REML' : 'ML'} (${c.sas})`, () => {
      const f = fit(`FEV1 ~ ARMCD + SEX + ${c.structure}(AVISIT | USUBJID)`, c.reml);
      expect(f.fixedEffects.map((r) => r.term)).toEqual(['(Intercept)', 'ARMCDTRT', 'SEXFemale']);
      // confint() gives a 3 × 2 matrix; testthat compares it as one vector (column-major).
      const ours = [...f.fixedEffects.map((r) => r.ci?.[0] ?? null), ...f.fixedEffects.map((r) => r.ci?.[1] ?? null)];
      expectTestthat(ours, [...c.lower, ...c.upper], 1e-4, 'confidence limits');
      // SAS's iterations stop on a relative-Hessian criterion of 1e-8: fitMmrm's optimum is never
      // above SAS's final -2 log-likelihood (its Iteration History, 8 decimals).
      expect(f.deviance).toBeLessThanOrEqual(c.sasDeviance + 1e-8);
      // ar1 converges to the printed digits in both: each limit to SAS's 4 decimals. For us, SAS
      // stopped 1e-5 above the optimum and its limits differ from the optimum's by up to 1e-3
      // (intercept 41.0840 vs 41.0831): mmrm's test tolerance above is the comparison.
      if (c.structure === 'ar1') {
        f.fixedEffects.forEach((r, j) => {
          expectPrinted(r.ci![0], c.lower[j], 4, `${r.term} lower`);
          expectPrinted(r.ci![1], c.upper[j], 4, `${r.term} upper`);
        });
      }
    });
  }
});

describe('the fixture reads fev_data as mmrm does (nlme::gls cross-check, not a published number)', () => {
  it('gls reproduces the published deviances of the models it can fit', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    for (const s of (fx.sas as any[]).filter((x) => x.gls)) expectTestthat([s.gls.deviance], [s.deviance], 1e-8, s.formula);
    expectPrinted(fx.readme.gls.deviance, fx.readme.deviance, fx.readme.devianceDigits, 'README deviance by gls');
  });
});
