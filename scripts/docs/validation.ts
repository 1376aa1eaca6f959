/**
 * The agreement table against R: reads the committed fixtures under tests/fixtures/r/,
 * recomputes every reference value with rcteval and records, per fixture and quantity, how
 * many values were compared and the largest error, next to the tolerance the tests enforce
 * (tests/tolerances.ts for the mixed models). `renderValidation` prints the table as docs/validation.md.
 *
 * Error measure: |ours − R| / max(|R|, floor), the floor stated per quantity (e.g. a fixed
 * effect's SE, so that an estimate near 0 is judged on the scale of its uncertainty).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitLmm } from '../../src/models/lmm/fit.js';
import { fitOls } from '../../src/models/ols/fit.js';
import type { OlsOptions } from '../../src/models/ols/types.js';
import { cohensD, glassDelta, hedgesG } from '../../src/effect-size/two-sample.js';
import { pAdjust, type PAdjustMethod } from '../../src/inference/p-adjust.js';
import { proportionInterval } from '../../src/inference/proportion-interval.js';
import { riskDifference } from '../../src/inference/risk-difference.js';
import { oddsRatio, riskRatio } from '../../src/inference/risk-ratio.js';
import { betaCdf, chiSquaredCdf, chiSquaredQuantile, fCdf, fQuantile, normalCdf, normalQuantile, studentTCdf, studentTQuantile } from '../../src/distributions/index.js';
import { noncentralTCdf } from '../../src/distributions/noncentral-t.js';
import { clinicalSignificance } from '../../src/clinical-significance/clinical-significance.js';
import type { CutoffOption, RciMethod, BaselineSdSource } from '../../src/clinical-significance/types.js';
import { validateTrial } from '../../src/data/validate.js';
import { doseResponse, type DoseResponseOptions } from '../../src/dose-response/dose-response.js';
import { subgroupAnalysis } from '../../src/subgroups/analysis.js';
import { fitGlm } from '../../src/models/glm/fit.js';
import type { GlmOptions, GlmVcovType } from '../../src/models/glm/types.js';
import { makeFamily } from '../../src/models/glm/family.js';
import { fitGlmm } from '../../src/models/glmm/fit.js';
import type { GlmmOptions } from '../../src/models/glmm/types.js';
import { anova } from '../../src/models/emmeans/anova.js';
import { contrast } from '../../src/models/emmeans/contrast.js';
import { marginalMeans } from '../../src/models/emmeans/marginal-means.js';
import { gammaCostModel, incrementalQaly, qalys, twoPartCostModel } from '../../src/economics/index.js';
import { GLMM_ACCURATE_HESSIAN, GLMM_AGREEMENT, LMM_DF, LMM_F, LMM_FIXED, LMM_OBJECTIVE, LMM_VARIANCE, MI_POOL, MMRM_DF, MMRM_FIXED, MMRM_GLMMTMB_LOGLIK, MMRM_LOGLIK, MMRM_README_ESTIMATE_SE, MMRM_README_RELATIVE, POWER_ANALYTIC, STATISTICS_REL } from '../../tests/tolerances.js';
import { partiallyNestedPower } from '../../src/power/analytic.js';
import { COVERAGE_FORMULA, COVERAGE_OPTIONS, COVERAGE_TERMS, coverageColumns, coverageDraw } from '../../tests/models/glmm/coverage-draws.js';
import { regrid } from '../../src/models/emmeans/response-scale.js';
import { poolFits } from '../../src/missing-data/pool.js';
import { fitMmrm } from '../../src/models/mmrm/fit.js';
import { linearModelView } from '../../src/models/emmeans/view.js';
import type { MmrmOptions } from '../../src/models/mmrm/types.js';
import { HORIZONS, VISIT_MONTHS, qalyFixture, qalyInput } from '../../tests/economics/qaly-fixture.js';
import { mean, medianSorted, quantileSorted, sd, variance } from '../../src/statistics/sample.js';
import { subgroupFixture, subgroupSpecs, subgroupTrial } from '../../tests/subgroups/fixture.js';

/** One line of the table. */
export interface AgreementRow {
  capability: string;
  /** The R function(s) compared with. */
  reference: string;
  /** Fixture file (under tests/fixtures/r/) and part. */
  fixture: string;
  quantity: string;
  /** Values compared. */
  n: number;
  /** Largest |ours − R| / max(|R|, floor). */
  maxError: number;
  tolerance: number;
  pass: boolean;
}

const ROOT = join(import.meta.dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function fixture(path: string): Json {
  return JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'r', path), 'utf8'));
}

/** jsonlite writes non-finite numbers as strings. */
function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === 'Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return NaN;
}

function err(actual: number | null, expected: number, floor: number): number {
  if (actual === expected) return 0;
  if (actual === null || !Number.isFinite(actual) || !Number.isFinite(expected)) return Infinity;
  return Math.abs(actual - expected) / Math.max(Math.abs(expected), floor, Number.MIN_VALUE);
}

/** Collects the worst error per (capability, fixture, quantity). */
class Table {
  readonly rows = new Map<string, AgreementRow>();
  add(capability: string, reference: string, fixture: string, quantity: string, tolerance: number, actual: number | null, expected: number, floor = 0): void {
    const key = `${capability}\u0000${fixture}\u0000${quantity}`;
    let row = this.rows.get(key);
    if (!row) this.rows.set(key, (row = { capability, reference, fixture, quantity, n: 0, maxError: 0, tolerance, pass: true }));
    const e = err(actual, expected, floor);
    row.n++;
    if (e > row.maxError || Number.isNaN(e)) row.maxError = Number.isNaN(e) ? Infinity : e;
    row.pass = row.maxError <= row.tolerance;
  }
}

function mixedModels(t: Table): void {
  const ref = 'lme4::lmer, lmerTest (Satterthwaite), pbkrtest (Kenward–Roger)';
  for (const file of ['dyestuff', 'penicillin', 'pastes', 'sleepstudy', 'cake', 'sft-lmm', 'edge-cases', 'kr-large']) {
    const fx = fixture(`models/${file}.json`);
    const where = `models/${file}.json (${Object.keys(fx.fits).length} fits)`;
    for (const r of Object.values<Json>(fx.fits)) {
      const d = fx.data[r.data];
      const data = d.sameRowsAs ? { ...fx.data[d.sameRowsAs], columnTypes: {} } : d;
      const levels: Record<string, string[]> = {};
      for (const [k, v] of Object.entries<string[]>(r.factorLevels ?? {})) if (data.columnTypes?.[k] === 'factor') levels[k] = v;
      const fit = fitLmm(r.formula, data.columns, { reml: r.REML, levels });
      // The fixtures are fitted with lme4 converged tightly, so they are the reference for every quantity.
      t.add('Linear mixed models', ref, where, 'REML criterion / deviance', LMM_OBJECTIVE, r.REML ? fit.remlCriterion! : fit.deviance!, r.objective, 1);
      const est: number[] = r.fixef.estimate;
      const se: number[] = r.fixef.se;
      fit.fixedEffects.forEach((row, j) => {
        t.add('Linear mixed models', ref, where, 'fixed effects (floor: SE)', LMM_FIXED, row.estimate, est[j]!, se[j]!);
        t.add('Linear mixed models', ref, where, 'standard errors', LMM_FIXED, row.se, se[j]!);
      });
      const vc = r.varcor;
      const scale = Math.max(...vc.vcov.filter((_: number, i: number) => vc.var2[i] === null).map(Math.abs));
      vc.grp.forEach((g: string, i: number) => {
        if (vc.var2[i] !== null) return;
        const row = fit.varianceComponents.find((x) => x.group === g.replace(/\.\d+$/, '') && (x.term ?? null) === (vc.var1[i] ?? null));
        if (row) t.add('Linear mixed models', ref, where, 'variance components (floor: 1e-6 × largest)', LMM_VARIANCE, row.variance, vc.vcov[i], 1e-6 * scale);
      });
      const sigma = fit.sigma;
      const re = r.ranef;
      for (let i = 0; i < re.grp.length; i++) {
        const tab = fit.randomEffects.find((x) => x.group === re.grpvar[i].replace(/\.\d+$/, '') && x.terms.includes(re.term[i]));
        const li = tab ? tab.levels.indexOf(String(re.grp[i])) : -1;
        if (tab && li >= 0) t.add('Linear mixed models', ref, where, 'conditional modes (floor: σ/100)', LMM_VARIANCE, tab.values[li]![tab.terms.indexOf(re.term[i])]!, re.condval[i], 1e-2 * sigma);
      }
      fit.fixedEffects.forEach((row, j) => t.add('Linear mixed models', ref, where, 'Satterthwaite df', LMM_DF, row.df, r.satterthwaite.df[j]));
      if (r.kenwardRoger?.df && r.REML) {
        const kr = fitLmm(r.formula, data.columns, { reml: true, levels, ddf: 'Kenward-Roger' });
        kr.fixedEffects.forEach((row, j) => {
          t.add('Linear mixed models', ref, where, 'Kenward–Roger SEs', LMM_FIXED, row.se, r.kenwardRoger.se[j]);
          t.add('Linear mixed models', ref, where, 'Kenward–Roger df', LMM_DF, row.df, r.kenwardRoger.df[j]);
        });
      }
    }
  }
}

