/**
 * Validation runs for docs/methods/power.md that are too long for the test suite:
 *
 * 1. Analytic vs simulated power on a small grid of partially nested designs (single follow-up,
 *    the partially nested model on the follow-up rows; 400 replicates each), with Wilson intervals.
 * 2. The primary LMM's simulated power beside lme4 + lmerTest on the same 200 simulated SFT-sized
 *    trials (the trials are written to CSV; R fits each with lmerTest::lmer), with the agreement of
 *    the per-trial p-values.
 *
 *   npx tsx bench/power-validate.ts [--no-r]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchArgs } from './cli.js';
import { partiallyNestedPower } from '../src/power/analytic.js';
import { powerBySimulation, replicateSeed, primaryLmmAnalysis } from '../src/power/simulation.js';
import { followUpAnalysis } from '../src/power/replicates.js';
import { simulateLongColumns } from '../src/simulate/columns.js';

const { useR } = benchArgs(process.argv.slice(2));
const posttest = followUpAnalysis('posttest', 1, 'Satterthwaite');

console.log('| groups × size | controls | ICC | retention | effect | analytic | simulated (400) | 95 % interval | type-I error |');
console.log('|---|---|---|---|---|---|---|---|---|');
const grid = [
  { k: 6, m: 8, nC: 48, g: 0.3, r: 0.8, effect: 0.6 },
  { k: 10, m: 8, nC: 80, g: 0.3, r: 0.75, effect: 0.5 },
  { k: 20, m: 8, nC: 160, g: 0.25, r: 2 / 3, effect: 0.3 },
  { k: 12, m: 6, nC: 100, g: 0.5, r: 1, effect: 0.5 },
];
for (const [j, d] of grid.entries()) {
  const visits = [
    { name: 'baseline', months: 0, retention: 1, effectMultiplier: 0, controlChange: 0 },
    { name: 'fu', months: 9, retention: d.r, effectMultiplier: 1, controlChange: 0 },
  ];
  const design = { nParticipants: d.k * d.m + d.nC, nGroups: d.k, groupSize: { min: d.m, max: d.m }, visits, groupSd: d.g, attritionSlope: 0, spec: { effect: d.effect, missingAtVisit: 0 } };
  const icc = (d.g * d.g) / (1 + d.g * d.g);
  const a = partiallyNestedPower({ nGroups: d.k, groupSize: d.m, nControls: d.nC, effect: d.effect, icc, retention: d.r }).power;
  const s = await powerBySimulation({ design, replicates: 400, seed: 100 + j, analyse: posttest });
  console.log(
    `| ${d.k} × ${d.m} | ${d.nC} | ${icc.toFixed(3)} | ${d.r.toFixed(2)} | ${d.effect} | ${a.toFixed(3)} | ${s.power.estimate!.toFixed(3)} | ${s.power.ci![0].toFixed(3)}–${s.power.ci![1].toFixed(3)} | ${s.typeIError!.estimate!.toFixed(3)} |`,
  );
}

if (useR) {
  const n = 200;
  const seed = 77;
  const analyse = primaryLmmAnalysis(1, 'Satterthwaite');
  const ours: number[] = [];
  const lines = ['rep,score,arm,visit,id,group,trt'];
  for (let r = 0; r < n; r++) {
    const d = simulateLongColumns({ seed: replicateSeed(seed, 0, r) });
    ours.push(analyse(d, r)!);
    for (let i = 0; i < d.nRows; i++) lines.push(`${r},${d.score[i]},${d.arm[i]},${d.visit[i]},${d.id[i]},${d.group[i]! < 0 ? 'none' : d.group[i]},${d.arm[i]}`);
  }
  const dir = join(tmpdir(), `rcteval-power-validate-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const csv = join(dir, 'sims.csv');
  writeFileSync(csv, lines.join('\n') + '\n');
  const rr = spawnSync('Rscript', ['-e', `
suppressMessages({ library(lme4); library(lmerTest); library(jsonlite) })
s <- read.csv("${csv}", colClasses = c("integer", "numeric", "character", "character", "character", "character", "integer"))
p <- sapply(0:${n - 1}, function(r) { d <- s[s$rep == r, ]; d$arm <- factor(d$arm, levels = c("0", "1")); d$visit <- factor(d$visit, levels = c("0", "1", "2"))
  m <- suppressMessages(lmerTest::lmer(score ~ arm * visit + (1 | id) + (0 + trt | group), data = d, REML = TRUE)); summary(m)$coefficients["arm1:visit1", "Pr(>|t|)"] })
cat(toJSON(p, digits = NA), "\\n")`], { encoding: 'utf8', maxBuffer: 1 << 26 });
  rmSync(dir, { recursive: true, force: true });
  if (rr.status !== 0) console.log(rr.stderr.slice(-500));
  else {
    const theirs = JSON.parse(rr.stdout.trim().split('\n').pop()!) as number[];
    const rejO = ours.filter((p) => p < 0.05).length;
    const rejR = theirs.filter((p) => p < 0.05).length;
    const agree = ours.filter((p, i) => p < 0.05 === theirs[i]! < 0.05).length;
    const maxDiff = Math.max(...ours.map((p, i) => Math.abs(p - theirs[i]!)));
    console.log(`\nSame ${n} SFT-sized trials: rcteval rejects ${rejO}, lme4 + lmerTest ${rejR}; decisions agree in ${agree} of ${n}; largest |p − p_R| = ${maxDiff.toExponential(1)}`);
  }
}
