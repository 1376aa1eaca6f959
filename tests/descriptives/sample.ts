/**
 * The committed sample loaded the way a user would (CSV → loaders → validateTrial), and the
 * R reference values computed from the same files by tests/fixtures/r/descriptives/descriptives.R.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCsvFile } from '../../src/data/read-file.js';
import { validateTrial } from '../../src/data/validate.js';
import type { TrialData } from '../../src/data/types.js';

const root = join(import.meta.dirname, '../..');

export interface RFixture {
  meta: { inputMd5: { participants: string; measurements: string } } & Record<string, unknown>;
  quantiles: { x: number[]; q: number[]; probs: number[] }[];
  describe: Record<string, string | number | null>[];
  flow: Record<string, string | number | null>[];
  baseline: Record<string, string | number | null>[];
}

export function rFixture(): RFixture {
  return JSON.parse(readFileSync(join(root, 'tests/fixtures/r/descriptives/descriptives.json'), 'utf8')) as RFixture;
}

/** MD5 of the sample files, to tell a stale fixture from a wrong result. */
export function sampleMd5(): { participants: string; measurements: string } {
  const md5 = (f: string): string => createHash('md5').update(readFileSync(join(root, 'data-samples', f))).digest('hex');
  return { participants: md5('sft-participants.csv'), measurements: md5('sft-measurements.csv') };
}

export async function loadSample(): Promise<TrialData> {
  const participants = await readCsvFile(join(root, 'data-samples/sft-participants.csv'), { table: 'participants', numericColumns: ['bed_days', 'support_hours'] });
  const measurements = await readCsvFile(join(root, 'data-samples/sft-measurements.csv'), { table: 'measurements' });
  return validateTrial(
    { participants, measurements },
    {
      design: {
        arms: ['control', 'SFT'],
        visits: ['baseline', '9m', '15m'],
        instruments: ['PSP', 'MHRM', 'WHO5', 'EQ5D_INDEX', 'EQ5D_VAS'],
        ungroupedArms: ['control'],
      },
    },
  );
}

/** Relative closeness for statistics computed along different summation paths (R uses long doubles). */
export function expectClose(actual: number | null, expected: number | null, rel = 1e-12): void {
  if (expected === null || actual === null) {
    if (actual !== expected) throw new Error(`expected ${String(expected)}, got ${String(actual)}`);
    return;
  }
  const tol = rel * Math.max(1, Math.abs(expected));
  if (!(Math.abs(actual - expected) <= tol)) throw new Error(`expected ${expected}, got ${actual} (tolerance ${tol})`);
}
