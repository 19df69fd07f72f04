import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

/**
 * Checks real answers against the OpenAPI document the server serves: each JSON answer of a
 * documented route must match the schema the document gives for its method, path and status.
 *
 * The validator is zod's own JSON Schema reader (z.fromJSONSchema), fed the document's JSON, not
 * our zod schemas: ajv 8 is not ours to import (only fastify's nested copy; the hoisted `ajv` is
 * eslint's 6, which knows no JSON Schema 2020-12).
 */
export interface ResponseMismatch {
  method: string;
  route: string;
  status: number;
  problem: string;
}

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
}

/** Fastify's `/rooms/:room` is OpenAPI's `/rooms/{room}`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

export function responseChecker(document: OpenApiDocument) {
  const compiled = new Map<string, z.ZodType>();
  const defs = document.components?.schemas ?? {};
  const compile = (key: string, schema: unknown) => {
    let validator = compiled.get(key);
    if (!validator) {
      // z.fromJSONSchema resolves references inside the schema it is given: move components there.
      const text = JSON.stringify(schema).replaceAll('"#/components/schemas/', '"#/$defs/');
      const rooted = {
        ...(JSON.parse(text) as object),
        $defs: JSON.parse(JSON.stringify(defs).replaceAll('"#/components/schemas/', '"#/$defs/')) as object,
      };
      validator = z.fromJSONSchema(rooted as Parameters<typeof z.fromJSONSchema>[0]);
      compiled.set(key, validator);
    }
    return validator;
  };

  /** undefined when the answer matches; otherwise what is wrong. */
  return (method: string, route: string, status: number, contentType: string, body: string): string | undefined => {
    const operation = document.paths[openApiPath(route)]?.[method.toLowerCase()];
    if (!operation) return 'the route is not in the document';
    const responses = operation.responses ?? {};
    const key = [String(status), `${String(status)[0]}XX`, 'default'].find((candidate) => responses[candidate]);
    if (key === undefined) return `status ${status} is not documented`;
    const html = responses[key]?.content?.['text/html'];
    if (html !== undefined)
      return contentType.startsWith('text/html') ? undefined : `expected HTML, got ${contentType}`;
    const text = responses[key]?.content?.['text/plain'];
    if (text !== undefined)
      return contentType.startsWith('text/plain') ? undefined : `expected text, got ${contentType}`;
    const schema = responses[key]?.content?.['application/json']?.schema;
    if (schema === undefined) return body.length === 0 ? undefined : `status ${status} documents no body`;
    if (!contentType.startsWith('application/json')) return `expected JSON, got ${contentType || 'no type'}`;
    const result = compile(`${method} ${route} ${key}`, schema).safeParse(JSON.parse(body));
    return result.success ? undefined : z.prettifyError(result.error);
  };
}

/**
 * An onSend hook that checks every answer of a documented route (everything but HEAD and what the
 * document hides: static files and /docs itself) and collects the mismatches.
 */
export function checkApiResponses(app: FastifyInstance, mismatches: ResponseMismatch[]): void {
  let check: ReturnType<typeof responseChecker> | undefined;
  app.addHook('onSend', (request, reply, payload, done) => {
    const route = request.routeOptions.url;
    const hidden = request.routeOptions.schema?.hide === true;
    if (route === undefined || hidden || request.method === 'HEAD' || request.method === 'OPTIONS') {
      done(null, payload);
      return;
    }
    check ??= responseChecker(app.swagger() as unknown as OpenApiDocument);
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '';
    const contentType = String(reply.getHeader('content-type') ?? '');
    let problem: string | undefined;
    try {
      problem = check(request.method, route, reply.statusCode, contentType, body);
    } catch (error) {
      problem = `could not check: ${String(error)}`;
    }
    if (problem) mismatches.push({ method: request.method, route, status: reply.statusCode, problem });
    done(null, payload);
  });
}
