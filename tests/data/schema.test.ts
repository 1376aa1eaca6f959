import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { fromCsv } from '../../src/data/loaders.js';
import { readCsvFile } from '../../src/data/read-file.js';
import {
  isCalendarDate,
  measurementRowJsonSchema,
  measurementRowSchema,
  participantRowJsonSchema,
  participantRowSchema,
  trialDesignJsonSchema,
} from '../../src/data/schema.js';

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
const validateParticipant = ajv.compile(participantRowJsonSchema);
const validateMeasurement = ajv.compile(measurementRowJsonSchema);

const PARTICIPANTS_CSV = [
  'id,arm,group,site,sex,age,birth_date,randomisation_date,diagnoses,main_diagnosis,diagnosis_date,sessions_attended,sessions_offered,cost_implementation,cost_healthcare,kommune',
  'P001,SFT,G01,M01,female,34,1980-05-01,2014-06-02,F20.0;F33.2,F20.0,2010-01-15,30,36,30329,1200.5,0101',
  'P002,control,,M02,male,51,,2014-06-03,F41.1,F41.1,,,,0,NA,',
  'P003,SFT,G01,M01,,NA,1990-02-28,2014-07-01,"F60.3;F43.1",F60.3,2012-03-03,0,36,30329,0,0102',
].join('\r\n');

const MEASUREMENTS_CSV = [
  'id,visit,instrument,score,item_1,item_2,item_3,item_4,item_5,date',
  'P001,baseline,PSP,55,,,,,,2014-06-01',
  'P001,baseline,WHO5,48,2,3,2,3,2,2014-06-01',
  'P002,baseline,EQ5D_INDEX,0.731,,,,,,',
  'P002,9m,WHO5,,NA,,,,,2015-03-01',
  'P003,baseline,MHRM,NA,,,,,,2014-07-01',
].join('\n');

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const sampleParticipants = `${repoRoot}data-samples/sft-participants.csv`;
const sampleMeasurements = `${repoRoot}data-samples/sft-measurements.csv`;

describe('JSON Schema of the loaded rows', () => {
  it('validates every participant and measurement row of a CSV parsed by the loader', () => {
    const p = fromCsv(PARTICIPANTS_CSV, { table: 'participants' });
    const m = fromCsv(MEASUREMENTS_CSV, { table: 'measurements' });
    expect(p.issues).toEqual([]);
    expect(m.issues).toEqual([]);
    for (const row of p.rows) expect(validateParticipant(row), JSON.stringify(validateParticipant.errors)).toBe(true);
    for (const row of m.rows) expect(validateMeasurement(row), JSON.stringify(validateMeasurement.errors)).toBe(true);
    // The zod schema the JSON Schema came from agrees.
    for (const row of p.rows) expect(participantRowSchema.safeParse(row).success).toBe(true);
    for (const row of m.rows) expect(measurementRowSchema.safeParse(row).success).toBe(true);
  });

  it(
    'validates every row of the committed sample CSV (data-samples/) once loaded',
    async () => {
      const p = await readCsvFile(sampleParticipants, { table: 'participants' });
      const m = await readCsvFile(sampleMeasurements, { table: 'measurements' });
      expect(p.issues).toEqual([]);
      expect(m.issues).toEqual([]);
      expect(p.rows.length).toBeGreaterThan(0);
      expect(m.rows.length).toBeGreaterThan(0);
      const badP = p.rows.filter((row) => !validateParticipant(row));
      const badM = m.rows.filter((row) => !validateMeasurement(row));
      expect(badP).toEqual([]);
      expect(badM).toEqual([]);
    },
  );

  it('rejects a negative cost column, text in a score and a malformed date', () => {
    expect(validateParticipant({ id: 'a', arm: 'SFT', cost_healthcare: -5 })).toBe(false);
    expect(validateParticipant({ id: 'a', arm: 'SFT', costs: { healthcare: -5 } })).toBe(false);
    expect(validateParticipant({ id: 'a', arm: 'SFT', birthDate: '01-05-1980' })).toBe(false);
    expect(validateMeasurement({ id: 'a', visit: 'baseline', instrument: 'PSP', score: 'abc' })).toBe(false);
    expect(validateMeasurement({ id: 'a', visit: 'baseline', instrument: 'PSP', score: 12, item_1: 'x' })).toBe(false);
    // zod says the same, and also checks what JSON Schema cannot (the calendar).
    expect(participantRowSchema.safeParse({ id: 'a', arm: 'SFT', cost_healthcare: -5 }).success).toBe(false);
    expect(participantRowSchema.safeParse({ id: 'a', arm: 'SFT', birthDate: '2015-02-29' }).success).toBe(false);
    expect(measurementRowSchema.safeParse({ id: 'a', visit: 'baseline', instrument: 'PSP', score: 'abc' }).success).toBe(false);
  });

  it('requires the required fields, score included (null allowed)', () => {
    expect(validateMeasurement({ id: 'a', visit: 'baseline', instrument: 'PSP' })).toBe(false);
    expect(validateMeasurement({ id: 'a', visit: 'baseline', instrument: 'PSP', score: null })).toBe(true);
    expect(validateParticipant({ id: 'a' })).toBe(false);
    expect(participantRowJsonSchema.required).toEqual(['id', 'arm']);
  });

  it('exports a JSON Schema for the design', () => {
    const v = ajv.compile(trialDesignJsonSchema);
    expect(v({ arms: ['control', 'SFT'], visits: ['baseline', '9m'], instruments: ['PSP'] })).toBe(true);
    expect(v({ arms: [], visits: ['baseline'], instruments: [] })).toBe(false);
  });
});

describe('isCalendarDate', () => {
  it('accepts real days only', () => {
    expect(isCalendarDate('2016-02-29')).toBe(true);
    expect(isCalendarDate('2015-02-29')).toBe(false);
    expect(isCalendarDate('2000-02-29')).toBe(true);
    expect(isCalendarDate('1900-02-29')).toBe(false);
    expect(isCalendarDate('2015-04-31')).toBe(false);
    expect(isCalendarDate('2015-4-30')).toBe(false);
  });
});
