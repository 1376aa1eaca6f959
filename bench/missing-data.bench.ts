/**
 * Benchmark and larger simulation for multiple imputation (issue 13).
 *
 *   npx tsx bench/missing-data.bench.ts            # speed (with R when installed) and coverage
 *   npx tsx bench/missing-data.bench.ts --no-r     # JavaScript only
 *   npx tsx bench/missing-data.bench.ts --reps 500 # coverage replicates (default 100)
 *
 * Speed: one SFT-sized trial (300 participants, MAR dropout on baseline and 9-month scores):
 * 50 imputations plus 50 pooled LMM fits (`score ~ baseline + arm * visit + (1 | id)` with the
 * therapy groups' random intercept in the treated arm) and the pooled 9-month contrast; beside R:
 * mice (norm, 20 iterations) + lmer on the same data in the same run (bench/missing-data-r.R).
 * Also the tipping-point grid: 11 × 11 δ values × 50 imputations, ANCOVA at 9 months.
 *
 * Coverage: SFT-sized trials with known truth (tests/missing-data/sft-dropout.ts), m = 10;
 * bias against the complete-data estimate of the same trial, coverage of the true effect.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { multipleImputation } from '../src/missing-data/impute.js';
import { poolContrasts, poolFits } from '../src/missing-data/pool.js';
import { tippingPoint } from '../src/missing-data/tipping-point.js';
import { fitLmm } from '../src/models/lmm/fit.js';
import { fitOls } from '../src/models/ols/fit.js';
import { sftWithDropout } from '../tests/missing-data/sft-dropout.js';

const args = process.argv.slice(2);
const useR = !args.includes('--no-r');
const reps = args.includes('--reps') ? Number(args[args.indexOf('--reps') + 1]) || 100 : 100;
const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)]!;
const cols = { id: 'id', visit: 'visit', outcome: 'score', arm: 'arm', control: 'control', visits: ['baseline', '9m', '15m'], cluster: 'group' };

// Speed.
const trial = sftWithDropout(2026, 300);
const times: number[] = [];
const tipTimes: number[] = [];
let contrast9 = NaN;
for (let r = 0; r < 3; r++) {
  const t0 = performance.now();
  // The first run warms the JIT and is not timed (as the LMM benchmark).
  const mi = await multipleImputation(trial.incomplete, { ...cols, m: 50, seed: r });
  const fits = mi.completed.map((d) =>
    fitLmm('score ~ baseline + arm * visit + (1 | id)', d.filter((x) => x.visit !== 'baseline'), { partialNesting: { cluster: 'group', arm: 'arm', treated: 'SFT' } }),
  );
  const c = poolContrasts(fits, ['arm'], 'revpairwise', { by: ['visit'] });
  if (r > 0) times.push(performance.now() - t0);
  contrast9 = c.rows.find((x) => x.by.visit === '9m')!.estimate!;
  if (r < 2) continue;
  const t1 = performance.now();
  const grid = Array.from({ length: 11 }, (_, k) => -10 + 2 * k);
  tippingPoint(mi, (d) => fitOls('score ~ arm + baseline', d.filter((x) => x.visit === '9m')).fixedEffects[1]!, { deltas: { control: grid, SFT: grid } });
  tipTimes.push(performance.now() - t1);
}
let rMs = NaN;
if (useR) {
  const dir = join(tmpdir(), `rcteval-mi-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const csv = join(dir, 'trial.csv');
  writeFileSync(csv, ['id,arm,visit,group,score', ...trial.incomplete.map((r) => [r.id, r.arm, r.visit, r.group ?? 'NA', r.score ?? 'NA'].join(','))].join('\n'));
  try {
    const out = execFileSync('Rscript', ['bench/missing-data-r.R', csv, '2'], { encoding: 'utf8' });
    rMs = JSON.parse(out).ms;
  } catch (e) {
    console.error('R run failed:', (e as Error).message);
  }
  rmSync(dir, { recursive: true, force: true });
}
console.log('| task | rcteval (ms, median of 2) | mice + lmer (ms, median of 2) | R / rcteval |');
console.log('|---|---:|---:|---:|');
console.log(`| 50 imputations + 50 pooled LMM fits (300 participants) | ${median(times).toFixed(0)} | ${Number.isFinite(rMs) ? rMs.toFixed(0) : '—'} | ${Number.isFinite(rMs) ? (rMs / median(times)).toFixed(1) : '—'} |`);
console.log(`| tipping point: 11 × 11 δ × 50 imputations (ANCOVA; one run) | ${median(tipTimes).toFixed(0)} | — | — |`);
console.log(`\n(pooled 9-month contrast in the timed run: ${contrast9.toFixed(3)})\n`);

// Coverage.
const OLS = { vcov: 'CR2', cluster: 'group', clusterMissing: 'singleton' } as const;
const withBaseline = (rows: Record<string, unknown>[]) => {
  const b = new Map(rows.filter((r) => r.visit === 'baseline').map((r) => [r.id, r.score]));
  return rows.map((r): Record<string, unknown> => ({ ...r, baseline: b.get(r.id) }));
};
const acc = { '9m': { diff: [] as number[], cc: [] as number[], cover: 0, fmi: [] as number[] }, '15m': { diff: [] as number[], cc: [] as number[], cover: 0, fmi: [] as number[] } };
let truth: Record<string, number> = {};
const t0 = performance.now();
for (let rep = 0; rep < reps; rep++) {
  const t = sftWithDropout(50_000 + rep, 300);
  truth = t.effect;
  const mi = await multipleImputation(t.incomplete, { ...cols, m: 10, burnIn: 100, seed: rep });
  const complete = withBaseline(t.complete);
  const incomplete = withBaseline(t.incomplete);
  for (const v of ['9m', '15m'] as const) {
    const p = poolFits(mi.completed.map((d) => fitOls('score ~ arm + baseline', d.filter((r) => r.visit === v), OLS))).rows.find((r) => r.label === 'armSFT')!;
    const full = fitOls('score ~ arm + baseline', complete.filter((r) => r.visit === v), OLS).fixedEffects[1]!;
    const cc = fitOls('score ~ arm + baseline', incomplete.filter((r) => r.visit === v), OLS).fixedEffects[1]!;
    acc[v].diff.push(p.estimate! - full.estimate);
    acc[v].cc.push(cc.estimate - full.estimate);
    acc[v].fmi.push(p.fmi!);
    if (p.ci![0] <= truth[v]! && truth[v]! <= p.ci![1]) acc[v].cover++;
  }
}
const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
const sd = (x: number[]) => Math.sqrt(x.reduce((a, b) => a + (b - mean(x)) ** 2, 0) / (x.length - 1));
console.log(`Coverage: ${reps} SFT-sized trials (300 participants), m = 10, ANCOVA with CR2; ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
console.log('| visit | true effect | MI bias vs complete data (MC SE) | bias / effect | complete-case bias | coverage of truth (MC SE) | mean fmi |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const v of ['9m', '15m'] as const) {
  const a = acc[v];
  const cov = a.cover / reps;
  console.log(
    `| ${v} | ${truth[v]!.toFixed(2)} | ${mean(a.diff).toFixed(3)} (${(sd(a.diff) / Math.sqrt(reps)).toFixed(3)}) | ${((100 * mean(a.diff)) / truth[v]!).toFixed(1)} % | ${mean(a.cc).toFixed(3)} | ${(100 * cov).toFixed(1)} % (${(100 * Math.sqrt((cov * (1 - cov)) / reps)).toFixed(1)}) | ${mean(a.fmi).toFixed(2)} |`,
  );
}
