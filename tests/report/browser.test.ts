/**
 * End to end: open the written report in headless Chromium (Debian's `chromium`, which
 * .ci/run installs), check that the page logs nothing to the console and requests nothing,
 * that every figure is drawn with a size and marks, and save a screenshot to tests/output/.
 * No driver library: chromium's own --dump-dom and --screenshot (tests/chromium.ts).
 */
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeReport } from '../../src/report/write.js';
import { modelFigures } from '../../src/report/model.js';
import { ROOT, cachedAnalysis, mixedPlan } from '../analysis/helpers.js';
import { withSections } from './fixtures.js';
import { chromiumOrWarn, runChromium } from '../chromium.js';

const chromium = chromiumOrWarn('the headless-browser test of the HTML report');
const run = (args: string[], profile: string) => runChromium(chromium!, args, profile, 10_000);

// Measures each figure in the page and writes the result into the DOM for --dump-dom to carry out.
const PROBE = `<script>
window.addEventListener('load', () => {
  const figures = [...document.querySelectorAll('figure[data-figure]')].map((f) => {
    const svg = f.querySelector('svg');
    const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
    const marks = svg ? svg.querySelectorAll('path, rect, line, text').length : 0;
    return { id: f.getAttribute('data-figure'), width: box.width, height: box.height, marks };
  });
  const pre = document.createElement('pre');
  pre.id = 'render-check';
  pre.textContent = JSON.stringify(figures);
  document.body.appendChild(pre);
});
</script>`;

describe.skipIf(!chromium)('the report in headless Chromium', () => {
  it('loads with no console message or request, draws every figure, and is saved as a screenshot', async () => {
    const analysis = withSections(await cachedAnalysis('mixed', mixedPlan()));
    const dir = mkdtempSync(join(tmpdir(), 'rcteval-browser-'));
    const { report } = await writeReport(analysis, dir);
    const expected = modelFigures(report.model).map((f) => f.id);
    const page = join(dir, 'report.html');

    // 1. The report as written: nothing in the console (a blocked request or a CSP violation would log there).
    const plain = await run(['--dump-dom', pathToFileURL(page).href], join(dir, 'profile-1'));
    expect(plain.stdout).toContain('<figure class="figure"');
    const consoleLines = plain.stderr.split('\n').filter((l) => /CONSOLE|Refused to|net::ERR|Failed to load/i.test(l));
    expect(consoleLines, consoleLines.join('\n')).toEqual([]);

    // 2. A copy with a measuring script (the report's own policy forbids scripts, so it is relaxed in the copy only).
    const probed = readFileSync(page, 'utf8')
      .replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '')
      .replace('</body>', `${PROBE}\n</body>`);
    const probePage = join(dir, 'probe.html');
    writeFileSync(probePage, probed);
    const dom = (await run(['--dump-dom', pathToFileURL(probePage).href], join(dir, 'profile-2'))).stdout;
    const m = /<pre id="render-check">([^<]*)<\/pre>/.exec(dom);
    expect(m, 'the probe did not run').not.toBeNull();
    const figures = JSON.parse(m![1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as { id: string; width: number; height: number; marks: number }[];
    expect(figures.map((f) => f.id)).toEqual(expected);
    for (const f of figures) {
      expect(f.width, f.id).toBeGreaterThan(100);
      expect(f.height, f.id).toBeGreaterThan(80);
      expect(f.marks, f.id).toBeGreaterThan(5);
    }

    // 3. A screenshot of the top of the report, kept with the test output.
    const outDir = join(ROOT, 'tests', 'output');
    mkdirSync(outDir, { recursive: true });
    const shot = join(outDir, 'report-screenshot.png');
    await run([`--screenshot=${shot}`, '--window-size=1280,2400', '--hide-scrollbars', pathToFileURL(page).href], join(dir, 'profile-3'));
    expect(statSync(shot).size).toBeGreaterThan(50_000);
    expect(readFileSync(shot).subarray(1, 4).toString('ascii')).toBe('PNG');
  });
});
