import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { measurementsToCsv, participantsToCsv, registerToCsv, sampleCsv, SAMPLE_FILES, SAMPLE_SEED } from '../../src/simulate/sample.js';
import { writeSample } from '../../src/simulate/write-sample.js';
import { simulateTrial } from '../../src/simulate/trial.js';
import { simulateTrialData } from '../../src/simulate/trial-data.js';
import { readCsvFile } from '../../src/data/read-file.js';
import { validateTrial } from '../../src/data/validate.js';
import { measurementRowJsonSchema, participantRowJsonSchema } from '../../src/data/schema.js';
import { flowCounts } from '../../src/descriptives/flow-counts.js';
import { ArgumentError } from '../../src/errors/index.js';
import type { Participant } from '../../src/data/types.js';

const dir = join(import.meta.dirname, '../../data-samples');
const Z = 3.5;
const bound = (n: number, p: number): number => Z * Math.sqrt(n * p * (1 - p));

describe('the committed sample in data-samples/', () => {
  it('is exactly what the generator makes with the documented seed', () => {
    const fresh = sampleCsv();
    expect(fresh.participants).toBe(readFileSync(join(dir, SAMPLE_FILES.participants), 'utf8'));
    expect(fresh.measurements).toBe(readFileSync(join(dir, SAMPLE_FILES.measurements), 'utf8'));
    expect(fresh.register).toBe(readFileSync(join(dir, SAMPLE_FILES.register), 'utf8'));
  });

  it('documents the register draw and its truth in data-samples/README.md', () => {
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    const { trial } = sampleCsv();
    expect(readme).toContain(`| \`sft-register.csv\` | ${trial.register.length} |`);
    const arm = new Map(trial.participants.map((p) => [p.id, p.arm]));
    const truth = trial.truth.register;
    for (const a of ['control', 'SFT']) {
      for (const w of ['baseline', '9m', '15m'] as const) {
        const rows = trial.register.filter((r) => r.week === w && arm.get(r.id) === a && r.status !== null);
        const p = truth.statusProbabilities[a]![w];
        const cells = (['passive_benefits', 'rehabilitation', 'disability_pension', 'work_education'] as const).map(
          (s) => `${rows.filter((r) => r.status === s).length} (${(100 * p[s]).toFixed(1)} %)`,
        );
        expect(readme).toContain(`| ${a} | ${w} | ${rows.length} | ${cells.join(' | ')} |`);
      }
      const one = trial.register.filter((r) => r.week === 'baseline' && arm.get(r.id) === a);
      const b = truth.bedDays[a]!;
      const row =
        `| ${a} | ${one.length} | ${one.filter((r) => r.daysAtRisk < 457).length} | ${one.filter((r) => r.admissions > 0).length} | ` +
        `${(one.reduce((s, r) => s + r.admissions, 0) / one.length).toFixed(2)} (${truth.expectedAdmissions[a]!.toFixed(2)}) | ` +
        `${b.mean.toFixed(1)} (${truth.expectedBedDays[a]!.toFixed(1)}) | ${b.median} | ${(100 * b.top5Share).toFixed(1)} % | ${Math.max(...one.map((r) => r.bedDays))} |`;
      expect(readme).toContain(row);
    }
    expect(readme).toContain(`${truth.marginalLogOddsRatio['9m'].rehabilitation.toFixed(3)} at 9 months`);
  });

  it('is documented with its seed in data-samples/README.md', () => {
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(readme).toContain(`simulateTrial({ seed: ${SAMPLE_SEED} })`);
    const { trial } = sampleCsv();
    expect(readme).toContain(`| \`sft-measurements.csv\` | ${trial.measurements.length.toLocaleString('en')} |`);
    // The design table quotes the draw; a change of the generator must update it.
    const a = trial.truth.counts.attendedByVisit;
    expect(readme).toContain(`| 293 / ${a['9m']} / ${a['15m']} (`);
    const women = trial.participants.filter((p) => p.sex === 'female').length;
    expect(readme).toContain(`| women | ${women} (`);
    const f2 = trial.participants.filter((p) => p.mainDiagnosis!.startsWith('F2')).length;
    expect(readme).toContain(`| main diagnosis F2 / F3 / F4 / F6 | ${f2} (`);
    expect(readme).toContain(`α = ${trial.truth.attrition.intercepts['9m']!.toFixed(3)} at 9 months`);
  });

  it('is written byte for byte by writeSample', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'rcteval-sample-'));
    try {
      const paths = writeSample(tmp);
      expect(readFileSync(paths.participants)).toEqual(readFileSync(join(dir, SAMPLE_FILES.participants)));
      expect(readFileSync(paths.measurements)).toEqual(readFileSync(join(dir, SAMPLE_FILES.measurements)));
      expect(readFileSync(paths.register)).toEqual(readFileSync(join(dir, SAMPLE_FILES.register)));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    expect(() => writeSample('')).toThrow(ArgumentError);
  });

  it('loads from CSV, validates, and reproduces the design counts', async () => {
    const participants = await readCsvFile(join(dir, SAMPLE_FILES.participants), { table: 'participants', numericColumns: ['bed_days', 'support_hours'] });
    const measurements = await readCsvFile(join(dir, SAMPLE_FILES.measurements), { table: 'measurements' });
    const design = simulateTrial({ seed: 1 }).design;
    const trial = validateTrial({ participants, measurements }, { design });
    const flow = flowCounts(trial);
    const get = (stage: string, arm: string | null, visit: string | null = null): number =>
      flow.find((r) => r.stage === stage && r.arm === arm && r.visit === visit && r.instrument === null)!.n;
    expect(get('randomised', null)).toBe(304);
    expect(get('analysed', null)).toBe(293);
    expect(Math.abs(get('randomised', 'SFT') - 152)).toBeLessThanOrEqual(Z * Math.sqrt((19 * 2) / 3));
    // Binomial tolerance around the calibrated expectation (see tests/simulate/trial.test.ts).
    expect(Math.abs(get('measured', null, '9m') - 234)).toBeLessThanOrEqual(bound(293, 234 / 293));
    expect(Math.abs(get('measured', null, '15m') - 194)).toBeLessThanOrEqual(bound(293, 194 / 293));

    const ps = trial.participants;
    const groups = new Map<string, Participant[]>();
    for (const p of ps) if (p.group !== null) groups.set(p.group, [...(groups.get(p.group) ?? []), p]);
    expect(groups.size).toBe(19);
    for (const members of groups.values()) {
      expect(members.length).toBeGreaterThanOrEqual(7);
      expect(members.length).toBeLessThanOrEqual(9);
      expect(members.every((p) => p.arm === 'SFT')).toBe(true);
      expect(new Set(members.map((p) => p.site)).size).toBe(1);
    }
    expect(ps.filter((p) => p.arm === 'control').every((p) => p.group === null && p.site !== null)).toBe(true);
    expect(new Set(ps.map((p) => p.site)).size).toBe(9);
    const women = ps.filter((p) => p.sex === 'female').length;
    expect(Math.abs(women - 0.57 * 304)).toBeLessThanOrEqual(bound(304, 0.57));
    const f2 = ps.filter((p) => p.mainDiagnosis!.startsWith('F2')).length;
    expect(Math.abs(f2 - 152)).toBeLessThanOrEqual(bound(304, 0.5));
    for (const ch of ['F3', 'F4', 'F6']) {
      expect(Math.abs(ps.filter((p) => p.mainDiagnosis!.startsWith(ch)).length - 304 / 6)).toBeLessThanOrEqual(bound(304, 1 / 6));
    }
  });

  it('holds the same data as the generator rows (CSV round trip)', async () => {
    const participants = await readCsvFile(join(dir, SAMPLE_FILES.participants), { table: 'participants', numericColumns: ['bed_days', 'support_hours'] });
    const measurements = await readCsvFile(join(dir, SAMPLE_FILES.measurements), { table: 'measurements' });
    const { data } = simulateTrialData(sampleCsv().trial.truth.options);
    const fromCsv = validateTrial({ participants, measurements }, { design: data.design });
    expect(fromCsv.participants).toEqual(data.participants);
    expect(fromCsv.measurements).toEqual(data.measurements);
  });

  it('has rows that satisfy the exported JSON Schemas', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const checkP = ajv.compile(participantRowJsonSchema);
    const checkM = ajv.compile(measurementRowJsonSchema);
    const participants = await readCsvFile(join(dir, SAMPLE_FILES.participants), { table: 'participants', numericColumns: ['bed_days', 'support_hours'] });
    const measurements = await readCsvFile(join(dir, SAMPLE_FILES.measurements), { table: 'measurements' });
    for (const row of participants.rows) expect(checkP(row), JSON.stringify(checkP.errors)).toBe(true);
    for (const row of measurements.rows) expect(checkM(row), JSON.stringify(checkM.errors)).toBe(true);
  });
});

