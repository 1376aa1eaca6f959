/**
 * fitMmrm's answers do not depend on the response's unit or a covariate's origin: the response is
 * fitted centred and divided by a power of two, the columns centred and scaled (centring.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitMmrm } from '../../../src/models/mmrm/fit.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fx: any = JSON.parse(readFileSync(new URL('../../fixtures/r/mmrm/mmrm.json', import.meta.url), 'utf8'));
const levels = { visit: ['m3', 'm6', 'm9', 'm15'], arm: ['control', 'SFT'] };

describe('fitMmrm invariance', () => {
  it('score × 1e6 and baseline + 1e9: coefficients (but the intercept) and SEs × 1e6, the same df, logLik − (N − p) log 1e6', () => {
    const f = 'score ~ baseline + arm * visit + ar1h(visit | id)';
    const a = fitMmrm(f, fx.data, { levels });
    const data = { ...fx.data, score: fx.data.score.map((v: number | null) => (v === null ? null : v * 1e6)), baseline: fx.data.baseline.map((v: number) => v + 1e9) };
    const b = fitMmrm(f, data, { levels });
    a.fixedEffects.forEach((r, j) => {
      const s = b.fixedEffects[j]!;
      // The intercept is the mean at baseline 0, which the shift moves by 1e9 · slope.
      if (r.term === '(Intercept)') return;
      expect(Math.abs(s.estimate / 1e6 - r.estimate) / r.se!, r.term).toBeLessThan(1e-6);
      expect(Math.abs(s.se! / 1e6 / r.se! - 1)).toBeLessThan(1e-6);
      expect(Math.abs(s.df! / r.df! - 1)).toBeLessThan(1e-6);
    });
    expect(b.logLik - a.logLik).toBeCloseTo(-(a.nObs - a.fixedEffects.length) * Math.log(1e6), 6);
    expect(b.covariance[0]!.correlation[0]![1]).toBeCloseTo(a.covariance[0]!.correlation[0]![1]!, 7);
  });
});
