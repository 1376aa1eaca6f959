/**
 * The page script of tests/package/browser.test.ts, bundled by esbuild for the browser: it
 * fetches the sample CSVs from the test's server, runs the shared pipeline with the core
 * (`rcteval`), draws two figures with `rcteval/report` (vega renders the SVG in the page) and
 * writes everything into the DOM, where --dump-dom carries it out to the test.
 */
import { armDifferenceFigure, meanTrajectoryFigure, renderSvg } from '../../src/report/index.js';
import { DESIGN, PLAN, runSftPipeline } from './sft-pipeline.js';

// The project compiles without the DOM library (nothing in src/ may lean on it), so the few
// DOM members this page uses are declared here.
interface PageElement {
  id: string;
  textContent: string | null;
  innerHTML: string;
  setAttribute(name: string, value: string): void;
  appendChild(child: PageElement): void;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): { length: number };
  getBoundingClientRect(): { width: number; height: number };
}
declare const document: { createElement(tag: string): PageElement; body: PageElement };

async function bytes(path: string): Promise<Uint8Array> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

function put(id: string, text: string): void {
  const pre = document.createElement('pre');
  pre.id = id;
  pre.textContent = text;
  document.body.appendChild(pre);
}

async function main(): Promise<void> {
  const { result, analysis } = await runSftPipeline(await bytes('/data/sft-participants.csv'), await bytes('/data/sft-measurements.csv'));
  const outcome = analysis.outcomes[0]!;
  const design = { ...DESIGN, visitMonths: PLAN.design.visitMonths };
  const figures = [meanTrajectoryFigure(outcome, design), armDifferenceFigure(outcome, design, 'control')];
  const drawn: { id: string; width: number; height: number; marks: number }[] = [];
  for (const figure of figures) {
    if (figure === null) throw new Error('a figure had nothing to draw');
    const holder = document.createElement('figure');
    holder.setAttribute('data-figure', figure.id);
    holder.innerHTML = await renderSvg(figure.spec, figure.id);
    document.body.appendChild(holder);
    const svg = holder.querySelector('svg')!;
    const box = svg.getBoundingClientRect();
    drawn.push({ id: figure.id, width: box.width, height: box.height, marks: svg.querySelectorAll('path, rect, line, text').length });
  }
  put('results', JSON.stringify(result));
  put('figures', JSON.stringify(drawn));
  put('done', 'done');
}

main().catch((e: unknown) => {
  const message = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e);
  put('error', message);
  console.error(message);
});
