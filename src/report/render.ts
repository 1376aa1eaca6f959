/**
 * Rendering Vega-Lite specs to SVG, headless: vega-lite compiles the spec to Vega, vega
 * renders it with the `none` renderer (no canvas, no DOM), so the same code runs in Node and
 * in a browser. Writing the files is write.ts (Node only).
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { RctevalError } from '../errors/index.js';
import type { Figure } from './figures/common.js';

/** A figure could not be compiled or rendered (a bug in a spec builder, or a malformed custom spec). */
export class RenderError extends RctevalError {
  /** The figure's id. */
  readonly figure: string;
  constructor(figure: string, message: string) {
    super('RENDER', `Figure "${figure}" could not be rendered: ${message}`);
    this.name = 'RenderError';
    this.figure = figure;
  }
}

/** A figure with its rendered SVG. */
export interface RenderedFigure extends Figure {
  svg: string;
}

/**
 * Loading data or images would break the report's promise to open offline; specs carry their
 * data inline, and this loader refuses (and records) every request.
 */
function offlineLoader(errors: string[]): ReturnType<typeof vega.loader> {
  const loader = vega.loader();
  loader.load = async (uri: string) => {
    const message = `network and file access are disabled while rendering (requested ${JSON.stringify(uri)})`;
    errors.push(message);
    throw new Error(message);
  };
  return loader;
}

/**
 * vega numbers clip paths `clip1`, `clip2`, … in every SVG it writes; inlined side by side in
 * one page those ids would collide (ids are global to a document), so each figure's ids are
 * prefixed with its own id.
 */
function scopeSvgIds(svg: string, id: string): string {
  const prefix = id.replace(/[^A-Za-z0-9_-]/g, '-');
  return svg
    .replace(/\bid="([^"]+)"/g, (_, x: string) => `id="${prefix}-${x}"`)
    .replace(/url\(#([^)]+)\)/g, (_, x: string) => `url(#${prefix}-${x})`)
    .replace(/href="#([^"]+)"/g, (_, x: string) => `href="#${prefix}-${x}"`);
}

/**
 * Compile a Vega-Lite spec and render it to an SVG string, without a browser.
 *
 * @param spec - a Vega-Lite spec with inline data.
 * @param id - a name for error messages.
 * @returns the SVG markup (text content escaped by vega).
 * @throws RenderError when vega-lite cannot compile the spec or vega cannot render it.
 * @example
 * const svg = await renderSvg({ data: { values: [{ a: 1 }] }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' } } });
 * svg.startsWith('<svg'); // true
 */
export async function renderSvg(spec: TopLevelSpec, id = 'figure'): Promise<string> {
  // vega reports dataflow errors (a refused load, a bad expression) to its logger and renders
  // on without the data; collect them so that a figure with missing content is an error.
  const errors: string[] = [];
  const logger = vega.logger(vega.Error);
  logger.error = (...args: readonly unknown[]) => {
    errors.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
    return logger;
  };
  let view: vega.View;
  try {
    // vega tags inline data rows with symbols as it runs; render a copy so the caller's spec
    // (and any result object it shares) is never touched.
    const compiled = compile(structuredClone(spec)).spec;
    view = new vega.View(vega.parse(compiled), { renderer: 'none', loader: offlineLoader(errors), logger });
  } catch (e) {
    throw new RenderError(id, e instanceof Error ? e.message : String(e));
  }
  try {
    const svg = await view.toSVG();
    if (errors.length > 0) throw new Error(errors.join('; '));
    return scopeSvgIds(svg, id);
  } catch (e) {
    throw new RenderError(id, e instanceof Error ? e.message : String(e));
  } finally {
    view.finalize();
  }
}

/**
 * Render every figure to SVG (in order).
 * @throws RenderError for the first figure that fails.
 * @example
 * const rendered = await renderFigures(reportFigures(analysis));
 * rendered.every((f) => f.svg.includes('<svg')); // true
 */
export async function renderFigures(figures: readonly Figure[]): Promise<RenderedFigure[]> {
  const out: RenderedFigure[] = [];
  for (const f of figures) out.push({ ...f, svg: await renderSvg(f.spec, f.id) });
  return out;
}
