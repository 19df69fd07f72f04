import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../ports/clock.js';
import type { IdentityProviders } from '../../ports/identity-provider.js';
import type { Store } from '../../ports/store.js';
import type { SecurityLog } from '../accounts/security-log.js';
import type { Sessions } from '../accounts/sessions.js';
import { ParleyError } from '../errors.js';
import type { Proofs } from '../passkeys/passkey-context.js';

/** How long a begun sign-in waits for its callback (the person is at the provider's login page). */
export const SSO_FLOW_TTL_SECONDS = 600;
/** How long the redirect's exchange code lives (issue 17: 60 s, single use). */
export const EXCHANGE_CODE_TTL_SECONDS = 60;
/** How long the username step's ticket lives. */
export const USERNAME_TICKET_TTL_SECONDS = 600;

export interface SsoContext {
  store: Store;
  clock: Clock;
  securityLog: SecurityLog;
  sessions: Sessions;
  proofs: Proofs;
  providers: IdentityProviders;
  newId(): string;
}

/** 256 random bits, base64url: states, nonces, PKCE verifiers, codes, tickets. */
export const randomToken = () => randomBytes(32).toString('base64url');
export const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('base64url');
export const iso = (ms: number) => new Date(ms).toISOString();

/** The provider, or 404 SSO_PROVIDER_NOT_FOUND. */
export function requireProvider(ctx: SsoContext, id: string): void {
  if (!ctx.providers.has(id)) throw new ParleyError('SSO_PROVIDER_NOT_FOUND');
}

/** Where a request came from, for the security log. */
export interface Via {
  ip: string;
  userAgent: string;
}
