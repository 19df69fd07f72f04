import { sql, type Kysely, type Selectable } from 'kysely';
import type { ErrorCode } from '../../../../protocol/index.js';
import type {
  ChangeResult,
  ConversationStore,
  MembershipLimits,
  RoomChange,
  StoredEvent,
  StoredEventKind,
  StoredMembership,
} from '../../ports/conversation-store.js';
import { MAX_SEQ, splitIds, toRoom } from './messages.js';
import type { Database } from './schema.js';

/** Thrown inside a change's transaction to roll it back (its seq included) and answer a code. */
class Refused extends Error {
  constructor(readonly code: ErrorCode | 'unchanged') {
    super(code);
  }
}

/**
 * Rooms, memberships and room events. Every change first bumps the room's `last_seq` (which locks the
 * room row on PostgreSQL, so checks below see the latest state and changes to one room queue up),
 * then checks, changes the state tables and stores its event — one transaction; a refusal throws and
 * rolls all of it back, seq included.
 */
export function kyselyConversations(db: Kysely<Database>): ConversationStore {
  return {
    async findRoom(name) {
      const row = await db.selectFrom('rooms').selectAll().where('name', '=', name).executeTakeFirst();
      return row && toRoom(row);
    },

    async createRoom(room, limits) {
      try {
        return await db.transaction().execute(async (trx) => {
          const inserted = await trx
            .insertInto('rooms')
            .values({
              name: room.name,
              created_at: room.at,
              kind: room.kind,
              visibility: room.visibility,
              topic: room.topic,
              created_by: room.createdBy,
            })
            .onConflict((c) => c.column('name').doNothing())
            .executeTakeFirst();
          if (inserted.numInsertedOrUpdatedRows !== 1n) return { status: 'taken' as const };
          const events: StoredEvent[] = [];
          for (const member of room.members) {
            const seq = await nextSeq(trx, room.name);
            await addMember(trx, room.name, member.userId, member.role, room.at, limits, room.kind === 'dm');
            const kind = member.userId === room.createdBy ? 'member_join' : 'member_add';
            events.push(
              await insertEvent(trx, room.name, seq, kind, room.createdBy, room.at, {
                targetId: member.userId,
                data: { role: member.role },
              }),
            );
          }
          const created = await trx
            .selectFrom('rooms')
            .selectAll()
            .where('name', '=', room.name)
            .executeTakeFirstOrThrow();
          return { status: 'created' as const, room: toRoom(created), events };
        });
      } catch (error) {
        if (error instanceof Refused && error.code !== 'unchanged') return { status: 'refused', code: error.code };
        throw error;
      }
    },

    async findMembership(room, userId) {
      const row = await db
        .selectFrom('memberships')
        .selectAll()
        .where('room', '=', room)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row && toMembership(row);
    },

    async listMembers(room, limit) {
      const rows = await db
        .selectFrom('memberships as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select(['m.user_id', 'u.username', 'm.role', 'm.joined_at'])
        .where('m.room', '=', room)
        .orderBy(sql`case when m.role = 'owner' then 0 else 1 end`)
        .orderBy('u.username_key')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        userId: r.user_id,
        username: r.username,
        role: r.role as StoredMembership['role'],
        joinedAt: r.joined_at,
      }));
    },

    async listRoomsFor(userId, publicLimit, unreadCap) {
      // Counts stop at the cap, so a room with a huge backlog costs no more than a small one.
      const mine = await db
        .selectFrom('memberships as m')
        .innerJoin('rooms as r', 'r.name', 'm.room')
        .selectAll('r')
        .select(['m.role', 'm.joined_at', 'm.last_read_seq'])
        .select((eb) => [
          eb
            .selectFrom(
              eb
                .selectFrom('messages as x')
                .select(sql`1`.as('one'))
                .whereRef('x.room', '=', 'm.room')
                .whereRef('x.seq', '>', 'm.last_read_seq')
                .where('x.user_id', '!=', userId)
                .where('x.deleted_at', 'is', null)
                .limit(unreadCap)
                .as('unread_rows'),
            )
            .select(sql<number>`count(*)`.as('c'))
            .as('unread'),
          eb
            .selectFrom(
              eb
                .selectFrom('mentions as y')
                .select(sql`1`.as('one'))
                .where('y.user_id', '=', userId)
                .whereRef('y.room', '=', 'm.room')
                .whereRef('y.seq', '>', 'm.last_read_seq')
                .limit(unreadCap)
                .as('mention_rows'),
            )
            .select(sql<number>`count(*)`.as('c'))
            .as('mention_count'),
        ])
        .where('m.user_id', '=', userId)
        .orderBy('r.name')
        .execute();
      const publicRooms = await db
        .selectFrom('rooms as r')
        .selectAll('r')
        .where('r.visibility', '=', 'public')
        .where('r.kind', '=', 'room')
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('memberships as m')
                .select(sql`1`.as('one'))
                .whereRef('m.room', '=', 'r.name')
                .where('m.user_id', '=', userId),
            ),
          ),
        )
        .orderBy('r.name')
        .limit(publicLimit)
        .execute();
      const dms = mine.filter((row) => row.kind === 'dm').map((row) => row.name);
      const dmMembers = new Map<string, { id: string; username: string }[]>();
      if (dms.length > 0) {
        const rows = await db
          .selectFrom('memberships as m')
          .innerJoin('users as u', 'u.id', 'm.user_id')
          .select(['m.room', 'u.id', 'u.username'])
          .where('m.room', 'in', dms)
          .orderBy('u.username_key')
          .execute();
        for (const row of rows) {
          let list = dmMembers.get(row.room);
          if (!list) dmMembers.set(row.room, (list = []));
          list.push({ id: row.id, username: row.username });
        }
      }
      return [
        ...mine.map((row) => ({
          room: toRoom(row),
          membership: {
            room: row.name,
            userId,
            role: row.role as StoredMembership['role'],
            joinedAt: row.joined_at,
            lastReadSeq: row.last_read_seq,
          },
          unread: Number(row.unread),
          mentions: Number(row.mention_count),
          members: row.kind === 'dm' ? (dmMembers.get(row.name) ?? []) : undefined,
        })),
        ...publicRooms.map((row) => ({
          room: toRoom(row),
          membership: undefined,
          unread: 0,
          mentions: 0,
          members: undefined,
        })),
      ];
    },

    async membersNamed(room, usernames) {
      if (usernames.length === 0) return [];
      const rows = await db
        .selectFrom('memberships as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select('u.id')
        .where('m.room', '=', room)
        .where(
          'u.username_key',
          'in',
          usernames.map((name) => name.toLowerCase()),
        )
        .execute();
      return rows.map((row) => row.id);
    },

    async applyChange(change) {
      try {
        return await db.transaction().execute((trx) => apply(trx, change));
      } catch (error) {
        if (error instanceof Refused) {
          return error.code === 'unchanged' ? { status: 'unchanged' } : { status: 'refused', code: error.code };
        }
        throw error;
      }
    },

    async eventsAfter(room, afterSeq, limit) {
      const rows = await selectEvents(db)
        .where('e.room', '=', room)
        .where('e.seq', '>', Math.min(afterSeq, MAX_SEQ))
        .orderBy('e.seq', 'asc')
        .limit(limit)
        .execute();
      return rows.map(toEvent);
    },

    async markRead(room, userId, seq) {
      // Forward only, and never past the room's last seq (portable SQL: no greatest/least or max/min).
      const wanted = sql<number>`(select case when last_seq < ${Math.min(seq, MAX_SEQ)} then last_seq else ${Math.min(seq, MAX_SEQ)} end from rooms where rooms.name = ${room})`;
      const row = await db
        .updateTable('memberships')
        .set({ last_read_seq: sql`case when ${wanted} > last_read_seq then ${wanted} else last_read_seq end` })
        .where('room', '=', room)
        .where('user_id', '=', userId)
        .returning('last_read_seq')
        .executeTakeFirst();
      return row?.last_read_seq;
    },
  };
}

