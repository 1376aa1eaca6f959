/** Outcome instruments: the registry, the bundled SFT instruments and score helpers. */
// The capability's modules, whole (for code inside the library and its tests); the public API is the
// named list in src/index.ts.
export * from './types.js';
export * from './registry.js';
export * from './defaults.js';
