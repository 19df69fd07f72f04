import type { FastifyInstance } from 'fastify';
import { errorBody } from '../../../../protocol/index.js';
import type { Store } from '../../ports/store.js';

/** Liveness (the process answers) and readiness (its database answers). Outside /api/v1. */
export function healthRoutes(app: FastifyInstance, store: Store): void {
  app.get('/health', () => ({ status: 'ok' }));

  app.get('/ready', async (request, reply) => {
    try {
      await store.ping();
      return { status: 'ready', database: 'up' };
    } catch (error) {
      request.log.warn({ err: error }, 'readiness: database not answering');
      return reply.status(503).send(errorBody('STORE_UNAVAILABLE'));
    }
  });
}
