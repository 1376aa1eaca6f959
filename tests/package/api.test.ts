/**
 * The curated barrels: every export of the three entry points sits under a capability heading
 * of its barrel (so docs/api.md can group it), no internal helper leaks, and the generated
 * reference's table of contents links every function.
 */
import { describe, expect, it } from 'vitest';
import { API_ENTRIES, collectApi, renderApi } from '../../scripts/docs/api.js';

describe('the public API', () => {
  const api = collectApi();

  it('has every export under a capability heading of its barrel', () => {
    expect(api.filter((e) => e.section === 'Other exports').map((e) => `${e.entry}: ${e.name}`)).toEqual([]);
    for (const { specifier } of API_ENTRIES) expect(api.some((e) => e.entry === specifier), specifier).toBe(true);
  });

  it('leaks none of the internals named in issue 14', () => {
    const names = new Set(api.map((e) => e.name));
    for (const name of ['escapeHtml', 'escapeMarkdown', 'brentRoot', 'PALETTE', 'USAGE', 'EXAMPLES', 'packageRoot', 'formatError', 'showValue', 'issue', 'readNumberText', 'canonicalField', 'quantileType7', 'roundTo']) {
      expect(names.has(name), name).toBe(false);
    }
  });

  it('docs/api.md lists every function in its table of contents, linked to its entry', () => {
    const md = renderApi(api);
    const contents = md.slice(md.indexOf('## Contents'), md.indexOf('\n# rcteval\n'));
    for (const e of api.filter((x) => x.kind === 'function')) {
      expect(contents, e.name).toContain(`[${e.name}](#${e.name.toLowerCase()})`);
      expect(md, e.name).toContain(`\n### ${e.name}\n`);
    }
  });
});
