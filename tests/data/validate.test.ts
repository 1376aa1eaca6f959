import { describe, expect, it } from 'vitest';
import { fromCsv } from '../../src/data/loaders.js';
import type { TrialDesign } from '../../src/data/types.js';
import { isTrialData, trialToRows, validateTrial, type TrialInput } from '../../src/data/validate.js';
import { ArgumentError, ValidationError, type ValidationIssue } from '../../src/errors/index.js';
import { createInstrumentRegistry } from '../../src/instruments/registry.js';

const design: TrialDesign = {
  arms: ['control', 'SFT'],
  visits: ['baseline', '9m', '15m'],
  instruments: ['PSP', 'MHRM', 'WHO5', 'EQ5D_INDEX', 'EQ5D_VAS'],
  visitMonths: { baseline: 0, '9m': 9, '15m': 15 },
  ungroupedArms: ['control'],
};

type Row = Record<string, unknown>;

function participants(): Row[] {
  return [
    {
      id: 'P1',
      arm: 'control',
      group: null,
      site: 'M01',
      sex: 'female',
      age: 34,
      birthDate: '1980-05-01',
      randomisationDate: '2014-06-02',
      diagnoses: ['F20.0', 'F33.2'],
      mainDiagnosis: 'F20.0',
      diagnosisDate: '2010-01-15',
      sessionsAttended: null,
      sessionsOffered: null,
      costs: { healthcare: 1200 },
    },
    {
      id: 'P2',
      arm: 'SFT',
      group: 'G1',
      site: 'M01',
      sex: 'male',
      age: 45,
      diagnoses: 'F60.3;F41.1',
      mainDiagnosis: 'F60.3',
      sessionsAttended: 30,
      sessionsOffered: 36,
      cost_implementation: 30329,
    },
    { id: 'P3', arm: 'SFT', group: 'G1', site: 'M02', sex: 'K', age: 29, diagnoses: ['F32.1', 'F40.1'], mainDiagnosis: 'F40.1', sessionsAttended: 0, sessionsOffered: 36 },
  ];
}

function measurements(): Row[] {
  return [
    { id: 'P1', visit: 'baseline', instrument: 'PSP', score: 45, date: '2014-06-01' },
    { id: 'P1', visit: '9m', instrument: 'PSP', score: 52 },
    { id: 'P2', visit: 'baseline', instrument: 'PSP', score: 61 },
    { id: 'P2', visit: '9m', instrument: 'PSP', score: null },
    { id: 'P2', visit: 'baseline', instrument: 'WHO5', score: 56, items: [3, 3, 2, 3, 3] },
    { id: 'P3', visit: 'baseline', instrument: 'MHRM', score: 80 },
    { id: 'P3', visit: 'baseline', instrument: 'EQ5D_INDEX', score: 0.731 },
    { id: 'P3', visit: '15m', instrument: 'EQ5D_VAS', score: 70 },
  ];
}

function run(input: TrialInput, opts: Partial<Parameters<typeof validateTrial>[1]> = {}) {
  return validateTrial(input, { design, ...opts });
}

/** The issues of a failing validation (fails the test if validation passes). */
function issuesOf(input: TrialInput, opts: Partial<Parameters<typeof validateTrial>[1]> = {}): ValidationIssue[] {
  try {
    run(input, opts);
  } catch (e) {
    if (e instanceof ValidationError) return e.issues;
    throw e;
  }
  throw new Error('validateTrial accepted the data');
}

function findIssue(list: ValidationIssue[], table: string, row: number | null, field: string): ValidationIssue {
  const hit = list.find((i) => i.table === table && i.row === row && i.field === field);
  if (!hit) throw new Error(`no issue at ${table} row ${row} field ${field}; got:\n${list.map((i) => i.message).join('\n')}`);
  return hit;
}

interface BadCase {
  name: string;
  input: () => TrialInput;
  opts?: Partial<Parameters<typeof validateTrial>[1]>;
  table: 'participants' | 'measurements';
  row: number | null;
  field: string;
  value: unknown;
  expected: RegExp;
}

const withP = (edit: (p: Row[]) => void) => (): TrialInput => {
  const p = participants();
  edit(p);
  return { participants: p, measurements: measurements() };
};
const withM = (edit: (m: Row[]) => void) => (): TrialInput => {
  const m = measurements();
  edit(m);
  return { participants: participants(), measurements: m };
};

