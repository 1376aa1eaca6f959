import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors/index.js';
import { EFFECT_SIZE_RULES, interpretEffectSize, type RuleSetName } from '../../src/effect-size/index.js';
import { loadFixture } from '../distributions/fixture.js';

const fx = loadFixture<{ interpret: { rules: RuleSetName; d: number[]; labels: string[] }[] }>('effect-size/effect-size.json');

describe("interpretEffectSize agrees with effectsize::interpret_cohens_d", () => {
  for (const set of fx.interpret) {
    it(`${set.rules}: all ${set.d.length} values, including values on the thresholds`, () => {
      set.d.forEach((d, i) => {
        const res = interpretEffectSize(d, { rules: set.rules });
        expect(res.label, `d = ${d}`).toBe(set.labels[i]);
        expect(res.rules).toBe(set.rules);
      });
    });
  }
  it('defaults to cohen1988 and reports the reference; gignac2016 compares r = d/√(d² + 4)', () => {
    const r = interpretEffectSize(-0.45);
    expect(r.rules).toBe('cohen1988');
    expect(r.label).toBe('small');
    expect(r.value).toBe(-0.45);
    expect(r.reference).toMatch(/Cohen, J\. \(1988\)/);
    const g = interpretEffectSize(0.45, { rules: 'gignac2016' });
    expect(g.label).toBe('moderate');
    expect(g.comparedValue).toBeCloseTo(0.45 / Math.sqrt(0.45 ** 2 + 4), 15);
    expect(Object.keys(EFFECT_SIZE_RULES)).toEqual(['cohen1988', 'sawilowsky2009', 'gignac2016', 'lovakov2021']);
  });
  it('custom rules are named in the output; malformed rules and unknown names are rejected', () => {
    const custom = { name: 'trial-protocol', thresholds: [0.3, 0.6], labels: ['negligible', 'moderate', 'important'] };
    expect(interpretEffectSize(0.61, { rules: custom })).toMatchObject({ label: 'important', rules: 'trial-protocol' });
    expect(() => interpretEffectSize(0.5, { rules: { name: 'bad', thresholds: [0.5, 0.2], labels: ['a', 'b', 'c'] } })).toThrow(ArgumentError);
    expect(() => interpretEffectSize(0.5, { rules: 'cohen' as RuleSetName })).toThrow(/"rules"/);
    expect(() => interpretEffectSize(Number.NaN)).toThrow(/"d"/);
  });
});
