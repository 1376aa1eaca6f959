/**
 * Property tests: a fit's answer does not depend on the origin or unit of any column (issue 10,
 * class 1). Each model is refitted with the response shifted by 1e9 or scaled by 1e-6 or 1e6,
 * and with a covariate shifted or scaled likewise; estimates (mapped back), SEs, df, p-values,
 * variance components (scaled), θ and the REML criterion (shifted by the known log-Jacobian)
 * must agree to 1e-6 relative. Before centring, y + 1e9 gave variance components ×25.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { trialToRows } from '../../src/data/validate.js';
import { contrast } from '../../src/models/emmeans/contrast.js';
import { marginalMeans } from '../../src/models/emmeans/marginal-means.js';
import { fitLmm } from '../../src/models/lmm/fit.js';
import type { LmmFit, LmmOptions } from '../../src/models/lmm/types.js';
import { fitOls } from '../../src/models/ols/fit.js';
import type { OlsOptions } from '../../src/models/ols/types.js';
import { loadSample } from '../descriptives/sample.js';
import { applyTransform, close, closeP, compareFixed, transformsFor, worstSeen, type Transform } from './invariance-helpers.js';

const REL = 1e-6;
const trial = await loadSample();
const levels = { arm: ['control', 'SFT'], visit: ['baseline', '9m', '15m'] };
const months: Record<string, number> = { baseline: 0, '9m': 9, '15m': 15 };
const psp = trialToRows(trial, { instrument: 'PSP' }).map((r) => ({ ...r, months: months[r.visit]! }));
const followUp = psp.filter((r) => r.visit !== 'baseline');
// EQ-5D VAS: its random slopes are not singular (PSP's correlation is estimated at 1).
const vas = trialToRows(trial, { instrument: 'EQ5D_VAS' }).map((r) => ({ ...r, months: months[r.visit]! }));

/** Variance-component, θ and criterion checks for an LMM refit under t (x enters Z only when `zColumn`). */
function compareLmm(a: LmmFit, b: LmmFit, t: Transform, zColumn: string | null): void {
  compareFixed(a.fixedEffects, b.fixedEffects, t, REL);
  const sy = t.y?.scale ?? 1;
  const sx = t.x?.scale ?? 1;
  const n = a.nObs;
  const p = a.fixedEffects.length;
  // Scaling a column of X by s adds 2 log s to log|X'V⁻¹X|; scaling y by s adds 2(n − p) log s
  // to the REML criterion and 2n log s to the ML deviance.
  const xColumns = t.x ? a.fixedEffects.filter((r) => r.term.split(':').includes(t.x!.name)).length : 0;
  const remlShift = 2 * (n - p) * Math.log(sy) + 2 * xColumns * Math.log(sx);
  close(b.remlCriterion! - remlShift, a.remlCriterion!, 1e-9, 1, `criterion REML (${t.label})`);
  close(b.deviance! - 2 * n * Math.log(sy), a.deviance!, 1e-9, 1, `criterion deviance (${t.label})`);
  close(b.sigma / sy, a.sigma, REL, 0, `sigma (${t.label})`);
  const zScale = (term: string | null) => (t.x && zColumn !== null && term === zColumn ? sx : 1);
  a.varianceComponents.forEach((va, i) => {
    const vb = b.varianceComponents[i]!;
    expect([vb.group, vb.term]).toEqual([va.group, va.term]);
    const f = (sy / zScale(va.term)) ** 2;
    // A variance estimated at zero is compared on the scale of the residual variance.
    close(vb.variance / f, va.variance, REL, 1e-8 * a.sigma ** 2, `variance ${va.group} ${va.term} (${t.label})`);
  });
  a.correlations.forEach((ca, i) => close(b.correlations[i]!.correlation!, ca.correlation!, REL, 1e-3, `correlation ${ca.group} (${t.label})`));
  // θ: relative to σ, so only a Z column's unit changes it (λ row scaled by 1/s).
  a.theta.forEach((th, i) => {
    const name = a.thetaNames[i]!;
    const row = name.split('.').slice(1, 2)[0] ?? null;
    close(b.theta[i]! * zScale(row), th, REL, 1e-6, `theta ${name} (${t.label})`);
  });
  // Conditional modes and their SDs.
  a.randomEffects.forEach((ta, k) => {
    const tb = b.randomEffects[k]!;
    expect(tb.levels).toEqual(ta.levels);
    ta.values.forEach((row, l) =>
      row.forEach((v, c) => {
        const f = sy / zScale(ta.terms[c]!);
        close(tb.values[l]![c]! / f, v, REL, ta.sd[l]![c]!, `mode ${ta.group} (${t.label})`);
        close(tb.sd[l]![c]! / f, ta.sd[l]![c]!, REL, 1e-8 * a.sigma, `modeSd ${ta.group} (${t.label})`);
      }),
    );
  });
  expect(b.optimizer.converged).toBe(true);
  expect(b.diagnostics.map((d) => d.code).filter((c) => c === 'not-converged')).toEqual([]);
}

