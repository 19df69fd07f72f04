import { sql, type Kysely, type Selectable } from 'kysely';
import type { ConversationStore, StoredEvent, StoredMembership } from '../../ports/conversation-store.js';
import { MAX_SEQ, toRoom } from './messages.js';
import { addMember, applyRoomChange, insertEvent, nextSeq, Refused } from './room-changes.js';
import { selectEvents, toEvent } from './room-events.js';
import type { Database } from './schema.js';

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
        .orderBy(sql`case m.role when 'owner' then 0 when 'moderator' then 1 else 2 end`)
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
        .select(['m.role', 'm.joined_at', 'm.last_read_seq', 'm.muted_until', 'm.mute_reason'])
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
            mutedUntil: row.muted_until,
            muteReason: row.mute_reason,
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
        return await db.transaction().execute((trx) => applyRoomChange(trx, change));
      } catch (error) {
        if (error instanceof Refused) {
          if (error.code === 'unchanged') return { status: 'unchanged' };
          return { status: 'refused', code: error.code, ...(error.details ? { details: error.details } : {}) };
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

    async listBans(room, limit) {
      const rows = await db
        .selectFrom('room_bans as b')
        .innerJoin('users as u', 'u.id', 'b.user_id')
        .innerJoin('users as by', 'by.id', 'b.banned_by')
        .select([
          'b.room',
          'b.user_id',
          'u.username',
          'b.reason',
          'b.banned_by',
          'by.username as by_name',
          'b.banned_at',
        ])
        .where('b.room', '=', room)
        .orderBy('b.banned_at', 'desc')
        .orderBy('u.username_key')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        room: r.room,
        userId: r.user_id,
        username: r.username,
        reason: r.reason,
        bannedBy: r.banned_by,
        bannedByName: r.by_name,
        bannedAt: r.banned_at,
      }));
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

export function toMembership(row: Selectable<Database['memberships']>): StoredMembership {
  return {
    room: row.room,
    userId: row.user_id,
    role: row.role as StoredMembership['role'],
    joinedAt: row.joined_at,
    lastReadSeq: row.last_read_seq,
    mutedUntil: row.muted_until,
    muteReason: row.mute_reason,
  };
}
