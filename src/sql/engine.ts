/**
 * The small interface an SQL engine offers to `fitLmmSql`, `describeOutcomesSql` and
 * `flowCountsSql`, and its two implementations here: DuckDB (embedded, the default) and PostgreSQL. Both client packages are optional
 * dependencies, loaded by dynamic import only when an engine is made, so the rest of the
 * library never needs them. Another engine (Spark SQL, Trino, …) plugs in by implementing
 * `SqlEngine` (docs/methods/sql-engine.md says what its SQL must support).
 */
import { ArgumentError, SqlEngineError } from '../errors/index.js';
import { checkOptions, optionKeys } from '../errors/checks.js';

/** How a column's SQL type is used: numbers, text and booleans; anything else is refused. */
export type SqlColumnKind = 'number' | 'text' | 'boolean' | 'other';

/** A column of a table or query, with its engine type. */
export interface SqlColumn {
  name: string;
  /** The engine's type name, e.g. `DOUBLE`, `BIGINT`, `VARCHAR`, `float8`. */
  type: string;
  kind: SqlColumnKind;
}

/** The few dialect differences the queries depend on. */
export interface SqlDialect {
  /** Name used in messages, e.g. `DuckDB`. */
  name: string;
  /** An identifier quoted for this engine (`"arm"`, with embedded quotes doubled). */
  quoteIdentifier(name: string): string;
  /** A string literal (`'SFT'`, with embedded quotes doubled). */
  quoteString(value: string): string;
  /** A text cast of an expression (`CAST(x AS VARCHAR)`). */
  castText(expression: string): string;
  /** The FROM item that reads a Parquet or CSV file, when the engine can. */
  readFile?(kind: 'parquet' | 'csv', path: string): string;
}

/**
 * An SQL engine: runs a query and returns its rows as plain objects keyed by the column
 * aliases; lists the columns of a FROM item.
 */
export interface SqlEngine {
  dialect: SqlDialect;
  /** Rows of a SELECT. Numbers may come back as number, bigint or numeric text; they are read with `Number`. */
  query(sql: string): Promise<Record<string, unknown>[]>;
  /** Columns (name and type) of a FROM item such as `"measurements"` or `read_parquet('x.parquet')`. */
  columns(from: string): Promise<SqlColumn[]>;
  /** Release the connection (called by the functions that take a source only for an engine they made themselves). */
  close?(): Promise<void>;
}

const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteString = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** Standard SQL quoting (DuckDB, PostgreSQL, Trino and Spark SQL with ANSI mode). */
export const standardDialect: SqlDialect = {
  name: 'SQL',
  quoteIdentifier,
  quoteString,
  castText: (e) => `CAST(${e} AS VARCHAR)`,
};

/** The kind of a DuckDB or PostgreSQL type name. */
export function columnKind(type: string): SqlColumnKind {
  const t = type.toUpperCase().trim();
  // The whole name (with an optional precision): a list or struct of numbers (`INTEGER[]`) is not a number.
  const size = String.raw`(\s*\(\s*\d+(\s*,\s*\d+)?\s*\))?`;
  if (new RegExp(`^(DOUBLE( PRECISION)?|FLOAT[48]?|REAL|DECIMAL|NUMERIC|HUGEINT|UHUGEINT|BIGINT|INTEGER|SMALLINT|TINYINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT|INT[248]?)${size}$`).test(t)) return 'number';
  if (new RegExp(`^(VARCHAR|TEXT|CHAR|BPCHAR|STRING|CHARACTER( VARYING)?)${size}$`).test(t)) return 'text';
  if (/^(BOOLEAN|BOOL)$/.test(t)) return 'boolean';
  return 'other';
}

/** A number an engine returned (number, bigint or numeric text); NULL is NaN. */
export const sqlNumber = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : v === null || v === undefined ? NaN : Number(v));

