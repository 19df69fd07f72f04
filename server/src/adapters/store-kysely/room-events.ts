import type { Kysely } from 'kysely';
import type { StoredEvent, StoredEventKind } from '../../ports/conversation-store.js';
import { splitIds } from './messages.js';
import type { Database } from './schema.js';

/** Room events as they are read: with their actor's and target's names and the message's current state. */
export function selectEvents(db: Kysely<Database>) {
  return db
    .selectFrom('room_events as e')
    .innerJoin('users as a', 'a.id', 'e.actor_id')
    .leftJoin('users as t', 't.id', 'e.target_id')
    .leftJoin('messages as msg', 'msg.id', 'e.message_id')
    .select([
      'e.room',
      'e.seq',
      'e.kind',
      'e.actor_id',
      'a.username as actor_name',
      'e.message_id',
      'e.target_id',
      't.username as target_name',
      'e.data',
      'e.created_at',
      'msg.text as msg_text',
      'msg.edited_at as msg_edited_at',
      'msg.deleted_at as msg_deleted_at',
      'msg.mention_ids as msg_mention_ids',
    ]);
}

type EventRow = Awaited<ReturnType<ReturnType<typeof selectEvents>['executeTakeFirstOrThrow']>>;

export function toEvent(row: EventRow): StoredEvent {
  return {
    room: row.room,
    seq: row.seq,
    kind: row.kind as StoredEventKind,
    actorId: row.actor_id,
    actorName: row.actor_name,
    createdAt: row.created_at,
    messageId: row.message_id,
    targetId: row.target_id,
    targetName: row.target_name,
    message:
      row.message_id === null || row.msg_text === null
        ? null
        : {
            text: row.msg_text,
            editedAt: row.msg_edited_at,
            deletedAt: row.msg_deleted_at,
            mentions: splitIds(row.msg_mention_ids ?? ''),
          },
    data: JSON.parse(row.data) as Record<string, unknown>,
  };
}
