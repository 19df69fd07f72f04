import { openPostgresStore } from '../../src/adapters/store-postgres/store-postgres.js';
import { freshPostgresStore } from '../helpers/store-fixtures.js';
import { rawPostgres } from '../helpers/raw-db.js';
import { describeAuthzRuleContract } from './authz-rules.contract.js';
import { describeConversationContract } from './conversations.contract.js';
import { describeModerationAppendContract } from './moderation-append.contract.js';
import { describeModerationContract } from './moderation.contract.js';
import { describeSecondFactorContract } from './second-factors.contract.js';
import { describeStoreContract } from './store.contract.js';

describeStoreContract('PostgreSQL', () => freshPostgresStore(async (url) => ({ peer: await openPostgresStore(url) })), {
  multiNode: true,
});

describeConversationContract(
  'PostgreSQL',
  () => freshPostgresStore(async (url) => ({ peer: await openPostgresStore(url), raw: await rawPostgres(url) })),
  { multiNode: true },
);

describeAuthzRuleContract('PostgreSQL', () => freshPostgresStore());

describeSecondFactorContract('PostgreSQL', () => freshPostgresStore());

describeModerationContract('PostgreSQL', () =>
  freshPostgresStore(async (url) => ({ peer: await openPostgresStore(url) })),
);

describeModerationAppendContract('PostgreSQL', () =>
  freshPostgresStore(async (url) => ({ peer: await openPostgresStore(url) })),
);
