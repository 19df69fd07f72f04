/** Limits that both sides of the wire must agree on. Server-side values may be tightened by config. */
export const Limits = {
  USERNAME_PATTERN: /^[A-Za-z0-9_]{3,32}$/,
  PASSWORD_MIN_CHARS: 8,
  /** bcrypt reads 72 bytes; we refuse longer passwords rather than truncate silently (ADR 0004). */
  PASSWORD_MAX_BYTES: 72,
  /** Default maximum message length in characters, after trimming (MESSAGE_MAX_CHARS). */
  MESSAGE_MAX_CHARS: 4000,
  ROOM_PATTERN: /^[a-z0-9][a-z0-9_-]{0,31}$/,
  CLIENT_MSG_ID_MAX: 64,
  HISTORY_PAGE_MAX: 100,
  /** Messages sent on join without `after`. */
  JOIN_BACKLOG: 100,
  /** Most messages replayed on join with `after`; beyond this the replay is incomplete. */
  REPLAY_MAX: 500,
  /** Most users listed in `joined.online`; `onlineCount` has the total. */
  ONLINE_LIST_MAX: 200,
} as const;
