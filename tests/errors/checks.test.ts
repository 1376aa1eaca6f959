import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors/index.js';
import { checkCiLevel, checkInteger, checkOneOf, checkOptions, nearestName, optionKeys } from '../../src/errors/checks.js';

describe('checkOptions', () => {
  it('names an unknown key and the nearest valid one', () => {
    expect(() => checkOptions('options', { replicate: 50 }, ['replicates', 'seed'])).toThrow(
      'Argument "options.replicate": received 50, expected no such option; did you mean "replicates"? Known options: replicates, seed',
    );
    try {
      checkOptions('options', { relability: 0.5 }, ['reliability', 'ciLevel']);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ArgumentError);
      expect((e as ArgumentError).argument).toBe('options.relability');
      expect((e as ArgumentError).message).toContain('did you mean "reliability"?');
    }
  });
  it('gives no suggestion when nothing is close, and checks keys set to undefined', () => {
    expect(() => checkOptions('o', { zzzzzz: 1 }, ['seed'])).toThrow(/no such option\. Known options: seed/);
    expect(() => checkOptions('o', { sed: undefined }, ['seed'])).toThrow(/did you mean "seed"/);
  });
  it('accepts undefined, known keys and null-prototype objects; rejects non-objects', () => {
    expect(checkOptions('o', undefined, ['a'])).toEqual({});
    expect(checkOptions('o', { a: 1 }, ['a'])).toEqual({ a: 1 });
    const bare = Object.assign(Object.create(null) as object, { a: 1 });
    expect(checkOptions('o', bare, ['a'])).toBe(bare);
    for (const bad of [null, 3, 'x', [1], new Date(0), new Map()]) {
      expect(() => checkOptions('o', bad as object, ['a'])).toThrow(ArgumentError);
    }
  });
  it('catches __proto__ and constructor as keys rather than passing them through', () => {
    const o = JSON.parse('{"__proto__": {"x": 1}}') as object;
    expect(() => checkOptions('o', o, ['a'])).toThrow(/Argument "o.__proto__"/);
    expect(() => checkOptions('o', { constructor: 1 }, ['a'])).toThrow(/Argument "o.constructor"/);
  });
});

describe('nearestName', () => {
  it('is case-insensitive and refuses far-off names', () => {
    expect(nearestName('CILEVEL', ['ciLevel', 'seed'])).toBe('ciLevel');
    expect(nearestName('ungroupedArm', ['groupedArm', 'seed'])).toBe('groupedArm');
    expect(nearestName('q', ['replicates'])).toBeNull();
    expect(nearestName('x', [])).toBeNull();
  });
});

describe('scalar checks', () => {
  it('ciLevel, integers with limits, one-of with suggestions', () => {
    expect(checkCiLevel(0.9)).toBe(0.9);
    for (const bad of [0, 1, -0.1, Number.NaN, '0.95']) expect(() => checkCiLevel(bad)).toThrow(/strictly between 0 and 1/);
    expect(checkInteger('n', 5, 1, 10)).toBe(5);
    expect(() => checkInteger('wtpPoints', 1e12, 1, 100_000)).toThrow('Argument "wtpPoints": received 1000000000000, expected a whole number from 1 to 100000');
    expect(() => checkInteger('n', 2.5, 1)).toThrow(ArgumentError);
    expect(checkOneOf('method', 'holm', ['holm', 'bonferroni'])).toBe('holm');
    expect(() => checkOneOf('method', 'hlom', ['holm', 'bonferroni'])).toThrow('Did you mean "holm"?');
  });
  it('optionKeys returns the list it is given (its check is at compile time)', () => {
    const keys = optionKeys<{ seed?: number; replicates?: number }>()(['seed', 'replicates']);
    expect(keys).toEqual(['seed', 'replicates']);
    // @ts-expect-error a list that misses a key of the type does not compile
    optionKeys<{ seed?: number; replicates?: number }>()(['seed']);
  });
});
