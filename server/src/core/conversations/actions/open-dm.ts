import { createHash } from 'node:crypto';
import { Limits, type Room, type User } from '../../../../../protocol/index.js';
import type { CoreContext } from '../../context.js';
import { ParleyError, rateLimited } from '../../errors.js';
import { announceEvent, announceRoomsChanged } from '../announce.js';
import { getRoom } from './list-rooms.js';

/**
 * The one direct conversation between me and these people (one, or up to DM_MEMBERS_MAX - 1 for a
 * group): the same room whoever opens it, whatever letter case they type, because its name is derived
 * from the sorted member ids. It is private, and nobody can be added to it or leave it.
 */
export async function openDm(ctx: CoreContext, user: User, usernames: readonly string[]): Promise<Room> {
  const others = new Map<string, string>();
  for (const username of usernames) {
    const found = await ctx.store.findUserByUsername(username);
    if (!found) throw new ParleyError('USER_NOT_FOUND');
    if (found.id !== user.id) others.set(found.id, found.username);
  }
  if (others.size === 0) throw new ParleyError('VALIDATION_FAILED', 'A direct conversation needs someone else in it.');
  if (others.size + 1 > Limits.DM_MEMBERS_MAX) {
    throw new ParleyError('VALIDATION_FAILED', `A direct conversation has at most ${Limits.DM_MEMBERS_MAX} people.`);
  }
  const memberIds = [user.id, ...others.keys()];
  const name = dmRoomName(memberIds);
  const existing = await ctx.store.findRoom(name);
  if (!existing) {
    const allowance = await ctx.dmCreateLimit.consume(user.id);
    if (!allowance.allowed) throw rateLimited(allowance);
    const result = await ctx.store.createRoom(
      {
        name,
        kind: 'dm',
        visibility: 'private',
        topic: '',
        createdBy: user.id,
        at: new Date(ctx.clock.now()).toISOString(),
        members: memberIds.map((userId) => ({ userId, role: 'member' as const })),
      },
      { roomsPerUser: ctx.limits.roomsPerUser, membersPerRoom: Limits.DM_MEMBERS_MAX },
    );
    if (result.status === 'refused') throw new ParleyError(result.code);
    // 'taken': the other person opened it at the same moment; theirs is the one.
    if (result.status === 'created') {
      for (const event of result.events) announceEvent(ctx, event);
      announceRoomsChanged(ctx, memberIds, name);
    }
  }
  return getRoom(ctx, user, name);
}

/**
 * `dm-` and 28 hex digits of SHA-256 over the sorted member ids: fits the room name pattern, cannot
 * be chosen by a room creator (a name of that shape is refused to them), and says nothing of who is in it.
 */
export function dmRoomName(memberIds: readonly string[]): string {
  const key = [...new Set(memberIds)].sort().join('\n');
  return `dm-${createHash('sha256').update(key).digest('hex').slice(0, 28)}`;
}

export const DM_NAME_PATTERN = /^dm-[0-9a-f]{28}$/;
