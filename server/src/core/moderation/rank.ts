import type { User } from '../../../../protocol/index.js';
import type { StoredMembership, StoredUser } from '../../ports/store.js';
import { accessRoom, type RoomAccess, type RoomAction } from '../access.js';
import { EVERY_DOMAIN, roomDomain } from '../authz/authorizer.js';
import type { CoreContext } from '../context.js';
import { ParleyError } from '../errors.js';

/**
 * Who may moderate whom. One ladder: global admin > global moderator > room owner > room moderator
 * > member > nobody. Global roles outrank room roles: the staff of the whole server moderate every
 * room's owners, and no room's owner moderates them. A moderator may act only on someone strictly
 * below them (TARGET_OUTRANKS otherwise), and never on themselves (FORBIDDEN).
 */
const RANKS: Record<string, number> = {
  'global:admin': 5,
  'global:moderator': 4,
  'room:owner': 3,
  'room:moderator': 2,
  'room:member': 1,
};

/** The rank a room role gives (owner 3, moderator 2, member 1). */
export const roomRoleRank = (role: string): number => RANKS[`room:${role}`] ?? 0;
export const ROOM_OWNER_RANK = RANKS['room:owner']!;

/** Someone's rank in a room: the highest of their global grants, room grants and membership role. */
export function rankIn(
  ctx: CoreContext,
  userId: string,
  room: string,
  membership: StoredMembership | undefined,
): number {
  let rank = membership ? (RANKS[`room:${membership.role}`] ?? 0) : 0;
  for (const grant of ctx.authz.rolesOf(userId)) {
    const scope = grant.domain === EVERY_DOMAIN ? 'global' : grant.domain === roomDomain(room) ? 'room' : undefined;
    if (scope) rank = Math.max(rank, RANKS[`${scope}:${grant.role}`] ?? 0);
  }
  return rank;
}

export interface ModerationTarget {
  access: RoomAccess;
  target: StoredUser;
  targetMembership: StoredMembership | undefined;
}

/**
 * The check half of every moderation use case: the room gate for `action`, then the person named,
 * then the rank rule. USER_NOT_FOUND for a name nobody has.
 */
export async function checkModeration(
  ctx: CoreContext,
  actor: User,
  room: string,
  username: string,
  action: RoomAction,
): Promise<ModerationTarget> {
  const access = await accessRoom(ctx, actor, room, action);
  const target = await ctx.store.findUserByUsername(username);
  if (!target) throw new ParleyError('USER_NOT_FOUND');
  if (target.id === actor.id) throw new ParleyError('FORBIDDEN', 'Nobody moderates themselves.');
  const targetMembership = await ctx.store.findMembership(access.room.name, target.id);
  const mine = rankIn(ctx, actor.id, access.room.name, access.membership);
  if (rankIn(ctx, target.id, access.room.name, targetMembership) >= mine) throw new ParleyError('TARGET_OUTRANKS');
  return { access, target, targetMembership };
}
