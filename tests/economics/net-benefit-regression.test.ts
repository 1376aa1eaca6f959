import { describe, expect, it } from 'vitest';
import { costEffectiveness, netBenefitRegression } from '../../src/economics/index.js';
import { ArgumentError } from '../../src/errors/index.js';
import { fixture, fixtureInput, thrown } from './helpers.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

describe('netBenefitRegression against R lm and sandwich', () => {
  const f = fixture();
  const input = fixtureInput();
  for (const type of ['classical', 'HC1', 'CR1'] as const) {
    it(`${type}: coefficients, SEs, df, CI and p-value of the arm term match R (1e-9 relative)`, () => {
      const res = netBenefitRegression(input, { wtp: f.nbr.map((r) => r.wtp), covariates: ['baseline', 'age'], se: type });
      expect(res.seType).toBe(type);
      res.rows.forEach((row, j) => {
        const r = f.nbr[j]!;
        expect(row.coefficients.map((c) => c.name)).toEqual(['(Intercept)', 'treated', 'baseline', 'age']);
        row.coefficients.forEach((c, a) => {
          expect(rel(c.estimate, r.coef[a]!)).toBeLessThan(1e-9);
          expect(rel(c.se!, r[type].se![a]!)).toBeLessThan(1e-9);
        });
        expect(row.df).toBe(r[type].df);
        expect(rel(row.ci[0], r[type].ci_treated[0]!)).toBeLessThan(1e-9);
        expect(rel(row.ci[1], r[type].ci_treated[1]!)).toBeLessThan(1e-9);
        expect(Math.abs(row.pValue - r[type].p_treated)).toBeLessThan(1e-9);
      });
      if (type === 'CR1') expect(res.clusters).toBe(f.nbr[0]!.G);
    });
  }

  it('defaults to CR1 when the treated arm has therapy groups, and states it', () => {
    const res = netBenefitRegression(input, { wtp: [0] });
    expect(res.seType).toBe('CR1');
    expect(res.method).toContain('CR1 cluster-robust');
  });

  it('without covariates the arm coefficient is λΔE − ΔC of the bootstrap analysis, with R’s classical SE', async () => {
    const res = netBenefitRegression(input, { wtp: [0, 20000], se: 'classical' });
    const ce = await costEffectiveness(input, { wtp: [0, 20000], replicates: 200, threads: 1 });
    res.rows.forEach((row, j) => {
      expect(row.estimate).toBeCloseTo(ce.netBenefit[j]!.estimate, 6);
      expect(rel(row.estimate, f.nbr_plain[j]!.estimate)).toBeLessThan(1e-9);
      expect(rel(row.se, f.nbr_plain[j]!.se)).toBeLessThan(1e-9);
    });
  });

  it('the parametric acceptability P(INB > 0) rises with λ when ΔE > 0 and equals the t CDF at the statistic', () => {
    const res = netBenefitRegression(input, { wtp: [0, 10000, 50000], se: 'classical' });
    const p = res.rows.map((r) => r.probabilityCostEffective);
    expect(p[0]).toBeLessThan(p[1]!);
    expect(p[1]).toBeLessThan(p[2]!);
    // Two-sided p and one-sided probability are consistent: p = 2·min(P, 1 − P).
    for (const r of res.rows) expect(r.pValue).toBeCloseTo(2 * Math.min(r.probabilityCostEffective, 1 - r.probabilityCostEffective), 12);
  });

  it('drops an aliased covariate with a diagnostic, as lm reports NA', () => {
    const effects = input.effects.map((r) => ({ ...r, covariates: { ...r.covariates, age2: 2 * (r.covariates!['age'] as number) } }));
    const res = netBenefitRegression({ participants: input.participants, effects }, { wtp: [0], covariates: ['age', 'age2'], se: 'classical' });
    expect(res.diagnostics.find((d) => d.code === 'rank-deficient')?.details).toEqual({ dropped: ['age2'] });
    expect(res.rows[0]!.coefficients.map((c) => c.name)).toEqual(['(Intercept)', 'treated', 'age']);
  });

  it('bad input: unknown covariate, non-increasing grid → ArgumentError', () => {
    expect((thrown(() => netBenefitRegression(input, { covariates: ['height'] })) as ArgumentError).argument).toBe('covariates');
    expect((thrown(() => netBenefitRegression(input, { wtp: [10, 10] })) as ArgumentError).argument).toBe('wtp[1]');
  });
});
