import { openPostgresStore } from '../../src/adapters/store-postgres/store-postgres.js';
import { createTempDatabase } from '../helpers/postgres.js';
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
