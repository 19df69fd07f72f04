/**
 * The error catalogue: every code an HTTP answer or a WebSocket `error` frame can carry.
 * Codes are stable strings, never reused; messages are for humans and may change.
 * `docs/errors.md` lists exactly these codes (a test proves it).
 */
export const ErrorCodes = {
  BAD_REQUEST: { status: 400, message: 'The request is malformed.' },
  VALIDATION_FAILED: { status: 400, message: 'The request failed validation.' },
  INVALID_USERNAME: {
    status: 400,
    message: 'Usernames are 3 to 32 characters of letters, digits and underscore.',
  },
  PASSWORD_TOO_SHORT: { status: 400, message: 'Passwords must be at least 8 characters long.' },
  PASSWORD_TOO_LONG: {
    status: 400,
    message: 'Passwords must be at most 72 bytes of UTF-8 (bcrypt reads no more).',
  },
  PASSWORD_TOO_COMMON: {
    status: 400,
    message: 'This password is on a list of commonly used passwords. Choose another.',
  },
  USERNAME_TAKEN: { status: 409, message: 'That username is already taken.' },
  INVALID_CREDENTIALS: { status: 401, message: 'Wrong username or password.' },
  UNAUTHENTICATED: { status: 401, message: 'Authentication is required.' },
  TOKEN_INVALID: { status: 401, message: 'The access token is invalid or expired.' },
  TOKEN_IN_QUERY: {
    status: 400,
    message: 'Tokens are never accepted in the URL. Use the subprotocol or the Authorization header.',
  },
  FINGERPRINT_MISMATCH: {
    status: 401,
    message: 'The access token is not bound to this device.',
  },
  REFRESH_TOKEN_INVALID: {
    status: 401,
    message: 'The refresh token is invalid or expired. Log in again.',
  },
  REFRESH_TOKEN_REUSED: {
    status: 401,
    message: 'This refresh token was already used. Its sessions have been ended for your safety; log in again.',
  },
  CURRENT_PASSWORD_WRONG: { status: 403, message: 'The current password is not correct.' },
  STEP_UP_REQUIRED: { status: 403, message: 'Confirm it is you first.' },
  INVALID_CODE: { status: 401, message: 'That code is not correct.' },
  SECOND_STEP_EXPIRED: { status: 401, message: 'This sign-in has expired; enter your password again.' },
  TOTP_UNAVAILABLE: { status: 503, message: 'Authenticator apps are not set up on this server.' },
  TOTP_ALREADY_ENABLED: { status: 409, message: 'An authenticator app is already on.' },
  TOTP_NOT_ENABLED: { status: 409, message: 'No authenticator app is on.' },
  SESSION_NOT_FOUND: { status: 404, message: 'No such session.' },
  PASSKEY_INVALID: { status: 401, message: 'The passkey could not be verified.' },
  CHALLENGE_INVALID: { status: 401, message: 'This passkey request is unknown, used or expired. Start again.' },
  PASSKEY_NOT_FOUND: { status: 404, message: 'No such passkey.' },
  PASSKEYS_UNAVAILABLE: { status: 503, message: 'Passkeys are not configured on this server.' },
  ORIGIN_NOT_ALLOWED: { status: 403, message: 'This Origin is not allowed.' },
  FORBIDDEN: { status: 403, message: 'You may not do that.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  ROOM_NOT_FOUND: { status: 404, message: 'No such room.' },
  NOT_IN_ROOM: { status: 403, message: 'Join the room first.' },
  ROOM_NAME_TAKEN: { status: 409, message: 'A room with that name already exists.' },
  ROOM_LIMIT_REACHED: { status: 403, message: 'You are in as many rooms as one person may be. Leave one first.' },
  ROOM_FULL: { status: 403, message: 'This room has as many members as it may have.' },
  NOT_ROOM_OWNER: { status: 403, message: 'Only an owner of this room may do that.' },
  LAST_OWNER: { status: 409, message: 'You are the only owner of this room; it cannot be left without one.' },
  DM_MEMBERS_FIXED: { status: 403, message: 'A direct conversation takes no other members, and cannot be left.' },
  MUTED: { status: 403, message: 'You are muted in this room.' },
  BANNED_FROM_ROOM: { status: 403, message: 'You are banned from this room.' },
  ROOM_READ_ONLY: { status: 403, message: 'This room is read-only: only its moderators may write.' },
  SLOW_MODE: { status: 429, message: 'Slow mode is on in this room: wait before your next message.' },
  TARGET_OUTRANKS: { status: 403, message: 'That person holds a role at least as high as yours.' },
  ACCOUNT_SUSPENDED: { status: 403, message: 'This account is suspended.' },
  USER_NOT_FOUND: { status: 404, message: 'No such user.' },
  MESSAGE_NOT_FOUND: { status: 404, message: 'No such message in this room.' },
  NOT_MESSAGE_AUTHOR: { status: 403, message: 'Only its author may change this message.' },
  MESSAGE_DELETED: { status: 409, message: 'This message was deleted.' },
  INVALID_EMOJI: { status: 400, message: 'A reaction is exactly one emoji.' },
  REACTION_LIMIT: { status: 409, message: 'This message has as many different reactions as it may have.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  FILE_TOO_LARGE: { status: 413, message: 'The file is larger than this server accepts.' },
  QUOTA_EXCEEDED: {
    status: 413,
    message: 'You have used all the file storage you are allowed. Delete some files first.',
  },
  FILE_NOT_FOUND: { status: 404, message: 'No such file.' },
  UPLOAD_INVALID: { status: 400, message: 'Send exactly one file, as multipart/form-data in the field "file".' },
  FILES_UNAVAILABLE: { status: 503, message: 'File storage is unavailable; nothing was stored. Try again shortly.' },
  SEARCH_QUERY_INVALID: { status: 400, message: 'Search for at least one word (at most 256 characters).' },
  SSO_PROVIDER_NOT_FOUND: { status: 404, message: 'No such sign-in provider.' },
  SSO_STATE_INVALID: { status: 400, message: 'This sign-in is unknown, used or expired. Start again.' },
  SSO_FAILED: { status: 401, message: "The identity provider's answer could not be verified." },
  EXCHANGE_CODE_INVALID: { status: 401, message: 'This sign-in code is unknown, used or expired. Start again.' },
  SSO_IDENTITY_TAKEN: { status: 409, message: 'That identity is already linked to another account.' },
  SSO_IDENTITY_NOT_FOUND: { status: 404, message: 'No such linked identity.' },
  LAST_SIGN_IN_METHOD: { status: 409, message: 'This is your only way to sign in; add another before removing it.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send JSON (Content-Type: application/json).' },
  MESSAGE_EMPTY: { status: 400, message: 'A message needs some text.' },
  MESSAGE_TOO_LONG: { status: 400, message: 'The message is too long.' },
  INVALID_FRAME: { status: 400, message: 'The frame is not valid JSON of a known type.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests. Try again later.' },
  UPGRADE_REQUIRED: { status: 426, message: 'This endpoint speaks WebSocket only.' },
  WS_VERSION_UNSUPPORTED: {
    status: 426,
    message: 'Only WebSocket version 13 (RFC 6455) is supported.',
  },
  STORE_UNAVAILABLE: {
    status: 503,
    message: 'The database is unavailable; nothing was stored. Try again shortly.',
  },
  SHUTTING_DOWN: {
    status: 503,
    message: 'The server is shutting down. Reconnect in a moment (to another node, if there is one).',
  },
  REDIS_UNAVAILABLE: {
    status: 503,
    message: 'The shared cache (Redis) is unavailable; this node is not ready.',
  },
  INTERNAL: { status: 500, message: 'Something went wrong on our side.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ErrorCodes;

export const ERROR_CODE_LIST = Object.keys(ErrorCodes) as ErrorCode[];

/** The one error body shape, for HTTP answers. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; retryAfter?: number } & ErrorDetails;
}

/** What some refusals add: MUTED says until when; MUTED and ACCOUNT_SUSPENDED carry the reason given. */
export interface ErrorDetails {
  until?: string;
  reason?: string;
}

export function errorBody(code: ErrorCode, message?: string, retryAfter?: number, details?: ErrorDetails): ErrorBody {
  const body: ErrorBody = { error: { code, message: message ?? ErrorCodes[code].message } };
  if (retryAfter !== undefined) body.error.retryAfter = retryAfter;
  if (details?.until !== undefined) body.error.until = details.until;
  if (details?.reason !== undefined) body.error.reason = details.reason;
  return body;
}
