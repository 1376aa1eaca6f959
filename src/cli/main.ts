/**
 * The `rcteval` command line:
 *
 *   rcteval analyze --participants p.csv --measurements m.csv --plan plan.json --out report/
 *   rcteval analyze --data trial.csv --plan plan.json --out report/
 *   rcteval example sft [--out dir]      (also: pre-post)
 *   rcteval schema                        (the plan's JSON Schema)
 *   rcteval power --plan plan.json [--out DIR]   (the plan's power section)
 *
 * Progress goes to stderr, results to the output folder, a summary to stdout. Errors are the
 * library's typed errors, printed with their name and code; exit codes: 0 success, 1 error,
 * 2 usage error, 3 report written but a section of the plan failed, 4 report written but a
 * primary outcome's comparison is not estimable.
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ArgumentError, RctevalError, ValidationError } from '../errors/index.js';
import { LIMITS } from '../errors/checks.js';
import { analyzeTrial, primaryNotEstimable, type ProgressEvent } from '../analysis/analyze.js';
import { analysisPlanJsonSchema } from '../analysis/plan.js';
import type { TrialAnalysis } from '../analysis/types.js';
import { writeReport } from '../report/write.js';
import { interval, notEstimableText, num } from '../report/format.js';
import { loadTrialFiles, readPlanFile, type TrialFiles } from './load.js';
import { writePowerReport } from './power.js';
import { runPowerPlan } from '../analysis/power-plan.js';
import { powerReportSection } from '../report/sections/power.js';

/** Where the CLI writes. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

/** A command-line mistake (unknown option, missing file argument). */
class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `Usage:
  rcteval analyze --plan plan.json --out DIR (--participants p.csv --measurements m.csv | --data trial.csv)
                  [--register r.csv] [--small-cells K] [--threads N|auto] [--quiet]
  rcteval example sft|pre-post [--out DIR] [--quiet]
  rcteval schema
  rcteval power --plan plan.json [--out DIR]
  rcteval --help | --version

analyze   Run a pre-specified analysis plan on a trial's CSV files and write report.html
          (self-contained), report.md, results.json and figures/ (Vega-Lite specs and SVG).
          Data: two files (one row per participant; one row per participant × visit ×
          instrument), or one long file with the participant columns repeated on each row;
          --register: register rows (participant × snapshot week) for the plan's register section.
example   Run a bundled example: sft (the synthetic SFT trial in data-samples/) or pre-post
          (a small single-arm WHO-5 study). Default --out: ./rcteval-example-<name>.
schema    Print the JSON Schema of analysis plans.
power     Power and sample size of the plan's "power" section (a partially nested design):
          power of the design, the solved unknown, curves; prints the summary and, with
          --out, writes power.md and figures/power-*.vl.json.

Exit codes: 0 done; 1 error (invalid plan or data, failed computation); 2 usage error;
3 report written, but a section of the plan failed (see the report and stderr);
4 report written, but a primary outcome's comparison is not estimable (the reason is printed).`;

/**
 * The package root: src/cli and dist/cli both sit two levels below it.
 * @example
 * existsSync(join(packageRoot(), 'package.json')); // true
 */
export function packageRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/** The bundled examples: plan and data files, relative to the package root. */
export const EXAMPLES: Record<string, { plan: string; files: TrialFiles; description: string }> = {
  sft: {
    plan: 'examples/sft-trial/plan.json',
    files: { participants: 'data-samples/sft-participants.csv', measurements: 'data-samples/sft-measurements.csv', register: 'data-samples/sft-register.csv' },
    description: 'synthetic SFT trial (304 participants, partially nested, 3 visits)',
  },
  'pre-post': {
    plan: 'examples/pre-post/plan.json',
    files: { data: 'examples/pre-post/who5-pre-post.csv' },
    description: 'small single-arm WHO-5 pre/post study',
  },
};