function mmrmRows(t: Table): void {
  const fx = fixture('mmrm/mmrm.json');
  const cap = 'Mixed models for repeated measures (MMRM)';
  const gls = new Set(['us-reml', 'us-ml', 'cs', 'csh', 'ar1', 'ar1-ml', 'ar1h']);
  const dense = 'dense implementation of mmrm\'s definitions (mmrm.R)';
  for (const c of fx.cases as Json[]) {
    const opts = c.options as MmrmOptions;
    const fit = fitMmrm(c.formula, fx.data, opts);
    const d = c.dense;
    const where = `mmrm/mmrm.json (${c.name})`;
    t.add(cap, dense, where, 'log-likelihood', MMRM_LOGLIK, fit.logLik, d.logLik, 1);
    fit.fixedEffects.forEach((r, j) => {
      t.add(cap, dense, where, 'fixed effects (floor: SE)', MMRM_FIXED, r.estimate, d.beta[j], d.se[j]);
      t.add(cap, dense, where, 'standard errors', MMRM_FIXED, r.se, d.se[j]);
      t.add(cap, dense, where, 'Satterthwaite df', MMRM_DF, r.df, d.satterthwaite[j]);
    });
    if (d.krDf) {
      // Kenward–Roger of the same fit through its linear-model view (what fitMmrm's rows use with ddf: 'Kenward-Roger').
      const kr = linearModelView(fit, 'Kenward-Roger');
      const krl = linearModelView(fit, 'Kenward-Roger-Linear');
      fit.fixedEffects.forEach((_, j) => {
        const L = new Float64Array(fit.fixedEffects.length);
        L[j] = 1;
        t.add(cap, dense, where, 'Kenward–Roger df', MMRM_DF, kr.df(L), d.krDf[j]);
        t.add(cap, dense, where, 'Kenward–Roger SEs', MMRM_FIXED, Math.sqrt(kr.variance!(L)), d.krSe[j]);
        t.add(cap, dense, where, 'Kenward–Roger-Linear SEs', MMRM_FIXED, Math.sqrt(krl.variance!(L)), d.krLinearSe[j]);
      });
    }
    const ref = c.reference;
    if (gls.has(c.name)) {
      t.add(cap, 'nlme::gls', where, 'log-likelihood (gls)', MMRM_LOGLIK, fit.logLik, ref.logLik, 1);
      fit.fixedEffects.forEach((r, j) => t.add(cap, 'nlme::gls', where, 'fixed effects (gls; floor: SE)', 1e-4, r.estimate, ref.beta[j], ref.se[j]));
    } else if (ref.logLik !== undefined) {
      t.add(cap, 'glmmTMB (dispformula ~ 0)', where, 'log-likelihood (glmmTMB)', MMRM_GLMMTMB_LOGLIK, fit.logLik, ref.logLik, 1);
    }
    if (c.name === 'cs') fit.fixedEffects.forEach((r, j) => t.add(cap, 'lmerTest (random-intercept form)', where, 'Satterthwaite df (lmerTest)', MMRM_DF, r.df, fx.csLmer.df[j]));
  }
}

/**
 * mmrm's published numbers on its FEV1 example (mmrm/fev.json; fev.R cites the file and commit):
 * SAS PROC MIXED values that mmrm's tests assert, at their tolerances, and the README's printed fit.
 */
function mmrmPublishedRows(t: Table): void {
  const fx = fixture('mmrm/fev.json');
  const cap = 'Mixed models for repeated measures (MMRM)';
  const levels = { AVISIT: fx.levels.AVISIT, ARMCD: fx.levels.ARMCD, RACE: fx.levels.RACE, SEX: fx.levels.SEX };
  const sasRef = "SAS PROC MIXED, as mmrm's tests assert it";
  // The fits tests/models/mmrm/fev.fixtures.test.ts checks (per-arm ones by REML only).
  const sas = (fx.sas as Json[]).filter((s) => s.reml || !s.formula.includes('/'));
  const where = `mmrm/fev.json (SAS, ${sas.length} fits, test-tmb.R)`;
  for (const s of sas) {
    const f = fitMmrm(s.formula, fx.data, { reml: s.reml, levels });
    t.add(cap, sasRef, where, "−2 log-likelihood (mmrm's tolerance)", s.deviance_tol, f.deviance, s.deviance);
    t.add(cap, sasRef, where, `intercept (mmrm's tolerance)`, s.intercept_tol, f.fixedEffects[0]!.estimate, s.intercept);
    t.add(cap, sasRef, where, `intercept SE (mmrm's tolerance ${sci(s.se_tol)})`, s.se_tol, f.fixedEffects[0]!.se, s.se);
  }
  const krWhere = `mmrm/fev.json (SAS Kenward–Roger, ${fx.kr.length} contrasts, test-kenwardroger.R)`;
  const krFits = new Map<string, ReturnType<typeof fitMmrm>>();
  for (const k of fx.kr as Json[]) {
    let f = krFits.get(k.structure);
    if (!f) krFits.set(k.structure, (f = fitMmrm(`FEV1 ~ ARMCD + ${k.structure}(AVISIT | USUBJID)`, fx.data, { reml: true, levels })));
    const view = linearModelView(f, k.linear ? 'Kenward-Roger-Linear' : 'Kenward-Roger');
    const L = Float64Array.from([0, 1]);
    t.add(cap, sasRef, krWhere, `Kenward–Roger df (mmrm's tolerance ${sci(k.df_tol)})`, k.df_tol, view.df(L), k.df);
    t.add(cap, sasRef, krWhere, `Kenward–Roger SE (mmrm's tolerance ${sci(k.se_tol)})`, k.se_tol, Math.sqrt(view.variance!(L)), k.se);
  }
  const r = fx.readme;
  const readmeRef = "mmrm's README (printed summary; mmrm stopped 5e-6 above fitMmrm's REML deviance)";
  const rWhere = 'mmrm/fev.json (README: FEV1 ~ RACE + SEX + ARMCD * AVISIT + us(AVISIT | USUBJID))';
  const f = fitMmrm(r.formula, fx.data, { reml: true, levels });
  // Printed precision as a relative tolerance: half a unit of the last printed digit over the value.
  const printed = (q: string, ours: number, value: number, digits: number): void => t.add(cap, readmeRef, rWhere, `${q} (printed ${value})`, (0.5 * 10 ** -digits) / Math.abs(value), ours, value);
  printed('REML deviance', f.deviance, r.deviance, r.devianceDigits);
  printed('log-likelihood', f.logLik, r.logLik, r.criteriaDigits);
  printed('AIC', f.aic, r.aic, r.criteriaDigits);
  printed('BIC', f.bic, r.bic, r.criteriaDigits);
  f.fixedEffects.forEach((row, j) => {
    t.add(cap, readmeRef, rWhere, 'coefficients (floor: SE)', MMRM_README_ESTIMATE_SE, row.estimate, r.estimate[j], r.se[j]);
    t.add(cap, readmeRef, rWhere, 'standard errors', MMRM_README_RELATIVE, row.se, r.se[j]);
    t.add(cap, readmeRef, rWhere, 'Satterthwaite df', MMRM_README_RELATIVE, row.df, r.df[j]);
  });
}

