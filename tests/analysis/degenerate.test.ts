/**
 * Degenerate designs end in "not estimable: <reason>", never in a number that is not one.
 *
 * Each case edits the committed SFT sample (so the same files go through `analyzeTrial` and the
 * CLI), then checks: the whole in-memory result holds no NaN, ±Infinity or |x| > 1e300; the
 * fit's named diagnostic is there; the reason appears in the report and on the CLI's stdout;
 * and the CLI exits with the documented code 4 (report written, primary not estimable).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeTrial, primaryNotEstimable } from '../../src/analysis/analyze.js';
import { parseAnalysisPlan } from '../../src/analysis/plan.js';
import type { TrialAnalysis } from '../../src/analysis/types.js';
import { loadTrialFiles } from '../../src/cli/load.js';
import { EXIT_PRIMARY_NOT_ESTIMABLE, runCli } from '../../src/cli/main.js';
import { buildReport } from '../../src/report/report.js';
import { unreportableNumbers } from '../../src/results/not-estimable.js';
import { ROOT, readJson } from './helpers.js';

type Csv = { header: string[]; rows: string[][] };

function readCsv(path: string): Csv {
  const [h, ...lines] = readFileSync(join(ROOT, path), 'utf8').trim().split('\n');
  return { header: h!.split(','), rows: lines.map((l) => l.split(',')) };
}

function writeCsv(path: string, csv: Csv): void {
  writeFileSync(path, [csv.header.join(','), ...csv.rows.map((r) => r.join(','))].join('\n') + '\n');
}

const participants = readCsv('data-samples/sft-participants.csv');
const measurements = readCsv('data-samples/sft-measurements.csv');
const col = (csv: Csv, name: string) => csv.header.indexOf(name);
const armOf = new Map(participants.rows.map((r) => [r[col(participants, 'id')]!, r[col(participants, 'arm')]!] as const));

interface Case {
  name: string;
  edit: () => { participants: Csv; measurements: Csv };
  /** The fit's diagnostic code (on the primary outcome's model), when the model is fitted. */
  diagnostic: string | null;
  /** Words of the reason that must reach the report and the CLI. */
  reason: RegExp;
}

const cases: Case[] = [
  {
    name: 'one therapy group under partial nesting',
    edit: () => ({ participants: { ...participants, rows: participants.rows.map((r) => (r[col(participants, 'arm')] === 'SFT' ? r.map((v, j) => (j === col(participants, 'group') ? 'G01' : v)) : r)) }, measurements }),
    diagnostic: 'random-term-one-level',
    reason: /the variance between groups cannot be estimated/,
  },
  {
    name: 'a constant outcome',
    edit: () => ({ participants, measurements: { ...measurements, rows: measurements.rows.map((r) => (r[col(measurements, 'instrument')] === 'PSP' && r[col(measurements, 'score')] !== '' ? r.map((v, j) => (j === col(measurements, 'score') ? '50' : v)) : r)) } }),
    diagnostic: null,
    reason: /same value \(50\)/,
  },
  {
    name: 'no follow-up in the treated arm',
    edit: () => ({ participants, measurements: { ...measurements, rows: measurements.rows.filter((r) => !(armOf.get(r[col(measurements, 'id')]!) === 'SFT' && r[col(measurements, 'visit')] !== 'baseline')) } }),
    diagnostic: 'rank-deficient',
    reason: /no data to separate it/,
  },
  {
    name: 'one participant per arm',
    edit: () => {
      const keep = new Set<string>();
      for (const arm of ['control', 'SFT']) keep.add([...armOf].find(([, a]) => a === arm)![0]);
      return { participants: { ...participants, rows: participants.rows.filter((r) => keep.has(r[col(participants, 'id')]!)) }, measurements: { ...measurements, rows: measurements.rows.filter((r) => keep.has(r[col(measurements, 'id')]!)) } };
    },
    diagnostic: null,
    reason: /rows/,
  },
];

