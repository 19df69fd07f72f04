import type { Room, User, Visibility } from '../../../../../protocol/index.js';
import { accessRoom } from '../../access.js';
import type { CoreContext } from '../../context.js';
import { applyOrRefuse } from '../../messages/message-change.js';
import { announceEvent } from '../announce.js';
import { toRoomView } from '../room-view.js';
import { checkTopic } from './create-room.js';
import { ParleyError } from '../../errors.js';

/** An owner changes the topic or the visibility: one `room_change` event with what changed. */
export async function updateRoom(
  ctx: CoreContext,
  user: User,
  name: string,
  change: { topic?: string | undefined; visibility?: Visibility | undefined },
): Promise<Room> {
  const { room } = await accessRoom(ctx, user, name, 'manage');
  // A DM is private by nature: it cannot be opened to everyone.
  if (room.kind === 'dm' && change.visibility === 'public') throw new ParleyError('DM_MEMBERS_FIXED');
  const event = await applyOrRefuse(ctx, {
    kind: 'room_change',
    room: name,
    actorId: user.id,
    ...(change.topic === undefined ? {} : { topic: checkTopic(change.topic) }),
    ...(change.visibility === undefined ? {} : { visibility: change.visibility }),
    at: new Date(ctx.clock.now()).toISOString(),
  });
  if (event) announceEvent(ctx, event);
  const after = await accessRoom(ctx, user, name, 'read');
  return toRoomView(ctx, user, after.room, after.membership);
}
