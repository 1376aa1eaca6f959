/**
 * Agreement with lme4 / lmerTest / pbkrtest on every committed fixture fit (lme4 converged
 * tightly). Tolerances, and the accuracy reached that they are set from: tests/tolerances.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitLmm } from '../../../src/models/lmm/fit.js';
import { LMM_DF, LMM_FIXED, LMM_OBJECTIVE, LMM_P, LMM_VARIANCE, P_FLOOR } from '../../tolerances.js';
import { expectRel, fixtureColumns, loadFixture, track, worst } from '../fixture-helpers.js';

const files = ['dyestuff', 'penicillin', 'pastes', 'sleepstudy', 'cake', 'sft-lmm', 'edge-cases', 'kr-large'];

/**
 * Level orders R used for columns that were R factors; character columns are left to
 * our default ordering, which must then reproduce R's.
 */
function rFactorLevels(r: any, data: any): Record<string, string[]> {
  const levels: Record<string, string[]> = {};
  for (const [k, v] of Object.entries<string[]>(r.factorLevels ?? {})) {
    if (data.columnTypes?.[k] === 'factor') levels[k] = v;
  }
  return levels;
}

interface Case {
  file: string;
  name: string;
  fit: any;
  data: any;
}
const cases: Case[] = [];
for (const file of files) {
  const fx = loadFixture(file);
  for (const [name, fit] of Object.entries<any>(fx.fits)) {
    const d = fx.data[fit.data];
    // A dataset may reuse another's rows with its factors stored as plain text.
    const data = d.sameRowsAs ? { ...fx.data[d.sameRowsAs], columnTypes: {} } : d;
    cases.push({ file, name, fit, data });
  }
}

describe.each(cases)('$file / $name', ({ fit: r, data }) => {
  const levels = rFactorLevels(r, data);
  let fit!: ReturnType<typeof fitLmm>;
  beforeAll(() => {
    fit = fitLmm(r.formula, fixtureColumns(data), { reml: r.REML, levels });
  });

  it(`reaches the same optimum (objective to ${LMM_OBJECTIVE} relative)`, () => {
    const mine = r.REML ? fit.remlCriterion! : fit.deviance!;
    expectRel(mine, r.objective, LMM_OBJECTIVE, 1, 'objective');
    track('objective', mine, r.objective);
    // The fixture itself is converged: lme4's refit from its optimum gains nothing.
    expect(r.tightRefit.objectiveImprovement).toBeLessThanOrEqual(1e-12 * Math.abs(r.objective));
  });

  it('orders factor levels as R does', () => {
    for (const [k, v] of Object.entries<string[]>(r.factorLevels ?? {})) {
      const isGrouping = Object.keys(r.ngrps).some((g) => g.split(':').includes(k));
      if (isGrouping) continue;
      const names = fit.fixedEffects.map((x) => x.term).join(' ');
      // The reference level never appears in a treatment-contrast column name.
      if (names.includes(k)) expect(names.includes(`${k}${v[0]}`)).toBe(false);
    }
    expect(fit.fixedEffects.map((x) => x.term)).toEqual(r.fixef.term);
  });

  it('has the same observations, groups and dropped columns', () => {
    expect(fit.nObs).toBe(r.nobs);
    expect(fit.nGroups).toEqual(r.ngrps);
    expect(fit.droppedColumns).toEqual(r.droppedColumns ?? []);
    expect(fit.singular).toBe(r.isSingular);
  });

  it(`agrees on fixed effects and standard errors (${LMM_FIXED})`, () => {
    const fe = r.fixef;
    expect(fit.fixedEffects.map((x) => x.term)).toEqual(fe.term);
    fit.fixedEffects.forEach((row, j) => {
      const se = fe.se[j];
      expectRel(row.estimate, fe.estimate[j], LMM_FIXED, se, `estimate ${row.term}`);
      expectRel(row.se, se, LMM_FIXED, 0, `se ${row.term}`);
      track('fixed effect', row.estimate, fe.estimate[j], se);
      track('standard error', row.se, se);
    });
  });

  it(`agrees on variance components (${LMM_VARIANCE}) and fit criteria (${LMM_OBJECTIVE})`, () => {
    const vc = r.varcor;
    const scale = Math.max(...vc.vcov.filter((_: number, i: number) => vc.var2[i] === null).map(Math.abs));
    vc.grp.forEach((g: string, i: number) => {
      if (vc.var2[i] !== null) {
        const c = fit.correlations.find((x) => x.group === g.replace(/\.\d+$/, '') && x.term1 === vc.var1[i] && x.term2 === vc.var2[i]);
        expect(c, `correlation ${g} ${vc.var1[i]} ${vc.var2[i]}`).toBeDefined();
        expectRel(c!.correlation, vc.sdcor[i], LMM_VARIANCE, 1e-2, `correlation ${g}`);
        track('variance component', c!.correlation, vc.sdcor[i], 1e-2);
        return;
      }
      const group = g.replace(/\.\d+$/, '');
      const row = fit.varianceComponents.find((x) => x.group === group && (x.term ?? null) === (vc.var1[i] ?? null));
      expect(row, `variance ${g} ${vc.var1[i]}`).toBeDefined();
      // Zero variances (singular fits) are compared on the scale of the largest one.
      expectRel(row!.variance, vc.vcov[i], LMM_VARIANCE, 1e-6 * scale, `variance ${g} ${vc.var1[i]}`);
      track('variance component', row!.variance, vc.vcov[i], 1e-6 * scale);
    });
    expectRel(fit.logLik, r.logLik, LMM_OBJECTIVE, 1, 'logLik');
    expectRel(fit.aic, r.AIC, LMM_OBJECTIVE, 1, 'AIC');
    expectRel(fit.bic, r.BIC, LMM_OBJECTIVE, 1, 'BIC');
    expect(fit.nParameters).toBe(r.logLikDf);
  });

  it(`agrees on θ (${LMM_VARIANCE} relative, lme4 order and names)`, () => {
    expect(fit.thetaNames).toEqual(r.theta.names);
    const th: number[] = r.theta.values;
    // A θ at the boundary 0 (singular fit) has no relative error: it is judged on the scale of the largest θ.
    const floor = 1e-2 * Math.max(...th.map(Math.abs), 1e-3);
    fit.theta.forEach((t, i) => {
      expectRel(t, th[i]!, LMM_VARIANCE, floor, `theta ${i}`);
      track('theta', t, th[i]!, floor);
    });
  });

  it(`agrees on conditional modes and conditional SDs (${LMM_VARIANCE})`, () => {
    const re = r.ranef;
    const sigmaScale = fit.sigma;
    for (let i = 0; i < re.grp.length; i++) {
      const group = re.grpvar[i].replace(/\.\d+$/, '');
      const tabs = fit.randomEffects.filter((t) => t.group === group && t.terms.includes(re.term[i]));
      expect(tabs.length, `ranef table ${group} ${re.term[i]}`).toBeGreaterThan(0);
      const tab = tabs[0]!;
      const li = tab.levels.indexOf(String(re.grp[i]));
      const ti = tab.terms.indexOf(re.term[i]);
      expect(li, `level ${re.grp[i]}`).toBeGreaterThanOrEqual(0);
      // Modes near 0 are judged on the scale of σ/100.
      expectRel(tab.values[li]![ti]!, re.condval[i], LMM_VARIANCE, 1e-2 * sigmaScale, `ranef ${group} ${re.grp[i]}`);
      expectRel(tab.sd[li]![ti]!, re.condsd[i], LMM_VARIANCE, 1e-2 * sigmaScale, `condsd ${group} ${re.grp[i]}`);
      track('conditional mode', tab.values[li]![ti]!, re.condval[i], 1e-2 * sigmaScale);
      track('conditional SD', tab.sd[li]![ti]!, re.condsd[i], 1e-2 * sigmaScale);
    }
  });

  it(`agrees with lmerTest on Satterthwaite df (${LMM_DF}), t (${LMM_FIXED}) and p-values (${LMM_P})`, () => {
    const st = r.satterthwaite;
    expect(st.df).toHaveLength(fit.fixedEffects.length);
    fit.fixedEffects.forEach((row, j) => {
      expectRel(row.df, st.df[j], LMM_DF, 0, `df ${row.term}`);
      track('Satterthwaite df', row.df, st.df[j]);
      expectRel(row.statistic, st.t[j], LMM_FIXED, 1e-3, `t ${row.term}`);
      expectRel(row.pValue, st.p[j], LMM_P, P_FLOOR, `p ${row.term}`);
      track('Satterthwaite p', row.pValue, st.p[j], P_FLOOR);
    });
  });

  it(`agrees on fitted values (${LMM_FIXED}, floor σ)`, () => {
    const fr = r.fittedRows;
    const idx = new Map<number, number>();
    fit.rows.forEach((row, i) => idx.set(row + 1, i));
    fr.rowIndex.forEach((row: number, k: number) => {
      const i = idx.get(row);
      expect(i, `row ${row}`).toBeDefined();
      expectRel(fit.fitted[i!]!, fr.fitted[k], LMM_FIXED, fit.sigma, `fitted row ${row}`);
    });
  });
});

