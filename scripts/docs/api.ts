/**
 * The API reference from TSDoc: every declaration exported by the public entry points, with
 * its signature (as the TypeScript compiler prints it), its documentation and its tags
 * (@param, @returns, @throws, @defaultValue, @example), grouped by entry point and, within
 * one, by the capability sections of its barrel: a `//` comment block above a group of
 * exports heads a section with its first line (see src/index.ts). A table of contents lists
 * every function under its section. Uses the `typescript` compiler API only (no typedoc).
 */
import { join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(import.meta.dirname, '..', '..');

/** The package's entry points (package.json "exports"): source file → import specifier. */
export const API_ENTRIES: readonly { file: string; specifier: string; summary: string }[] = [
  { file: 'src/index.ts', specifier: 'rcteval', summary: 'the browser-safe core: data, models, analyses, plans (no Node built-ins, no vega)' },
  { file: 'src/report/index.ts', specifier: 'rcteval/report', summary: 'figures (Vega-Lite), rendering to SVG, the HTML and Markdown report (Node or browser)' },
  { file: 'src/node/index.ts', specifier: 'rcteval/node', summary: 'Node only: reading and writing files, worker threads, the command line' },
];

/** One documented export. */
export interface ApiEntry {
  name: string;
  /** The import specifier that exports it (`rcteval`, `rcteval/report`, `rcteval/node`). */
  entry: string;
  /** The barrel section it is listed under (the heading comment above its export). */
  section: string;
  /** The section's description (the heading comment's later lines). */
  sectionNote: string;
  kind: 'function' | 'class' | 'interface' | 'type' | 'const' | 'enum' | 'other';
  /** Source file relative to the repository root. */
  file: string;
  signatures: string[];
  doc: string;
  tags: { name: string; text: string }[];
  /** Interface and class members with their types, docs and defaults. */
  members: { name: string; type: string; doc: string; defaultValue: string | null; optional: boolean }[];
}

function kindOf(decl: ts.Declaration): ApiEntry['kind'] {
  if (ts.isFunctionDeclaration(decl)) return 'function';
  if (ts.isClassDeclaration(decl)) return 'class';
  if (ts.isInterfaceDeclaration(decl)) return 'interface';
  if (ts.isTypeAliasDeclaration(decl)) return 'type';
  if (ts.isVariableDeclaration(decl)) return 'const';
  if (ts.isEnumDeclaration(decl)) return 'enum';
  return 'other';
}

function tagText(tag: ts.JSDocTagInfo): string {
  return (tag.text ?? []).map((p) => p.text).join('').trim();
}

function short(s: string, max = 400): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/**
 * The section of each exported name of a barrel: a run of `//` comment lines directly above
 * an export statement starts a section titled by its first line (later lines describe it);
 * exports without such a comment stay in the section before them.
 */
export function barrelSections(sf: ts.SourceFile): { sections: { title: string; description: string }[]; sectionOf: Map<string, string> } {
  const sections: { title: string; description: string }[] = [];
  const sectionOf = new Map<string, string>();
  let current = '';
  for (const st of sf.statements) {
    if (!ts.isExportDeclaration(st)) continue;
    const lines = (ts.getLeadingCommentRanges(sf.text, st.pos) ?? [])
      .filter((c) => c.kind === ts.SyntaxKind.SingleLineCommentTrivia)
      .map((c) => sf.text.slice(c.pos + 2, c.end).trim());
    if (lines.length > 0 && lines[0]) {
      current = lines[0];
      if (!sections.some((x) => x.title === current)) sections.push({ title: current, description: lines.slice(1).join(' ') });
    }
    if (st.exportClause && ts.isNamedExports(st.exportClause)) for (const el of st.exportClause.elements) sectionOf.set(el.name.text, current);
  }
  return { sections, sectionOf };
}

/**
 * Collect the exported declarations of the entry points.
 * @param entries - entry points. @defaultValue {@link API_ENTRIES}
 * @example
 * collectApi().find((e) => e.name === 'analyzeTrial')?.section; // 'Analysis plans: a whole pre-specified analysis in one call'
 */
export function collectApi(entries: readonly { file: string; specifier: string }[] = API_ENTRIES): ApiEntry[] {
  const files = entries.map((e) => join(ROOT, e.file));
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const seen = new Set<ts.Declaration>();
  const out: ApiEntry[] = [];
  for (const [i, file] of files.entries()) {
    const sf = program.getSourceFile(file);
    if (!sf) continue;
    const moduleSymbol = checker.getSymbolAtLocation(sf);
    if (!moduleSymbol) continue;
    const { sections, sectionOf } = barrelSections(sf);
    for (const exp of checker.getExportsOfModule(moduleSymbol)) {
      const sym = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
      const decl = sym.declarations?.[0];
      if (!decl || seen.has(decl)) continue;
      seen.add(decl);
      const kind = kindOf(decl);
      const signatures: string[] = [];
      const members: ApiEntry['members'] = [];
      if (kind === 'function') {
        // The signature as written (parameter types by their names), not the compiler's
        // expansion of every alias, which is unreadable for schema-derived types.
        const decls = (sym.declarations ?? []).filter(ts.isFunctionDeclaration);
        const overloads = decls.length > 1 ? decls.filter((d) => d.body === undefined) : decls;
        for (const d of overloads) {
          const params = d.parameters.map((p) => p.getText().replace(/\s+/g, ' ')).join(', ');
          const ret = d.type ? d.type.getText() : checker.typeToString(checker.getReturnTypeOfSignature(checker.getSignatureFromDeclaration(d)!));
          signatures.push(`${exp.name}${d.typeParameters ? `<${d.typeParameters.map((t) => t.getText()).join(', ')}>` : ''}(${params}): ${ret}`);
        }
      } else if (kind === 'const') {
        signatures.push(`const ${exp.name}: ${short(checker.typeToString(checker.getTypeOfSymbolAtLocation(sym, decl)), 300)}`);
      } else if (kind === 'type') {
        signatures.push(short(decl.getText(), 600));
      } else if (kind === 'interface' || kind === 'class') {
        const type = checker.getDeclaredTypeOfSymbol(sym);
        signatures.push(`${kind} ${exp.name}`);
        for (const m of type.getProperties()) {
          const md = m.declarations?.[0];
          if (!md || (kind === 'class' && md.getSourceFile() !== decl.getSourceFile())) continue;
          const mt = checker.typeToString(checker.getTypeOfSymbolAtLocation(m, md), undefined, ts.TypeFormatFlags.NoTruncation);
          const dv = m.getJsDocTags(checker).find((t) => t.name === 'defaultValue');
          members.push({
            name: m.name,
            type: short(mt, 200),
            doc: short(ts.displayPartsToString(m.getDocumentationComment(checker)), 500),
            defaultValue: dv ? tagText(dv) : null,
            optional: (m.flags & ts.SymbolFlags.Optional) !== 0,
          });
        }
      }
      out.push({
        name: exp.name,
        entry: entries[i]!.specifier,
        section: sectionOf.get(exp.name) || 'Other exports',
        sectionNote: sections.find((x) => x.title === sectionOf.get(exp.name))?.description ?? '',
        kind,
        file: relative(ROOT, decl.getSourceFile().fileName),
        signatures,
        doc: ts.displayPartsToString(sym.getDocumentationComment(checker)).trim(),
        tags: sym.getJsDocTags(checker).map((t) => ({ name: t.name, text: tagText(t) })),
        members,
      });
    }
  }
  return out;
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\n/g, ' ');
}

