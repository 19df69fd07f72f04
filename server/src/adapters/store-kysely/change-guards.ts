import type { Kysely } from 'kysely';
import type { ErrorCode, ErrorDetails } from '../../../../protocol/index.js';
import type { Database } from './schema.js';

/** Thrown inside a change's transaction to roll it back (its seq included) and answer a code. */
export class Refused extends Error {
  constructor(
    readonly code: ErrorCode | 'unchanged',
    readonly details?: ErrorDetails,
  ) {
    super(code);
  }
}

/** The user's membership row in the room (role and mute), read inside the change's transaction. */
export function membershipOf(trx: Kysely<Database>, room: string, userId: string) {
  return trx
    .selectFrom('memberships')
    .select(['role', 'muted_until', 'mute_reason'])
    .where('room', '=', room)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}