function ols(t: Table): void {
  const fx = fixture('models/ols.json');
  const ref = 'stats::lm, sandwich::vcovHC, clubSandwich::vcovCR + coef_test';
  const cases: { name: string; formula: string; data: Json; options: OlsOptions; cluster: string | null; r: Json }[] = [
    { name: 'mtcars', formula: 'mpg ~ wt + hp + cyl', data: fx.data.mtcars.columns, options: { factors: ['cyl'] }, cluster: 'gear', r: fx.fits.mtcars },
    { name: 'sft9', formula: 'score ~ arm + baseline', data: fx.data.sft9.columns, options: { levels: { arm: fx.data.sft9.factorLevels.arm } }, cluster: 'cluster', r: fx.fits.sft9 },
    { name: 'sft15', formula: 'score ~ arm + baseline', data: fx.data.sft15.columns, options: { levels: { arm: fx.data.sft15.factorLevels.arm } }, cluster: 'cluster', r: fx.fits.sft15 },
  ];
  const where = 'models/ols.json (mtcars, SFT 9 and 15 months)';
  for (const c of cases) {
    const fit = fitOls(c.formula, c.data, c.options);
    fit.fixedEffects.forEach((row, j) => {
      t.add('Linear models (OLS)', ref, where, 'coefficients (floor: SE)', 1e-10, row.estimate, c.r.table.estimate[j], c.r.table.se[j]);
      t.add('Linear models (OLS)', ref, where, 'classical SE', 1e-10, row.se, c.r.table.se[j]);
    });
    for (const type of ['HC0', 'HC1', 'HC2', 'HC3'] as const) {
      const f = fitOls(c.formula, c.data, { ...c.options, vcov: type });
      f.fixedEffects.forEach((row, j) => t.add('Linear models (OLS)', ref, where, 'SE, HC0–HC3', 1e-10, row.se, c.r.hc[type].se[j]));
    }
    if (!c.cluster) continue;
    for (const type of ['CR0', 'CR1', 'CR1S', 'CR2', 'CR3'] as const) {
      const f = fitOls(c.formula, c.data, { ...c.options, vcov: type, cluster: c.cluster });
      const st = c.r.vcovCR[type].Satterthwaite;
      f.fixedEffects.forEach((row, j) => {
        if (st.SE[j] === null) return;
        t.add('Linear models (OLS)', ref, where, 'SE, cluster-robust CR0–CR3', 1e-10, row.se, st.SE[j]);
        t.add('Linear models (OLS)', ref, where, 'Satterthwaite df (clubSandwich)', 1e-10, row.df, st.df_Satt[j]);
      });
    }
  }
}

function effectSizes(t: Table): void {
  const fx = fixture('effect-size/effect-size.json');
  const ref = 'effectsize::cohens_d, hedges_g, glass_delta';
  const where = `effect-size/effect-size.json (${fx.twoSample.length} two-sample calls)`;
  for (const r of fx.twoSample as Json[]) {
    const opts = { ciLevel: r.ciLevel, alternative: r.alternative, mu: r.mu };
    const res = r.type === 'd' ? cohensD(r.x, r.y, { ...opts, pooledSd: r.pooledSd }) : r.type === 'g' ? hedgesG(r.x, r.y, { ...opts, pooledSd: r.pooledSd }) : glassDelta(r.x, r.y, opts);
    t.add('Effect sizes', ref, where, 'estimate', 1e-10, res.estimate, num(r.effectsize.estimate), 1);
    res.ci.forEach((v, i) => {
      const want = num(r.precise.ci[i]);
      if (Number.isFinite(want)) t.add('Effect sizes', `${ref} (noncentral-t limits solved precisely in R)`, where, 'CI limits', 1e-10, v, want, 1);
    });
  }
}

function inference(t: Table): void {
  const fx = fixture('inference/inference.json');
  // jsonlite unboxes one-element vectors.
  const arr = (v: unknown): number[] => (Array.isArray(v) ? v.map(num) : [num(v)]);
  for (const c of fx.pAdjust as Json[]) {
    for (const [method, w] of Object.entries<unknown>(c.adjusted)) {
      const want = arr(w);
      const got = pAdjust(arr(c.p), method as PAdjustMethod, { n: c.n });
      got.forEach((v, i) => t.add('Multiplicity and proportions', 'stats::p.adjust', `inference/inference.json (${fx.pAdjust.length} sets × 7 methods)`, 'adjusted p-values', 1e-12, v, want[i]!, 1e-300));
    }
  }
  const methods = { wilson: 'wilson', wilsonCc: 'wilson-cc', clopperPearson: 'clopper-pearson', agrestiCoull: 'agresti-coull' } as const;
  for (const r of fx.proportions as Json[]) {
    for (const [key, method] of Object.entries(methods)) {
      const got = proportionInterval(r.x, r.n, { method: method as never, ciLevel: r.ciLevel });
      got.ci.forEach((v, i) => t.add('Multiplicity and proportions', 'prop.test, binom.test, Agresti–Coull by hand', `inference/inference.json (${fx.proportions.length} proportions × 4 methods)`, 'interval limits (floor 1)', 1e-10, v, r[key][i], 1));
    }
  }
  for (const r of fx.twoGroups as Json[]) {
    const counts = { x1: r.x1, n1: r.n1, x2: r.x2, n2: r.n2 };
    for (const level of [95, 90]) {
      const ciLevel = level / 100;
      const rd = riskDifference(counts, { ciLevel });
      rd.ci.forEach((v, i) => t.add('Multiplicity and proportions', 'Newcombe (1998) hybrid score, by hand in R', `inference/inference.json (${fx.twoGroups.length} tables)`, 'risk difference limits (floor 1)', 1e-10, v, r[`newcombe${level}`][i], 1));
      const rr = riskRatio(counts, { ciLevel });
      t.add('Multiplicity and proportions', 'log (Katz) and Woolf intervals, by hand in R', `inference/inference.json (${fx.twoGroups.length} tables)`, 'risk ratio and odds ratio with limits', 1e-10, rr.estimate, r[`riskRatio${level}`][0], 1);
      rr.ci.forEach((v, i) => t.add('Multiplicity and proportions', 'log (Katz) and Woolf intervals, by hand in R', `inference/inference.json (${fx.twoGroups.length} tables)`, 'risk ratio and odds ratio with limits', 1e-10, v, r[`riskRatio${level}`][2 + i], 1));
      const or = oddsRatio(counts, { ciLevel });
      or.ci.forEach((v, i) => t.add('Multiplicity and proportions', 'log (Katz) and Woolf intervals, by hand in R', `inference/inference.json (${fx.twoGroups.length} tables)`, 'risk ratio and odds ratio with limits', 1e-10, v, r[`oddsRatio${level}`][2 + i], 1));
    }
  }
}

