import { openPostgresStore } from '../../src/adapters/store-postgres/store-postgres.js';
import { createTempDatabase } from '../helpers/postgres.js';
import { tamperPostgres } from '../helpers/tamper-db.js';
import { describeAuditLogContract } from './audit-log.contract.js';
import { describeUserListContract } from './user-list.contract.js';

describeAuditLogContract('PostgreSQL', async () => {
  const database = await createTempDatabase();
  const store = await openPostgresStore(database.url);
  // Another node on the same database.
  const peer = await openPostgresStore(database.url);
  const tamper = await tamperPostgres(database.url);
  return {
    store,
    peer,
    tamper,
    dispose: async () => {
      await tamper.close();
      await store.close();
      await peer.close();
      await database.drop();
    },
  };
});

describeUserListContract('PostgreSQL', async () => {
  const database = await createTempDatabase();
  const store = await openPostgresStore(database.url);
  return {
    store,
    dispose: async () => {
      await store.close();
      await database.drop();
    },
  };
});
