/**
 * Names are data (issue #10, class 3): arm names, column names and cluster names that are not
 * R syntactic names, or that are names of Object.prototype members, give the same fit as
 * plain names. The plain-name partially nested fit is checked against lme4 in designs.test.ts
 * (fixture sft-lmm.json, pn_explicit); here every other spelling must reproduce it exactly.
 */
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../../src/errors/index.js';
import { fitLmm, NO_CLUSTER } from '../../../src/models/lmm/fit.js';
import type { LmmFit } from '../../../src/models/lmm/types.js';
import { expectRel, fixtureColumns, loadFixture } from '../fixture-helpers.js';

const fx = loadFixture('sft-lmm');
const data = fixtureColumns(fx.data.sft) as Record<string, unknown[]> & { arm: string[]; visit: unknown[]; id: unknown[]; score: (number | null)[]; therapy_group: (string | null)[] };
const levels = { arm: ['control', 'SFT'], visit: ['baseline', '9m', '15m'] };
const pn = { cluster: 'therapy_group', arm: 'arm', treated: 'SFT' };
const plain = fitLmm('score ~ arm * visit + (1 | id)', data, { levels, partialNesting: pn });

/** The data with the treated arm renamed. */
function renameArm(name: string): Record<string, unknown[]> {
  return { ...data, arm: (data.arm as string[]).map((a) => (a === 'SFT' ? name : a)) };
}

/** Every number of the fit equal to the plain-name fit's, bit for bit. */
function expectSameNumbers(fit: LmmFit): void {
  expect(fit.remlCriterion).toBe(plain.remlCriterion);
  expect(fit.theta).toEqual(plain.theta);
  expect(fit.sigma).toBe(plain.sigma);
  expect(fit.fixedEffects.map((r) => [r.estimate, r.se, r.df, r.pValue])).toEqual(plain.fixedEffects.map((r) => [r.estimate, r.se, r.df, r.pValue]));
  expect(fit.varianceComponents.map((v) => v.variance)).toEqual(plain.varianceComponents.map((v) => v.variance));
  expect(fit.randomEffects.map((t) => t.values)).toEqual(plain.randomEffects.map((t) => t.values));
}

