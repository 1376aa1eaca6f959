import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import { describe, expect, it } from 'vitest';
import { canonicalField, fromArquero, fromCsv, fromDanfo, fromRows, isLoadedTable } from '../../src/data/loaders.js';
import { readCsvFile } from '../../src/data/read-file.js';
import { ArgumentError } from '../../src/errors/index.js';

describe('fromCsv', () => {
  it('maps columns, canonicalises snake_case names, types numeric columns and splits diagnoses', () => {
    const text = [
      'lopenr,gruppe,alder,birth_date,diagnoses,sessions_attended,cost_healthcare,kommune_kode',
      '7,SFT,34,1980-05-01,F20.0;F33.2,30,1200.5,0101',
    ].join('\n');
    const t = fromCsv(text, { table: 'participants', columns: { id: 'lopenr', arm: 'gruppe', age: 'alder' } });
    expect(t.issues).toEqual([]);
    expect(t.columns).toEqual(['id', 'arm', 'age', 'birthDate', 'diagnoses', 'sessionsAttended', 'cost_healthcare', 'kommune_kode']);
    expect(t.rows[0]).toEqual({
      id: '7',
      arm: 'SFT',
      age: 34,
      birthDate: '1980-05-01',
      diagnoses: ['F20.0', 'F33.2'],
      sessionsAttended: 30,
      cost_healthcare: 1200.5,
      // Extra columns stay text so codes keep their leading zeros.
      kommune_kode: '0101',
    });
    expect(t.lines).toEqual([2]);
  });

  it('reads empty cells and NA as null, and the missing tokens are configurable', () => {
    const text = 'id,visit,instrument,score\nA,baseline,PSP,\nB,baseline,PSP,NA\nC,baseline,PSP,-\n';
    const def = fromCsv(text, { table: 'measurements' });
    expect(def.rows.map((r) => r.score)).toEqual([null, null, '-']);
    const custom = fromCsv(text, { table: 'measurements', missing: ['', 'NA', '-'] });
    expect(custom.rows.map((r) => r.score)).toEqual([null, null, null]);
    expect(custom.missing).toEqual(['', 'NA', '-']);
  });

  it('keeps text in a numeric column as text (never NaN, never dropped) for validateTrial to report', () => {
    const t = fromCsv('id,visit,instrument,score\nA,baseline,PSP,abc\nB,baseline,PSP,12abc\nC,baseline,PSP,0x10\nD,baseline,PSP,Infinity\n', {
      table: 'measurements',
    });
    expect(t.rows.map((r) => r.score)).toEqual(['abc', '12abc', '0x10', 'Infinity']);
    expect(t.rows.some((r) => Number.isNaN(r.score))).toBe(false);
  });

  it('parses exact numbers only: signs, decimals, exponents, surrounding spaces', () => {
    const t = fromCsv('id,visit,instrument,score\nA,b,P,-1.5\nB,b,P, 42 \nC,b,P,1e2\nD,b,P,.5\nE,b,P,1.2.3\n');
    expect(t.rows.map((r) => r.score)).toEqual([-1.5, 42, 100, 0.5, '1.2.3']);
  });

  it('reads every number exactly as Number() does, long mantissas and exponents included', () => {
    const cells = ['0.83', '-0.757', '9007199254740993', '0.1234567890123456789', '123456789012345.6', '1e-7', '2.5E3', '100', '0.1', '-0'];
    for (let i = 0; i < 200; i++) cells.push((i * 0.37 - 20).toFixed(i % 7), String((i * 7919) / 1013));
    const t = fromCsv(`id,visit,instrument,score\n${cells.map((c) => `A,b,P,${c}`).join('\n')}`, { table: 'measurements' });
    t.rows.forEach((r, i) => expect(Object.is(r.score, Number(cells[i]))).toBe(true));
  });

  it('reads decimal commas with a semicolon delimiter, refusing dots then', () => {
    const t = fromCsv('id;visit;instrument;score\nA;b;EQ5D_INDEX;0,83\nB;b;EQ5D_INDEX;0.83\n', { delimiter: ';', decimal: ',' });
    expect(t.rows.map((r) => r.score)).toEqual([0.83, '0.83']);
  });

  it('converts day-first dates to ISO and keeps unparseable ones as text', () => {
    const t = fromCsv('id,arm,birth_date\nA,SFT,01.03.1980\nB,SFT,1980-03-01\n', { table: 'participants', dateFormat: 'DD.MM.YYYY' });
    expect(t.rows.map((r) => r.birthDate)).toEqual(['1980-03-01', '1980-03-01']);
  });

  it('types chosen extra columns as numbers', () => {
    const t = fromCsv('id,arm,bed_days\nA,SFT,16\nB,SFT,x\n', { table: 'participants', numericColumns: ['bed_days'] });
    expect(t.rows.map((r) => r.bed_days)).toEqual([16, 'x']);
  });

  it('types by table: an extra column named like a measurement field stays text in participants', () => {
    const t = fromCsv('id,arm,score\nA,SFT,12\n', { table: 'participants' });
    expect(t.rows[0]!.score).toBe('12');
    const u = fromCsv('id,arm,score\nA,SFT,12\n');
    expect(u.rows[0]!.score).toBe(12);
  });

  it('reports a mapped column that is absent, duplicate header names and clashing columns', () => {
    const t = fromCsv('id,arm,arm,birth_date,birthDate\nA,SFT,SFT,1980-01-01,1980-01-01\n', { table: 'participants', columns: { site: 'kommune' } });
    const fields = t.issues.map((i) => [i.row, i.field]);
    expect(fields).toContainEqual([null, 'site']);
    expect(fields).toContainEqual([null, 'arm']);
    expect(fields).toContainEqual([null, 'birthDate']);
    expect(t.issues.find((i) => i.field === 'site')!.value).toBe('kommune');
  });

  it('reports rows with the wrong number of fields and malformed quotes, with row numbers', () => {
    const t = fromCsv('id,arm\nA,SFT\nB\nC,SFT,extra\nD,"SFT\n', { table: 'participants' });
    const rows = t.issues.map((i) => [i.row, i.field]);
    expect(rows).toEqual([
      [2, '(row)'],
      [3, '(row)'],
      [4, 'arm'],
    ]);
    expect(t.issues[0]!.expected).toMatch(/2 fields/);
    expect(t.issues[2]!.expected).toMatch(/never closed/);
    expect(t.issues[2]!.value).toBe('SFT\n');
  });

  it('reports an empty file instead of throwing', () => {
    const t = fromCsv('', { table: 'measurements' });
    expect(t.rows).toEqual([]);
    expect(t.issues).toHaveLength(1);
    expect(t.issues[0]).toMatchObject({ table: 'measurements', row: null, field: '(file)' });
  });

  it('rejects unusable options with ArgumentError', () => {
    expect(() => fromCsv('a\n1', { table: 'people' as 'participants' })).toThrow(ArgumentError);
    expect(() => fromCsv('a\n1', { decimal: ';' as ',' })).toThrow(ArgumentError);
    expect(() => fromCsv('a\n1', { missing: 'NA' as unknown as string[] })).toThrow(ArgumentError);
    expect(() => fromCsv('a\n1', { columns: { id: 3 as unknown as string } })).toThrow(ArgumentError);
  });

  // Register scale: the loader must cope with 300,000 rows (its speed is measured in bench/data.bench.ts).
  it('loads 300,000 measurement rows', () => {
    const lines = ['id,visit,instrument,score,item_1,date'];
    for (let i = 0; i < 300_000; i++) lines.push(`P${i >> 2},v${i & 3},PSP,${(i % 100) + 1},,2015-01-0${(i % 9) + 1}`);
    const t = fromCsv(lines.join('\n'), { table: 'measurements' });
    expect(t.rows).toHaveLength(300_000);
    expect(t.rows[299_999]).toEqual({ id: 'P74999', visit: 'v3', instrument: 'PSP', score: 100, item_1: null, date: '2015-01-03' });
  });
});

