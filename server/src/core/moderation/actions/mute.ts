import type { User } from '../../../../../protocol/index.js';
import type { CoreContext } from '../../context.js';
import { announceEvent } from '../../conversations/announce.js';
import { toUser } from '../../events.js';
import { applyOrRefuse } from '../../messages/message-change.js';
import { auditModeration } from '../audit-moderation.js';
import { checkModeration } from '../rank.js';

export interface MuteView {
  user: User;
  until: string;
  reason?: string;
}

/**
 * A moderator mutes a member for a while: a `member_mute` event, and from its commit the store
 * refuses the member's messages, edits and reactions with MUTED (on every node: it is the membership
 * row the append reads). A new mute replaces a running one.
 */
export async function muteMember(
  ctx: CoreContext,
  actor: User,
  room: string,
  request: { username: string; durationSeconds: number; reason?: string | undefined },
): Promise<MuteView> {
  const { access, target } = await checkModeration(ctx, actor, room, request.username, 'mute');
  const now = ctx.clock.now();
  const until = new Date(now + request.durationSeconds * 1000).toISOString();
  const reason = request.reason ?? '';
  const event = await applyOrRefuse(ctx, {
    kind: 'member_mute',
    room: access.room.name,
    actorId: actor.id,
    userId: target.id,
    until,
    reason,
    at: new Date(now).toISOString(),
  });
  if (event) announceEvent(ctx, event);
  await auditModeration(ctx, actor, 'room.member.mute', { kind: 'user', id: target.id }, reason, {
    room: access.room.name,
    until,
  });
  return { user: toUser(target), until, ...(reason === '' ? {} : { reason }) };
}
