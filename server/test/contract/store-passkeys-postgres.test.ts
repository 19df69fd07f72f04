import { openPostgresStore } from '../../src/adapters/store-postgres/store-postgres.js';
import { freshPostgresStore } from '../helpers/store-fixtures.js';
import { describePasskeyContract } from './passkeys.contract.js';

describePasskeyContract('PostgreSQL', () =>
  freshPostgresStore(async (url) => ({ peer: await openPostgresStore(url) })),
);
