/**
 * One size of the SQL-engine benchmark, in its own process so that its peak memory is its own.
 *   node --import tsx bench/sql-worker.ts generate <rows> <file.parquet>
 *   node --import tsx bench/sql-worker.ts fit <file.parquet> <repeats> [memoryLimit | default]
 * The data are made by DuckDB itself (deterministic hashes, no rows in Node): SFT-shaped,
 * three visits per participant, half in the SFT arm in 400 therapy groups, 4 % of scores NULL.
 */
import { duckdbEngine } from '../src/sql/engine.js';
import { fitLmmSql } from '../src/models/lmm/sql/fit.js';

export const SQL_FORMULA = 'score ~ arm * visit + (1 | id)';
const [mode, a, b, limit] = process.argv.slice(2);
const engine = await duckdbEngine(limit && limit !== 'default' ? { memoryLimit: limit } : {});

if (mode === 'generate') {
  const rows = Number(a);
  // u(k) uniform in (0, 1) from a hash; normals by Box–Muller.
  const u = (e: string) => `((hash(${e}) % 1000000007) + 0.5) / 1000000007.0`;
  const normal = (e1: string, e2: string) => `(sqrt(-2 * ln(${u(e1)})) * cos(2 * pi() * ${u(e2)}))`;
  await engine.query(`COPY (
    SELECT id, arm, visit, CASE WHEN arm = 'SFT' THEN 'G' || CAST((id // 2) % 400 AS VARCHAR) END AS "group",
      CASE WHEN ${u('i * 7 + 3')} < 0.04 THEN NULL ELSE
        50 + CASE WHEN arm = 'SFT' AND visit <> 'baseline' THEN 2 ELSE 0 END
        + CASE WHEN arm = 'SFT' THEN 3 * ${normal('((id // 2) % 400) * 11 + 1', '((id // 2) % 400) * 13 + 2')} ELSE 0 END
        + 6 * ${normal('id * 5 + 1', 'id * 5 + 2')} + 5 * ${normal('i * 3 + 1', 'i * 3 + 2')} END AS score
    FROM (SELECT i, i // 3 AS id, CASE WHEN (i // 3) % 2 = 1 THEN 'SFT' ELSE 'control' END AS arm,
            CASE i % 3 WHEN 0 THEN 'baseline' WHEN 1 THEN '9m' ELSE '15m' END AS visit
          FROM range(${rows}) AS r(i))
  ) TO '${b}' (FORMAT parquet)`);
  process.stdout.write(JSON.stringify({ ok: true }) + '\n');
} else {
  const file = a!;
  const repeats = Number(b ?? 1);
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  let heapPeak = 0;
  const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 20);
  const time = async (f: () => Promise<unknown>) => {
    const t = performance.now();
    await f();
    return performance.now() - t;
  };
  const src = `read_parquet('${file}')`;
  // DuckDB's own scan-and-aggregate of the same columns: sums by arm × visit, and the per-participant GROUP BY.
  const scan = `SELECT arm, visit, COUNT(*) AS n, SUM(score) AS s, SUM(score * score) AS ss, COUNT("group") AS g FROM ${src} GROUP BY arm, visit`;
  const perId = `SELECT COUNT(*), SUM(s), SUM(s * s) FROM (SELECT id, MIN("group") AS g, SUM(score) AS s FROM ${src} GROUP BY id)`;
  await engine.query(scan); // warm the file cache
  const scanMs: number[] = [];
  const perIdMs: number[] = [];
  const fitMs: number[] = [];
  let summary: Record<string, unknown> = {};
  const options = { levels: { arm: ['control', 'SFT'], visit: ['baseline', '9m', '15m'] }, partialNesting: { cluster: 'group', arm: 'arm', treated: 'SFT' } };
  for (let r = 0; r < repeats; r++) {
    scanMs.push(await time(() => engine.query(scan)));
    perIdMs.push(await time(() => engine.query(perId)));
    fitMs.push(
      await time(async () => {
        const fit = await fitLmmSql(SQL_FORMULA, { engine, parquet: file }, options);
        summary = { nObs: fit.nObs, nGroups: { ...fit.nGroups }, remlCriterion: fit.remlCriterion, queries: fit.sql.queries, fixed: fit.fixedEffects.map((x) => [x.term, x.estimate, x.se, x.df]) };
      }),
    );
  }
  clearInterval(sampler);
  process.stdout.write(
    JSON.stringify({ scanMs: median(scanMs), perIdMs: median(perIdMs), fitMs: median(fitMs), ...summary, maxRssMb: process.resourceUsage().maxRSS / 1024, heapPeakMb: heapPeak / 2 ** 20 }) + '\n',
  );
}
await engine.close?.();
