/**
 * Benchmark and larger simulation for multiple imputation (issue 13).
 *
 *   npx tsx bench/missing-data.bench.ts            # speed (with R when installed) and coverage
 *   npx tsx bench/missing-data.bench.ts --no-r     # JavaScript only
 *   npx tsx bench/missing-data.bench.ts --reps 500 # coverage replicates (default 100)
 *   npx tsx bench/missing-data.bench.ts --only speed|coverage
 *   npx tsx bench/missing-data.bench.ts --only coverage --mice [--mice-reps 100]
 *
 * Speed: one SFT-sized trial (300 participants, MAR dropout on baseline and 9-month scores):
 * 50 imputations plus 50 pooled LMM fits (`score ~ baseline + arm * visit + (1 | id)` with the
 * therapy groups' random intercept in the treated arm) and the pooled 9-month contrast; beside R:
 * mice (norm, 20 iterations) + lmer on the same data in the same run (bench/missing-data-r.R).
 * Also the tipping-point grid: 11 × 11 δ values × 50 imputations, ANCOVA at 9 months.
 *
 * Coverage: SFT-sized trials with known truth (tests/missing-data/sft-dropout.ts), m = 10;
 * bias against the complete-data estimate of the same trial, coverage of the true effect.
 *
 * `--mice` (R with mice, pan, clubSandwich): the first `--mice-reps` of those incomplete draws are
 * written to one CSV (outside the timing) and imputed by mice with 2l.pan, the therapy group as the
 * class variable and each control its own class (bench/missing-data-mice.R says why), m = 10, then the same
 * ANCOVA with CR2 and Satterthwaite df, pooled by Rubin's rules; the table puts rcteval and mice
 * side by side on the same draws.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { multipleImputation } from '../src/missing-data/impute.js';
import { fitImputations } from '../src/missing-data/fit-imputations.js';
import { openWorkerPool } from '../src/parallel/pool.js';
import { poolContrasts, poolFits } from '../src/missing-data/pool.js';
import { tippingPoint } from '../src/missing-data/tipping-point.js';
import { fitOls } from '../src/models/ols/fit.js';
import { sftWithDropout } from '../tests/missing-data/sft-dropout.js';

const args = process.argv.slice(2);
const useR = !args.includes('--no-r');
const reps = args.includes('--reps') ? Number(args[args.indexOf('--reps') + 1]) || 100 : 100;
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
if (only !== null && only !== 'speed' && only !== 'coverage') throw new Error(`--only ${only}: expected speed or coverage`);
const withMice = args.includes('--mice');
const miceReps = args.includes('--mice-reps') ? Number(args[args.indexOf('--mice-reps') + 1]) || 100 : 100;
if (withMice && (only === 'speed' || miceReps > reps)) throw new Error(`--mice needs the coverage part and --mice-reps (${miceReps}) ≤ --reps (${reps})`);
const MICE_MAXIT = 5;
const MICE_PANITER = 100;
const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)]!;
const cols = { id: 'id', visit: 'visit', outcome: 'score', arm: 'arm', control: 'control', visits: ['baseline', '9m', '15m'], cluster: 'group' };

// Speed.
const trial = sftWithDropout(2026, 300);
if (only !== 'coverage') {
const times: number[] = [];
const times2: number[] = [];
const tipTimes: number[] = [];
let contrast9 = NaN;
const LMM = 'score ~ baseline + arm * visit + (1 | id)';
const lmmOptions = { partialNesting: { cluster: 'group', arm: 'arm', treated: 'SFT' } };
const followUps = { visit: ['9m', '15m'] };
// Two worker threads, started (and their code loaded) before any timing, as a session would keep them.
const pool = openWorkerPool({ threads: 2 });
const warm = await multipleImputation(trial.incomplete, { ...cols, m: 4, seed: 99, pool });
await fitImputations(warm, LMM, { model: 'lmm', options: lmmOptions, where: followUps, pool });
// Two untimed runs warm the JIT (V8 tiers the hot loops up over the first runs), then the median
// of five; the same on the worker pool; the tipping point once.
const WARM = 2;
const TIMED = 5;
let mi: Awaited<ReturnType<typeof multipleImputation>> | null = null;
for (let r = 0; r < WARM + TIMED; r++) {
  const t0 = performance.now();
  mi = await multipleImputation(trial.incomplete, { ...cols, m: 50, seed: r, threads: 1 });
  const { fits } = await fitImputations(mi, LMM, { model: 'lmm', options: lmmOptions, where: followUps, threads: 1 });
  const c = poolContrasts(fits, ['arm'], 'revpairwise', { by: ['visit'] });
  if (r >= WARM) times.push(performance.now() - t0);
  contrast9 = c.rows.find((x) => x.by.visit === '9m')!.estimate!;
}
for (let r = 0; r < WARM + TIMED; r++) {
  const t2 = performance.now();
  const mi2 = await multipleImputation(trial.incomplete, { ...cols, m: 50, seed: WARM + TIMED - 1, pool });
  const fits2 = (await fitImputations(mi2, LMM, { model: 'lmm', options: lmmOptions, where: followUps, pool })).fits;
  const c2 = poolContrasts(fits2, ['arm'], 'revpairwise', { by: ['visit'] });
  if (r >= WARM) times2.push(performance.now() - t2);
  if (c2.rows.find((x) => x.by.visit === '9m')!.estimate !== contrast9) throw new Error('2 threads gave another pooled contrast than 1');
}
{
  const t1 = performance.now();
  const grid = Array.from({ length: 11 }, (_, k) => -10 + 2 * k);
  tippingPoint(mi!, { formula: 'score ~ arm + baseline', model: 'ols', where: { visit: '9m' }, term: 'armSFT' }, { deltas: { control: grid, SFT: grid } });
  tipTimes.push(performance.now() - t1);
}
await pool.close();
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
console.log('| task | rcteval (ms, median of 5) | mice + lmer (ms, median of 2) | R / rcteval |');
console.log('|---|---:|---:|---:|');
console.log(`| 50 imputations + 50 pooled LMM fits (300 participants), 1 thread | ${median(times).toFixed(0)} | ${Number.isFinite(rMs) ? rMs.toFixed(0) : '—'} | ${Number.isFinite(rMs) ? (rMs / median(times)).toFixed(1) : '—'} |`);
console.log(`| the same on 2 worker threads (pool open) | ${median(times2).toFixed(0)} | ${Number.isFinite(rMs) ? rMs.toFixed(0) : '—'} | ${Number.isFinite(rMs) ? (rMs / median(times2)).toFixed(1) : '—'} |`);
console.log(`| tipping point: 11 × 11 δ × 50 imputations (ANCOVA; one run) | ${median(tipTimes).toFixed(0)} | — | — |`);
console.log(`\n(pooled 9-month contrast in the timed run: ${contrast9.toFixed(3)})\n`);

}

if (only !== 'speed') {
// Coverage.
const OLS = { vcov: 'CR2', cluster: 'group', clusterMissing: 'singleton' } as const;
const withBaseline = (rows: Record<string, unknown>[]) => {
  const b = new Map(rows.filter((r) => r.visit === 'baseline').map((r) => [r.id, r.score]));
  return rows.map((r): Record<string, unknown> => ({ ...r, baseline: b.get(r.id) }));
};
const acc = { '9m': { diff: [] as number[], cc: [] as number[], cover: 0, fmi: [] as number[] }, '15m': { diff: [] as number[], cc: [] as number[], cover: 0, fmi: [] as number[] } };
let truth: Record<string, number> = {};
// Per replicate, for the side-by-side with mice: complete-data estimate and rcteval's pooled row.
type Row = { estimate: number; lower: number; upper: number; fmi: number };
const perRep: { full: Record<string, number>; mi: Record<string, Row>; ms: number }[] = [];
const miceRows: string[] = [];
const t0 = performance.now();
for (let rep = 0; rep < reps; rep++) {
  const t = sftWithDropout(50_000 + rep, 300);
  truth = t.effect;
  if (withMice && rep < miceReps) for (const r of t.incomplete) miceRows.push([rep, r.id, r.arm, r.visit, r.group ?? 'NA', r.score ?? 'NA'].join(','));
  const tMi = performance.now();
  // The defaults: a shared burn-in of 200 sweeps, 20 sweeps per imputation.
  const mi = await multipleImputation(t.incomplete, { ...cols, m: 10, seed: rep, threads: 1 });
  let msMi = performance.now() - tMi;
  const complete = withBaseline(t.complete);
  const incomplete = withBaseline(t.incomplete);
  const one: (typeof perRep)[number] = { full: {}, mi: {}, ms: 0 };
  for (const v of ['9m', '15m'] as const) {
    const tFit = performance.now();
    const p = poolFits((await fitImputations(mi, 'score ~ arm + baseline', { model: 'ols', options: OLS, where: { visit: v }, threads: 1 })).fits).rows.find((r) => r.label === 'armSFT')!;
    msMi += performance.now() - tFit;
    const full = fitOls('score ~ arm + baseline', complete.filter((r) => r.visit === v), OLS).fixedEffects[1]!;
    one.full[v] = full.estimate;
    one.mi[v] = { estimate: p.estimate!, lower: p.ci![0], upper: p.ci![1], fmi: p.fmi! };
    const cc = fitOls('score ~ arm + baseline', incomplete.filter((r) => r.visit === v), OLS).fixedEffects[1]!;
    acc[v].diff.push(p.estimate! - full.estimate);
    acc[v].cc.push(cc.estimate - full.estimate);
    acc[v].fmi.push(p.fmi!);
    if (p.ci![0] <= truth[v]! && truth[v]! <= p.ci![1]) acc[v].cover++;
  }
  one.ms = msMi;
  perRep.push(one);
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

if (withMice) {
  // R must have mice, pan and clubSandwich; without them the comparison is skipped, not failed.
  let haveR = true;
  try {
    execFileSync('Rscript', ['-e', 'suppressMessages({library(mice); library(pan); library(clubSandwich); library(jsonlite)})'], { stdio: 'ignore' });
  } catch {
    haveR = false;
    console.log('\n--mice: skipped (Rscript with mice, pan, clubSandwich and jsonlite not available).');
  }
  if (haveR) {
    const dir = join(tmpdir(), `rcteval-mice-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const csv = join(dir, 'trials.csv');
    writeFileSync(csv, ['rep,id,arm,visit,group,score', ...miceRows].join('\n'));
    type RRow = { estimate: number; lower: number; upper: number; fmi: number };
    let out: { ms: number; reps: ({ rep: number } & Record<'9m' | '15m', RRow>)[] } | null = null;
    try {
      out = JSON.parse(execFileSync('Rscript', ['bench/missing-data-mice.R', csv, '10', String(MICE_MAXIT), String(MICE_PANITER)], { encoding: 'utf8', maxBuffer: 64 << 20 }));
    } catch (e) {
      console.error('mice run failed:', (e as Error).message);
    }
    rmSync(dir, { recursive: true, force: true });
    if (out !== null) {
      const n = out.reps.length;
      const rcMs = perRep.slice(0, n).reduce((a, r) => a + r.ms, 0);
      const mcse = (x: number[]) => sd(x) / Math.sqrt(x.length);
      const summary = (rows: Row[], v: '9m' | '15m') => {
        const diff = rows.map((r, i) => r.estimate - perRep[i]!.full[v]!);
        const cov = rows.filter((r) => r.lower <= truth[v]! && truth[v]! <= r.upper).length / n;
        return `${mean(diff).toFixed(3)} (${mcse(diff).toFixed(3)}) | ${((100 * mean(diff)) / truth[v]!).toFixed(1)} % | ${(100 * cov).toFixed(1)} % (${(100 * Math.sqrt((cov * (1 - cov)) / n)).toFixed(1)}) | ${mean(rows.map((r) => r.upper - r.lower)).toFixed(3)} | ${mean(rows.map((r) => r.fmi)).toFixed(2)}`;
      };
      console.log(`\nBeside mice on the same ${n} draws (m = 10; mice 2l.pan with a random intercept per therapy group / control, maxit ${MICE_MAXIT}, paniter ${MICE_PANITER}; both: ANCOVA with CR2, Satterthwaite df, Rubin's rules)\n`);
      console.log('| visit | method | bias vs complete data (MC SE) | bias / effect | coverage of truth (MC SE) | mean CI width | mean fmi |');
      console.log('|---|---|---:|---:|---:|---:|---:|');
      for (const v of ['9m', '15m'] as const) {
        console.log(`| ${v} | rcteval | ${summary(perRep.slice(0, n).map((r) => r.mi[v]!), v)} |`);
        console.log(`| ${v} | mice 2l.pan | ${summary(out.reps.map((r) => r[v]), v)} |`);
      }
      // Paired: how far the two pooled estimates lie apart on the same draw.
      for (const v of ['9m', '15m'] as const) {
        const d = out.reps.map((r, i) => r[v].estimate - perRep[i]!.mi[v]!.estimate);
        console.log(`\n${v}: mean paired difference mice − rcteval ${mean(d).toFixed(3)} (MC SE ${mcse(d).toFixed(3)}), SD ${sd(d).toFixed(3)}`);
      }
      console.log(`\nRun time for ${n} trials (imputation + 2 × 10 ANCOVA fits + pooling, 1 thread): rcteval ${(rcMs / 1000).toFixed(1)} s, mice + lm + clubSandwich ${(out.ms / 1000).toFixed(1)} s (ratio ${(out.ms / rcMs).toFixed(1)})`);
    }
  }
}
}
