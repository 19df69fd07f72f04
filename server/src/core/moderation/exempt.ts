import type { RoomRole } from '../../../../protocol/index.js';
import { roomDomain } from '../authz/authorizer.js';
import { ROOM_ROLES } from '../authz/default-policies.js';
import type { CoreContext } from '../context.js';

/**
 * The room roles exempt from read-only and slow mode for this author in this room: those the policies
 * let `set_slow_mode` there, or every role when the author's own grants do (a global moderator). The
 * store matches them against the membership row it reads anyway (ADR 0020), so no read is added to a
 * send; the answers are remembered until the policies reload.
 */
export function exemptRolesFor(ctx: CoreContext, userId: string, room: string): RoomRole[] {
  const domain = roomDomain(room);
  if (ctx.authz.cachedCan({ userId }, domain, 'set_slow_mode')) return [...ROOM_ROLES];
  return ROOM_ROLES.filter((role) => ctx.authz.cachedCan({ role }, domain, 'set_slow_mode'));
}
