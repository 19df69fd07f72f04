import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator, Identity } from '../auth/authenticate.js';
import { bearerToken } from '../auth/authenticate.js';
import type { Limit } from '../../ports/rate-limiter.js';
import { admitRead } from './request-limits.js';

declare module 'fastify' {
  interface FastifyRequest {
    identity?: Identity;
  }
}

/**
 * A preHandler that admits only a live, device-bound access token; with `readLimit`, each GET of a
 * signed-in user also takes a point of that user's read allowance (writes have limits of their own).
 */
export function requireAuth(authenticator: Authenticator, readLimit?: Limit) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    request.identity = await authenticator.authenticate(
      bearerToken(request.headers.authorization),
      request.headers.cookie,
    );
    if (readLimit) await admitRead(readLimit, request.method, request.identity.user.id);
  };
}

export function identityOf(request: FastifyRequest): Identity {
  if (!request.identity) throw new Error('identityOf called on a route without requireAuth');
  return request.identity;
}