describe.each(cases.filter((c) => c.fit.kenwardRoger?.df))('$file / $name (Kenward–Roger)', ({ fit: r, data }) => {
  it(`agrees with pbkrtest on the adjusted SEs (${LMM_FIXED}), df (${LMM_DF}) and p-values (${LMM_P})`, () => {
    const levels = rFactorLevels(r, data);
    const fit = fitLmm(r.formula, fixtureColumns(data), { reml: r.REML, levels, ddf: 'Kenward-Roger' });
    const kr = r.kenwardRoger;
    fit.fixedEffects.forEach((row, j) => {
      expectRel(row.se, kr.se[j], LMM_FIXED, 0, `KR se ${row.term}`);
      expectRel(row.df, kr.df[j], LMM_DF, 0, `KR df ${row.term}`);
      expectRel(row.pValue, kr.p[j], LMM_P, P_FLOOR, `KR p ${row.term}`);
      track('Kenward-Roger df', row.df, kr.df[j]);
      track('Kenward-Roger p', row.pValue, kr.p[j], P_FLOOR);
    });
  });
});

afterAll(() => {
  console.log('worst relative error vs R:', JSON.stringify(worst));
});

describe('p-values and intervals', () => {
  it('match lmerTest for the SFT-shaped model', () => {
    const fx = loadFixture('sft-lmm');
    const r = fx.fits.pn_explicit;
    const fit = fitLmm(r.formula, fixtureColumns(fx.data.sft), { levels: { arm: ['control', 'SFT'], visit: ['baseline', '9m', '15m'] } });
    fit.fixedEffects.forEach((row, j) => {
      expectRel(row.pValue, r.satterthwaite.p[j], LMM_P, P_FLOOR, `p ${row.term}`);
      expect(row.ci![0]).toBeLessThan(row.estimate!);
      expect(row.ci![1]).toBeGreaterThan(row.estimate!);
    });
  });
});
