import { describe, expect, it } from 'vitest';
import { compareLevels, sortLevels } from '../../src/formula/levels.js';
import { createRng } from '../../src/random/rng.js';

describe('sortLevels: text labels in R\'s en_US order', () => {
  it('sorts digit-only labels among others exactly as the collator does (the fast path for numeric ids as text)', () => {
    const rng = createRng(15);
    const others = ['(no cluster)', '', 'a', 'B', 'b', '10a', 'x1', '-1', '1.5', ' 1', '1 ', '½', '٣', '١٢', 'Ø', 'é', 'e', 'E', '_', '~', '+1', '1e3', 'Zz', '(a)'];
    for (let rep = 0; rep < 40; rep++) {
      const labels = new Set<string>();
      const nDigits = 1 + Math.floor(rng.uniform() * 300);
      for (let i = 0; i < nDigits; i++) {
        const len = 1 + Math.floor(rng.uniform() * 5);
        let s = '';
        for (let k = 0; k < len; k++) s += String(Math.floor(rng.uniform() * 10));
        labels.add(s);
      }
      for (const o of others) if (rng.uniform() < 0.4) labels.add(o);
      const expected = [...labels].sort(compareLevels);
      expect(sortLevels(labels)).toEqual(expected);
    }
  });

  it('keeps numbers numeric and text by collation in one column', () => {
    expect(sortLevels(['10', '9', '(no cluster)', '100', '09'])).toEqual(['(no cluster)', '09', '10', '100', '9']);
    expect(sortLevels([10, 9, 100])).toEqual(['9', '10', '100']);
  });
});