const badCases: BadCase[] = [
  { name: 'a PSP score of 0', input: withM((m) => (m[0]!.score = 0)), table: 'measurements', row: 1, field: 'score', value: 0, expected: /PSP score from 1 to 100/ },
  { name: 'a PSP score of 101', input: withM((m) => (m[1]!.score = 101)), table: 'measurements', row: 2, field: 'score', value: 101, expected: /PSP score from 1 to 100/ },
  { name: 'a non-integer PSP score', input: withM((m) => (m[1]!.score = 50.5)), table: 'measurements', row: 2, field: 'score', value: 50.5, expected: /whole points/ },
  { name: 'an MHRM score of 121', input: withM((m) => (m[5]!.score = 121)), table: 'measurements', row: 6, field: 'score', value: 121, expected: /MHRM score from 0 to 120/ },
  { name: 'a raw WHO-5 score (not a multiple of 4)', input: withM((m) => ((m[4]!.score = 14), (m[4]!.items = null))), table: 'measurements', row: 5, field: 'score', value: 14, expected: /steps of 4/ },
  { name: 'an EQ-5D index above 1', input: withM((m) => (m[6]!.score = 1.2)), table: 'measurements', row: 7, field: 'score', value: 1.2, expected: /EQ5D_INDEX score from -0.758 to 1/ },
  { name: 'an unknown arm', input: withP((p) => (p[1]!.arm = 'treatment')), table: 'participants', row: 2, field: 'arm', value: 'treatment', expected: /control, SFT/ },
  { name: 'a duplicated (id, visit, instrument)', input: withM((m) => m.push({ id: 'P1', visit: 'baseline', instrument: 'PSP', score: 47 })), table: 'measurements', row: 9, field: 'id', value: 'P1', expected: /already on row 1/ },
  { name: 'a visit not declared', input: withM((m) => (m[1]!.visit = '12m')), table: 'measurements', row: 2, field: 'visit', value: '12m', expected: /baseline, 9m, 15m/ },
  { name: 'an undeclared instrument', input: withM((m) => (m[2]!.instrument = 'GAF')), table: 'measurements', row: 3, field: 'instrument', value: 'GAF', expected: /design's instruments/ },
  { name: 'attendance above sessions offered', input: withP((p) => (p[1]!.sessionsAttended = 40)), table: 'participants', row: 2, field: 'sessionsAttended', value: 40, expected: /at most the 36 sessions offered/ },
  { name: 'negative attendance', input: withP((p) => (p[2]!.sessionsAttended = -1)), table: 'participants', row: 3, field: 'sessionsAttended', value: -1, expected: /whole number of sessions ≥ 0/ },
  { name: 'non-integer attendance', input: withP((p) => (p[2]!.sessionsAttended = 12.5)), table: 'participants', row: 3, field: 'sessionsAttended', value: 12.5, expected: /whole number/ },
  { name: 'a NaN score in a row object', input: withM((m) => (m[0]!.score = Number.NaN)), table: 'measurements', row: 1, field: 'score', value: Number.NaN, expected: /a score or null.*nanIsMissing/ },
  { name: 'a measurement for an unknown participant', input: withM((m) => (m[7]!.id = 'P9')), table: 'measurements', row: 8, field: 'id', value: 'P9', expected: /participant in the participants table/ },
  { name: 'a duplicated participant id', input: withP((p) => (p[2]!.id = 'P1')), table: 'participants', row: 3, field: 'id', value: 'P1', expected: /already on row 1/ },
  { name: 'a bad ICD-10 code', input: withP((p) => (p[0]!.diagnoses = ['F20.0', 'F2'])), table: 'participants', row: 1, field: 'diagnoses', value: 'F2', expected: /ICD-10 code/ },
  { name: 'a main diagnosis not among the diagnoses', input: withP((p) => (p[2]!.mainDiagnosis = 'F20.0')), table: 'participants', row: 3, field: 'mainDiagnosis', value: 'F20.0', expected: /F32\.1, F40\.1/ },
  { name: 'an invalid date', input: withP((p) => (p[0]!.diagnosisDate = '2015-02-30')), table: 'participants', row: 1, field: 'diagnosisDate', value: '2015-02-30', expected: /calendar/ },
  { name: 'an invalid measurement date', input: withM((m) => (m[0]!.date = '06/01/2014')), table: 'measurements', row: 1, field: 'date', value: '06/01/2014', expected: /YYYY-MM-DD/ },
  { name: 'a Date object with a time of day', input: withM((m) => (m[0]!.date = new Date(Date.UTC(2014, 5, 1, 13)))), table: 'measurements', row: 1, field: 'date', value: new Date(Date.UTC(2014, 5, 1, 13)), expected: /YYYY-MM-DD/ },
  { name: 'a negative cost in a cost_ column', input: withP((p) => (p[1]!.cost_implementation = -10)), table: 'participants', row: 2, field: 'cost_implementation', value: -10, expected: /cost ≥ 0/ },
  { name: 'a negative cost in a costs object', input: withP((p) => (p[0]!.costs = { healthcare: -1 })), table: 'participants', row: 1, field: 'costs.healthcare', value: -1, expected: /cost ≥ 0/ },
  { name: 'a cost category given twice', input: withP((p) => (p[0]!.cost_healthcare = 5)), table: 'participants', row: 1, field: 'cost_healthcare', value: 5, expected: /given twice/ },
  { name: 'an age below 0', input: withP((p) => (p[1]!.age = -2)), table: 'participants', row: 2, field: 'age', value: -2, expected: /from 0 to 120/ },
  { name: 'an absurd age', input: withP((p) => (p[1]!.age = 150)), table: 'participants', row: 2, field: 'age', value: 150, expected: /from 0 to 120/ },
  { name: 'an age that contradicts the birth date', input: withP((p) => (p[0]!.age = 40)), table: 'participants', row: 1, field: 'age', value: 40, expected: /^34, the completed years/ },
  { name: 'a birth date after randomisation', input: withP((p) => (p[0]!.birthDate = '2015-01-01')), table: 'participants', row: 1, field: 'birthDate', value: '2015-01-01', expected: /before the randomisation date/ },
  { name: 'a group given for a control', input: withP((p) => (p[0]!.group = 'G1')), table: 'participants', row: 1, field: 'group', value: 'G1', expected: /belong to no group/ },
  { name: 'an item score outside the item range', input: withM((m) => (m[4]!.items = [3, 3, 6, 3, 3])), table: 'measurements', row: 5, field: 'items[2]', value: 6, expected: /WHO5 item score from 0 to 5/ },
  { name: 'items inconsistent with the total', input: withM((m) => (m[4]!.score = 60)), table: 'measurements', row: 5, field: 'score', value: 60, expected: /^56, 4 × the sum of the items/ },
  { name: 'the wrong number of items', input: withM((m) => (m[4]!.items = [3, 3, 2, 3])), table: 'measurements', row: 5, field: 'items', value: '4 items', expected: /5 item scores for WHO5/ },
  { name: 'items given both ways', input: withM((m) => (m[4]!.item_1 = 3)), table: 'measurements', row: 5, field: 'items', value: [3, 3, 2, 3, 3], expected: /not both/ },
  { name: 'a sex not recognised', input: withP((p) => (p[1]!.sex = 'x')), table: 'participants', row: 2, field: 'sex', value: 'x', expected: /recognised sex/ },
  { name: 'an extra field that is an object', input: withP((p) => (p[1]!.notes = { a: 1 })), table: 'participants', row: 2, field: 'notes', value: { a: 1 }, expected: /text, a finite number/ },
  { name: 'a missing participant id', input: withP((p) => (p[1]!.id = '')), table: 'participants', row: 2, field: 'id', value: '', expected: /participant id/ },
  {
    name: 'a required participant column missing when asked for',
    input: withP((p) => p.forEach((r) => delete r.sex)),
    opts: { requiredParticipantFields: ['sex'] },
    table: 'participants',
    row: null,
    field: 'sex',
    value: undefined,
    expected: /a column "sex"/,
  },
  {
    name: 'an empty measurements table',
    input: () => ({ participants: participants(), measurements: [] }),
    table: 'measurements',
    row: null,
    field: '(table)',
    value: 0,
    expected: /at least one data row/,
  },
];

describe('validateTrial: every bad input is reported with its row and field', () => {
  it('has at least 20 distinct bad inputs', () => {
    expect(new Set(badCases.map((c) => c.name)).size).toBeGreaterThanOrEqual(20);
  });

  it.each(badCases)('$name', (c) => {
    const list = issuesOf(c.input(), c.opts);
    const hit = findIssue(list, c.table, c.row, c.field);
    expect(hit.value).toEqual(c.value);
    expect(hit.expected).toMatch(c.expected);
    expect(hit.message).toContain(`field "${c.field}"`);
  });

  it('accepts the unmodified data the cases start from', () => {
    expect(() => run({ participants: participants(), measurements: measurements() })).not.toThrow();
  });
});

describe('validateTrial on CSV input', () => {
  const P_CSV = 'id,arm,group,sex,age,diagnoses,main_diagnosis\nP1,control,,female,34,F20.0,F20.0\nP2,SFT,G1,male,45,F41.1,F41.1\n';
  const M_CSV = 'id,visit,instrument,score\nP1,baseline,PSP,45\nP2,baseline,PSP,abc\nP2,9m,PSP,\n';

  it('reports text in a score column with row, field, the text and the missing tokens, quoting the file line', () => {
    const list = issuesOf({ participants: fromCsv(P_CSV), measurements: fromCsv(M_CSV) });
    expect(list).toHaveLength(1);
    const hit = findIssue(list, 'measurements', 2, 'score');
    expect(hit.value).toBe('abc');
    expect(hit.expected).toMatch(/missing cell \("", "NA"\)/);
    expect(hit.message).toMatch(/line 3 of the file/);
  });

  it('reports an empty participants file, and the measurement rows whose participants are then unknown', () => {
    const list = issuesOf({ participants: fromCsv('', { table: 'participants' }), measurements: fromCsv(M_CSV.replace('abc', '50')) });
    expect(findIssue(list, 'participants', null, '(file)').expected).toMatch(/header line/);
    expect(findIssue(list, 'participants', null, '(table)').expected).toMatch(/empty/);
    expect(findIssue(list, 'participants', null, 'id').expected).toMatch(/a column "id"/);
    expect(findIssue(list, 'measurements', 1, 'id').value).toBe('P1');
  });

  it('reports a missing required column once, with no row', () => {
    const list = issuesOf({ participants: fromCsv(P_CSV), measurements: fromCsv('id,visit,instrument\nP1,baseline,PSP\n') });
    const hit = findIssue(list, 'measurements', null, 'score');
    expect(hit.expected).toMatch(/a column "score" in the measurements table \(present: id, visit, instrument\)/);
    expect(list.filter((i) => i.field === 'score')).toHaveLength(1);
  });

  it('carries loader issues into the ValidationError (malformed rows, absent mapped columns)', () => {
    const list = issuesOf({
      participants: fromCsv(P_CSV, { columns: { site: 'kommune' } }),
      measurements: fromCsv('id,visit,instrument,score\nP1,baseline,PSP\n'),
    });
    expect(findIssue(list, 'participants', null, 'site').value).toBe('kommune');
    expect(findIssue(list, 'measurements', 1, '(row)').value).toBe('3 fields');
  });

  it('reports gaps in item columns', () => {
    const m = fromCsv('id,visit,instrument,score,item_1,item_3\nP1,baseline,PSP,45,,\n');
    const list = issuesOf({ participants: fromCsv(P_CSV), measurements: m });
    expect(findIssue(list, 'measurements', null, 'item_2').expected).toMatch(/without gaps/);
  });

  it('reads WHO-5 item columns and checks them against the total', () => {
    const m = fromCsv('id,visit,instrument,score,item_1,item_2,item_3,item_4,item_5\nP1,baseline,WHO5,40,2,2,2,2,2\nP2,baseline,WHO5,44,2,2,2,2,2\nP2,9m,PSP,50,,,,,\n');
    const list = issuesOf({ participants: fromCsv(P_CSV), measurements: m });
    expect(list).toHaveLength(1);
    expect(findIssue(list, 'measurements', 2, 'score').expected).toMatch(/^40, 4 × the sum/);
  });
});

describe('validateTrial lists every problem at once', () => {
  it('collects problems across rows and tables without stopping at the first', () => {
    const p = participants();
    p[0]!.arm = 'X';
    p[1]!.sessionsAttended = 99;
    p[2]!.sex = '?';
    const m = measurements();
    m[0]!.score = 0;
    m[1]!.visit = 'nope';
    m[7]!.id = 'ghost';
    const list = issuesOf({ participants: p, measurements: m });
    expect(list.map((i) => [i.table, i.row, i.field])).toEqual([
      ['participants', 1, 'arm'],
      ['participants', 2, 'sessionsAttended'],
      ['participants', 3, 'sex'],
      ['measurements', 1, 'score'],
      ['measurements', 2, 'visit'],
      ['measurements', 8, 'id'],
    ]);
  });

  it('says how many problems in the error message and shows them', () => {
    const m = measurements();
    m[0]!.score = 0;
    m[1]!.score = 101;
    try {
      run({ participants: participants(), measurements: m });
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).message).toMatch(/2 problems/);
      expect((e as ValidationError).message).toMatch(/measurements row 2, field "score": received 101/);
    }
  });
});

