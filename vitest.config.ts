import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['server/test/**/*.test.ts', 'protocol/**/*.test.ts', 'web/test/**/*.test.ts'],
    // Ceilings, not measurements: they only stop a hung test. A test waits for the condition it
    // needs (a frame, a row, a selector, a log line), however long a busy machine takes to get there;
    // figures about speed belong in `npm run bench`. Tests that start processes, clusters or
    // Chromium set their own, longer ceilings.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // expect.poll waits for a condition; its default of 1 s is a timing bet, not a ceiling.
    expect: { poll: { timeout: 30_000, interval: 50 } },
    // Files run in parallel processes; each test builds its own server on port 0 and its own SQLite file.
    pool: 'forks',
    // Half the cores, at least one: one file keeps more than one core busy (its server processes,
    // a Chromium with its renderer and GPU processes, PostgreSQL and Redis answering it), so more
    // workers than that only make the files starve each other's timers on a shared machine. On two
    // cores that is one worker (Vitest's own default there too): about 4 minutes on two quiet cores,
    // about 7 with two busy processes beside it.
    // `npx vitest run --maxWorkers=N` overrides it.
    maxWorkers: Math.max(1, Math.floor(availableParallelism() / 2)),
    reporters: ['default'],
  },
});
