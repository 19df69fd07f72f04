import type { AuthzRule } from '../../ports/authz-rule-store.js';

/**
 * The policies a new database starts with, seeded once (when it holds no `p` rule): what each role
 * may do. An admin changes them in the database afterwards; changing this list changes only new
 * databases. Room roles add up: every member holds `member`, and a room's moderators and owner hold
 * `moderator` or `owner` besides. A global moderator holds `moderator` in every room (`*`) but is a
 * member of none, so moderating a room does not let them write in it.
 */
const table: [role: string, domain: string, actions: string][] = [
  // Every account: see and follow rooms (which rooms it may see is the room gate's business), make rooms.
  ['user', 'room:*', 'read join'],
  ['user', 'global', 'create_room'],
  // A room's members.
  ['member', 'room:*', 'write leave'],
  // A room's moderators, and the global moderators everywhere.
  ['moderator', 'room:*', 'delete_any mute kick ban set_slow_mode'],
  // A room's owner: also moderates it (see the role links below).
  ['owner', 'room:*', 'manage invite remove'],
  // Admins: also moderate everywhere.
  ['admin', 'global', 'admin suspend'],
];

/** Roles that hold other roles, in every domain. */
const links: [role: string, holds: string][] = [
  ['owner', 'moderator'],
  ['admin', 'moderator'],
];

export const DEFAULT_RULES: AuthzRule[] = [
  ...table.flatMap(([role, domain, actions]) =>
    actions.split(' ').map((action) => ({ ptype: 'p', values: [role, domain, action] })),
  ),
  ...links.map(([role, holds]) => ({ ptype: 'g', values: [role, holds, '*'] })),
];

/** The global roles, granted in every domain (`*`). */
export const GLOBAL_ROLES = ['admin', 'moderator'] as const;
/** The room roles, granted in one room's domain. */
export const ROOM_ROLES = ['owner', 'moderator', 'member'] as const;
