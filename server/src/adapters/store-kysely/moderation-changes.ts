import { sql, type Kysely } from 'kysely';
import type { RoomChange } from '../../ports/conversation-store.js';
import { membershipOf, Refused } from './change-guards.js';
import type { Database } from './schema.js';

type ModerationChange = Extract<
  RoomChange,
  { kind: 'member_kick' | 'member_ban' | 'member_unban' | 'member_role' | 'member_mute' | 'member_unmute' }
>;

/** What the change's event points at and carries. */
interface EventRefs {
  targetId: string;
  data: Record<string, unknown>;
}

/**
 * The moderation changes (ADR 0020), inside the change's transaction after its seq bump locked the
 * room row: check, change the state tables, and say what the event records. A refusal throws
 * `Refused` and rolls all of it back, seq included. The caller stores the event.
 */
export async function applyModeration(trx: Kysely<Database>, change: ModerationChange): Promise<EventRefs> {
  const targetId = change.userId;
  const reason = (text: string) => (text === '' ? {} : { reason: text });
  switch (change.kind) {
    case 'member_kick': {
      if (!(await removeMembership(trx, change.room, targetId))) throw new Refused('NOT_IN_ROOM');
      return { targetId, data: reason(change.reason) };
    }
    case 'member_ban': {
      const inserted = await trx
        .insertInto('room_bans')
        .values({
          room: change.room,
          user_id: targetId,
          reason: change.reason,
          banned_by: change.actorId,
          banned_at: change.at,
        })
        .onConflict((c) => c.columns(['room', 'user_id']).doNothing())
        .executeTakeFirst();
      if (inserted.numInsertedOrUpdatedRows !== 1n) throw new Refused('unchanged');
      // A ban works on a non-member too: it keeps them from joining.
      await removeMembership(trx, change.room, targetId);
      return { targetId, data: reason(change.reason) };
    }
    case 'member_unban': {
      const lifted = await trx
        .deleteFrom('room_bans')
        .where('room', '=', change.room)
        .where('user_id', '=', targetId)
        .executeTakeFirst();
      if (lifted.numDeletedRows !== 1n) throw new Refused('unchanged');
      return { targetId, data: {} };
    }
    case 'member_role': {
      const member = await membershipOf(trx, change.room, targetId);
      if (!member) throw new Refused('NOT_IN_ROOM');
      if (member.role === change.role) throw new Refused('unchanged');
      if (member.role === 'owner' && !(await hasOtherOwner(trx, change.room, targetId))) {
        throw new Refused('LAST_OWNER');
      }
      await trx
        .updateTable('memberships')
        .set({ role: change.role })
        .where('room', '=', change.room)
        .where('user_id', '=', targetId)
        .execute();
      return { targetId, data: { role: change.role } };
    }
    case 'member_mute': {
      const muted = await trx
        .updateTable('memberships')
        .set({ muted_until: change.until, mute_reason: change.reason === '' ? null : change.reason })
        .where('room', '=', change.room)
        .where('user_id', '=', targetId)
        .executeTakeFirst();
      if (muted.numUpdatedRows !== 1n) throw new Refused('NOT_IN_ROOM');
      return { targetId, data: { until: change.until, ...reason(change.reason) } };
    }
    case 'member_unmute': {
      const member = await membershipOf(trx, change.room, targetId);
      const running = member
        ? member.muted_until !== null && member.muted_until > change.at
        : (await muteStillRunning(trx, change.room, targetId, change.at)) !== undefined;
      // Nothing to lift (never muted, or it ran out): no event.
      if (!running) throw new Refused('unchanged');
      if (member) {
        await trx
          .updateTable('memberships')
          .set({ muted_until: null, mute_reason: null })
          .where('room', '=', change.room)
          .where('user_id', '=', targetId)
          .execute();
      }
      return { targetId, data: {} };
    }
  }
}

/**
 * Removes the membership, if there is one (true then). The room keeps an owner while it has other
 * members, as for leaving: removing its last owner is LAST_OWNER.
 */
async function removeMembership(trx: Kysely<Database>, room: string, userId: string): Promise<boolean> {
  const member = await membershipOf(trx, room, userId);
  if (!member) return false;
  if (member.role === 'owner' && !(await hasOtherOwner(trx, room, userId))) {
    const others = await trx
      .selectFrom('memberships')
      .select('user_id')
      .where('room', '=', room)
      .where('user_id', '!=', userId)
      .limit(1)
      .executeTakeFirst();
    if (others) throw new Refused('LAST_OWNER');
  }
  await trx.deleteFrom('memberships').where('room', '=', room).where('user_id', '=', userId).execute();
  await trx
    .updateTable('rooms')
    .set({ member_count: sql`member_count - 1` })
    .where('name', '=', room)
    .execute();
  return true;
}

async function hasOtherOwner(trx: Kysely<Database>, room: string, userId: string): Promise<boolean> {
  const other = await trx
    .selectFrom('memberships')
    .select('user_id')
    .where('room', '=', room)
    .where('user_id', '!=', userId)
    .where('role', '=', 'owner')
    .limit(1)
    .executeTakeFirst();
  return other !== undefined;
}

export async function isBanned(trx: Kysely<Database>, room: string, userId: string): Promise<boolean> {
  const ban = await trx
    .selectFrom('room_bans')
    .select('user_id')
    .where('room', '=', room)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return ban !== undefined;
}

/**
 * The mute of someone who is not a member now, if it still runs at `at`: the newest mute or unmute
 * event about them in the room decides. Read when they join again (rare), so leaving and coming back
 * does not lift a mute.
 */
export async function muteStillRunning(
  trx: Kysely<Database>,
  room: string,
  userId: string,
  at: string,
): Promise<{ until: string; reason: string | null } | undefined> {
  const last = await trx
    .selectFrom('room_events')
    .select(['kind', 'data'])
    .where('room', '=', room)
    .where('target_id', '=', userId)
    .where('kind', 'in', ['member_mute', 'member_unmute'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (last?.kind !== 'member_mute') return undefined;
  const data = JSON.parse(last.data) as { until?: unknown; reason?: unknown };
  if (typeof data.until !== 'string' || data.until <= at) return undefined;
  return { until: data.until, reason: typeof data.reason === 'string' ? data.reason : null };
}
