/** Trial data: schemas, loaders, validation, inclusion criteria (browser-safe; readCsvFile is in read-file.ts, exported from `rcteval/node`). */
// The capability's modules, whole (for code inside the library and its tests); the public API is the
// named list in src/index.ts.
export * from './types.js';
export * from './csv.js';
export * from './dates.js';
export * from './icd10.js';
export * from './loaders.js';
export * from './schema.js';
export * from './validate.js';
export * from './inclusion.js';
