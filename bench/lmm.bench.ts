/**
 * Benchmark: fitLmm on the SFT-shaped model at 900 to 3,000,000 rows, beside lme4 on the
 * same data in the same run when R is installed.
 *
 *   npm run bench                 # all sizes; R too when Rscript and lme4 are there
 *   npm run bench -- --no-r       # JavaScript only
 *   npm run bench -- --max 300000 # stop at a size
 *
 * Install R (Debian): apt-get install -y --no-install-recommends r-base-core r-cran-lme4 r-cran-jsonlite
 *
 * Each size runs in a child process so that the peak memory reported is that size's.
 * Times are medians of the repeats; "floor" is one pass over the rows building the model
 * frame and forming the cross-products, the least any fit must do.
 */
import { benchArgs, benchSizes, runBesideR, runTable, writeResult } from './cli.js';

const { useR, maxRows } = benchArgs(process.argv.slice(2));
const sizes = benchSizes(maxRows, [[900, 15], [30_000, 11], [300_000, 5], [3_000_000, 3]]);

interface JsResult {
  nRows: number;
  floorMs: number;
  fitMs: number;
  fitSatterthwaiteMs: number;
  evaluations: number;
  remlCriterion: number;
  fixed: [string, number, number][];
  maxRssMb: number;
}
const header =
  '| rows | participants | floor (ms) | rcteval fit (ms) | + Satterthwaite (ms) | fit / floor | lme4 fit (ms) | lme4 / rcteval | rcteval peak RSS (MB) | lme4 peak RSS (MB) | REML criterion: rcteval − lme4 |';
const rule = '|---|---|---|---|---|---|---|---|---|---|---|';
const rows = await runTable('lmm', header, rule, sizes, (s, dir) => {
  const { js: r, r: rr } = runBesideR<JsResult, { fitMs: number; remlCriterion: number }>('bench/lmm-worker.ts', 'bench/lmm-r.R', s, dir, useR, Math.min(s.repeats, s.rows <= 300_000 ? 5 : 3));
  const { out: { fitMs: rMs, remlCriterion: rCrit }, rssMb: rRss } = rr ?? { out: { fitMs: NaN, remlCriterion: NaN }, rssMb: NaN };
  const f = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '—');
  return `| ${r.nRows.toLocaleString('en-US')} | ${s.participants.toLocaleString('en-US')} | ${f(r.floorMs, 1)} | ${f(r.fitMs, 1)} | ${f(r.fitSatterthwaiteMs, 1)} | ${f(r.fitMs / r.floorMs, 1)} | ${f(rMs)} | ${f(rMs / r.fitMs, 1)} | ${f(r.maxRssMb)} | ${f(rRss)} | ${Number.isFinite(rCrit) ? (r.remlCriterion - rCrit).toExponential(1) : '—'} |`;
});
writeResult(
  'lmm',
  `# fitLmm benchmark (${new Date().toISOString().slice(0, 10)}, ${process.version}, ${useR ? 'with' : 'without'} R)\n\nModel: \`score ~ arm * visit + (1 | id) + (0 + trt | group)\` (REML), SFT-shaped data from simulateLongColumns(seed 2026).\n\n${header}\n${rule}\n${rows.join('\n')}\n`,
);
