/**
 * Reference-based imputation (J2R, CR, CIR as rbmi defines them) against closed forms under
 * conditional mean imputation (Wolbers et al. 2022): the sampler's final step run with given
 * parameters and no noise.
 *
 * One follow-up, parameters at their ML values (least squares on completers): MAR conditional
 * means leave the ANCOVA estimate θ̂ unchanged, and every reference-based rule (the treated
 * dropouts put on the control arm's regression line) gives θ̂(1 − γ), γ the arm coefficient of the
 * regression of the treated-dropout indicator on arm and baseline.
 *
 * Two follow-ups: per participant, the shift from the MAR conditional mean at the visit after
 * dropout is −θ₂ − u₂ (J2R), −θ₂ − u₂ + (Σ₂₁/Σ₁₁)(θ₁ + u₁) (CR), θ₁ + u₁ − θ₂ − u₂ (CIR) for a
 * treated participant last seen at visit 1 in group u; −θ_k − u_k for all three when no
 * follow-up was seen; 0 for controls and for missed visits before the last observed one.
 */
import { describe, expect, it } from 'vitest';
import { toWide } from '../../src/missing-data/wide.js';
import { imputeMissing, setupModel, type ChainState, type Strategy } from '../../src/missing-data/gibbs.js';
import { fitOls } from '../../src/models/ols/fit.js';
import { smallTrial } from './small-trial.js';

const cols = (visits: string[], cluster?: string) => ({ id: 'id', visit: 'visit', outcome: 'score', arm: 'arm', control: 'control', visits, ...(cluster ? { cluster } : {}) });

describe('reference-based imputation: closed forms under conditional mean imputation', () => {
  it('one follow-up: MAR keeps θ̂, J2R = CR = CIR give θ̂(1 − γ)', () => {
    const rows = smallTrial(11, 80, ['baseline', '9m']);
    const wide = toWide(rows, cols(['baseline', '9m']));
    const model = setupModel(wide);
    const data = wide.ids.map((id, i) => ({ id, arm: wide.armLevels[wide.arm[i]!], baseline: wide.baseline[i]!, score: wide.Y[i]!, droppedTreated: wide.arm[i] === 1 && Number.isNaN(wide.Y[i]!) ? 1 : 0 }));
    const completers = data.filter((d) => !Number.isNaN(d.score));
    const f = fitOls('score ~ arm + baseline', completers).fixedEffects;
    const [alpha, theta, beta] = f.map((r) => r.estimate) as [number, number, number];
    const { centre: c, scale: s } = model;
    const base = (): ChainState => ({ B: Float64Array.of((alpha + beta * c - c) / s, theta / s, beta), Sigma: Float64Array.of(1), U: new Float64Array(0), Psi: Float64Array.of(1), Yc: Float64Array.from(model.Y) });
    const gamma = fitOls('droppedTreated ~ arm + baseline', data).fixedEffects[1]!.estimate;
    expect(gamma).toBeGreaterThan(0.1);
    for (const strategy of ['MAR', 'J2R', 'CR', 'CIR'] as Strategy[]) {
      const st = base();
      imputeMissing(model, st, strategy, null);
      const completed = data.map((d, i) => ({ ...d, score: c + s * st.Yc[i]! }));
      const est = fitOls('score ~ arm + baseline', completed).fixedEffects[1]!.estimate;
      const expected = strategy === 'MAR' ? theta : theta * (1 - gamma);
      expect(Math.abs(est - expected)).toBeLessThan(1e-10 * Math.abs(theta));
    }
  });

  it('two follow-ups with therapy groups: each participant’s shift from MAR is the rule’s closed form', () => {
    const rows = smallTrial(5, 64, ['baseline', '9m', '15m'], { groups: true, missing: 0.3 });
    // One intermittent gap: a treated participant missing 9m but seen at 15m.
    const gap = rows.find((r) => r.arm === 'SFT' && r.visit === '9m' && r.score !== null && rows.find((q) => q.id === r.id && q.visit === '15m')!.score !== null)!;
    gap.score = null;
    const wide = toWide(rows, cols(['baseline', '9m', '15m'], 'group'));
    const model = setupModel(wide);
    const K = 2;
    // Any parameters: B (p = 3 × K), Σ with correlation, group effects.
    const theta = [0.4, 0.25];
    const B = Float64Array.of(0.1, 0.2, theta[0]!, theta[1]!, 0.7, 0.6);
    const Sigma = Float64Array.of(0.5, 0.3, 0.3, 0.6);
    const U = Float64Array.from({ length: model.G * K }, (_, j) => 0.05 * ((j * 7) % 5) - 0.1);
    const run = (strategy: Strategy) => {
      const st: ChainState = { B: Float64Array.from(B), Sigma, U, Psi: Float64Array.of(1, 0, 0, 1), Yc: Float64Array.from(model.Y) };
      imputeMissing(model, st, strategy, null);
      return st.Yc;
    };
    const mar = run('MAR');
    const c21 = Sigma[2]! / Sigma[0]!;
    let checked = { d0: 0, none: 0, control: 0, gap: 0 };
    for (const strategy of ['J2R', 'CR', 'CIR'] as Strategy[]) {
      const y = run(strategy);
      for (let i = 0; i < wide.N; i++) {
        const g = wide.cluster[i]!;
        const u = [g >= 0 ? U[g * K]! : 0, g >= 0 ? U[g * K + 1]! : 0];
        const d = wide.lastObserved[i]!;
        for (let k = 0; k < K; k++) {
          if (!Number.isNaN(model.Y[i * K + k]!)) continue;
          let shift = 0;
          if (wide.arm[i] === 1 && k > d) {
            if (d < 0) shift = -theta[k]! - u[k]!;
            else if (strategy === 'J2R') shift = -theta[1]! - u[1]!;
            else if (strategy === 'CR') shift = -theta[1]! - u[1]! + c21 * (theta[0]! + u[0]!);
            else shift = theta[0]! + u[0]! - theta[1]! - u[1]!;
            if (d < 0) checked.none++;
            else checked.d0++;
          } else if (wide.arm[i] === 1) checked.gap++;
          else checked.control++;
          expect(y[i * K + k]! - mar[i * K + k]!).toBeCloseTo(shift, 12);
        }
      }
    }
    expect(checked.d0).toBeGreaterThan(0);
    expect(checked.none).toBeGreaterThan(0);
    expect(checked.control).toBeGreaterThan(0);
    expect(checked.gap).toBeGreaterThan(0);
  });
});
