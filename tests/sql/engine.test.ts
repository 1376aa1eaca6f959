/**
 * `sqlFrom`, the FROM item every SQL-engine function builds from its source: quoted for the
 * engine, named for messages, and a malformed source refused with the argument's own name.
 * (The engines themselves are tested through their users: tests/models/lmm/sql, tests/descriptives/sql.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors/index.js';
import { sqlFrom, standardDialect, type SqlEngine } from '../../src/sql/engine.js';

const withFiles: SqlEngine = {
  dialect: { ...standardDialect, name: 'Files', readFile: (kind, path) => `read_${kind}(${standardDialect.quoteString(path)})` },
  query: async () => [],
  columns: async () => [],
};
const tablesOnly: SqlEngine = { ...withFiles, dialect: { ...standardDialect, name: 'Tables' } };

describe('sqlFrom', () => {
  it('quotes a table, a schema-qualified table and a file path for the engine', () => {
    expect(sqlFrom(withFiles, { table: 'measurements' }, 'source')).toEqual({ from: '"measurements"', table: 'measurements' });
    expect(sqlFrom(withFiles, { table: ['register', 'my "m"'] }, 'source')).toEqual({ from: '"register"."my ""m"""', table: 'register.my "m"' });
    expect(sqlFrom(withFiles, { parquet: "/data/o'hara.parquet" }, 'source')).toEqual({ from: "read_parquet('/data/o''hara.parquet')", table: "/data/o'hara.parquet" });
    expect(sqlFrom(withFiles, { csv: 'm.csv' }, 'source.measurements').from).toBe("read_csv('m.csv')");
  });
  it('refuses an empty name, and a file where the engine reads none, naming the argument', () => {
    const refused = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as ArgumentError;
      }
      throw new Error('not refused');
    };
    const e1 = refused(() => sqlFrom(withFiles, { table: [] }, 'source.participants'));
    expect(e1).toBeInstanceOf(ArgumentError);
    expect(e1.argument).toBe('source.participants.table');
    expect(refused(() => sqlFrom(withFiles, { table: ['s', ''] }, 'source')).argument).toBe('source.table');
    expect(refused(() => sqlFrom(withFiles, { parquet: '' }, 'source')).argument).toBe('source.parquet');
    const e2 = refused(() => sqlFrom(tablesOnly, { csv: 'm.csv' }, 'source.measurements'));
    expect(e2.argument).toBe('source.measurements.csv');
    expect(e2.message).toContain('Tables reads no files here');
  });
});
