/**
 * The outcome table and the participant flow through an SQL engine give the rows of
 * `describeOutcomes` and `flowCounts` on the same data: the hand example and the committed SFT
 * sample (read by DuckDB from its CSV files), through DuckDB and, when a server is reachable (CI
 * starts one), PostgreSQL; and what `validateTrial` refuses is refused, naming the participant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsvFile } from '../../src/data/read-file.js';
import { validateTrial } from '../../src/data/validate.js';
import type { TrialData } from '../../src/data/types.js';
import { describeOutcomes } from '../../src/descriptives/describe-outcomes.js';
import { flowCounts } from '../../src/descriptives/flow-counts.js';
import { describeOutcomesSql, flowCountsSql, type TrialSqlDesign } from '../../src/descriptives/sql.js';
import { ArgumentError, SqlEngineError } from '../../src/errors/index.js';
import { duckdbEngine, postgresEngine, type SqlEngine } from '../../src/sql/engine.js';
import { handTrial } from './hand-example.js';

/** The trial's participants (id, arm) and measurements (id, visit, instrument, score) as tables `${prefix}p` and `${prefix}m`. */
async function loadTrial(engine: SqlEngine, trial: TrialData, prefix: string): Promise<void> {
  const s = engine.dialect.quoteString;
  const lit = (v: string | number | null) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : s(v));
  await engine.query(`DROP TABLE IF EXISTS ${prefix}p`);
  await engine.query(`DROP TABLE IF EXISTS ${prefix}m`);
  await engine.query(`CREATE TABLE ${prefix}p (id VARCHAR, arm VARCHAR)`);
  await engine.query(`CREATE TABLE ${prefix}m (id VARCHAR, visit VARCHAR, instrument VARCHAR, score DOUBLE PRECISION)`);
  await engine.query(`INSERT INTO ${prefix}p VALUES ${trial.participants.map((p) => `(${lit(p.id)}, ${lit(p.arm)})`).join(', ')}`);
  const ms = trial.measurements;
  for (let i = 0; i < ms.length; i += 500) {
    await engine.query(`INSERT INTO ${prefix}m VALUES ${ms.slice(i, i + 500).map((m) => `(${lit(m.id)}, ${lit(m.visit)}, ${lit(m.instrument)}, ${lit(m.score)})`).join(', ')}`);
  }
}

/** Counts exactly; statistics to 1e-12 of themselves (the engine sums in its own order). */
function expectSameOutcomes(sql: Awaited<ReturnType<typeof describeOutcomesSql>>, mem: ReturnType<typeof describeOutcomes>): void {
  expect(sql.length).toBe(mem.length);
  sql.forEach((r, i) => {
    const m = mem[i]!;
    expect([r.arm, r.visit, r.instrument, r.randomised, r.n, r.missing]).toEqual([m.arm, m.visit, m.instrument, m.randomised, m.n, m.missing]);
    for (const k of ['mean', 'sd', 'median', 'q1', 'q3', 'min', 'max'] as const) {
      if (m[k] === null) expect(r[k]).toBeNull();
      else expect(Math.abs(r[k]! - m[k]!)).toBeLessThanOrEqual(1e-12 * Math.max(Math.abs(m[k]!), 1e-300));
    }
  });
}

const handDesign: TrialSqlDesign = { arms: ['control', 'SFT'], visits: ['baseline', '9m'], instruments: ['PSP', 'WHO5'] };
const sftDesign: TrialSqlDesign = { arms: ['control', 'SFT'], visits: ['baseline', '9m', '15m'], instruments: ['PSP', 'MHRM', 'WHO5', 'EQ5D_INDEX', 'EQ5D_VAS'] };
const sample = (f: string) => new URL(`../../data-samples/${f}`, import.meta.url).pathname;

async function sftTrial(): Promise<TrialData> {
  const participants = await readCsvFile(sample('sft-participants.csv'), { table: 'participants', numericColumns: ['bed_days', 'support_hours'] });
  const measurements = await readCsvFile(sample('sft-measurements.csv'), { table: 'measurements' });
  return validateTrial({ participants, measurements }, { design: { ...sftDesign, ungroupedArms: ['control'] } });
}

