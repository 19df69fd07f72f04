import type { User } from '../../../../../protocol/index.js';
import type { CoreContext } from '../../context.js';
import { announceEvent } from '../../conversations/announce.js';
import { applyOrRefuse } from '../../messages/message-change.js';
import { auditModeration } from '../audit-moderation.js';
import { checkModeration } from '../rank.js';

/** A moderator lifts a running mute (`member_unmute`). None running: nothing changes, nothing is recorded. */
export async function unmuteMember(ctx: CoreContext, actor: User, room: string, username: string): Promise<void> {
  const { access, target } = await checkModeration(ctx, actor, room, username, 'mute');
  const event = await applyOrRefuse(ctx, {
    kind: 'member_unmute',
    room: access.room.name,
    actorId: actor.id,
    userId: target.id,
    at: new Date(ctx.clock.now()).toISOString(),
  });
  if (!event) return;
  announceEvent(ctx, event);
  await auditModeration(ctx, actor, 'room.member.unmute', { kind: 'user', id: target.id }, '', {
    room: access.room.name,
  });
}
