/**
 * The LMM fitted from an SQL engine's aggregates agrees with the in-memory fit on the same rows:
 * the committed SFT sample and generated data (partially nested in both spellings, a random
 * slope, NULLs), through DuckDB and, when a server is reachable (CI starts one), PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsvFile } from '../../../../src/data/read-file.js';
import { trialToRows, validateTrial } from '../../../../src/data/validate.js';
import { ArgumentError, SqlEngineError } from '../../../../src/errors/index.js';
import { fitLmm } from '../../../../src/models/lmm/fit.js';
import { duckdbEngine, postgresEngine, type SqlEngine } from '../../../../src/sql/engine.js';
import { fitLmmSql, type LmmSqlFit } from '../../../../src/models/lmm/sql/fit.js';
import type { LmmFit } from '../../../../src/models/lmm/types.js';
import { createRng } from '../../../../src/random/rng.js';
import { SQL_ESTIMATE, SQL_OBJECTIVE } from '../../../tolerances.js';

type Row = Record<string, string | number | null>;
type ColumnType = 'double' | 'text' | 'integer';

/** Create a table and insert the rows (column types given). */
async function load(engine: SqlEngine, name: string, rows: Row[], types: Record<string, ColumnType>): Promise<void> {
  const q = engine.dialect.quoteIdentifier;
  const cols = Object.keys(types);
  const sqlType = { double: 'DOUBLE PRECISION', text: 'VARCHAR', integer: 'INTEGER' };
  await engine.query(`DROP TABLE IF EXISTS ${q(name)}`);
  await engine.query(`CREATE TABLE ${q(name)} (${cols.map((c) => `${q(c)} ${sqlType[types[c]!]}`).join(', ')})`);
  for (let i = 0; i < rows.length; i += 500) {
    const values = rows.slice(i, i + 500).map((r) => `(${cols.map((c) => {
      const v = r[c];
      if (v === null || v === undefined) return 'NULL';
      return types[c] === 'text' ? engine.dialect.quoteString(String(v)) : String(v);
    }).join(', ')})`);
    await engine.query(`INSERT INTO ${q(name)} VALUES ${values.join(', ')}`);
  }
}

/** Same model, same numbers: criterion 1e-10 relative; estimates, SEs, df and θ 1e-8 relative (floor: the SE, or the largest θ). */
function expectSame(sql: LmmSqlFit, mem: LmmFit): void {
  expect(sql.nObs).toBe(mem.nObs);
  expect({ ...sql.nGroups }).toEqual({ ...mem.nGroups });
  expect(JSON.parse(JSON.stringify(sql.dropped))).toEqual(JSON.parse(JSON.stringify(mem.dropped)));
  expect(sql.singular).toBe(mem.singular);
  const rel = (a: number, b: number, floor: number) => Math.abs(a - b) / Math.max(Math.abs(b), floor);
  expect(rel(sql.remlCriterion ?? sql.deviance!, mem.remlCriterion ?? mem.deviance!, 0)).toBeLessThan(SQL_OBJECTIVE);
  expect(rel(sql.logLik, mem.logLik, 0)).toBeLessThan(SQL_OBJECTIVE);
  expect(sql.fixedEffects.map((r) => r.term)).toEqual(mem.fixedEffects.map((r) => r.term));
  sql.fixedEffects.forEach((r, j) => {
    const m = mem.fixedEffects[j]!;
    expect(rel(r.estimate, m.estimate, m.se!)).toBeLessThan(SQL_ESTIMATE);
    expect(rel(r.se!, m.se!, 0)).toBeLessThan(SQL_ESTIMATE);
    if (m.df !== null && Number.isFinite(m.df)) expect(rel(r.df!, m.df, 0)).toBeLessThan(SQL_ESTIMATE);
  });
  const thetaFloor = Math.max(...mem.theta.map(Math.abs)) * 0.01;
  sql.theta.forEach((t, j) => expect(rel(t, mem.theta[j]!, thetaFloor)).toBeLessThan(SQL_ESTIMATE));
  expect(rel(sql.sigma, mem.sigma, 0)).toBeLessThan(SQL_ESTIMATE);
  expect(sql.diagnostics.map((d) => d.code)).toEqual(mem.diagnostics.map((d) => d.code));
  // Conditional modes of the terms after the first (groups) come back; the participants' do not.
  for (const table of sql.randomEffects) {
    const m = mem.randomEffects.find((t) => t.group === table.group)!;
    expect(table.levels).toEqual(m.levels);
    table.values.forEach((row, l) => row.forEach((v, a) => expect(Math.abs(v - m.values[l]![a]!)).toBeLessThan(1e-6 * mem.sigma)));
    table.sd.forEach((row, l) => row.forEach((v, a) => expect(Math.abs(v - m.sd[l]![a]!)).toBeLessThan(1e-6 * mem.sigma)));
  }
  expect(sql.fitted).toBeNull();
}

