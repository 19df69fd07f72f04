import { openPostgresStore } from '../../src/adapters/store-postgres/store-postgres.js';
import { createTempDatabase } from '../helpers/postgres.js';
import { rawPostgres } from '../helpers/raw-db.js';
import { describeAuthzRuleContract } from './authz-rules.contract.js';
import { describeConversationContract } from './conversations.contract.js';
import { describeStoreContract } from './store.contract.js';

describeStoreContract(
  'PostgreSQL',
  async () => {
    const database = await createTempDatabase();
    const store = await openPostgresStore(database.url);
    const peer = await openPostgresStore(database.url);
    return {
      store,
      peer,
      dispose: async () => {
        await store.close();
        await peer.close();
        await database.drop();
      },
    };
  },
  { multiNode: true },
);

describeConversationContract(
  'PostgreSQL',
  async () => {
    const database = await createTempDatabase();
    const store = await openPostgresStore(database.url);
    const peer = await openPostgresStore(database.url);
    const raw = await rawPostgres(database.url);
    return {
      store,
      peer,
      raw,
      dispose: async () => {
        await raw.close();
        await store.close();
        await peer.close();
        await database.drop();
      },
    };
  },
  { multiNode: true },
);

describeAuthzRuleContract('PostgreSQL', async () => {
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
