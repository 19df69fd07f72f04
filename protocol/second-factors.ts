/**
 * Second factors over HTTP (issue 16): an authenticator app (TOTP), its recovery codes, and the
 * second step of a password login when TOTP is on.
 */
import { z } from 'zod';
import { LoginResponseSchema } from './frames.js';

/** `POST /api/v1/me/totp`: a new secret, pending until `POST /me/totp/confirm` with a first code. */
export const TotpEnrolmentSchema = z.object({ secret: z.string(), otpauthUrl: z.string() });
export const TotpCodeBody = z.strictObject({ code: z.string().max(64) });
/** Ten codes, shown once: each signs in (or steps up) once in place of a TOTP code. */
export const RecoveryCodesSchema = z.object({ recoveryCodes: z.array(z.string()) });
/** `GET /api/v1/me/second-factors`. */
export const SecondFactorsSchema = z.object({
  totp: z.boolean(),
  recoveryCodesLeft: z.number().int(),
  passkeys: z.number().int(),
});
export type SecondFactors = z.infer<typeof SecondFactorsSchema>;

/** A right password for an account with TOTP on: no tokens yet, a ticket for the second step. */
export const SecondStepAnswerSchema = z.object({
  secondStep: z.object({
    ticket: z.string(),
    expiresAt: z.string(),
    methods: z.array(z.enum(['totp', 'recovery'])),
  }),
});
export type SecondStepAnswer = z.infer<typeof SecondStepAnswerSchema>;
/** What `POST /api/v1/auth/login` answers with 200: tokens, or the second step. */
export const LoginAnswerSchema = z.union([LoginResponseSchema, SecondStepAnswerSchema]);

/** `POST /api/v1/auth/login/second-step`: the ticket and a TOTP code, or a recovery code. */
export const SecondStepBody = z.union([
  z.strictObject({ ticket: z.string().max(128), code: z.string().max(64) }),
  z.strictObject({ ticket: z.string().max(128), recoveryCode: z.string().max(64) }),
]);
