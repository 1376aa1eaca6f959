/**
 * The API reference from TSDoc: every declaration exported by the public entry points, with
 * its signature (as the TypeScript compiler prints it), its documentation and its tags
 * (@param, @returns, @throws, @defaultValue, @example), grouped by the folder it lives in.
 * Uses the `typescript` compiler API only (no typedoc dependency).
 */
import { join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Entry points documented. src/index.ts is the public barrel; the analysis, report and CLI
 * barrels are listed too so that they are documented whether or not the barrel re-exports them.
 */
export const API_ENTRIES = ['src/index.ts', 'src/analysis/index.ts', 'src/report/index.ts', 'src/cli/index.ts'];

/** One documented export. */
export interface ApiEntry {
  name: string;
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
 * Collect the exported declarations of the entry points.
 * @param entries - entry files relative to the repository root.
 *   @defaultValue {@link API_ENTRIES}
 * @example
 * collectApi().find((e) => e.name === 'analyzeTrial')?.kind; // 'function'
 */
export function collectApi(entries: readonly string[] = API_ENTRIES): ApiEntry[] {
  const files = entries.map((e) => join(ROOT, e));
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
  for (const file of files) {
    const sf = program.getSourceFile(file);
    if (!sf) continue;
    const moduleSymbol = checker.getSymbolAtLocation(sf);
    if (!moduleSymbol) continue;
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

/** The reference as Markdown (docs/api.md), grouped by source folder. */
export function renderApi(entries: readonly ApiEntry[]): string {
  const out: string[] = [
    '# API reference',
    '',
    '_Generated from the TSDoc comments by `npm run docs` (scripts/docs/api.ts); do not edit by hand._',
    '',
  ];
  const folder = (f: string) => f.split('/').slice(0, 2).join('/');
  const groups = [...new Set(entries.map((e) => folder(e.file)))].sort();
  out.push('Modules: ' + groups.map((g) => `[${g}](#${g.replace(/[^a-z0-9]+/gi, '-').toLowerCase()})`).join(' · '), '');
  for (const g of groups) {
    out.push(`## ${g}`, '');
    for (const e of entries.filter((x) => folder(x.file) === g).sort((a, b) => a.name.localeCompare(b.name))) {
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
  }
  return out.join('\n');
}
