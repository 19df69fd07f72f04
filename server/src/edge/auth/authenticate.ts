import type { User } from '../../../../protocol/index.js';
import type { Sessions } from '../../core/accounts/sessions.js';
import { ParleyError } from '../../core/errors.js';
import type { SocketBinding } from '../../ports/socket-credentials.js';
import type { AccessTokens } from './access-tokens.js';
import { cookieNames, readCookie } from './cookies.js';
import { fingerprintMatches } from './fingerprint.js';

export interface Identity {
  user: User;
  sessionId: string;
  /** Until when these credentials hold (ms since the epoch): the token's expiry or the session's end, whichever is first. */
  expiresAt: number;
}

export interface Authenticator {
  /** Checks a token with the request's cookie header: signature, claims, device binding, live session. */
  authenticate(token: string | undefined, cookieHeader: string | undefined): Promise<Identity>;
  /**
   * Checks a fresh token for a socket that was authenticated at its handshake: the same checks, with
   * the device binding proved by the session's own fingerprint hash (a socket sends no cookie after
   * the handshake; its cookie matched this session's hash then). Answers the new deadline.
   */
  renew(token: string, bound: SocketBinding): Promise<number>;
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
      return { user: active.user, sessionId: claims.sessionId, expiresAt: deadline(claims.expiresAt, active.session) };
    },
    async renew(token, bound) {
      const claims = await tokens.verify(token);
      // One answer for every refusal: a prober learns nothing about other users' sessions.
      if (claims.userId !== bound.userId || claims.sessionId !== bound.sessionId)
        throw new ParleyError('TOKEN_INVALID');
      const active = await sessions.active(claims.sessionId, claims.userId);
      if (!active || active.session.fingerprintHash !== claims.fingerprintHash) throw new ParleyError('TOKEN_INVALID');
      return deadline(claims.expiresAt, active.session);
    },
  };
}

function deadline(tokenExpiresAt: number, session: { expiresAt: string }): number {
  return Math.min(tokenExpiresAt, Date.parse(session.expiresAt));
}

/** The token from `Authorization: Bearer <token>`, if that is the header's shape. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header.trim());
  return match?.[1];
}
