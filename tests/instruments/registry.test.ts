import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors/index.js';
import {
  createInstrumentRegistry,
  defaultInstruments,
  getInstrument,
  instrumentDefinitionSchema,
  itemProblem,
  levelOf,
  scoreFromItems,
  scoreProblem,
  type InstrumentDefinition,
} from '../../src/instruments/index.js';

describe('defaultInstruments', () => {
  it('holds the SFT instruments in order', () => {
    expect(defaultInstruments.ids()).toEqual(['PSP', 'MHRM', 'WHO5', 'EQ5D_INDEX', 'EQ5D_VAS']);
  });

  it('defines PSP as 1–100, higher better, with ten 10-point levels', () => {
    const psp = getInstrument('PSP');
    expect(psp.range).toEqual({ min: 1, max: 100 });
    expect(psp.direction).toBe('higher-better');
    expect(psp.levels).toHaveLength(10);
    expect(psp.levels![0]).toEqual({ label: '1–10', min: 1, max: 10 });
    expect(psp.levels![9]).toEqual({ label: '91–100', min: 91, max: 100 });
    for (let s = 1; s <= 100; s++) expect(levelOf(psp, s)?.min).toBe(Math.floor((s - 1) / 10) * 10 + 1);
    expect(levelOf(psp, null)).toBeNull();
  });

  it('defines MHRM as 30 items of 0–4 summing to 0–120', () => {
    const mhrm = getInstrument('MHRM');
    expect(mhrm.range).toEqual({ min: 0, max: 120 });
    expect(mhrm.items).toMatchObject({ count: 30, min: 0, max: 4, multiplier: 1 });
    expect(scoreFromItems(mhrm, new Array(30).fill(4))).toBe(120);
  });

  it('scores WHO-5 as 4 × the sum of five 0–5 items, with its cut-offs', () => {
    const who5 = getInstrument('WHO5');
    expect(scoreFromItems(who5, [3, 4, 2, 5, 3])).toBe(68);
    expect(scoreFromItems(who5, [5, 5, 5, 5, 5])).toBe(100);
    expect(scoreFromItems(who5, [3, null, 2, 5, 3])).toBeNull();
    expect(who5.cutoffs.map((c) => [c.label, c.value, c.rule])).toEqual([
      ['poor wellbeing', 50, 'at-or-below'],
      ['likely depression', 28, 'at-or-below'],
    ]);
    expect(() => scoreFromItems(who5, [1, 2, 3])).toThrow(ArgumentError);
    expect(() => scoreFromItems(getInstrument('PSP'), [1])).toThrow(ArgumentError);
  });

  it('gives EQ-5D index and VAS their ranges', () => {
    expect(getInstrument('EQ5D_INDEX').range).toEqual({ min: -0.758, max: 1 });
    expect(getInstrument('EQ5D_INDEX').step).toBeNull();
    expect(getInstrument('EQ5D_VAS').range).toEqual({ min: 0, max: 100 });
  });

  it('cites a source for every reliability, norm and cut-off, and leaves unpublished ones null', () => {
    for (const inst of defaultInstruments.list()) {
      const numbers = [inst.reliability, ...inst.otherReliabilities, inst.norms.clinical, inst.norms.functional, ...inst.cutoffs, inst.minimalImportantDifference];
      for (const n of numbers) if (n) expect(n.source.citation.length).toBeGreaterThan(20);
      if (inst.reliability) expect(inst.reliability.value).toBeGreaterThan(0);
    }
    expect(getInstrument('PSP').reliability).toMatchObject({ value: 0.79, kind: 'test-retest', n: 411 });
    expect(getInstrument('MHRM').reliability).toMatchObject({ value: 0.94, kind: 'internal-consistency' });
    expect(getInstrument('WHO5').reliability).toMatchObject({ value: 0.81, kind: 'test-retest' });
    expect(getInstrument('EQ5D_INDEX').reliability).toBeNull();
    expect(getInstrument('EQ5D_VAS').reliability).toBeNull();
  });

  it('is frozen, so a bundled number cannot be changed by accident', () => {
    const psp = getInstrument('PSP');
    expect(Object.isFrozen(psp)).toBe(true);
    expect(Object.isFrozen(psp.range)).toBe(true);
    expect(() => {
      (psp.range as { min: number }).min = 0;
    }).toThrow(TypeError);
  });
});

