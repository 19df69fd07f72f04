import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import { SecurityEventViewSchema, SessionViewSchema } from '../../../../protocol/index.js';
import type { Sessions } from '../../core/accounts/sessions.js';
import type { SecurityEventStore } from '../../ports/security-event-store.js';
import { identityOf } from './require-auth.js';
import { NoContent, routeSchema } from './route-schema.js';
import { validate } from './validate.js';

const SessionParams = z.object({ id: z.string().max(64) });
const EventsQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) });

const docs = {
  list: routeSchema({
    tag: 'sessions',
    summary: 'My live sessions.',
    auth: true,
    response: { 200: z.object({ sessions: z.array(SessionViewSchema) }) },
  }),
  revoke: routeSchema({
    tag: 'sessions',
    summary: 'End one of my sessions.',
    auth: true,
    params: SessionParams,
    response: { 204: NoContent },
  }),
  events: routeSchema({
    tag: 'sessions',
    summary: 'My security events, newest first.',
    auth: true,
    querystring: EventsQuery,
    response: { 200: z.object({ events: z.array(SecurityEventViewSchema) }) },
  }),
};

/** My sessions (list, revoke one) and my security events. Only ever the caller's own. */
export function sessionRoutes(
  app: FastifyInstance,
  sessions: Sessions,
  events: SecurityEventStore,
  auth: preHandlerAsyncHookHandler,
): void {
  app.get('/api/v1/auth/sessions', { preHandler: auth, schema: docs.list }, async (request, reply) => {
    const { user, sessionId } = identityOf(request);
    return reply.header('Cache-Control', 'no-store').send({ sessions: await sessions.list(user.id, sessionId) });
  });

  app.delete('/api/v1/auth/sessions/:id', { preHandler: auth, schema: docs.revoke }, async (request, reply) => {
    const { id } = validate(SessionParams, request.params);
    await sessions.revokeOwn(identityOf(request).user.id, id, {
      ip: request.ip,
      userAgent: request.headers['user-agent'] ?? '',
    });
    return reply.status(204).send();
  });

  app.get('/api/v1/me/security-events', { preHandler: auth, schema: docs.events }, async (request, reply) => {
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
        ...(event.detail ? { detail: event.detail } : {}),
      })),
    });
  });
}
