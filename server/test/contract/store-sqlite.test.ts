import { join } from 'node:path';
import { openSqliteStore } from '../../src/adapters/store-sqlite/store-sqlite.js';
import { tempDir } from '../helpers/server.js';
import { describeStoreContract } from './store.contract.js';

describeStoreContract('SQLite file', async () => {
  const dir = tempDir('parley-store-');
  const store = await openSqliteStore(join(dir.path, 'contract.db'));
  return {
    store,
    dispose: async () => {
      await store.close();
      dir.remove();
    },
  };
});
