/**
 * Coverage of the arm × week log odds ratio on SFT-shaped binary trials (issue 11, "Validation"),
 * beside glmer on the same draws (tests/fixtures/r/glmm/coverage.R → coverage.json, 200 replicates;
 * the draws are made again here from their seeds, tests/models/glmm/coverage-draws.ts).
 *
 * (i) fitGlmm's per-replicate estimates, SEs and log-likelihoods agree with glmer's (GLMM_AGREEMENT);
 * one fit takes seconds, so the test fits the first COVERAGE_TEST_REPLICATES and
 * bench/glmm-coverage.ts fits all 200 (bench/results/glmm-coverage.md, docs/methods/glmm.md).
 * (ii) the coverage of the 95 % Wald intervals over the 200 replicates lies within Monte Carlo
 * bounds of 0.95, and on the replicates fitted here fitGlmm covers exactly where glmer does.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitGlmm } from '../../../src/models/glmm/fit.js';
import { coverageBounds, GLMM_AGREEMENT } from '../../tolerances.js';
import { COVERAGE_FORMULA, COVERAGE_OPTIONS, COVERAGE_REPLICATES, COVERAGE_TERMS, coverageColumns, coverageDraw } from './coverage-draws.js';

const fx = JSON.parse(readFileSync(new URL('../../fixtures/r/glmm/coverage.json', import.meta.url), 'utf8'));
const COVERAGE_TEST_REPLICATES = 1;
const Z = 1.959963984540054;

describe('GLMM coverage simulation (arm × week log odds ratio, partially nested binary trials)', () => {
  it('the fixture is the simulation the draws describe', () => {
    expect(fx.replicates).toBe(COVERAGE_REPLICATES);
    expect(fx.terms).toEqual(COVERAGE_TERMS.map((t) => t.term));
    expect(fx.truth).toEqual(COVERAGE_TERMS.map((t) => t.truth));
    // The redrawn data are the ones R fitted (row counts differ between replicates through dropout).
    for (const r of [0, 1, 57, 199]) expect(coverageDraw(r).nRows).toBe(fx.nRows[r]);
  });

  it(`fitGlmm agrees with glmer replicate by replicate (first ${COVERAGE_TEST_REPLICATES})`, () => {
    for (let r = 0; r < COVERAGE_TEST_REPLICATES; r++) {
      const fit = fitGlmm(COVERAGE_FORMULA, coverageColumns(coverageDraw(r)), COVERAGE_OPTIONS);
      const llR = fx.logLik[r] as number;
      expect(Math.abs(fit.logLik - llR) / Math.abs(llR)).toBeLessThan(GLMM_AGREEMENT.logLik);
      COVERAGE_TERMS.forEach((t, j) => {
        const row = fit.fixedEffects.find((x) => x.term === t.term)!;
        const eR = fx.estimate[j][r] as number;
        const sR = fx.se[j][r] as number;
        expect(Math.abs(row.estimate - eR) / Math.max(Math.abs(eR), sR)).toBeLessThan(GLMM_AGREEMENT.estimate);
        expect(Math.abs(row.se! - sR) / sR).toBeLessThan(GLMM_AGREEMENT.se);
        // The same coverage decision as glmer (no replicate sits within 1e-3 SE of an interval end).
        expect(Math.abs(row.estimate - t.truth) <= Z * row.se!).toBe(Math.abs(eR - t.truth) <= Z * sR);
      });
    }
  });

  it('coverage of the 95 % intervals over the 200 replicates is within Monte Carlo bounds', () => {
    const [lo, hi] = coverageBounds(0.95, fx.replicates, 1);
    COVERAGE_TERMS.forEach((t, j) => {
      let covered = 0;
      for (let r = 0; r < fx.replicates; r++) if (Math.abs(fx.estimate[j][r] - t.truth) <= Z * fx.se[j][r]) covered++;
      const rate = covered / fx.replicates;
      expect(rate).toBeGreaterThanOrEqual(lo);
      expect(rate).toBeLessThanOrEqual(hi);
    });
  });
});
