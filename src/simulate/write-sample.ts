/**
 * Writing the committed sample's CSV files (Node only; exported from `rcteval/node`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArgumentError } from '../errors/index.js';
import type { SimulateTrialOptions } from './options.js';
import { SAMPLE_FILES, SAMPLE_OPTIONS, sampleCsv } from './sample.js';

/**
 * Write the sample's three CSV files into `dir` (created if absent).
 * @param dir - target folder.
 * @param options - generator options; default {@link SAMPLE_OPTIONS}.
 * @returns the paths written.
 * @throws ArgumentError when `dir` is not a non-empty string or an option is invalid.
 * @example
 * writeSample('data-samples'); // { participants: 'data-samples/sft-participants.csv', measurements: 'data-samples/sft-measurements.csv', register: 'data-samples/sft-register.csv' }
 */
export function writeSample(dir: string, options: SimulateTrialOptions = SAMPLE_OPTIONS): { participants: string; measurements: string; register: string } {
  if (typeof dir !== 'string' || dir === '') throw new ArgumentError('dir', dir, 'a folder path');
  const csv = sampleCsv(options);
  mkdirSync(dir, { recursive: true });
  const participants = join(dir, SAMPLE_FILES.participants);
  const measurements = join(dir, SAMPLE_FILES.measurements);
  writeFileSync(participants, csv.participants);
  const register = join(dir, SAMPLE_FILES.register);
  writeFileSync(measurements, csv.measurements);
  writeFileSync(register, csv.register);
  return { participants, measurements, register };
}
