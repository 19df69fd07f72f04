import type { Room, RoomRole, User } from '../../../../../protocol/index.js';
import type { StoredMembership } from '../../../ports/store.js';
import { accessRoom } from '../../access.js';
import type { CoreContext } from '../../context.js';
import { ParleyError } from '../../errors.js';
import { toUser } from '../../events.js';
import { applyOrRefuse } from '../../messages/message-change.js';
import { announceEvent, announceRoomsChanged } from '../announce.js';
import { toRoomView } from '../room-view.js';

/** Most members one listing returns. */
const MEMBERS_LISTED_MAX = 1000;

export interface MemberView {
  user: User;
  role: RoomRole;
  joinedAt: string;
}

export async function listMembers(ctx: CoreContext, user: User, room: string): Promise<MemberView[]> {
  await accessRoom(ctx, user, room, 'read');
  const members = await ctx.store.listMembers(room, MEMBERS_LISTED_MAX);
  return members.map((m) => ({
    user: toUser({ id: m.userId, username: m.username }),
    role: m.role,
    joinedAt: m.joinedAt,
  }));
}

/**
 * I become a member of a public room (a WS `join` does this too). Already a member: nothing changes.
 * Answers my membership.
 */
export async function joinAsMember(ctx: CoreContext, user: User, name: string): Promise<StoredMembership> {
  const { membership } = await accessRoom(ctx, user, name, 'join');
  if (membership) return membership;
  const event = await applyOrRefuse(ctx, {
    kind: 'member_join',
    room: name,
    actorId: user.id,
    userId: user.id,
    role: 'member',
    limits: membershipLimits(ctx),
    at: new Date(ctx.clock.now()).toISOString(),
  });
  if (event) {
    announceEvent(ctx, event);
    announceRoomsChanged(ctx, [user.id], name);
  }
  const joined = await ctx.store.findMembership(name, user.id);
  // Removed again between the two reads: as if the join had not happened.
  if (!joined) throw new ParleyError('NOT_IN_ROOM');
  return joined;
}

/** An owner adds someone to the room. Already a member: nothing changes. */
export async function addMember(ctx: CoreContext, user: User, name: string, username: string): Promise<Room> {
  await accessRoom(ctx, user, name, 'invite');
  const invitee = await ctx.store.findUserByUsername(username);
  if (!invitee) throw new ParleyError('USER_NOT_FOUND');
  const event = await applyOrRefuse(ctx, {
    kind: 'member_add',
    room: name,
    actorId: user.id,
    userId: invitee.id,
    role: 'member',
    limits: membershipLimits(ctx),
    at: new Date(ctx.clock.now()).toISOString(),
  });
  if (event) {
    announceEvent(ctx, event);
    announceRoomsChanged(ctx, [invitee.id], name);
  }
  const access = await accessRoom(ctx, user, name, 'read');
  return toRoomView(ctx, user, access.room, access.membership);
}

/**
 * An owner removes someone, or I leave (my own name). Their sockets on every node stop following the
 * room at once and hear why. The last owner cannot leave a room that still has other members.
 */
export async function removeMember(ctx: CoreContext, user: User, name: string, username: string): Promise<void> {
  const leaving = username.toLowerCase() === user.username.toLowerCase();
  await accessRoom(ctx, user, name, leaving ? 'leave' : 'remove');
  const target = leaving ? { id: user.id } : await ctx.store.findUserByUsername(username);
  if (!target) throw new ParleyError('USER_NOT_FOUND');
  // The store refuses the last owner's leaving (LAST_OWNER), under the room's lock.
  const event = await applyOrRefuse(ctx, {
    kind: leaving ? 'member_leave' : 'member_remove',
    room: name,
    actorId: user.id,
    userId: target.id,
    at: new Date(ctx.clock.now()).toISOString(),
  });
  if (!event) return;
  announceEvent(ctx, event, { userId: target.id, reason: leaving ? 'left' : 'removed' });
  announceRoomsChanged(ctx, [target.id], name);
}

function membershipLimits(ctx: CoreContext) {
  return { roomsPerUser: ctx.limits.roomsPerUser, membersPerRoom: ctx.limits.membersPerRoom };
}