function distributions(t: Table): void {
  const fx = fixture('distributions/distributions.json');
  const ref = 'pnorm, qnorm, pt, qt, pchisq, qchisq, pf, qf, pbeta, pt(ncp)';
  const where = 'distributions/distributions.json';
  const cdf = (name: string, rows: Json[], f: (r: Json, lower: boolean) => number) => {
    for (const r of rows) {
      for (const [side, lower] of [['lower', true], ['upper', false]] as const) {
        const want = num(r[side]);
        // Relative error down to 1e-300: the tails are the point of these fixtures.
        if (Number.isFinite(want) && want > 1e-300) t.add('Distributions', ref, where, `${name} (both tails, relative)`, 1e-12, f(r, lower), want, 1e-300);
      }
    }
  };
  cdf('normal CDF', fx.pnorm, (r, lower) => normalCdf(r.x, { lowerTail: lower }));
  cdf('t CDF', fx.pt, (r, lower) => studentTCdf(num(r.x), num(r.df), { lowerTail: lower }));
  cdf('χ² CDF', fx.pchisq, (r, lower) => chiSquaredCdf(r.x, num(r.df), { lowerTail: lower }));
  cdf('F CDF', fx.pf, (r, lower) => fCdf(r.x, num(r.df1), num(r.df2), { lowerTail: lower }));
  cdf('beta CDF', fx.pbeta, (r, lower) => betaCdf(r.x, r.a, r.b, { lowerTail: lower }));
  for (const r of fx.pnt as Json[]) {
    for (const [side, lower] of [['lower', true], ['upper', false]] as const) {
      const want = num(r[side]);
      const got = noncentralTCdf(num(r.t), num(r.df), num(r.ncp), { lowerTail: lower });
      // AS 243 (R's pt with ncp) is itself accurate to ~1e-12 absolute; relative only where both use it.
      t.add('Distributions', ref, where, 'noncentral t CDF (absolute)', 1e-12, got, want, 1);
      if (want >= 1e-3) t.add('Distributions', ref, where, 'noncentral t CDF ≥ 1e-3 (relative)', 1e-9, got, want, 1e-300);
    }
  }
  for (const r of fx.pntTail as Json[]) {
    const got = noncentralTCdf(num(r.t), num(r.df), num(r.ncp), { lowerTail: r.lowerTail, log: true });
    t.add('Distributions', 'an independent quadrature in R (where pt() loses accuracy)', where, 'noncentral t far tails, log scale', 1e-11, got, num(r.logValue), 1);
  }
  const q = (name: string, rows: Json[], f: (r: Json) => number) => {
    for (const r of rows) {
      const want = num(r.lower);
      // Rows where R's own quantile does not invert its CDF to 1e-12 (the fixture records that
      // round trip) test R, not us; the test suite checks our round trip there instead.
      const rAccurate = r.lowerCheck === undefined || num(r.lowerCheck) <= 1e-12;
      if (rAccurate && Number.isFinite(want) && Math.abs(want) > 1e-12) t.add('Distributions', ref, where, `${name} (where R's own round trip ≤ 1e-12)`, 1e-9, f(r), want, 1e-300);
    }
  };
  q('normal quantile', fx.qnorm, (r) => normalQuantile(num(r.p)));
  q('t quantile', fx.qt, (r) => studentTQuantile(num(r.p), num(r.df)));
  q('χ² quantile', fx.qchisq, (r) => chiSquaredQuantile(num(r.p), num(r.df)));
  q('F quantile', fx.qf, (r) => fQuantile(num(r.p), num(r.df1), num(r.df2)));
}

function clinical(t: Table): void {
  const fx = fixture('clinical-significance/clinical-significance.json');
  const { data } = fx;
  const where = `clinical-significance/clinical-significance.json (${fx.configs.length} configurations)`;
  const reflect = (v: number | null) => (v === null ? null : 100 - v);
  for (const cfg of fx.configs as Json[]) {
    const lower = cfg.direction === 'lower-better';
    const norms = lower
      ? { clinical: { mean: 100 - data.norms.clinical.mean, sd: data.norms.clinical.sd }, functional: { mean: 100 - data.norms.functional.mean, sd: data.norms.functional.sd } }
      : data.norms;
    const followUp = Object.fromEntries(Object.entries<(number | null)[]>(data.followUp).map(([v, xs]) => [v, lower ? xs.map(reflect) : xs]));
    const res = clinicalSignificance(
      { baseline: lower ? data.baseline.map(reflect) : data.baseline, followUp, arm: data.arm, id: data.id },
      { reliability: data.reliability, direction: cfg.direction, method: cfg.method as RciMethod, baselineSd: cfg.baselineSd as BaselineSdSource, cutoff: cfg.cutoff as CutoffOption, norms, arms: ['control', 'SFT'] },
    );
    for (const visit of Object.keys(cfg.rows)) {
      const mine = res.rows.filter((r) => r.visit === visit);
      const want = cfg.rows[visit];
      mine.forEach((r, i) => {
        if (want.rci[i] !== null && r.rci !== null) t.add('Clinical significance', 'Jacobson–Truax and alternatives, formulas written out in R', where, 'reliable change index', 1e-12, r.rci, want.rci[i], 1e-12);
        t.add('Clinical significance', 'Jacobson–Truax and alternatives, formulas written out in R', where, 'category (0 = identical)', 0, r.category === want.category[i] ? 0 : 1, 0, 1);
      });
    }
    if (cfg.cutoffValue !== null && res.cutoff) t.add('Clinical significance', 'Jacobson–Truax and alternatives, formulas written out in R', where, 'cut-off a/b/c', 1e-12, res.cutoff.value, cfg.cutoffValue, 1);
  }
}

/** Column tables of a fixture as row objects. */
function rowsOf(table: Record<string, unknown[]>): Record<string, unknown>[] {
  const keys = Object.keys(table);
  return table[keys[0]!]!.map((_, i) => Object.fromEntries(keys.map((k) => [k, table[k]![i]])));
}

function doseResponseRows(t: Table): void {
  const fx = fixture('dose-response/dose-response.json');
  const trial = validateTrial(
    { participants: rowsOf(fx.participants), measurements: rowsOf(fx.measurements) },
    { design: { arms: ['control', 'SFT'], visits: ['baseline', '9m'], instruments: ['PSP'], ungroupedArms: ['control'] } },
  );
  const ref = 'lm + clubSandwich CR2 (Satterthwaite), emmeans reference grid';
  const where = 'dose-response/dose-response.json (linear, change, proportion)';
  const forms: [string, Partial<DoseResponseOptions>][] = [
    ['linear', {}],
    ['change', { outcome: 'change' }],
    ['proportion', { exposure: 'proportion' }],
  ];
  for (const [key, extra] of forms) {
    const dr = doseResponse(trial, { instrument: 'PSP', visit: '9m', ...extra });
    const r = fx.doseResponse[key];
    dr.coefficients.forEach((row, j) => {
      t.add('Dose–response', ref, where, 'coefficients (floor 1e-3)', 1e-10, row.estimate, r.coefficients.estimate[j], 1e-3);
      t.add('Dose–response', ref, where, 'CR2 standard errors', 1e-10, row.se, r.coefficients.se[j]);
      t.add('Dose–response', ref, where, 'Satterthwaite df', 1e-10, row.df, r.coefficients.df[j]);
    });
    dr.prediction.forEach((p, i) => t.add('Dose–response', ref, where, 'predicted outcome over attendance (floor 1)', 1e-10, p.estimate, r.prediction.Est[i], 1));
  }
}

function subgroupRows(t: Table): void {
  const fx = subgroupFixture;
  const trial = subgroupTrial;
  const specs = subgroupSpecs;
  const keys = Object.keys(specs);
  const res = subgroupAnalysis(trial, { instrument: 'PSP', subgroups: keys.map((k) => specs[k]!) });
  const ref = 'lme4 + lmerTest::contestMD (Satterthwaite), emmeans';
  const where = `subgroups/subgroups.json (${keys.length} variables, mixed model)`;
  keys.forEach((k, vi) => {
    const v = res.variables[vi]!;
    const r = fx.lmm[k];
    t.add('Subgroups', ref, where, 'interaction F', LMM_F, v.interaction.statistic, r.interactionF.F);
    t.add('Subgroups', ref, where, 'interaction denominator df', LMM_DF, v.interaction.denDf!, r.interactionF.DenDF);
    const est = v.effects.filter((e) => e.estimable);
    const idx: number[] = r.effects.estimate.map((x: number | null, i: number) => (x === null ? -1 : i)).filter((i: number) => i >= 0);
    est.forEach((e, j) => {
      const i = idx[j]!;
      t.add('Subgroups', ref, where, 'effect within level (floor: SE)', LMM_FIXED, e.estimate, r.effects.estimate[i], r.effects.SE[i]);
      t.add('Subgroups', ref, where, 'SE of the effect within level', LMM_FIXED, e.se, r.effects.SE[i]);
    });
  });
}

