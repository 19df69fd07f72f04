import { requireMember } from '../access.js';
import type { Connection } from '../connection.js';
import type { CoreContext } from '../context.js';
import { serializeFrame } from '../events.js';

/** Tells the room someone is typing; at most once per interval per socket, never echoed back. */
export function announceTyping(ctx: CoreContext, connection: Connection, room: string): void {
  requireMember(connection, room);
  if (!connection.allowTyping(room, ctx.clock.now(), ctx.limits.typingIntervalMs)) return;
  ctx.fanOut.room(room, serializeFrame({ type: 'typing', room, user: connection.user }), undefined, {
    connection,
    frame: undefined,
  });
}
