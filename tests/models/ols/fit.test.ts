/**
 * fitOls beyond the R fixture: closed forms worked out by hand or published with clubSandwich,
 * agreement between the code paths that must give the same numbers, the missing-cluster
 * policy, the accepted data forms, diagnostics, and bad input.
 */
import * as aq from 'arquero';
import { describe, expect, it } from 'vitest';
import { ArgumentError, FormulaError } from '../../../src/errors/index.js';
import { fitOls } from '../../../src/models/ols/fit.js';
import { createRng } from '../../../src/random/rng.js';
import { expectRel, loadFixture } from '../fixture-helpers.js';
import { thrown } from '../../thrown.js';

const fx = loadFixture('ols');
const mtcars: Record<string, unknown[]> = fx.data.mtcars.columns;
const sft9: Record<string, unknown[]> = fx.data.sft9.columns;

describe('fitOls: documented example', () => {
  it('fits the SFT trial at 9 months with therapy groups as clusters and controls as singletons', () => {
    const fit = fitOls('score ~ arm + baseline', sft9, {
      vcov: 'CR2',
      cluster: 'therapy_group',
      clusterMissing: 'singleton',
    });
    const arm = fit.fixedEffects[1]!;
    expect(arm.term).toBe('armSFT');
    // clubSandwich::coef_test(fit9, vcov = 'CR2', cluster = sft9$cluster): 1.36621, SE 1.65276, df 63.126
    expectRel(arm.estimate, 1.3662107799529, 1e-10, 0, 'estimate');
    expectRel(arm.se, 1.65275620448744, 1e-10, 0, 'se');
    expectRel(arm.df, 63.1259729301466, 1e-8, 0, 'df');
    expect(fit.cluster).toEqual({ variable: 'therapy_group', nClusters: 132, nSingletons: 113, minSize: 1, maxSize: 9 });
  });
});