/** SFT-shaped data with known structure: partially nested groups, a covariate far from 0, a slope, NULLs. */
function generate(seed: number): Row[] {
  const rng = createRng(seed);
  const rows: Row[] = [];
  const visits = ['baseline', '9m', '15m'];
  const months = [0, 9, 15];
  for (let i = 0; i < 160; i++) {
    const treated = i % 2 === 1;
    const group = treated ? `G${Math.floor(i / 16)}` : null;
    const u = 6 * rng.normal();
    const slope = 0.2 * rng.normal();
    const age = 40 + 10 * rng.normal();
    const g = treated ? 3 * ((Math.floor(i / 16) % 3) - 1) : 0;
    visits.forEach((visit, v) => {
      const y = 50 + 0.1 * (age - 40) + (treated ? 2 * (v > 0 ? 1 : 0) : 0) + g + u + slope * months[v]! + 5 * rng.normal();
      rows.push({
        id: `P${String(i).padStart(3, '0')}`,
        arm: treated ? 'SFT' : 'control',
        sft: treated ? 1 : 0,
        group,
        // lme4's spelling: each control participant its own group level.
        group2: group ?? `c${i}`,
        visit,
        months: months[v]!,
        // Seconds since 1970: far from 0, little spread (the sums must not lose its digits).
        stamp: 1.7e9 + months[v]! * 2.6e6 + 3600 * i,
        age: rows.length % 37 === 5 ? null : Math.round(age * 10) / 10,
        score: rows.length % 29 === 3 ? null : Math.round(y * 100) / 100,
      });
    });
  }
  return rows;
}

const generatedTypes: Record<string, ColumnType> = { id: 'text', arm: 'text', sft: 'integer', group: 'text', group2: 'text', visit: 'text', months: 'double', stamp: 'double', age: 'double', score: 'double' };
const sampleTypes: Record<string, ColumnType> = { id: 'text', arm: 'text', group: 'text', visit: 'text', months: 'double', score: 'double', baseline: 'double' };
const levels = { arm: ['control', 'SFT'], visit: ['baseline', '9m', '15m'] };
const pn = { cluster: 'group', arm: 'arm', treated: 'SFT' };

/** The models compared: formula, table, options. */
const MODELS: [string, string, string, Parameters<typeof fitLmm>[2]][] = [
  ['partially nested (option)', 'score ~ arm * visit + age + (1 | id)', 'gen', { levels, partialNesting: pn }],
  ["partially nested (lme4's spelling, singleton control groups)", 'score ~ arm * visit + (1 | id) + (0 + sft | group2)', 'gen', { levels }],
  ['random slope, one term, ML, asymptotic df', 'score ~ months * arm + (1 + months | id)', 'gen', { reml: false, ddf: 'asymptotic' }],
  ['no intercept (indicator carrier)', 'score ~ 0 + arm + months + (1 | id)', 'gen', {}],
  ['partially nested, an integer arm column', 'score ~ visit * sft + (1 | id)', 'gen', { levels, partialNesting: { cluster: 'group', arm: 'sft', treated: '1' } }],
  ['partially nested, a covariate far from 0 (seconds since 1970)', 'score ~ arm + stamp + (1 | id)', 'gen', { levels, partialNesting: pn }],
];

