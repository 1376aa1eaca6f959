/**
 * Benchmark: Kenward–Roger df for the partially nested SFT model, rcteval (sums over the blocks
 * of rows the random effects link) beside lmerTest + pbkrtest (dense n × n matrices) in the same
 * run, up to the size where pbkrtest's dense matrices are still practical.
 *
 *   npx tsx bench/kr.bench.ts                 # all sizes; R too when Rscript with lmerTest is there
 *   npx tsx bench/kr.bench.ts -- --no-r       # JavaScript only
 *   npx tsx bench/kr.bench.ts -- --max 30000  # stop at a size
 *
 * Medians of CPU time (user + system): rcteval's Kenward–Roger step on a fitted model (adjusted
 * covariance and the df of every coefficient), and R's coef(summary(m, ddf = "Kenward-Roger")) on a
 * fitted model (lmerTest calling pbkrtest's vcovAdj and its df).
 */
import { benchArgs, benchSizes, runBesideR, runTable, writeResult } from './cli.js';

const { useR, maxRows } = benchArgs(process.argv.slice(2));
// pbkrtest needs several dense n × n matrices: beyond about 5,000 rows it runs for minutes and gigabytes.
const R_MAX_ROWS = 5_000;
const sizes = benchSizes(maxRows, [[900, 11], [3_000, 5], [30_000, 5], [300_000, 3]]);

interface JsResult { nRows: number; fitMs: number; krMs: number; df: number; se: number; maxRssMb: number }
const header = '| rows | rcteval fit (CPU ms) | rcteval KR (CPU ms) | lmerTest + pbkrtest KR (CPU ms) | rcteval / pbkrtest (KR) | df arm1:visit1 rcteval − R | rcteval peak RSS (MB) |';
const rule = '|---|---|---|---|---|---|---|';
const lines = await runTable('kr', header, rule, sizes, (s, dir) => {
  const { js: r, r: rr } = runBesideR<JsResult, { krMs: number; df: number }>('bench/kr-worker.ts', 'bench/kr-r.R', s, dir, useR && s.rows <= R_MAX_ROWS, Math.min(s.repeats, 5));
  const krCost = r.krMs;
  const f = (x: number | undefined, d = 0) => (x !== undefined && Number.isFinite(x) ? x.toFixed(d) : '—');
  return `| ${r.nRows.toLocaleString('en-US')} | ${f(r.fitMs, 1)} | ${f(krCost, 1)} | ${f(rr?.out.krMs)} | ${rr ? f(krCost / rr.out.krMs, 3) : '—'} | ${rr ? (r.df - rr.out.df).toExponential(1) : '—'} | ${f(r.maxRssMb)} |`;
});
writeResult(
  'kr',
  `# Kenward–Roger benchmark (${new Date().toISOString().slice(0, 10)}, ${process.version}, ${useR ? 'with' : 'without'} R)\n\n${header}\n${rule}\n${lines.join('\n')}\n`,
);
