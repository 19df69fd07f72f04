import { join } from 'node:path';
import { createTempDatabase } from './postgres.js';
import { rawPostgres, rawSqlite, type RawDb } from './raw-db.js';

export interface Backend {
  env: Record<string, string>;
  dispose: () => Promise<void>;
  /** A raw connection to the database the server (started with `env`, on `dataDir`) writes. */
  raw: (dataDir: string) => Promise<RawDb>;
}

/** SQLite (the test server's own file) and a fresh PostgreSQL database, for `describe.each`. */
export const BACKENDS: [string, () => Promise<Backend>][] = [
  [
    'SQLite',
    () =>
      Promise.resolve({
        env: {},
        dispose: () => Promise.resolve(),
        raw: (dataDir: string) => Promise.resolve(rawSqlite(join(dataDir, 'parley.db'))),
      }),
  ],
  [
    'PostgreSQL',
    async () => {
      const database = await createTempDatabase();
      return {
        env: { DATABASE_URL: database.url },
        dispose: () => database.drop(),
        raw: () => rawPostgres(database.url),
      };
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