async function sampleRows(instrument: 'PSP' | 'MHRM'): Promise<Row[]> {
  const sample = (f: string) => new URL(`../../../../data-samples/${f}`, import.meta.url).pathname;
  const participants = await readCsvFile(sample('sft-participants.csv'), { table: 'participants', numericColumns: ['bed_days', 'support_hours'] });
  const measurements = await readCsvFile(sample('sft-measurements.csv'), { table: 'measurements' });
  const trial = validateTrial({ participants, measurements }, { design: { arms: levels.arm, visits: levels.visit, instruments: ['PSP', 'MHRM', 'WHO5', 'EQ5D_INDEX', 'EQ5D_VAS'], ungroupedArms: ['control'] } });
  return (trialToRows(trial, { instrument }) as unknown as Record<string, unknown>[]).map((r) => Object.fromEntries(Object.keys(sampleTypes).map((k) => [k, (r[k] ?? null) as string | number | null])));
}

/** The same comparisons on one engine. */
function engineSuite(name: string, open: () => Promise<SqlEngine | null>): void {
  describe(`through ${name}`, () => {
    let engine: SqlEngine | null = null;
    const gen = generate(20261202);
    beforeAll(async () => {
      engine = await open();
      if (!engine) return;
      await load(engine, 'gen', gen, generatedTypes);
      await load(engine, 'psp', await sampleRows('PSP'), sampleTypes);
      await load(engine, 'mhrm', await sampleRows('MHRM'), sampleTypes);
    });
    afterAll(async () => {
      await engine?.close?.();
    });

    for (const instrument of ['psp', 'mhrm']) {
      it(`the committed SFT sample (${instrument.toUpperCase()}): the partially nested arm × visit model as in memory`, async (ctx) => {
        if (!engine) return ctx.skip();
        const rows = await sampleRows(instrument === 'psp' ? 'PSP' : 'MHRM');
        const options = { levels, partialNesting: pn };
        expectSame(await fitLmmSql('score ~ arm * visit + (1 | id)', { engine, table: instrument }, options), fitLmm('score ~ arm * visit + (1 | id)', rows, options));
      });
    }
    for (const [label, formula, table, options] of MODELS) {
      it(`generated data, ${label}: as in memory`, async (ctx) => {
        if (!engine) return ctx.skip();
        expectSame(await fitLmmSql(formula, { engine, table }, options as never), fitLmm(formula, gen, options));
      });
    }
  });
}

engineSuite('DuckDB', () => duckdbEngine());

const pgConfigured = process.env['PGHOST'] !== undefined || process.env['RCTEVAL_PG_URL'] !== undefined;
engineSuite('PostgreSQL', async () => {
  const loud = (why: string) => {
    console.warn(`\n${'!'.repeat(78)}\n!! PostgreSQL tests SKIPPED: ${why}\n!! (.ci/run starts a server on 127.0.0.1 and sets PGHOST/PGPORT/PGUSER/PGDATABASE)\n${'!'.repeat(78)}\n`);
    return null;
  };
  if (!pgConfigured) return loud('no server configured (PGHOST is not set)');
  try {
    return await postgresEngine(process.env['RCTEVAL_PG_URL'] ? { connectionString: process.env['RCTEVAL_PG_URL'] } : {});
  } catch (e) {
    return loud(`no server reachable (${e instanceof Error ? e.message : String(e)})`);
  }
});

describe('the three fits agree with each other', () => {
  it('DuckDB and PostgreSQL give the same numbers (when a server is reachable)', async (ctx) => {
    if (!pgConfigured) return ctx.skip();
    let pg: SqlEngine;
    try {
      pg = await postgresEngine(process.env['RCTEVAL_PG_URL'] ? { connectionString: process.env['RCTEVAL_PG_URL'] } : {});
    } catch {
      return ctx.skip();
    }
    const duck = await duckdbEngine();
    const gen = generate(7);
    await load(duck, 'g7', gen, generatedTypes);
    await load(pg, 'g7', gen, generatedTypes);
    const options = { levels, partialNesting: pn };
    const a = await fitLmmSql('score ~ arm * visit + age + (1 | id)', { engine: duck, table: 'g7' }, options);
    const b = await fitLmmSql('score ~ arm * visit + age + (1 | id)', { engine: pg, table: 'g7' }, options);
    await pg.query('DROP TABLE g7');
    await pg.close?.();
    await duck.close?.();
    expectSame(a, fitLmm('score ~ arm * visit + age + (1 | id)', gen, options));
    expect(Math.abs(a.remlCriterion! - b.remlCriterion!) / a.remlCriterion!).toBeLessThan(SQL_OBJECTIVE);
    a.fixedEffects.forEach((r, j) => expect(Math.abs(r.estimate - b.fixedEffects[j]!.estimate) / r.se!).toBeLessThan(SQL_ESTIMATE));
  });
});

