import type { ErrorCode } from '../../../../protocol/index.js';
import type { StoredMembership, StoredRoom } from '../../ports/store.js';

/**
 * What someone may do in a room:
 * - `read`: load history and the room's details, list its members;
 * - `join`: follow it over a socket (a public room makes me a member then);
 * - `write`: send, edit and delete my messages, react, move my read marker;
 * - `manage`: change its topic or visibility; `invite`, `remove`: add or remove members;
 * - `leave`: stop being a member.
 */
export type RoomAction = 'read' | 'join' | 'write' | 'manage' | 'invite' | 'remove' | 'leave';

/**
 * The rules, as one pure function of the room, my membership and the action: the answer is `allow`,
 * or the code to refuse with. A private room (a DM included) I am not in is ROOM_NOT_FOUND for every
 * action — the same as a room that does not exist, so probing reveals nothing. The roles issue
 * replaces this function with the Casbin enforcer; its callers do not change.
 */
export function decideRoomAction(
  room: StoredRoom,
  membership: StoredMembership | undefined,
  action: RoomAction,
): 'allow' | ErrorCode {
  if (!membership && room.visibility === 'private') return 'ROOM_NOT_FOUND';
  switch (action) {
    case 'read':
    case 'join':
      return 'allow';
    case 'write':
      return membership ? 'allow' : 'NOT_IN_ROOM';
    case 'leave':
      if (!membership) return 'NOT_IN_ROOM';
      return room.kind === 'dm' ? 'DM_MEMBERS_FIXED' : 'allow';
    case 'invite':
    case 'remove':
      if (room.kind === 'dm') return 'DM_MEMBERS_FIXED';
      return membership?.role === 'owner' ? 'allow' : 'NOT_ROOM_OWNER';
    case 'manage':
      return membership?.role === 'owner' ? 'allow' : 'NOT_ROOM_OWNER';
  }
}