describe('fitOls: closed forms', () => {
  it('computes R², F and the coefficient of a model without intercept as R defines them (uncentred)', () => {
    // y = 1..4 on a constant column without intercept: β = 2.5, RSS = 5, Σŷ² = 25,
    // R² = 25 / 30, F = (25 / 1) / (5 / 3) = 15 on 1 and 3 df, as summary(lm(y ~ 0 + x)).
    const fit = fitOls('y ~ 0 + x', { y: [1, 2, 3, 4], x: [1, 1, 1, 1] });
    expect(fit.fixedEffects.map((r) => r.term)).toEqual(['x']);
    expectRel(fit.fixedEffects[0]!.estimate, 2.5, 1e-14, 0, 'beta');
    expectRel(fit.rSquared, 25 / 30, 1e-14, 0, 'R²');
    expectRel(fit.adjRSquared, 1 - (5 / 30) * (4 / 3), 1e-14, 0, 'adjusted R²');
    expect(fit.fStatistic).toMatchObject({ numDf: 1, denDf: 3 });
    expectRel(fit.fStatistic!.statistic, 15, 1e-13, 0, 'F');
    expectRel(fit.sigma, Math.sqrt(5 / 3), 1e-14, 0, 'sigma');
  });

  it('has no F test for an intercept-only model, as summary.lm', () => {
    const fit = fitOls('y ~ 1', { y: [1, 2, 4, 8] });
    expect(fit.fStatistic).toBeNull();
    expect(fit.rSquared).toBe(0);
    expectRel(fit.fixedEffects[0]!.estimate, 3.75, 1e-14, 0, 'mean');
  });

  it('gives intervals estimate ± qt(0.975, df)·se and honours ciLevel', () => {
    const fit = fitOls('mpg ~ wt + hp + cyl', mtcars, { factors: ['cyl'] });
    const wt = fit.fixedEffects[1]!;
    // qt(0.975, 27) = 2.051830516480284 in R.
    expectRel((wt.ci![1] - wt.ci![0]) / (2 * wt.se!), 2.051830516480284, 1e-9, 0, 't quantile');
    expectRel((wt.ci![0] + wt.ci![1]) / 2, wt.estimate!, 1e-14, 0, 'centre');
    const f90 = fitOls('mpg ~ wt + hp + cyl', mtcars, { factors: ['cyl'], ciLevel: 0.9 });
    // qt(0.95, 27) = 1.703288445722127.
    const w90 = f90.fixedEffects[1]!;
    expect(w90.ciLevel).toBe(0.9);
    expectRel((w90.ci![1] - w90.ci![0]) / (2 * w90.se!), 1.703288445722127, 1e-9, 0, 't quantile 90%');
  });

  describe('cluster-robust intercept-only model against clubSandwich’s published formulas', () => {
    // clubSandwich tests/testthat/test_intercept_formulas.R: for y ~ 1 with clusters of sizes n_j,
    // CR0 variance Σ n_j²(ȳ_j − ȳ)² / N², CR1 = m/(m − 1)·CR0, both with
    // df = (N² − Σn_j²)² / (N²Σn_j² − 2NΣn_j³ + (Σn_j²)²); CR2 variance Σ n_j²(ȳ_j − ȳ)²/(1 − n_j/N) / N²
    // with df = N² / (N²Σ n_j²/(N − n_j)² − 2NΣ n_j³/(N − n_j)² + (Σ n_j²/(N − n_j))²).
    // CR3 (derived the same way: (I − J/N)⁻¹ = I + J/(N − n_j)): Σ n_j²(ȳ_j − ȳ)²/(1 − n_j/N)² / N².
    const rng = createRng(20190513);
    const m = 14;
    const sizes = Array.from({ length: m }, () => 1 + rng.int(9));
    const y: number[] = [];
    const g: string[] = [];
    sizes.forEach((nj, j) => {
      const u = rng.normal() * Math.sqrt(0.2);
      for (let i = 0; i < nj; i++) {
        y.push(5 + u + rng.normal() * Math.sqrt(0.8));
        g.push(`c${j}`);
      }
    });
    const N = y.length;
    const ybar = y.reduce((a, b) => a + b, 0) / N;
    const means = sizes.map((_, j) => {
      const v = y.filter((_, i) => g[i] === `c${j}`);
      return v.reduce((a, b) => a + b, 0) / v.length;
    });
    const sum = (f: (nj: number, j: number) => number) => sizes.reduce((a, nj, j) => a + f(nj, j), 0);
    const s2 = sum((nj) => nj ** 2);
    const s3 = sum((nj) => nj ** 3);

    it('CR0 and CR1: variance and Satterthwaite df', () => {
      const v0 = sum((nj, j) => nj ** 2 * (means[j]! - ybar) ** 2) / N ** 2;
      const df0 = (N ** 2 - s2) ** 2 / (N ** 2 * s2 - 2 * N * s3 + s2 ** 2);
      const cr0 = fitOls('y ~ 1', { y, g }, { vcov: 'CR0', cluster: 'g' }).fixedEffects[0]!;
      const cr1 = fitOls('y ~ 1', { y, g }, { vcov: 'CR1', cluster: 'g' }).fixedEffects[0]!;
      expectRel(cr0.se! ** 2, v0, 1e-12, 0, 'CR0 variance');
      expectRel(cr0.df, df0, 1e-12, 0, 'CR0 df');
      expectRel(cr1.se! ** 2, (m / (m - 1)) * v0, 1e-12, 0, 'CR1 variance');
      expectRel(cr1.df, df0, 1e-12, 0, 'CR1 df');
    });

    it('CR2 and CR3: variance and Satterthwaite df', () => {
      const v2 = sum((nj, j) => (nj ** 2 * (means[j]! - ybar) ** 2) / (1 - nj / N)) / N ** 2;
      const df2 = N ** 2 / (N ** 2 * sum((nj) => nj ** 2 / (N - nj) ** 2) - 2 * N * sum((nj) => nj ** 3 / (N - nj) ** 2) + sum((nj) => nj ** 2 / (N - nj)) ** 2);
      const v3 = sum((nj, j) => (nj ** 2 * (means[j]! - ybar) ** 2) / (1 - nj / N) ** 2) / N ** 2;
      const cr2 = fitOls('y ~ 1', { y, g }, { vcov: 'CR2', cluster: 'g' }).fixedEffects[0]!;
      const cr3 = fitOls('y ~ 1', { y, g }, { vcov: 'CR3', cluster: 'g' }).fixedEffects[0]!;
      expectRel(cr2.se! ** 2, v2, 1e-12, 0, 'CR2 variance');
      expectRel(cr2.df, df2, 1e-12, 0, 'CR2 df');
      expectRel(cr3.se! ** 2, v3, 1e-12, 0, 'CR3 variance');
    });
  });
});