/** What a failure of the engine is about, for the typed error. */
export interface QueryContext {
  table?: string;
  column?: string;
}

/** Run a query, wrapping an engine failure in a `SqlEngineError` naming the table and column. */
export async function runQuery(engine: SqlEngine, sql: string, context: QueryContext = {}): Promise<Record<string, unknown>[]> {
  try {
    return await engine.query(sql);
  } catch (e) {
    throw wrapEngineError(engine, e, { ...context, sql });
  }
}

export function wrapEngineError(engine: SqlEngine, e: unknown, what: QueryContext & { sql?: string }, hint?: string): SqlEngineError {
  if (e instanceof SqlEngineError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new SqlEngineError(engine.dialect.name, { table: what.table ?? null, column: what.column ?? null, sql: what.sql ?? null }, message, hint);
}

/** Where rows are in an engine: a table (or view, optionally `[schema, table]`), or a Parquet or CSV file the engine reads. */
export type SqlTable = { table: string | readonly string[] } | { parquet: string } | { csv: string };

const TABLE_KEYS = ['table', 'parquet', 'csv'];

/**
 * The FROM item of `source` (quoted for the engine) and its name for messages; `argument` names
 * the source in errors (`source`, `source.measurements`); `alongside` lists the other keys its
 * object may have (`engine`). Exactly one of `table`, `parquet`, `csv`; no other key.
 */
export function sqlFrom(engine: SqlEngine, source: SqlTable, argument: string, alongside: readonly string[] = []): { from: string; table: string } {
  const d = engine.dialect;
  if (typeof source !== 'object' || source === null) throw new ArgumentError(argument, source, '{ table }, { parquet } or { csv }');
  const keys = Object.keys(source).filter((k) => !alongside.includes(k));
  const where = keys.filter((k) => TABLE_KEYS.includes(k));
  if (where.length !== 1) throw new ArgumentError(argument, keys, `exactly one of ${TABLE_KEYS.join(', ')}`);
  checkOptions(argument, Object.fromEntries(keys.map((k) => [k, true])), TABLE_KEYS);
  if ('table' in source) {
    const parts = typeof source.table === 'string' ? [source.table] : [...source.table];
    if (parts.length === 0 || parts.some((p) => typeof p !== 'string' || p === '')) throw new ArgumentError(`${argument}.table`, source.table, 'a table name, or [schema, table]');
    return { from: parts.map((p) => d.quoteIdentifier(p)).join('.'), table: parts.join('.') };
  }
  const kind = 'parquet' in source ? 'parquet' : 'csv';
  const path = (source as Record<string, unknown>)[kind];
  if (typeof path !== 'string' || path === '') throw new ArgumentError(`${argument}.${kind}`, path, 'a file path');
  if (!d.readFile) throw new ArgumentError(`${argument}.${kind}`, path, `a table: ${d.name} reads no files here (use { table })`);
  return { from: d.readFile(kind, path), table: path };
}

/** A client package loaded only when its engine is made. */
async function loadOptional(name: string, engine: string): Promise<unknown> {
  try {
    return await import(name);
  } catch (e) {
    throw new SqlEngineError(engine, {}, `the package "${name}" could not be loaded (${e instanceof Error ? e.message : String(e)})`, `Install it with npm install ${name}`);
  }
}

/** Options of `duckdbEngine`. */
export interface DuckDbEngineOptions {
  /**
   * A database file, or `':memory:'`.
   * @defaultValue ':memory:'
   */
  path?: string;
  /**
   * An open `DuckDBConnection` of `@duckdb/node-api` to use instead of opening one (it is not closed).
   * @defaultValue none (a connection is opened on `path`)
   */
  connection?: unknown;
  /**
   * DuckDB's `memory_limit` for this engine, a size such as `'256MB'` or `'2GB'`: the most its
   * hash tables may hold before DuckDB spills them to its temporary directory. DuckDB runs inside
   * the Node process, so this bounds the process's memory whatever the number of rows (the
   * per-participant `GROUP BY` holds every participant otherwise: about 1.6 GB at 30 million rows
   * and 10 million participants; with `'256MB'` the process peaks at about 420 MB there and 390 MB
   * at 3 million rows, in the same time; docs/benchmarks.md). At least 16MB. With `connection`,
   * this sets the limit of that connection's whole database instance, and it stays set after
   * `close()`.
   * @defaultValue DuckDB's own (80 % of the machine's memory)
   */
  memoryLimit?: string;
}

interface DuckDbConnectionLike {
  runAndReadAll(sql: string): Promise<{ getRowObjects(): Record<string, unknown>[] }>;
  closeSync?(): void;
  disconnectSync?(): void;
}

const DUCKDB_KEYS = optionKeys<DuckDbEngineOptions>()(['path', 'connection', 'memoryLimit']);

/**
 * A DuckDB engine (`@duckdb/node-api`, an optional dependency loaded here on first use).
 * @example
 * const engine = await duckdbEngine();
 * await engine.query(`CREATE TABLE m AS SELECT * FROM read_csv('data.csv')`);
 * const fit = await fitLmmSql('score ~ arm * visit + (1 | id)', { engine, table: 'm' });
 */
export async function duckdbEngine(options: DuckDbEngineOptions = {}): Promise<SqlEngine> {
  checkOptions('options', options, DUCKDB_KEYS);
  if (options.memoryLimit !== undefined) {
    const m = typeof options.memoryLimit === 'string' ? /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.exec(options.memoryLimit) : null;
    const unit: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };
    // Below a few megabytes DuckDB cannot run a query at all ("Out of Memory" on every one).
    if (!m || Number(m[1]) * unit[m[2]!.toLowerCase()]! < 16e6) {
      throw new ArgumentError('options.memoryLimit', options.memoryLimit, "a size of at least 16MB such as '256MB' or '2GB'");
    }
  }
  const dialect: SqlDialect = {
    ...standardDialect,
    name: 'DuckDB',
    readFile: (kind, path) => `${kind === 'parquet' ? 'read_parquet' : 'read_csv'}(${quoteString(path)})`,
  };
  let conn: DuckDbConnectionLike;
  let instance: { closeSync?(): void } | null = null;
  if (options.connection !== undefined) {
    const c = options.connection as DuckDbConnectionLike;
    if (typeof c !== 'object' || c === null || typeof c.runAndReadAll !== 'function') {
      throw new ArgumentError('options.connection', c, 'a DuckDBConnection of @duckdb/node-api (with runAndReadAll)');
    }
    conn = c;
  } else {
    const mod = (await loadOptional('@duckdb/node-api', 'DuckDB')) as { DuckDBInstance: { create(path: string): Promise<{ connect(): Promise<DuckDbConnectionLike>; closeSync?(): void }> } };
    try {
      const inst = await mod.DuckDBInstance.create(options.path ?? ':memory:');
      instance = inst;
      conn = await inst.connect();
    } catch (e) {
      throw new SqlEngineError('DuckDB', {}, `could not open ${options.path ?? ':memory:'}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const query = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjects();
  if (options.memoryLimit !== undefined) {
    try {
      await query(`SET memory_limit = ${quoteString(options.memoryLimit)}`);
    } catch (e) {
      if (instance) {
        conn.closeSync?.();
        instance.closeSync?.();
      }
      throw new SqlEngineError('DuckDB', {}, `could not set memory_limit to ${options.memoryLimit}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return {
    dialect,
    query,
    async columns(from) {
      const rows = await query(`DESCRIBE SELECT * FROM ${from}`);
      return rows.map((r) => ({ name: String(r['column_name']), type: String(r['column_type']), kind: columnKind(String(r['column_type'])) }));
    },
    async close() {
      if (options.connection !== undefined) return;
      conn.disconnectSync?.();
      conn.closeSync?.();
      instance?.closeSync?.();
    },
  };
}

/** Options of `postgresEngine`: a `pg` connection config, or an open client or pool. */
export interface PostgresEngineOptions {
  /**
   * A connection string, e.g. `postgres://user@127.0.0.1:5432/db`.
   * @defaultValue none (the `PG*` environment variables, as `pg` reads them)
   */
  connectionString?: string;
  /** @defaultValue none (`PGHOST`) */
  host?: string;
  /** @defaultValue none (`PGPORT`, else 5432) */
  port?: number;
  /** @defaultValue none (`PGUSER`) */
  user?: string;
  /** @defaultValue none (`PGPASSWORD`) */
  password?: string;
  /** @defaultValue none (`PGDATABASE`) */
  database?: string;
  /**
   * An open `pg` Client or Pool to use instead of connecting (it is not closed).
   * @defaultValue none
   */
  client?: unknown;
}

interface PgClientLike {
  query(sql: string): Promise<{ rows: Record<string, unknown>[]; fields: { name: string; dataTypeID: number }[] }>;
  connect?(): Promise<unknown>;
  end?(): Promise<void>;
}

const PG_KEYS = optionKeys<PostgresEngineOptions>()(['connectionString', 'host', 'port', 'user', 'password', 'database', 'client']);

/** PostgreSQL type OIDs (pg_type) of the types a model column may have. */
const PG_TYPES: Record<number, string> = {
  16: 'boolean',
  20: 'bigint',
  21: 'smallint',
  23: 'integer',
  700: 'real',
  701: 'double precision',
  1700: 'numeric',
  25: 'text',
  1043: 'varchar',
  1042: 'bpchar',
  18: 'char',
};

/**
 * A PostgreSQL engine (`pg`, an optional dependency loaded here on first use).
 * @example
 * const engine = await postgresEngine({ host: '127.0.0.1', port: 5432, user: 'me', database: 'trial' });
 * const fit = await fitLmmSql('score ~ arm * visit + (1 | id)', { engine, table: 'measurements' });
 * await engine.close?.();
 */
export async function postgresEngine(options: PostgresEngineOptions = {}): Promise<SqlEngine> {
  checkOptions('options', options, PG_KEYS);
  const dialect: SqlDialect = { ...standardDialect, name: 'PostgreSQL', castText: (e) => `CAST(${e} AS TEXT)` };
  let client: PgClientLike;
  const own = options.client === undefined;
  if (!own) {
    const c = options.client as PgClientLike;
    if (typeof c !== 'object' || c === null || typeof c.query !== 'function') throw new ArgumentError('options.client', c, 'a pg Client or Pool (with query)');
    client = c;
  } else {
    const mod = (await loadOptional('pg', 'PostgreSQL')) as { default?: { Client: new (c: object) => PgClientLike }; Client?: new (c: object) => PgClientLike };
    const Client = (mod.default ?? mod).Client!;
    const { client: _ignored, ...config } = options;
    client = new Client(config);
    try {
      await client.connect!();
    } catch (e) {
      const where = options.connectionString ?? `${options.host ?? process.env['PGHOST'] ?? 'localhost'}:${options.port ?? process.env['PGPORT'] ?? 5432}`;
      throw new SqlEngineError('PostgreSQL', {}, `could not connect to ${where}: ${e instanceof Error ? e.message : String(e)}`, 'Check that the server runs and accepts connections there');
    }
  }
  return {
    dialect,
    async query(sql) {
      return (await client.query(sql)).rows;
    },
    async columns(from) {
      const r = await client.query(`SELECT * FROM ${from} AS t LIMIT 0`);
      return r.fields.map((f) => {
        const type = PG_TYPES[f.dataTypeID] ?? `oid ${f.dataTypeID}`;
        return { name: f.name, type, kind: columnKind(type) };
      });
    },
    async close() {
      if (own) await client.end?.();
    },
  };
}