describe('partial nesting with a treated arm whose name is not a syntactic name', () => {
  it('agrees with lme4 under the plain name (the reference of the comparisons below)', () => {
    expectRel(plain.remlCriterion!, fx.fits.pn_explicit.remlCriterion, 1e-8, 1, 'REML criterion');
  });

  for (const name of ['SFT group', 'SFT-2', 'Ø-arm', 'SFT)|(1', 'a`b\\c']) {
    it(`arm "${name}" gives the plain-name fit exactly`, () => {
      const fit = fitLmm('score ~ arm * visit + (1 | id)', renameArm(name), { levels: { ...levels, arm: ['control', name] }, partialNesting: { ...pn, treated: name } });
      expectSameNumbers(fit);
      // The indicator is named as R names a dummy (arm column then level), back-quoted in the formula text.
      const indicator = `arm${name}`;
      expect(fit.varianceComponents.find((v) => v.group === 'therapy_group')!.term).toBe(`\`${indicator.replace(/[\\`]/g, '\\$&')}\``);
      expect(fit.formula.startsWith('score ~ arm * visit + (1 | id) + (0 + `arm')).toBe(true);
      expect(fit.fixedEffects[1]!.term).toBe(`arm${name}`);
      expect(fit.nGroups.therapy_group).toBe(19);
    });
  }

  it('works with non-syntactic column names written back-quoted in the formula', () => {
    const renamed = { 'study arm': data.arm!, 'visit-no': data.visit!, 'participant id': data.id!, 'therapy group': data.therapy_group!, 'PSP score': data.score! };
    const fit = fitLmm('`PSP score` ~ `study arm` * `visit-no` + (1 | `participant id`)', renamed, {
      levels: { 'study arm': levels.arm, 'visit-no': levels.visit },
      partialNesting: { cluster: 'therapy group', arm: 'study arm', treated: 'SFT' },
    });
    expectSameNumbers(fit);
    // R's coefficient names: the back-quoted variable, then the level.
    expect(fit.fixedEffects.map((r) => r.term)).toEqual(['(Intercept)', '`study arm`SFT', '`visit-no`9m', '`visit-no`15m', '`study arm`SFT:`visit-no`9m', '`study arm`SFT:`visit-no`15m']);
    expect(fit.nGroups['therapy group']).toBe(19);
    expect(fit.formula).toBe('`PSP score` ~ `study arm` * `visit-no` + (1 | `participant id`) + (0 + `study armSFT` | `therapy group`)');
  });

  it('never replaces a data column: an existing column named like the indicator gets a suffix', () => {
    const armSFT = (data.arm as string[]).map(() => 'user data');
    const fit = fitLmm('score ~ arm * visit + (1 | id)', { ...data, armSFT, 'armSFT.1': armSFT }, { levels, partialNesting: pn });
    expectSameNumbers(fit);
    expect(fit.varianceComponents.find((v) => v.group === 'therapy_group')!.term).toBe('armSFT.2');
  });

  it('takes cluster and arm columns named like Object.prototype members', () => {
    for (const cluster of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const rows: Record<string, unknown[]> = { ...data, [cluster]: data.therapy_group };
      // A computed key named __proto__ in a literal is an own property, as a column must be.
      expect(Object.keys(rows)).toContain(cluster);
      const fit = fitLmm('score ~ arm * visit + (1 | id)', rows, { levels, partialNesting: { ...pn, cluster } });
      expectSameNumbers(fit);
      expect(Object.keys(fit.nGroups)).toEqual(['id', cluster]);
      expect(fit.nGroups[cluster]).toBe(19);
      expect(JSON.parse(JSON.stringify(fit.nGroups))).toEqual(JSON.parse(`{"id": ${plain.nGroups.id}, ${JSON.stringify(cluster)}: 19}`));
    }
  });

  it('rejects a real cluster named like the placeholder of the untreated rows', () => {
    const firstSft = (data.arm as string[]).indexOf('SFT');
    const bad = { ...data, therapy_group: (data.therapy_group as (string | null)[]).map((g, i) => (i === firstSft ? NO_CLUSTER : g)) };
    expect(() => fitLmm('score ~ arm * visit + (1 | id)', bad, { levels, partialNesting: pn })).toThrow(ArgumentError);
    expect(() => fitLmm('score ~ arm * visit + (1 | id)', bad, { levels, partialNesting: pn })).toThrow(new RegExp(`data\\[${firstSft}\\]\\.therapy_group`));
  });
});

describe('row data with columns named like Object.prototype members', () => {
  it('reads a column absent from some rows as missing, never as the inherited function', () => {
    const rows = (data.score as (number | null)[]).map((score, i) => {
      const r: Record<string, unknown> = { score, arm: data.arm[i], visit: data.visit[i], id: data.id[i] };
      // `constructor` only on every other row: the others must read as missing, not as Object.
      if (i % 2 === 0) r['constructor'] = i % 4 === 0 ? 'a' : 'b';
      return r;
    });
    const fit = fitLmm('score ~ arm * visit + constructor + (1 | id)', rows, { levels });
    expect(fit.fixedEffects.map((r) => r.term)).toContain('constructorb');
    expect(fit.dropped.missingPredictor['constructor']).toBe(rows.filter((r, i) => i % 2 === 1 && r['score'] !== null).length);
  });

  it('reads options.levels only for its own keys', () => {
    const rows = { ...data, toString: data.visit };
    // options.levels has no "toString" key; the inherited Object.prototype.toString must not be taken as levels.
    const fit = fitLmm('score ~ arm * toString + (1 | id)', rows, { levels: { arm: levels.arm } });
    // R's sorted levels (15m, 9m, baseline): 15m is the reference.
    expect(fit.fixedEffects.map((r) => r.term)).toEqual(['(Intercept)', 'armSFT', 'toString9m', 'toStringbaseline', 'armSFT:toString9m', 'armSFT:toStringbaseline']);
  });
});
