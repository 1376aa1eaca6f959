/**
 * Subgroup definitions from the data, and the analysis' handling of bad input and options.
 */
import { describe, expect, it } from 'vitest';
import { validateTrial } from '../../src/data/validate.js';
import { ArgumentError, RctevalError } from '../../src/errors/index.js';
import { subgroupAnalysis } from '../../src/subgroups/analysis.js';
import { defineSubgroup, yearsSinceDiagnosis } from '../../src/subgroups/definitions.js';
import { SubgroupLevelsError } from '../../src/subgroups/errors.js';
import { createRng } from '../../src/random/rng.js';
import { quantileType7 } from '../../src/splines/natural-spline.js';

const DESIGN = { arms: ['control', 'SFT'], visits: ['baseline', '9m', '15m'], instruments: ['PSP'], ungroupedArms: ['control'] };
const CODES = ['F20.0', 'F32.1', 'F41.1', 'F60.3', 'F25.0', 'F31.2'];

/** 120 participants with diagnoses, ages, dates and PSP at three visits; `edit` changes them before validation. */
function trialWith(edit?: (ps: Record<string, unknown>[], ms: Record<string, unknown>[]) => void) {
  const rng = createRng(11);
  const participants: Record<string, unknown>[] = [];
  const measurements: Record<string, unknown>[] = [];
  for (let i = 0; i < 120; i++) {
    // arm alternates in pairs so that no cycle below (diagnosis, sex, site) is confounded with it
    const treated = Math.floor(i / 2) % 2 === 1;
    const id = `P${String(i + 1).padStart(3, '0')}`;
    const age = 19 + ((i * 7) % 50);
    const yearsAgo = 1 + ((i * 5) % 20);
    participants.push({
      id,
      arm: treated ? 'SFT' : 'control',
      group: treated ? `G${(i % 10) + 1}` : null,
      sex: i % 3 === 0 ? 'male' : 'female',
      age,
      main_diagnosis: CODES[i % CODES.length],
      diagnosis_date: `${2015 - yearsAgo}-03-01`,
      randomisation_date: '2015-06-01',
      site: `M${(i % 5) + 1}`,
      motivation: i % 5 === 0 ? null : ['low', 'high'][i % 2],
      score_x: i % 9,
    });
    const b = Math.round(45 + 12 * rng.normal());
    measurements.push({ id, visit: 'baseline', instrument: 'PSP', score: Math.min(100, Math.max(1, b)) });
    for (const v of ['9m', '15m']) measurements.push({ id, visit: v, instrument: 'PSP', score: Math.min(100, Math.max(1, Math.round(0.6 * b + 20 + (treated ? 3 : 0) + 7 * rng.normal()))) });
  }
  edit?.(participants, measurements);
  return validateTrial({ participants, measurements }, { design: DESIGN });
}
const trial = trialWith();

