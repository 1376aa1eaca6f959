/**
 * Properties of the OLS linear-model view beyond the R fixtures: the one-row HTZ test is the
 * squared t test with the contrast's Satterthwaite df; HTZ is invariant to re-expressing the
 * hypothesis (C → AC) and drops redundant rows; the df choices per ddf; interaction contrasts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contrast, interactionContrast } from '../../../src/models/emmeans/contrast.js';
import { marginalMeans } from '../../../src/models/emmeans/marginal-means.js';
import { linearModelView } from '../../../src/models/emmeans/view.js';
import { fitOls } from '../../../src/models/ols/fit.js';

const fx = JSON.parse(readFileSync(new URL('../../fixtures/r/subgroups/ols-emmeans.json', import.meta.url), 'utf8'));
const data = fx.fits.full.data;
const fit = (o = {}) => fitOls('score ~ baseline + arm * visit * sg', data.columns, { levels: data.factorLevels, ...o });
const cr2 = fit({ vcov: 'CR2', cluster: 'cluster' });

describe('HTZ and Satterthwaite df for contrasts', () => {
  const view = linearModelView(cr2);
  const r = cr2.fixedEffects.length;
  const unit = (j: number) => Float64Array.from({ length: r }, (_, k) => (k === j ? 1 : 0));

  it('one row: F = t² and the denominator df are the coefficient’s Satterthwaite df', () => {
    for (const j of [1, 2, 5, 9, 12]) {
      const row = cr2.fixedEffects[j]!;
      const res = view.dfF!([unit(j)]);
      expect(res.numDf).toBe(1);
      expect(res.F).toBeCloseTo(row.statistic! ** 2, 10);
      expect(res.denDf!).toBeCloseTo(row.df!, 9);
      expect(view.df!(unit(j))).toBeCloseTo(row.df!, 9);
    }
  });

  it('is invariant to an invertible recombination of the rows, and drops redundant rows', () => {
    const C = [unit(7), unit(8), unit(11)];
    const A = [
      [2, -1, 0.5],
      [0, 1, 3],
      [1, 1, 1],
    ];
    const AC = A.map((a) => Float64Array.from({ length: r }, (_, k) => a.reduce((s, w, i) => s + w * C[i]![k]!, 0)));
    const t1 = view.dfF!(C);
    const t2 = view.dfF!(AC);
    expect(t2.numDf).toBe(3);
    expect(t2.F).toBeCloseTo(t1.F, 9);
    expect(t2.denDf).toBeCloseTo(t1.denDf, 8);
    const redundant = view.dfF!([...C, Float64Array.from(C[0]!.map((v, k) => v + C[1]![k]!))]);
    expect(redundant.numDf).toBe(3);
    expect(redundant.F).toBeCloseTo(t1.F, 9);
    expect(redundant.denDf).toBeCloseTo(t1.denDf, 8);
  });

  it('a contrast’s df lies between those of its parts and is not the residual df', () => {
    const c = Float64Array.from(unit(8).map((v, k) => v - unit(9)[k]!));
    const df = view.df(c);
    expect(df).toBeGreaterThan(1);
    expect(df).toBeLessThan(cr2.dfResidual / 2);
  });
});

describe('ddf choices', () => {
  it('classical: residual df for every contrast, Satterthwaite requests fall back to it', () => {
    const f = fit();
    const mm = marginalMeans(f, ['arm', 'visit']);
    expect(mm.rows.every((x) => x.df === f.dfResidual)).toBe(true);
    expect(marginalMeans(f, ['arm'], { ddf: 'Satterthwaite' }).rows[0]!.df).toBe(f.dfResidual);
    expect(marginalMeans(f, ['arm'], { ddf: 'asymptotic' }).rows[0]!.df).toBe(Infinity);
  });

  it('HC1 with the default residual df, CR1 with naive-t (G − 1)', () => {
    const hc = fit({ vcov: 'HC1' });
    expect(marginalMeans(hc, ['arm']).rows[0]!.df).toBe(hc.dfResidual);
    const cr1 = fit({ vcov: 'CR1', cluster: 'cluster', ddf: 'naive-t' });
    expect(marginalMeans(cr1, ['arm']).rows[0]!.df).toBe(cr1.cluster!.nClusters - 1);
    expect(marginalMeans(cr1, ['arm']).ddf).toBe(`naive-t (G − 1 = ${cr1.cluster!.nClusters - 1})`);
  });
});

describe('interaction contrasts on OLS', () => {
  it('the difference in arm effects between visits equals the difference of the by-visit contrasts', () => {
    const mm = marginalMeans(cr2, ['arm', 'visit']);
    const byVisit = contrast(marginalMeans(cr2, ['arm', 'visit'], { by: ['visit'] }), 'revpairwise');
    const ic = interactionContrast(mm, { arm: 'revpairwise', visit: 'trt.vs.ctrl' });
    expect(ic.rows).toHaveLength(1);
    expect(ic.rows[0]!.estimate!).toBeCloseTo(byVisit.rows[1]!.estimate! - byVisit.rows[0]!.estimate!, 10);
    expect(ic.rows[0]!.df).toBeGreaterThan(1);
    expect(ic.ddf).toMatch(/Satterthwaite \(CR2/);
  });
});