const lmmCases: { name: string; formula: string; rows: Record<string, unknown>[]; options: LmmOptions; covariate: string | null; zColumn: string | null }[] = [
  { name: 'participant random intercept (the reported case)', formula: 'score ~ arm * visit + (1 | id)', rows: psp, options: { levels }, covariate: null, zColumn: null },
  {
    name: 'with a baseline covariate, Kenward–Roger df',
    formula: 'score ~ arm * visit + baseline + (1 | id)',
    rows: followUp,
    options: { levels: { arm: levels.arm, visit: ['9m', '15m'] }, ddf: 'Kenward-Roger' },
    covariate: 'baseline',
    zColumn: null,
  },
  {
    name: 'partially nested (therapy groups in the treated arm)',
    formula: 'score ~ arm * visit + baseline + (1 | id)',
    rows: followUp,
    options: { levels: { arm: levels.arm, visit: ['9m', '15m'] }, partialNesting: { cluster: 'group', arm: 'arm', treated: 'SFT' } },
    covariate: 'baseline',
    zColumn: null,
  },
  { name: 'random intercept and slope', formula: 'score ~ arm * months + (1 + months | id)', rows: vas, options: { levels }, covariate: 'months', zColumn: 'months' },
];

describe.each(lmmCases)('fitLmm is invariant to origin and unit: $name', ({ formula, rows, options, covariate, zColumn }) => {
  const base = fitLmm(formula, rows, options);
  // A shift of a Z column changes the model (the random intercept's meaning), so only its unit is varied.
  const ts = transformsFor(covariate).filter((t) => !(t.x && t.x.name === zColumn && t.x.shift));
  it.each(ts.map((t) => [t.label, t] as const))('%s', (_label, t) => {
    const fit = fitLmm(formula, applyTransform(rows, 'score', t), options);
    compareLmm(base, fit, t, zColumn);
  });
});

const olsCases: { name: string; formula: string; options: OlsOptions; rows: Record<string, unknown>[] }[] = [
  { name: 'classical', formula: 'score ~ arm * visit + baseline', options: {}, rows: followUp },
  { name: 'HC3', formula: 'score ~ arm * visit + baseline', options: { vcov: 'HC3' }, rows: followUp },
  { name: 'CR2 with Satterthwaite df', formula: 'score ~ arm * visit + baseline', options: { vcov: 'CR2', cluster: 'id', ddf: 'Satterthwaite' }, rows: followUp },
  { name: 'no intercept (cell means and a covariate)', formula: 'score ~ 0 + arm:visit + baseline', options: {}, rows: followUp },
];

describe.each(olsCases)('fitOls is invariant to origin and unit: $name', ({ formula, options, rows }) => {
  const base = fitOls(formula, rows, { levels: { arm: levels.arm, visit: ['9m', '15m'] }, ...options });
  it.each(transformsFor('baseline').map((t) => [t.label, t] as const))('%s', (_label, t) => {
    const fit = fitOls(formula, applyTransform(rows, 'score', t), { levels: { arm: levels.arm, visit: ['9m', '15m'] }, ...options });
    if (formula.includes('0 +')) {
      // No intercept column: the constant is spanned by the cell indicators, whose
      // coefficients carry the shift of y and of the covariate.
      const sy = t.y?.scale ?? 1;
      const cy = t.y?.shift ?? 0;
      const sx = t.x?.scale ?? 1;
      const cx = t.x?.shift ?? 0;
      const xb = fit.fixedEffects.find((r) => r.term === 'baseline')!.estimate;
      base.fixedEffects.forEach((ra, j) => {
        const rb = fit.fixedEffects[j]!;
        const cell = ra.term !== 'baseline';
        const est = cell ? (rb.estimate + cx * xb - cy) / sy : (rb.estimate * sx) / sy;
        close(est, ra.estimate!, REL, ra.se!, `estimate ${ra.term} (${t.label})`);
        if (cell && cx !== 0) return;
        close((rb.se! * (cell ? 1 : sx)) / sy, ra.se!, REL, 0, `se ${ra.term} (${t.label})`);
        close(rb.df!, ra.df!, REL, 0, `df ${ra.term} (${t.label})`);
        // A cell mean's test under a shift of y is of another hypothesis (μ + c = 0).
        if (cell && cy !== 0) return;
        closeP(rb.pValue!, ra.pValue!, ra.statistic!, REL, `pValue ${ra.term} (${t.label})`);
      });
    } else compareFixed(base.fixedEffects, fit.fixedEffects, t, REL);
    expect(fit.droppedColumns).toEqual(base.droppedColumns);
    close(fit.sigma / (t.y?.scale ?? 1), base.sigma, REL, 0, `sigma (${t.label})`);
    // Without an intercept R's R² is uncentred (Σf²/Σy²), so a shift of y changes it by definition.
    if (!(formula.includes('0 +') && t.y?.shift)) close(fit.rSquared, base.rSquared, REL, 0, `rSquared (${t.label})`);
  });
});

