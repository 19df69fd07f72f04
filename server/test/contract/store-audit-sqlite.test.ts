import { join } from 'node:path';
import { openSqliteStore } from '../../src/adapters/store-sqlite/store-sqlite.js';
import { tempDir } from '../helpers/server.js';
import { tamperSqlite } from '../helpers/tamper-db.js';
import { describeAuditLogContract } from './audit-log.contract.js';
import { describeUserListContract } from './user-list.contract.js';

describeAuditLogContract('SQLite file', async () => {
  const dir = tempDir('parley-audit-');
  const file = join(dir.path, 'audit.db');
  const store = await openSqliteStore(file);
  // A second Store on the same file: what the admin CLI is beside a running server.
  const peer = await openSqliteStore(file);
  const tamper = tamperSqlite(file);
  return {
    store,
    peer,
    tamper,
    dispose: async () => {
      await tamper.close();
      await peer.close();
      await store.close();
      dir.remove();
    },
  };
});

describeUserListContract('SQLite file', async () => {
  const dir = tempDir('parley-users-');
  const store = await openSqliteStore(join(dir.path, 'users.db'));
  return {
    store,
    dispose: async () => {
      await store.close();
      dir.remove();
    },
  };
});