/** tests/models/glm/fit.fixtures.test.ts and family.test.ts: R's tight refit (epsilon 1e-14). */
function glmRows(t: Table): void {
  const fx = fixture('glm/glm.json');
  const cap = 'Generalised linear models';
  const ref = 'stats::glm, MASS::glm.nb (epsilon 1e-14), sandwich::vcovHC, clubSandwich::vcovCR';
  // Separation, a zero-count level and θ = ∞ have no finite R values: the tests check their diagnostics.
  const cases = Object.entries<Json>(fx.cases).filter(([id]) => !id.startsWith('separation') && id !== 'poisson_zero_level' && id !== 'insurance_nb_offset');
  const where = `glm/glm.json (${cases.length} fits)`;
  for (const [, c] of cases) {
    const ts = c.ts;
    const levels = fx.data[c.data].factorLevels;
    const options: GlmOptions = { family: ts.family, ...(ts.link ? { link: ts.link } : {}), ...(levels ? { levels } : {}), ...(ts.trials ? { trials: ts.trials } : {}), ...(ts.weights ? { weights: ts.weights } : {}), ...(ts.offset ? { offset: ts.offset } : {}) };
    const fit = fitGlm(ts.formula, fx.data[c.data].columns, options);
    const T = c.tight;
    t.add(cap, ref, where, 'deviance and log-likelihood', 1e-10, fit.deviance, T.deviance);
    t.add(cap, ref, where, 'deviance and log-likelihood', 1e-10, fit.logLik, T.logLik);
    fit.fixedEffects.forEach((row, j) => {
      t.add(cap, ref, where, 'coefficients (floor: SE)', 1e-8, row.estimate, T.coefficients.estimate[j], T.coefficients.se[j]);
      t.add(cap, ref, where, 'standard errors', 1e-8, row.se, T.coefficients.se[j]);
    });
    const th = fit.negativeBinomialTheta;
    if (th?.estimable) {
      t.add(cap, ref, where, 'negative binomial θ and its SE', 1e-8, th.estimate, T.theta);
      t.add(cap, ref, where, 'negative binomial θ and its SE', 1e-8, th.se, T.thetaSEAtEstimate);
    }
    for (const [type, M] of [...Object.entries<Json>(c.vcovHC ?? {}), ...Object.entries<Json>(c.vcovCR ?? {})]) {
      const f = fitGlm(ts.formula, fx.data[c.data].columns, { ...options, vcov: type as GlmVcovType, ...(type.startsWith('CR') ? { cluster: c.cluster } : {}) });
      // A cluster that alone determines a coefficient leaves rounding-level eigenvalues (see the test).
      const singular = f.diagnostics.some((d) => d.code === 'leverage-one');
      M.rows.forEach((row: number[], i: number) =>
        row.forEach((v, j) => t.add(cap, ref, where, `sandwich covariances HC0–HC3, CR0–CR2 (floor: √(VᵢᵢVⱼⱼ))${singular ? ', leverage one' : ''}`, singular ? 1e-6 : 1e-8, f.vcov[i]![j]!, v, Math.sqrt(Math.abs(M.rows[i][i] * M.rows[j][j])))),
      );
    }
  }
  const fam = fixture('glm/families.json');
  const famCases = Object.entries<Json>(fam).filter(([k]) => k !== 'meta' && k !== 'aicSums');
  const fwhere = `glm/families.json (${famCases.length} family/link pairs)`;
  for (const [, c] of famCases) {
    const f = makeFamily(c.family, c.link, c.theta);
    // R's non-finite values (null) are checked as such in the test.
    c.eta.forEach((eta: number, i: number) => c.linkinv[i] !== null && t.add(cap, 'R family objects', fwhere, 'inverse link', 1e-13, f.linkinv(eta), c.linkinv[i], 1e-300));
    c.mu.forEach((mu: number, i: number) => c.variance[i] !== null && t.add(cap, 'R family objects', fwhere, 'variance function', 1e-14, f.variance(mu), c.variance[i], 1e-300));
    c.triples.y.forEach((y: number, i: number) => c.devResid[i] !== null && t.add(cap, 'R family objects', fwhere, 'deviance residuals (floor 1e-14)', 1e-12, f.devResid(y, c.triples.mu[i], c.triples.wt[i]), c.devResid[i], 1e-14));
  }
}

/** tests/models/glm/after-fit.test.ts (binomial, Poisson with offset, gamma log link). */
function glmAfterFitRows(t: Table): void {
  const fx = fixture('glm/emmeans-glm.json');
  const cap = 'GLM marginal means and tests';
  const ref = 'emmeans (type = "response"), car::Anova type III';
  const where = 'glm/emmeans-glm.json (binomial, Poisson, gamma)';
  const { binomial: B, poisson: P, gamma: G } = fx;
  const m1 = fitGlm('employed ~ arm * week + age', B.data.columns, { family: 'binomial', levels: { arm: ['control', 'SFT'], week: ['baseline', '9m', '15m'] } });
  const p1 = fitGlm('admissions ~ arm * site', P.data.columns, { family: 'poisson', offset: 'logDays', levels: { arm: ['control', 'SFT'], site: ['A', 'B', 'C'] } });
  const g1 = fitGlm('cost ~ arm * sex', G.data.columns, { family: 'gamma', link: 'log', levels: { arm: ['control', 'SFT'], sex: ['f', 'm'] } });
  const rows = (quantity: string, got: { estimate: number | null; se: number | null; ci: [number, number] | null }[], r: Json, est: string) =>
    got.forEach((g, i) => {
      t.add(cap, ref, where, quantity, 1e-8, g.estimate, r[est][i]);
      t.add(cap, ref, where, quantity, 1e-8, g.se, r.SE[i]);
      t.add(cap, ref, where, quantity, 1e-8, g.ci?.[0] ?? null, (r['asymp.LCL'] ?? r['lower.CL'])[i]);
      t.add(cap, ref, where, quantity, 1e-8, g.ci?.[1] ?? null, (r['asymp.UCL'] ?? r['upper.CL'])[i]);
    });
  const resp = 'response-scale means, SE, CI';
  rows(resp, marginalMeans(m1, ['arm', 'week'], { by: ['week'], type: 'response' }).rows, B.emmResponse, 'prob');
  rows(resp, marginalMeans(p1, ['arm'], { type: 'response', offset: Math.log(365) }).rows, P.emmResponse, 'rate');
  rows(resp, marginalMeans(g1, ['arm'], { type: 'response' }).rows, G.emmResponse, 'response');
  const ratios = 'odds, rate and mean ratios, SE, CI';
  rows(ratios, contrast(marginalMeans(m1, ['arm', 'week'], { by: ['week'], type: 'response' }), 'revpairwise').rows, B.oddsRatios, 'odds.ratio');
  rows(ratios, contrast(marginalMeans(p1, ['arm'], { type: 'response', offset: Math.log(365) }), 'revpairwise').rows, P.rateRatios, 'ratio');
  rows(ratios, contrast(marginalMeans(g1, ['arm'], { type: 'response' }), 'revpairwise').rows, G.ratios, 'ratio');
  for (const [fit, car] of [[m1, B.carAnova3], [p1, P.carAnova3]] as const) {
    for (const r of anova(fit).rows) t.add(cap, ref, where, 'type III Wald χ²', 1e-8, r.chiSquare ?? null, car.chisq[car.term.indexOf(r.term)]);
  }
}

