import type { Kysely, Transaction } from 'kysely';
import {
  normalizeAuthzRule,
  InvalidAuthzRuleError,
  type AuthzRule,
  type AuthzRuleStore,
} from '../../ports/authz-rule-store.js';
import { AUTHZ_VALUE_COLUMNS } from './authz-rules-migration.js';
import type { Database } from './schema.js';

type Column = (typeof AUTHZ_VALUE_COLUMNS)[number];

/** Rows per INSERT: 7 parameters each, far below SQLite's and PostgreSQL's limits. */
const CHUNK = 500;

function toRow(rule: AuthzRule): { ptype: string } & Record<Column, string> {
  const { ptype, values } = normalizeAuthzRule(rule);
  const row = { ptype } as { ptype: string } & Record<Column, string>;
  AUTHZ_VALUE_COLUMNS.forEach((column, i) => (row[column] = values[i] ?? ''));
  return row;
}

function fromRow(row: { ptype: string } & Record<Column, string>): AuthzRule {
  const values = AUTHZ_VALUE_COLUMNS.map((column) => row[column]);
  while (values.length > 0 && values[values.length - 1] === '') values.pop();
  return { ptype: row.ptype, values };
}

async function insert(db: Kysely<Database> | Transaction<Database>, rows: ReturnType<typeof toRow>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db
      .insertInto('authz_rules')
      .values(rows.slice(i, i + CHUNK))
      .onConflict((conflict) => conflict.doNothing())
      .execute();
  }
}

/** The rules table over Kysely: the same queries on SQLite and PostgreSQL. Values are bound, never spliced. */
export function kyselyAuthzRules(db: Kysely<Database>): AuthzRuleStore {
  return {
    async listAuthzRules() {
      const rows = await db
        .selectFrom('authz_rules')
        .select(['ptype', ...AUTHZ_VALUE_COLUMNS])
        .orderBy('ptype')
        .orderBy('v0')
        .orderBy('v1')
        .orderBy('v2')
        .orderBy('v3')
        .orderBy('v4')
        .orderBy('v5')
        .execute();
      return rows.map(fromRow);
    },

    async addAuthzRules(rules) {
      const rows = rules.map(toRow);
      if (rows.length === 0) return;
      await db.transaction().execute((trx) => insert(trx, rows));
    },

    async removeAuthzRules(rules) {
      const rows = rules.map(toRow);
      if (rows.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (const row of rows) {
          let query = trx.deleteFrom('authz_rules').where('ptype', '=', row.ptype);
          for (const column of AUTHZ_VALUE_COLUMNS) query = query.where(column, '=', row[column]);
          await query.execute();
        }
      });
    },

    async removeFilteredAuthzRules(ptype, fieldIndex, fieldValues) {
      if (
        !Number.isInteger(fieldIndex) ||
        fieldIndex < 0 ||
        fieldIndex + fieldValues.length > AUTHZ_VALUE_COLUMNS.length
      ) {
        throw new InvalidAuthzRuleError(`no such fields: ${fieldIndex}..${fieldIndex + fieldValues.length - 1}`);
      }
      let query = db.deleteFrom('authz_rules').where('ptype', '=', ptype);
      fieldValues.forEach((value, i) => {
        const column = AUTHZ_VALUE_COLUMNS[fieldIndex + i];
        if (value !== '' && column) query = query.where(column, '=', value);
      });
      await query.execute();
    },

    async replaceAuthzRules(rules) {
      const rows = rules.map(toRow);
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('authz_rules').execute();
        await insert(trx, rows);
      });
    },
  };
}
