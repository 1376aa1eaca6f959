/**
 * The package as another package sees it: package.json's "exports" (rcteval, rcteval/report,
 * rcteval/node, types beside each), `"sideEffects": false`, the version the analyses record,
 * and a plain `node` process importing the three entries from an installed copy.
 *
 * The installed copy is src/ transpiled file by file with esbuild into the dist/ layout
 * (what tsc emits, minus the .d.ts): a tsc build takes ~100 s on the shared CI cores, and
 * tests/economics/worker-loading.test.ts already covers a tsc build. publint and
 * are-the-types-wrong were run on the packed tarball by hand (see docs/architecture.md).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.js';

const ROOT = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  sideEffects: unknown;
  exports: Record<string, string | { types: string; import: string }>;
  files: string[];
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('package.json', () => {
  it('records its version in the core (analyses carry software.version)', () => {
    expect(VERSION).toBe(pkg.version);
  });

  it('exports rcteval, rcteval/report and rcteval/node with types, each from a source entry, and has no side effects', () => {
    expect(pkg.sideEffects).toBe(false);
    expect(Object.keys(pkg.exports).sort()).toEqual(['.', './node', './package.json', './report']);
    for (const [key, target] of Object.entries(pkg.exports)) {
      if (key === './package.json') continue;
      if (typeof target === 'string') throw new Error(`${key}: expected { types, import }`);
      // "types" must come first (TypeScript reads conditions in order).
      expect(Object.keys(target), key).toEqual(['types', 'import']);
      expect(target.types.replace(/\.d\.ts$/, '')).toBe(target.import.replace(/\.js$/, ''));
      const source = join(ROOT, target.import.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'));
      expect(existsSync(source), `${key} → ${relative(ROOT, source)}`).toBe(true);
    }
    expect(pkg.files).toContain('dist');
  });
});

describe('an installed copy, imported by a plain node process', () => {
  // Inside the repository so that the package's own dependencies (vega, zod) resolve.
  const dir = join(ROOT, 'tests', 'output', `package-${process.pid}`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports the three entries; the core holds no file-system or CLI names; each entry works', async () => {
    const installed = join(dir, 'node_modules', 'rcteval');
    mkdirSync(installed, { recursive: true });
    await build({
      entryPoints: sourceFiles(join(ROOT, 'src')),
      outdir: join(installed, 'dist'),
      outbase: join(ROOT, 'src'),
      bundle: false,
      format: 'esm',
      platform: 'node',
      target: 'es2022',
      logLevel: 'silent',
    });
    writeFileSync(join(installed, 'package.json'), readFileSync(join(ROOT, 'package.json')));
    // A package scope of its own: inside the repository's scope, Node would resolve 'rcteval' to
    // the repository itself (package self-reference, before node_modules), i.e. to a stale or
    // missing dist/, not to the copy installed here.
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'rcteval-consumer', private: true, type: 'module' }));
    const script = join(dir, 'consumer.mjs');
    writeFileSync(
      script,
      `
const core = await import('rcteval');
const report = await import('rcteval/report');
const node = await import('rcteval/node');
let deep = null;
try { await import('rcteval/dist/index.js'); } catch (e) { deep = e.code; }
const table = await node.readCsvFile(${JSON.stringify(join(ROOT, 'data-samples', 'sft-participants.csv'))}, { table: 'participants' });
const svg = await report.renderSvg({ data: { values: [{ a: 1 }, { a: 2 }] }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' } } });
const fit = core.fitOls('y ~ x', { y: [1, 3, 2, 5, 4], x: [1, 2, 3, 4, 5] });
console.log(JSON.stringify({
  core: Object.keys(core), report: Object.keys(report), node: Object.keys(node), deep,
  rows: table.rows.length, svg: svg.startsWith('<svg'), slope: fit.fixedEffects[1].estimate,
}));
`,
    );
    const out = JSON.parse(execFileSync(process.execPath, [script], { cwd: dir, encoding: 'utf8' })) as {
      core: string[];
      report: string[];
      node: string[];
      deep: string | null;
      rows: number;
      svg: boolean;
      slope: number;
    };
    expect(out.deep).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    expect(out.core).toContain('fitLmm');
    expect(out.core).toContain('analyzeTrial');
    for (const name of ['readCsvFile', 'writeReport', 'writeSample', 'openWorkerPool', 'runCli', 'renderSvg', 'escapeHtml', 'brentRoot', 'PALETTE', 'USAGE']) {
      expect(out.core, name).not.toContain(name);
    }
    expect(out.report).toEqual(expect.arrayContaining(['renderSvg', 'buildReport', 'meanTrajectoryFigure']));
    expect(out.report).not.toContain('writeReport');
    expect(out.node).toEqual(expect.arrayContaining(['readCsvFile', 'writeReport', 'writeSample', 'openWorkerPool', 'runCli', 'loadTrialFiles']));
    expect(out.rows).toBe(readFileSync(join(ROOT, 'data-samples', 'sft-participants.csv'), 'utf8').trim().split('\n').length - 1);
    expect(out.svg).toBe(true);
    expect(out.slope).toBeCloseTo(0.8, 12);
  });
});