/** tests/models/glmm/fit.fixtures.test.ts: glmer with tolPwrss 1e-11, bobyqa rhoend 1e-10; glmmTMB nbinom2. */
function glmmRows(t: Table): void {
  const fx = fixture('glmm/glmm.json');
  const cap = 'Generalised linear mixed models';
  const ref = 'lme4::glmer (Laplace, nAGQ 5 and 25; tight settings), glmmTMB nbinom2';
  const cbpp = fx.cbpp.data.columns;
  const gt = fx.grouseticks.data.columns;
  const binary: GlmmOptions = { family: 'binomial', trials: 'size' };
  const cases: [Json, Record<string, unknown[]>, string, GlmmOptions][] = [
    [fx.cbpp.laplace, cbpp, 'incidence ~ period + (1 | herd)', binary],
    [fx.cbpp.probit, cbpp, 'incidence ~ period + (1 | herd)', { ...binary, link: 'probit' }],
    [fx.cbpp.agq5, cbpp, 'incidence ~ period + (1 | herd)', { ...binary, nAgq: 5 }],
    [fx.cbpp.agq25, cbpp, 'incidence ~ period + (1 | herd)', { ...binary, nAgq: 25 }],
    // The three-term grouseticks fit (BROOD, INDEX, LOCATION; ~20 s) is left to the test suite.
    [fx.grouseticks.two, gt, 'TICKS ~ YEAR + cHEIGHT + (1 | BROOD) + (1 | LOCATION)', { family: 'poisson' }],
    [fx.slopes.correlated, fx.slopes.data.columns, 'y ~ x + (x | id)', { family: 'binomial' }],
    [fx.slopes.uncorrelated, fx.slopes.data.columns, 'y ~ x + (x || id)', { family: 'binomial' }],
    [fx.counts.offset, fx.counts.data.columns, 'y ~ arm + (1 | id)', { family: 'poisson', offset: 'logDays' }],
    [fx.counts.weighted, fx.counts.data.columns, 'y ~ arm + (1 | id)', { family: 'poisson', offset: 'logDays', weights: 'w' }],
    [fx.sft.partial, fx.sft.data.columns, 'status ~ arm * visit + (1 | id) + (0 + sft | group)', { family: 'binomial', levels: { arm: ['control', 'SFT'], visit: ['baseline', '9m', '15m'] } }],
    [fx.grouseticks.nbinom2, gt, 'TICKS ~ YEAR + cHEIGHT + (1 | BROOD) + (1 | LOCATION)', { family: 'negativeBinomial' }],
    [fx.nbsim.nbinom2, { ...fx.nbsim.data.columns, logDays: fx.nbsim.data.columns.days.map(Math.log) }, 'y ~ arm + (1 | id)', { family: 'negativeBinomial', offset: 'logDays' }],
  ];
  const where = `glmm/glmm.json (${cases.length} of ${cases.length + 1} fits: not the 3-term grouseticks fit, ~20 s)`;
  for (const [r, data, formula, options] of cases) {
    const fit = fitGlmm(formula, data, options);
    t.add(cap, ref, where, 'log-likelihood', 1e-6, fit.logLik, r.logLik);
    fit.fixedEffects.forEach((row, j) => {
      t.add(cap, ref, where, 'fixed effects (floor: SE)', 1e-4, row.estimate, r.fixef.estimate[j], r.fixef.se[j]);
      t.add(cap, ref, where, 'standard errors', 1e-3, row.se, r.fixef.se[j]);
    });
    if (r.negativeBinomialTheta !== undefined) {
      t.add(cap, ref, where, 'negative binomial θ (glmmTMB)', 1e-3, fit.negativeBinomialTheta ?? null, r.negativeBinomialTheta);
      for (const v of r.variances) t.add(cap, ref, where, 'variance components (floor 1e-4)', 1e-3, fit.varianceComponents.find((x) => x.group === v.group)?.variance ?? null, v.variance[0], 1e-4);
      continue;
    }
    const vc = r.varcorr;
    vc.grp.forEach((g: string, i: number) => {
      if (vc.var2[i] !== '') return;
      const row = fit.varianceComponents.find((v) => v.group === g.replace(/\.\d+$/, '') && v.term === vc.var1[i]);
      t.add(cap, ref, where, 'variance components (floor 1e-4)', 1e-3, row?.variance ?? null, vc.vcov[i], 1e-4);
    });
  }
  // tests/models/glmm/gamma.test.ts: glmmTMB Gamma, its TMB objective polished from its optimum (see gamma.R).
  const gx = fixture('glmm/gamma.json');
  const gref = 'glmmTMB Gamma (polished optimum)';
  const gwhere = 'glmm/gamma.json (costs: log link, (1 | id) and partially nested; inverse link)';
  const lv = { arm: ['control', 'SFT'], period: ['0', '1', '2'] };
  const gammaCases: [Json, Record<string, unknown[]>, string, GlmmOptions][] = [
    [gx.costs.intercept, gx.costs.data.columns, 'cost ~ arm * period + (1 | id)', { family: 'gamma', link: 'log', levels: lv }],
    [gx.costs.partial, gx.costs.data.columns, 'cost ~ arm * period + (1 | id)', { family: 'gamma', link: 'log', levels: lv, partialNesting: { cluster: 'group', arm: 'arm', treated: 'SFT' } }],
    [gx.inverse.fit, gx.inverse.data.columns, 'y ~ x + (1 | cl)', { family: 'gamma' }],
  ];
  for (const [r, data, formula, options] of gammaCases) {
    const fit = fitGlmm(formula, data, options);
    const P = r.polished;
    t.add(cap, gref, gwhere, 'log-likelihood', 1e-6, fit.logLik, P.logLik);
    fit.fixedEffects.forEach((row, j) => {
      t.add(cap, gref, gwhere, 'fixed effects (floor: SE)', 1e-4, row.estimate, P.estimate[j], P.se[j]);
      t.add(cap, gref, gwhere, 'standard errors', 1e-3, row.se, P.se[j]);
    });
    fit.varianceComponents.forEach((v, j) => t.add(cap, gref, gwhere, 'variance components', 1e-3, v.variance, P.variance[j]));
    t.add(cap, gref, gwhere, 'dispersion φ', 1e-3, fit.dispersion, P.dispersion);
  }
  // tests/models/glmm/after-fit.test.ts: estimates at 1e-5 of max(|R|, SE), SE-based quantities at 1e-3.
  const em = fixture('glmm/emmeans-glmm.json');
  const after = 'glmm/emmeans-glmm.json (binary, arm × week)';
  const aref = 'emmeans on glmer, joint_tests';
  const m1 = fitGlmm('employed ~ arm * week + (1 | id)', em.data.columns, { family: 'binomial', levels: { arm: ['control', 'SFT'], week: ['baseline', '9m', '15m'] } });
  const rows = (got: { estimate: number | null; se: number | null }[], r: Json, est: string) =>
    got.forEach((g, i) => {
      t.add(cap, aref, after, 'response-scale means and odds ratios (floor: SE)', 1e-5, g.estimate, r[est][i], r.SE[i]);
      t.add(cap, aref, after, 'their standard errors', 1e-3, g.se, r.SE[i]);
    });
  rows(marginalMeans(m1, ['arm'], { by: ['week'], type: 'response' }).rows, em.emmResponse, 'prob');
  rows(contrast(marginalMeans(m1, ['arm'], { by: ['week'], type: 'response' }), 'revpairwise').rows, em.oddsRatios, 'odds.ratio');
  const a = anova(m1);
  em.jointTests['model term'].forEach((term: string, i: number) => {
    const row = a.rows.find((x) => x.term === term);
    t.add(cap, aref, after, 'Wald χ²', 1e-3, row ? row.statistic! * row.numDf : null, em.jointChisq[i]);
  });
}

/**
 * Register outcomes (issue 11): tests/models/glmm/coverage.test.ts (glmer on the coverage
 * simulation's first replicate; the full 200 in bench/glmm-coverage.ts) and
 * tests/analysis/register-adapter.test.ts (the sample's rehabilitation GLMM and bed-day NB model).
 */
