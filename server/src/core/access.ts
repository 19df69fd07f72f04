import type { User } from '../../../protocol/index.js';
import type { StoredMembership, StoredRoom } from '../ports/store.js';
import type { Connection } from './connection.js';
import type { CoreContext } from './context.js';
import { roomDomain } from './authz/authorizer.js';
import { decideRoomAction, type Permits, type RoomAction } from './conversations/room-policy.js';
import { ParleyError } from './errors.js';

export type { RoomAction } from './conversations/room-policy.js';

export interface RoomAccess {
  room: StoredRoom;
  membership: StoredMembership | undefined;
}

/**
 * The one authorization chokepoint for rooms: every read and write of a room — WS join, history,
 * edit, delete, react, read markers, moderation; HTTP room reads, history, members, changes — asks
 * here, and `decideRoomAction` answers with the Casbin policies (ADR 0018). A room that does not
 * exist and a private room I am not in give the same answer, ROOM_NOT_FOUND.
 */
export async function accessRoom(ctx: CoreContext, user: User, name: string, action: RoomAction): Promise<RoomAccess> {
  const [room, membership] = await Promise.all([ctx.store.findRoom(name), ctx.store.findMembership(name, user.id)]);
  if (!room) throw new ParleyError('ROOM_NOT_FOUND');
  const decision = decideRoomAction(room, membership, action, permitsFor(ctx, user, room.name));
  if (decision !== 'allow') throw new ParleyError(decision);
  return { room, membership };
}

/**
 * The same decision as `accessRoom`, for many rooms at once: of these rooms (each with my membership,
 * as the store read them together), those where I may do `action`. For reads across rooms (search),
 * where asking room by room would cost two queries a room.
 */
export function allowedRooms<T extends RoomAccess>(ctx: CoreContext, user: User, rooms: T[], action: RoomAction): T[] {
  return rooms.filter(
    ({ room, membership }) => decideRoomAction(room, membership, action, permitsFor(ctx, user, room.name)) === 'allow',
  );
}

/** The policies' answer for this user in this room, their room roles given. */
export function permitsFor(ctx: CoreContext, user: User, room: string): Permits {
  return (roomRoles, action) => ctx.authz.allows(user.id, roomRoles, roomDomain(room), action);
}

/**
 * Am I still a member, now? A join asks again once it has subscribed: a removal that committed
 * between the gate and the subscription found no subscription to end, so without this second look
 * the removed member would go on following the room.
 */
export async function confirmMember(ctx: CoreContext, user: User, room: StoredRoom): Promise<StoredMembership> {
  const membership = await ctx.store.findMembership(room.name, user.id);
  const decision = decideRoomAction(room, membership, 'write', permitsFor(ctx, user, room.name));
  if (decision !== 'allow' || !membership) throw new ParleyError(decision === 'allow' ? 'NOT_IN_ROOM' : decision);
  return membership;
}

/**
 * Sending and typing need a completed join on this connection: the join asked `accessRoom`, and a
 * removal takes the connection out of the room on every node (the store also refuses a message
 * from someone who is no longer a member, in the transaction that would store it).
 */
export function requireMember(connection: Connection, room: string): void {
  if (!connection.rooms.has(room)) throw new ParleyError('NOT_IN_ROOM');
}
