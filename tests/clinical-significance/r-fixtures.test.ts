/**
 * Agreement with tests/fixtures/r/clinical-significance (formulas written out in R; prop.test,
 * chisq.test, fisher.test, ordinal::clm, wilcox.test).
 */
import { describe, expect, it } from 'vitest';
import { clinicalSignificance } from '../../src/clinical-significance/clinical-significance.js';
import { compareClinicalSignificance } from '../../src/clinical-significance/compare.js';
import { probabilityOfSuperiority, proportionalOddsComparison } from '../../src/clinical-significance/ordinal.js';
import { type CategoryCountRow, type ClinicalSignificanceClassification } from '../../src/clinical-significance/types.js';
import { fixture, relErr, worst, type R2x2, type RConfig } from './fixture.js';

const { data } = fixture;
const reflect = (v: number | null) => (v === null ? null : 100 - v);

function run(cfg: RConfig): ClinicalSignificanceClassification {
  const lower = cfg.direction === 'lower-better';
  const norms = lower
    ? {
        clinical: { mean: 100 - data.norms.clinical.mean, sd: data.norms.clinical.sd },
        functional: { mean: 100 - data.norms.functional.mean, sd: data.norms.functional.sd },
      }
    : data.norms;
  const followUp = Object.fromEntries(Object.entries(data.followUp).map(([v, xs]) => [v, lower ? xs.map(reflect) : xs]));
  return clinicalSignificance(
    { baseline: lower ? data.baseline.map(reflect) : data.baseline, followUp, arm: data.arm, id: data.id },
    {
      reliability: data.reliability,
      direction: cfg.direction,
      method: cfg.method,
      baselineSd: cfg.baselineSd,
      cutoff: cfg.cutoff,
      norms,
      arms: ['control', 'SFT'],
    },
  );
}

/** Worst relative error over every number of a configuration, and whether the categories agree. */
function compare(cfg: RConfig) {
  const res = run(cfg);
  let err = 0;
  const numeric = ['baselineMean', 'baselineSd', 'seMeasurement', 'se', 'criticalValue', 'minimumChange', 'followUpMean', 'followUpSd', 'correlation', 'differenceReliability'] as const;
  expect(res.parameters.length).toBe(cfg.parameters.length);
  for (const rp of cfg.parameters) {
    const ours = res.parameters.find((p) => p.visit === rp.visit && p.arm === (rp.arm ?? null));
    expect(ours, `parameters for ${rp.visit}/${rp.arm}`).toBeDefined();
    expect(ours!.n).toBe(rp.n);
    for (const k of numeric) {
      const want = rp[k];
      if (want === null || want === undefined) expect(ours![k]).toBeNull();
      else err = Math.max(err, relErr(ours![k] as number, want));
    }
  }
  if (cfg.cutoffValue === null) expect(res.cutoff).toBeNull();
  else err = Math.max(err, relErr(res.cutoff!.value, cfg.cutoffValue));
  for (const visit of Object.keys(cfg.rows)) {
    const mine = res.rows.filter((r) => r.visit === visit);
    const want = cfg.rows[visit]!;
    expect(mine.map((r) => r.status)).toEqual(want.status);
    expect(mine.map((r) => r.category)).toEqual(want.category);
    mine.forEach((r, i) => {
      const w = want.rci[i];
      if (w === null || w === undefined) expect(r.rci).toBeNull();
      else err = Math.max(err, relErr(r.rci!, w, 1e-12));
    });
  }
  return err;
}

describe('reliable change and categories agree with the formulas computed in R', () => {
  it(`all ${fixture.configs.length} configurations (4 methods × pooled/total/per-arm SD × cut-off a/b/c/none, two visits): categories identical, numbers to 1e-12`, () => {
    let w = 0;
    for (const cfg of fixture.configs) w = Math.max(w, compare(cfg));
    expect(w).toBeLessThan(1e-12);
  });

  it(`lower-better (reflected scale and norms), ${fixture.lowerBetter.length} configurations`, () => {
    let w = 0;
    for (const cfg of fixture.lowerBetter) w = Math.max(w, compare(cfg));
    expect(w).toBeLessThan(1e-12);
  });

  it('the fixture exercises every category and every missing status', () => {
    const cats = new Set(fixture.configs.flatMap((c) => Object.values(c.rows).flatMap((r) => r.category)));
    for (const c of ['recovered', 'improved', 'unchanged', 'deteriorated', 'harmed']) expect(cats.has(c as never)).toBe(true);
    const statuses = new Set(fixture.configs.flatMap((c) => Object.values(c.rows).flatMap((r) => r.status)));
    for (const s of ['classified', 'missing-follow-up', 'missing-baseline', 'missing-both']) expect(statuses.has(s as never)).toBe(true);
  });
});

