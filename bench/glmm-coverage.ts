/**
 * The full GLMM coverage simulation (issue 11, "Validation"): fitGlmm on all replicates of
 * tests/models/glmm/coverage-draws.ts beside glmer's estimates on the same draws
 * (tests/fixtures/r/glmm/coverage.json), the coverage of the Wald intervals of the arm × week
 * log odds ratios for both, and the worst per-replicate disagreement. The test
 * (tests/models/glmm/coverage.test.ts) fits only a few replicates, since one fit takes seconds.
 * Writes bench/results/glmm-coverage.md. Run: npm run bench:glmm-coverage [replicates]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fitGlmm } from '../src/models/glmm/fit.js';
import { COVERAGE_FORMULA, COVERAGE_OPTIONS, COVERAGE_PARTICIPANTS, COVERAGE_TERMS, coverageColumns, coverageDraw } from '../tests/models/glmm/coverage-draws.js';
import { coverageBounds } from '../tests/tolerances.js';

const fx = JSON.parse(readFileSync(new URL('../tests/fixtures/r/glmm/coverage.json', import.meta.url), 'utf8'));
const R = Math.min(Number(process.argv[2] ?? fx.replicates), fx.replicates);
const z = 1.959963984540054;
const covered = COVERAGE_TERMS.map(() => ({ js: 0, r: 0 }));
const worst = { estimate: 0, se: 0, logLik: 0 };
let higher = 0;
// Replicates whose SE gap exceeds the 1e-3, split by whether glmer put the therapy-group SD on the boundary.
const seGap = { boundary: 0, interior: 0, worstInterior: 0, nBoundary: 0 };
const t0 = Date.now();
for (let k = 0; k < R; k++) {
  const d = coverageDraw(k);
  const fit = fitGlmm(COVERAGE_FORMULA, coverageColumns(d), COVERAGE_OPTIONS);
  const boundary = (fx.sdGroup[k] as number) < 1e-4;
  if (boundary) seGap.nBoundary++;
  let gap = 0;
  COVERAGE_TERMS.forEach((t, j) => {
    const row = fit.fixedEffects.find((x) => x.term === t.term)!;
    gap = Math.max(gap, Math.abs(row.se! - (fx.se[j][k] as number)) / (fx.se[j][k] as number));
    const eR = fx.estimate[j][k] as number;
    const sR = fx.se[j][k] as number;
    worst.estimate = Math.max(worst.estimate, Math.abs(row.estimate - eR) / Math.max(Math.abs(eR), sR));
    worst.se = Math.max(worst.se, Math.abs(row.se! - sR) / sR);
    if (Math.abs(row.estimate - t.truth) <= z * row.se!) covered[j]!.js++;
    if (Math.abs(eR - t.truth) <= z * sR) covered[j]!.r++;
  });
  if (gap > 1e-3) seGap[boundary ? 'boundary' : 'interior']++;
  if (!boundary) seGap.worstInterior = Math.max(seGap.worstInterior, gap);
  const llR = fx.logLik[k] as number;
  worst.logLik = Math.max(worst.logLik, Math.abs(fit.logLik - llR) / Math.abs(llR));
  if (fit.logLik > llR + 1e-9) higher++;
  if ((k + 1) % 20 === 0) process.stderr.write(`${k + 1}/${R} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
}
const bounds = coverageBounds(0.95, R, 1);
const lines = [
  `# GLMM coverage simulation (${new Date().toISOString().slice(0, 10)}, ${process.version})`,
  '',
  `${R} SFT-shaped binary trials (${COVERAGE_PARTICIPANTS} participants, partially nested; tests/models/glmm/coverage-draws.ts), \`${COVERAGE_FORMULA}\` + therapy group in SFT, Laplace; glmer (nAGQ = 1) on the same draws from tests/fixtures/r/glmm/coverage.json. 95% Wald intervals; Monte Carlo bounds (z = 3.29) ${bounds.map((b) => b.toFixed(3)).join(' to ')}.`,
  '',
  '| term | truth | coverage fitGlmm | coverage glmer |',
  '|---|---|---|---|',
  ...COVERAGE_TERMS.map((t, j) => `| ${t.term} | ${t.truth} | ${(covered[j]!.js / R).toFixed(3)} | ${(covered[j]!.r / R).toFixed(3)} |`),
  '',
  `Worst per-replicate disagreement with glmer: estimates ${worst.estimate.toExponential(2)} of max(|β|, SE); SEs ${worst.se.toExponential(2)} relative; log-likelihood ${worst.logLik.toExponential(2)} relative (fitGlmm higher in ${higher} of ${R}). SE gaps above 1e-3: ${seGap.boundary} of the ${seGap.nBoundary} replicates where glmer's therapy-group SD is on the boundary (< 1e-4), ${seGap.interior} of the ${R - seGap.nBoundary} others (worst there ${seGap.worstInterior.toExponential(2)}). Time: ${((Date.now() - t0) / 1000).toFixed(0)} s for ${R} fits.`,
  '',
];
writeFileSync(new URL('./results/glmm-coverage.md', import.meta.url), lines.join('\n'));
process.stdout.write(lines.join('\n'));
