import type { FastifyReply } from 'fastify';
import type { LoginResponse } from '../../../../protocol/index.js';
import type { IssuedSession } from '../../core/accounts/sessions.js';
import type { AccessTokens } from '../auth/access-tokens.js';
import { deviceCookie, sessionCookies } from '../auth/cookies.js';
import type { DeviceCookies } from '../auth/device-cookie.js';

export interface LoginAnswerDeps {
  tokens: AccessTokens;
  deviceCookies: DeviceCookies;
  secureCookies: boolean;
  sessionMaxAgeSeconds: number;
  refreshTokenTtlSeconds: number;
}

/** The token answer every login and refresh sends: tokens in the body, never cached, with these cookies. */
export async function tokenAnswer(
  deps: Pick<LoginAnswerDeps, 'tokens'>,
  reply: FastifyReply,
  issued: IssuedSession,
  cookies: string[],
) {
  const { token, expiresAt } = await deps.tokens.sign({
    userId: issued.user.id,
    sessionId: issued.session.id,
    fingerprintHash: issued.session.fingerprintHash,
  });
  const body: LoginResponse = {
    accessToken: token,
    accessTokenExpiresAt: expiresAt.toISOString(),
    refreshToken: issued.refreshToken,
    refreshTokenExpiresAt: issued.refreshTokenExpiresAt,
    user: issued.user,
  };
  return reply.header('Set-Cookie', cookies).header('Cache-Control', 'no-store').send(body);
}

/**
 * A new sign-in (password or passkey): the session's fingerprint and refresh cookies, and a fresh
 * device cookie with a fresh failure allowance. `more` cookies go along (one clearing a ceremony's, say).
 */
export function loginAnswer(
  deps: LoginAnswerDeps,
  reply: FastifyReply,
  issued: IssuedSession,
  fingerprint: string,
  more: string[] = [],
) {
  const cookies = [
    ...sessionCookies(
      { fingerprint, refreshToken: issued.refreshToken },
      { sessionSeconds: deps.sessionMaxAgeSeconds, refreshSeconds: deps.refreshTokenTtlSeconds },
      deps.secureCookies,
    ),
    deviceCookie(deps.deviceCookies.issue(issued.user.id), deps.secureCookies),
    ...more,
  ];
  return tokenAnswer(deps, reply, issued, cookies);
}
