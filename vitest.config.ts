import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Generous, so that a machine busy with other work never fails a test by its clock; a hang still fails.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
