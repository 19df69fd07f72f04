import { openPostgresStore } from '../../src/adapters/store-postgres/store-postgres.js';
import { freshPostgresStore } from '../helpers/store-fixtures.js';
import { describeSsoContract } from './sso.contract.js';

describeSsoContract('PostgreSQL', () => freshPostgresStore(async (url) => ({ peer: await openPostgresStore(url) })));
