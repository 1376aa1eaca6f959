import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { normaliseIcd10 } from '../../src/data/icd10.js';
import { checkInclusion, codeMatches, diagnosisChapter, diagnosisQualifies, type InclusionInput } from '../../src/data/inclusion.js';
import { readCsvFile } from '../../src/data/read-file.js';
import { validateTrial } from '../../src/data/validate.js';
import { ArgumentError } from '../../src/errors/index.js';

const person = (id: string, codes: string[], main: string | null = codes[0] ?? null, age: number | null = 30): InclusionInput => ({
  id,
  age,
  diagnoses: codes,
  mainDiagnosis: main,
});

describe('normaliseIcd10 normalises case, dots, spaces and the Danish SKS D prefix', () => {
  it.each([
    ['f200', 'F20.0'],
    [' F33.2 ', 'F33.2'],
    ['DF332', 'F33.2'],
    ['F34', 'F34'],
    ['F 43 1', 'F43.1'],
    ['F2', null],
    ['20.0', null],
    ['F20.00000', null],
  ])('%j → %j', (code, expected) => expect(normaliseIcd10(code)).toBe(expected));
});

describe('diagnosisChapter gives F and the tens digit, with or without dots, in any case', () => {
  it.each([
    ['F20.0', 'F2'],
    ['f332', 'F3'],
    ['F43.1', 'F4'],
    ['F60.3', 'F6'],
    ['G40', null],
  ])('%j → %j', (code, expected) => expect(diagnosisChapter(code)).toBe(expected));
  it('refuses what is not a code', () => expect(() => diagnosisChapter('banana')).toThrow(ArgumentError));
});

describe('the SFT diagnosis rule at its boundaries', () => {
  it.each([
    ['F19.9', 'no'],
    ['F20.0', 'yes'],
    ['F29', 'yes'],
    ['F30.1', 'yes'],
    ['F31', 'yes'],
    ['F32.1', 'no'],
    ['F33.1', 'no'],
    ['F33.2', 'yes'],
    ['F332', 'yes'],
    ['f33.3', 'yes'],
    ['F33.4', 'no'],
    ['F33', 'no'],
    ['F34.1', 'yes'],
    ['F39', 'no'],
    ['F40.1', 'yes'],
    ['F43.0', 'no'],
    ['f430', 'no'],
    ['F43.1', 'yes'],
    ['F43.2', 'no'],
    ['F43.8', 'yes'],
    ['F43', 'ambiguous'],
    ['F45.9', 'yes'],
    ['F46', 'no'],
    ['F50.0', 'no'],
    ['F60.3', 'yes'],
    ['F69', 'yes'],
    ['F70', 'no'],
  ])('%s → %s', (code, verdict) => {
    expect(diagnosisQualifies(code)).toBe(verdict);
  });

  it('matches patterns by category, subdivision and range', () => {
    expect(codeMatches('F30.2', 'F30')).toBe(true);
    expect(codeMatches('F300', 'F30')).toBe(true);
    expect(codeMatches('F33.21', 'F33.2')).toBe(true);
    expect(codeMatches('F45.9', 'F40-F45')).toBe(true);
    expect(codeMatches('G45', 'F40-F45')).toBe(false);
    expect(() => codeMatches('F20', 'F20.0-F29')).toThrow(ArgumentError);
  });
});