describe('CSV rendering', () => {
  it('writes headers, empty cells for missing values, ; between codes, and quotes only when needed', () => {
    const t = simulateTrial({ seed: 2, nParticipants: 40, nGroups: 2 });
    const p = participantsToCsv(t.participants).split('\n');
    expect(p[0]).toBe(
      'id,arm,group,site,sex,age,birth_date,randomisation_date,diagnoses,main_diagnosis,diagnosis_date,sessions_attended,sessions_offered,' +
        'cost_implementation,cost_operation,cost_psychiatric_admission,cost_outpatient,cost_support,bed_days,support_hours',
    );
    expect(p).toHaveLength(42); // header, 40 rows, final empty string after the last newline
    const control = t.participants.findIndex((x) => x.arm === 'control');
    expect(p[control + 1]!.split(',')[2]).toBe('');
    const m = measurementsToCsv(t.measurements).split('\n');
    expect(m[0]).toBe('id,visit,instrument,score,item_1,item_2,item_3,item_4,item_5,date');
    const who = t.measurements.findIndex((x) => x.instrument === 'WHO5' && x.score !== null);
    const cells = m[who + 1]!.split(',');
    expect(cells.slice(4, 9).map(Number)).toEqual(t.measurements[who]!.items);
    const quoted = participantsToCsv([{ ...t.participants[0]!, site: 'Aarhus, Syd', extra: { note: 'say "hi"' } }]);
    expect(quoted).toContain('"Aarhus, Syd"');
    expect(quoted).toContain('"say ""hi"""');
    const r = registerToCsv(t.register).split('\n');
    expect(r[0]).toBe('id,week,status,admissions,bed_days,days_at_risk');
    expect(r).toHaveLength(3 * 40 + 2);
    const left = t.register.findIndex((x) => x.status === null);
    if (left >= 0) expect(r[left + 1]!.split(',')[2]).toBe('');
    const first = t.register[0]!;
    expect(r[1]).toBe(`${first.id},baseline,${first.status ?? ''},${first.admissions},${first.bedDays},${first.daysAtRisk}`);
  });
});
