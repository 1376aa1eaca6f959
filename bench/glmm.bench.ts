/**
 * Benchmark: fitGlmm on an SFT-shaped binary outcome at 30,000 to 3,000,000 rows, beside
 * lme4::glmer (nAGQ = 1) on the same data in the same run when R is installed.
 *
 *   npm run bench:glmm                 # all sizes; R too when Rscript and lme4 are there
 *   npm run bench:glmm -- --no-r       # JavaScript only
 *   npm run bench:glmm -- --max 300000 # stop at a size
 *   npm run bench:glmm -- --min 3000000 --concurrent   # only 3M rows, glmer and rcteval at the same time
 *
 * glmer takes over an hour at 3,000,000 rows: `--concurrent` runs it beside the JavaScript worker
 * (each on its own core) instead of after it.
 *
 * Install R (Debian): apt-get install -y --no-install-recommends r-base-core r-cran-lme4 r-cran-jsonlite
 *
 * Each size runs in a child process so that the peak memory reported is that size's.
 * Times are medians of the repeats. Both log-likelihoods are printed to show the two
 * programs fitted the same model (the higher one is the better optimum).
 */
import { benchArgs, benchSizes, runBesideR, runBesideRConcurrently, runTable, writeResult } from './cli.js';

const { useR, maxRows, minRows, concurrent } = benchArgs(process.argv.slice(2));
// Few repeats: one fit takes several hundred deviance evaluations on both sides.
const sizes = benchSizes(maxRows, [[30_000, 3], [300_000, 1], [3_000_000, 1]], minRows);

interface JsResult {
  nRows: number;
  fitMs: number;
  cpuMs: number;
  evaluations: number;
  logLik: number;
  maxRssMb: number;
}
// CPU times (user + system, medians), printed under the table: on a shared machine they compare
// the two programs' work where wall-clock times also measure the other jobs.
const cpuLines: string[] = [];
const header =
  '| rows | participants | rcteval fit (ms) | glmer fit (ms) | rcteval / glmer | rcteval deviance evaluations | glmer deviance evaluations | rcteval peak RSS (MB) | glmer peak RSS (MB) | logLik rcteval | logLik glmer |';
const rule = '|---|---|---|---|---|---|---|---|---|---|---|';
type RResult = { fitMs: number; cpuMs: number; logLik: number; evaluations: number };
const rows = await runTable('glmm', header, rule, sizes, async (s, dir) => {
  const { js: r, r: rr } =
    concurrent && useR
      ? await runBesideRConcurrently<JsResult, RResult>('bench/glmm-worker.ts', 'bench/glmm-r.R', s, dir, s.repeats)
      : runBesideR<JsResult, RResult>('bench/glmm-worker.ts', 'bench/glmm-r.R', s, dir, useR, s.repeats);
  const { out: { fitMs: rMs, cpuMs: rCpu, logLik: rLogLik, evaluations: rEvals }, rssMb: rRss } = rr ?? { out: { fitMs: NaN, cpuMs: NaN, logLik: NaN, evaluations: NaN }, rssMb: NaN };
  const f = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '—');
  cpuLines.push(`- ${r.nRows.toLocaleString('en-US')} rows: CPU time rcteval ${f(r.cpuMs)} ms, glmer ${f(rCpu)} ms, ratio ${f(r.cpuMs / rCpu, 2)}`);
  return `| ${r.nRows.toLocaleString('en-US')} | ${s.participants.toLocaleString('en-US')} | ${f(r.fitMs)} | ${f(rMs)} | ${f(r.fitMs / rMs, 2)} | ${r.evaluations} | ${f(rEvals)} | ${f(r.maxRssMb)} | ${f(rRss)} | ${f(r.logLik, 4)} | ${f(rLogLik, 4)} |`;
});
console.log('\nCPU time (user + system), medians:\n' + cpuLines.join('\n'));
writeResult(
  'glmm',
  `# fitGlmm benchmark (${new Date().toISOString().slice(0, 10)}, ${process.version}, ${useR ? 'with' : 'without'} R${concurrent && useR ? ', glmer run at the same time as rcteval' : ''})\n\nModel: \`status ~ arm * week + (1 | id)\` with partialNesting (glmer: \`+ (0 + sft | group)\`), binomial logit, nAGQ = 1; SFT-shaped design from simulateLongColumns(seed 2026), status drawn from a logistic model (createRng(2026)).\n\n${header}\n${rule}\n${rows.join('\n')}\n\nCPU time (user + system), medians:\n\n${cpuLines.join('\n')}\n`,
);