function registerRows(t: Table): void {
  const cap = 'Register outcomes (GLMM, NB)';
  const cov = fixture('glmm/coverage.json');
  const cwhere = 'glmm/coverage.json (replicate 1 of 200; SFT-shaped, partially nested)';
  const cref = 'lme4::glmer nAGQ 1 (tight settings), same draws';
  const fit = fitGlmm(COVERAGE_FORMULA, coverageColumns(coverageDraw(0)), COVERAGE_OPTIONS);
  t.add(cap, cref, cwhere, 'log-likelihood', GLMM_AGREEMENT.logLik, fit.logLik, cov.logLik[0]);
  COVERAGE_TERMS.forEach((term, j) => {
    const row = fit.fixedEffects.find((x) => x.term === term.term);
    t.add(cap, cref, cwhere, 'arm × week log odds ratios (floor: SE)', GLMM_AGREEMENT.estimate, row?.estimate ?? null, cov.estimate[j][0], cov.se[j][0]);
    t.add(cap, cref, cwhere, 'their standard errors', GLMM_AGREEMENT.se, row?.se ?? null, cov.se[j][0]);
  });
  const fx = fixture('glmm/register-sample.json');
  const rows = (readFileSync(join(ROOT, 'data-samples/sft-register.csv'), 'utf8').trim().split('\n').slice(1)).map((l) => l.split(','));
  const armOf = new Map(
    readFileSync(join(ROOT, 'data-samples/sft-participants.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').slice(0, 2) as [string, string]),
  );
  const swhere = 'glmm/register-sample.json (data-samples/sft-register.csv)';
  const data = rows.filter((c) => c[2] !== '').map((c) => ({ id: c[0], week: c[1], arm: armOf.get(c[0]!), y: c[2] === 'rehabilitation' ? 1 : 0 }));
  const m = fitGlmm('y ~ arm * week + (1 | id)', data, { family: 'binomial', levels: { arm: ['control', 'SFT'], week: ['baseline', '9m', '15m'] } });
  const R = fx.rehabilitation;
  t.add(cap, 'lme4::glmer', swhere, 'log-likelihood', GLMM_AGREEMENT.logLik, m.logLik, R.logLik);
  contrast(marginalMeans(m, ['arm'], { by: ['week'], type: 'response' }), 'revpairwise').rows.forEach((r, i) => {
    t.add(cap, 'emmeans on glmer (type = "response")', swhere, 'odds ratios per week', GLMM_AGREEMENT.estimate, r.estimate, R.oddsRatio[i]);
  });
  contrast(regrid(marginalMeans(m, ['arm'], { by: ['week'] })), 'revpairwise').rows.forEach((r, i) => {
    t.add(cap, 'emmeans regrid on glmer', swhere, 'risk differences per week (floor: SE)', GLMM_AGREEMENT.estimate, r.estimate, R.riskDifference[i], R.riskDifferenceSe[i]);
    t.add(cap, 'emmeans regrid, Richardson Hessian (numDeriv)', swhere, 'their SEs', GLMM_ACCURATE_HESSIAN, r.se, R.accurateHessian.riskDifferenceSe[i]);
    t.add(cap, 'emmeans regrid on glmer', swhere, 'their SEs', GLMM_AGREEMENT.se, r.se, R.riskDifferenceSe[i]);
  });
  const ppl = rows.filter((c) => c[1] === 'baseline').map((c) => ({ arm: armOf.get(c[0]!), bed_days: Number(c[4]), days_at_risk: Number(c[5]) }));
  const nb = fitGlm('bed_days ~ arm', ppl, { family: 'negativeBinomial', exposure: 'days_at_risk', levels: { arm: ['control', 'SFT'] } });
  const arm = nb.fixedEffects.find((x) => x.term === 'armSFT');
  const B = fx.bedDays;
  t.add(cap, 'MASS::glm.nb, offset log days at risk', swhere, 'bed-day log rate ratio (floor: SE)', 1e-6, arm?.estimate ?? null, B.logRateRatio, B.se);
  t.add(cap, 'MASS::glm.nb, offset log days at risk', swhere, 'its SE', 1e-5, arm?.se ?? null, B.se);
  t.add(cap, 'MASS::glm.nb, offset log days at risk', swhere, 'θ', 1e-6, nb.negativeBinomialTheta?.estimable ? nb.negativeBinomialTheta.estimate : null, B.theta);
}

/** tests/economics/qaly.test.ts, baseline-adjustment.test.ts and skewed-costs.test.ts. */
function economicsRows(t: Table): void {
  const cap = 'Health economics';
  const f = qalyFixture();
  const input = qalyInput();
  const qwhere = `economics/qaly.json (${f.participants.length} participants)`;
  for (const r of f.qaly) {
    const res = qalys(input, { horizons: [{ label: r.horizon, visits: r.visits }], discountRate: r.rate, time: r.time, visitMonths: VISIT_MONTHS });
    const got = new Map(res.horizons[0]!.participants.map((p) => [p.id, p.qaly]));
    f.participants.forEach((p, i) => r.qaly[i] !== null && t.add(cap, 'trapezoid rule with discounting, written out in R', qwhere, 'QALYs (2 horizons × 3 rates × 2 time axes; floor 1e-12)', 1e-12, got.get(p.id) ?? null, r.qaly[i]!, 1e-12));
  }
  for (const h of qalys(input, { horizons: HORIZONS }).horizons) {
    const ref = f.manca[h.label]!;
    const res = incrementalQaly(h, { control: 'control', treated: 'SFT' });
    for (const [got, want] of [[res.adjusted, ref.adjusted], [res.unadjusted, ref.unadjusted], [res.baselineSlope, ref.slope]] as const) {
      for (const [a, b] of [[got.estimate, want.estimate], [got.se, want.se], [got.df, want.df], [got.pValue, want.p], [got.ci![0], want.ci[0]], [got.ci![1], want.ci[1]]] as const) {
        t.add(cap, 'lm(qaly ~ arm + baseline) (Manca et al. 2005)', qwhere, 'baseline-adjusted incremental QALYs: estimate, SE, df, p, CI (floor 1e-12)', 1e-9, a, b, 1e-12);
      }
    }
  }
  const fx = fixture('economics/skewed-costs.json');
  const cref = 'glm Gamma(log) and binomial, recycled predictions, delta method, clubSandwich CR2';
  const cwhere = `economics/skewed-costs.json (${fx.meta.n} participants, ${fx.meta.n_zero} zero costs)`;
  const participants = fx.participants.map((p: Json) => ({ id: p.id, arm: p.arm, group: p.group ?? null, costs: { healthcare: p.cost } }));
  const covariates = fx.participants.map((p: Json) => ({ id: p.id, covariates: { bk: p.baseline / 1000 } }));
  const positive = new Set(participants.filter((p: Json) => p.costs.healthcare > 0).map((p: Json) => p.id));
  const recycled = (res: { arms: readonly { estimate: number | null; se: number | null }[]; difference: { estimate: number | null; se: number | null } }, ref: Json, se: Json) => {
    const q = 'recycled means, difference and delta-method SEs';
    t.add(cap, cref, cwhere, q, 1e-8, res.arms[0]!.estimate, ref.mean_control);
    t.add(cap, cref, cwhere, q, 1e-8, res.arms[1]!.estimate, ref.mean_treated);
    t.add(cap, cref, cwhere, q, 1e-8, res.difference.estimate, ref.diff);
    t.add(cap, cref, cwhere, q, 1e-8, res.arms[0]!.se, se.se_mean_control);
    t.add(cap, cref, cwhere, q, 1e-8, res.arms[1]!.se, se.se_mean_treated);
    t.add(cap, cref, cwhere, q, 1e-8, res.difference.se, se.se_diff);
  };
  for (const adj of ['unadjusted', 'adjusted'] as const) {
    for (const vcov of ['classical', 'CR2'] as const) {
      const options = { control: 'control', covariates: adj === 'adjusted' ? ['bk'] : [], vcov };
      const gref = fx.gamma[adj];
      const g = gammaCostModel({ participants: participants.filter((p: Json) => positive.has(p.id)), covariates: covariates.filter((c: Json) => positive.has(c.id)) }, options);
      g.coefficients.forEach((row, j) => t.add(cap, cref, cwhere, 'gamma and two-part coefficients (floor: SE)', 1e-8, row.estimate, gref.coef[j], row.se!));
      t.add(cap, cref, cwhere, 'gamma ratio of means and its SE', 1e-8, g.ratioOfMeans.estimate, gref.ratio);
      t.add(cap, cref, cwhere, 'gamma ratio of means and its SE', 1e-8, g.ratioOfMeans.se, gref.ratio * gref[vcov].se_log_ratio);
      recycled(g, gref, gref[vcov]);
      const tref = fx.two_part[adj];
      const tp = twoPartCostModel({ participants, covariates }, { ...options, replicates: 0 });
      if (!tp.estimable) throw new Error(tp.reason);
      tp.anyCost!.forEach((row, j) => t.add(cap, cref, cwhere, 'gamma and two-part coefficients (floor: SE)', 1e-8, row.estimate, tref.logit_coef[j], row.se!));
      tp.positiveCost.forEach((row, j) => t.add(cap, cref, cwhere, 'gamma and two-part coefficients (floor: SE)', 1e-8, row.estimate, tref.gamma_coef[j], row.se!));
      recycled(tp, tref, tref[vcov]);
    }
  }
}

