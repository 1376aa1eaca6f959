/**
 * The report as one self-contained HTML file: inline CSS, inline SVG figures, no scripts, no
 * links to anything outside the file, so it opens offline and makes no network request.
 * Every string that came from the data or the plan is escaped.
 */
import type { ReportModel, ReportSection, ReportTable } from './model.js';
import type { RenderedFigure } from './render.js';
import { slug } from './figures/common.js';

/**
 * Escape text for HTML element content and attribute values.
 * @example
 * escapeHtml('<script>alert(1)</script>'); // '&lt;script&gt;alert(1)&lt;/script&gt;'
 */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const CSS = `
:root { --ink: #222; --muted: #666; --line: #ddd; --accent: #4c78a8; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); margin: 0; line-height: 1.45; background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 80px; }
h1 { font-size: 1.7rem; margin: 0 0 6px; }
h2 { font-size: 1.3rem; margin: 36px 0 8px; padding-top: 8px; border-top: 2px solid var(--line); }
h3 { font-size: 1.08rem; margin: 26px 0 6px; }
p.meta { color: var(--muted); font-size: 0.9rem; margin: 4px 0 16px; }
nav ol { columns: 2; font-size: 0.92rem; padding-left: 20px; }
p.reading { margin: 6px 0; }
p.reading::before { content: "▸ "; color: var(--accent); }
.status { display: inline-block; font-size: 0.78rem; padding: 1px 8px; border-radius: 10px; margin-left: 8px; vertical-align: middle; background: #eee; color: #444; }
.status-not-available, .status-not-requested, .status-failed, .status-not-estimable { background: #fafafa; border-left: 4px solid #bbb; padding-left: 10px; }
.status-failed { border-left-color: #d73027; }
.status-not-estimable { border-left-color: #fc8d59; }
table { border-collapse: collapse; margin: 10px 0 4px; font-size: 0.86rem; width: auto; max-width: 100%; display: block; overflow-x: auto; }
caption { text-align: left; font-weight: 600; padding: 4px 0; caption-side: top; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 9px; text-align: left; vertical-align: top; white-space: pre-wrap; }
th { background: #f5f5f5; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
p.note { color: var(--muted); font-size: 0.82rem; margin: 2px 0 14px; }
div.figures { display: flex; flex-wrap: wrap; gap: 8px 28px; align-items: flex-start; }
figure { margin: 14px 0; max-width: 100%; }
figure figcaption { max-width: 560px; }
figure .svg { overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 0.88rem; color: #333; margin-top: 4px; }
ul.notes { font-size: 0.85rem; color: var(--muted); }
details pre { font-size: 0.78rem; background: #f7f7f7; padding: 10px; overflow-x: auto; }
@media print { nav { display: none; } h2 { break-before: auto; } figure { break-inside: avoid; } }
`;

function tableHtml(t: ReportTable): string {
  const head = t.columns.map((c) => `<th scope="col"${c.numeric ? ' class="num"' : ''}>${escapeHtml(c.label)}</th>`).join('');
  const body = t.rows
    .map((r) => `<tr>${t.columns.map((c) => `<td${c.numeric ? ' class="num"' : ''}>${escapeHtml(r[c.key] ?? '')}</td>`).join('')}</tr>`)
    .join('\n');
  const note = t.note ? `\n<p class="note">${escapeHtml(t.note)}</p>` : '';
  return `<table id="${escapeHtml(slug(t.id))}">\n<caption>${escapeHtml(t.caption)}</caption>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>${note}`;
}

function figureHtml(f: RenderedFigure): string {
  // The SVG comes from vega, which escapes every text it draws; it is inlined as is.
  return `<figure class="figure" id="fig-${escapeHtml(f.id)}" data-figure="${escapeHtml(f.id)}">\n<div class="svg">${f.svg}</div>\n<figcaption><strong>${escapeHtml(f.title)}.</strong> ${escapeHtml(f.reading)}</figcaption>\n</figure>`;
}

const STATUS_TEXT: Record<string, string> = {
  done: '',
  'not-requested': 'not in plan',
  'not-available': 'not available',
  failed: 'failed',
  'not-estimable': 'not estimable',
};

function sectionHtml(s: ReportSection, level: 2 | 3, svgs: Map<string, RenderedFigure>): string {
  const status = STATUS_TEXT[s.status] ? `<span class="status">${STATUS_TEXT[s.status]}</span>` : '';
  const parts: string[] = [`<section id="${escapeHtml(slug(s.id))}" class="section status-${s.status}">`, `<h${level}>${escapeHtml(s.title)}${status}</h${level}>`];
  for (const r of s.readings) parts.push(`<p class="reading">${escapeHtml(r)}</p>`);
  const figs = s.figures.map((f) => svgs.get(f.id)).filter((f) => f !== undefined);
  if (figs.length > 0) parts.push(`<div class="figures">\n${figs.map(figureHtml).join('\n')}\n</div>`);
  for (const t of s.tables) parts.push(tableHtml(t));
  if (s.notes.length > 0) parts.push(`<ul class="notes">${s.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`);
  for (const sub of s.subsections) parts.push(sectionHtml(sub, 3, svgs));
  parts.push('</section>');
  return parts.join('\n');
}

/**
 * Print a report model as one self-contained HTML page.
 *
 * @param model - from `buildReportModel`.
 * @param figures - the model's figures rendered to SVG (`renderFigures`); a figure without
 *   its SVG is left out.
 * @returns the HTML document.
 * @example
 * const html = renderHtml(model, await renderFigures(modelFigures(model)));
 * html.startsWith('<!doctype html>'); // true
 */
export function renderHtml(model: ReportModel, figures: readonly RenderedFigure[]): string {
  const svgs = new Map(figures.map((f) => [f.id, f] as const));
  const toc = model.sections.map((s) => `<li><a href="#${escapeHtml(slug(s.id))}">${escapeHtml(s.title)}</a>${STATUS_TEXT[s.status] ? ` <small>(${STATUS_TEXT[s.status]})</small>` : ''}</li>`).join('');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No request may leave the file: not even a favicon or a prefetch.
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; img-src data:">',
    '<link rel="icon" href="data:,">',
    `<title>${escapeHtml(model.title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    '<header>',
    `<h1>${escapeHtml(model.title)}</h1>`,
    model.description ? `<p>${escapeHtml(model.description)}</p>` : '',
    `<p class="meta">${model.meta.map(escapeHtml).join(' · ')}</p>`,
    '</header>',
    `<nav aria-label="Contents"><ol>${toc}</ol></nav>`,
    ...model.sections.map((s) => sectionHtml(s, 2, svgs)),
    `<details><summary>Analysis plan (normalised, every default filled in)</summary><pre>${escapeHtml(model.planJson)}</pre></details>`,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