describe('validateTrial on good data', () => {
  it('returns branded, frozen TrialData with counts, missing scores counted', () => {
    const trial = run({ participants: participants(), measurements: measurements() });
    expect(isTrialData(trial)).toBe(true);
    expect(isTrialData({ ...trial })).toBe(false);
    expect(trial.summary).toEqual({
      nParticipants: 3,
      nMeasurements: 8,
      missingScores: 1,
      byArm: { control: 1, SFT: 2 },
      missingByInstrument: { PSP: 1, MHRM: 0, WHO5: 0, EQ5D_INDEX: 0, EQ5D_VAS: 0 },
    });
    expect(Object.isFrozen(trial.participants[0])).toBe(true);
    expect(Object.isFrozen(trial.measurements)).toBe(true);
  });

  it('normalises participants into the data model without dropping anything', () => {
    const p = participants();
    p[1]!.kommune_kode = '0101';
    const trial = run({ participants: p, measurements: measurements() });
    expect(trial.participants[1]).toEqual({
      id: 'P2',
      arm: 'SFT',
      group: 'G1',
      site: 'M01',
      sex: 'male',
      age: 45,
      birthDate: null,
      randomisationDate: null,
      diagnoses: ['F60.3', 'F41.1'],
      mainDiagnosis: 'F60.3',
      diagnosisDate: null,
      sessionsAttended: 30,
      sessionsOffered: 36,
      costs: { implementation: 30329 },
      extra: { kommune_kode: '0101' },
    });
    expect(trial.participants[2]!.sex).toBe('female');
    expect(trial.measurements[4]!.items).toEqual([3, 3, 2, 3, 3]);
  });

  it('reads integer ids and labels as their decimal strings and snake_case fields', () => {
    const trial = run({
      participants: [{ id: 7, arm: 'SFT', group: 3, birth_date: '1980-01-01', randomisation_date: '2014-01-01', age: 34 }],
      measurements: [{ id: 7, visit: 'baseline', instrument: 'PSP', score: 50 }],
    });
    expect(trial.participants[0]).toMatchObject({ id: '7', group: '3', birthDate: '1980-01-01' });
    expect(trial.measurements[0]!.id).toBe('7');
  });

  it('takes a main diagnosis alone as the only diagnosis', () => {
    const trial = run({ participants: [{ id: 'a', arm: 'SFT', mainDiagnosis: 'f200' }], measurements: [{ id: 'a', visit: 'baseline', instrument: 'PSP', score: 50 }] });
    expect(trial.participants[0]).toMatchObject({ diagnoses: ['F20.0'], mainDiagnosis: 'F20.0' });
  });

  it('keeps extra measurement fields', () => {
    const m = measurements();
    m[0]!.rater = 'T1';
    const trial = run({ participants: participants(), measurements: m });
    expect(trial.measurements[0]!.extra).toEqual({ rater: 'T1' });
    expect(trial.measurements[1]!.extra).toBeUndefined();
  });

  it('accepts mapped sex codes and an instrument of the user', () => {
    const registry = createInstrumentRegistry([{ id: 'HONOS', name: 'HoNOS', range: { min: 0, max: 48 }, step: 1, direction: 'lower-better' }]);
    const p = participants();
    p[0]!.sex = 2;
    const trial = run(
      { participants: p, measurements: [...measurements(), { id: 'P1', visit: 'baseline', instrument: 'HONOS', score: 12 }] },
      { design: { ...design, instruments: [...design.instruments, 'HONOS'] }, instruments: registry, sexCodes: { '1': 'male', '2': 'female', k: 'female', male: 'male' } },
    );
    expect(trial.participants[0]!.sex).toBe('female');
    expect(trial.measurements.at(-1)!.score).toBe(12);
  });
});

