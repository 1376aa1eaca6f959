/**
 * Benchmark: fitLmmSql through DuckDB on Parquet files DuckDB writes itself (3M and 30M rows),
 * beside DuckDB's own scan-and-aggregate of the same columns in the same process and run.
 *
 *   npx tsx bench/sql.bench.ts                 # 3M and 30M rows
 *   npx tsx bench/sql.bench.ts --sizes 3e6,1e7 # other sizes
 *   npx tsx bench/sql.bench.ts --memory-limit 256MB   # the limited run's memory_limit (default 256MB)
 *
 * Each size runs twice: with DuckDB's own memory_limit (80 % of the machine's memory) and with
 * `duckdbEngine({ memoryLimit })`, which bounds the process's memory whatever the rows.
 * Each size runs in its own process (so its peak memory is its own); the data are generated
 * in another process before. "scan" is `SELECT arm, visit, COUNT(*), SUM(score), SUM(score²),
 * COUNT(group) … GROUP BY arm, visit`; "per participant" is the GROUP BY id any mixed model
 * needs. Peak RSS includes the embedded DuckDB; the JS heap peak is Node's own share.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runTable, writeResult } from './cli.js';

const args = process.argv.slice(2);
const si = args.indexOf('--sizes');
const sizes = si >= 0 ? args[si + 1]!.split(',').map(Number) : [3e6, 3e7];
const mi = args.indexOf('--memory-limit');
const limit = mi >= 0 ? args[mi + 1]! : '256MB';

function worker(...a: string[]): Record<string, unknown> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/sql-worker.ts', ...a], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`sql worker ${a.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

const header = '| rows | participants | DuckDB memory_limit | generate Parquet (s) | DuckDB scan-and-aggregate (ms) | DuckDB per-participant GROUP BY (ms) | fitLmmSql (ms) | fit ÷ scan | fit ÷ per participant | queries | peak RSS incl. DuckDB (MB) | JS heap peak (MB) | REML criterion |';
const rule = '|---|---|---|---|---|---|---|---|---|---|---|---|---|';
const lines = await runTable('sql', header, rule, sizes, (rows, dir) => {
  const file = join(dir, `sft-${rows}.parquet`);
  const t = performance.now();
  worker('generate', String(rows), file);
  const genS = (performance.now() - t) / 1000;
  const cells: string[] = [];
  for (const memoryLimit of ['default', limit]) {
    const r = worker('fit', file, rows <= 5e6 ? '3' : '1', memoryLimit) as { scanMs: number; perIdMs: number; fitMs: number; nGroups: Record<string, number>; queries: number; maxRssMb: number; heapPeakMb: number; remlCriterion: number };
    cells.push(`| ${rows.toLocaleString('en-US')} | ${r.nGroups['id']!.toLocaleString('en-US')} | ${memoryLimit} | ${genS.toFixed(1)} | ${r.scanMs.toFixed(0)} | ${r.perIdMs.toFixed(0)} | ${r.fitMs.toFixed(0)} | ${(r.fitMs / r.scanMs).toFixed(1)} | ${(r.fitMs / r.perIdMs).toFixed(1)} | ${r.queries} | ${r.maxRssMb.toFixed(0)} | ${r.heapPeakMb.toFixed(0)} | ${r.remlCriterion.toFixed(4)} |`);
  }
  rmSync(file, { force: true });
  return cells.join('\n');
});
writeResult(
  'sql',
  `# fitLmmSql benchmark (${new Date().toISOString().slice(0, 10)}, ${process.version}, DuckDB)\n\nModel: \`score ~ arm * visit + (1 | id)\` with partialNesting (SFT arm in 400 groups), REML, Satterthwaite df; Parquet written by DuckDB; each size with DuckDB's own memory_limit and with \`duckdbEngine({ memoryLimit: '${limit}' })\`.\n\n${header}\n${rule}\n${lines.join('\n')}\n`,
);