describe('scoreProblem and itemProblem', () => {
  it('accepts possible scores and names the range of impossible ones', () => {
    const psp = getInstrument('PSP');
    expect(scoreProblem(psp, 1)).toBeNull();
    expect(scoreProblem(psp, 100)).toBeNull();
    expect(scoreProblem(psp, 0)).toBe('a PSP score from 1 to 100');
    expect(scoreProblem(psp, 101)).toBe('a PSP score from 1 to 100');
    expect(scoreProblem(psp, 55.5)).toBe('a PSP score from 1 to 100 in whole points');
    expect(scoreProblem(getInstrument('WHO5'), 52)).toBeNull();
    expect(scoreProblem(getInstrument('WHO5'), 13)).toMatch(/steps of 4/);
    expect(scoreProblem(getInstrument('EQ5D_INDEX'), -0.5)).toBeNull();
    expect(scoreProblem(getInstrument('EQ5D_INDEX'), -0.8)).toMatch(/-0.758 to 1/);
  });

  it('checks item scores against the item scale', () => {
    const who5 = getInstrument('WHO5');
    expect(itemProblem(who5, 0)).toBeNull();
    expect(itemProblem(who5, 5)).toBeNull();
    expect(itemProblem(who5, 6)).toBe('a WHO5 item score from 0 to 5 in whole points');
    expect(itemProblem(who5, 2.5)).not.toBeNull();
    expect(itemProblem(getInstrument('PSP'), 1000)).toBeNull();
  });
});

describe('createInstrumentRegistry', () => {
  const honos: InstrumentDefinition = {
    id: 'HONOS',
    name: 'Health of the Nation Outcome Scales',
    range: { min: 0, max: 48 },
    step: 1,
    direction: 'lower-better',
    items: { count: 12, min: 0, max: 4, step: 1, total: 'sum', multiplier: 1 },
    reliability: {
      value: 0.8,
      kind: 'test-retest',
      statistic: 'ICC',
      population: 'example population for this test',
      n: 100,
      source: { citation: 'A user-supplied source for this test case.' },
    },
  };

  it('adds a user instrument on top of the bundled ones, with defaults filled in', () => {
    const reg = createInstrumentRegistry([honos]);
    expect(reg.ids()).toEqual(['PSP', 'MHRM', 'WHO5', 'EQ5D_INDEX', 'EQ5D_VAS', 'HONOS']);
    const h = getInstrument('HONOS', reg);
    expect(h.direction).toBe('lower-better');
    expect(h.levels).toBeNull();
    expect(h.norms).toEqual({ clinical: null, functional: null });
    expect(h.cutoffs).toEqual([]);
    expect(defaultInstruments.has('HONOS')).toBe(false);
  });

  it('redefines a bundled instrument by id (e.g. an EQ-5D index from another value set)', () => {
    const reg = createInstrumentRegistry([{ id: 'EQ5D_INDEX', name: 'EQ-5D-3L index, UK value set', range: { min: -0.594, max: 1 }, direction: 'higher-better' }]);
    expect(getInstrument('EQ5D_INDEX', reg).range.min).toBe(-0.594);
    expect(getInstrument('EQ5D_INDEX').range.min).toBe(-0.758);
  });

  it('can start empty', () => {
    expect(createInstrumentRegistry([honos], { base: null }).ids()).toEqual(['HONOS']);
  });

  it.each([
    ['an inverted range', { range: { min: 10, max: 0 } }, 'range'],
    ['a reliability above 1', { reliability: { ...honos.reliability!, value: 1.2 } }, 'reliability.value'],
    ['a reliability without a source', { reliability: { ...honos.reliability!, source: undefined } }, 'reliability.source'],
    ['item scoring that does not reproduce the range', { items: { count: 10, min: 0, max: 4, step: 1, total: 'sum', multiplier: 1 } }, 'items'],
    ['overlapping level bands', { levels: [{ label: 'a', min: 0, max: 20 }, { label: 'b', min: 20, max: 48 }] }, 'levels[1]'],
    ['a band outside the range', { levels: [{ label: 'a', min: 0, max: 60 }] }, 'levels[0]'],
    ['a step that misses the maximum', { step: 5 }, 'step'],
    ['a bad direction', { direction: 'up' }, 'direction'],
  ])('rejects %s, naming the field', (_name, patch, field) => {
    const def = { ...honos, ...patch } as InstrumentDefinition;
    try {
      createInstrumentRegistry([def]);
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(ArgumentError);
      expect((e as ArgumentError).argument).toBe(`instruments["HONOS"].${field}`);
    }
  });

  it('rejects two definitions with one id', () => {
    expect(() => createInstrumentRegistry([honos, honos])).toThrow(ArgumentError);
  });

  it('accepts definitions read from JSON through the exported zod schema', () => {
    const json = JSON.parse(JSON.stringify(honos));
    expect(instrumentDefinitionSchema.safeParse(json).success).toBe(true);
    expect(getInstrument('HONOS', createInstrumentRegistry([json])).items?.count).toBe(12);
  });
});

describe('getInstrument', () => {
  it('fails loudly for an unknown id, listing the known ones', () => {
    expect(() => getInstrument('GAF')).toThrow(/PSP, MHRM, WHO5, EQ5D_INDEX, EQ5D_VAS/);
    expect(() => getInstrument('GAF')).toThrow(ArgumentError);
  });
});
