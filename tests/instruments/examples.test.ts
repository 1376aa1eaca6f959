/** The @example blocks of src/instruments, run as written. */
import { describe, expect, it } from 'vitest';
import { createInstrumentRegistry, getInstrument, itemProblem, levelOf, scoreFromItems, scoreProblem } from '../../src/instruments/index.js';

describe('TSDoc examples of src/instruments', () => {
  it('createInstrumentRegistry', () => {
    const registry = createInstrumentRegistry([
      { id: 'HONOS', name: 'Health of the Nation Outcome Scales', range: { min: 0, max: 48 }, step: 1, direction: 'lower-better' },
    ]);
    expect(registry.get('HONOS')?.direction).toBe('lower-better');
    expect(registry.has('PSP')).toBe(true);
  });

  it('lookups and scoring helpers', () => {
    expect(getInstrument('WHO5').items?.multiplier).toBe(4);
    expect(levelOf(getInstrument('PSP'), 55)?.label).toBe('51–60');
    expect(scoreFromItems(getInstrument('WHO5'), [3, 4, 2, 5, 3])).toBe(68);
    expect(scoreProblem(getInstrument('PSP'), 101)).toBe('a PSP score from 1 to 100');
    expect(itemProblem(getInstrument('WHO5'), 6)).toBe('a WHO5 item score from 0 to 5 in whole points');
  });
});
