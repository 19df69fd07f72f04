import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errorBody } from '../../../../protocol/index.js';
import type { Metrics } from '../../ports/metrics.js';
import { routeSchema } from './route-schema.js';

/** What serves the exposition text (adapters/metrics-prom.ts). */
export interface MetricsExposition {
  readonly contentType: string;
  scrape(): Promise<string>;
}

/**
 * True when the Authorization header carries exactly `Bearer <token>`. Both sides are hashed first,
 * so the comparison takes the same time whatever the length or the first wrong byte.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(token));
}

const metricsDoc = routeSchema({
  tag: 'operations',
  summary: 'Prometheus metrics, in the text exposition format.',
  description:
    'Present on the main port only with METRICS_TOKEN and no METRICS_PORT; the token goes in ' +
    '`Authorization: Bearer`. Otherwise /metrics is served by the METRICS_PORT listener, or not at all.',
  response: { 200: z.string().describe('The Prometheus text exposition format, version 0.0.4.') },
  textResponse: true,
});

/** GET /metrics on the main port, behind the bearer token (METRICS_TOKEN without METRICS_PORT). */
export function metricsRoute(app: FastifyInstance, exposition: MetricsExposition, token: string): void {
  app.get('/metrics', { schema: metricsDoc }, async (request, reply) => {
    if (!bearerMatches(request.headers.authorization, token)) {
      return reply.status(401).header('WWW-Authenticate', 'Bearer').send(errorBody('UNAUTHENTICATED'));
    }
    const text = await exposition.scrape();
    return reply.header('Content-Type', exposition.contentType).header('Cache-Control', 'no-store').send(text);
  });
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Counts every HTTP response by route *pattern* (`/api/v1/rooms/:room/messages`; `unmatched` for a
 * 404 that matched no route), method and status class, never by raw URL, so a scanner cannot
 * create series. Registered before the routes, so it sees them all.
 */
export function countHttpResponses(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const method = METHODS.has(request.method) ? request.method : 'OTHER';
    metrics.httpResponse(method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}
