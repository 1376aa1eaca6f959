/**
 * What the benchmarks share: the command-line options of those that compare with R, `--no-r`
 * (JavaScript only) and `--max <rows>` (stop at a size) — R is used when Rscript with lme4 and
 * jsonlite is installed, otherwise the benchmark says how to install it —, running a size's
 * worker or R script, and the results table (printed as it comes, written to bench/results/).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function benchArgs(args: string[]): { useR: boolean; maxRows: number; minRows: number; concurrent: boolean } {
  const at = (flag: string, none: number) => (args.includes(flag) ? Number(args[args.indexOf(flag) + 1]) : none);
  return { useR: !args.includes('--no-r') && hasR(), maxRows: at('--max', Infinity), minRows: at('--min', 0), concurrent: args.includes('--concurrent') };
}

function hasR(): boolean {
  try {
    execFileSync('Rscript', ['-e', 'suppressMessages(library(lme4)); library(jsonlite)'], { stdio: 'ignore' });
    return true;
  } catch {
    console.log('R with lme4 not found: running JavaScript only. To compare, install it:');
    console.log('  apt-get install -y --no-install-recommends r-base-core r-cran-lme4 r-cran-jsonlite');
    return false;
  }
}

/** Run one benchmark size's worker in its own process and parse the JSON it prints last. */
export function runWorker<T>(worker: string, participants: number, repeats: number, csv: string, rows: number): T {
  const js = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', worker, String(participants), String(repeats), ...(csv ? [csv] : [])], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (js.status !== 0) throw new Error(`worker failed at ${rows} rows:\n${js.stderr}`);
  return JSON.parse(js.stdout.trim().split('\n').pop()!) as T;
}

/** Run an R benchmark script on a CSV under /usr/bin/time: its JSON output and peak RSS (MB), or undefined (said) when R failed. */
export function runR<T>(script: string, csv: string, repeats: number, rows: number): { out: T; rssMb: number } | undefined {
  const rr = spawnSync('/usr/bin/time', ['-f', '%M', 'Rscript', script, csv, String(repeats)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (rr.status !== 0) {
    console.log(`R failed at ${rows} rows: ${rr.stderr.slice(-500)}`);
    return undefined;
  }
  return { out: JSON.parse(rr.stdout.trim().split('\n').pop()!) as T, rssMb: Number(rr.stderr.trim().split('\n').pop()) / 1024 };
}

/** A child process's exit status and output, without blocking the event loop (so two can run at once). */
function spawnCollect(cmd: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * As `runBesideR`, with R running at the same time as the JavaScript worker, each on its own core:
 * for sizes where glmer takes hours. The worker first writes the CSV alone (0 repeats), so both
 * fit the same data; the R script's timing is its own `system.time`, unaffected by the order.
 */
export async function runBesideRConcurrently<J, R>(worker: string, script: string, s: BenchSize, dir: string, rRepeats: number): Promise<{ js: J; r: { out: R; rssMb: number } | undefined }> {
  const csv = join(dir, `sft-${s.rows}.csv`);
  runWorker(worker, s.participants, 0, csv, s.rows);
  const rRun = spawnCollect('/usr/bin/time', ['-f', '%M', 'Rscript', script, csv, String(rRepeats)]);
  const jsRun = await spawnCollect(process.execPath, ['--expose-gc', '--import', 'tsx', worker, String(s.participants), String(s.repeats)]);
  if (jsRun.status !== 0) throw new Error(`worker failed at ${s.rows} rows:\n${jsRun.stderr}`);
  const rr = await rRun;
  rmSync(csv, { force: true });
  const js = JSON.parse(jsRun.stdout.trim().split('\n').pop()!) as J;
  if (rr.status !== 0) {
    console.log(`R failed at ${s.rows} rows: ${rr.stderr.slice(-500)}`);
    return { js, r: undefined };
  }
  return { js, r: { out: JSON.parse(rr.stdout.trim().split('\n').pop()!) as R, rssMb: Number(rr.stderr.trim().split('\n').pop()) / 1024 } };
}

/** Participants of `simulateLongColumns` that come to about so many rows (≈2.46 rows each after dropout). */
const PARTICIPANTS_FOR_ROWS: Readonly<Record<number, number>> = { 900: 366, 3_000: 1_220, 30_000: 12_200, 300_000: 122_000, 3_000_000: 1_220_000 };

export interface BenchSize {
  rows: number;
  participants: number;
  repeats: number;
}

/** The sizes of an SFT-shaped benchmark, as [rows, repeats], up to `maxRows`. */
export function benchSizes(maxRows: number, repeats: readonly (readonly [rows: number, repeats: number])[], minRows = 0): BenchSize[] {
  return repeats.filter(([rows]) => rows <= maxRows && rows >= minRows).map(([rows, n]) => ({ rows, participants: PARTICIPANTS_FOR_ROWS[rows]!, repeats: n }));
}

/**
 * One size beside R: the worker's result and, when `withR`, the R script's (`rRepeats` repeats)
 * on the CSV the worker wrote into `dir` (removed afterwards); undefined when R is not used or failed.
 */
export function runBesideR<J, R>(worker: string, script: string, s: BenchSize, dir: string, withR: boolean, rRepeats: number): { js: J; r: { out: R; rssMb: number } | undefined } {
  const csv = withR ? join(dir, `sft-${s.rows}.csv`) : '';
  const js = runWorker<J>(worker, s.participants, s.repeats, csv, s.rows);
  if (!withR) return { js, r: undefined };
  const r = runR<R>(script, csv, rRepeats, s.rows);
  rmSync(csv, { force: true });
  return { js, r };
}

/**
 * Run a benchmark's sizes, one after another, with a scratch folder (removed afterwards, also on
 * failure), printing the Markdown table's header, rule and each size's row as it comes; the rows,
 * for `writeResult`. A row may be computed asynchronously (R and the worker at the same time).
 */
export async function runTable<S>(name: string, header: string, rule: string, sizes: readonly S[], row: (size: S, dir: string) => string | Promise<string>): Promise<string[]> {
  const dir = join(tmpdir(), `rcteval-${name}-bench-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  console.log(header);
  console.log(rule);
  const lines: string[] = [];
  try {
    for (const s of sizes) {
      const line = await row(s, dir);
      console.log(line);
      lines.push(line);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}

/** Write a benchmark's results as bench/results/<name>.md. */
export function writeResult(name: string, markdown: string): void {
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(`bench/results/${name}.md`, markdown);
}
