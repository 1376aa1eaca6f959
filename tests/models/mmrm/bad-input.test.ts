/** fitMmrm's typed errors for bad input, each naming the row, the field, the value and what was expected. */
import { describe, expect, it } from 'vitest';
import { ArgumentError, FormulaError } from '../../../src/errors/index.js';
import { fitMmrm } from '../../../src/models/mmrm/fit.js';
import { parseFormula } from '../../../src/formula/parse.js';

function rows(nSubjects = 12, visits = ['v1', 'v2', 'v3']) {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < nSubjects; i++) {
    visits.forEach((v, k) => out.push({ id: `p${i}`, visit: v, arm: i % 2 ? 'SFT' : 'control', y: 10 + k + (i % 2) + Math.sin(i * 7 + k * 3) * 2 + (i % 3) }));
  }
  return out;
}

function caught(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('no error thrown');
}

describe('fitMmrm bad input', () => {
  it('a numeric visit column is not a factor: names the row and the fix', () => {
    const d = rows().map((r) => ({ ...r, visit: Number(String(r.visit).slice(1)) }));
    const e = caught(() => fitMmrm('y ~ arm * visit + us(visit | id)', d));
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.message).toContain('data[0].visit');
    expect(e.message).toContain('options.levels.visit');
    // …and listed as a factor it fits.
    expect(fitMmrm('y ~ arm + us(visit | id)', d, { factors: ['visit'] }).nVisits).toBe(3);
  });

  it('a subject with the same visit twice names both rows', () => {
    const d = rows();
    d[4] = { ...d[4]!, visit: 'v1' }; // p1's second row becomes v1 again
    const e = caught(() => fitMmrm('y ~ arm + us(visit | id)', d));
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.message).toMatch(/data\[4\]\.visit/);
    expect(e.message).toMatch(/already has visit "v1" at data\[3\]/);
  });

  it('a structure that needs more visits than the data have', () => {
    const one = rows(12, ['v1']);
    const e = caught(() => fitMmrm('y ~ arm + ar1(visit | id)', one));
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.message).toContain('at least 2 visits');
    // us needs a subject seen at both visits of every pair.
    const d = rows(12, ['v1', 'v2', 'v3']).filter((r, i) => !(r.visit === 'v3' && i % 9 < 6) && !(r.visit === 'v1' && i % 9 >= 6));
    const e2 = caught(() => fitMmrm('y ~ arm + us(visit | id)', d));
    expect(e2).toBeInstanceOf(ArgumentError);
    expect(e2.message).toMatch(/no id observed at both .*v1.* and .*v3/);
  });

  it('a subject in two groups of a grouped covariance', () => {
    const d = rows();
    d[5] = { ...d[5]!, arm: 'control' }; // p1 is SFT in rows 3, 4
    const e = caught(() => fitMmrm('y ~ visit + us(visit | arm / id)', d));
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.message).toContain('data[5].arm');
  });

  it('formula problems: no covariance term, random terms beside it, unknown function, covariance terms outside fitMmrm', () => {
    expect(caught(() => fitMmrm('y ~ arm * visit', rows()))).toBeInstanceOf(ArgumentError);
    expect(caught(() => fitMmrm('y ~ arm + us(visit | id) + (1 | id)', rows()))).toBeInstanceOf(ArgumentError);
    expect(caught(() => fitMmrm('y ~ arm + unstructured(visit | id)', rows()))).toBeInstanceOf(FormulaError);
    expect(caught(() => parseFormula('y ~ arm + us(visit | id)'))).toBeInstanceOf(FormulaError);
    expect(parseFormula('y ~ arm + us(visit | arm / id)', { covariance: true }).covariance).toEqual([
      { structure: 'us', time: 'visit', subject: 'id', group: 'arm', label: 'us(visit | arm / id)' },
    ]);
  });

  it('Kenward–Roger needs REML and no partial nesting', () => {
    expect(caught(() => fitMmrm('y ~ arm + us(visit | id)', rows(), { reml: false, ddf: 'Kenward-Roger' }))).toBeInstanceOf(ArgumentError);
    expect(caught(() => fitMmrm('y ~ arm + us(visit | id)', rows(), { ddf: 'Kenward-Roger', partialNesting: { cluster: 'g', arm: 'arm', treated: 'SFT' } }))).toBeInstanceOf(ArgumentError);
    expect(caught(() => fitMmrm('y ~ arm + us(visit | id)', rows(), { ddf: 'KR' as never }))).toBeInstanceOf(ArgumentError);
  });
});
