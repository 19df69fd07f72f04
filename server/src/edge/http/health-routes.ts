import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ErrorBodySchema, errorBody, type ErrorCode } from '../../../../protocol/index.js';
import type { Store } from '../../ports/store.js';
import { routeSchema } from './route-schema.js';

/**
 * Liveness (the process answers) and readiness (its database and, when used, Redis answer), outside
 * /api/v1. Not ready is 503 with the error body naming what is down.
 */
const healthDoc = routeSchema({
  tag: 'health',
  summary: 'Liveness: the process answers.',
  response: { 200: z.object({ status: z.literal('ok') }) },
});
const Dependency = z.enum(['up', 'down']);
const readyDoc = routeSchema({
  tag: 'health',
  summary: 'Readiness: the database and, when used, Redis answer.',
  response: {
    200: z.object({ status: z.literal('ready'), database: Dependency, redis: Dependency.optional() }),
    503: ErrorBodySchema.extend({ status: z.record(z.string(), Dependency) }).describe('A dependency is down.'),
  },
});

export function healthRoutes(app: FastifyInstance, store: Store, redisPing: (() => Promise<void>) | undefined): void {
  app.get('/health', { schema: healthDoc }, () => ({ status: 'ok' }));

  app.get('/ready', { schema: readyDoc }, async (request, reply) => {
    const checks: [string, () => Promise<void>, ErrorCode][] = [['database', () => store.ping(), 'STORE_UNAVAILABLE']];
    if (redisPing) checks.push(['redis', redisPing, 'REDIS_UNAVAILABLE']);
    const status: Record<string, 'up' | 'down'> = {};
    let firstDown: ErrorCode | undefined;
    for (const [name, check, code] of checks) {
      try {
        await withTimeout(check(), 2000);
        status[name] = 'up';
      } catch (error) {
        request.log.warn({ err: error, dependency: name }, 'readiness: dependency not answering');
        status[name] = 'down';
        firstDown ??= code;
      }
    }
    if (firstDown) return reply.status(503).send({ ...errorBody(firstDown), status });
    return { status: 'ready', ...status };
  });
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
