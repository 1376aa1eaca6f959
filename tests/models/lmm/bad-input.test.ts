/** Bad input to fitLmm: typed errors naming what is wrong, where R also refuses. */
import { describe, expect, it } from 'vitest';
import { ArgumentError, FormulaError } from '../../../src/errors/index.js';
import { fitLmm } from '../../../src/models/lmm/fit.js';
import { fixtureColumns, loadFixture } from '../fixture-helpers.js';
import { thrown } from '../../thrown.js';

const fx = loadFixture('edge-cases');
const ss = fixtureColumns(fx.data.ss);
const ssNa = fixtureColumns(fx.data.ss_na);

describe('fitLmm refuses what lme4 refuses, with a typed error', () => {
  it('all outcomes missing (R: "0 (non-NA) cases")', () => {
    expect(fx.errors.all_missing_outcome.isError).toBe(true);
    expect(() => fitLmm('ReactionNA ~ Days + (1 | Subject)', ss)).toThrow(ArgumentError);
    expect(() => fitLmm('ReactionNA ~ Days + (1 | Subject)', ss)).toThrow(/all values missing/);
  });
  it('a grouping factor with one level (R: "must have > 1 sampled level")', () => {
    expect(fx.errors.one_level_grouping.error).toMatch(/> 1 sampled level/);
    const err = thrown(() => fitLmm('Reaction ~ Days + (1 | one)', ss));
    expect(err).toBeInstanceOf(ArgumentError);
    expect((err as ArgumentError).argument).toBe('grouping factor "one"');
    expect((err as ArgumentError).message).toMatch(/at least two levels/);
  });
  it('as many levels as observations (R: "must be < number of observations")', () => {
    expect(fx.errors.levels_equal_nobs.isError).toBe(true);
    expect(() => fitLmm('Reaction ~ Days + (1 | obs)', ss)).toThrow(/fewer levels than observations/);
  });
  it('an unknown column, with its position in the formula', () => {
    const err = thrown(() => fitLmm('Reaction ~ Dayz + (1 | Subject)', ss));
    expect(err).toBeInstanceOf(FormulaError);
    expect((err as FormulaError).position).toBe(11);
    expect((err as FormulaError).message).toMatch(/Column "Dayz" is not in the data/);
    const err2 = thrown(() => fitLmm('Reaction ~ Days + (1 | Subjekt)', ss));
    expect((err2 as FormulaError).position).toBe(23);
  });
  it('an unparseable formula (R: unexpected end of input)', () => {
    const err = thrown(() => fitLmm('Reaction ~ Days + (1 | Subject', ss));
    expect(err).toBeInstanceOf(FormulaError);
    expect((err as FormulaError).position).toBe(30);
  });
  it('more random effects than observations (R: nobs <= nRE)', () => {
    expect(fx.errors.nobs_le_nRE.isError).toBe(true);
    const keep = (ss.Days as number[]).map((d) => d < 2);
    const sub = Object.fromEntries(Object.entries(ss).map(([k, v]) => [k, v.filter((_, i) => keep[i])]));
    expect(() => fitLmm('Reaction ~ Days + (Days | Subject)', sub)).toThrow(/fewer random effects than observations/);
  });
  it('a formula without random effects points to fitOls', () => {
    expect(() => fitLmm('Reaction ~ Days', ss)).toThrow(/fitOls/);
  });
  it('text in a numeric column, names the row', () => {
    const bad = { ...ss, Days: (ss.Days as unknown[]).map((d, i) => (i === 7 ? 'seven' : d)) };
    expect(() => fitLmm('Reaction ~ Days + (1 | Subject)', bad)).toThrow(/data\[7\]\.Days/);
  });
  it('a text response', () => {
    const bad = { ...ss, Reaction: (ss.Reaction as unknown[]).map(String) };
    expect(() => fitLmm('Reaction ~ Days + (1 | Subject)', bad)).toThrow(/numeric response/);
  });
  it('an infinite value', () => {
    const bad = { ...ss, Days: (ss.Days as number[]).map((d, i) => (i === 3 ? Infinity : d)) };
    expect(() => fitLmm('Reaction ~ Days + (1 | Subject)', bad)).toThrow(/finite/);
  });
  it('a level order that misses an observed value', () => {
    expect(() => fitLmm('Reaction ~ Days + (1 | Subject)', ss, { levels: { Subject: ['308'] } })).toThrow(/options\.levels\.Subject/);
  });
});

describe('fitLmm reports trouble as diagnostics on the fit', () => {
  it('names the dropped collinear column (as lme4 does) and counts dropped rows', () => {
    const fit = fitLmm('Reaction ~ Days + Days2 + (1 | Subject)', ss);
    expect(fit.droppedColumns).toEqual(fx.fits.collinear.droppedColumns);
    const d = fit.diagnostics.find((x) => x.code === 'rank-deficient')!;
    expect(d.message).toMatch(/"Days2"/);
    const miss = fitLmm(fx.fits.missing_rows.formula, ssNa);
    expect(miss.nObs).toBe(fx.fits.missing_rows.nobs);
    // R drops 28 rows: 26 with a missing outcome, 2 with a missing Days.
    expect(miss.dropped.total).toBe(fx.fits.missing_rows.nDroppedNA);
    expect(miss.dropped.missingResponse).toBe(26);
    expect(miss.dropped.missingPredictor).toEqual({ Days: 2 });
    expect(miss.diagnostics.find((x) => x.code === 'rows-dropped')!.message).toMatch(/not whole participants/);
  });
  it('says a singular fit is singular, in plain language', () => {
    const dy = loadFixture('dyestuff');
    const fit = fitLmm('Yield ~ 1 + (1 | Batch)', fixtureColumns(dy.data.Dyestuff2));
    expect(fit.singular).toBe(true);
    const d = fit.diagnostics.find((x) => x.code === 'singular')!;
    expect(d.message).toMatch(/estimated as zero/);
    expect(fit.fixedEffects.every((r) => Number.isFinite(r.estimate) && Number.isFinite(r.se))).toBe(true);
  });
  it('never returns a NaN estimate without a diagnostic', () => {
    const fit = fitLmm('Reaction ~ Days + Days2 + (1 | Subject)', ss);
    for (const r of fit.fixedEffects) expect(Number.isFinite(r.estimate)).toBe(true);
  });
});