describe('validateTrial misuse fails fast with ArgumentError', () => {
  const input = (): TrialInput => ({ participants: participants(), measurements: measurements() });
  it.each([
    ['no arms', { ...design, arms: [] }],
    ['a duplicated visit', { ...design, visits: ['baseline', 'baseline'] }],
    ['an unregistered instrument', { ...design, instruments: ['GAF'] }],
    ['visit months for an unknown visit', { ...design, visitMonths: { '3m': 3 } }],
    ['an ungrouped arm that is not an arm', { ...design, ungroupedArms: ['waitlist'] }],
  ])('rejects a design with %s', (_name, bad) => {
    expect(() => validateTrial(input(), { design: bad as TrialDesign })).toThrow(ArgumentError);
  });

  it('rejects a table loaded for the other slot and a non-array table', () => {
    const m = fromCsv('id,visit,instrument,score\nP1,baseline,PSP,45\n', { table: 'measurements' });
    expect(() => run({ participants: m, measurements: m })).toThrow(ArgumentError);
    expect(() => run({ participants: 'P1' as unknown as Row[], measurements: measurements() })).toThrow(ArgumentError);
  });

  it('rejects sex codes that map to an unknown sex and an inverted age range', () => {
    expect(() => run(input(), { sexCodes: { x: 'unknown' as 'other' } })).toThrow(ArgumentError);
    expect(() => run(input(), { ageRange: { min: 120, max: 0 } })).toThrow(ArgumentError);
  });
});

