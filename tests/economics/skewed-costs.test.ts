/**
 * Gamma and two-part cost models against R (tests/fixtures/r/economics/skewed-costs.R: glm with
 * Gamma(link = "log") and binomial, recycled predictions and delta-method SEs written out in R,
 * clubSandwich CR2), a coverage simulation with known truth, and the bad-input paths.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gammaCostModel, twoPartCostModel, type CostParticipant, type EffectRecord, type TwoPartCostModelResult } from '../../src/economics/index.js';
import { ArgumentError, ValidationError } from '../../src/errors/index.js';
import { createRng } from '../../src/random/rng.js';
import { gammaVariate as gammaDraw } from '../../src/random/variates.js';

interface DeltaRef {
  se_mean_control: number;
  se_mean_treated: number;
  se_diff: number;
}
interface GammaRef {
  coef: number[];
  dispersion: number;
  mean_control: number;
  mean_treated: number;
  diff: number;
  ratio: number;
  classical: DeltaRef & { se_coef: number[]; se_log_ratio: number };
  CR2: DeltaRef & { se_coef: number[]; se_log_ratio: number };
}
interface TwoPartRef {
  logit_coef: number[];
  gamma_coef: number[];
  mean_control: number;
  mean_treated: number;
  diff: number;
  p_any_control: number;
  p_any_treated: number;
  classical: DeltaRef & { se_logit: number[]; se_gamma: number[] };
  CR2: DeltaRef & { se_logit: number[]; se_gamma: number[] };
}
interface SkewedFixture {
  meta: { n: number; n_zero: number };
  participants: { id: string; arm: string; group: string | null; baseline: number; cost: number }[];
  gamma: Record<'unadjusted' | 'adjusted', GammaRef>;
  two_part: Record<'unadjusted' | 'adjusted', TwoPartRef>;
  raw_means: { control: number; treated: number };
}

const fx = JSON.parse(readFileSync(new URL('../fixtures/r/economics/skewed-costs.json', import.meta.url), 'utf8')) as SkewedFixture;
const participants: CostParticipant[] = fx.participants.map((p) => ({ id: p.id, arm: p.arm, group: p.group ?? null, costs: { healthcare: p.cost } }));
const covariates: EffectRecord[] = fx.participants.map((p) => ({ id: p.id, covariates: { bk: p.baseline / 1000 } }));
const positives = participants.filter((p) => p.costs.healthcare! > 0);
const positiveCovariates = covariates.filter((c) => positives.some((p) => p.id === c.id));

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
// Relative error for derived quantities; coefficients are compared in units of their SE (a
// covariate coefficient near 0 has a large relative error at a 1e-9 absolute one).
const REL = 1e-8;

function expectCoefficients(rows: readonly { estimate: number | null; se: number | null }[], coef: readonly number[], se: readonly number[]): void {
  expect(rows.length).toBe(coef.length);
  rows.forEach((r, j) => {
    expect(Math.abs(r.estimate! - coef[j]!) / r.se!).toBeLessThan(REL);
    expect(rel(r.se!, se[j]!)).toBeLessThan(REL);
  });
}

/** Recycled means per arm and their difference, with delta-method SEs. */
function expectRecycled(
  res: { arms: { estimate: number | null; se: number | null }[]; difference: { estimate: number | null; se: number | null } },
  ref: { mean_control: number; mean_treated: number; diff: number },
  se: DeltaRef,
): void {
  expect(rel(res.arms[0]!.estimate!, ref.mean_control)).toBeLessThan(REL);
  expect(rel(res.arms[1]!.estimate!, ref.mean_treated)).toBeLessThan(REL);
  expect(rel(res.arms[0]!.se!, se.se_mean_control)).toBeLessThan(REL);
  expect(rel(res.arms[1]!.se!, se.se_mean_treated)).toBeLessThan(REL);
  expect(rel(res.difference.estimate!, ref.diff)).toBeLessThan(REL);
  expect(rel(res.difference.se!, se.se_diff)).toBeLessThan(REL);
}

function estimable(r: TwoPartCostModelResult) {
  if (!r.estimable) throw new Error(r.reason);
  return r;
}