/** The bundled SFT plan, every section included, with few bootstrap replicates. */
function plan(): Record<string, unknown> {
  const p = readJson('examples/sft-trial/plan.json') as Record<string, unknown> & { economics: Record<string, unknown>; costUtility: Record<string, unknown> };
  p.economics = { ...p.economics, replicates: 200, planePoints: 100 };
  p.costUtility = { ...p.costUtility, replicates: 200, planePoints: 100, skewedCosts: { replicates: 50 } };
  p['missingData'] = { ...(p['missingData'] as Record<string, unknown>), m: 2, burnIn: 20, deltas: [-5, 0] };
  return p;
}

function reasonsIn(a: TrialAnalysis): string[] {
  return a.outcomes.flatMap((o) => [o.reason?.message ?? '', ...o.differences.map((d) => d.reason ?? ''), ...o.means.map((m) => m.reason ?? ''), ...o.models.flatMap((m) => m.coefficients.map((c) => c.reason ?? ''))]).filter((s) => s !== '');
}

describe('degenerate designs: not estimable with the reason, everywhere', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rcteval-degenerate-'));
      const { participants: p, measurements: m } = c.edit();
      const files = { participants: join(dir, 'p.csv'), measurements: join(dir, 'm.csv') };
      writeCsv(files.participants, p);
      writeCsv(files.measurements, m);
      // The CLI's part is the printing and the exit code: it runs the primary analysis only.
      const planPath = join(dir, 'plan.json');
      const quick = plan();
      for (const k of ['economics', 'costUtility', 'clinicalSignificance', 'doseResponse', 'subgroups', 'missingData']) delete quick[k];
      writeFileSync(planPath, JSON.stringify(quick));

      const parsed = parseAnalysisPlan(plan());
      const analysis = await analyzeTrial(await loadTrialFiles(files, parsed), parsed, { threads: 1 });
      expect(unreportableNumbers(analysis)).toEqual([]);
      const psp = analysis.outcomes.find((o) => o.instrument === 'PSP')!;
      if (c.diagnostic) expect(psp.models[0]!.diagnostics.map((d) => d.code)).toContain(c.diagnostic);
      const reasons = reasonsIn(analysis);
      expect(reasons.some((r) => c.reason.test(r)), reasons.join(' | ')).toBe(true);
      const primary = primaryNotEstimable(analysis);
      expect(primary.length).toBeGreaterThan(0);
      expect(analysis.diagnostics.filter((d) => d.code === 'primary-not-estimable').map((d) => d.message)).toEqual(primary.map((l) => `Primary outcome ${l}`));
      // Nothing the analysis stores sanitised a bad number after the fact.
      expect(analysis.diagnostics.map((d) => d.code)).not.toContain('non-finite-values');

      const report = await buildReport(analysis);
      const primarySection = report.model.sections.find((s) => s.id === 'primary')!;
      expect(primarySection.readings.join(' ')).toMatch(/outcomes estimated \(the others are not estimable/);
      for (const text of [report.markdown, report.html]) {
        expect(/not estimable/i.test(text)).toBe(true);
        expect(c.reason.test(text)).toBe(true);
        // A number that is not one; the OLS warning's prose "(sandwich's vcovHC would return NaN)" names R's behaviour and is not a value.
        expect(text.match(/.{0,60}(e\+30\d|Infinity|(?<!would return )NaN).{0,30}/g) ?? []).toEqual([]);
      }

      const io = { out: '', err: '', stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
      const code = await runCli(['analyze', '--participants', files.participants, '--measurements', files.measurements, '--plan', planPath, '--out', join(dir, 'out'), '--quiet', '--threads', '1'], io);
      expect(code, io.err).toBe(EXIT_PRIMARY_NOT_ESTIMABLE);
      expect(existsSync(join(dir, 'out', 'report.html'))).toBe(true);
      expect(io.out).toMatch(/not estimable: /);
      expect(io.out + io.err).toMatch(c.reason);
      expect(io.err).not.toMatch(/TypeError|Unexpected error/);
      const json = JSON.parse(readFileSync(join(dir, 'out', 'results.json'), 'utf8')) as unknown;
      expect(unreportableNumbers(json)).toEqual([]);
    });
  }
});
