import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator, Identity } from '../auth/authenticate.js';
import { bearerToken } from '../auth/authenticate.js';

declare module 'fastify' {
  interface FastifyRequest {
    identity?: Identity;
  }
}

/** A preHandler that admits only a live, device-bound access token. */
export function requireAuth(authenticator: Authenticator) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    request.identity = await authenticator.authenticate(
      bearerToken(request.headers.authorization),
      request.headers.cookie,
    );
  };
}

export function identityOf(request: FastifyRequest): Identity {
  if (!request.identity) throw new Error('identityOf called on a route without requireAuth');
  return request.identity;
}