describe('checkInclusion', () => {
  it('reports age exactly 18 as included under >= and excluded under >', () => {
    const p = [person('a', ['F20.0'], 'F20.0', 18)];
    expect(checkInclusion(p).nEligible).toBe(1);
    const strict = checkInclusion(p, { ageRule: '>' });
    expect(strict.nEligible).toBe(0);
    expect(strict.failures).toEqual([
      { id: 'a', rule: 'age', value: 18, expected: 'older than 18 years', message: 'participant a: rule age: has 18, expected older than 18 years' },
    ]);
    expect(checkInclusion([person('b', ['F20.0'], 'F20.0', 17)]).failures[0]).toMatchObject({ rule: 'age', value: 17, expected: 'at least 18 years' });
  });

  it('computes age from the birth date at randomisation when age is missing', () => {
    const p: InclusionInput[] = [
      { id: 'x', age: null, birthDate: '1996-06-15', randomisationDate: '2014-06-14', diagnoses: ['F20.0'], mainDiagnosis: 'F20.0' },
      { id: 'y', age: null, birthDate: '1996-06-15', randomisationDate: '2014-06-15', diagnoses: ['F20.0'], mainDiagnosis: 'F20.0' },
      { id: 'z', age: null, diagnoses: ['F20.0'], mainDiagnosis: 'F20.0' },
    ];
    const r = checkInclusion(p);
    expect(r.results.map((x) => [x.id, x.eligible])).toEqual([
      ['x', false],
      ['y', true],
      ['z', false],
    ]);
    expect(r.failures.find((f) => f.id === 'x')!.value).toBe(17);
    expect(r.failures.find((f) => f.id === 'z')!.value).toBeNull();
    expect(checkInclusion([p[0]!], { referenceDate: '2015-01-01' }).nEligible).toBe(1);
  });

  it('reports who fails the diagnosis rule and why, and never filters', () => {
    const r = checkInclusion([
      person('ok', ['F33.1', 'F33.2'], 'F33.2'),
      person('no', ['F33.1'], 'F33.1'),
      person('ptsd', ['F43.1'], 'F43.1'),
      person('acute', ['F43.0'], 'F43.0'),
      person('vague', ['F43'], 'F43'),
      person('eating', ['F50.0'], 'F50.0'),
      person('none', [], null),
    ]);
    expect(r.nChecked).toBe(7);
    expect(r.results).toHaveLength(7);
    expect(r.results.filter((x) => x.eligible).map((x) => x.id)).toEqual(['ok', 'ptsd']);
    expect(r.failures.filter((f) => f.rule === 'diagnosis').map((f) => f.id)).toEqual(['no', 'acute', 'vague', 'eating', 'none']);
    expect(r.failures.find((f) => f.id === 'vague')!.expected).toMatch(/4th character/);
    expect(r.failures.find((f) => f.id === 'no')!.value).toEqual(['F33.1']);
    expect(r.byRule).toEqual({ age: 0, diagnosis: 5, 'main-diagnosis': 2 });
  });

  it('derives the main-diagnosis chapter and checks it is F2, F3, F4 or F6', () => {
    const r = checkInclusion([
      person('a', ['F20.0'], 'F20.0'),
      person('b', ['F33.2'], 'f332'),
      person('c', ['F41.1'], 'F41.1'),
      person('d', ['F60.3'], 'F60.3'),
      person('e', ['F20.0', 'F50.0'], 'F50.0'),
      person('f', ['F20.0'], 'F31.1'),
    ]);
    expect(r.results.map((x) => x.mainChapter)).toEqual(['F2', 'F3', 'F4', 'F6', 'F5', 'F3']);
    const main = r.failures.filter((f) => f.rule === 'main-diagnosis');
    expect(main.map((f) => [f.id, f.value])).toEqual([
      ['e', 'F50.0'],
      ['f', 'F31.1'],
    ]);
    expect(main[1]!.expected).toMatch(/one of the participant's diagnoses/);
  });

  it('takes its rules as options', () => {
    const p = [person('a', ['F50.0'], 'F50.0', 16)];
    const r = checkInclusion(p, { minAge: 15, diagnosisRule: { include: ['F50-F59'], exclude: [] }, chapters: ['F5'] });
    expect(r.nEligible).toBe(1);
  });

  it('rejects malformed options', () => {
    expect(() => checkInclusion([], { ageRule: '=>' as '>=' })).toThrow(ArgumentError);
    expect(() => checkInclusion([], { diagnosisRule: { include: ['F2'], exclude: [] } })).toThrow(ArgumentError);
    expect(() => checkInclusion([], { referenceDate: '2015-13-01' })).toThrow(ArgumentError);
    expect(() => checkInclusion('x' as unknown as InclusionInput[])).toThrow(ArgumentError);
  });

  const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
  const sample = `${repoRoot}data-samples/sft-participants.csv`;
  it('runs on validated participants of the sample trial', async () => {
    const p = await readCsvFile(sample, { table: 'participants' });
    const trial = validateTrial(
      { participants: p, measurements: [{ id: p.rows[0]!.id, visit: 'baseline', instrument: 'PSP', score: 50 }] },
      { design: { arms: ['control', 'SFT'], visits: ['baseline'], instruments: ['PSP'] } },
    );
    const r = checkInclusion(trial.participants);
    expect(r.nChecked).toBe(trial.participants.length);
    expect(r.results.every((x) => x.mainChapter !== null)).toBe(true);
  });
});