describe('fitOls: code paths that must agree', () => {
  const opts = { levels: { arm: ['control', 'SFT'] } };

  it.each([
    ['HC0', 'CR0'],
    ['HC2', 'CR2'],
    ['HC3', 'CR3'],
  ] as const)('%s equals %s with every participant its own cluster (df included)', (hc, cr) => {
    // HC types without df use one weighted cross-product pass; CR types loop over clusters.
    const a = fitOls('score ~ arm + baseline', sft9, { ...opts, vcov: hc });
    const b = fitOls('score ~ arm + baseline', sft9, { ...opts, vcov: cr, cluster: 'id' });
    const c = fitOls('score ~ arm + baseline', sft9, { ...opts, vcov: hc, ddf: 'Satterthwaite' });
    expect(b.cluster?.nClusters).toBe(sft9.id!.length);
    a.fixedEffects.forEach((row, j) => {
      expectRel(row.se!, b.fixedEffects[j]!.se!, 1e-12, 0, `se ${row.term}`);
      expectRel(c.fixedEffects[j]!.se, row.se!, 1e-12, 0, `se ${row.term}`);
      expectRel(c.fixedEffects[j]!.df!, b.fixedEffects[j]!.df!, 1e-12, 0, `df ${row.term}`);
      expect(row.df).toBe(a.dfResidual);
    });
  });

  it('gives the same fit from rows, columns, an arquero table and a { columns, values } frame', () => {
    const names = ['id', 'arm', 'therapy_group', 'baseline', 'score'];
    const n = sft9.id!.length;
    const rows = Array.from({ length: n }, (_, i) => Object.fromEntries(names.map((k) => [k, sft9[k]![i]])));
    const frame = { columns: names, values: rows.map((r) => names.map((k) => r[k])) };
    const table = aq.table(Object.fromEntries(names.map((k) => [k, sft9[k]!])));
    const o = { ...opts, vcov: 'CR2' as const, cluster: 'therapy_group', clusterMissing: 'singleton' as const };
    const ref = fitOls('score ~ arm + baseline', sft9, o);
    for (const data of [rows, frame, table]) {
      const f = fitOls('score ~ arm + baseline', data, o);
      f.fixedEffects.forEach((row, j) => {
        expect(row.estimate).toBe(ref.fixedEffects[j]!.estimate);
        expectRel(row.se!, ref.fixedEffects[j]!.se!, 1e-13, 0, 'se');
        expectRel(row.df!, ref.fixedEffects[j]!.df!, 1e-12, 0, 'df');
      });
    }
  });

  it('reaches full accuracy on an ill-conditioned design (a covariate far from zero)', () => {
    // x = 2000 + steps of 0.01: plain normal equations are off by ~3e-7 in the slope and
    // ~1.5e-7 in its SE here. The shifted cross-products and the refinement against the rows
    // must recover both. The reference is the same model on the centred covariate: well
    // conditioned, and with the same slope and SE in exact arithmetic.
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 200; i++) {
      x.push(2000 + (i % 20) * 0.01);
      y.push(3 + 5 * (x[i]! - 2000) + Math.sin(i));
    }
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    const xc = x.map((v) => v - mean);
    const g = x.map((_, i) => `c${i % 25}`);
    for (const options of [{ vcov: 'HC2' }, { vcov: 'CR2', cluster: 'g' }] as const) {
      const raw = fitOls('y ~ x', { x, y, g }, options);
      const centred = fitOls('y ~ xc', { xc, y, g }, options);
      const [a, b] = [raw.fixedEffects[1]!, centred.fixedEffects[1]!];
      expectRel(a.estimate, b.estimate, 1e-11, 0, 'slope');
      expectRel(a.se!, b.se!, 1e-11, 0, `${options.vcov} se`);
      expectRel(a.df!, b.df!, 1e-11, 0, `${options.vcov} df`);
      // The raw intercept is the centred one minus mean·slope, with the variance that implies.
      const V = centred.vcov;
      const v0 = V[0]![0]! + mean ** 2 * V[1]![1]! - 2 * mean * V[0]![1]!;
      expectRel(raw.fixedEffects[0]!.estimate, centred.fixedEffects[0]!.estimate - mean * b.estimate, 1e-11, 0, 'intercept');
      expectRel(raw.fixedEffects[0]!.se, Math.sqrt(v0), 1e-9, 0, `${options.vcov} intercept se`);
      raw.hatValues.forEach((h, i) => expectRel(h, centred.hatValues[i]!, 1e-11, 0, `leverage ${i}`));
    }
  });
});

