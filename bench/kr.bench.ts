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
import { join } from 'node:path';
import { benchArgs, runR, runTable, runWorker, writeResult } from './cli.js';

const { useR, maxRows } = benchArgs(process.argv.slice(2));
// pbkrtest needs several dense n × n matrices: beyond about 5,000 rows it runs for minutes and gigabytes.
const R_MAX_ROWS = 5_000;
const sizes = [
  { rows: 900, participants: 366, repeats: 11 },
  { rows: 3_000, participants: 1_220, repeats: 5 },
  { rows: 30_000, participants: 12_200, repeats: 5 },
  { rows: 300_000, participants: 122_000, repeats: 3 },
].filter((s) => s.rows <= maxRows);

interface JsResult { nRows: number; fitMs: number; krMs: number; df: number; se: number; maxRssMb: number }
const header = '| rows | rcteval fit (CPU ms) | rcteval KR (CPU ms) | lmerTest + pbkrtest KR (CPU ms) | rcteval / pbkrtest (KR) | df arm1:visit1 rcteval − R | rcteval peak RSS (MB) |';
const rule = '|---|---|---|---|---|---|---|';
const lines = runTable('kr', header, rule, (dir, row) => {
  for (const s of sizes) {
    const withR = useR && s.rows <= R_MAX_ROWS;
    const csv = withR ? join(dir, `sft-${s.rows}.csv`) : '';
    const r = runWorker<JsResult>('bench/kr-worker.ts', s.participants, s.repeats, csv, s.rows);
    const rr = withR ? runR<{ krMs: number; df: number }>('bench/kr-r.R', csv, Math.min(s.repeats, 5), s.rows) : undefined;
    const krCost = r.krMs;
    const f = (x: number | undefined, d = 0) => (x !== undefined && Number.isFinite(x) ? x.toFixed(d) : '—');
    const line = `| ${r.nRows.toLocaleString('en-US')} | ${f(r.fitMs, 1)} | ${f(krCost, 1)} | ${f(rr?.out.krMs)} | ${rr ? f(krCost / rr.out.krMs, 3) : '—'} | ${rr ? (r.df - rr.out.df).toExponential(1) : '—'} | ${f(r.maxRssMb)} |`;
    row(line);
  }
});
writeResult(
  'kr',
  `# Kenward–Roger benchmark (${new Date().toISOString().slice(0, 10)}, ${process.version}, ${useR ? 'with' : 'without'} R)\n\n${header}\n${rule}\n${lines.join('\n')}\n`,
);
