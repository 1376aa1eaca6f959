/**
 * The core (`rcteval`) in a browser. esbuild bundles it for platform `browser` (which fails on
 * any Node built-in), and the gzipped size of that bundle is held to a budget. Then a page
 * served from 127.0.0.1 runs, in headless Chromium, the SFT pipeline of sft-pipeline.ts on the
 * sample CSVs (validate, the partially nested model, contrasts, an effect size, a one-outcome
 * plan) and draws two figures with `rcteval/report` (vega renders SVG in the page); its numbers
 * must equal Node's, with no console message and no failed request.
 * Chromium is Debian's `chromium` (.ci/run installs it), driven with --dump-dom as in
 * tests/report/browser.test.ts; without it the Chromium part is skipped, loudly.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { expectRel, loadFixture } from '../models/fixture-helpers.js';
import { LMM_FIXED, LMM_OBJECTIVE } from '../tolerances.js';
import { runSftPipeline, type PipelineResult } from './sft-pipeline.js';
import { chromiumOrWarn, runChromium } from '../chromium.js';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Gzipped (level 9) size budget of the minified core bundle, in bytes: about 20 % above the
 * 273,790 bytes measured when the core was split off (2026-12-02; zod is about half of the
 * minified bundle). A capability that needs more should say why in its commit and raise this.
 * Raised to 345,000 on 2026-12-03 at 331,034 bytes: the GLMM's gamma family and its analytic
 * gradients (both stages; fitGlmm several times faster) came after the split.
 */
export const CORE_GZIP_BUDGET = 345_000;

const chromium = chromiumOrWarn('the test of rcteval in a browser (tests/package/browser.test.ts)');

describe('the core bundled for the browser', () => {
  it('bundles with no Node built-in, no vega, no warning, and within the size budget', async () => {
    const r = await build({
      entryPoints: [join(ROOT, 'src/index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      minify: true,
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    // A bare `import './x.js'` would be dropped under "sideEffects": false: esbuild warns.
    expect(r.warnings.map((w) => w.text)).toEqual([]);
    const inputs = Object.keys(r.metafile.inputs);
    expect(inputs.filter((i) => i.startsWith('node:') || /node_modules\/(vega|d3-)/.test(i))).toEqual([]);
    const gzipped = gzipSync(r.outputFiles[0]!.contents, { level: 9 }).length;
    console.info(`core bundle (minified, esm, browser): ${r.outputFiles[0]!.contents.length} bytes, ${gzipped} gzipped (budget ${CORE_GZIP_BUDGET})`);
    expect(gzipped).toBeLessThanOrEqual(CORE_GZIP_BUDGET);
  });
});

/** Numbers equal to 1e-12 relative (the page's V8 is not Node's; in practice they are identical). */
function expectSameNumbers(page: unknown, node: unknown, path = 'result'): void {
  if (typeof node === 'number' && typeof page === 'number') {
    expect(Math.abs(page - node), path).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(node)));
  } else if (node !== null && typeof node === 'object') {
    expect(page !== null && typeof page === 'object', path).toBe(true);
    expect(Object.keys(page as object).sort(), path).toEqual(Object.keys(node).sort());
    for (const [k, v] of Object.entries(node)) expectSameNumbers((page as Record<string, unknown>)[k], v, `${path}.${k}`);
  } else {
    expect(page, path).toEqual(node);
  }
}

describe.skipIf(!chromium)('rcteval in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rcteval-page-'));
  let server: Server | null = null;
  afterAll(() => {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the sample CSVs, fits the partially nested model, computes contrasts and an effect size, draws figures, and matches Node', async () => {
    const page = await build({
      entryPoints: [join(ROOT, 'tests/package/browser-page.ts')],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      write: false,
      logLevel: 'silent',
    });
    const script = page.outputFiles[0]!.contents;
    const csv = (f: string) => readFileSync(join(ROOT, 'data-samples', f));
    const files = new Map<string, { type: string; body: Uint8Array | string }>([
      ['/', { type: 'text/html; charset=utf-8', body: '<!doctype html><html><head><meta charset="utf-8"><title>rcteval</title><link rel="icon" href="data:,"></head><body><script src="/page.js"></script></body></html>' }],
      ['/page.js', { type: 'text/javascript; charset=utf-8', body: script }],
      ['/data/sft-participants.csv', { type: 'text/csv', body: csv('sft-participants.csv') }],
      ['/data/sft-measurements.csv', { type: 'text/csv', body: csv('sft-measurements.csv') }],
    ]);
    const missing: string[] = [];
    server = createServer((req, res) => {
      const f = files.get(req.url ?? '');
      if (!f) {
        missing.push(req.url ?? '');
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': f.type }).end(f.body);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };

    // Node's numbers first (this blocks the event loop, so not while the page is being served).
    const node = (await runSftPipeline(csv('sft-participants.csv'), csv('sft-measurements.csv'))).result;

    // runChromium is asynchronous: the server answers from this process's event loop.
    const { stdout, stderr } = await runChromium(chromium!, ['--dump-dom', `http://127.0.0.1:${port}/`], join(dir, 'profile'), 60_000);
    const text = (id: string): string | null => {
      const m = new RegExp(`<pre id="${id}">([^<]*)</pre>`).exec(stdout);
      return m ? m[1]!.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&') : null;
    };
    expect(text('error'), 'the page threw').toBeNull();
    expect(text('done'), `the page did not finish; stderr:\n${stderr.slice(-3000)}`).toBe('done');
    const consoleLines = stderr.split('\n').filter((l) => /CONSOLE|Uncaught|Refused to|net::ERR|Failed to load/i.test(l));
    expect(consoleLines, consoleLines.join('\n')).toEqual([]);
    expect(missing).toEqual([]);

    const inPage = JSON.parse(text('results')!) as PipelineResult;
    expectSameNumbers(inPage, JSON.parse(JSON.stringify(node)) as PipelineResult);
    // And the page's fit is lme4's/emmeans' on the same files (the fixture of tests/models/lmm/sft-sample.test.ts).
    const fx = loadFixture('sft-sample');
    expect(inPage.nObs).toBe(fx.fits.psp.nobs);
    expect(inPage.nGroups.id).toBe(fx.fits.psp.ngrps.id);
    expectRel(inPage.remlCriterion, fx.fits.psp.remlCriterion, LMM_OBJECTIVE, 1, 'REML criterion');
    const e = fx.emmeans.psp.pairsByVisit;
    inPage.armDifferences.forEach((d, i) => {
      expect(d.visit).toBe(e.visit[i]);
      expectRel(d.estimate, e.estimate[i], LMM_FIXED, e.SE[i], `arm difference at ${d.visit}`);
    });
    expect(inPage.effectSize.ci).not.toBeNull();

    const figures = JSON.parse(text('figures')!) as { id: string; width: number; height: number; marks: number }[];
    expect(figures).toHaveLength(2);
    for (const f of figures) {
      expect(f.width, f.id).toBeGreaterThan(100);
      expect(f.height, f.id).toBeGreaterThan(80);
      expect(f.marks, f.id).toBeGreaterThan(5);
    }
  });
});
