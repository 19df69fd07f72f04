/**
 * Single sign-on with OpenID Connect (issue 17). The browser goes (GET, a plain link) to
 * `/api/v1/auth/oidc/:provider/start`, signs in at the provider, comes back to
 * `/api/v1/auth/oidc/:provider/callback`, and is redirected to the client with `?sso=CODE` (a
 * one-time exchange code, 60 s, bound to this browser by a cookie). The client posts it to
 * `POST /api/v1/auth/oidc/exchange`. No token is ever in a URL.
 */
import { z } from 'zod';
import { LoginResponseSchema } from './frames.js';

/** `GET /api/v1/auth/oidc/providers`: what the login screen offers (empty when none is configured). */
export const SsoProviderSchema = z.object({ id: z.string(), name: z.string() });
export const SsoProvidersSchema = z.object({ providers: z.array(SsoProviderSchema) });
export type SsoProvider = z.infer<typeof SsoProviderSchema>;

export const ExchangeBody = z.strictObject({ code: z.string().min(1).max(128) });

/**
 * A first sign-in whose derived username is taken or invalid: no account yet; the person picks a
 * name and posts it with the ticket to `POST /api/v1/auth/oidc/username`.
 */
export const ChooseUsernameAnswerSchema = z.object({
  chooseUsername: z.object({
    ticket: z.string(),
    expiresAt: z.string(),
    /** A free, valid name to offer, when one could be made. */
    suggestion: z.string().optional(),
  }),
});
export type ChooseUsernameAnswer = z.infer<typeof ChooseUsernameAnswerSchema>;
export const ChooseUsernameBody = z.strictObject({ ticket: z.string().max(128), username: z.string().max(64) });

/** What the exchange answers with 200: tokens (as a password login), or the username step. */
export const ExchangeAnswerSchema = z.union([LoginResponseSchema, ChooseUsernameAnswerSchema]);

/** `GET /api/v1/me/identities`: the provider identities linked to my account. */
export const LinkedIdentitySchema = z.object({
  id: z.string(),
  provider: z.string(),
  providerName: z.string(),
  /** The provider's display of who this is (preferred name or e-mail), for recognition only. */
  label: z.string(),
  linkedAt: z.string(),
});
export const LinkedIdentitiesSchema = z.object({ identities: z.array(LinkedIdentitySchema) });
export type LinkedIdentity = z.infer<typeof LinkedIdentitySchema>;