describe('readCsvFile', () => {
  it('reads a UTF-8 file with a byte-order mark', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rcteval-'));
    const path = join(dir, 'p.csv');
    writeFileSync(path, '\uFEFFid,arm,site\r\nA,SFT,Århus\r\n', 'utf8');
    const t = await readCsvFile(path, { table: 'participants' });
    expect(t.rows).toEqual([{ id: 'A', arm: 'SFT', site: 'Århus' }]);
  });

  it('rejects an empty path and surfaces a missing file', async () => {
    await expect(readCsvFile('')).rejects.toBeInstanceOf(ArgumentError);
    await expect(readCsvFile('/nonexistent/rcteval.csv')).rejects.toThrow(/ENOENT/);
  });
});

describe('fromRows', () => {
  it('canonicalises and maps fields, takes values as given and converts midnight-UTC Dates', () => {
    const t = fromRows([{ lopenr: 1, ARM: 'control', Birth_Date: new Date(Date.UTC(1980, 4, 1)), score: '12' }], { columns: { id: 'lopenr' } });
    expect(t.rows[0]).toEqual({ id: 1, arm: 'control', birthDate: '1980-05-01', score: '12' });
    expect(t.missing).toBeNull();
  });

  it('parses text values like CSV cells when parseText is set', () => {
    const t = fromRows([{ id: 'A', visit: 'b', instrument: 'PSP', score: '12', date: '' }], { parseText: true });
    expect(t.rows[0]).toEqual({ id: 'A', visit: 'b', instrument: 'PSP', score: 12, date: null });
  });

  it('keeps a Date with a time of day as a Date (validateTrial reports it)', () => {
    const d = new Date(Date.UTC(1980, 4, 1, 12));
    expect(fromRows([{ id: 'A', date: d }]).rows[0]!.date).toBe(d);
  });

  it('reports non-object rows with their row number and keeps later numbering', () => {
    const t = fromRows([{ id: 'A' }, null as unknown as object, { id: 'C' }]);
    expect(t.issues).toHaveLength(1);
    expect(t.issues[0]).toMatchObject({ row: 2, field: '(row)' });
    expect(t.rows[2]).toEqual({ id: 'C' });
  });

  it('rejects a non-array', () => {
    expect(() => fromRows({} as unknown as object[])).toThrow(ArgumentError);
  });
});

