/**
 * Issue #10, class 3 (names that break things) and class 5 (input changed without a word) in
 * the data layer: column names and values named like Object.prototype members, the file's
 * encoding, and every coercion of a cell either exact or an issue naming row, field and value.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import { describe, expect, it } from 'vitest';
import { canonicalField, decodeCsvBytes, fromArquero, fromCsv, fromDanfo, fromRows, readNumberText } from '../../src/data/loaders.js';
import { readCsvFile } from '../../src/data/read-file.js';
import { validateTrial } from '../../src/data/validate.js';
import { ArgumentError, ValidationError, type ValidationIssue } from '../../src/errors/index.js';

const design = { arms: ['control', 'SFT'], visits: ['baseline', '9m'], instruments: ['PSP'] };
const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

function validationIssues(f: () => unknown): ValidationIssue[] {
  try {
    f();
  } catch (e) {
    if (e instanceof ValidationError) return e.issues;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('names like Object.prototype members are data', () => {
  it('keeps CSV columns named __proto__, constructor, toString, hasOwnProperty as extra columns', () => {
    const t = fromCsv(`id,arm,${PROTO_NAMES.join(',')}\np1,SFT,a,b,c,d,e\n`, { table: 'participants' });
    expect(t.issues).toEqual([]);
    expect(t.columns).toEqual(['id', 'arm', ...PROTO_NAMES]);
    expect(PROTO_NAMES.map((n) => canonicalField(n))).toEqual(PROTO_NAMES);
    const row = t.rows[0]!;
    expect(Object.keys(row)).toEqual(['id', 'arm', ...PROTO_NAMES]);
    expect(PROTO_NAMES.map((n) => row[n])).toEqual(['a', 'b', 'c', 'd', 'e']);
    const trial = validateTrial({ participants: t, measurements: [{ id: 'p1', visit: 'baseline', instrument: 'PSP', score: 40 }] }, { design });
    const extra = trial.participants[0]!.extra;
    expect(Object.keys(extra)).toEqual(PROTO_NAMES);
    expect(JSON.parse(JSON.stringify(extra))).toEqual(JSON.parse('{"__proto__":"a","constructor":"b","toString":"c","hasOwnProperty":"d","valueOf":"e"}'));
  });

  it('reads a missing cell of such a column as absent, never as the inherited function', () => {
    // Row 2 is short: its constructor cell is absent (a ragged row, reported), not Object.
    const t = fromCsv('id,arm,constructor\np1,SFT,x\np2,control\n', { table: 'participants' });
    expect(t.rows[1]!['constructor']).toBeUndefined();
    expect(t.issues.map((i) => [i.row, i.field])).toEqual([[2, '(row)']]);
  });

  it('takes ids, arms, groups and cost categories named like Object.prototype members', () => {
    const d = { arms: ['constructor', '__proto__'], visits: ['toString'], instruments: ['PSP'] };
    const trial = validateTrial(
      {
        participants: [
          { id: '__proto__', arm: 'constructor', cost_constructor: 10, cost___proto__: 5 },
          { id: 'constructor', arm: '__proto__', group: 'hasOwnProperty' },
        ],
        measurements: [
          { id: '__proto__', visit: 'toString', instrument: 'PSP', score: 40 },
          { id: 'constructor', visit: 'toString', instrument: 'PSP', score: 50 },
        ],
      },
      { design: d },
    );
    expect(trial.participants.map((p) => p.id)).toEqual(['__proto__', 'constructor']);
    expect(Object.keys(trial.summary.byArm)).toEqual(['constructor', '__proto__']);
    expect([trial.summary.byArm['constructor'], trial.summary.byArm['__proto__']]).toEqual([1, 1]);
    expect(Object.keys(trial.participants[0]!.costs)).toEqual(['constructor', '__proto__']);
    expect(trial.participants[0]!.costs['__proto__']).toBe(5);
    expect(trial.participants[1]!.group).toBe('hasOwnProperty');
  });

  it('reports a sex written "constructor" instead of taking the inherited Object function', () => {
    const issues = validationIssues(() =>
      validateTrial({ participants: [{ id: 'p1', arm: 'SFT', sex: 'constructor' }], measurements: [{ id: 'p1', visit: 'baseline', instrument: 'PSP', score: 40 }] }, { design }),
    );
    expect(issues.map((i) => [i.row, i.field, i.value])).toEqual([[1, 'sex', 'constructor']]);
  });

  it('keeps such columns in arquero and danfo sources', () => {
    const values = [['p1', 'SFT', 'a', 'b']];
    const columns = ['id', 'arm', '__proto__', 'constructor'];
    const fromD = fromDanfo({ columns, values }, { table: 'participants' });
    expect(fromD.rows[0]!['__proto__']).toBe('a');
    expect(Object.keys(fromD.rows[0]!)).toEqual(columns);
    const table = { columnNames: () => columns, numRows: () => 1, get: (name: string) => values[0]![columns.indexOf(name)] };
    const fromA = fromArquero(table, { table: 'participants' });
    expect(fromA.rows[0]).toEqual(fromD.rows[0]);
    const real = fromArquero(aq.table({ id: ['p1'], constructor: ['b'] }), { table: 'participants' });
    expect(real.rows[0]!['constructor']).toBe('b');
  });
});

describe('encoding', () => {
  const latin1 = Uint8Array.from([...Buffer.from('id,arm,by\np1,SFT,'), 0x41, 0x61, 0x72, 0x68, 0xf8, 0x73, 0x0a, ...Buffer.from('p2,control,K'), 0xf8, 0x67, 0x65, 0x0a]);

  it('rejects bytes that are not UTF-8 with the line and byte offset of the first bad byte', async () => {
    const issues = validationIssues(() => fromCsv(latin1, { table: 'participants' }));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.field).toBe('(file)');
    expect(issues[0]!.value).toBe('bytes F8 73 0A 70 at line 2, byte offset 21');
    expect(issues[0]!.expected).toMatch(/encoding: 'windows-1252'/);
    const dir = mkdtempSync(join(tmpdir(), 'rcteval-enc-'));
    const path = join(dir, 'latin1.csv');
    writeFileSync(path, latin1);
    await expect(readCsvFile(path, { table: 'participants' })).rejects.toThrow(/line 2, byte offset 21/);
    const t = await readCsvFile(path, { table: 'participants', encoding: 'latin1' });
    expect(t.rows.map((r) => r['by'])).toEqual(['Aarhøs', 'Køge']);
  });

  it('decodes latin1 and windows-1252 exactly as declared', () => {
    expect(decodeCsvBytes(Uint8Array.from([0x80, 0xe6, 0xf8, 0xe5]), 'windows-1252')).toBe('€æøå');
    expect(decodeCsvBytes(Uint8Array.from([0x80, 0xe6, 0xf8, 0xe5]), 'latin1')).toBe('\u0080æøå');
    // Every byte 0x80–0x9F against the Unicode consortium's cp1252 table (undefined: 81, 8D, 8F, 90, 9D).
    expect(decodeCsvBytes(Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i), 'windows-1252')).toBe('€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ');
    expect(decodeCsvBytes(Uint8Array.from([0x41, 0xa0, 0xff]), 'windows-1252')).toBe('A\u00a0ÿ');
    expect(() => decodeCsvBytes(Uint8Array.from([0x41]), 'ascii' as never)).toThrow(ArgumentError);
  });

  it('finds overlong forms, surrogates and truncated sequences', () => {
    for (const [bytes, offset] of [
      [[0x61, 0xc0, 0xaf], 1], // overlong "/"
      [[0x61, 0x62, 0xed, 0xa0, 0x80], 2], // a UTF-16 surrogate
      [[0xe2, 0x82], 0], // "€" cut short
      [[0xf4, 0x90, 0x80, 0x80], 0], // past U+10FFFF
    ] as const) {
      const issues = validationIssues(() => fromCsv(Uint8Array.from(bytes)));
      expect(issues[0]!.value).toMatch(new RegExp(`byte offset ${offset}$`));
    }
  });

  it('reads UTF-8 with or without a byte-order mark', () => {
    const text = 'id,arm,by\np1,SFT,Aarhøs\n';
    const plain = fromCsv(new TextEncoder().encode(text), { table: 'participants' });
    const bom = fromCsv(Uint8Array.from([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]), { table: 'participants' });
    expect(plain.rows).toEqual([{ id: 'p1', arm: 'SFT', by: 'Aarhøs' }]);
    expect(bom.rows).toEqual(plain.rows);
    expect(bom.columns).toEqual(['id', 'arm', 'by']);
  });

  it('reports replacement characters left by an earlier wrong decoding, and an encoding given for text', () => {
    const t = fromCsv(new TextDecoder().decode(latin1), { table: 'participants' });
    expect(t.issues.map((i) => i.field)).toEqual(['(file)']);
    expect(t.issues[0]!.expected).toMatch(/U\+FFFD .*line 2/);
    expect(() => fromCsv('id\n1\n', { encoding: 'latin1' })).toThrow(ArgumentError);
  });
});

describe('numbers: exact or an issue', () => {
  it('reads plain decimals, exponents, signs and leading zeros exactly', () => {
    expect(['0.83', '-12', '+3', '.5', '5.', '007', '1e3', '2.5E-3', '-0', '0e-999', '1.7976931348623157e308', '2.2250738585072014e-308'].map((t) => readNumberText(t, '.'))).toEqual([
      0.83, -12, 3, 0.5, 5, 7, 1000, 0.0025, -0, 0, 1.7976931348623157e308, 2.2250738585072014e-308,
    ]);
    expect(readNumberText('0,83', ',')).toBe(0.83);
  });

  it('reports underflow, subnormals and overflow instead of 0 or a rejection without reason', () => {
    expect(readNumberText('1e-400', '.')).toMatch(/underflow to 0/);
    expect(readNumberText('-4.9e-324', '.')).toMatch(/subnormal/);
    expect(readNumberText('1e400', '.')).toMatch(/overflows/);
    expect(readNumberText('-2e308', '.')).toMatch(/overflows/);
  });

  it('reports other spellings with the reason', () => {
    expect(readNumberText('0x10', '.')).toMatch(/hexadecimal/);
    expect(readNumberText('Infinity', '.')).toMatch(/infinity/);
    expect(readNumberText('-inf', '.')).toMatch(/infinity/);
    expect(readNumberText('NaN', '.')).toMatch(/missing tokens/);
    expect(readNumberText('1,234', '.')).toMatch(/thousands separators .*write 1234/);
    expect(readNumberText('1,234.5', '.')).toMatch(/thousands separators/);
    expect(readNumberText('1,5', '.')).toMatch(/set decimal: ","/);
    expect(readNumberText('1.5', ',')).toMatch(/set decimal: "\."/);
    expect(readNumberText('1.234,5', ',')).toMatch(/thousands separators/);
    expect(readNumberText('12abc', '.')).toBe('a number written with "." as the decimal mark');
  });

  it('reports a numericColumns cell that is not a number with table, row, field, value and line', () => {
    const t = fromCsv('id,arm,income\np1,SFT,1200\np2,SFT,abc\np3,control,1e-400\n', { table: 'participants', numericColumns: ['income'] });
    expect(t.rows.map((r) => r['income'])).toEqual([1200, 'abc', '1e-400']);
    expect(t.issues.map((i) => [i.table, i.row, i.field, i.value])).toEqual([
      ['participants', 2, 'income', 'abc'],
      ['participants', 3, 'income', '1e-400'],
    ]);
    expect(t.issues[0]!.expected).toMatch(/a number .*or a missing cell .*\(line 3 of the file\)/);
    const issues = validationIssues(() => validateTrial({ participants: t, measurements: [{ id: 'p1', visit: 'baseline', instrument: 'PSP', score: 40 }] }, { design }));
    expect(issues.map((i) => [i.row, i.field])).toEqual([
      [2, 'income'],
      [3, 'income'],
    ]);
  });

  it('reports each bad canonical numeric cell once, with the loader reason', () => {
    const t = fromCsv('id,visit,instrument,score\np1,baseline,PSP,1e-400\np1,9m,PSP,"1,5"\n', { table: 'measurements' });
    const issues = validationIssues(() => validateTrial({ participants: [{ id: 'p1', arm: 'SFT' }], measurements: t }, { design }));
    expect(issues.map((i) => [i.row, i.field, i.value])).toEqual([
      [1, 'score', '1e-400'],
      [2, 'score', '1,5'],
    ]);
    expect(issues[0]!.expected).toMatch(/underflow/);
    expect(issues[1]!.expected).toMatch(/decimal: ","/);
  });

  it('checks numericColumns in row sources too, and rejects canonical fields and absent columns', () => {
    const parsed = fromRows([{ id: 'p1', income: 'abc' }], { parseText: true, numericColumns: ['income'] });
    expect(parsed.issues.map((i) => [i.row, i.field, i.value])).toEqual([[1, 'income', 'abc']]);
    const given = fromRows([{ id: 'p1', income: '12' }], { numericColumns: ['income'] });
    expect(given.issues[0]!.expected).toMatch(/parseText: true/);
    expect(() => fromCsv('id,age\n007,3\n', { numericColumns: ['id'] })).toThrow(ArgumentError);
    expect(() => fromCsv('id,age\n007,3\n', { numericColumns: ['cost_x'] })).toThrow(ArgumentError);
    const absent = fromCsv('id,arm\np1,SFT\n', { table: 'participants', numericColumns: ['incme'] });
    expect(absent.issues.map((i) => [i.row, i.field])).toEqual([[null, 'incme']]);
  });
});

describe('siblings: dates, ids, whitespace, headers', () => {
  it('reports a non-ISO date that does not exist, or has a two-digit year, with the cell as written', () => {
    const t = fromCsv('id,arm,birth_date\np1,SFT,30.02.2023\np2,SFT,01.02.23\np3,SFT,29.02.2024\n', { table: 'participants', dateFormat: 'DD.MM.YYYY' });
    expect(t.rows.map((r) => r['birthDate'])).toEqual(['30.02.2023', '01.02.23', '2024-02-29']);
    expect(t.issues.map((i) => [i.row, i.field, i.value])).toEqual([
      [1, 'birthDate', '30.02.2023'],
      [2, 'birthDate', '01.02.23'],
    ]);
    expect(t.issues[0]!.expected).toMatch(/DD\.MM\.YYYY .*four-digit year/);
  });

  it('reports an ISO date that does not exist (once)', () => {
    const t = fromCsv('id,arm,birth_date\np1,SFT,2023-02-30\n', { table: 'participants' });
    const issues = validationIssues(() => validateTrial({ participants: t, measurements: [{ id: 'p1', visit: 'baseline', instrument: 'PSP', score: 40 }] }, { design }));
    expect(issues.map((i) => [i.row, i.field, i.value])).toEqual([[1, 'birthDate', '2023-02-30']]);
  });

  it('keeps ids with leading zeros as written; "007" and 7 are different participants', () => {
    const t = fromCsv('id,arm\n007,SFT\n', { table: 'participants' });
    expect(t.rows[0]!['id']).toBe('007');
    const issues = validationIssues(() => validateTrial({ participants: t, measurements: [{ id: 7, visit: 'baseline', instrument: 'PSP', score: 40 }] }, { design }));
    expect(issues.map((i) => [i.table, i.row, i.field, i.value])).toEqual([['measurements', 1, 'id', 7]]);
  });

  it('reports labels with spaces around them instead of keeping two spellings of one name', () => {
    const t = fromCsv('id,arm\np1,SFT \np1 ,control\n', { table: 'participants' });
    expect(t.rows.map((r) => [r['id'], r['arm']])).toEqual([
      ['p1', 'SFT '],
      ['p1 ', 'control'],
    ]);
    const issues = validationIssues(() => validateTrial({ participants: t, measurements: [{ id: 'p1', visit: 'baseline', instrument: 'PSP', score: 40 }] }, { design }));
    expect(issues.map((i) => [i.row, i.field, i.value])).toEqual([
      [1, 'arm', 'SFT '],
      [2, 'id', 'p1 '],
    ]);
    expect(issues[0]!.message).toMatch(/spaces around it/);
  });

  it('trims numeric cells (spaces are not part of a number) and reads ICD-10 codes with inner spaces', () => {
    const t = fromCsv('id,arm,age,diagnoses\np1,SFT, 34 ,F20 .0; f33.2\n', { table: 'participants' });
    expect(t.rows[0]!['age']).toBe(34);
    const trial = validateTrial({ participants: t, measurements: [{ id: 'p1', visit: 'baseline', instrument: 'PSP', score: 40 }] }, { design });
    expect(trial.participants[0]!.diagnoses).toEqual(['F20.0', 'F33.2']);
  });

  it('reports a header name that is a known field but for the spaces around it', () => {
    const t = fromCsv('id, arm,cost_x ,note \np1,SFT,3,x\n', { table: 'participants' });
    expect(t.issues.map((i) => [i.field, i.value])).toEqual([
      ['" arm"', ' arm'],
      ['"cost_x "', 'cost_x '],
    ]);
    // An extra column keeps its name exactly as written.
    expect(t.columns).toEqual(['id', 'note ']);
  });

  it('reports duplicate and empty header names, and ragged rows', () => {
    const t = fromCsv('id,arm,x,x,\np1,SFT,1,2,3\np2,SFT,1\n', { table: 'participants' });
    expect(t.issues.map((i) => [i.row, i.field])).toEqual([
      [null, 'x'],
      [null, '(column 5)'],
      [2, '(row)'],
    ]);
  });
});
