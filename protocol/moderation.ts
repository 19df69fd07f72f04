/**
 * Room moderation over HTTP (docs/protocol.md, "Moderation"): the bodies the server accepts, strict
 * (an unknown field is VALIDATION_FAILED), shared with the web client.
 */
import { z } from 'zod';
import { RoomRoleSchema, UserSchema } from './events.js';
import { isWellFormed } from './message-text.js';

/** Longest reason a moderator may give (it is shown to the person and kept in the audit log). */
export const MODERATION_REASON_MAX_CHARS = 500;
/** Longest mute: 30 days. */
export const MUTE_MAX_SECONDS = 2_592_000;
/** Longest slow mode: 6 hours between two messages. */
export const SLOW_MODE_MAX_SECONDS = 21_600;

const username = z.string().min(1).max(256);
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;
/**
 * One line of well-formed text, as an admin's reason (protocol/admin.ts): it is hashed into the audit
 * log, and a lone surrogate would be stored as U+FFFD (PostgreSQL refuses U+0000 outright), so the
 * stored entry would no longer match its hash and `audit verify` would call an untouched log changed.
 */
const reason = z
  .string()
  .max(MODERATION_REASON_MAX_CHARS)
  .refine(
    (text) => isWellFormed(text) && !CONTROL.test(text),
    'a reason is one line of text without control characters',
  )
  .optional();

/** `POST /api/v1/rooms/:room/mutes`. */
export const MuteBody = z.strictObject({
  username,
  durationSeconds: z.number().int().min(1).max(MUTE_MAX_SECONDS),
  reason,
});
/** `POST /api/v1/rooms/:room/kicks` and `/bans`. */
export const ModerateUserBody = z.strictObject({ username, reason });
/** `PATCH /api/v1/rooms/:room/moderation`: at least one of the two. */
export const RoomModerationBody = z
  .strictObject({
    readOnly: z.boolean().optional(),
    slowModeSeconds: z.number().int().min(0).max(SLOW_MODE_MAX_SECONDS).optional(),
  })
  .refine((body) => body.readOnly !== undefined || body.slowModeSeconds !== undefined, 'nothing to change');
/** `PATCH /api/v1/rooms/:room/members/:username`: a room role, never a global one. */
export const MemberRoleBody = z.strictObject({ role: RoomRoleSchema });

/** The answer to a mute. */
export const MuteSchema = z.object({ user: UserSchema, until: z.string(), reason: z.string().optional() });
export type Mute = z.infer<typeof MuteSchema>;
/** A ban, as `POST /bans` answers it and `GET /bans` lists them. */
export const BanSchema = z.object({
  user: UserSchema,
  reason: z.string().optional(),
  bannedBy: UserSchema,
  bannedAt: z.string(),
});
export type Ban = z.infer<typeof BanSchema>;
