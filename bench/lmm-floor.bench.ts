/**
 * Benchmark: how close the in-memory fitLmm comes to its floor, one pass forming the
 * cross-products from typed arrays (issue 15, part 2). At 300,000 rows of SFT-shaped data
 * (simulateLongColumns, seed 2026) it times, each case in its own process:
 *
 * - one pass: `formCrossProducts` on the partially nested model's typed arrays (X, y, the
 *   random terms' Z and level codes, built untimed), forming what the fit needs (the nested
 *   block layout and its aggregation by (group, Z1'Z1 class)) on the fit's centred, scaled
 *   columns; every case times it too, interleaved with its own repeats, and divides by its own;
 * - fitLmm from an object of typed columns and from an array of row objects (the same values),
 *   in two spellings of the partially nested model: `(1 | id)` with options.partialNesting, and
 *   lme4's `(1 | id) + (0 + trt | group)` with each control participant a group level of its own;
 * - each with asymptotic df and with Satterthwaite df (the default), and Satterthwaite's
 *   Hessian and Jacobian alone (every df method forms them: the estimability check reads them).
 *
 *   npx tsx bench/lmm-floor.bench.ts              # 300,000 rows, 5 repeats
 *   npx tsx bench/lmm-floor.bench.ts --rows 30000 --repeats 7
 *
 * Times are medians of the repeats after warm-up.
 */
import { spawnSync } from 'node:child_process';
import { benchSizes, writeResult } from './cli.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const rows = opt('--rows', 300_000);
const repeats = opt('--repeats', 5);
/** The participants the other LMM benchmarks simulate for so many rows (30,000 and 300,000 rows: 12,200 and 122,000). */
const participants = benchSizes(rows, [[rows, repeats]])[0]?.participants;
if (!participants) throw new Error(`--rows: one of the benchmark sizes 900, 3000, 30000, 300000 or 3000000, not ${rows}`);

interface Case {
  passMs: number;
  nRows: number;
  fitMs: number;
  fitSatterthwaiteMs: number;
  varparMs: number;
  evaluations: number;
  remlCriterion: number;
  form: string;
  spelling: string;
}

function run<T>(kind: string): T {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/lmm-floor-worker.ts', kind, String(participants), String(repeats)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${kind} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
}

const f = (x: number, d = 0) => x.toFixed(d);
const pass = run<{ passMs: number; passWithoutClassesMs: number; frameFromColumnsMs: number; nRows: number; n1: number; n2: number }>('pass');
console.log(`one pass ${f(pass.passMs, 1)} ms (without the class aggregation ${f(pass.passWithoutClassesMs, 1)} ms); model frame from columns ${f(pass.frameFromColumnsMs, 1)} ms`);
const header = '| input | spelling | one pass (ms) | fit, asymptotic df (ms) | fit ÷ one pass | fit, Satterthwaite df (ms) | fit ÷ one pass | Satterthwaite Hessian + Jacobian (ms) | its share of the fit | deviance evaluations (optimiser) | REML criterion |';
const rule = '|---|---|---|---|---|---|---|---|---|---|---|';
console.log(header);
console.log(rule);
const lines: string[] = [];
const forms = { columns: 'object of typed columns', rows: 'array of row objects' };
// (A pipe inside a table cell is escaped, code span or not.)
const spellings = { option: '`(1 \\| id)` + partialNesting', lme4: "lme4's `(0 + trt \\| group)`, controls singleton groups" };
for (const form of ['columns', 'rows'] as const) {
  for (const spelling of ['option', 'lme4'] as const) {
    const c = run<Case>(`fit:${form}:${spelling}`);
    const line = `| ${forms[form]} | ${spellings[spelling]} | ${f(c.passMs, 1)} | ${f(c.fitMs)} | ${f(c.fitMs / c.passMs, 1)} | ${f(c.fitSatterthwaiteMs)} | ${f(c.fitSatterthwaiteMs / c.passMs, 1)} | ${f(c.varparMs)} | ${f((100 * c.varparMs) / c.fitSatterthwaiteMs)} % | ${c.evaluations} | ${c.remlCriterion.toFixed(6)} |`;
    console.log(line);
    lines.push(line);
  }
}
writeResult(
  'lmm-floor',
  `# fitLmm beside its floor (${new Date().toISOString().slice(0, 10)}, ${process.version}, ${pass.nRows.toLocaleString('en-US')} rows, ${participants.toLocaleString('en-US')} participants, ${pass.n2.toLocaleString('en-US')} therapy-group levels with the placeholder)\n\n` +
    `One pass: formCrossProducts on the partially nested model's typed arrays, with the aggregation by (group, class): ${f(pass.passMs, 1)} ms alone (${f(pass.passWithoutClassesMs, 1)} ms without the aggregation); building that model frame from the columns: ${f(pass.frameFromColumnsMs, 1)} ms. Each row below divides by the pass timed in its own process. Medians of ${repeats} repeats.\n\n` +
    `${header}\n${rule}\n${lines.join('\n')}\n`,
);