afterAll(() => {
  // The accuracy reached, for the record (see docs/validation).
  console.log('worst relative differences under shifts and scales:', worstSeen);
});

describe('ill-conditioning that centring cannot remove is said, not hidden', () => {
  const codes = (f: LmmFit) => f.diagnostics.map((d) => d.code);
  const opts = { levels: { arm: levels.arm, visit: ['9m', '15m'] } };
  it('a covariate with a large origin inside an interaction', () => {
    const formula = 'score ~ arm * baseline + visit + (1 | id)';
    expect(codes(fitLmm(formula, followUp, opts))).not.toContain('ill-conditioned-fixed-effects');
    const fit = fitLmm(formula, applyTransform(followUp, 'score', { label: '', x: { name: 'baseline', shift: 1e6 } }), opts);
    const d = fit.diagnostics.find((x) => x.code === 'ill-conditioned-fixed-effects');
    expect(d?.message).toContain('"armSFT:baseline"');
    expect(d?.message).toContain('centre it');
  });
  it('a random slope on a variable far from 0 (a calendar year)', () => {
    const formula = 'score ~ arm * months + (1 + months | id)';
    expect(codes(fitLmm(formula, vas, { levels }))).not.toContain('random-effect-column-far-from-zero');
    const years = vas.map((r) => ({ ...r, months: 2015 + r.months / 12 }));
    const fit = fitLmm(formula, years, { levels });
    const d = fit.diagnostics.find((x) => x.code === 'random-effect-column-far-from-zero');
    expect(d?.message).toContain('"months" of (1 + months | id)');
    expect(d?.details).toMatchObject({ column: 'months' });
  });
});

describe('marginal means and contrasts at a covariate far from 0 are invariant too', () => {
  // A marginal mean at the covariate's mean reaches the intercept and the covariate's
  // coefficient, whose covariance entries are ~1e18 once the covariate is shifted by 1e9: L'VL
  // is computed in the centred parameterisation instead.
  const formula = 'score ~ arm * visit + baseline';
  const opts = { levels: { arm: levels.arm, visit: ['9m', '15m'] } };
  const fits: [string, (rows: Record<string, unknown>[]) => object][] = [
    ['fitLmm, Satterthwaite', (rows) => fitLmm(`${formula} + (1 | id)`, rows, opts)],
    ['fitLmm, Kenward–Roger', (rows) => fitLmm(`${formula} + (1 | id)`, rows, { ...opts, ddf: 'Kenward-Roger' })],
    ['fitOls, classical', (rows) => fitOls(formula, rows, opts)],
    ['fitOls, CR2', (rows) => fitOls(formula, rows, { ...opts, vcov: 'CR2', cluster: 'id' })],
  ];
  describe.each(fits)('%s', (_name, fit) => {
    const base = fit(followUp);
    const mmBase = marginalMeans(base as LmmFit, ['arm', 'visit']);
    const diffBase = contrast(mmBase, 'revpairwise');
    it.each(transformsFor('baseline').map((t) => [t.label, t] as const))('%s', (_label, t) => {
      const moved = fit(applyTransform(followUp, 'score', t));
      const mm = marginalMeans(moved as LmmFit, ['arm', 'visit']);
      const sy = t.y?.scale ?? 1;
      const cy = t.y?.shift ?? 0;
      mm.rows.forEach((r, i) => {
        const b = mmBase.rows[i]!;
        close((r.estimate! - cy) / sy, b.estimate!, REL, b.se!, `estimate mean ${i} (${t.label})`);
        close(r.se! / sy, b.se!, REL, 0, `se mean ${i} (${t.label})`);
        close(r.df!, b.df!, REL, 0, `df mean ${i} (${t.label})`);
      });
      contrast(mm, 'revpairwise').rows.forEach((r, i) => {
        const b = diffBase.rows[i]!;
        close(r.estimate! / sy, b.estimate!, REL, b.se!, `estimate contrast ${i} (${t.label})`);
        close(r.se! / sy, b.se!, REL, 0, `se contrast ${i} (${t.label})`);
        close(r.df!, b.df!, REL, 0, `df contrast ${i} (${t.label})`);
        closeP(r.pValue!, b.pValue!, b.statistic!, REL, `pValue contrast ${i} (${t.label})`);
      });
    });
  });
});