describe('trialToRows', () => {
  const trial = run({ participants: participants(), measurements: measurements() });

  it('gives long rows of one instrument with the baseline score of that instrument', () => {
    expect(trialToRows(trial, { instrument: 'PSP' })).toEqual([
      { id: 'P1', arm: 'control', group: null, site: 'M01', visit: 'baseline', months: 0, score: 45, baseline: 45 },
      { id: 'P1', arm: 'control', group: null, site: 'M01', visit: '9m', months: 9, score: 52, baseline: 45 },
      { id: 'P2', arm: 'SFT', group: 'G1', site: 'M01', visit: 'baseline', months: 0, score: 61, baseline: 61 },
      { id: 'P2', arm: 'SFT', group: 'G1', site: 'M01', visit: '9m', months: 9, score: null, baseline: 61 },
    ]);
  });

  it('gives null baselines where the baseline is not measured and can fill every visit', () => {
    expect(trialToRows(trial, { instrument: 'EQ5D_VAS', visits: ['9m', '15m'] })).toEqual([
      { id: 'P3', arm: 'SFT', group: 'G1', site: 'M02', visit: '15m', months: 15, score: 70, baseline: null },
    ]);
    const all = trialToRows(trial, { instrument: 'EQ5D_VAS', complete: true });
    expect(all).toHaveLength(9);
    expect(all.filter((r) => r.score !== null)).toHaveLength(1);
  });

  it('rejects data that did not come from validateTrial and unknown instruments or visits', () => {
    expect(() => trialToRows({ ...trial } as typeof trial, { instrument: 'PSP' })).toThrow(ArgumentError);
    expect(() => trialToRows(trial, { instrument: 'GAF' })).toThrow(ArgumentError);
    expect(() => trialToRows(trial, { instrument: 'PSP', visits: ['12m'] })).toThrow(ArgumentError);
  });
});

