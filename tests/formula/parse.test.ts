import { describe, expect, it } from 'vitest';
import { FormulaError } from '../../src/errors/index.js';
import { parseFormula } from '../../src/formula/parse.js';

describe('parseFormula: expansion as R and lme4 expand', () => {
  it('expands * into main effects and the interaction, ordered by degree', () => {
    const f = parseFormula('score ~ arm * visit');
    expect(f.response).toBe('score');
    expect(f.intercept).toBe(true);
    expect(f.fixed).toEqual([['arm'], ['visit'], ['arm', 'visit']]);
  });
  it('handles :, -1, 0 +, and removal of a term', () => {
    expect(parseFormula('y ~ a:b').fixed).toEqual([['a', 'b']]);
    expect(parseFormula('y ~ a - 1').intercept).toBe(false);
    expect(parseFormula('y ~ 0 + a').intercept).toBe(false);
    expect(parseFormula('y ~ a * b - a:b').fixed).toEqual([['a'], ['b']]);
    expect(parseFormula('y ~ 1').fixed).toEqual([]);
  });
  it('expands (a + b + c)^2 to main effects and two-way interactions', () => {
    expect(parseFormula('y ~ (a + b + c)^2').fixed).toEqual([['a'], ['b'], ['c'], ['a', 'b'], ['a', 'c'], ['b', 'c']]);
  });
  it('expands nesting a/b in the fixed part as a + a:b', () => {
    expect(parseFormula('y ~ a/b').fixed).toEqual([['a'], ['a', 'b']]);
  });
  it('orders a three-way product as R does', () => {
    expect(parseFormula('y ~ a*b*c').fixed).toEqual([['a'], ['b'], ['c'], ['a', 'b'], ['a', 'c'], ['b', 'c'], ['a', 'b', 'c']]);
  });
  it('parses random terms: intercepts, slopes, uncorrelated, nested and crossed', () => {
    const f = parseFormula('y ~ x + (1 | id) + (x | g) + (x || h) + (1 | a/b) + (0 + d | k) + (1 | a:b)');
    expect(f.fixed).toEqual([['x']]);
    const labels = f.random.map((r) => r.label);
    expect(labels).toEqual(['1 | id', '1 + x | g', '1 | h', '0 + x | h', '1 | a', '1 | b:a', '0 + d | k', '1 | a:b']);
    expect(f.random[1]!.intercept).toBe(true);
    expect(f.random[3]!.intercept).toBe(false);
    expect(f.random[5]!.group).toEqual(['b', 'a']);
  });
  it('reads back-quoted names and dotted names', () => {
    const f = parseFormula('`PSP score` ~ arm + baseline.psp + (1 | `therapy group`)');
    expect(f.response).toBe('PSP score');
    expect(f.fixed).toEqual([['arm'], ['baseline.psp']]);
    expect(f.random[0]!.group).toEqual(['therapy group']);
  });
});

describe('parseFormula: errors name the position', () => {
  const cases: [string, number, RegExp][] = [
    ['score ~ arm + (1 | id', 21, /Expected "\)"/],
    ['score arm', 0, /No "~" found/],
    ['score arm ~ visit', 6, /followed by "~"/],
    ['score ~ ', 8, /Nothing after "~"/],
    ['score ~ arm + + visit', 14, /where a term was expected/],
    ['score ~ arm $ visit', 12, /Unexpected character "\$"/],
    ['score ~ 2 + arm', 8, /Only 0 or 1/],
    ['score ~ arm visit', 12, /expected "\+" between terms/],
    ['y ~ a ~ b', 6, /Only one "~"/],
    ['y ~ x + 9m', 8, /cannot start with a digit/],
    ['y ~ a:(1 | g)', 6, /top-level term/],
  ];
  for (const [text, pos, msg] of cases) {
    it(`rejects ${JSON.stringify(text)} at position ${pos}`, () => {
      let err: unknown;
      try {
        parseFormula(text);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(FormulaError);
      expect((err as FormulaError).position).toBe(pos);
      expect((err as FormulaError).message).toMatch(msg);
      // The message points at the position under the formula.
      expect((err as FormulaError).message).toContain(`${' '.repeat(pos)}^`);
    });
  }
  it('rejects an empty formula', () => {
    expect(() => parseFormula('')).toThrow(FormulaError);
  });
});
