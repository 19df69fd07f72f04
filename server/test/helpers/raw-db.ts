import SQLite from 'better-sqlite3';
import pg from 'pg';

/**
 * The database as it is on disk, read behind the Store's back: a test that must prove something is
 * gone (a deleted message's words) looks at every row of every table, not at what the Store chooses
 * to return.
 */
export interface RawDb {
  /** Every row of every table, as JSON text, one table after another. */
  dump(): Promise<string>;
  /** One query's rows (no parameters: tests build it from values they made themselves). */
  rows(query: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** A second, read-only connection to the SQLite file the Store writes (WAL: it sees every commit). */
export function rawSqlite(filename: string): RawDb {
  const db = new SQLite(filename, { readonly: true });
  const rows = (query: string) => db.prepare(query).all() as Record<string, unknown>[];
  return {
    dump() {
      const tables = db
        .prepare("select name from sqlite_master where type = 'table' order by name")
        .pluck()
        .all() as string[];
      return Promise.resolve(
        tables.map((table) => `${table}: ${JSON.stringify(rows(`select * from "${table}"`))}`).join('\n'),
      );
    },
    rows: (query) => Promise.resolve(rows(query)),
    close() {
      db.close();
      return Promise.resolve();
    },
  };
}

/** A plain `pg` client on the test database the Store uses. */
export async function rawPostgres(url: string): Promise<RawDb> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const rows = async (query: string) => (await client.query<Record<string, unknown>>(query)).rows;
  return {
    async dump() {
      const tables = await rows(
        "select table_name as name from information_schema.tables where table_schema = 'public' order by table_name",
      );
      const parts: string[] = [];
      for (const { name } of tables)
        parts.push(`${String(name)}: ${JSON.stringify(await rows(`select * from "${String(name)}"`))}`);
      return parts.join('\n');
    },
    rows,
    close: () => client.end(),
  };
}
