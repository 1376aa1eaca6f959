/**
 * Reading a CSV file from disk (Node only; exported from `rcteval/node`). Everything after the
 * bytes are read is the browser-safe {@link fromCsv} and {@link decodeCsvBytes} of loaders.ts,
 * so a browser that has the bytes (fetch, a file input) gets the same table.
 */
import { readFile } from 'node:fs/promises';
import { ArgumentError } from '../errors/index.js';
import { checkOptions } from '../errors/checks.js';
import { CSV_LOAD_OPTION_KEYS, checkTable, decodeCsvBytes, fromCsv, type CsvLoadOptions, type LoadedTable } from './loaders.js';

/**
 * Read a CSV file and load it with {@link fromCsv}. The bytes are decoded by
 * `options.encoding` (UTF-8 by default, strictly: see {@link decodeCsvBytes}); a UTF-8
 * byte-order mark is skipped.
 * @throws ArgumentError for unusable options; the file system's error when the file cannot be read.
 * @throws ValidationError when the bytes are not in the declared encoding.
 * @example
 * const participants = await readCsvFile('data-samples/sft-participants.csv', { table: 'participants' });
 */
export async function readCsvFile(path: string, options: CsvLoadOptions = {}): Promise<LoadedTable> {
  checkOptions('options', options, CSV_LOAD_OPTION_KEYS);
  if (typeof path !== 'string' || path === '') throw new ArgumentError('path', path, 'a file path');
  const bytes = await readFile(path);
  // Decoded here (not by fromCsv) so that an encoding error names the file.
  const encoding = options.encoding ?? 'utf-8';
  const text = decodeCsvBytes(bytes, encoding, checkTable(options.table) ?? 'csv', path);
  const { encoding: _decoded, ...rest } = options;
  return fromCsv(text, rest);
}
