import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['server/test/**/*.test.ts', 'protocol/**/*.test.ts', 'web/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Files run in parallel processes; each test builds its own server on port 0 and its own SQLite file.
    pool: 'forks',
    reporters: ['default'],
  },
});