/**
 * Recompute every reference value of the fixtures with rcteval.
 * @returns one row per capability × fixture × quantity, in a fixed order.
 * @example
 * const rows = computeAgreement();
 * rows.every((r) => r.pass); // true when rcteval agrees with R within every tolerance
 */
function powerRows(t: Table): void {
  const fx = fixture('power/analytic.json');
  const where = 'power/analytic.json';
  const ref = 'the published formulas written in R (pt with ncp, qt)';
  for (const c of fx.cases as Json[]) {
    const r = partiallyNestedPower(c.design, c.options);
    t.add('Power (partially nested designs)', ref, where, 'power', POWER_ANALYTIC, r.power, num(c.power), 1e-300);
    t.add('Power (partially nested designs)', ref, where, 'SE of the effect', POWER_ANALYTIC, r.se, num(c.se), 1e-300);
    if (c.options.df !== 'normal') t.add('Power (partially nested designs)', ref, where, 'Satterthwaite-type df', POWER_ANALYTIC, r.df, num(c.df), 1e-300);
  }
}

export function computeAgreement(): AgreementRow[] {
  const t = new Table();
  mixedModels(t);
  ols(t);
  effectSizes(t);
  inference(t);
  distributions(t);
  clinical(t);
  doseResponseRows(t);
  subgroupRows(t);
  glmRows(t);
  glmAfterFitRows(t);
  glmmRows(t);
  registerRows(t);
  mmrmRows(t);
  mmrmPublishedRows(t);
  economicsRows(t);
  powerRows(t);
  missingDataRows(t);
  statisticsRows(t);
  return [...t.rows.values()];
}

function missingDataRows(t: Table): void {
  const fx = fixture('missing-data/pool.json');
  const P = fx.pooled;
  const where = 'missing-data/pool.json (nhanes, m = 5)';
  const ref = 'mice::pool (Rubin’s rules, Barnard–Rubin df)';
  const fits = fx.completed.map((d: Record<string, number[]>) => fitOls('chl ~ age + bmi', d));
  poolFits(fits).rows.forEach((r, k) => {
    t.add('Multiple imputation', ref, where, 'pooled estimates', MI_POOL, r.estimate, P.estimate[k]);
    t.add('Multiple imputation', ref, where, 'total variance T, Ū, B', MI_POOL, r.total, P.t[k]);
    t.add('Multiple imputation', ref, where, 'total variance T, Ū, B', MI_POOL, r.within, P.ubar[k]);
    t.add('Multiple imputation', ref, where, 'total variance T, Ū, B', MI_POOL, r.between, P.b[k]);
    t.add('Multiple imputation', ref, where, 'Barnard–Rubin df', MI_POOL, r.df, P.df[k]);
    t.add('Multiple imputation', ref, where, 'fmi, λ, riv', MI_POOL, r.fmi, P.fmi[k]);
    t.add('Multiple imputation', ref, where, 'fmi, λ, riv', MI_POOL, r.lambda, P.lambda[k]);
    t.add('Multiple imputation', ref, where, 'fmi, λ, riv', MI_POOL, r.riv, P.riv[k]);
    t.add('Multiple imputation', ref, where, 'p-values and interval limits', MI_POOL, r.pValue, P.pValue[k]);
    t.add('Multiple imputation', ref, where, 'p-values and interval limits', MI_POOL, r.ci![0], P.lower[k]);
    t.add('Multiple imputation', ref, where, 'p-values and interval limits', MI_POOL, r.ci![1], P.upper[k]);
  });
}

function statisticsRows(t: Table): void {
  const fx = fixture('statistics/sample.json');
  const probs = (fx.probs as string[]).map(Number);
  const where = `statistics/sample.json (${Object.keys(fx.samples).length} samples, 17 probabilities)`;
  const ref = 'mean, var, sd, median, quantile (type 7)';
  const c = 'Sample statistics';
  for (const s of Object.values(fx.samples) as Json[]) {
    const x = ([] as string[]).concat(s.x).map(Number);
    t.add(c, ref, where, 'mean', STATISTICS_REL, mean(x), Number(s.mean));
    if (s.var !== null) {
      t.add(c, ref, where, 'variance and SD', STATISTICS_REL, variance(x), Number(s.var));
      t.add(c, ref, where, 'variance and SD', STATISTICS_REL, sd(x), Number(s.sd));
    }
    const sorted = Float64Array.from(x).sort();
    t.add(c, ref, where, 'median and type-7 quantiles', STATISTICS_REL, medianSorted(sorted), Number(s.median));
    probs.forEach((p, i) => t.add(c, ref, where, 'median and type-7 quantiles', STATISTICS_REL, quantileSorted(sorted, p), Number(s.quantile[i])));
  }
}

function sci(x: number): string {
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return '∞';
  // One significant digit: the table documents orders of magnitude, and the last digits of a
  // converged optimum differ between machines.
  const e = Math.floor(Math.log10(x));
  const m = Math.round(x / 10 ** e);
  return m === 10 ? `1e${e + 1}` : `${m}e${e}`;
}

/** The table as Markdown (docs/validation.md). */
export function renderValidation(rows: readonly AgreementRow[]): string {
  const out: string[] = [
    '# Validation against R',
    '',
    '_Generated by `npm run docs` (scripts/generate-docs.ts) from the fixtures in `tests/fixtures/r/`; do not edit by hand._',
    '',
    'Every fixture was produced by a committed R script (beside its JSON, with the R and package versions in its `meta` block).',
    'This table recomputes each reference value with rcteval and reports, per fixture and quantity, how many values were',
    'compared and the largest error |rcteval − R| / max(|R|, floor), against the tolerance the tests enforce. Tolerances are set',
    'from the accuracy reached with a stated margin (`tests/tolerances.ts` for the mixed models, whose R fixtures are converged',
    'tightly), so that a 1e-4 relative change of any reported estimate, SE or df fails the suite: closed forms ~1e-10; mixed',
    `models: objective ${sci(LMM_OBJECTIVE)}, fixed effects and SEs ${sci(LMM_FIXED)}, variance components and conditional modes ${sci(LMM_VARIANCE)}, df ${sci(LMM_DF)}.`,
    'Generalised linear mixed models are compared with glmer at tight settings: log-likelihood 1e-6, fixed effects 1e-4 of',
    'max(|β|, SE), 1e-3 for the variance components and for the SEs, which both sides take from a finite-difference Hessian.',
    'Errors are rounded to one significant digit. The test suite checks the same agreements (and more: p-values, conditional',
    'modes, marginal means, contrasts, bootstrap distributions, IV estimates, likelihood-ratio tests) in `tests/**/*fixtures*`,',
    '`tests/**/r-*.test.ts` and the capability folders.',
    '',
  ];
  const caps = [...new Set(rows.map((r) => r.capability))];
  for (const cap of caps) {
    const mine = rows.filter((r) => r.capability === cap);
    out.push(`## ${cap}`, '', `Reference: ${[...new Set(mine.map((r) => r.reference))].join('; ')}.`, '', '| fixture | quantity | values | max error | tolerance | agrees |', '|---|---|---:|---:|---:|:---:|');
    for (const r of mine) out.push(`| ${r.fixture} | ${r.quantity} | ${r.n} | ${sci(r.maxError)} | ${sci(r.tolerance)} | ${r.pass ? 'yes' : '**no**'} |`);
    out.push('');
  }
  const failing = rows.filter((r) => !r.pass);
  out.push(`**Summary:** ${rows.reduce((s, r) => s + r.n, 0)} values in ${rows.length} groups; ${failing.length === 0 ? 'all agree within tolerance' : `${failing.length} group(s) outside tolerance: ${failing.map((r) => `${r.fixture} ${r.quantity}`).join('; ')}`}.`, '');
  return out.join('\n');
}
