import { openSqliteStore } from '../../src/adapters/store-sqlite/store-sqlite.js';
import { freshSqliteStore } from '../helpers/store-fixtures.js';
import { describeSsoContract } from './sso.contract.js';

describeSsoContract('SQLite file', () => freshSqliteStore(async (file) => ({ peer: await openSqliteStore(file) })));
