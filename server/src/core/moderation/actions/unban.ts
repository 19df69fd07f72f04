import type { User } from '../../../../../protocol/index.js';
import type { CoreContext } from '../../context.js';
import { announceEvent } from '../../conversations/announce.js';
import { applyOrRefuse } from '../../messages/message-change.js';
import { auditModeration } from '../audit-moderation.js';
import { checkModeration } from '../rank.js';

/** A moderator lifts a ban (`member_unban`): the person may join or be added again. Not banned: nothing changes. */
export async function unbanUser(ctx: CoreContext, actor: User, room: string, username: string): Promise<void> {
  const { access, target } = await checkModeration(ctx, actor, room, username, 'ban');
  const event = await applyOrRefuse(ctx, {
    kind: 'member_unban',
    room: access.room.name,
    actorId: actor.id,
    userId: target.id,
    at: new Date(ctx.clock.now()).toISOString(),
  });
  if (!event) return;
  announceEvent(ctx, event);
  await auditModeration(ctx, actor, 'room.member.unban', { kind: 'user', id: target.id }, '', {
    room: access.room.name,
  });
}
