/**
 * My account and other people's public profiles over HTTP: the password change body and the
 * profile a signed-in person may read of anyone (what a member already sees, plus when they joined).
 */
import { z } from 'zod';
import { UserSchema } from './events.js';
import { Limits, PASSKEY_NAME_MAX } from './limits.js';

/** `POST /api/v1/auth/password`. Generous bounds: the length rules are the core's, with their own codes. */
export const PasswordChangeBody = z.strictObject({
  currentPassword: z.string().max(1024),
  newPassword: z.string().max(1024),
  logoutOtherSessions: z.boolean().default(false),
});
export type PasswordChange = z.input<typeof PasswordChangeBody>;

/** `GET /api/v1/users/:username`: a name that cannot exist is VALIDATION_FAILED, not a lookup. */
export const UserProfileParams = z.strictObject({ username: z.string().regex(Limits.USERNAME_PATTERN) });

/**
 * A person as anyone signed in may see them: the User of every frame, and when the account was made
 * (ISO 8601). Never sessions, devices, addresses or anything else about the account.
 */
export const UserProfileSchema = UserSchema.extend({ createdAt: z.string() });
export type UserProfile = z.infer<typeof UserProfileSchema>;

/** One of my live sessions, as `GET /api/v1/auth/sessions` lists them (`current`: the one asking). */
export const SessionViewSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  expiresAt: z.string(),
  ip: z.string(),
  userAgent: z.string(),
  current: z.boolean(),
});

/** One of my security events (`GET /api/v1/me/security-events`), newest first. */
export const SecurityEventViewSchema = z.object({
  id: z.number().int().optional(),
  kind: z.string(),
  at: z.string(),
  ip: z.string(),
  userAgent: z.string(),
  sessionId: z.string().nullable(),
  /** A few facts about the event, e.g. `{ remaining: 7 }` for recovery_code_used. */
  detail: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});

/** `POST /api/v1/auth/step-up`: the password again, and a TOTP or recovery code when TOTP is on. */
export const StepUpBody = z.strictObject({
  password: z.string().max(1024),
  code: z.string().max(64).optional(),
});
export type StepUp = z.infer<typeof StepUpBody>;

/** The answer to a step-up: sensitive actions are allowed until this instant (ISO 8601). */
export const StepUpAnswerSchema = z.object({ proofUntil: z.string() });

/** One of my passkeys (`GET /api/v1/me/passkeys`): never its key or counter. */
export const PasskeyViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  backedUp: z.boolean(),
});
export type PasskeyView = z.infer<typeof PasskeyViewSchema>;

/** A passkey's name as its owner gives it. */
export const PasskeyName = z.string().trim().min(1).max(PASSKEY_NAME_MAX);

/** Options for the browser's navigator.credentials call, and the ceremony id to send back with its answer. */
export const PasskeyOptionsAnswer = z.object({
  ceremonyId: z.string(),
  options: z.record(z.string(), z.unknown()),
});

/** The browser's answer (the JSON @simplewebauthn/browser gives), checked in full by the server. */
export const WebAuthnResponse = z.looseObject({ id: z.string().max(1024), type: z.literal('public-key') });
export const PasskeyCeremonyBody = z.strictObject({ ceremonyId: z.string().max(128), response: WebAuthnResponse });
export const PasskeyRegisterBody = PasskeyCeremonyBody.extend({ name: PasskeyName });
export const PasskeyRenameBody = z.strictObject({ name: PasskeyName });
export const ProofAnswer = z.object({ proofUntil: z.string() });