function anchor(text: string): string {
  // GitHub's heading ids: lower case, punctuation dropped, spaces to hyphens.
  return text.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
}

const KIND_ORDER: readonly ApiEntry['kind'][] = ['function', 'class', 'const', 'enum', 'interface', 'type', 'other'];

function renderEntry(out: string[], e: ApiEntry): void {
  out.push(`### ${e.name}`, '', `_${e.kind}, ${e.file}_`, '');
  if (e.signatures.length) out.push('```ts', ...e.signatures, '```', '');
  if (e.doc) out.push(e.doc, '');
  const params = e.tags.filter((t) => t.name === 'param');
  if (params.length) out.push('**Parameters**', '', ...params.map((p) => `- ${p.text.replace(/^(\S+)\s*-?\s*/, '`$1` – ')}`), '');
  for (const name of ['returns', 'throws', 'defaultValue']) {
    for (const t of e.tags.filter((x) => x.name === name)) out.push(`**${name === 'returns' ? 'Returns' : name === 'throws' ? 'Throws' : 'Default'}:** ${t.text}`, '');
  }
  if (e.members.length) {
    out.push('| member | type | default | description |', '|---|---|---|---|');
    for (const m of e.members) out.push(`| \`${m.name}${m.optional ? '?' : ''}\` | \`${escapeCell(m.type)}\` | ${m.defaultValue ? escapeCell(m.defaultValue) : ''} | ${escapeCell(m.doc)} |`);
    out.push('');
  }
  for (const t of e.tags.filter((x) => x.name === 'example')) out.push('```ts', t.text, '```', '');
}

/**
 * The reference as Markdown (docs/api.md): by entry point, then by the capability sections of
 * its barrel (in barrel order), functions first; a table of contents names every function.
 */
export function renderApi(entries: readonly ApiEntry[]): string {
  const out: string[] = [
    '# API reference',
    '',
    '_Generated from the TSDoc comments by `npm run docs` (scripts/docs/api.ts); do not edit by hand._',
    '',
    'Three entry points: ' + API_ENTRIES.map((x) => `\`${x.specifier}\` (${x.summary})`).join('; ') + '. ' +
      'Within each, exports are grouped by capability as in the barrel; each section lists its functions first, then classes, constants and types.',
    '',
    '## Contents',
    '',
  ];
  const bySpecifier = API_ENTRIES.map((x) => {
    const mine = entries.filter((e) => e.entry === x.specifier);
    const sections = [...new Set(mine.map((e) => e.section))];
    return { ...x, sections: sections.map((title) => ({ title, items: mine.filter((e) => e.section === title) })) };
  });
  for (const x of bySpecifier) {
    out.push(`- [\`${x.specifier}\`](#${anchor(x.specifier)}): ${x.summary}`);
    for (const sec of x.sections) {
      const fns = sec.items.filter((e) => e.kind === 'function' || e.kind === 'class').map((e) => `[${e.name}](#${anchor(e.name)})`);
      out.push(`  - [${sec.title}](#${anchor(sec.title)})${fns.length ? ': ' + fns.join(' · ') : ''} (${sec.items.length} export${sec.items.length === 1 ? '' : 's'})`);
    }
  }
  out.push('');
  for (const x of bySpecifier) {
    out.push(`# ${x.specifier}`, '', `\`import { … } from '${x.specifier}'\`: ${x.summary}.`, '');
    for (const sec of x.sections) {
      out.push(`## ${sec.title}`, '');
      if (sec.items[0]?.sectionNote) out.push(sec.items[0].sectionNote, '');
      const sorted = [...sec.items].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.name.localeCompare(b.name));
      for (const e of sorted) renderEntry(out, e);
    }
  }
  return out.join('\n');
}