describe('validateTrial at register scale', () => {
  // Its speed is measured in bench/data.bench.ts.
  it('loads and validates 300,000 measurement rows', () => {
    const nPeople = 20_000;
    const p = ['id,arm,group,age'];
    for (let i = 0; i < nPeople; i++) p.push(`P${i},${i % 2 ? 'SFT' : 'control'},${i % 2 ? `G${i % 19}` : ''},${20 + (i % 40)}`);
    const m = ['id,visit,instrument,score'];
    const visits = ['baseline', '9m', '15m'];
    const instruments = ['PSP', 'MHRM', 'WHO5', 'EQ5D_INDEX', 'EQ5D_VAS'];
    const scores = ['55', '80', '48', '0.8', '70'];
    for (let i = 0; i < 300_000; i++) {
      const person = Math.floor(i / 15);
      const k = i % 15;
      m.push(`P${person},${visits[Math.floor(k / 5)]},${instruments[k % 5]},${i % 97 === 0 ? '' : scores[k % 5]}`);
    }
    const trial = validateTrial(
      { participants: fromCsv(p.join('\n'), { table: 'participants' }), measurements: fromCsv(m.join('\n'), { table: 'measurements' }) },
      { design },
    );
    expect(trial.summary.nMeasurements).toBe(300_000);
    expect(trial.summary.missingScores).toBe(Math.ceil(300_000 / 97));
  });
});
