import { openSqliteStore } from '../../src/adapters/store-sqlite/store-sqlite.js';
import { freshSqliteStore } from '../helpers/store-fixtures.js';
import { describePasskeyContract } from './passkeys.contract.js';

describePasskeyContract('SQLite file', () => freshSqliteStore(async (file) => ({ peer: await openSqliteStore(file) })));