describe('fitOls: missing values and clusters', () => {
  it('drops rows with a missing outcome or predictor and says how many', () => {
    const y = [1, 2, null, 4, 5, 7, 6];
    const x = [1, 2, 3, null, 5, 6, 8];
    const fit = fitOls('y ~ x', { y, x });
    expect(fit.nObs).toBe(5);
    expect(Array.from(fit.rows)).toEqual([0, 1, 4, 5, 6]);
    const d = fit.diagnostics.find((x) => x.code === 'rows-dropped');
    expect(d?.details).toMatchObject({ total: 2, missingResponse: 1, missingPredictor: { x: 1 } });
  });

  it('names the first row without a cluster id under the default policy', () => {
    const e = thrown(() => fitOls('score ~ arm + baseline', sft9, { vcov: 'CR2', cluster: 'therapy_group' }));
    expect(e).toBeInstanceOf(ArgumentError);
    const first = sft9.therapy_group!.findIndex((v) => v === null);
    expect((e as ArgumentError).argument).toBe(`data[${first}].therapy_group`);
    expect((e as ArgumentError).message).toContain('clusterMissing = "singleton"');
  });

  it('ignores a missing cluster id on a row the fit does not use', () => {
    const data = { y: [1, 3, 2, 5, null, 6, 8, 7], x: [1, 2, 3, 4, 5, 6, 7, 8], g: ['a', 'a', 'b', 'b', null, 'c', 'c', 'd'] };
    const fit = fitOls('y ~ x', data, { vcov: 'CR2', cluster: 'g' });
    expect(fit.cluster).toEqual({ variable: 'g', nClusters: 4, nSingletons: 0, minSize: 1, maxSize: 2 });
  });

  it('treats numeric cluster ids, plain or in an integer typed array, as labels', () => {
    const byNumber = fitOls('mpg ~ wt', mtcars, { vcov: 'CR2', cluster: 'gear' });
    const byText = fitOls('mpg ~ wt', { ...mtcars, gearText: mtcars.gear!.map((g) => `gear ${g}`) }, { vcov: 'CR2', cluster: 'gearText' });
    const byInt32 = fitOls('mpg ~ wt', { ...mtcars, gearInt: Int32Array.from(mtcars.gear as number[]) }, { vcov: 'CR2', cluster: 'gearInt' });
    expect(byNumber.cluster?.nClusters).toBe(3);
    for (const other of [byText, byInt32]) {
      expect(other.cluster?.nClusters).toBe(3);
      other.fixedEffects.forEach((row, j) => {
        expectRel(row.se!, byNumber.fixedEffects[j]!.se!, 1e-13, 0, 'se');
        expectRel(row.df!, byNumber.fixedEffects[j]!.df!, 1e-13, 0, 'df');
      });
    }
  });

  it('flags an essentially perfect fit, as summary.lm warns', () => {
    const x = [1, 2, 3, 4, 5, 6];
    const exact = fitOls('y ~ x', { x, y: x.map((v) => 1 + 2 * v) });
    expect(exact.diagnostics.map((d) => d.code)).toContain('perfect-fit');
    const noisy = fitOls('y ~ x', { x, y: x.map((v, i) => 1 + 2 * v + (i % 2 ? 0.1 : -0.1)) });
    expect(noisy.diagnostics.map((d) => d.code)).not.toContain('perfect-fit');
  });

  it('flags few clusters for CR0/CR1 and small Satterthwaite df', () => {
    const fit = fitOls('mpg ~ wt + hp', mtcars, { vcov: 'CR1', cluster: 'gear' });
    const codes = fit.diagnostics.map((d) => d.code);
    expect(codes).toContain('few-clusters');
    expect(codes).toContain('small-df');
    const cr2 = fitOls('mpg ~ wt + hp', mtcars, { vcov: 'CR2', cluster: 'gear' });
    expect(cr2.diagnostics.map((d) => d.code)).not.toContain('few-clusters');
  });

  it('uses a pseudo-inverse, with a diagnostic, when one cluster alone determines a coefficient', () => {
    // site = 1 only in cluster "A": the site coefficient is fitted exactly by that cluster, so
    // I − H_AA is singular; clubSandwich's matrix_power then gives that direction zero weight.
    const rng = createRng(7);
    const n = 40;
    const g = Array.from({ length: n }, (_, i) => `c${Math.floor(i / 4)}`);
    const site = g.map((c) => (c === 'c0' ? 1 : 0));
    const x = Array.from({ length: n }, () => rng.normal());
    const y = x.map((v, i) => 1 + v + 2 * site[i]! + rng.normal());
    const fit = fitOls('y ~ x + site', { y, x, site, g }, { vcov: 'CR2', cluster: 'g' });
    const d = fit.diagnostics.find((x) => x.code === 'leverage-one');
    expect(d?.details).toEqual({ units: ['c0'] });
    for (const row of fit.fixedEffects) expect(Number.isFinite(row.se)).toBe(true);
    const hc = fitOls('y ~ x + lone', { y, x, lone: x.map((_, i) => (i === 5 ? 1 : 0)) }, { vcov: 'HC3' });
    expect(hc.diagnostics.find((x) => x.code === 'leverage-one')?.details).toEqual({ units: ['row 5'] });
    expect(hc.hatValues[5]).toBeCloseTo(1, 12);
  });
});

