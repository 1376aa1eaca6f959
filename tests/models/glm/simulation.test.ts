/**
 * Simulations with known truth (seeded): interval coverage of fitGlm's logistic and
 * negative-binomial fits, θ recovery, and CR2 against the classical covariance when the
 * treatment is assigned by cluster and outcomes share a cluster effect.
 */
import { describe, expect, it } from 'vitest';
import { fitGlm } from '../../../src/models/glm/fit.js';
import { createRng, type Rng } from '../../../src/random/rng.js';
import { gammaVariate as gammaDraw } from '../../../src/random/variates.js';

/** Poisson draw by inversion (means here are small). */
function poissonDraw(rng: Rng, mean: number): number {
  let k = 0;
  let p = Math.exp(-mean);
  let s = p;
  const u = rng.uniform();
  while (u > s && k < 10000) {
    k++;
    p *= mean / k;
    s += p;
  }
  return k;
}

/** NB2 draw: Poisson with a gamma(θ, μ/θ) mean. */
const nbDraw = (rng: Rng, mu: number, theta: number) => poissonDraw(rng, (gammaDraw(rng, theta) * mu) / theta);

// A not-estimable interval (null) covers nothing.
const covers = (ci: [number, number] | null, truth: number) => ci !== null && ci[0] <= truth && truth <= ci[1];

describe('fitGlm on simulated data with known truth', () => {
  it('logistic regression: 95 % intervals cover the true log-odds ratio about 95 % of the time', () => {
    const rng = createRng(20261202);
    const reps = 300;
    let hitsArm = 0;
    let hitsX = 0;
    for (let r = 0; r < reps; r++) {
      const rows = Array.from({ length: 400 }, (_, i) => {
        const arm = i % 2;
        const x = rng.normal();
        const eta = -0.5 + 0.7 * arm + 0.4 * x;
        return { y: rng.uniform() < 1 / (1 + Math.exp(-eta)) ? 1 : 0, arm, x };
      });
      const fit = fitGlm('y ~ arm + x', rows, { family: 'binomial' });
      if (covers(fit.fixedEffects[1]!.ci, 0.7)) hitsArm++;
      if (covers(fit.fixedEffects[2]!.ci, 0.4)) hitsX++;
    }
    // binomial SE of a coverage near 0.95 over 300 replicates is 0.0126
    expect(hitsArm / reps).toBeGreaterThan(0.91);
    expect(hitsArm / reps).toBeLessThan(0.99);
    expect(hitsX / reps).toBeGreaterThan(0.91);
    expect(hitsX / reps).toBeLessThan(0.99);
  });

  it('negative binomial: θ and the rate ratio recovered within their SEs, coverage of the rate ratio', () => {
    const rng = createRng(7);
    const big = Array.from({ length: 4000 }, (_, i) => {
      const arm = i % 2;
      const days = 100 + rng.int(300);
      return { y: nbDraw(rng, (days / 100) * Math.exp(0.2 + 0.35 * arm), 1.5), arm, days };
    });
    const fit = fitGlm('y ~ arm', big, { family: 'negativeBinomial', exposure: 'days' });
    const th = fit.negativeBinomialTheta!;
    if (!th.estimable) return expect.fail('theta not estimable');
    expect(Math.abs(th.estimate - 1.5)).toBeLessThan(3.5 * th.se);
    // exposure in units of 100 days: the intercept is log(rate per day) = 0.2 − log 100
    expect(Math.abs(fit.fixedEffects[0]!.estimate - (0.2 - Math.log(100)))).toBeLessThan(3.5 * fit.fixedEffects[0]!.se!);
    expect(Math.abs(fit.fixedEffects[1]!.estimate! - 0.35)).toBeLessThan(3.5 * fit.fixedEffects[1]!.se!);
    const reps = 150;
    let hits = 0;
    for (let r = 0; r < reps; r++) {
      const rows = Array.from({ length: 300 }, (_, i) => ({ y: nbDraw(rng, Math.exp(1 + 0.35 * (i % 2)), 1.5), arm: i % 2 }));
      if (covers(fitGlm('y ~ arm', rows, { family: 'negativeBinomial' }).fixedEffects[1]!.ci, 0.35)) hits++;
    }
    // SE of a coverage near 0.95 over 150 replicates is 0.018
    expect(hits / reps).toBeGreaterThan(0.89);
    expect(hits / reps).toBeLessThan(1);
  });

  it('cluster-assigned treatment with a shared cluster effect: CR2 keeps coverage where the classical covariance does not', () => {
    const rng = createRng(99);
    const reps = 200;
    let hitsCr2 = 0;
    let hitsClassical = 0;
    for (let r = 0; r < reps; r++) {
      const rows: { y: number; arm: number; g: string }[] = [];
      for (let g = 0; g < 40; g++) {
        const arm = g % 2;
        const u = 0.8 * rng.normal();
        for (let k = 0; k < 10; k++) {
          const eta = -0.3 + 0.5 * arm + u;
          rows.push({ y: rng.uniform() < 1 / (1 + Math.exp(-eta)) ? 1 : 0, arm, g: `g${g}` });
        }
      }
      // The population-averaged log-odds ratio is attenuated from 0.5; compare both intervals with the
      // marginal truth computed by the same model on a very large draw below.
      const c = fitGlm('y ~ arm', rows, { family: 'binomial', vcov: 'CR2', cluster: 'g' });
      const k = fitGlm('y ~ arm', rows, { family: 'binomial' });
      if (covers(c.fixedEffects[1]!.ci, MARGINAL)) hitsCr2++;
      if (covers(k.fixedEffects[1]!.ci, MARGINAL)) hitsClassical++;
    }
    expect(hitsCr2 / reps).toBeGreaterThan(0.88);
    expect(hitsClassical / reps).toBeLessThan(hitsCr2 / reps - 0.1);
  });
});

/**
 * The marginal log-odds ratio of the cluster design above: logit of the mean of expit(−0.3 + 0.5·arm + u)
 * over u ~ N(0, 0.8²), by the midpoint rule on 4000 points over ±8 SD.
 */
const MARGINAL = (() => {
  const mean = (b: number) => {
    let s = 0;
    let wsum = 0;
    for (let i = 0; i < 4000; i++) {
      const z = -8 + (16 * (i + 0.5)) / 4000;
      const w = Math.exp(-0.5 * z * z);
      s += w / (1 + Math.exp(-(b + 0.8 * z)));
      wsum += w;
    }
    return s / wsum;
  };
  const logit = (p: number) => Math.log(p / (1 - p));
  return logit(mean(0.2)) - logit(mean(-0.3));
})();
