import type { RoomRole, User } from '../../../../../protocol/index.js';
import { accessRoom } from '../../access.js';
import type { CoreContext } from '../../context.js';
import { announceEvent, announceRoomsChanged } from '../../conversations/announce.js';
import type { MemberView } from '../../conversations/actions/members.js';
import { ParleyError } from '../../errors.js';
import { toUser } from '../../events.js';
import { applyOrRefuse } from '../../messages/message-change.js';
import { auditModeration } from '../audit-moderation.js';
import { rankIn, roomRoleRank, ROOM_OWNER_RANK } from '../rank.js';

/**
 * An owner gives a member a room role (owner, moderator or member): a `member_role` event. Only room
 * roles exist here — global roles are the admin API's. Demoting the last owner is LAST_OWNER (checked
 * under the room's lock); someone who is not a member is NOT_IN_ROOM.
 *
 * The policies say who may `manage`; the ladder says how far: nobody gives a role above their own rank
 * (FORBIDDEN), nor changes the role of someone at or above it (TARGET_OUTRANKS) — except that owners
 * manage fellow owners. With the default policies only owners manage and nothing changes; should an
 * admin let room moderators `manage` (to change the topic, say), they still cannot make themselves or
 * anyone else an owner, nor demote one.
 */
export async function setMemberRole(
  ctx: CoreContext,
  actor: User,
  room: string,
  username: string,
  role: RoomRole,
): Promise<MemberView> {
  const { room: found, membership: mine } = await accessRoom(ctx, actor, room, 'manage');
  const target = await ctx.store.findUserByUsername(username);
  if (!target) throw new ParleyError('USER_NOT_FOUND');
  const myRank = rankIn(ctx, actor.id, found.name, mine);
  if (roomRoleRank(role) > myRank) throw new ParleyError('FORBIDDEN', 'Nobody gives a role above their own.');
  if (target.id !== actor.id && myRank < ROOM_OWNER_RANK) {
    const theirs = await ctx.store.findMembership(found.name, target.id);
    if (theirs && roomRoleRank(theirs.role) >= myRank) throw new ParleyError('TARGET_OUTRANKS');
  }
  const event = await applyOrRefuse(ctx, {
    kind: 'member_role',
    room: found.name,
    actorId: actor.id,
    userId: target.id,
    role,
    at: new Date(ctx.clock.now()).toISOString(),
  });
  if (event) {
    announceEvent(ctx, event);
    announceRoomsChanged(ctx, [target.id], found.name);
    await auditModeration(ctx, actor, 'room.member.role', { kind: 'user', id: target.id }, '', {
      room: found.name,
      role,
    });
  }
  const membership = await ctx.store.findMembership(found.name, target.id);
  if (!membership) throw new ParleyError('NOT_IN_ROOM');
  return { user: toUser(target), role: membership.role, joinedAt: membership.joinedAt };
}
