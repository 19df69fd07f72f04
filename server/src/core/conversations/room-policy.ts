import type { ErrorCode } from '../../../../protocol/index.js';
import type { StoredMembership, StoredRoom } from '../../ports/store.js';

/**
 * What someone may do in a room:
 * - `read`: load history and the room's details, list its members;
 * - `join`: follow it over a socket (a public room makes me a member then);
 * - `write`: send, edit and delete my messages, react, move my read marker;
 * - `manage`: change its topic or visibility, set its members' roles; `invite`, `remove`: add or
 *   remove members;
 * - `leave`: stop being a member;
 * - the moderation actions: `delete_any` (anyone's message), `mute`, `kick`, `ban` (and lift a mute
 *   or a ban), `set_slow_mode` (read-only and slow mode; who holds it is exempt from both).
 */
export type RoomAction =
  | 'read'
  | 'join'
  | 'write'
  | 'manage'
  | 'invite'
  | 'remove'
  | 'leave'
  | 'delete_any'
  | 'mute'
  | 'kick'
  | 'ban'
  | 'set_slow_mode';

/**
 * Asks the policies (the Casbin enforcer, ADR 0018) whether the person, holding these room roles
 * besides whatever was granted to them, may do `action` in the room's domain.
 */
export type Permits = (roomRoles: readonly string[], action: RoomAction) => boolean;

/** The room roles a membership holds: its own, and `member` for every member. */
export function roomRolesOf(membership: StoredMembership | undefined): string[] {
  if (!membership) return [];
  return membership.role === 'member' ? ['member'] : [membership.role, 'member'];
}

/**
 * The rules: the shape of a room decides what the policies cannot (a private room I am not in is
 * ROOM_NOT_FOUND for every action — the same as a room that does not exist, so probing reveals
 * nothing; a DM's members are fixed), and the policies decide the rest. The answer is `allow`, or
 * the code to refuse with.
 */
export function decideRoomAction(
  room: StoredRoom,
  membership: StoredMembership | undefined,
  action: RoomAction,
  permits: Permits,
): 'allow' | ErrorCode {
  if (!membership && room.visibility === 'private') return 'ROOM_NOT_FOUND';
  if (action === 'leave' && !membership) return 'NOT_IN_ROOM';
  if (room.kind === 'dm' && (action === 'leave' || action === 'invite' || action === 'remove')) {
    return 'DM_MEMBERS_FIXED';
  }
  if (permits(roomRolesOf(membership), action)) return 'allow';
  return refusal(action, membership);
}

function refusal(action: RoomAction, membership: StoredMembership | undefined): ErrorCode {
  switch (action) {
    case 'write':
      return membership ? 'FORBIDDEN' : 'NOT_IN_ROOM';
    case 'manage':
    case 'invite':
    case 'remove':
      return 'NOT_ROOM_OWNER';
    default:
      return 'FORBIDDEN';
  }
}
