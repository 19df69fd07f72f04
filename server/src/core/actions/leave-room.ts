import type { Connection } from '../connection.js';
import type { CoreContext } from '../context.js';

/** Leave a room on this connection; the user leaves the online list when their last socket goes. */
export async function leaveRoom(ctx: CoreContext, connection: Connection, room: string): Promise<void> {
  if (!connection.rooms.has(room)) return;
  connection.leave(room);
  ctx.hub.leaveRoom(room, connection);
  const lastConnectionOfUser = await ctx.presence
    .remove(room, connection.user.id, connection.id)
    .catch((error: unknown) => {
      ctx.logger.warn({ err: error, room }, 'presence unavailable on leave');
      return false;
    });
  if (lastConnectionOfUser) ctx.presenceDiffs.left(room, connection.user);
}