describe('fitOls: bad input', () => {
  it('rejects a column that is not in the data with a FormulaError naming it', () => {
    const e = thrown(() => fitOls('mpg ~ wt + horsepower', mtcars));
    expect(e).toBeInstanceOf(FormulaError);
    expect((e as FormulaError).message).toContain('"horsepower"');
    expect((e as FormulaError).position).toBe(11);
  });

  it('rejects data in which every outcome is missing', () => {
    const e = thrown(() => fitOls('y ~ x', { y: [null, null, null], x: [1, 2, 3] }));
    expect(e).toBeInstanceOf(ArgumentError);
    expect((e as ArgumentError).argument).toBe('data.y');
    expect((e as ArgumentError).value).toBe('all values missing');
  });

  it('rejects a non-numeric response', () => {
    const e = thrown(() => fitOls('model ~ wt', mtcars));
    expect(e).toBeInstanceOf(ArgumentError);
    expect((e as ArgumentError).expected).toContain('numeric response');
  });

  it('rejects fewer rows than design columns, and a fit without residual df', () => {
    const e = thrown(() => fitOls('y ~ a + b + c', { y: [1, 2, 3], a: [1, 2, 4], b: [3, 1, 2], c: [0, 1, 1] }));
    expect(e).toBeInstanceOf(ArgumentError);
    expect((e as ArgumentError).expected).toContain('4 design columns');
    const exact = thrown(() => fitOls('y ~ a + b', { y: [1, 2, 3], a: [1, 2, 4], b: [3, 1, 2] }));
    expect(exact).toBeInstanceOf(ArgumentError);
    expect((exact as ArgumentError).expected).toContain('residual variance');
  });

  it('rejects random-effects terms (fitLmm fits those)', () => {
    expect(() => fitOls('score ~ arm + (1 | id)', sft9)).toThrow(/fitLmm/);
  });

  it('rejects inconsistent covariance options', () => {
    const cases: [Parameters<typeof fitOls>[2], string][] = [
      [{ vcov: 'CR2' }, 'options.cluster'],
      [{ cluster: 'gear' }, 'options.vcov'],
      [{ vcov: 'HC4' as never }, 'options.vcov'],
      [{ vcov: 'CR2', cluster: 'no_such_column' }, 'options.cluster'],
      [{ vcov: 'HC1', ddf: 'naive-t' }, 'options.ddf'],
      [{ ddf: 'Satterthwaite' }, 'options.ddf'],
      [{ ddf: 'KR' as never }, 'options.ddf'],
      [{ ciLevel: 95 }, 'options.ciLevel'],
      [{ vcov: 'CR2', cluster: 'gear', clusterMissing: 'drop' as never }, 'options.clusterMissing'],
    ];
    for (const [options, argument] of cases) {
      const e = thrown(() => fitOls('mpg ~ wt', mtcars, options));
      expect(e, JSON.stringify(options)).toBeInstanceOf(ArgumentError);
      expect((e as ArgumentError).argument, JSON.stringify(options)).toBe(argument);
    }
  });

  it('rejects a cluster-robust covariance with a single cluster', () => {
    const e = thrown(() => fitOls('mpg ~ wt', { ...mtcars, one: mtcars.mpg!.map(() => 'all') }, { vcov: 'CR1', cluster: 'one' }));
    expect(e).toBeInstanceOf(ArgumentError);
    expect((e as ArgumentError).expected).toContain('at least two clusters');
  });
});
