import { createTempDatabase } from './postgres.js';

/** SQLite (the test server's own file) and a fresh PostgreSQL database, for `describe.each`. */
export const BACKENDS: [string, () => Promise<{ env: Record<string, string>; dispose: () => Promise<void> }>][] = [
  ['SQLite', () => Promise.resolve({ env: {}, dispose: () => Promise.resolve() })],
  [
    'PostgreSQL',
    async () => {
      const database = await createTempDatabase();
      return { env: { DATABASE_URL: database.url }, dispose: () => database.drop() };
    },
  ],
];

/** A clock a test moves forward by hand (the real time plus an offset). */
export function movableClock() {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance(ms: number) {
      offset += ms;
    },
  };
}