describe('fromArquero and fromDanfo', () => {
  it('reads an arquero table through objects()', () => {
    const table = aq.table({ id: ['a', 'b'], arm: ['SFT', 'control'], age: [30, 41] });
    const t = fromArquero(table);
    expect(t.origin).toBe('arquero');
    expect(t.rows).toEqual([
      { id: 'a', arm: 'SFT', age: 30 },
      { id: 'b', arm: 'control', age: 41 },
    ]);
  });

  it('reads a table offering only numRows()/get()', () => {
    const cols: Record<string, unknown[]> = { id: ['a'], gruppe: ['SFT'] };
    const like = { columnNames: () => Object.keys(cols), numRows: () => 1, get: (name: string, row: number) => cols[name]![row] };
    expect(fromArquero(like, { columns: { arm: 'gruppe' } }).rows).toEqual([{ id: 'a', arm: 'SFT' }]);
  });

  it('reads a danfo-shaped frame and checks its shape', () => {
    const t = fromDanfo({ columns: ['id', 'visit', 'instrument', 'score'], values: [['a', 'baseline', 'PSP', 50]] });
    expect(t.rows).toEqual([{ id: 'a', visit: 'baseline', instrument: 'PSP', score: 50 }]);
    expect(() => fromDanfo({ columns: ['id', 'arm'], values: [['a']] })).toThrow(ArgumentError);
    const nan = { columns: ['id', 'score'], values: [['a', Number.NaN]] };
    expect(fromDanfo(nan).rows[0]!.score).toBeNaN();
    expect(fromDanfo(nan, { nanIsMissing: true }).rows[0]!.score).toBeNull();
    expect(() => fromDanfo({} as never)).toThrow(ArgumentError);
    expect(() => fromArquero({} as never)).toThrow(ArgumentError);
  });

  it('tags every output as a loaded table', () => {
    expect(isLoadedTable(fromRows([]))).toBe(true);
    expect(isLoadedTable([])).toBe(false);
  });
});

describe('canonicalField', () => {
  it('maps known fields in any case and spelling and leaves others alone', () => {
    expect(canonicalField('Main_Diagnosis')).toBe('mainDiagnosis');
    expect(canonicalField('randomization_date')).toBe('randomisationDate');
    expect(canonicalField('cost_Health')).toBe('cost_Health');
    expect(canonicalField('item_12')).toBe('item_12');
    expect(canonicalField('Kommune')).toBe('Kommune');
  });
});
