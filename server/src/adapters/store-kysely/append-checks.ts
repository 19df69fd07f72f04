import type { AppendResult, NewMessage } from '../../ports/store.js';

/**
 * The moderation checks of an append (ADR 0020), shared by the SQLite group commit and the Kysely
 * path. They run inside the append's transaction, after the room row is locked by the seq bump, on
 * rows the append reads anyway: the room (its modes) and the author's membership (role and mute). Only
 * slow mode needs one more read, the author's newest message in the room, and only while it is on.
 */
export type AppendRefusal = Extract<AppendResult, { status: 'muted' | 'read-only' | 'slow-mode' }>;

/** Thrown inside the append's transaction (or savepoint), so the seq bump rolls back with it. */
export class AppendRefused extends Error {
  constructor(readonly result: AppendRefusal | { status: 'not-member' | 'bad-files' }) {
    super(result.status);
  }
}

export interface AppendRoomModes {
  read_only: number;
  slow_mode_seconds: number;
}

export interface AppendMembership {
  role: string;
  muted_until: string | null;
  mute_reason: string | null;
}

/**
 * Mute, then read-only. Answers the refusal, or whether slow mode must be checked (it is on and the
 * author is not exempt) — the caller then reads the author's newest message and asks `slowMode`.
 */
export function muteOrReadOnly(
  room: AppendRoomModes,
  member: AppendMembership,
  message: NewMessage,
): AppendRefusal | 'check-slow-mode' | undefined {
  // ISO 8601 UTC text compares in time order.
  if (member.muted_until !== null && member.muted_until > message.createdAt) {
    return { status: 'muted', until: member.muted_until, reason: member.mute_reason ?? '' };
  }
  const exempt = message.exemptRoles?.includes(member.role as never) === true;
  if (exempt) return undefined;
  if (room.read_only !== 0) return { status: 'read-only' };
  return room.slow_mode_seconds > 0 ? 'check-slow-mode' : undefined;
}

/** A second message within `seconds` of the author's last one is refused, with the whole seconds left. */
export function slowMode(seconds: number, at: string, lastAt: string | undefined): AppendRefusal | undefined {
  if (lastAt === undefined) return undefined;
  const waitMs = Date.parse(lastAt) + seconds * 1000 - Date.parse(at);
  if (waitMs <= 0) return undefined;
  return { status: 'slow-mode', retryAfter: Math.max(1, Math.ceil(waitMs / 1000)) };
}
