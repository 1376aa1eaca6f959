/**
 * The register table in validateTrial: status categories known, snapshot weeks known, one row per
 * (id, week), counts non-negative integers, days at risk positive integers, and a participant's
 * totals the same on each of its rows; every problem a typed issue naming row, field, value and
 * what was expected. Also: the committed sample and the generator's register validate.
 */
import { describe, expect, it } from 'vitest';
import { fromCsv } from '../../src/data/loaders.js';
import { readCsvFile } from '../../src/data/read-file.js';
import { DEFAULT_REGISTER_STATUSES, DEFAULT_REGISTER_WEEKS, registerRowSchema } from '../../src/data/schema.js';
import { validateTrial, type TrialInput } from '../../src/data/validate.js';
import { ArgumentError, type ValidationIssue } from '../../src/errors/index.js';
import { REGISTER_STATUSES, REGISTER_WEEKS } from '../../src/simulate/register.js';
import { validationIssues } from '../thrown.js';

const design = { arms: ['control', 'SFT'], visits: ['baseline', '9m'], instruments: ['PSP'] };
const participants = [
  { id: 'P1', arm: 'control' },
  { id: 'P2', arm: 'SFT', group: 'G1' },
];
const measurements = [{ id: 'P1', visit: 'baseline', instrument: 'PSP', score: 40 }];
const good = () => [
  { id: 'P1', week: 'baseline', status: 'passive_benefits', admissions: 1, bed_days: 12, days_at_risk: 457 },
  { id: 'P1', week: '9m', status: 'rehabilitation', admissions: 1, bed_days: 12, days_at_risk: 457 },
  { id: 'P2', week: 'baseline', status: 'work_education', admissions: 0, bed_days: 0, days_at_risk: 300 },
  { id: 'P2', week: '15m', status: null, admissions: 0, bed_days: 0, days_at_risk: 300 },
];

function issuesOf(register: NonNullable<TrialInput['register']>, options: Record<string, unknown> = {}): ValidationIssue[] {
  return validationIssues(() => validateTrial({ participants, measurements, register }, { design, ...options }));
}

