/** The @example blocks of the subgroup functions, run on the data they quote. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateTrial } from '../../src/data/validate.js';
import { subgroupAnalysis } from '../../src/subgroups/analysis.js';
import { defineSubgroup } from '../../src/subgroups/definitions.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/r/subgroups/subgroups.json', import.meta.url), 'utf8'));
const rowsOf = (t: Record<string, unknown[]>) => t[Object.keys(t)[0]!]!.map((_, i) => Object.fromEntries(Object.keys(t).map((k) => [k, t[k]![i]])));
const trial = validateTrial(
  { participants: rowsOf(fx.participants), measurements: rowsOf(fx.measurements) },
  { design: { arms: ['control', 'SFT'], visits: ['baseline', '9m', '15m'], instruments: ['PSP'], ungroupedArms: ['control'] } },
);

describe('examples', () => {
  it('defineSubgroup', () => {
    const dx = defineSubgroup(trial, { kind: 'diagnosis-chapter', prespecified: true });
    expect(dx.levels).toEqual(['F2', 'F3', 'F4', 'F6']);
    expect(dx.counts[0]).toEqual({ level: 'F2', byArm: { control: 79, SFT: 74 } });
    expect(defineSubgroup(trial, { kind: 'time-since-diagnosis' }).levels).toEqual(['< 2.9 years', '2.9–8.45 years', '≥ 8.45 years']);
  });

  it('subgroupAnalysis', () => {
    const sg = subgroupAnalysis(trial, { instrument: 'PSP', subgroups: [{ kind: 'diagnosis-chapter', prespecified: true }, { kind: 'age-band' }] });
    const i = sg.variables[0]!.interaction;
    expect(i.statistic).toBeCloseTo(1.771, 3);
    expect(i.numDf).toBe(6);
    expect(i.denDf!).toBeCloseTo(238.8, 1);
    expect(i.pValue).toBeCloseTo(0.1057, 4);
    expect(i.pHolm).toBeCloseTo(0.20496, 5);
    expect(i.pBH).toBeCloseTo(0.1057, 4);
    expect(sg.forest[2]).toMatchObject({ variable: 'diagnosisChapter', level: 'F2', visit: '9m', nControl: 60, nTreated: 51, status: 'pre-specified' });
    expect(sg.forest[2]!.estimate).toBeCloseTo(8.415, 3);
    expect(sg.forest[2]!.ci![0]).toBeCloseTo(4.176, 3);
    expect(sg.forest[2]!.ci![1]).toBeCloseTo(12.654, 3);
  });
});