describe('gammaCostModel against R glm(Gamma(link = "log")) with recycled predictions', () => {
  for (const adj of ['unadjusted', 'adjusted'] as const) {
    for (const vcov of ['classical', 'CR2'] as const) {
      it(`${adj}, ${vcov}: means, difference, ratio and their SEs`, () => {
        const ref = fx.gamma[adj];
        const res = gammaCostModel(
          { participants: positives, covariates: positiveCovariates },
          { control: 'control', covariates: adj === 'adjusted' ? ['bk'] : [], vcov },
        );
        expect(res.n).toBe(positives.length);
        expectCoefficients(res.coefficients, ref.coef, ref[vcov].se_coef);
        expect(rel(res.dispersion, ref.dispersion)).toBeLessThan(REL);
        expectRecycled(res, ref, ref[vcov]);
        expect(rel(res.ratioOfMeans.estimate, ref.ratio)).toBeLessThan(REL);
        expect(rel(res.ratioOfMeans.se!, ref.ratio * ref[vcov].se_log_ratio)).toBeLessThan(REL);
        // With a log link the recycled means are in the ratio exp(β_arm) exactly.
        expect(rel(res.arms[1]!.estimate / res.arms[0]!.estimate, res.ratioOfMeans.estimate)).toBeLessThan(1e-12);
        const z = 1.959963984540054;
        expect(res.difference.ci![1] - res.difference.estimate!).toBeCloseTo(z * res.difference.se!, 6);
        expect(res.vcovType).toBe(vcov);
      });
    }
  }

  it('defaults to CR2 when the treated arm has therapy groups', () => {
    const res = gammaCostModel({ participants: positives }, { control: 'control' });
    expect(res.vcovType).toBe('CR2');
    expect(rel(res.difference.se!, fx.gamma.unadjusted.CR2.se_diff)).toBeLessThan(REL);
  });
});

describe('twoPartCostModel against R (glm binomial × glm Gamma(log) on the positives)', () => {
  for (const adj of ['unadjusted', 'adjusted'] as const) {
    for (const vcov of ['classical', 'CR2'] as const) {
      it(`${adj}, ${vcov}: combined means, difference and delta-method SEs`, () => {
        const ref = fx.two_part[adj];
        const res = estimable(twoPartCostModel({ participants, covariates }, { control: 'control', covariates: adj === 'adjusted' ? ['bk'] : [], vcov, replicates: 0 }));
        expectCoefficients(res.anyCost!, ref.logit_coef, ref[vcov].se_logit);
        expectCoefficients(res.positiveCost, ref.gamma_coef, ref[vcov].se_gamma);
        expect(rel(res.arms[0]!.probabilityAny, ref.p_any_control)).toBeLessThan(REL);
        expect(rel(res.arms[1]!.probabilityAny, ref.p_any_treated)).toBeLessThan(REL);
        expectRecycled(res, ref, ref[vcov]);
        expect(res.arms.map((a) => a.zeros).reduce((s, z) => s + z, 0)).toBe(fx.meta.n_zero);
        expect(res.bootstrap).toBeNull();
      });
    }
  }

  it('without covariates the combined means are the raw arm means (share positive × mean of positives)', () => {
    const res = estimable(twoPartCostModel({ participants }, { control: 'control', replicates: 0 }));
    expect(rel(res.arms[0]!.estimate, fx.raw_means.control)).toBeLessThan(1e-9);
    expect(rel(res.arms[1]!.estimate, fx.raw_means.treated)).toBeLessThan(1e-9);
  });

  it('with no zero costs reduces to the gamma model and says so', () => {
    const tp = estimable(twoPartCostModel({ participants: positives, covariates: positiveCovariates }, { control: 'control', covariates: ['bk'], vcov: 'classical', replicates: 0 }));
    const gm = gammaCostModel({ participants: positives, covariates: positiveCovariates }, { control: 'control', covariates: ['bk'], vcov: 'classical' });
    expect(tp.diagnostics.some((d) => d.code === 'no-zero-costs')).toBe(true);
    expect(tp.anyCost).toBeNull();
    expect(tp.difference.estimate).toBeCloseTo(gm.difference.estimate, 8);
    expect(tp.difference.se!).toBeCloseTo(gm.difference.se!, 8);
    expect(tp.arms[1]!.probabilityAny).toBe(1);
  });

  it('all costs 0 in an arm: not estimable, with the reason', () => {
    const zeroed = participants.map((p) => (p.arm === 'control' ? { ...p, costs: { healthcare: 0 } } : p));
    const res = twoPartCostModel({ participants: zeroed }, { control: 'control', replicates: 0 });
    expect(res.estimable).toBe(false);
    if (!res.estimable) expect(res.reason).toMatch(/^not estimable: every cost in arm "control" is 0/);
  });
});

describe('two-part bootstrap', () => {
  const run = (seed: number) => estimable(twoPartCostModel({ participants, covariates }, { control: 'control', covariates: ['bk'], vcov: 'CR2', replicates: 150, seed }));

  it('is bit-identical for the same seed and differs for another', () => {
    const a = run(11);
    const b = run(11);
    const c = run(12);
    expect(a.bootstrap).toEqual(b.bootstrap);
    expect(c.bootstrap!.ci).not.toEqual(a.bootstrap!.ci);
    expect(a.bootstrap!.resample).toEqual({ control: 'individuals', SFT: 'clusters' });
    expect(a.bootstrap!.replicates + a.bootstrap!.failed).toBe(150);
  });

  it('agrees with the cluster-robust delta method within Monte Carlo and finite-sample error', () => {
    const a = run(11);
    // 150 replicates: the SD estimate has a relative SE of about 1/√300 ≈ 6 % (more with kurtosis).
    expect(a.bootstrap!.se / a.difference.se!).toBeGreaterThan(0.75);
    expect(a.bootstrap!.se / a.difference.se!).toBeLessThan(1.3);
    expect(a.bootstrap!.ci[0]).toBeLessThan(a.difference.estimate);
    expect(a.bootstrap!.ci[1]).toBeGreaterThan(a.difference.estimate);
  });
});

