import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_PRIMARY_NOT_ESTIMABLE, runCli } from '../../src/cli/main.js';
import { capture } from './capture.js';
import { analysisPlanJsonSchema } from '../../src/analysis/plan.js';
import { ROOT, readJson } from '../analysis/helpers.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'rcteval-cli-'));
}

/** A copy of the SFT plan without the slow sections, written to a temporary file. */
function quickSftPlan(dir: string, change: (p: Record<string, unknown>) => void = () => {}): string {
  const plan = readJson('examples/sft-trial/plan.json') as Record<string, unknown>;
  for (const slow of ['economics', 'costUtility', 'clinicalSignificance', 'doseResponse', 'subgroups', 'missingData']) delete plan[slow];
  plan['outcomes'] = [
    { instrument: 'PSP', role: 'primary' },
    { instrument: 'MHRM', role: 'primary' },
  ];
  change(plan);
  const path = join(dir, 'plan.json');
  writeFileSync(path, JSON.stringify(plan));
  return path;
}

const P = join(ROOT, 'data-samples/sft-participants.csv');
const M = join(ROOT, 'data-samples/sft-measurements.csv');

describe('rcteval CLI', () => {
  it('prints usage with --help and the plan JSON Schema with `schema`', async () => {
    const io = capture();
    expect(await runCli(['--help'], io)).toBe(0);
    expect(io.out).toContain('rcteval analyze --plan plan.json --out DIR');
    const s = capture();
    expect(await runCli(['schema'], s)).toBe(0);
    expect(JSON.parse(s.out)).toEqual(analysisPlanJsonSchema);
  });

  it('exits 2 with a usage message for unknown commands, unknown options and missing arguments', async () => {
    for (const args of [[], ['frobnicate'], ['analyze', '--plan', 'p.json'], ['analyze', '--plan', 'p.json', '--out', 'o'], ['analyze', '--bogus'], ['example', 'nonexistent'], ['analyze', '--plan', 'p', '--out', 'o', '--data', 'd', '--participants', 'p']]) {
      const io = capture();
      expect(await runCli(args, io), args.join(' ')).toBe(2);
      expect(io.err, args.join(' ')).toContain('Usage error:');
    }
  });

  it('analyzes two CSV files with a plan and writes the report; progress goes to stderr', async () => {
    const dir = tmp();
    const io = capture();
    const code = await runCli(['analyze', '--participants', P, '--measurements', M, '--plan', quickSftPlan(dir), '--out', join(dir, 'out')], io);
    expect(code, io.err).toBe(0);
    for (const f of ['report.html', 'report.md', 'results.json', 'figures/flow.svg', 'figures/flow.vl.json', 'figures/psp-trajectory.svg']) expect(existsSync(join(dir, 'out', f)), f).toBe(true);
    expect(io.err).toMatch(/\[1\/\d\] descriptives/);
    expect(io.err).toContain('primary: PSP: linear mixed model');
    expect(io.err).toContain('primary: MHRM: linear mixed model');
    const results = JSON.parse(readFileSync(join(dir, 'out', 'results.json'), 'utf8'));
    const d = results.outcomes[0].differences.find((x: { visit: string }) => x.visit === '9m');
    expect(io.out).toContain(`PSP at 9m: SFT − control = ${d.estimate.toFixed(2)}`);
  });

  it('reads one long CSV (--data) and the small-cell option', async () => {
    const dir = tmp();
    const io = capture();
    const code = await runCli(['analyze', '--data', join(ROOT, 'examples/pre-post/who5-pre-post.csv'), '--plan', join(ROOT, 'examples/pre-post/plan.json'), '--out', dir, '--small-cells', 'off', '--quiet'], io);
    // The example's one primary outcome is not estimable by design (too few pairs): report written, exit 4.
    expect(code, io.err).toBe(EXIT_PRIMARY_NOT_ESTIMABLE);
    expect(io.err).toBe('error: primary outcome WHO5: not estimable: group course end: fewer complete start/end pairs than the plan\'s minimum of 10\n');
    expect(io.out).toContain('WHO5: not estimable: ');
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('data-figure="who5-spaghetti"'); // protection turned off from the command line
  });

  it('prints the typed error, naming the field, and exits 1 for an invalid plan', async () => {
    const dir = tmp();
    const io = capture();
    const plan = quickSftPlan(dir, (p) => ((p['model'] as Record<string, unknown>)['ddf'] = 'KR'));
    expect(await runCli(['analyze', '--participants', P, '--measurements', M, '--plan', plan, '--out', join(dir, 'o')], io)).toBe(1);
    expect(io.err).toContain('ValidationError [VALIDATION]: The analysis plan is not valid');
    expect(io.err).toContain('field "model.ddf"');
    expect(existsSync(join(dir, 'o'))).toBe(false);
  });

  it('prints every data problem with its row and field and exits 1 for invalid data', async () => {
    const dir = tmp();
    const bad = join(dir, 'm.csv');
    writeFileSync(bad, readFileSync(M, 'utf8').replace('P001,baseline,PSP,30,', 'P001,baseline,PSP,300,'));
    const io = capture();
    expect(await runCli(['analyze', '--participants', P, '--measurements', bad, '--plan', quickSftPlan(dir), '--out', join(dir, 'o'), '--quiet'], io)).toBe(1);
    expect(io.err).toMatch(/ValidationError \[VALIDATION\]/);
    expect(io.err).toMatch(/measurements row 1, field "score": received 300/);
  });

  it('exits 1 with an ArgumentError for a file that does not exist', async () => {
    const io = capture();
    expect(await runCli(['analyze', '--data', '/nonexistent/x.csv', '--plan', join(ROOT, 'examples/pre-post/plan.json'), '--out', tmp()], io)).toBe(1);
    expect(io.err).toContain('ArgumentError [ARGUMENT]: Argument "--data"');
  });

  it('runs the bundled pre-post example', async () => {
    const dir = tmp();
    const io = capture();
    expect(await runCli(['example', 'pre-post', '--out', dir], io)).toBe(EXIT_PRIMARY_NOT_ESTIMABLE);
    expect(io.err).toContain('Example "pre-post"');
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('not estimable');
  });

  it('bin/rcteval.js runs the CLI from the sources without a build step', () => {
    const dir = tmp();
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/rcteval.js'), 'analyze', '--data', join(ROOT, 'examples/pre-post/who5-pre-post.csv'), '--plan', join(ROOT, 'examples/pre-post/plan.json'), '--out', dir], {
      encoding: 'utf8',
      env: { ...process.env, RCTEVAL_USE_DIST: '0' },
      timeout: 600_000, // a hung child would block the event loop, out of reach of vitest's test timeout
    });
    expect(r.status, r.stderr).toBe(EXIT_PRIMARY_NOT_ESTIMABLE);
    expect(r.stdout).toContain('Report:');
    expect(r.stderr).toContain('[2/2] primary: WHO5');
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
    const v = spawnSync(process.execPath, [join(ROOT, 'bin/rcteval.js'), '--version'], { encoding: 'utf8' });
    expect(v.stdout.trim()).toBe(`rcteval ${(readJson('package.json') as { version: string }).version}`);
    const bad = spawnSync(process.execPath, [join(ROOT, 'bin/rcteval.js'), 'analyze'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
  });
});
