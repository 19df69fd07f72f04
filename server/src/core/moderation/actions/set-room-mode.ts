import type { Room, User } from '../../../../../protocol/index.js';
import { accessRoom } from '../../access.js';
import type { CoreContext } from '../../context.js';
import { announceEvent } from '../../conversations/announce.js';
import { toRoomView } from '../../conversations/room-view.js';
import { applyOrRefuse } from '../../messages/message-change.js';
import { auditModeration } from '../audit-moderation.js';

/**
 * A moderator turns read-only or slow mode on or off: one `room_change` event with what changed
 * (nothing changed: no event, nothing recorded). The store enforces both on the next append.
 */
export async function setRoomMode(
  ctx: CoreContext,
  actor: User,
  room: string,
  modes: { readOnly?: boolean | undefined; slowModeSeconds?: number | undefined },
): Promise<Room> {
  const { room: found } = await accessRoom(ctx, actor, room, 'set_slow_mode');
  const event = await applyOrRefuse(ctx, {
    kind: 'room_change',
    room: found.name,
    actorId: actor.id,
    ...(modes.readOnly === undefined ? {} : { readOnly: modes.readOnly }),
    ...(modes.slowModeSeconds === undefined ? {} : { slowModeSeconds: modes.slowModeSeconds }),
    at: new Date(ctx.clock.now()).toISOString(),
  });
  if (event) {
    announceEvent(ctx, event);
    const changed: { readOnly?: boolean; slowModeSeconds?: number } = {};
    if (typeof event.data['readOnly'] === 'boolean') changed.readOnly = event.data['readOnly'];
    if (typeof event.data['slowModeSeconds'] === 'number') changed.slowModeSeconds = event.data['slowModeSeconds'];
    await auditModeration(ctx, actor, 'room.mode', { kind: 'room', id: found.name }, '', changed);
  }
  const after = await accessRoom(ctx, actor, room, 'read');
  return toRoomView(ctx, actor, after.room, after.membership);
}
