import SQLite from 'better-sqlite3';
import pg from 'pg';

/**
 * A writable connection behind the Store's back, for tests that play an intruder with database
 * access: they change, delete or swap rows the Store never would, and check that it is noticed.
 */
export interface TamperDb {
  /** Runs statements as given (tests build them from values they made themselves). */
  execute(statements: string): Promise<void>;
  close(): Promise<void>;
}

export function tamperSqlite(filename: string): TamperDb {
  const db = new SQLite(filename);
  db.pragma('busy_timeout = 5000');
  return {
    execute(statements) {
      db.exec(statements);
      return Promise.resolve();
    },
    close() {
      db.close();
      return Promise.resolve();
    },
  };
}

export async function tamperPostgres(url: string): Promise<TamperDb> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    async execute(statements) {
      await client.query(statements);
    },
    close: () => client.end(),
  };
}
