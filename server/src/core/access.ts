import type { StoredRoom } from '../ports/store.js';
import type { User } from '../../../protocol/index.js';
import type { CoreContext } from './context.js';
import type { Connection } from './connection.js';
import { ParleyError } from './errors.js';

/**
 * The one authorization chokepoint for rooms. A room that does not exist and a room the user may
 * not see give the same answer (ROOM_NOT_FOUND), so probing reveals nothing. Every room is public
 * for now; private rooms and roles plug in here.
 */
export async function requireReadableRoom(ctx: CoreContext, _user: User, room: string): Promise<StoredRoom> {
  const found = await ctx.store.findRoom(room);
  if (!found) throw new ParleyError('ROOM_NOT_FOUND');
  return found;
}

/** Sending and typing need a completed join on this connection. */
export function requireMember(connection: Connection, room: string): void {
  if (!connection.rooms.has(room)) throw new ParleyError('NOT_IN_ROOM');
}
