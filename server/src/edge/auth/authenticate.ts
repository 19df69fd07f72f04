import type { User } from '../../../../protocol/index.js';
import type { Sessions } from '../../core/accounts/sessions.js';
import { ParleyError } from '../../core/errors.js';
import type { AccessTokens } from './access-tokens.js';
import { cookieNames, readCookie } from './cookies.js';
import { fingerprintMatches } from './fingerprint.js';

export interface Identity {
  user: User;
  sessionId: string;
}

export interface Authenticator {
  /** Checks a token with the request's cookie header: signature, claims, device binding, live session. */
  authenticate(token: string | undefined, cookieHeader: string | undefined): Promise<Identity>;
}

/**
 * The one place HTTP and the WebSocket handshake decide who is calling. The session is looked up
 * on every call, so a revoked session's token fails on the very next request.
 */
export function createAuthenticator(tokens: AccessTokens, sessions: Sessions, secureCookies: boolean): Authenticator {
  const cookieName = cookieNames(secureCookies).fingerprint;
  return {
    async authenticate(token, cookieHeader) {
      if (token === undefined || token.length === 0) throw new ParleyError('UNAUTHENTICATED');
      const claims = await tokens.verify(token);
      if (!fingerprintMatches(readCookie(cookieHeader, cookieName), claims.fingerprintHash)) {
        throw new ParleyError('FINGERPRINT_MISMATCH');
      }
      const active = await sessions.active(claims.sessionId, claims.userId);
      if (!active) throw new ParleyError('TOKEN_INVALID');
      return { user: active.user, sessionId: claims.sessionId };
    },
  };
}

/** The token from `Authorization: Bearer <token>`, if that is the header's shape. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header.trim());
  return match?.[1];
}
