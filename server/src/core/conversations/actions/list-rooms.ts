import { Limits, type Room, type User } from '../../../../../protocol/index.js';
import { accessRoom } from '../../access.js';
import type { CoreContext } from '../../context.js';
import { toRoomView } from '../room-view.js';

/**
 * Unread and mention counts stop here: past 99 a badge says "99+", and a room with a huge backlog costs
 * no more to count than a small one (GET /rooms for a member of 500 rooms stays fast; docs/performance.md).
 */
export const UNREAD_COUNT_CAP = 100;

/** Every room I belong to (with my unread and mention counts), then public rooms I could join. */
export async function listRooms(ctx: CoreContext, user: User): Promise<Room[]> {
  const listings = await ctx.store.listRoomsFor(user.id, Limits.PUBLIC_ROOMS_LISTED_MAX, UNREAD_COUNT_CAP);
  return listings.map((listing) => toRoomView(ctx, user, listing.room, listing.membership, listing));
}

/** One room, if I may see it. */
export async function getRoom(ctx: CoreContext, user: User, name: string): Promise<Room> {
  const { room, membership } = await accessRoom(ctx, user, name, 'read');
  const members =
    room.kind === 'dm'
      ? (await ctx.store.listMembers(room.name, Limits.DM_MEMBERS_MAX)).map((m) => ({
          id: m.userId,
          username: m.username,
        }))
      : undefined;
  return toRoomView(ctx, user, room, membership, members ? { members } : {});
}
