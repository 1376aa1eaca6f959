import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/data/csv.js';
import { ArgumentError } from '../../src/errors/index.js';

describe('parseCsv (RFC 4180)', () => {
  it('reads quoted fields with doubled quotes, delimiters and line breaks inside', () => {
    const r = parseCsv('id,note\r\n1,"said ""hi"", left"\r\n2,"two\r\nlines"\r\n');
    expect(r.records).toEqual([
      ['id', 'note'],
      ['1', 'said "hi", left'],
      ['2', 'two\r\nlines'],
    ]);
    expect(r.lines).toEqual([1, 2, 3]);
    expect(r.problems).toEqual([]);
  });

  it('accepts LF, CRLF and lone CR line ends, and strips a byte-order mark', () => {
    const text = '\uFEFFa,b\n1,2\r\n3,4\r5,6';
    const r = parseCsv(text);
    expect(r.records).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
    ]);
    expect(r.records[0]![0]).toBe('a');
  });

  it('uses a configurable delimiter and keeps commas as data then', () => {
    const r = parseCsv('id;score\nP1;12,5\n', { delimiter: ';' });
    expect(r.records).toEqual([
      ['id', 'score'],
      ['P1', '12,5'],
    ]);
  });

  it('keeps empty fields, including a trailing one, and skips blank lines', () => {
    const r = parseCsv('a,b,c\n1,,\n\n2,3,\n');
    expect(r.records).toEqual([
      ['a', 'b', 'c'],
      ['1', '', ''],
      ['2', '3', ''],
    ]);
    expect(r.lines).toEqual([1, 2, 4]);
  });

  it('can keep blank lines as records when asked', () => {
    const r = parseCsv('a\n\n1\n', { skipEmptyLines: false });
    expect(r.records).toEqual([['a'], [''], ['1']]);
  });

  it('treats a quoted empty field as a field, not a blank line', () => {
    expect(parseCsv('a\n""\n').records).toEqual([['a'], ['']]);
  });

  it('reports an unclosed quote with its record and line, keeping the text', () => {
    const r = parseCsv('a,b\n1,"open\n2,3\n');
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ record: 1, line: 2, field: 1 });
    expect(r.problems[0]!.message).toMatch(/never closed/);
    expect(r.records[1]).toEqual(['1', 'open\n2,3\n']);
  });

  it('reports stray quotes and text after a closing quote without losing characters', () => {
    const r = parseCsv('a,b\nx"y,"ok"tail\n');
    expect(r.records[1]).toEqual(['x"y', 'oktail']);
    expect(r.problems.map((p) => [p.record, p.field])).toEqual([
      [1, 0],
      [1, 1],
    ]);
  });

  it('rejects unusable delimiters and non-string input', () => {
    expect(() => parseCsv('a', { delimiter: '"' })).toThrow(ArgumentError);
    expect(() => parseCsv('a', { delimiter: ';;' })).toThrow(ArgumentError);
    expect(() => parseCsv(42 as unknown as string)).toThrow(ArgumentError);
  });

  it('returns no records for empty text', () => {
    expect(parseCsv('').records).toEqual([]);
    expect(parseCsv('\uFEFF').records).toEqual([]);
  });

  it('keeps record boundaries and line numbers exact over a large file', () => {
    const lines = ['id,visit,instrument,score,date'];
    for (let i = 0; i < 100_000; i++) lines.push(`P${i},baseline,PSP,${(i % 100) + 1},2015-01-0${(i % 9) + 1}`);
    const r = parseCsv(lines.join('\r\n'));
    expect(r.records).toHaveLength(100_001);
    expect(r.records[100_000]).toEqual(['P99999', 'baseline', 'PSP', '100', '2015-01-01']);
    expect(r.lines[100_000]).toBe(100_001);
    expect(r.problems).toEqual([]);
  });
});
