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
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { benchArgs, runR, runTable, runWorker, writeResult } from './cli.js';

const { useR, maxRows } = benchArgs(process.argv.slice(2));
// Participants so that the rows come to about 900, 30k, 300k and 3M (≈2.46 rows each).
const sizes = [
  { rows: 900, participants: 366, repeats: 15 },
  { rows: 30_000, participants: 12_200, repeats: 11 },
  { rows: 300_000, participants: 122_000, repeats: 5 },
  { rows: 3_000_000, participants: 1_220_000, repeats: 3 },
].filter((s) => s.rows <= maxRows);

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
const rows = runTable('lmm', header, rule, (dir, row) => {
  for (const s of sizes) {
    const csv = useR ? join(dir, `sft-${s.rows}.csv`) : '';
    const r = runWorker<JsResult>('bench/lmm-worker.ts', s.participants, s.repeats, csv, s.rows);
    let rMs = NaN;
    let rRss = NaN;
    let rCrit = NaN;
    if (useR) {
      const rr = runR<{ fitMs: number; remlCriterion: number }>('bench/lmm-r.R', csv, Math.min(s.repeats, s.rows <= 300_000 ? 5 : 3), s.rows);
      if (rr) ({ out: { fitMs: rMs, remlCriterion: rCrit }, rssMb: rRss } = rr);
      rmSync(csv, { force: true });
    }
    const f = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '—');
    const line = `| ${r.nRows.toLocaleString('en-US')} | ${s.participants.toLocaleString('en-US')} | ${f(r.floorMs, 1)} | ${f(r.fitMs, 1)} | ${f(r.fitSatterthwaiteMs, 1)} | ${f(r.fitMs / r.floorMs, 1)} | ${f(rMs)} | ${f(rMs / r.fitMs, 1)} | ${f(r.maxRssMb)} | ${f(rRss)} | ${Number.isFinite(rCrit) ? (r.remlCriterion - rCrit).toExponential(1) : '—'} |`;
    row(line);
  }
});
writeResult(
  'lmm',
  `# fitLmm benchmark (${new Date().toISOString().slice(0, 10)}, ${process.version}, ${useR ? 'with' : 'without'} R)\n\nModel: \`score ~ arm * visit + (1 | id) + (0 + trt | group)\` (REML), SFT-shaped data from simulateLongColumns(seed 2026).\n\n${header}\n${rule}\n${rows.join('\n')}\n`,
);