async function apply(trx: Kysely<Database>, change: RoomChange): Promise<ChangeResult> {
  const seq = await nextSeq(trx, change.room);
  const at = change.at;
  // Changes to messages are a member's, checked under the room's lock: one racing the author's
  // removal is refused, not stored after it.
  if (
    change.kind === 'edit' ||
    change.kind === 'delete' ||
    change.kind === 'reaction_add' ||
    change.kind === 'reaction_remove'
  ) {
    if (!(await membershipOf(trx, change.room, change.actorId))) throw new Refused('NOT_IN_ROOM');
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
      return applied(trx, change.room, seq, 'delete', change.actorId, at, {
        messageId: change.messageId,
        data: { byModerator: change.byModerator },
      });
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
      if (Object.keys(data).length === 0) throw new Refused('unchanged');
      await trx
        .updateTable('rooms')
        .set({
          ...(data['topic'] === undefined ? {} : { topic: change.topic }),
          ...(data['visibility'] === undefined ? {} : { visibility: change.visibility }),
        })
        .where('name', '=', change.room)
        .execute();
      return applied(trx, change.room, seq, 'room_change', change.actorId, at, { data });
    }
  }
}

/** Takes the room's next seq, locking its row until the transaction ends; ROOM_NOT_FOUND if it is gone. */
async function nextSeq(trx: Kysely<Database>, room: string): Promise<number> {
  const row = await trx
    .updateTable('rooms')
    .set({ last_seq: sql`last_seq + 1` })
    .where('name', '=', room)
    .returning('last_seq')
    .executeTakeFirst();
  if (!row) throw new Refused('ROOM_NOT_FOUND');
  return row.last_seq;
}

function membershipOf(trx: Kysely<Database>, room: string, userId: string) {
  return trx
    .selectFrom('memberships')
    .select('role')
    .where('room', '=', room)
    .where('user_id', '=', userId)
    .executeTakeFirst();
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

async function addMember(
  trx: Kysely<Database>,
  room: string,
  userId: string,
  role: string,
  at: string,
  limits: MembershipLimits,
  isDm: boolean,
): Promise<void> {
  if (await membershipOf(trx, room, userId)) throw new Refused('unchanged');
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
  await trx
    .insertInto('memberships')
    .values({ room, user_id: userId, role, joined_at: at, last_read_seq: last.last_seq })
    .execute();
  await trx
    .updateTable('rooms')
    .set({ member_count: sql`member_count + 1` })
    .where('name', '=', room)
    .execute();
}

async function applied(...event: Parameters<typeof insertEvent>): Promise<ChangeResult> {
  return { status: 'applied', event: await insertEvent(...event) };
}

async function insertEvent(
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

function selectEvents(db: Kysely<Database>) {
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

function toEvent(row: EventRow): StoredEvent {
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

function toMembership(row: Selectable<Database['memberships']>): StoredMembership {
  return {
    room: row.room,
    userId: row.user_id,
    role: row.role as StoredMembership['role'],
    joinedAt: row.joined_at,
    lastReadSeq: row.last_read_seq,
  };
}
