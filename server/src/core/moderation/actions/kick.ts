import type { User } from '../../../../../protocol/index.js';
import type { CoreContext } from '../../context.js';
import { ParleyError } from '../../errors.js';
import { announceEvent, announceRoomsChanged } from '../../conversations/announce.js';
import { applyOrRefuse } from '../../messages/message-change.js';
import { auditModeration } from '../audit-moderation.js';
import { checkModeration } from '../rank.js';

/**
 * A moderator removes a member (`member_kick`). Their sockets on every node stop following the room at
 * once and hear `left {reason: 'kicked', detail}`; a public room they may join again.
 */
export async function kickMember(
  ctx: CoreContext,
  actor: User,
  room: string,
  request: { username: string; reason?: string | undefined },
): Promise<void> {
  const { access, target } = await checkModeration(ctx, actor, room, request.username, 'kick');
  if (access.room.kind === 'dm') throw new ParleyError('DM_MEMBERS_FIXED');
  const reason = request.reason ?? '';
  // Not a member (any more): the store answers NOT_IN_ROOM under the room's lock.
  const event = await applyOrRefuse(ctx, {
    kind: 'member_kick',
    room: access.room.name,
    actorId: actor.id,
    userId: target.id,
    reason,
    at: new Date(ctx.clock.now()).toISOString(),
  });
  if (!event) return;
  announceEvent(ctx, event, { userId: target.id, reason: 'kicked', ...(reason === '' ? {} : { detail: reason }) });
  announceRoomsChanged(ctx, [target.id], access.room.name);
  await auditModeration(ctx, actor, 'room.member.kick', { kind: 'user', id: target.id }, reason, {
    room: access.room.name,
  });
}