describe('the hand example through DuckDB', () => {
  let engine: SqlEngine;
  beforeAll(async () => {
    engine = await duckdbEngine();
    await loadTrial(engine, handTrial(), 'h');
  });
  afterAll(async () => engine.close?.());
  const src = () => ({ engine, participants: { table: 'hp' }, measurements: { table: 'hm' } });

  it('describeOutcomesSql gives describeOutcomes’ rows (its documented example)', async () => {
    const rows = await describeOutcomesSql(src(), handDesign);
    expectSameOutcomes(rows, describeOutcomes(handTrial()));
    expect(rows.find((r) => r.arm === 'SFT' && r.visit === 'baseline' && r.instrument === 'PSP')).toEqual({
      arm: 'SFT', visit: 'baseline', instrument: 'PSP', randomised: 4, n: 4, missing: 0, mean: 45, sd: 12.909944487358056, median: 45, q1: 37.5, q3: 52.5, min: 30, max: 60,
    });
    // One score: no SD; no score: every statistic null, every randomised participant missing.
    expect(rows.find((r) => r.arm === 'SFT' && r.visit === 'baseline' && r.instrument === 'WHO5')).toMatchObject({ n: 1, sd: null, mean: 40 });
    expect(rows.find((r) => r.arm === 'control' && r.visit === '9m' && r.instrument === 'WHO5')).toMatchObject({ n: 0, missing: 4, mean: null, median: null });
  });

  it('flowCountsSql gives flowCounts’ rows (its documented example)', async () => {
    const flow = await flowCountsSql(src(), handDesign);
    expect(flow).toEqual(flowCounts(handTrial()));
    expect(flow.find((r) => r.stage === 'measured' && r.arm === 'control' && r.visit === '9m' && r.instrument === null)).toEqual({
      stage: 'measured', arm: 'control', visit: '9m', instrument: null, n: 2, randomised: 4, notIncluded: 2, percent: 50,
    });
  });

  it('reads other column names, and integer ids and a numeric arm as the in-memory frame names them', async () => {
    await engine.query(`CREATE TABLE hp2 AS SELECT CAST(substr(id, 2) AS INTEGER) + (CASE WHEN arm = 'SFT' THEN 100 ELSE 0 END) AS pid, CASE WHEN arm = 'SFT' THEN 1 ELSE 0 END AS treat FROM hp`);
    await engine.query(`CREATE TABLE hm2 AS SELECT CAST(substr(id, 2) AS INTEGER) + (CASE WHEN id LIKE 's%' THEN 100 ELSE 0 END) AS pid, visit AS wave, instrument, score AS value FROM hm`);
    const columns = { id: 'pid', arm: 'treat', visit: 'wave', score: 'value' };
    const design = { ...handDesign, arms: ['0', '1'] };
    const rows = await describeOutcomesSql({ engine, participants: { table: 'hp2' }, measurements: { table: 'hm2' } }, design, { columns });
    const mem = describeOutcomes(handTrial()).map((r) => ({ ...r, arm: r.arm === 'SFT' ? '1' : '0' }));
    expectSameOutcomes(rows, mem);
    const flow = await flowCountsSql({ engine, participants: { table: 'hp2' }, measurements: { table: 'hm2' } }, design, { columns });
    expect(flow).toEqual(flowCounts(handTrial()).map((r) => ({ ...r, arm: r.arm === null ? null : r.arm === 'SFT' ? '1' : '0' })));
  });
});

