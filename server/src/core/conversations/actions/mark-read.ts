import type { User } from '../../../../../protocol/index.js';
import { accessRoom } from '../../access.js';
import type { CoreContext } from '../../context.js';
import { serializeFrame } from '../../events.js';

/**
 * Moves my read marker forward (never back, never past the room's last seq) and tells every one of my
 * sockets on every node, so a second device clears its badge too. Answers the marker.
 */
export async function markRead(ctx: CoreContext, user: User, room: string, seq: number): Promise<number> {
  const marker = await ctx.store.markRead(room, user.id, seq);
  if (marker === undefined) {
    // Not a member: the gate says which answer (ROOM_NOT_FOUND for a private room, NOT_IN_ROOM else).
    await accessRoom(ctx, user, room, 'write');
    return 0;
  }
  ctx.fanOut.user(user.id, serializeFrame({ type: 'read', room, seq: marker }));
  return marker;
}
