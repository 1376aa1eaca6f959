/**
 * Non-syntactic names in formulas, written back-quoted as in R, and named as R names them
 * (fixture tests/fixtures/r/models/names.json, made by names.R).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FormulaError } from '../../src/errors/index.js';
import { buildModelFrame } from '../../src/formula/frame.js';
import { parseFormula, quoteName, termLabel } from '../../src/formula/parse.js';
import { toColumnSource } from '../../src/models/data-input.js';
import { fitLmm } from '../../src/models/lmm/fit.js';
import { fitOls } from '../../src/models/ols/fit.js';
import { expectRel } from '../models/fixture-helpers.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/r/models/names.json', import.meta.url), 'utf8'));
const data = fx.data as Record<string, unknown[]>;
const levels = { 'study arm': ['control', 'SFT group'], 'visit-no': ['v1', 'v2'] };

describe('back-quoted names', () => {
  it('parses any text between back-quotes as one name', () => {
    const f = parseFormula('`PSP score` ~ `study arm` * `visit-no` + `ø-dose` + (1 | `participant id`)');
    expect(f.response).toBe('PSP score');
    expect(f.fixed).toEqual([['study arm'], ['visit-no'], ['ø-dose'], ['study arm', 'visit-no']]);
    expect(f.random[0]!.group).toEqual(['participant id']);
    expect(f.random[0]!.label).toBe('1 | `participant id`');
  });

  it('reads a back-quote or a backslash escaped inside a back-quoted name', () => {
    expect(parseFormula('y ~ `a\\`b` + `c\\\\d`').fixed).toEqual([['a`b'], ['c\\d']]);
  });

  it('quotes names as R does and reads every quoted name back to itself', () => {
    for (const n of ['score', 'x.1', '.x', '_x', 'x_y']) expect(quoteName(n)).toBe(/^[A-Za-z.]/.test(n) ? n : `\`${n}\``);
    expect(quoteName('.2a')).toBe('`.2a`');
    expect(quoteName('if')).toBe('`if`');
    expect(quoteName('TRUE')).toBe('`TRUE`');
    expect(quoteName('SFT group')).toBe('`SFT group`');
    for (const n of ['SFT group', 'SFT-2', 'Ø-arm', 'a`b', 'c\\d', 'x) + (1 | id', '~', '__proto__', 'constructor', '9m']) {
      const f = parseFormula(`${quoteName(n)} ~ ${quoteName(n + '2')} + (1 | ${quoteName(n + '3')})`);
      expect(f.response).toBe(n);
      expect(f.fixed).toEqual([[n + '2']]);
      expect(f.random[0]!.group).toEqual([n + '3']);
    }
  });

  it('gives R term labels', () => {
    const f = parseFormula(`y ~ ${['study arm', 'visit-no', 'ø-dose', 'if', '.2a'].map(quoteName).join(' * ')}`);
    expect(termLabel(f.fixed[0]!)).toBe('`study arm`');
    const r = parseFormula('`PSP score` ~ `study arm` * `visit-no` + `ø-dose` + `if` + `.2a`');
    expect(r.fixed.map(termLabel)).toEqual(fx.lm.termLabels);
  });

  it('still rejects an unclosed or empty back-quoted name with its position', () => {
    expect(() => parseFormula('y ~ `a b')).toThrow(FormulaError);
    expect(() => parseFormula('y ~ ``')).toThrow(/Empty back-quoted name/);
  });
});

describe('models with non-syntactic names agree with R', () => {
  it('lm: coefficient names, estimates and SEs', () => {
    const fit = fitOls('`PSP score` ~ `study arm` * `visit-no` + `ø-dose` + `if` + `.2a`', data, { levels });
    expect(fit.fixedEffects.map((r) => r.term)).toEqual(fx.lm.coefficients.term);
    fit.fixedEffects.forEach((r, j) => {
      expectRel(r.estimate, fx.lm.coefficients.estimate[j], 1e-10, fx.lm.coefficients.se[j], r.term);
      expectRel(r.se, fx.lm.coefficients.se[j], 1e-10, 0, r.term);
    });
  });

  it('lmer: coefficient names, grouping-factor name, REML criterion', () => {
    const fit = fitLmm('`PSP score` ~ `study arm` + `ø-dose` + (1 | `participant id`)', data, { levels });
    expect(fit.fixedEffects.map((r) => r.term)).toEqual(fx.lmer.coefficients.term);
    expect(fit.randomEffects.map((t) => t.group)).toEqual(fx.lmer.groupNames);
    expectRel(fit.remlCriterion!, fx.lmer.remlCriterion, 1e-8, 1, 'REML criterion');
    fit.fixedEffects.forEach((r, j) => expectRel(r.estimate, fx.lmer.coefficients.estimate[j], 1e-6, fx.lmer.coefficients.se[j], r.term));
  });

  it('reads a BigInt only when a double holds it exactly', () => {
    const frame = buildModelFrame(parseFormula('y ~ x'), toColumnSource({ y: [1, 2, 4], x: [1n, 2n, 2n ** 53n] }));
    expect(Array.from(frame.X.subarray(3, 6))).toEqual([1, 2, 2 ** 53]);
    expect(() => buildModelFrame(parseFormula('y ~ x'), toColumnSource({ y: [1, 2], x: [1n, 2n ** 53n + 1n] }))).toThrow(/data\[1\]\.x/);
    expect(() => buildModelFrame(parseFormula('y ~ x'), toColumnSource({ y: [1, 2], x: [1n, 10n ** 400n] }))).toThrow(/exactly/);
  });

  it('keeps frame maps free of inherited keys, whatever the column names', () => {
    const cols = { score: data['PSP score']!, constructor: data['ø-dose']!, ['__proto__']: data['if']!, toString: data['study arm']! };
    const frame = buildModelFrame(parseFormula('score ~ constructor + `__proto__` + toString'), toColumnSource(cols as never));
    expect(Object.keys(frame.variables).sort()).toEqual(['__proto__', 'constructor', 'score', 'toString']);
    expect(Object.keys(frame.numericMeans).sort()).toEqual(['__proto__', 'constructor']);
    // `__proto__` is not a syntactic R name (it starts with "_"), so it is back-quoted.
    expect(frame.spec.columnNames).toEqual(['(Intercept)', 'constructor', '`__proto__`', 'toStringSFT group']);
  });
});
