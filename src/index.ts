/**
 * rcteval: evaluate randomised controlled trials of social and mental-health interventions.
 *
 * The public API, grouped by capability.
 */
export * from './errors/index.js';
export type * from './data/types.js';
export { createRng, type Rng } from './random/rng.js';
