import { openSqliteStore } from '../../src/adapters/store-sqlite/store-sqlite.js';
import { freshSqliteStore } from '../helpers/store-fixtures.js';
import { tamperSqlite } from '../helpers/tamper-db.js';
import { describeAuditLogContract } from './audit-log.contract.js';
import { describeSuspensionContract } from './suspension.contract.js';
import { describeUserListContract } from './user-list.contract.js';

describeAuditLogContract('SQLite file', () =>
  // A second Store on the same file (what the admin CLI is beside a running server), and a tamperer.
  freshSqliteStore(async (file) => ({ peer: await openSqliteStore(file), tamper: tamperSqlite(file) })),
);

describeUserListContract('SQLite file', () => freshSqliteStore());

describeSuspensionContract('SQLite file', () => freshSqliteStore());
