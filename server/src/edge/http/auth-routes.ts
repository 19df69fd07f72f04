import type { FastifyInstance } from 'fastify';
import { CredentialsBody, type LoginResponse } from '../../../../protocol/index.js';
import type { Accounts } from '../../core/accounts/accounts.js';
import type { AccessTokens } from '../auth/access-tokens.js';
import { fingerprintCookieHeader, hashFingerprint, newFingerprint } from '../auth/fingerprint.js';
import { validate } from './validate.js';

export interface AuthRoutesDeps {
  accounts: Accounts;
  tokens: AccessTokens;
  secureCookies: boolean;
}

export function authRoutes(app: FastifyInstance, deps: AuthRoutesDeps): void {
  app.post('/api/v1/auth/register', async (request, reply) => {
    const { username, password } = validate(CredentialsBody, request.body);
    const user = await deps.accounts.register(username, password);
    return reply.status(201).send({ user });
  });

  app.post('/api/v1/auth/login', async (request, reply) => {
    const { username, password } = validate(CredentialsBody, request.body);
    const fingerprint = newFingerprint();
    const { user, session } = await deps.accounts.login(username, password, {
      fingerprintHash: hashFingerprint(fingerprint),
      ip: request.ip,
      userAgent: request.headers['user-agent'] ?? '',
    });
    const { token, expiresAt } = await deps.tokens.sign({
      userId: user.id,
      sessionId: session.id,
      fingerprintHash: session.fingerprintHash,
    });
    const body: LoginResponse = { accessToken: token, accessTokenExpiresAt: expiresAt.toISOString(), user };
    return reply
      .header('Set-Cookie', fingerprintCookieHeader(fingerprint, deps.secureCookies))
      .header('Cache-Control', 'no-store')
      .send(body);
  });
}