describe('two-part mean difference: coverage with known truth', () => {
  it('the delta-method 95 % interval covers the true difference about 95 % of the time', () => {
    // Any cost: logit p = 0.3 − 0.6·t + 0.8·x; positive cost: gamma, shape 0.8, log mean 9 + 0.4·t + 0.5·x; x ~ Bernoulli(½).
    const p = (t: number, x: number) => 1 / (1 + Math.exp(-(0.3 - 0.6 * t + 0.8 * x)));
    const m = (t: number, x: number) => Math.exp(9 + 0.4 * t + 0.5 * x);
    const truth = 0.5 * [0, 1].reduce((s, x) => s + p(1, x) * m(1, x) - p(0, x) * m(0, x), 0);
    const draws = 300;
    const n = 300;
    let covered = 0;
    const rng = createRng(2026);
    for (let r = 0; r < draws; r++) {
      const ps: CostParticipant[] = [];
      const cs: EffectRecord[] = [];
      for (let i = 0; i < n; i++) {
        const t = i < n / 2 ? 0 : 1;
        const x = rng.uniform() < 0.5 ? 1 : 0;
        const cost = rng.uniform() < p(t, x) ? gammaDraw(rng, 0.8) * (m(t, x) / 0.8) : 0;
        ps.push({ id: `p${i}`, arm: t === 1 ? 'T' : 'C', group: null, costs: { c: cost } });
        cs.push({ id: `p${i}`, covariates: { x } });
      }
      const res = estimable(twoPartCostModel({ participants: ps, covariates: cs }, { control: 'C', treated: 'T', covariates: ['x'], replicates: 0 }));
      if (res.difference.ci![0] <= truth && truth <= res.difference.ci![1]) covered++;
    }
    const rate = covered / draws;
    const se = Math.sqrt((0.95 * 0.05) / draws);
    expect(rate).toBeGreaterThan(0.95 - 3 * se);
    expect(rate).toBeLessThan(0.95 + 3 * se);
  });
});

describe('bad input', () => {
  it('a negative cost is a ValidationError naming row and field', () => {
    const bad = participants.map((q, i) => (i === 4 ? { ...q, costs: { healthcare: -10 } } : q));
    try {
      twoPartCostModel({ participants: bad }, { replicates: 0 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues[0]).toMatchObject({ table: 'participants', row: 5, field: 'costs.healthcare', value: -10 });
    }
  });

  it('negative amounts allowed in a category must not make the total negative', () => {
    const bad = participants.map((q, i) => (i === 2 ? { ...q, costs: { healthcare: 5, savings: -20 } } : { ...q, costs: { ...q.costs, savings: 0 } }));
    try {
      twoPartCostModel({ participants: bad }, { allowNegative: ['savings'], replicates: 0 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues[0]).toMatchObject({ row: 3, field: 'costs', value: -15 });
    }
  });

  it('a cost of 0 in the gamma model points to the two-part model', () => {
    expect(() => gammaCostModel({ participants })).toThrow(/twoPartCostModel/);
    expect(() => gammaCostModel({ participants })).toThrow(ArgumentError);
  });

  it('a participant without a covariate value is left out with a diagnostic (complete cases)', () => {
    const partial = covariates.map((c, i) => (i < 3 ? { id: c.id, covariates: { bk: null } } : c));
    const res = twoPartCostModel({ participants, covariates: partial }, { covariates: ['bk'], replicates: 0 });
    expect(res.n).toBe(participants.length - 3);
    expect(res.excluded).toBe(3);
    expect(res.diagnostics.find((d) => d.code === 'incomplete-cases-excluded')?.details).toEqual({ excluded: 3 });
  });

  it('unknown options and covariates are refused', () => {
    expect(() => gammaCostModel({ participants: positives }, { covariate: ['bk'] } as never)).toThrow(/did you mean "covariates"/);
    expect(() => twoPartCostModel({ participants }, { seed: 1, replicate: 10 } as never)).toThrow(/did you mean "replicates"/);
    expect(() => twoPartCostModel({ participants, covariates }, { covariates: ['age'], replicates: 0 })).toThrow(ArgumentError);
    expect(() => twoPartCostModel({ participants }, { replicates: -1 })).toThrow(ArgumentError);
  });
});
