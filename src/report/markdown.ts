/**
 * The report as Markdown (for notebooks and version control): the same sections, readings
 * and tables as the HTML report, figures as links to their SVG files.
 */
import type { ReportModel, ReportSection, ReportTable } from './model.js';
import { checkOptions, optionKeys } from '../errors/checks.js';

/**
 * Escape text for a Markdown table cell or paragraph: characters Markdown would read as
 * formatting, the cell separator, and `<`, `>` and `&`, since Markdown passes raw HTML through.
 * @example
 * escapeMarkdown('a|b <script>'); // 'a\\|b &lt;script&gt;'
 */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

/**
 * One report table as a GitHub-flavoured Markdown table with its caption above and its
 * note below.
 * @example
 * markdownTable({ id: 't', caption: 'Counts', columns: [{ key: 'a', label: 'A', numeric: true }], rows: [{ a: '1' }], note: null });
 * // '**Counts**\n\n| A |\n|---:|\n| 1 |'
 */
export function markdownTable(t: ReportTable): string {
  const head = `| ${t.columns.map((c) => escapeMarkdown(c.label)).join(' | ')} |`;
  const rule = `|${t.columns.map((c) => (c.numeric ? '---:' : '---')).join('|')}|`;
  const body = t.rows.map((r) => `| ${t.columns.map((c) => escapeMarkdown(r[c.key] ?? '')).join(' | ')} |`);
  const out = [`**${escapeMarkdown(t.caption)}**`, '', head, rule, ...body];
  if (t.note) out.push('', `_${escapeMarkdown(t.note)}_`);
  return out.join('\n');
}

/** Options of {@link renderMarkdown}. */
export interface MarkdownOptions {
  /**
   * Folder (relative to the Markdown file) holding `<figure id>.svg`; `null` leaves figures out.
   * @defaultValue 'figures'
   */
  figureDir?: string | null;
}

function sectionMd(s: ReportSection, level: number, options: MarkdownOptions): string[] {
  const status = s.status === 'done' ? '' : ` (${s.status.replace(/-/g, ' ')})`;
  const out: string[] = [`${'#'.repeat(level)} ${escapeMarkdown(s.title)}${status}`, ''];
  for (const r of s.readings) out.push(escapeMarkdown(r), '');
  const dir = options.figureDir === undefined ? 'figures' : options.figureDir;
  if (dir !== null) for (const f of s.figures) out.push(`![${escapeMarkdown(f.title)}](${dir}/${f.id}.svg)`, '', `_${escapeMarkdown(f.reading)}_`, '');
  for (const t of s.tables) out.push(markdownTable(t), '');
  for (const n of s.notes) out.push(`- ${escapeMarkdown(n)}`);
  if (s.notes.length) out.push('');
  for (const sub of s.subsections) out.push(...sectionMd(sub, level + 1, options));
  return out;
}

/**
 * Print a report model as Markdown.
 * @example
 * renderMarkdown(model).startsWith('# '); // true
 */
export function renderMarkdown(model: ReportModel, options: MarkdownOptions = {}): string {
  checkOptions('options', options, optionKeys<MarkdownOptions>()(['figureDir']));
  const out: string[] = [`# ${escapeMarkdown(model.title)}`, ''];
  if (model.description) out.push(escapeMarkdown(model.description), '');
  out.push(`_${escapeMarkdown(model.meta.join(' · '))}_`, '');
  for (const s of model.sections) out.push(...sectionMd(s, 2, options));
  // The plan itself is not repeated here: its strings are user text, and results.json holds it.
  out.push('_The normalised analysis plan is stored with the results (`results.json`, field `plan`)._', '');
  return out.join('\n');
}
