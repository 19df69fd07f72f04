import { openPostgresStore } from '../../src/adapters/store-postgres/store-postgres.js';
import { freshPostgresStore } from '../helpers/store-fixtures.js';
import { tamperPostgres } from '../helpers/tamper-db.js';
import { describeAuditLogContract } from './audit-log.contract.js';
import { describeSuspensionContract } from './suspension.contract.js';
import { describeUserListContract } from './user-list.contract.js';

describeAuditLogContract('PostgreSQL', () =>
  // Another node on the same database, and a connection that changes rows behind the store's back.
  freshPostgresStore(async (url) => ({ peer: await openPostgresStore(url), tamper: await tamperPostgres(url) })),
);

describeUserListContract('PostgreSQL', () => freshPostgresStore());

describeSuspensionContract('PostgreSQL', () => freshPostgresStore());