function progressPrinter(io: CliIo, quiet: boolean): (e: ProgressEvent) => void {
  const t0 = Date.now();
  return (e) => {
    if (!quiet) io.stderr(`[${e.step}/${e.total}] ${e.section}: ${e.detail} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  };
}

function summary(io: CliIo, analysis: TrialAnalysis, files: string[], out: string): void {
  io.stdout(`Report: ${join(out, 'report.html')} (${files.filter((f) => f.endsWith('.svg')).length} figures); results: ${join(out, 'results.json')}\n`);
  for (const o of analysis.outcomes) {
    if (o.status === 'not-estimable') {
      io.stdout(`  ${o.instrument}: ${notEstimableText(o.reason?.message)}\n`);
      continue;
    }
    const d = o.differences.find((x) => x.visit === analysis.primaryVisit);
    if (d) io.stdout(`  ${o.instrument} at ${d.visit}: ${d.arm} − ${d.reference} ${d.estimable && d.ci ? `= ${num(d.estimate)} (${Math.round(d.ciLevel * 100)}% CI ${interval(d.ci)})` : notEstimableText(d.reason)}\n`);
    for (const w of o.withinArm.filter((x) => x.visit === analysis.primaryVisit)) {
      io.stdout(`  ${o.instrument} ${w.arm} ${w.from}→${w.visit}: ${w.change ? `change ${num(w.change.estimate)} (${w.nPairs} pairs)` : notEstimableText(w.reason)}\n`);
    }
  }
  for (const [name, s] of Object.entries({ clinicalSignificance: analysis.clinicalSignificance, doseResponse: analysis.doseResponse, subgroups: analysis.subgroups, economics: analysis.economics, costUtility: analysis.costUtility })) {
    if (s.status === 'not-available') io.stderr(`warning: ${name}: ${s.reason}\n`);
    if (s.status === 'failed') io.stderr(`error: ${name} failed: ${s.error.name}: ${s.error.message}\n`);
  }
}

/**
 * Check the output folder before any work: a file in its place, or a folder that cannot be
 * created or written, would otherwise fail only after the whole analysis has run.
 */
function checkOutDir(out: string): void {
  let p = resolve(out);
  if (existsSync(p) && !statSync(p).isDirectory()) throw new ArgumentError('--out', out, 'a folder (created if missing)', 'It is an existing file');
  while (!existsSync(p)) {
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  if (!statSync(p).isDirectory()) throw new ArgumentError('--out', out, 'a folder (created if missing)', `"${p}" is a file, so the folder cannot be created`);
  try {
    accessSync(p, constants.W_OK);
  } catch {
    throw new ArgumentError('--out', out, 'a folder (created if missing)', `"${p}" is not writable`);
  }
}

async function analyzeAndWrite(io: CliIo, planPath: string, files: TrialFiles, out: string, quiet: boolean, threads: number | 'auto', smallCells: number | null | undefined): Promise<number> {
  checkOutDir(out);
  const onProgress = progressPrinter(io, quiet);
  const plan = readPlanFile(planPath);
  if (!quiet) io.stderr(`Reading and validating the data…\n`);
  const trial = await loadTrialFiles(files, plan);
  const analysis = await analyzeTrial(trial, plan, { onProgress, threads });
  if (!quiet) io.stderr(`Rendering figures and writing ${out}…\n`);
  const { files: written } = await writeReport(analysis, out, smallCells === undefined ? {} : { smallCellK: smallCells });
  summary(io, analysis, written, out);
  const lost = primaryNotEstimable(analysis);
  for (const l of lost) io.stderr(`error: primary outcome ${l}\n`);
  if (lost.length > 0) return EXIT_PRIMARY_NOT_ESTIMABLE;
  const failed = [analysis.clinicalSignificance, analysis.doseResponse, analysis.subgroups, analysis.economics, analysis.costUtility].some((s) => s.status === 'failed');
  return failed ? 3 : 0;
}

/** Exit code when the report was written but a primary outcome's comparison is not estimable. */
export const EXIT_PRIMARY_NOT_ESTIMABLE = 4;


function parseThreads(v: string | undefined): number | 'auto' {
  if (v === undefined || v === 'auto') return 'auto';
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > LIMITS.threads) throw new UsageError(`--threads must be a whole number from 1 to ${LIMITS.threads} or "auto" (received "${v}")`);
  return n;
}

function parseSmallCells(v: string | undefined): number | null | undefined {
  if (v === undefined) return undefined;
  if (v === 'off') return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 2) throw new UsageError(`--small-cells must be an integer ≥ 2 or "off" (received "${v}")`);
  return n;
}

/**
 * Print a typed error: name, code and message (a ValidationError lists every problem).
 * @example
 * formatError(new ArgumentError('--plan', 'x.json', 'a readable JSON file'));
 * // 'ArgumentError [ARGUMENT]: Argument "--plan": received "x.json", expected a readable JSON file\n'
 */
export function formatError(e: unknown): string {
  if (e instanceof ValidationError) return `${e.name} [${e.code}]: ${e.message}\n`;
  if (e instanceof RctevalError) return `${e.name} [${e.code}]: ${e.message}\n`;
  if (e instanceof UsageError) return `Usage error: ${e.message}\n\n${USAGE}\n`;
  if (e instanceof Error) return `Unexpected error: ${e.name}: ${e.message}\n${process.env['RCTEVAL_DEBUG'] ? `${e.stack ?? ''}\n` : '(set RCTEVAL_DEBUG=1 for the stack trace)\n'}`;
  return `Unexpected error: ${String(e)}\n`;
}

/**
 * Run the `rcteval` command with the given arguments (without `node` and the script).
 *
 * @param argv - e.g. `['analyze', '--plan', 'plan.json', '--data', 'trial.csv', '--out', 'report']`.
 * @param io - where to write (stdout for results, stderr for progress and errors).
 * @returns the exit code: 0 done, 1 error, 2 usage error, 3 report written with a failed section,
 *   4 report written but a primary outcome not estimable.
 * @example
 * const code = await runCli(['example', 'pre-post', '--out', 'tmp/pre-post', '--quiet']);
 * code; // 0
 */
export async function runCli(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        plan: { type: 'string' },
        out: { type: 'string' },
        data: { type: 'string' },
        participants: { type: 'string' },
        measurements: { type: 'string' },
        register: { type: 'string' },
        'small-cells': { type: 'string' },
        threads: { type: 'string' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    }) as { values: Record<string, string | boolean | undefined>; positionals: string[] };
    const str = (k: string) => values[k] as string | undefined;
    const quiet = values['quiet'] === true;
    if (values['help']) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    if (values['version']) {
      io.stdout(`rcteval ${readVersion()}\n`);
      return 0;
    }
    const [command, ...rest] = positionals;
    if (command === 'schema') {
      io.stdout(`${JSON.stringify(analysisPlanJsonSchema, null, 2)}\n`);
      return 0;
    }
    if (command === 'power') {
      if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
      const plan = str('plan');
      if (!plan) throw new UsageError('--plan is required');
      let last = -1;
      const plan0 = readPlanFile(plan);
      const result = await runPowerPlan(plan0, {
        threads: parseThreads(str('threads')),
        onProgress: (e) => {
          // One line per tenth of the replicates, on stderr.
          const step = Math.floor((10 * e.done) / e.total);
          if (quiet || step === last) return;
          last = step;
          io.stderr(`simulation (${e.phase === 'power' ? 'power' : 'type-I error'}): ${e.done} of ${e.total} trials\n`);
        },
      });
      const report = powerReportSection({ title: plan0.title, power: result.power, solve: result.solve, curves: result.curves, target: plan0.power!.target, simulation: result.simulation });
      io.stdout(report.markdown);
      const out = str('out');
      if (out !== undefined) {
        const files = writePowerReport(report, out);
        if (!quiet) io.stderr(`Wrote ${files.join(', ')}\n`);
      }
      return 0;
    }
    if (command === 'analyze') {
      if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
      const plan = str('plan');
      const out = str('out');
      if (!plan) throw new UsageError('--plan is required');
      if (!out) throw new UsageError('--out is required');
      let files: TrialFiles;
      if (str('data') !== undefined) {
        if (str('participants') !== undefined || str('measurements') !== undefined) throw new UsageError('give either --data or --participants with --measurements, not both');
        files = { data: str('data')! };
      } else {
        if (!str('participants') || !str('measurements')) throw new UsageError('give --data (one long file) or both --participants and --measurements');
        files = { participants: str('participants')!, measurements: str('measurements')! };
      }
      if (str('register') !== undefined) files.register = str('register')!;
      return await analyzeAndWrite(io, plan, files, out, quiet, parseThreads(str('threads')), parseSmallCells(str('small-cells')));
    }
    if (command === 'example') {
      const name = rest[0];
      if (rest.length !== 1 || name === undefined || !Object.hasOwn(EXAMPLES, name)) throw new UsageError(`name one example: ${Object.keys(EXAMPLES).join(', ')}`);
      const ex = EXAMPLES[name]!;
      const root = packageRoot();
      const planPath = join(root, ex.plan);
      if (!existsSync(planPath)) throw new UsageError(`the example's plan ${ex.plan} is not in this installation (${root}); the examples ship with the source repository`);
      const files: TrialFiles = 'data' in ex.files ? { data: join(root, ex.files.data) } : { participants: join(root, ex.files.participants), measurements: join(root, ex.files.measurements) };
      if (ex.files.register !== undefined) files.register = join(root, ex.files.register);
      const out = str('out') ?? `rcteval-example-${name}`;
      if (!quiet) io.stderr(`Example "${name}": ${ex.description}\n`);
      return await analyzeAndWrite(io, planPath, files, out, quiet, parseThreads(str('threads')), parseSmallCells(str('small-cells')));
    }
    throw new UsageError(command === undefined ? 'no command given' : `unknown command "${command}"`);
  } catch (e) {
    const usage = e instanceof UsageError || (e instanceof TypeError && typeof (e as { code?: unknown }).code === 'string' && String((e as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS'));
    io.stderr(usage && !(e instanceof UsageError) ? formatError(new UsageError((e as Error).message)) : formatError(e));
    return usage ? 2 : 1;
  }
}

function readVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
