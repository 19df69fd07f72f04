import { sql, type Kysely } from 'kysely';
import type {
  ChangeResult,
  MembershipLimits,
  RoomChange,
  StoredEvent,
  StoredEventKind,
} from '../../ports/conversation-store.js';
import { membershipOf, Refused } from './change-guards.js';
import { applyModeration, isBanned, muteStillRunning } from './moderation-changes.js';
import { selectEvents, toEvent } from './room-events.js';
import type { Database } from './schema.js';

/**
 * Applying one change to a room, inside the caller's transaction. Every change first bumps the room's
 * `last_seq` (which locks the room row on PostgreSQL, so the checks below see the latest state and
 * changes to one room queue up), then checks, changes the state tables and stores its event; a
 * refusal throws `Refused`, which rolls all of it back, seq included.
 */

export { Refused } from './change-guards.js';

export async function applyRoomChange(trx: Kysely<Database>, change: RoomChange): Promise<ChangeResult> {
  const seq = await nextSeq(trx, change.room);
  const at = change.at;
  // Changes to messages are a member's, checked under the room's lock: one racing the author's
  // removal is refused, not stored after it. A moderator's deletion is the gate's decision (a global
  // moderator need not be a member). A muted member may delete their messages, not add words or reactions.
  if (
    change.kind === 'edit' ||
    (change.kind === 'delete' && !change.byModerator) ||
    change.kind === 'reaction_add' ||
    change.kind === 'reaction_remove'
  ) {
    const member = await membershipOf(trx, change.room, change.actorId);
    if (!member) throw new Refused('NOT_IN_ROOM');
    if (change.kind !== 'delete' && member.muted_until !== null && member.muted_until > change.at) {
      throw new Refused('MUTED', {
        until: member.muted_until,
        ...(member.mute_reason ? { reason: member.mute_reason } : {}),
      });
    }
  }
  switch (change.kind) {
    case 'edit': {
      const message = await liveMessage(trx, change.room, change.messageId);
      if (message.text === change.text) throw new Refused('unchanged');
      await trx
        .updateTable('messages')
        .set({ text: change.text, edited_at: at, mention_ids: change.mentions.join(' ') })
        .where('id', '=', change.messageId)
        .execute();
      await trx.deleteFrom('mentions').where('message_id', '=', change.messageId).execute();
      if (change.mentions.length > 0) {
        await trx
          .insertInto('mentions')
          .values(
            change.mentions.map((userId) => ({
              user_id: userId,
              room: change.room,
              seq: message.seq,
              message_id: change.messageId,
            })),
          )
          .execute();
      }
      return applied(trx, change.room, seq, 'edit', change.actorId, at, { messageId: change.messageId });
    }
    case 'delete': {
      await liveMessage(trx, change.room, change.messageId);
      // The words are gone: the row keeps its place (seq, author, time), not its text.
      await trx
        .updateTable('messages')
        .set({ text: '', deleted_at: at, mention_ids: '' })
        .where('id', '=', change.messageId)
        .execute();
      await trx.deleteFrom('mentions').where('message_id', '=', change.messageId).execute();
      await trx.deleteFrom('reactions').where('message_id', '=', change.messageId).execute();
      // Its files go with it: the rows now, the blobs once this commits (the caller's part).
      const files = await trx
        .deleteFrom('files')
        .where('message_id', '=', change.messageId)
        .returning(['blob_key', 'thumb_key'])
        .execute();
      const event = await insertEvent(trx, change.room, seq, 'delete', change.actorId, at, {
        messageId: change.messageId,
        data: { byModerator: change.byModerator },
      });
      const removedBlobs = files.flatMap((f) => (f.thumb_key === null ? [f.blob_key] : [f.blob_key, f.thumb_key]));
      return { status: 'applied', event, ...(removedBlobs.length === 0 ? {} : { removedBlobs }) };
    }
    case 'reaction_add':
    case 'reaction_remove': {
      await liveMessage(trx, change.room, change.messageId);
      const mine = { message_id: change.messageId, user_id: change.actorId, emoji: change.emoji };
      const has = await trx
        .selectFrom('reactions')
        .select('emoji')
        .where('message_id', '=', mine.message_id)
        .where('user_id', '=', mine.user_id)
        .where('emoji', '=', mine.emoji)
        .executeTakeFirst();
      if (change.kind === 'reaction_add') {
        if (has) throw new Refused('unchanged');
        const emojiOnMessage = await trx
          .selectFrom('reactions')
          .select('emoji')
          .where('message_id', '=', change.messageId)
          .where('emoji', '=', change.emoji)
          .limit(1)
          .executeTakeFirst();
        if (!emojiOnMessage) {
          const distinct = await trx
            .selectFrom('reactions')
            .select(sql<number>`count(distinct emoji)`.as('n'))
            .where('message_id', '=', change.messageId)
            .executeTakeFirstOrThrow();
          if (Number(distinct.n) >= change.maxDistinct) throw new Refused('REACTION_LIMIT');
        }
        await trx
          .insertInto('reactions')
          .values({ ...mine, created_at: at })
          .execute();
      } else {
        if (!has) throw new Refused('unchanged');
        await trx
          .deleteFrom('reactions')
          .where('message_id', '=', mine.message_id)
          .where('user_id', '=', mine.user_id)
          .where('emoji', '=', mine.emoji)
          .execute();
      }
      const count = await trx
        .selectFrom('reactions')
        .select(sql<number>`count(*)`.as('n'))
        .where('message_id', '=', change.messageId)
        .where('emoji', '=', change.emoji)
        .executeTakeFirstOrThrow();
      return applied(trx, change.room, seq, change.kind, change.actorId, at, {
        messageId: change.messageId,
        data: { emoji: change.emoji, count: Number(count.n) },
      });
    }
    case 'member_join':
    case 'member_add': {
      const room = await trx
        .selectFrom('rooms')
        .select('kind')
        .where('name', '=', change.room)
        .executeTakeFirstOrThrow();
      await addMember(trx, change.room, change.userId, change.role, at, change.limits, room.kind === 'dm');
      return applied(trx, change.room, seq, change.kind, change.actorId, at, {
        targetId: change.userId,
        data: { role: change.role },
      });
    }
    case 'member_leave':
    case 'member_remove': {
      const leaving = await membershipOf(trx, change.room, change.userId);
      if (!leaving) throw new Refused('unchanged');
      // A room with members always keeps an owner: checked here, under the lock, so a join racing
      // the last owner's departure cannot leave the room without one.
      if (change.kind === 'member_leave' && leaving.role === 'owner') {
        const others = await trx
          .selectFrom('memberships')
          .select(['role'])
          .where('room', '=', change.room)
          .where('user_id', '!=', change.userId)
          .orderBy(sql`case when role = 'owner' then 0 else 1 end`)
          .limit(1)
          .executeTakeFirst();
        if (others && others.role !== 'owner') throw new Refused('LAST_OWNER');
      }
      const removed = await trx
        .deleteFrom('memberships')
        .where('room', '=', change.room)
        .where('user_id', '=', change.userId)
        .executeTakeFirst();
      if (removed.numDeletedRows !== 1n) throw new Refused('unchanged');
      await trx
        .updateTable('rooms')
        .set({ member_count: sql`member_count - 1` })
        .where('name', '=', change.room)
        .execute();
      return applied(trx, change.room, seq, change.kind, change.actorId, at, { targetId: change.userId });
    }
    case 'room_change': {
      const room = await trx.selectFrom('rooms').selectAll().where('name', '=', change.room).executeTakeFirstOrThrow();
      const data: Record<string, unknown> = {};
      if (change.topic !== undefined && change.topic !== room.topic) data['topic'] = change.topic;
      if (change.visibility !== undefined && change.visibility !== room.visibility)
        data['visibility'] = change.visibility;
      if (change.readOnly !== undefined && change.readOnly !== (room.read_only !== 0))
        data['readOnly'] = change.readOnly;
      if (change.slowModeSeconds !== undefined && change.slowModeSeconds !== room.slow_mode_seconds)
        data['slowModeSeconds'] = change.slowModeSeconds;
      if (Object.keys(data).length === 0) throw new Refused('unchanged');
      await trx
        .updateTable('rooms')
        .set({
          ...(data['topic'] === undefined ? {} : { topic: change.topic }),
          ...(data['visibility'] === undefined ? {} : { visibility: change.visibility }),
          ...(data['readOnly'] === undefined ? {} : { read_only: change.readOnly ? 1 : 0 }),
          ...(data['slowModeSeconds'] === undefined ? {} : { slow_mode_seconds: change.slowModeSeconds }),
        })
        .where('name', '=', change.room)
        .execute();
      return applied(trx, change.room, seq, 'room_change', change.actorId, at, { data });
    }
    case 'member_kick':
    case 'member_ban':
    case 'member_unban':
    case 'member_role':
    case 'member_mute':
    case 'member_unmute':
      return applied(trx, change.room, seq, change.kind, change.actorId, at, await applyModeration(trx, change));
  }
}