describe('the SFT sample', () => {
  it('read by DuckDB from the committed CSV files: the in-memory rows', async () => {
    const trial = await sftTrial();
    const src = { participants: { csv: sample('sft-participants.csv') }, measurements: { csv: sample('sft-measurements.csv') } };
    expectSameOutcomes(await describeOutcomesSql(src, sftDesign), describeOutcomes(trial));
    expect(await flowCountsSql(src, sftDesign)).toEqual(flowCounts(trial));
  });

  const pgConfigured = process.env['PGHOST'] !== undefined || process.env['RCTEVAL_PG_URL'] !== undefined;
  it('through PostgreSQL: the same rows', async (ctx) => {
    if (!pgConfigured) {
      console.warn(`\n${'!'.repeat(78)}\n!! PostgreSQL descriptives test SKIPPED: no server configured (PGHOST is not set)\n!! (.ci/run starts a server on 127.0.0.1 and sets PGHOST/PGPORT/PGUSER/PGDATABASE)\n${'!'.repeat(78)}\n`);
      return ctx.skip();
    }
    const engine = await postgresEngine(process.env['RCTEVAL_PG_URL'] ? { connectionString: process.env['RCTEVAL_PG_URL'] } : {});
    try {
      const trial = await sftTrial();
      await loadTrial(engine, trial, 'rcteval_desc_');
      const src = { engine, participants: { table: 'rcteval_desc_p' }, measurements: { table: 'rcteval_desc_m' } };
      expectSameOutcomes(await describeOutcomesSql(src, sftDesign), describeOutcomes(trial));
      expect(await flowCountsSql(src, sftDesign)).toEqual(flowCounts(trial));
      await loadTrial(engine, handTrial(), 'rcteval_hand_');
      const hand = { engine, participants: { table: 'rcteval_hand_p' }, measurements: { table: 'rcteval_hand_m' } };
      expectSameOutcomes(await describeOutcomesSql(hand, handDesign), describeOutcomes(handTrial()));
      expect(await flowCountsSql(hand, handDesign)).toEqual(flowCounts(handTrial()));
    } finally {
      await engine.close?.();
    }
  });
});

