import { parseOrigins } from './config-origins.js';

/**
 * Passkeys' relying party. `origins` undefined: this server's own http(s)://localhost:PORT origins,
 * known once it listens (only outside production).
 */
export interface WebAuthnConfig {
  rpId: string;
  origins: string[] | undefined;
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS, checked at startup. In production both or neither (neither:
 * passkeys answer 503 PASSKEYS_UNAVAILABLE); elsewhere the RP ID defaults to `localhost`. Every origin
 * must be the RP ID or a subdomain of it, as browsers require, and https unless it is localhost (or under it).
 */
export function parseWebAuthn(
  rpIdValue: string | undefined,
  originsValue: string | undefined,
  production: boolean,
  fail: (message: string) => Error,
): WebAuthnConfig | undefined {
  if (production && rpIdValue === undefined && originsValue === undefined) return undefined;
  if (production && (rpIdValue === undefined || originsValue === undefined)) {
    throw fail('WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS: set both for passkeys in production, or neither');
  }
  const rpId = (rpIdValue ?? 'localhost').trim();
  if (!DOMAIN.test(rpId)) throw fail(`WEBAUTHN_RP_ID: "${rpId}" is not a lower-case domain like chat.example.com`);
  if (originsValue === undefined) return { rpId, origins: undefined };
  const origins = parseOrigins(originsValue, (message) => fail(message.replace('ALLOWED_ORIGINS', 'WEBAUTHN_ORIGINS')));
  for (const origin of origins) {
    const url = new URL(origin);
    if (url.hostname !== rpId && !url.hostname.endsWith(`.${rpId}`)) {
      throw fail(`WEBAUTHN_ORIGINS: "${origin}" is not on WEBAUTHN_RP_ID "${rpId}" or a subdomain of it`);
    }
    if (url.protocol !== 'https:' && url.hostname !== 'localhost' && !url.hostname.endsWith('.localhost')) {
      throw fail(`WEBAUTHN_ORIGINS: "${origin}" must be https (browsers refuse passkeys elsewhere)`);
    }
  }
  return { rpId, origins };
}
