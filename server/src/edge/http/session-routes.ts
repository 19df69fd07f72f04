import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import type { Sessions } from '../../core/accounts/sessions.js';
import type { SecurityEventStore } from '../../ports/security-event-store.js';
import { identityOf } from './require-auth.js';
import { validate } from './validate.js';

const SessionParams = z.object({ id: z.string().max(64) });
const EventsQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) });

/** My sessions (list, revoke one) and my security events. Only ever the caller's own. */
export function sessionRoutes(
  app: FastifyInstance,
  sessions: Sessions,
  events: SecurityEventStore,
  auth: preHandlerAsyncHookHandler,
): void {
  app.get('/api/v1/auth/sessions', { preHandler: auth }, async (request, reply) => {
    const { user, sessionId } = identityOf(request);
    return reply.header('Cache-Control', 'no-store').send({ sessions: await sessions.list(user.id, sessionId) });
  });

  app.delete('/api/v1/auth/sessions/:id', { preHandler: auth }, async (request, reply) => {
    const { id } = validate(SessionParams, request.params);
    await sessions.revokeOwn(identityOf(request).user.id, id, {
      ip: request.ip,
      userAgent: request.headers['user-agent'] ?? '',
    });
    return reply.status(204).send();
  });

  app.get('/api/v1/me/security-events', { preHandler: auth }, async (request, reply) => {
    const { limit } = validate(EventsQuery, request.query);
    const list = await events.listSecurityEvents(identityOf(request).user.id, limit);
    return reply.header('Cache-Control', 'no-store').send({
      events: list.map((event) => ({
        id: event.id,
        kind: event.kind,
        at: event.at,
        ip: event.ip,
        userAgent: event.userAgent,
        sessionId: event.sessionId,
      })),
    });
  });
}