function check2x2(row: ReturnType<typeof compareClinicalSignificance>['binary'][number], want: R2x2): number {
  expect([row.events.treatment, row.n.treatment, row.events.reference, row.n.reference]).toEqual([want.x1, want.n1, want.x2, want.n2]);
  let w = 0;
  w = Math.max(w, relErr(row.riskDifference.estimate, want.rd, 1e-12), worst(row.riskDifference.ci, want.rdCi, 1e-12));
  w = Math.max(w, relErr(row.riskRatio.estimate, want.rr), worst(row.riskRatio.ci, want.rrCi));
  w = Math.max(w, relErr(row.oddsRatio.estimate, want.or), worst(row.oddsRatio.ci, want.orCi));
  w = Math.max(w, relErr(row.test.smallestExpected, want.smallestExpected));
  const usesFisher = want.chisqP === null || want.smallestExpected < 5;
  if (usesFisher) {
    expect(row.test.method).toMatch(/Fisher/);
    w = Math.max(w, relErr(row.test.pValue, want.fisherP));
  } else {
    expect(row.test.method).toMatch(/χ²/);
    w = Math.max(w, relErr(row.test.pValue, want.chisqP!), relErr(row.test.pValue, want.propTestP!), relErr(row.test.statistic!, want.chisqStatistic!));
  }
  // NNT limits are the reciprocals of the RD limits (Altman 1998), split at 0.
  const [invL, invU] = want.nntInverseLimits;
  if (want.rdCi[0] > 0) w = Math.max(w, worst(row.nnt.ci.nntb!, [invU, invL]));
  else if (want.rdCi[1] < 0) w = Math.max(w, worst(row.nnt.ci.nnth!, [-invU, -invL]));
  else {
    expect(row.nnt.ciIncludesInfinity).toBe(true);
    w = Math.max(w, relErr(row.nnt.ci.nntb![0], invU), relErr(row.nnt.ci.nnth![0], -invL));
    expect(row.nnt.ci.nntb![1]).toBe(Infinity);
    expect(row.nnt.ci.nnth![1]).toBe(Infinity);
  }
  return w;
}

/** A result holding only the counts that compareClinicalSignificance reads. */
function fromCounts(rows: { arm: string; visit: string; counts: Partial<CategoryCountRow> }[], withCutoff: boolean): ClinicalSignificanceClassification {
  const counts: CategoryCountRow[] = rows.map(({ arm, visit, counts: c }) => {
    const cats = { harmed: 0, deteriorated: 0, unchanged: 0, improved: 0, recovered: 0, ...c };
    const classified = cats.harmed + cats.deteriorated + cats.unchanged + cats.improved + cats.recovered;
    return { arm, visit, nParticipants: classified, classified, missingFollowUp: 0, missingBaseline: 0, missingBoth: 0, notClassifiable: 0, ...cats };
  });
  return {
    arms: [...new Set(rows.map((r) => r.arm))],
    visits: [...new Set(rows.map((r) => r.visit))],
    rows: [],
    counts,
    cutoff: withCutoff ? ({ type: 'c', value: 0 } as ClinicalSignificanceClassification['cutoff']) : null,
    baselineSdSource: 'pooled',
    n: counts.reduce((s, c) => s + c.classified, 0),
  } as unknown as ClinicalSignificanceClassification;
}