describe('defineSubgroup', () => {
  it('diagnosis chapter: F + tens digit of the main diagnosis, in the SFT order', () => {
    const d = defineSubgroup(trial, { kind: 'diagnosis-chapter', prespecified: true });
    expect(d.levels).toEqual(['F2', 'F3', 'F4', 'F6']);
    expect(d.values['P001']).toBe('F2');
    expect(d.values['P002']).toBe('F3');
    expect(d.values['P006']).toBe('F3'); // F31.2
    expect(d.counts.every((c) => c.byArm['control']! > 0 && c.byArm['SFT']! > 0)).toBe(true);
    expect(d.status).toBe('pre-specified');
    const total = d.counts.reduce((a, c) => a + c.byArm['control']! + c.byArm['SFT']!, 0);
    expect(total).toBe(120);
    const other = defineSubgroup(trial, { kind: 'diagnosis-chapter', chapters: ['F2', 'F3'] });
    expect(other.levels).toEqual(['F2', 'F3', 'other']);
    expect(other.notes[0]).toMatch(/"other"/);
  });

  it('age bands: inclusive whole years, an open top band, custom bands', () => {
    const d = defineSubgroup(trial, { kind: 'age-band' });
    expect(d.levels).toEqual(['18–24', '25–34', '35–44', '45–54', '55+']);
    const ages = trial.participants.map((p) => p.age!);
    const n = (lo: number, hi: number) => ages.filter((a) => a >= lo && a <= hi).length;
    expect(d.counts.map((c) => c.byArm['control']! + c.byArm['SFT']!)).toEqual([n(18, 24), n(25, 34), n(35, 44), n(45, 54), n(55, 200)]);
    const two = defineSubgroup(trial, { kind: 'age-band', bands: [{ min: 18, max: 39, label: 'young' }, { min: 40 }] });
    expect(two.levels).toEqual(['young', '40+']);
    expect(() => defineSubgroup(trial, { kind: 'age-band', bands: [{ min: 18, max: 40 }, { min: 30 }] })).toThrow(ArgumentError);
  });

  it('time since diagnosis: tertiles (R type 7) or given cut-points, closed on the left', () => {
    const d = defineSubgroup(trial, { kind: 'time-since-diagnosis' });
    const years = trial.participants.map((p) => yearsSinceDiagnosis(p)!).sort((a, b) => a - b);
    const q1 = quantileType7(years, 1 / 3);
    const q2 = quantileType7(years, 2 / 3);
    expect(d.notes[0]).toMatch(/tertile cut-points/);
    expect(d.levels).toHaveLength(3);
    const n = d.counts.map((c) => c.byArm['control']! + c.byArm['SFT']!);
    expect(n).toEqual([years.filter((y) => y < q1).length, years.filter((y) => y >= q1 && y < q2).length, years.filter((y) => y >= q2).length]);
    const five = defineSubgroup(trial, { kind: 'time-since-diagnosis', cutPoints: [5] });
    expect(five.levels).toEqual(['< 5 years', '≥ 5 years']);
    // 2009-03-01 → 2015-06-01 is 6.25 years, 2014-03-01 → 2015-06-01 is 1.25 years
    expect(five.values[trial.participants.find((x) => x.diagnosisDate === '2009-03-01')!.id]).toBe('≥ 5 years');
    expect(five.values[trial.participants.find((x) => x.diagnosisDate === '2014-03-01')!.id]).toBe('< 5 years');
    expect(yearsSinceDiagnosis({ diagnosisDate: '2010-06-01', randomisationDate: '2015-06-01' })).toBeCloseTo(1826 / 365.25, 12);
  });

  it('baseline level: the registry’s PSP bands, sparse bands merged from the low end', () => {
    const merged = defineSubgroup(trial, { kind: 'baseline-level' }, { instrument: 'PSP' });
    for (const c of merged.counts) {
      expect(c.byArm['control']!).toBeGreaterThanOrEqual(10);
      expect(c.byArm['SFT']!).toBeGreaterThanOrEqual(10);
    }
    expect(merged.notes.join(' ')).toMatch(/merged to reach 10 participants per arm/);
    const raw = defineSubgroup(trial, { kind: 'baseline-level', merge: false }, { instrument: 'PSP' });
    expect(raw.levels.length).toBeGreaterThan(merged.levels.length);
    expect(raw.levels.every((l) => /^\d+–\d+$/.test(l))).toBe(true);
    // every participant keeps a level: merging only relabels
    expect(Object.values(merged.values).filter((v) => v !== null)).toHaveLength(Object.values(raw.values).filter((v) => v !== null).length);
    const custom = defineSubgroup(trial, { kind: 'baseline-level', bands: [{ label: 'low', min: 1, max: 44 }, { label: 'high', min: 45, max: 100 }] }, { instrument: 'PSP' });
    expect(custom.levels).toEqual(['low', 'high']);
  });

  it('sex and user columns (factor, numeric with cut-points, given level order)', () => {
    expect(defineSubgroup(trial, { kind: 'sex' }).levels).toEqual(['female', 'male']);
    const site = defineSubgroup(trial, { kind: 'column', column: 'site' });
    expect(site.levels).toEqual(['M1', 'M2', 'M3', 'M4', 'M5']);
    const mot = defineSubgroup(trial, { kind: 'column', column: 'motivation', levels: ['low', 'high'] });
    expect(mot.levels).toEqual(['low', 'high']);
    expect(mot.nMissing).toBe(24);
    expect(mot.notes.join(' ')).toMatch(/24 participant\(s\) without a value/);
    const cut = defineSubgroup(trial, { kind: 'column', column: 'score_x', cutPoints: [3, 6] });
    expect(cut.levels).toEqual(['< 3', '3–6', '≥ 6']);
    expect(cut.values['P004']).toBe('3–6'); // score_x = 3: intervals are closed on the left
    expect(() => defineSubgroup(trial, { kind: 'column', column: 'motivation', levels: ['low'] })).toThrow(/missing "high"/);
    expect(() => defineSubgroup(trial, { kind: 'column', column: 'shoe' })).toThrow(ArgumentError);
    expect(() => defineSubgroup(trial, { kind: 'column', column: 'motivation', cutPoints: [1] })).toThrow(/a number/);
  });

  it('throws the typed SubgroupLevelsError for a variable with one level', () => {
    const allFemale = trialWith((ps) => ps.forEach((p) => (p['sex'] = 'female')));
    let err: unknown;
    try {
      defineSubgroup(allFemale, { kind: 'sex' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SubgroupLevelsError);
    expect(err).toBeInstanceOf(RctevalError);
    expect((err as SubgroupLevelsError).code).toBe('SUBGROUP_LEVELS');
    expect((err as SubgroupLevelsError).variable).toBe('sex');
    expect((err as SubgroupLevelsError).levels).toEqual(['female']);
    expect(() => defineSubgroup(trial, { kind: 'age-band', bands: [{ min: 18, max: 80 }, { min: 81 }] })).toThrow(SubgroupLevelsError);
    expect(() => subgroupAnalysis(allFemale, { instrument: 'PSP', subgroups: [{ kind: 'sex' }] })).toThrow(SubgroupLevelsError);
  });
});

describe('subgroupAnalysis options', () => {
  it('rejects bad options', () => {
    expect(() => subgroupAnalysis(trial, { instrument: 'PSP', subgroups: [] })).toThrow(/at least one subgroup/);
    expect(() => subgroupAnalysis(trial, { instrument: 'MHRM', subgroups: [{ kind: 'sex' }] })).toThrow(ArgumentError);
    expect(() => subgroupAnalysis(trial, { instrument: 'PSP', subgroups: [{ kind: 'sex' }], visits: ['baseline'] })).toThrow(/follow-up visits/);
    expect(() => subgroupAnalysis(trial, { instrument: 'PSP', subgroups: [{ kind: 'sex' }], model: 'ols', test: 'LRT' })).toThrow(/HTZ/);
  });

  it('adjusts pre-specified and exploratory variables as separate families with multiplicityFamily: "by-status"', () => {
    const subgroups = [
      { kind: 'diagnosis-chapter', prespecified: true },
      { kind: 'sex', prespecified: true },
      { kind: 'column', column: 'site' },
    ] as const;
    const all = subgroupAnalysis(trial, { instrument: 'PSP', subgroups: [...subgroups], model: 'ols' });
    const sep = subgroupAnalysis(trial, { instrument: 'PSP', subgroups: [...subgroups], model: 'ols', multiplicityFamily: 'by-status' });
    const p = all.variables.map((v) => v.interaction.pValue);
    // the exploratory variable is alone in its family: unadjusted
    expect(sep.variables[2]!.interaction.pHolm).toBe(p[2]);
    expect(sep.variables[2]!.interaction.pBH).toBe(p[2]);
    // Holm over the two pre-specified ones: the smaller p doubles
    const k = p[0]! < p[1]! ? 0 : 1;
    expect(sep.variables[k]!.interaction.pHolm).toBeCloseTo(Math.min(1, 2 * p[k]!), 12);
    expect(all.variables[k === 0 ? 0 : 1]!.interaction.pHolm).toBeGreaterThanOrEqual(sep.variables[k === 0 ? 0 : 1]!.interaction.pHolm!);
    expect(sep.multiplicity.description).toMatch(/same status/);
  });

  it('reports a level whose participants were all lost at a visit as not estimable, with the reason', () => {
    // every F6 participant misses the 15-month visit
    const lost = trialWith((ps, ms) => {
      const f6 = new Set(ps.filter((p) => String(p['main_diagnosis']).startsWith('F6')).map((p) => p['id']));
      for (const m of ms) if (f6.has(m['id']) && m['visit'] === '15m') m['score'] = null;
    });
    const res = subgroupAnalysis(lost, { instrument: 'PSP', subgroups: [{ kind: 'diagnosis-chapter' }], model: 'ols' });
    const e = res.variables[0]!.effects.find((x) => x.level === 'F6' && x.visit === '15m')!;
    expect(e.estimable).toBe(false);
    expect(e.reason).toBe('no participants of this level were measured at 15m');
    expect(e.n).toEqual({ control: 0, SFT: 0 });
    expect(res.variables[0]!.effects.find((x) => x.level === 'F6' && x.visit === '9m')!.estimable).toBe(true);
    // the interaction test still uses the estimable contrasts: 3 at 9m, 2 at 15m
    expect(res.variables[0]!.interaction.numDf).toBe(5);
  });
});
