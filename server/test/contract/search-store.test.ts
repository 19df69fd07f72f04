import SQLite from 'better-sqlite3';
import pg from 'pg';
import { freshPostgresStore, freshSqliteStore } from '../helpers/store-fixtures.js';
import { describeSearchContract, type Writer } from './search.contract.js';

function sqliteWriter(file: string): Writer {
  const db = new SQLite(file);
  return {
    run: (statement) => Promise.resolve(void db.prepare(statement).run()),
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}

async function postgresWriter(url: string): Promise<Writer> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return { run: async (statement) => void (await client.query(statement)), close: () => client.end() };
}

describeSearchContract('SQLite file', () => freshSqliteStore((file) => ({ writer: sqliteWriter(file) })));
describeSearchContract('PostgreSQL', () => freshPostgresStore(async (url) => ({ writer: await postgresWriter(url) })));
