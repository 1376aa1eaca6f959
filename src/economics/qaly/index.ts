/** Cost-utility: QALYs from a utility index, baseline adjustment, skewed-value readings, cost per QALY and EVPI. */
// The capability's modules, whole (for code inside the library and its tests); the public API is the
// named list in src/index.ts.
export * from './qaly.js';
export * from './baseline-adjustment.js';
export * from './largest-values.js';
export * from './cost-utility.js';
