/**
 * The register section on the committed synthetic sample, against R
 * (tests/fixtures/r/glmm/register-sample.R): status shares (table()), the logistic GLMM of
 * "rehabilitation" with emmeans odds ratios and regrid risk differences per week (glmer), bed-days
 * from MASS::glm.nb with offset log days at risk, and the top-5 % share. Without the top 5 %,
 * glm.nb's θ search fails (θ runs off to ~6e4 with a NaN SE) while fitGlm's reaches the maximum
 * glmmTMB's nbinom2 finds.
 * Then the report chapter (Markdown/HTML model), and the section's own failures.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCsvFile } from '../../src/data/read-file.js';
import type { TrialData } from '../../src/data/types.js';
import { validateTrial } from '../../src/data/validate.js';
import { analyzeTrial } from '../../src/analysis/analyze.js';
import { parseAnalysisPlan, planDesign, type AnalysisPlanInput } from '../../src/analysis/plan.js';
import type { RegisterSection, TrialAnalysis } from '../../src/analysis/types.js';
import { buildReportModel } from '../../src/report/model.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { ValidationError } from '../../src/errors/index.js';
import { GLMM_ACCURATE_HESSIAN, GLMM_AGREEMENT } from '../tolerances.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/r/glmm/register-sample.json', import.meta.url), 'utf8'));
const root = new URL('../../data-samples/', import.meta.url).pathname;
const design = { arms: ['control', 'SFT'], visits: ['baseline', '9m', '15m'], instruments: ['PSP'] };
const basePlan = (register: Record<string, unknown>): AnalysisPlanInput => ({
  title: 'register',
  design,
  outcomes: [{ instrument: 'PSP', role: 'primary' }],
  model: { type: 'ancova' },
  register,
});

function rel(a: number, e: number, scale: number, tol: number, label: string): void {
  const err = Math.abs(a - e) / Math.max(Math.abs(e), scale);
  if (!(err <= tol)) expect.fail(`${label}: ${a} vs R ${e} (relative error ${err.toExponential(2)} > ${tol})`);
}

let trial: TrialData;
let analysis: TrialAnalysis;
let section: RegisterSection;
beforeAll(async () => {
  const participants = await readCsvFile(`${root}sft-participants.csv`, { table: 'participants' });
  const all = await readCsvFile(`${root}sft-measurements.csv`, { table: 'measurements' });
  const measurements = all.rows.filter((r) => r['instrument'] === 'PSP');
  const register = await readCsvFile(`${root}sft-register.csv`, { table: 'register' });
  trial = validateTrial({ participants, measurements, register }, { design });
  analysis = await analyzeTrial(trial, basePlan({ contrasts: ['rehabilitation'], labels: { rehabilitation: 'rehabilitation / job clarification' } }));
  expect(analysis.register.status).toBe('done');
  section = (analysis.register as { result: RegisterSection }).result;
}, 120_000);

describe('register section on the SFT sample, against R', () => {
  it('status shares per arm × week are table() counts over those in the register', () => {
    fx.shares.count.forEach((n: number, i: number) => {
      const row = section.shares.find((r) => r.arm === fx.shares.arm[i] && r.week === fx.shares.week[i] && r.status === fx.shares.status[i])!;
      expect(row.count).toBe(n);
    });
    const c0 = section.shares.filter((r) => r.arm === 'control' && r.week === 'baseline');
    expect(c0[0]!.total).toBe(151);
    expect(c0.reduce((s, r) => s + r.share!, 0)).toBeCloseTo(1, 12);
  });

  it('odds ratios and risk differences per week agree with glmer + emmeans', () => {
    const c = section.contrasts[0]!;
    expect(c.status).toBe('rehabilitation');
    expect(c.label).toBe('rehabilitation / job clarification');
    expect(c.nEvents).toBe(fx.shares.count.filter((_: number, i: number) => fx.shares.status[i] === 'rehabilitation').reduce((a: number, b: number) => a + b, 0));
    const R = fx.rehabilitation;
    c.rows.forEach((r, i) => {
      const or = r.oddsRatio;
      const seLog = (Math.log(R.oddsRatioUpper[i]) - Math.log(R.oddsRatioLower[i])) / (2 * 1.959963984540054);
      rel(Math.log(or.estimate!), Math.log(R.oddsRatio[i]), seLog, GLMM_AGREEMENT.estimate, `log OR ${r.week}`);
      // SE-based quantities against glmer's, and against the same model's vcov from a Richardson-extrapolated
      // Hessian (numDeriv), which fitGlmm's central differences match more closely than glmer's deriv12 does.
      const acc = R.accurateHessian;
      rel(or.ci![0], R.oddsRatioLower[i], 0, GLMM_AGREEMENT.se, `OR lower ${r.week}`);
      rel(or.ci![1], R.oddsRatioUpper[i], 0, GLMM_AGREEMENT.se, `OR upper ${r.week}`);
      rel(or.ci![0], acc.oddsRatioLower[i], 0, GLMM_ACCURATE_HESSIAN, `OR lower ${r.week} (Richardson)`);
      rel(or.ci![1], acc.oddsRatioUpper[i], 0, GLMM_ACCURATE_HESSIAN, `OR upper ${r.week} (Richardson)`);
      rel(or.pValue!, R.oddsRatioP[i], 0, GLMM_AGREEMENT.se, `OR p ${r.week}`);
      const rd = r.riskDifference;
      rel(rd.estimate!, R.riskDifference[i], R.riskDifferenceSe[i], GLMM_AGREEMENT.estimate, `RD ${r.week}`);
      rel(rd.se!, R.riskDifferenceSe[i], 0, GLMM_AGREEMENT.se, `RD SE ${r.week}`);
      rel(rd.se!, acc.riskDifferenceSe[i], 0, GLMM_ACCURATE_HESSIAN, `RD SE ${r.week} (Richardson)`);
      rel(rd.ci![0], R.riskDifferenceLower[i], R.riskDifferenceSe[i], GLMM_AGREEMENT.se, `RD lower ${r.week}`);
    });
  });

  it('bed-days: the NB2 rate ratio agrees with glm.nb, and the top 5 % with R', () => {
    const b = section.bedDays!;
    const R = fx.bedDays;
    const rr = b.all.rateRatio;
    rel(Math.log(rr.estimate!), R.logRateRatio, R.se, 1e-6, 'log rate ratio');
    rel(rr.se! / rr.estimate!, R.se, 0, 1e-5, 'SE of the log rate ratio');
    rel(rr.pValue!, R.p, 0, 1e-5, 'p');
    rel(b.all.theta!, R.theta, 0, 1e-6, 'θ');
    expect(b.influence.k).toBe(R.topK);
    rel(b.influence.shareOfBedDays!, R.topShare, 0, 1e-12, 'top share');
    expect(b.influence.byArm['control']! + b.influence.byArm['SFT']!).toBe(R.topK);
    expect(b.byArm.map((a) => a.n)).toEqual([151, 153]);
    // data-samples/README.md: shares of each arm's bed-days from its top 5 %.
    expect(b.byArm.map((a) => Number((100 * a.topShareOfBedDays!).toFixed(1)))).toEqual([50.6, 65.6]);
  });

  it('without the longest stays the rate ratio agrees with glmmTMB nbinom2 (glm.nb’s θ iteration runs away there)', () => {
    const w = section.bedDays!.influence.without;
    const R = fx.bedDays.withoutTop;
    expect(w.n).toBe(R.n);
    const rr = w.rateRatio;
    expect(rr.estimable).toBe(true);
    rel(Math.log(rr.estimate!), R.logRateRatio, R.se, 1e-6, 'log rate ratio without the top 5 %');
    // glm.nb's SE is at the estimated θ; glmmTMB's is from the joint Hessian with θ: 2.7e-4 apart here.
    rel(rr.se! / rr.estimate!, R.se, 0, GLMM_AGREEMENT.se, 'its SE');
    rel(w.theta!, R.theta, 0, 1e-6, 'θ without the top 5 %');
  });

  it('the report chapter: tables, figure, readings in plain language, no NaN', () => {
    const model = buildReportModel(analysis);
    const s = model.sections.find((x) => x.id === 'register')!;
    expect(s.status).toBe('done');
    expect(s.tables.map((t) => t.id)).toEqual(['register-shares', 'register-contrasts', 'register-bed-days', 'register-rate-ratio']);
    expect(s.figures.map((f) => f.id)).toEqual(['register-status-shares']);
    const spec = s.figures[0]!.spec as { data: { values: { share: number }[] } };
    expect(spec.data.values).toHaveLength(24);
    // The reading's numbers are glmer's + emmeans' at the reading's precision.
    const r = fx.rehabilitation;
    const two = (x: number) => x.toFixed(2).replace('.', '\\.');
    expect(s.readings[0]).toMatch(
      new RegExp(
        `^rehabilitation / job clarification in SFT vs control: at 9m odds ratio ${two(r.oddsRatio[1])} \\(${two(r.oddsRatioLower[1])} to ${two(r.oddsRatioUpper[1])}\\), ${(100 * r.riskDifference[1]).toFixed(1).replace('.', '\\.')} percentage points, compatible with no difference`,
      ),
    );
    expect(s.readings[1]).toMatch(/^Bed-days: SFT had 1\.37 times the control arm's bed-day rate \(0\.60 to 3\.08\), a difference the data cannot tell from none\. The 16 participants \(5%\) with most bed-days account for 60% of all bed-days/);
    // Without them, the rate ratio at the reading's precision (glmmTMB: exp(−0.361 ± 1.96 · 0.418)).
    const W = fx.bedDays.withoutTop;
    const rr = (x: number) => Math.exp(x).toFixed(2).replace('.', '\\.');
    expect(s.readings[1]).toMatch(
      new RegExp(`without them, SFT had ${rr(W.logRateRatio)} times the control arm's bed-day rate \\(${rr(W.logRateRatio - 1.959964 * W.se)} to ${rr(W.logRateRatio + 1.959964 * W.se)}\\)`),
    );
    const md = renderMarkdown(model);
    expect(md).toContain('## Register outcomes');
    expect(md).not.toMatch(/NaN|Infinity|undefined/);
    const withoutFigures = buildReportModel(analysis, { figures: false }).sections.find((x) => x.id === 'register')!;
    expect(withoutFigures.figures).toHaveLength(0);
  });
});

describe('register section: plan and data problems', () => {
  it('the plan is checked up front (unknown categories, population risk differences with the group term, arms)', () => {
    const bad = (register: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
      try {
        parseAnalysisPlan({ ...basePlan(register), ...extra });
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as ValidationError).issues.map((i) => i.field);
      }
      return [];
    };
    expect(bad({ statuses: ['a', 'b'], contrasts: ['c'] })).toEqual(['register.contrasts[0]']);
    expect(bad({ bedDays: { topShare: 0.7 } })).toEqual(['register.bedDays.topShare']);
    expect(bad({ riskDifferenc: 'population' })).toEqual(['register.riskDifferenc']);
    expect(bad({ riskDifference: 'population' }, { model: { type: 'mixed', partialNesting: { treated: 'SFT' } } })).toEqual(['register.riskDifference']);
    expect(bad({}, { design: { ...design, arms: ['control', 'SFT', 'other'] } })).toEqual(['register']);
    expect(parseAnalysisPlan(basePlan({})).register).toMatchObject({ therapyGroup: true, riskDifference: 'conditional', bedDays: { topShare: 0.05, vcov: 'classical' } });
  });

  it('fails (typed error in the results) without a register table; not estimable rows never hold numbers', async () => {
    const plain = validateTrial({ participants: trial.participants as never, measurements: trial.measurements as never }, { design: planDesign(parseAnalysisPlan(basePlan({}))) });
    const a = await analyzeTrial(plain, basePlan({ contrasts: [], bedDays: null }));
    expect(a.register).toMatchObject({ status: 'failed', error: { name: 'ArgumentError', code: 'ARGUMENT' } });
    expect(a.diagnostics.map((d) => d.code)).toContain('section-failed');
    expect(buildReportModel(a).sections.find((x) => x.id === 'register')!.readings[0]).toMatch(/^Failed: ArgumentError/);
  });

  it('a category nobody is in, and bed-days all zero, are not estimable with the reason', async () => {
    const register = trial.register!.map((r) => ({ id: r.id, week: r.week, status: r.status === 'work_education' ? 'rehabilitation' : r.status, admissions: 0, bed_days: 0, days_at_risk: r.daysAtRisk }));
    const t = validateTrial({ participants: trial.participants as never, measurements: trial.measurements as never, register }, { design });
    const a = await analyzeTrial(t, basePlan({ contrasts: ['work_education'], riskDifference: 'population' }));
    const s = (a.register as { result: RegisterSection }).result;
    expect(s.contrasts[0]).toMatchObject({ estimable: false, rows: [], reason: expect.stringContaining('nothing to contrast') });
    expect(s.bedDays!.all.rateRatio).toMatchObject({ estimable: false, estimate: null, reason: expect.stringContaining('no participant has a bed-day') });
    const md = renderMarkdown(buildReportModel(a));
    expect(md).toContain('not estimable: every status row is outside the category');
    expect(md).not.toMatch(/NaN/);
  });
});
