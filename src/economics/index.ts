/**
 * Economics: costs by arm, trial-based cost-effectiveness (bootstrap CE plane and
 * acceptability curve, net-benefit regression), the municipal group-course cost model and the
 * level-1 cost assessment, and gamma and two-part models for skewed costs.
 */
// Every module of the capability, whole: this barrel is an entry point for tests and benches that
// load the capability as one module (e.g. the bootstrap's worker loading). The public API is the
// named list in src/index.ts.
export * from './types.js';
export * from './validate.js';
export * from './costs-by-arm.js';
export * from './effects.js';
export * from './icer.js';
export * from './cost-effectiveness.js';
export * from './net-benefit-regression.js';
export * from './qaly/index.js';
export * from './skewed-costs.js';
export * from './bootstrap/intervals.js';
export * from './bootstrap/units.js';
export * from './group-course.js';
export * from './level-one.js';
export type { WorkerPool, WorkerPoolOptions, ThreadingOptions } from '../parallel/types.js';
