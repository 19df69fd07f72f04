/** Limits that both sides of the wire must agree on. Server-side values may be tightened by config. */

/**
 * How long a proof of identity (a login, or a step-up) lets a session do a sensitive action
 * (change the password, log out everywhere, an admin write, …) before it must confirm again.
 */
export const STEP_UP_WINDOW_SECONDS = 300;

export const Limits = {
  USERNAME_PATTERN: /^[A-Za-z0-9_]{3,32}$/,
  PASSWORD_MIN_CHARS: 8,
  /** bcrypt reads 72 bytes; we refuse longer passwords rather than truncate silently (ADR 0004). */
  PASSWORD_MAX_BYTES: 72,
  /** Default maximum message length in characters, after trimming (MESSAGE_MAX_CHARS). */
  MESSAGE_MAX_CHARS: 4000,
  /**
   * Default maximum message size on the wire (MESSAGE_MAX_BYTES): the UTF-8 length of the whole
   * untrimmed text as a JSON string (see wire-size.ts). 4000 emoji are 16000 bytes, so it fits.
   */
  MESSAGE_MAX_BYTES: 16_384,
  /** Most bytes a `send` frame adds around its text (type, room, clientMsgId at their longest). */
  SEND_FRAME_OVERHEAD_MAX: 256,
  /** Most bytes an `ack` or `message` frame adds around its text (ids, user, seq, createdAt). */
  MESSAGE_FRAME_OVERHEAD_MAX: 512,
  /**
   * Ceiling on the messages of one `joined` or `history` reply, in bytes of JSON; the server uses
   * the smaller of this and half its send buffer, and always sends at least one message (ADR 0013).
   */
  REPLY_MAX_BYTES: 262_144,
  ROOM_PATTERN: /^[a-z0-9][a-z0-9_-]{0,31}$/,
  CLIENT_MSG_ID_MAX: 64,
  /** Longest access token a `renew` frame may carry (ours are about 300 characters). */
  ACCESS_TOKEN_MAX_CHARS: 2048,
  HISTORY_PAGE_MAX: 100,
  /** Messages sent on join without `after`. */
  JOIN_BACKLOG: 100,
  /** Most messages replayed on join with `after`; beyond this the replay is incomplete. */
  REPLAY_MAX: 500,
  /** Most users listed in `joined.online`; `onlineCount` has the total. */
  ONLINE_LIST_MAX: 200,
  /** Longest room topic, in characters (code points). */
  ROOM_TOPIC_MAX_CHARS: 250,
  /** Distinct emoji one message may carry; a new one past this is REACTION_LIMIT. */
  REACTIONS_PER_MESSAGE_MAX: 20,
  /** Longest emoji accepted as a reaction, in UTF-16 units (a family with skin tones is about 25). */
  EMOJI_MAX_UNITS: 32,
  /** People in one direct conversation, me included. */
  DM_MEMBERS_MAX: 8,
  /** Characters of the answered message quoted in a reply. */
  REPLY_EXCERPT_CHARS: 120,
  /** Distinct users one message may mention (more `@names` are left as text). */
  MENTIONS_PER_MESSAGE_MAX: 50,
  /** Files one message may carry (issue 18). */
  FILES_PER_MESSAGE_MAX: 10,
  /** The longest search query, in characters. */
  SEARCH_QUERY_MAX_CHARS: 256,
  /** Public rooms I am not in that `GET /rooms` lists, by name. */
  PUBLIC_ROOMS_LISTED_MAX: 200,
} as const;

/** How long a passkey ceremony (options → verify) may take, in seconds. */
export const PASSKEY_CHALLENGE_TTL_SECONDS = 300;
/** Characters in a passkey's name. */
export const PASSKEY_NAME_MAX = 64;
