import type { User } from '../../../../../protocol/index.js';
import type { CoreContext } from '../../context.js';
import { ParleyError } from '../../errors.js';
import { announceEvent, announceRoomsChanged } from '../../conversations/announce.js';
import { toUser } from '../../events.js';
import { applyOrRefuse } from '../../messages/message-change.js';
import { auditModeration } from '../audit-moderation.js';
import { checkModeration } from '../rank.js';

export interface BanView {
  user: User;
  reason?: string;
  bannedBy: User;
  bannedAt: string;
}

/**
 * A moderator bans someone (`member_ban`): a member is removed as by a kick (`left {reason:
 * 'banned'}` on every node), and nobody banned may join or be added again (BANNED_FROM_ROOM, checked
 * in the store's transaction) until the ban is lifted. Works on someone who is not a member too.
 * Banned already: nothing changes.
 */
export async function banUser(
  ctx: CoreContext,
  actor: User,
  room: string,
  request: { username: string; reason?: string | undefined },
): Promise<BanView> {
  const { access, target, targetMembership } = await checkModeration(ctx, actor, room, request.username, 'ban');
  if (access.room.kind === 'dm') throw new ParleyError('DM_MEMBERS_FIXED');
  const reason = request.reason ?? '';
  const at = new Date(ctx.clock.now()).toISOString();
  const event = await applyOrRefuse(ctx, {
    kind: 'member_ban',
    room: access.room.name,
    actorId: actor.id,
    userId: target.id,
    reason,
    at,
  });
  if (event) {
    announceEvent(ctx, event, { userId: target.id, reason: 'banned', ...(reason === '' ? {} : { detail: reason }) });
    // Their list of rooms changes only if they were in it. A private room they are not in does not
    // exist for them: a pre-emptive ban there must not name it to them.
    if (targetMembership || access.room.visibility === 'public')
      announceRoomsChanged(ctx, [target.id], access.room.name);
    await auditModeration(ctx, actor, 'room.member.ban', { kind: 'user', id: target.id }, reason, {
      room: access.room.name,
    });
  }
  const ban = (await ctx.store.listBans(access.room.name, 1_000)).find((b) => b.userId === target.id);
  return {
    user: toUser(target),
    ...(ban?.reason ? { reason: ban.reason } : {}),
    bannedBy: toUser(ban ? { id: ban.bannedBy, username: ban.bannedByName } : actor),
    bannedAt: ban?.bannedAt ?? at,
  };
}
