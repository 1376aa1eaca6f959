/** The @example blocks of the public functions in src/data, run as written. */
import * as aq from 'arquero';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/data/csv.js';
import { completedYears } from '../../src/data/dates.js';
import { normaliseIcd10 } from '../../src/data/icd10.js';
import { checkInclusion, codeMatches, diagnosisChapter, diagnosisQualifies } from '../../src/data/inclusion.js';
import { canonicalField, fromArquero, fromCsv, fromDanfo, fromRows } from '../../src/data/loaders.js';
import { trialToRows, validateTrial } from '../../src/data/validate.js';

describe('TSDoc examples of src/data', () => {
  it('parseCsv', () => {
    expect(parseCsv('id,note\r\n1,"said ""hi"", left"\r\n').records).toEqual([
      ['id', 'note'],
      ['1', 'said "hi", left'],
    ]);
  });

  it('loaders', () => {
    const t = fromCsv('lopenr,gruppe,alder\n7,SFT,34\n', { table: 'participants', columns: { id: 'lopenr', arm: 'gruppe', age: 'alder' } });
    expect(t.rows[0]).toEqual({ id: '7', arm: 'SFT', age: 34 });
    expect(fromRows([{ id: 1, arm: 'control', birth_date: '1980-05-01' }]).rows[0]).toEqual({ id: 1, arm: 'control', birthDate: '1980-05-01' });
    expect(fromArquero(aq.table({ id: ['a', 'b'], arm: ['SFT', 'control'] })).rows.length).toBe(2);
    expect(fromDanfo({ columns: ['id', 'arm'], values: [['a', 'SFT']] }).rows[0]).toEqual({ id: 'a', arm: 'SFT' });
    expect(canonicalField('Birth_Date')).toBe('birthDate');
  });

  it('validateTrial and trialToRows', () => {
    const trial = validateTrial(
      {
        participants: [{ id: 'p1', arm: 'control' }, { id: 'p2', arm: 'SFT', group: 'g1' }],
        measurements: [
          { id: 'p1', visit: 'baseline', instrument: 'PSP', score: 45 },
          { id: 'p2', visit: 'baseline', instrument: 'PSP', score: null },
        ],
      },
      { design: { arms: ['control', 'SFT'], visits: ['baseline', '9m'], instruments: ['PSP'] } },
    );
    expect(trial.summary.missingScores).toBe(1);
    expect(trialToRows(trial, { instrument: 'PSP' })[0]).toEqual({
      id: 'p1',
      arm: 'control',
      group: null,
      site: null,
      visit: 'baseline',
      months: null,
      score: 45,
      baseline: 45,
    });
  });

  it('inclusion, ICD-10 and dates', () => {
    const report = checkInclusion([
      { id: 'a', age: 18, diagnoses: ['F33.2'], mainDiagnosis: 'F33.2' },
      { id: 'b', age: 30, diagnoses: ['F33.1'], mainDiagnosis: 'F33.1' },
    ]);
    expect(report.nEligible).toBe(1);
    expect(report.failures.map((f) => [f.id, f.rule])).toEqual([['b', 'diagnosis']]);
    expect(diagnosisChapter('f332')).toBe('F3');
    expect(diagnosisChapter('F60.3')).toBe('F6');
    expect(diagnosisChapter('G40')).toBeNull();
    expect(codeMatches('F45.9', 'F40-F45')).toBe(true);
    expect(codeMatches('F33.1', 'F33.2')).toBe(false);
    expect(diagnosisQualifies('F43.1')).toBe('yes');
    expect(diagnosisQualifies('F43')).toBe('ambiguous');
    expect(normaliseIcd10('f200')).toBe('F20.0');
    expect(normaliseIcd10('DF33.2')).toBe('F33.2');
    expect(normaliseIcd10('F2')).toBeNull();
    expect(completedYears('1990-06-15', '2015-06-14')).toBe(24);
    expect(completedYears('1990-06-15', '2015-06-15')).toBe(25);
    expect(completedYears('1992-02-29', '2015-02-28')).toBe(22);
    expect(completedYears('1992-02-29', '2015-03-01')).toBe(23);
  });
});
