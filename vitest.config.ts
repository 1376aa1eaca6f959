import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Generous, so that a machine busy with other work never fails a test by its clock; a hang still fails.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
    // vitest's default leaves one core idle (availableParallelism − 1): on a 2-core machine the
    // suite ran on one. The suite is CPU-bound, so use every core.
    maxWorkers: Math.max(2, availableParallelism()),
    // The files share no mutable module state (no mocks, no globals), so a worker keeps its module
    // cache between files instead of importing the library afresh for each of ~80 files.
    isolate: false,
  },
});