describe('duckdbEngine memoryLimit', () => {
  it('sets DuckDB\'s memory_limit, and the fit is the same', async () => {
    const limited = await duckdbEngine({ memoryLimit: '64MB' });
    const plain = await duckdbEngine();
    const [setting] = await limited.query(`SELECT current_setting('memory_limit') AS m`);
    expect(String(setting!['m'])).toMatch(/^6[01](\.\d+)? MiB$/);
    const gen = generate(11);
    await load(limited, 'g', gen, generatedTypes);
    await load(plain, 'g', gen, generatedTypes);
    const options = { levels, partialNesting: pn };
    const a = await fitLmmSql('score ~ arm * visit + (1 | id)', { engine: limited, table: 'g' }, options);
    const b = await fitLmmSql('score ~ arm * visit + (1 | id)', { engine: plain, table: 'g' }, options);
    await limited.close?.();
    await plain.close?.();
    expect(Math.abs(a.remlCriterion! - b.remlCriterion!) / b.remlCriterion!).toBeLessThan(SQL_OBJECTIVE);
    a.fixedEffects.forEach((r, j) => expect(Math.abs(r.estimate - b.fixedEffects[j]!.estimate) / r.se!).toBeLessThan(SQL_ESTIMATE));
  });
  it('refuses a size DuckDB would not read, naming the option', async () => {
    for (const bad of ['256', 'lots', '2 potatoes', 256, '1B', '0MB', '15MB']) {
      const e = await duckdbEngine({ memoryLimit: bad as never }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ArgumentError);
      expect((e as ArgumentError).argument).toBe('options.memoryLimit');
    }
  });
});