describe('bad input', () => {
  let engine: SqlEngine;
  beforeAll(async () => {
    engine = await duckdbEngine();
    await loadTrial(engine, handTrial(), '');
  });
  afterAll(async () => engine.close?.());
  /** Participants and measurements with one change each, as tables bp and bm. */
  const variant = async (p: string, m: string) => {
    await engine.query(`CREATE OR REPLACE TABLE bp AS ${p}`);
    await engine.query(`CREATE OR REPLACE TABLE bm AS ${m}`);
    return { engine, participants: { table: 'bp' }, measurements: { table: 'bm' } };
  };
  const P = 'SELECT * FROM p';
  const M = 'SELECT * FROM m';
  const refusal = async (src: Parameters<typeof describeOutcomesSql>[0], design = handDesign): Promise<unknown> => {
    const a = await describeOutcomesSql(src, design).catch((e: unknown) => e);
    const b = await flowCountsSql(src, design).catch((e: unknown) => e);
    // Both tables refuse the same data the same way.
    expect(String(b)).toBe(String(a));
    return a;
  };

  it('names the participant and the value that validateTrial would refuse', async () => {
    const cases: [string, string, RegExp][] = [
      [`SELECT id, CASE WHEN id = 'c3' THEN NULL ELSE arm END AS arm FROM p`, M, /bp\[id c3\]\.arm": received null, expected one of control, SFT/],
      [`SELECT id, CASE WHEN id = 's2' THEN 'sft' ELSE arm END AS arm FROM p`, M, /bp\[id s2\]\.arm": received "sft", expected one of control, SFT \(design\.arms\)/],
      [`${P} UNION ALL SELECT 's3', 'SFT'`, M, /"bp\.id": received "s3", expected each participant on one row/],
      [`${P} UNION ALL SELECT NULL, 'SFT'`, M, /"bp\.id": received null, expected an id on every participant row/],
      [P, `SELECT id, CASE WHEN id = 's1' AND visit = '9m' THEN '12m' ELSE visit END AS visit, instrument, score FROM m`, /bm\[id s1\]\.visit": received "12m", expected one of baseline, 9m \(design\.visits\)/],
      [P, `SELECT id, visit, CASE WHEN id = 'c3' AND visit = '9m' THEN NULL ELSE instrument END AS instrument, score FROM m`, /bm\[id c3\]\.instrument": received null/],
      [P, `${M} UNION ALL SELECT 'x9', 'baseline', 'PSP', 10`, /"bm\.id": received "x9", expected a participant of bp/],
      [P, `${M} UNION ALL SELECT 'c1', '9m', 'PSP', NULL`, /"bm\[id c1\]": received "9m × PSP", expected one row per participant × visit × instrument/],
      [P, `SELECT id, visit, instrument, CASE WHEN id = 's4' THEN 'NaN'::DOUBLE ELSE score END AS score FROM m`, /"bm\[id s4\]\.score": received NaN, expected a finite number or NULL/],
      [P, `SELECT id, visit, instrument, CASE WHEN id = 's4' THEN '-Infinity'::DOUBLE ELSE score END AS score FROM m`, /"bm\[id s4\]\.score": received -Infinity/],
      // The instrument's range and steps, with validateTrial's own words.
      [P, `SELECT id, visit, instrument, CASE WHEN id = 's3' AND instrument = 'PSP' THEN 150 ELSE score END AS score FROM m`, /"bm\[id s3\]\.score": received 150, expected a PSP score from 1 to 100$/],
      [P, `SELECT id, visit, instrument, CASE WHEN id = 's1' AND instrument = 'WHO5' THEN 41 ELSE score END AS score FROM m`, /"bm\[id s1\]\.score": received 41, expected a WHO5 score from 0 to 100 in steps of 4$/],
      // Labels as validateTrial reads them: spaces around a name, an empty name, a non-integer number.
      [`SELECT CASE WHEN id = 's2' THEN ' s2' ELSE id END AS id, arm FROM p`, `SELECT CASE WHEN id = 's2' THEN ' s2' ELSE id END AS id, visit, instrument, score FROM m`, /"bp\.id": received " s2", expected a non-empty name without spaces around it, or an integer/],
      [`SELECT id, CASE WHEN id = 'c2' THEN 'SFT ' ELSE arm END AS arm FROM p`, M, /"bp\[id c2\]\.arm": received "SFT ", expected one of control, SFT \(design\.arms\); the text has spaces around it/],
      [`SELECT id, CASE WHEN id = 'c2' THEN '' ELSE arm END AS arm FROM p`, M, /"bp\[id c2\]\.arm": received "", expected one of control, SFT$/],
      [`SELECT CAST(substr(id, 2) AS DOUBLE) + (CASE WHEN arm = 'SFT' THEN 0.5 ELSE 0 END) AS id, arm FROM p`, `SELECT CAST(substr(id, 2) AS DOUBLE) + (CASE WHEN id LIKE 's%' THEN 0.5 ELSE 0 END) AS id, visit, instrument, score FROM m`, /"bp\.id": received 1\.5, expected a non-empty name without spaces around it, or an integer/],
      // Empty tables.
      [`${P} LIMIT 0`, M, /"bp": received 0, expected at least one participant row/],
      [P, `${M} LIMIT 0`, /"bm": received 0, expected at least one measurement row/],
    ];
    for (const [p, m, message] of cases) {
      const e = await refusal(await variant(p, m));
      expect(e, String(message)).toBeInstanceOf(ArgumentError);
      expect(String(e)).toMatch(message);
    }
  });

  it('refuses a missing or ill-typed column, a missing table, and malformed arguments, up front', async () => {
    const src = await variant(P, M);
    expect(String(await refusal(await variant(P, 'SELECT id, visit, instrument FROM m')))).toMatch(/"bm\.score": received "score", expected a column of bm \(id, visit, instrument\)/);
    expect(String(await refusal(await variant(P, `SELECT id, visit, instrument, CAST(score AS VARCHAR) AS score FROM m`)))).toMatch(/"bm\.score": received "VARCHAR", expected a number SQL column/);
    expect(String(await refusal(await variant(`SELECT CAST(substr(id, 2) AS INTEGER) AS id, arm FROM p`, M)))).toMatch(/"bm\.id": received "VARCHAR", expected ids of the same kind as bp\.id \(INTEGER\)/);
    const missing = await refusal({ ...src, measurements: { table: 'nowhere' } });
    expect(missing).toBeInstanceOf(SqlEngineError);
    expect(String(missing)).toMatch(/table nowhere/);
    expect(String(await refusal(src, { ...handDesign, visits: ['baseline', 'baseline'] }))).toMatch(/"design\.visits".*"baseline" is listed twice/);
    expect(String(await refusal({ ...src, participant: { table: 'bp' } } as never))).toMatch(/"source\.participant"/);
    expect(String(await describeOutcomesSql(src, handDesign, { columns: { ids: 'x' } } as never).catch((e: unknown) => e))).toMatch(/"options\.columns\.ids"/);
    expect(String(await describeOutcomesSql(src, handDesign, { columns: { score: 'value' } }).catch((e: unknown) => e))).toMatch(/"options\.columns\.score": received "value", expected a column of bm/);
    // A boolean arm (validateTrial takes names and integers), a list column, an unregistered instrument.
    expect(String(await refusal(await variant(`SELECT id, arm = 'SFT' AS arm FROM p`, M)))).toMatch(/"bp\.arm": received "BOOLEAN", expected a text or integer SQL column/);
    expect(String(await refusal(await variant(P, `SELECT id, [1, 2] AS visit, instrument, score FROM m`)))).toMatch(/"bm\.visit": received "INTEGER\[\]", expected a text or integer SQL column/);
    expect(String(await refusal(src, { ...handDesign, instruments: ['PSP', 'FOO'] }))).toMatch(/"design\.instruments": received "FOO", expected a registered instrument/);
    // A table given twice over, or with a key that is not read, is refused rather than half read.
    expect(String(await refusal({ ...src, participants: { table: 'bp', csv: 'p.csv' } as never }))).toMatch(/"source\.participants": received \["table","csv"\], expected exactly one of table, parquet, csv/);
    expect(String(await refusal({ ...src, participants: { table: 'bp', schema: 'elsewhere' } as never }))).toMatch(/"source\.participants\.schema"/);
  });

  it('names a participant with a BIGINT id by all its digits', async () => {
    const e = await refusal(await variant(`SELECT CAST(1234567890123456 AS BIGINT) AS id, 'SFT' AS arm UNION ALL SELECT CAST(1234567890123456 AS BIGINT), 'SFT'`, `SELECT CAST(1234567890123456 AS BIGINT) AS id, 'baseline' AS visit, 'PSP' AS instrument, 50.0 AS score`));
    expect(String(e)).toMatch(/"bp\.id": received "1234567890123456", expected each participant on one row/);
  });
});

describe('numbers an engine stores its own way', () => {
  let engine: SqlEngine;
  beforeAll(async () => {
    engine = await duckdbEngine();
    await loadTrial(engine, handTrial(), '');
  });
  afterAll(async () => engine.close?.());

  it('DECIMAL and REAL scores: quartiles interpolated on doubles, as in memory', async () => {
    for (const type of ['DECIMAL(4,1)', 'REAL']) {
      await engine.query(`CREATE OR REPLACE TABLE dm AS SELECT id, visit, instrument, CAST(score AS ${type}) AS score FROM m`);
      const rows = await describeOutcomesSql({ engine, participants: { table: 'p' }, measurements: { table: 'dm' } }, handDesign);
      expectSameOutcomes(rows, describeOutcomes(handTrial()));
    }
  });

  it('a large offset costs the SD no digits (two passes, as in memory)', async () => {
    // EQ-5D VAS (0–100, continuous) is not the point here: a custom instrument with a wide range.
    const { createInstrumentRegistry, defaultInstruments } = await import('../../src/instruments/registry.js');
    const base = defaultInstruments.get('PSP')!;
    const instruments = createInstrumentRegistry([{ ...base, id: 'CLOCK', name: 'seconds', range: { min: 0, max: 2e9 }, step: null, items: null, levels: null, cutoffs: [] }], { base: defaultInstruments });
    await engine.query(`CREATE OR REPLACE TABLE op AS SELECT 'q' || CAST(i AS VARCHAR) AS id, CASE WHEN i % 2 = 0 THEN 'control' ELSE 'SFT' END AS arm FROM range(1000) AS r(i)`);
    await engine.query(`CREATE OR REPLACE TABLE om AS SELECT 'q' || CAST(i AS VARCHAR) AS id, 'baseline' AS visit, 'CLOCK' AS instrument, 1e9 + (i * 7919 % 1000) / 1000.0 AS score FROM range(1000) AS r(i)`);
    const design = { arms: ['control', 'SFT'], visits: ['baseline'], instruments: ['CLOCK'] };
    const rows = await describeOutcomesSql({ engine, participants: { table: 'op' }, measurements: { table: 'om' } }, design, { instruments });
    const participants = (await engine.query('SELECT id, arm FROM op')).map((r) => ({ id: String(r['id']), arm: String(r['arm']) }));
    const measurements = (await engine.query('SELECT id, visit, instrument, score FROM om')).map((r) => ({ id: String(r['id']), visit: 'baseline', instrument: 'CLOCK', score: Number(r['score']) }));
    const trial = validateTrial({ participants, measurements }, { design, instruments });
    expectSameOutcomes(rows, describeOutcomes(trial));
  });

  it('arms far apart with scores close together in each: every cell its own mean (review)', async () => {
    const { createInstrumentRegistry, defaultInstruments } = await import('../../src/instruments/registry.js');
    const base = defaultInstruments.get('PSP')!;
    const instruments = createInstrumentRegistry([{ ...base, id: 'CLOCK', name: 'seconds', range: { min: 0, max: 2e9 }, step: null, items: null, levels: null, cutoffs: [] }], { base: defaultInstruments });
    // EQ-5D index: one arm all 0.363, the other all −0.575 (SD 0 in both); then 0.9001–0.9003 beside
    // −0.7 at 9m; and seconds near 1e9 beside seconds near 2.
    const scores: [string, string, string, number][] = [];
    const ids = ['c1', 'c2', 'c3', 's1', 's2', 's3', 's4'];
    ids.forEach((id, i) => {
      const control = id.startsWith('c');
      scores.push([id, 'baseline', 'EQ5D_INDEX', control ? 0.363 : -0.575]);
      scores.push([id, '9m', 'EQ5D_INDEX', control ? 0.9001 + i * 0.0001 : -0.7]);
      scores.push([id, 'baseline', 'CLOCK', control ? 1e9 + 0.25 * (i + 1) : i - 2]);
    });
    await engine.query(`CREATE OR REPLACE TABLE fp AS SELECT * FROM (VALUES ${ids.map((id) => `('${id}', '${id.startsWith('c') ? 'control' : 'SFT'}')`).join(', ')}) AS t(id, arm)`);
    await engine.query(`CREATE OR REPLACE TABLE fm AS SELECT * FROM (VALUES ${scores.map(([id, v, k, x]) => `('${id}', '${v}', '${k}', CAST(${x} AS DOUBLE))`).join(', ')}) AS t(id, visit, instrument, score)`);
    const design = { arms: ['control', 'SFT'], visits: ['baseline', '9m'], instruments: ['EQ5D_INDEX', 'CLOCK'] };
    const rows = await describeOutcomesSql({ engine, participants: { table: 'fp' }, measurements: { table: 'fm' } }, design, { instruments });
    const trial = validateTrial(
      { participants: ids.map((id) => ({ id, arm: id.startsWith('c') ? 'control' : 'SFT' })), measurements: scores.map(([id, visit, instrument, score]) => ({ id, visit, instrument, score })) },
      { design, instruments },
    );
    const mem = describeOutcomes(trial);
    expectSameOutcomes(rows, mem);
    expect(rows.filter((r) => r.visit === 'baseline' && r.instrument === 'EQ5D_INDEX').map((r) => r.sd)).toEqual([0, 0]);
    expect(rows.find((r) => r.arm === 'control' && r.instrument === 'CLOCK')!.sd).toBe(0.25);
  });
});