describe('between-arm comparison agrees with R (prop.test, chisq.test, fisher.test, clm, wilcox.test)', () => {
  const reference = fixture.configs.find((c) => c.method === 'jacobson-truax' && c.baselineSd === 'pooled' && c.cutoff === 'c')!;
  const cmp = compareClinicalSignificance(run(reference));

  it('reliably improved and recovered at both visits: RD (Newcombe), RR, OR, NNT, test: worst relative error < 1e-12', () => {
    let w = 0;
    for (const want of fixture.comparisons) {
      const row = cmp.binary.find((b) => b.visit === want.visit && b.outcome === want.outcome)!;
      w = Math.max(w, check2x2(row, want));
    }
    expect(w).toBeLessThan(1e-12);
  });

  it('further 2 × 2 tables (small counts → Fisher, zero cell, 90 % level, RD interval above 0)', () => {
    let w = 0;
    for (const want of fixture.extra2x2) {
      const events = (x: number, n: number) => ({ improved: x, unchanged: n - x });
      const res = fromCounts(
        [
          { arm: 'control', visit: 'v', counts: events(want.x2, want.n2) },
          { arm: 'SFT', visit: 'v', counts: events(want.x1, want.n1) },
        ],
        false,
      );
      const row = compareClinicalSignificance(res, { ciLevel: want.ciLevel, reference: 'control' }).binary[0]!;
      w = Math.max(w, check2x2(row, want));
    }
    expect(w).toBeLessThan(1e-12);
  });

  it('ordinal comparison at both visits: proportional odds as ordinal::clm (β, SE, thresholds, logLik, LRT) and probability of superiority (Brunner–Munzel, Wilcoxon)', () => {
    const errs = { clm: 0, bm: 0 };
    for (const want of fixture.ordinal) {
      const row = cmp.ordinal.find((o) => o.visit === want.visit)!;
      expect(row.counts.reference).toEqual(want.reference);
      expect(row.counts.treatment).toEqual(want.treatment);
      errs.clm = Math.max(errs.clm, clmError(row.proportionalOdds, want));
      errs.bm = Math.max(errs.bm, bmError(row.superiority, want));
    }
    expect(errs.clm).toBeLessThan(1e-9);
    expect(errs.bm).toBeLessThan(1e-12);
  });

  it('further ordinal tables (empty categories, a 90 % level, small groups)', () => {
    const errs = { clm: 0, bm: 0 };
    for (const want of fixture.extraOrdinal) {
      const po = proportionalOddsComparison(want.reference, want.treatment, { ciLevel: want.ciLevel });
      const ps = probabilityOfSuperiority(want.reference, want.treatment, { ciLevel: want.ciLevel });
      errs.clm = Math.max(errs.clm, clmError(po, want));
      errs.bm = Math.max(errs.bm, bmError(ps, want));
    }
    expect(errs.clm).toBeLessThan(1e-9);
    expect(errs.bm).toBeLessThan(1e-12);
  });
});

function clmError(po: ReturnType<typeof proportionalOddsComparison>, want: (typeof fixture.ordinal)[number]): number {
  expect(po.converged).toBe(true);
  // clm stops at gradTol 1e-10 and its Hessian is analytic: agreement is limited by clm's stopping point.
  return Math.max(
    relErr(po.logOddsRatio, want.clm.beta),
    relErr(po.se, want.clm.se),
    worst(po.thresholds, want.clm.thresholds),
    relErr(po.logLik, want.clm.logLik),
    relErr(po.lrt.statistic, want.clm.lrt),
    relErr(po.lrt.pValue, want.clm.lrtP),
    relErr(po.pValue, want.clm.waldP),
    worst(po.ci, want.clm.ci),
  );
}

function bmError(ps: ReturnType<typeof probabilityOfSuperiority>, want: (typeof fixture.ordinal)[number]): number {
  const bm = want.brunnerMunzel;
  return Math.max(
    relErr(ps.estimate, bm.estimate),
    relErr(ps.se, bm.se),
    relErr(ps.df, bm.df),
    relErr(ps.statistic, bm.statistic, 1e-12),
    relErr(ps.pValue, bm.pValue),
    worst(ps.ci, bm.ci),
    relErr(ps.wilcoxon.statistic, want.wilcoxonW),
    relErr(ps.wilcoxon.pValue, want.wilcoxonP),
  );
}
