/**
 * The worker threads must start wherever the library runs: from the built `dist/`
 * (plain .js workers), through `npx tsx` (the .ts worker loaded by tsx), and under vitest (the
 * other test files). Each run here must also reproduce the single-thread numbers exactly.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { costEffectiveness } from '../../src/economics/index.js';
import { resolveWorkerEntry } from '../../src/parallel/pool.js';
import { fixtureInput } from '../economics/helpers.js';
import { compileLibrary } from './compile.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'rcteval-econ-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const OPTIONS = { seed: 17, replicates: 3000, wtp: [0, 20000] };

/** A script that runs the bootstrap on 2 threads and prints what it used and a fingerprint of the replicates. */
function script(importFrom: string, poolFrom: string): string {
  return `
import { costEffectiveness } from ${JSON.stringify(importFrom)};
import { resolveWorkerEntry } from ${JSON.stringify(poolFrom)};
import { readFileSync } from 'node:fs';
const input = JSON.parse(readFileSync(${JSON.stringify(join(dir, 'input.json'))}, 'utf8'));
const res = await costEffectiveness(input, { ...${JSON.stringify(OPTIONS)}, threads: 2 });
console.log(JSON.stringify({
  loader: resolveWorkerEntry()?.loader ?? null,
  threadsUsed: res.threadsUsed,
  codes: res.diagnostics.map((d) => d.code),
  deltaCost: res.plane.deltaCost,
  deltaEffect: res.plane.deltaEffect,
}));
`;
}

/** The script's output: run by `loader` on 2 worker threads, with the single-thread replicates exactly. */
async function expectReferenceOnTwoThreads(out: { loader: string; threadsUsed: number; codes: string[]; deltaCost: number[]; deltaEffect: number[] }, loader: string): Promise<void> {
  const ref = await costEffectiveness(fixtureInput(), { ...OPTIONS, threads: 1 });
  expect(out.loader).toBe(loader);
  expect(out.threadsUsed).toBe(2);
  expect(out.codes).not.toContain('worker-fallback');
  expect(out.deltaCost).toEqual(ref.plane!.deltaCost);
  expect(out.deltaEffect).toEqual(ref.plane!.deltaEffect);
}

describe('bootstrap worker loading', () => {
  writeFileSync(join(dir, 'input.json'), JSON.stringify(fixtureInput()));

  it('in this source checkout the worker is the .ts file loaded through tsx', () => {
    expect(resolveWorkerEntry()?.loader).toBe('tsx');
  });

  it('from `npx tsx`: 2 worker threads, identical replicates', async () => {
    const file = join(dir, 'run-tsx.mts');
    writeFileSync(file, script(join(root, 'src/economics/index.ts'), join(root, 'src/parallel/pool.ts')));
    const out = JSON.parse(execFileSync(join(root, 'node_modules/.bin/tsx'), [file], { cwd: root, encoding: 'utf8' }));
    await expectReferenceOnTwoThreads(out, 'tsx');
  });

  it('from a tsc build (as in dist/): worker.js resolves beside the compiled pool, 2 threads, identical replicates', async () => {
    const out = join(dir, 'dist');
    compileLibrary(out, ['economics/index.ts', 'parallel/worker.ts']);
    // As in an installed package, the build resolves its dependencies (zod, through the instrument registry the QALY functions use).
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const file = join(dir, 'run-dist.mjs');
    writeFileSync(file, script(join(out, 'economics/index.js'), join(out, 'parallel/pool.js')));
    const res = JSON.parse(execFileSync(process.execPath, [file], { cwd: dir, encoding: 'utf8' }));
    await expectReferenceOnTwoThreads(res, 'compiled');
  });
});