describe('validateTrial: the register table', () => {
  it('accepts a valid table and returns typed records with the register design', () => {
    const trial = validateTrial({ participants, measurements, register: good() }, { design });
    expect(trial.register).toHaveLength(4);
    expect(trial.register![0]).toEqual({ id: 'P1', week: 'baseline', status: 'passive_benefits', admissions: 1, bedDays: 12, daysAtRisk: 457 });
    expect(trial.register![3]!.status).toBeNull();
    expect(trial.registerDesign).toEqual({ statuses: [...DEFAULT_REGISTER_STATUSES], weeks: [...DEFAULT_REGISTER_WEEKS] });
    expect(Object.isFrozen(trial.register![0])).toBe(true);
    // Without a register table there is none.
    const plain = validateTrial({ participants, measurements }, { design });
    expect(plain.register).toBeNull();
    expect(plain.registerDesign).toBeNull();
  });

  it('the data layer defaults are the generator’s categories and weeks', () => {
    expect(DEFAULT_REGISTER_STATUSES).toEqual(REGISTER_STATUSES);
    expect(DEFAULT_REGISTER_WEEKS).toEqual(REGISTER_WEEKS);
  });

  it('reports an unknown status, week or participant, naming row, field, value and expectation', () => {
    const rows = good();
    rows[0]!.status = 'employed';
    rows[1]!.week = '12m';
    rows[2]!.id = 'P9';
    const issues = issuesOf(rows);
    expect(issues).toContainEqual(expect.objectContaining({ table: 'register', row: 1, field: 'status', value: 'employed', expected: expect.stringContaining('passive_benefits, rehabilitation') }));
    expect(issues).toContainEqual(expect.objectContaining({ table: 'register', row: 2, field: 'week', value: '12m', expected: expect.stringContaining('baseline, 9m, 15m') }));
    expect(issues).toContainEqual(expect.objectContaining({ table: 'register', row: 3, field: 'id', value: 'P9' }));
  });

  it('reports negative, fractional and non-numeric counts and non-positive days at risk', () => {
    const rows = good() as Record<string, unknown>[];
    rows[0]!.bed_days = -3;
    rows[1]!.bed_days = -3;
    rows[2]!.admissions = 0.5;
    rows[3]!.admissions = 0.5;
    rows[2]!.days_at_risk = 0;
    rows[3]!.days_at_risk = 0;
    const issues = issuesOf(rows);
    expect(issues).toContainEqual(expect.objectContaining({ row: 1, field: 'bed_days', value: -3, expected: expect.stringContaining('whole number ≥ 0') }));
    expect(issues).toContainEqual(expect.objectContaining({ row: 3, field: 'admissions', value: 0.5 }));
    expect(issues).toContainEqual(expect.objectContaining({ row: 3, field: 'days_at_risk', value: 0, expected: expect.stringContaining('≥ 1') }));
    const text = issuesOf([{ id: 'P1', week: 'baseline', status: null, admissions: 'two', bed_days: 0, days_at_risk: 457 }]);
    expect(text).toContainEqual(expect.objectContaining({ row: 1, field: 'admissions', value: 'two', expected: expect.stringContaining('text is never read as a number') }));
  });

  it('reports a duplicate (id, week), totals that differ between a participant’s rows, and bed-days without admissions', () => {
    const rows = good();
    rows[1]!.week = 'baseline';
    rows[1]!.bed_days = 13;
    rows[2]!.bed_days = 4;
    rows[3]!.bed_days = 4;
    const issues = issuesOf(rows);
    expect(issues).toContainEqual(expect.objectContaining({ row: 2, field: 'week', expected: expect.stringContaining('already on row 1') }));
    expect(issues).toContainEqual(expect.objectContaining({ row: 2, field: 'bed_days', value: 13, expected: expect.stringContaining('row 1') }));
    expect(issues).toContainEqual(expect.objectContaining({ row: 3, field: 'bed_days', value: 4, expected: '0 bed-days for a participant with 0 admissions' }));
  });

  it('reports unknown and missing columns, and quotes the file line for CSV input', () => {
    const issues = issuesOf([{ id: 'P1', weeks: 'baseline', status: null }]);
    expect(issues).toContainEqual(expect.objectContaining({ row: null, field: 'weeks' }));
    expect(issues).toContainEqual(expect.objectContaining({ row: null, field: 'week', expected: expect.stringContaining('a column "week"') }));
    const csv = fromCsv('id,week,status,admissions,bed_days,days_at_risk\nP1,baseline,passive_benefits,1,2,457\nP2,9m,retired,0,0,-1\n', { table: 'register' });
    const fromFile = issuesOf(csv);
    expect(fromFile).toContainEqual(expect.objectContaining({ row: 2, field: 'status', value: 'retired' }));
    expect(fromFile.find((i) => i.field === 'days_at_risk')!.message).toContain('line 3');
  });

  it('takes other categories and weeks from options.register, checked up front', () => {
    const rows = [{ id: 'P1', week: 'w0', status: 'employed', admissions: 0, bed_days: 0, days_at_risk: 10 }];
    const trial = validateTrial({ participants, measurements, register: rows }, { design, register: { statuses: ['unemployed', 'employed'], weeks: ['w0', 'w1'] } });
    expect(trial.registerDesign).toEqual({ statuses: ['unemployed', 'employed'], weeks: ['w0', 'w1'] });
    expect(() => validateTrial({ participants, measurements, register: rows }, { design, register: { statuses: [] } })).toThrow(ArgumentError);
    expect(() => validateTrial({ participants, measurements, register: rows }, { design, register: { weeks: ['w0', 'w0'] } })).toThrow(/each name once/);
    expect(() => validateTrial({ participants, measurements, register: rows }, { design, register: { statuse: ['a'] } as never })).toThrow(/statuses/);
  });

  it('the committed sample validates, and its rows match the row schema', async () => {
    const root = new URL('../../data-samples/', import.meta.url).pathname;
    const p = await readCsvFile(`${root}sft-participants.csv`, { table: 'participants', numericColumns: ['bed_days', 'support_hours'] });
    const m = await readCsvFile(`${root}sft-measurements.csv`, { table: 'measurements' });
    const r = await readCsvFile(`${root}sft-register.csv`, { table: 'register' });
    const trial = validateTrial({ participants: p, measurements: m, register: r }, { design: { arms: ['control', 'SFT'], visits: ['baseline', '9m', '15m'], instruments: ['PSP', 'MHRM', 'WHO5', 'EQ5D_INDEX', 'EQ5D_VAS'] } });
    expect(trial.register).toHaveLength(912);
    // 3 controls and 4 SFT participants left the register before 15 months (data-samples/README.md), 3 of them before 9 months.
    expect(trial.register!.filter((x) => x.status === null)).toHaveLength(10);
    for (const row of r.rows.slice(0, 30)) expect(registerRowSchema.safeParse(row).success).toBe(true);
  });
});
