import { describe, expect, it } from 'vitest';
import { flowCounts } from '../../src/descriptives/flow-counts.js';
import { ArgumentError } from '../../src/errors/index.js';
import { handTrial } from './hand-example.js';
import { expectClose, loadSample, rFixture } from './sample.js';

describe('flowCounts: hand example', () => {
  const flow = flowCounts(handTrial());
  const n = (stage: string, arm: string | null, visit: string | null = null, instrument: string | null = null) =>
    flow.find((r) => r.stage === stage && r.arm === arm && r.visit === visit && r.instrument === instrument)!;

  it('counts randomised, analysed (≥ 1 score) and measured per visit and instrument', () => {
    expect(n('randomised', 'control').n).toBe(4);
    expect(n('randomised', null).n).toBe(8);
    // c2 has only a missing score and c4 nothing: not analysed.
    expect(n('analysed', 'control')).toEqual({ stage: 'analysed', arm: 'control', visit: null, instrument: null, n: 2, randomised: 4, notIncluded: 2, percent: 50 });
    expect(n('analysed', 'SFT').n).toBe(4);
    expect(n('analysed', null).n).toBe(6);
    expect(n('measured', 'SFT', 'baseline').n).toBe(4);
    expect(n('measured', 'SFT', 'baseline', 'WHO5').n).toBe(1);
    expect(n('measured', 'SFT', '9m').n).toBe(1);
    expect(n('measured', 'control', '9m').percent).toBe(50);
    expect(n('measured', null, '9m', 'WHO5')).toMatchObject({ n: 0, randomised: 8, notIncluded: 8, percent: 0 });
  });

  it('lists stages in order, arms before the total', () => {
    // randomised ×3, analysed ×3, then per visit: any ×3 + 2 instruments ×3.
    expect(flow).toHaveLength(3 + 3 + 2 * (3 + 2 * 3));
    expect(flow.slice(0, 3).map((r) => r.arm)).toEqual(['control', 'SFT', null]);
    expect(flow[6]).toMatchObject({ stage: 'measured', visit: 'baseline', instrument: null });
    expect(() => flowCounts(undefined as never)).toThrow(ArgumentError);
  });
});

describe('flowCounts: against R on the committed sample', () => {
  it('agrees row by row', async () => {
    const flow = flowCounts(await loadSample());
    const fixture = rFixture().flow;
    expect(flow).toHaveLength(fixture.length);
    flow.forEach((r, i) => {
      const e = fixture[i]!;
      expect([r.stage, r.arm, r.visit, r.instrument, r.n, r.randomised, r.notIncluded]).toEqual([
        e['stage'],
        e['arm'],
        e['visit'],
        e['instrument'],
        e['n'],
        e['randomised'],
        e['notIncluded'],
      ]);
      expectClose(r.percent, e['percent'] as number);
    });
  });
});