/** Takes the room's next seq, locking its row until the transaction ends; ROOM_NOT_FOUND if it is gone. */
export async function nextSeq(trx: Kysely<Database>, room: string): Promise<number> {
  const row = await trx
    .updateTable('rooms')
    .set({ last_seq: sql`last_seq + 1` })
    .where('name', '=', room)
    .returning('last_seq')
    .executeTakeFirst();
  if (!row) throw new Refused('ROOM_NOT_FOUND');
  return row.last_seq;
}

/** The message, if it is in the room and not deleted. */
async function liveMessage(trx: Kysely<Database>, room: string, id: string): Promise<{ seq: number; text: string }> {
  const message = await trx
    .selectFrom('messages')
    .select(['seq', 'text', 'deleted_at'])
    .where('room', '=', room)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!message) throw new Refused('MESSAGE_NOT_FOUND');
  if (message.deleted_at !== null) throw new Refused('MESSAGE_DELETED');
  return message;
}

export async function addMember(
  trx: Kysely<Database>,
  room: string,
  userId: string,
  role: string,
  at: string,
  limits: MembershipLimits,
  isDm: boolean,
): Promise<void> {
  if (await membershipOf(trx, room, userId)) throw new Refused('unchanged');
  // Under the room's lock: a ban that committed first is seen; one still running waits for this join.
  if (await isBanned(trx, room, userId)) throw new Refused('BANNED_FROM_ROOM');
  // Rooms and DMs are counted apart, each up to the limit: a flood of DMs someone else opened cannot
  // keep anyone out of rooms.
  const mine = await trx
    .selectFrom('memberships as m')
    .innerJoin('rooms as r', 'r.name', 'm.room')
    .select(sql<number>`count(*)`.as('n'))
    .where('m.user_id', '=', userId)
    .where('r.kind', '=', isDm ? 'dm' : 'room')
    .executeTakeFirstOrThrow();
  if (Number(mine.n) >= limits.roomsPerUser) throw new Refused('ROOM_LIMIT_REACHED');
  if (!isDm) {
    const size = await trx
      .selectFrom('rooms')
      .select('member_count')
      .where('name', '=', room)
      .executeTakeFirstOrThrow();
    if (size.member_count >= limits.membersPerRoom) throw new Refused('ROOM_FULL');
  }
  const last = await trx.selectFrom('rooms').select('last_seq').where('name', '=', room).executeTakeFirstOrThrow();
  // A newcomer has nothing unread from before they came.
  // A mute outlives leaving: coming back within it finds it again (the room's events remember it).
  const mute = isDm ? undefined : await muteStillRunning(trx, room, userId, at);
  await trx
    .insertInto('memberships')
    .values({
      room,
      user_id: userId,
      role,
      joined_at: at,
      last_read_seq: last.last_seq,
      muted_until: mute?.until ?? null,
      mute_reason: mute?.reason ?? null,
    })
    .execute();
  await trx
    .updateTable('rooms')
    .set({ member_count: sql`member_count + 1` })
    .where('name', '=', room)
    .execute();
}

export async function applied(...event: Parameters<typeof insertEvent>): Promise<ChangeResult> {
  return { status: 'applied', event: await insertEvent(...event) };
}

export async function insertEvent(
  trx: Kysely<Database>,
  room: string,
  seq: number,
  kind: StoredEventKind,
  actorId: string,
  at: string,
  refs: { messageId?: string; targetId?: string; data?: Record<string, unknown> },
): Promise<StoredEvent> {
  await trx
    .insertInto('room_events')
    .values({
      room,
      seq,
      kind,
      actor_id: actorId,
      message_id: refs.messageId ?? null,
      target_id: refs.targetId ?? null,
      data: JSON.stringify(refs.data ?? {}),
      created_at: at,
    })
    .execute();
  const row = await selectEvents(trx).where('e.room', '=', room).where('e.seq', '=', seq).executeTakeFirstOrThrow();
  return toEvent(row);
}
