import type { StoredEvent } from '../../ports/store.js';
import type { CoreContext } from '../context.js';
import { serializeFrame, toRoomEvent } from '../events.js';
import type { Eviction } from '../fan-out.js';

/**
 * Tells a stored room event to everyone following the room, on every node, in seq order with the
 * room's messages. With `evict`, that user's sockets then stop following the room, everywhere.
 */
export function announceEvent(ctx: CoreContext, event: StoredEvent, evict?: Eviction): void {
  ctx.fanOut.room(
    event.room,
    serializeFrame({ type: 'event', event: toRoomEvent(event) }),
    event.seq,
    undefined,
    evict,
  );
}

/** These people's lists of rooms changed (joined, left, added, removed, a DM opened): every device refetches. */
export function announceRoomsChanged(ctx: CoreContext, userIds: readonly string[], room: string): void {
  const payload = serializeFrame({ type: 'rooms-changed', room });
  for (const userId of new Set(userIds)) ctx.fanOut.user(userId, payload);
}