describe('bad input through SQL', () => {
  let engine: SqlEngine;
  beforeAll(async () => {
    engine = await duckdbEngine();
    await engine.query(`CREATE TABLE t AS SELECT 'P' || CAST(i % 20 AS VARCHAR) AS id, CAST(i AS DOUBLE) AS y, CAST(i % 7 AS DOUBLE) AS x, DATE '2020-01-01' + CAST(i AS INTEGER) AS day, 'a' || CAST(i % 3 AS VARCHAR) AS txt, CAST(i % 3 AS VARCHAR) AS g2 FROM range(100) AS r(i)`);
  });
  afterAll(async () => {
    await engine.close?.();
  });

  it('a table that does not exist: the engine message in a SqlEngineError naming the table', async () => {
    const e = await fitLmmSql('y ~ x + (1 | id)', { engine, table: 'nope' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SqlEngineError);
    expect((e as SqlEngineError).table).toBe('nope');
    expect((e as SqlEngineError).engineMessage).toMatch(/nope/);
  });
  it('a column that does not exist: a SqlEngineError naming it and listing the columns', async () => {
    const e = await fitLmmSql('y ~ dose + (1 | id)', { engine, table: 't' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SqlEngineError);
    expect((e as SqlEngineError).column).toBe('dose');
    expect((e as Error).message).toContain('id, y, x, day');
  });
  it('a column of the wrong SQL type: a text response, a date predictor', async () => {
    const e1 = await fitLmmSql('txt ~ x + (1 | id)', { engine, table: 't' }).catch((x: unknown) => x);
    expect(e1).toBeInstanceOf(ArgumentError);
    expect((e1 as ArgumentError).argument).toBe('t.txt');
    const e2 = await fitLmmSql('y ~ day + (1 | id)', { engine, table: 't' }).catch((x: unknown) => x);
    expect(e2).toBeInstanceOf(ArgumentError);
    expect((e2 as ArgumentError).argument).toBe('t.day');
    expect((e2 as ArgumentError).value).toBe('DATE');
  });
  it('a connection that fails: a SqlEngineError saying where', async () => {
    const e = await postgresEngine({ host: '127.0.0.1', port: 1, user: 'nobody', database: 'none' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SqlEngineError);
    expect((e as Error).message).toContain('127.0.0.1:1');
  });
  it('what needs the rows is refused up front: Kenward–Roger, crossed random terms', async () => {
    const e1 = await fitLmmSql('y ~ x + (1 | id)', { engine, table: 't' }, { ddf: 'Kenward-Roger' }).catch((x: unknown) => x);
    expect((e1 as ArgumentError).argument).toBe('options.ddf');
    const e2 = await fitLmmSql('y ~ x + (1 | id) + (1 | g2)', { engine, table: 't' }).catch((x: unknown) => x);
    expect(e2).toBeInstanceOf(ArgumentError);
    expect((e2 as Error).message).toContain('crossed random terms need the rows');
  });
  it('partial nesting: a treated row without a cluster is named; NULLs elsewhere are missing values', async () => {
    await engine.query(`CREATE TABLE pn AS SELECT 'P' || CAST(i % 20 AS VARCHAR) AS id, CAST(i % 5 AS DOUBLE) + i / 100 AS y, CASE WHEN i % 2 = 1 THEN 'SFT' ELSE 'control' END AS arm, CASE WHEN i = 7 THEN NULL WHEN i % 2 = 1 THEN 'G' || CAST(i % 6 AS VARCHAR) END AS cl FROM range(100) AS r(i)`);
    const e = await fitLmmSql('y ~ arm + (1 | id)', { engine, table: 'pn' }, { partialNesting: { cluster: 'cl', arm: 'arm', treated: 'SFT' } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ArgumentError);
    expect((e as ArgumentError).argument).toBe('pn.cl');
    expect((e as Error).message).toContain('1 rows have none');
    const e2 = await fitLmmSql('y ~ arm + (1 | id)', { engine, table: 'pn' }, { partialNesting: { cluster: 'cl', arm: 'arm', treated: 'sft' } }).catch((x: unknown) => x);
    expect((e2 as ArgumentError).argument).toBe('options.partialNesting.treated');
  });
  it('partial nesting: a participant in two clusters, or in both arms, is refused (not nested)', async () => {
    const base = `SELECT 'P' || CAST(i // 4 AS VARCHAR) AS id, CAST(i % 5 AS DOUBLE) + i / 100 AS y, CASE WHEN (i // 4) % 2 = 1 THEN 'SFT' ELSE 'control' END AS arm, CASE WHEN (i // 4) % 2 = 1 THEN 'G' || CAST((i // 8) % 3 AS VARCHAR) END AS cl FROM range(120) AS r(i)`;
    await engine.query(`CREATE TABLE pn2 AS SELECT id, y, arm, CASE WHEN id = 'P1' AND y > 2 THEN 'G9' ELSE cl END AS cl FROM (${base})`);
    await engine.query(`CREATE TABLE pn3 AS SELECT id, y, CASE WHEN id = 'P2' AND y > 2 THEN 'SFT' ELSE arm END AS arm, CASE WHEN id = 'P2' AND y > 2 THEN 'G0' ELSE cl END AS cl FROM (${base})`);
    const options = { partialNesting: { cluster: 'cl', arm: 'arm', treated: 'SFT' } };
    for (const table of ['pn2', 'pn3']) {
      const e = await fitLmmSql('y ~ arm + (1 | id)', { engine, table }, options).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ArgumentError);
      expect((e as Error).message).toContain('nested in "cl"');
    }
    // The same rows without the switch fit.
    await engine.query(`CREATE TABLE pn4 AS ${base}`);
    expect((await fitLmmSql('y ~ arm + (1 | id)', { engine, table: 'pn4' }, options)).nGroups).toEqual({ id: 30, cl: 3 });
  });
  it('a wrong source shape', async () => {
    const e = await fitLmmSql('y ~ x + (1 | id)', { engine, tabel: 't' } as never).catch((x: unknown) => x);
    expect((e as ArgumentError).argument).toBe('source.tabel');
  });
});
