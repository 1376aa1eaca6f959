import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTrialFiles, readPlanFile, splitLongTable } from '../../src/cli/load.js';
import { fromCsv } from '../../src/data/loaders.js';
import { ArgumentError, ValidationError } from '../../src/errors/index.js';
import { ROOT } from '../analysis/helpers.js';

const LONG = `id,arm,sex,age,visit,instrument,score,rater
a1,course,female,30,start,WHO5,40,x
a1,course,female,30,end,WHO5,52,y
a2,course,male,41,start,WHO5,60,x
a3,course,male,25,,,,
`;

describe('splitLongTable', () => {
  it('gives one participant row per id (first row) and one measurement row per measured row', () => {
    const { participants, measurements } = splitLongTable(fromCsv(LONG, {}), ['rater']);
    expect(participants.rows.map((r) => r['id'])).toEqual(['a1', 'a2', 'a3']);
    expect(participants.columns).toEqual(['id', 'arm', 'sex', 'age']);
    expect(participants.lines).toEqual([2, 4, 5]);
    expect(measurements.rows).toHaveLength(3);
    expect(measurements.columns).toEqual(['id', 'visit', 'instrument', 'score', 'rater']);
    expect(measurements.lines).toEqual([2, 3, 4]);
  });

  it('reports a participant column that varies within a participant, with row and both values', () => {
    const text = LONG.replace('a1,course,female,30,end', 'a1,course,female,31,end');
    expect(() => splitLongTable(fromCsv(text, {}), ['rater'])).toThrow(ValidationError);
    try {
      splitLongTable(fromCsv(text, {}), ['rater']);
    } catch (e) {
      const issues = (e as ValidationError).issues;
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ table: 'data', row: 2, field: 'age', value: 31 });
      expect(issues[0]!.expected).toContain('30');
    }
  });

  it('treats an unlisted extra column as a participant column (and so reports it when it varies)', () => {
    expect(() => splitLongTable(fromCsv(LONG, {}), [])).toThrow(/"rater" is a participant column/);
  });
});

describe('loadTrialFiles', () => {
  it('loads the bundled long file as validated trial data with the plan’s design', async () => {
    const plan = readPlanFile(join(ROOT, 'examples/pre-post/plan.json'));
    const trial = await loadTrialFiles({ data: join(ROOT, 'examples/pre-post/who5-pre-post.csv') }, plan);
    expect(trial.summary.nParticipants).toBe(15);
    expect(trial.summary.byArm).toEqual({ 'group course': 15 });
    expect(trial.measurements.filter((m) => m.visit === 'end')).toHaveLength(4);
  });

  it('reads semicolon-separated files with decimal commas when the plan says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rcteval-load-'));
    const p = join(dir, 'p.csv');
    const m = join(dir, 'm.csv');
    writeFileSync(p, 'id;arm\nx1;a\nx2;b\n');
    writeFileSync(m, 'id;visit;instrument;score\nx1;v0;EQ5D_INDEX;0,5\nx2;v0;EQ5D_INDEX;0,75\n');
    const plan = readPlanFile(join(ROOT, 'examples/pre-post/plan.json'));
    const custom = { ...plan, data: { ...plan.data, delimiter: ';', decimal: ',' as const }, design: { arms: ['a', 'b'], visits: ['v0', 'v1'], instruments: ['EQ5D_INDEX'] } };
    const trial = await loadTrialFiles({ participants: p, measurements: m }, custom);
    expect(trial.measurements.map((x) => x.score)).toEqual([0.5, 0.75]);
  });

  it('reads a Windows-1252 file when the plan declares it, and names the line of the first bad byte otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rcteval-load-'));
    const p = join(dir, 'p.csv');
    const m = join(dir, 'm.csv');
    // "Køge" and "Århus" as Excel writes them on Western Windows.
    writeFileSync(p, Buffer.concat([Buffer.from('id,arm,town\nx1,a,K'), Buffer.from([0xf8]), Buffer.from('ge\nx2,b,'), Buffer.from([0xc5]), Buffer.from('rhus\n')]));
    writeFileSync(m, 'id,visit,instrument,score\nx1,v0,EQ5D_INDEX,0.5\nx2,v0,EQ5D_INDEX,0.75\n');
    const plan = readPlanFile(join(ROOT, 'examples/pre-post/plan.json'));
    const design = { arms: ['a', 'b'], visits: ['v0', 'v1'], instruments: ['EQ5D_INDEX'] };
    await expect(loadTrialFiles({ participants: p, measurements: m }, { ...plan, design })).rejects.toThrow(/p\.csv is not valid UTF-8 \(line 2, byte offset 18\)/);
    const trial = await loadTrialFiles({ participants: p, measurements: m }, { ...plan, data: { ...plan.data, encoding: 'windows-1252' as const }, design });
    expect(trial.participants.map((x) => x.extra['town'])).toEqual(['Køge', 'Århus']);
  });

  it('readPlanFile names the file for unreadable or non-JSON input', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rcteval-plan-'));
    const bad = join(dir, 'plan.json');
    writeFileSync(bad, '{ "title": ');
    expect(() => readPlanFile(bad)).toThrow(ArgumentError);
    expect(() => readPlanFile(bad)).toThrow(/valid JSON/);
    expect(() => readPlanFile(join(dir, 'missing.json'))).toThrow(/readable JSON file/);
  });
});
