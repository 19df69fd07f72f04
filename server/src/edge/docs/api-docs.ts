import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { markHtmlResponses } from './html-responses.js';
import { OPTIONAL_BODY, routeSchema, SECURITY, TEXT_RESPONSE } from '../http/route-schema.js';
import { asyncApiDocument } from './asyncapi.js';

export const OPENAPI_PATH = '/api/v1/openapi.json';
export const ASYNCAPI_PATH = '/api/v1/asyncapi.json';
export const DOCS_PREFIX = '/docs';
const API_VERSION = '1';

/**
 * The API documents and the /docs page. Register before any route: @fastify/swagger collects the
 * routes as they are added. Each route declares the same zod schemas it validates with
 * (route-schema.ts) and the document is generated from them.
 *
 * Fastify itself neither validates nor serializes with those schemas: the routes keep calling
 * `validate()`, whose VALIDATION_FAILED names the field (docs/errors.md), and answers stay plain
 * JSON.stringify, as before. So declaring a schema changes what the document says, never what a
 * client gets.
 */
export async function registerApiDocs(app: FastifyInstance, options: { fingerprintCookie: string }): Promise<void> {
  app.setValidatorCompiler(() => (value: unknown) => ({ value }));
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Parley HTTP API',
        version: API_VERSION,
        description:
          'Generated from the zod schemas the routes validate with. Errors: one body with a stable code ' +
          `(docs/errors.md). The WebSocket protocol: ${ASYNCAPI_PATH} (AsyncAPI 3).`,
      },
      components: {
        securitySchemes: {
          [SECURITY.bearer]: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          [SECURITY.fingerprint]: {
            type: 'apiKey',
            in: 'cookie',
            name: options.fingerprintCookie,
            description: 'The device fingerprint cookie set at login; the access token is bound to it.',
          },
        },
      },
    },
    transform: createJsonSchemaTransform({ skipList: [] }),
    transformObject: (input) =>
      markHtmlResponses(markTextResponses(markOptionalBodies(jsonSchemaTransformObject(input)))),
  });

  const styleHashes = swaggerUiStyleHashes();
  await app.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    validatorUrl: false,
    uiConfig: { validatorUrl: null, deepLinking: true },
    // Our CSP allows no inline style; Swagger UI draws its logo with one <style>, allowed by its hash.
    transformStaticCSP: (header) =>
      header.replace(/style-src 'self'/, `style-src 'self' ${styleHashes.map((hash) => `'${hash}'`).join(' ')}`),
  });

  const Document = z.record(z.string(), z.unknown());
  app.get(
    OPENAPI_PATH,
    { schema: routeSchema({ tag: 'docs', summary: 'This document (OpenAPI 3.1).', response: { 200: Document } }) },
    () => app.swagger(),
  );
  let asyncApi: Record<string, unknown> | undefined;
  app.get(
    ASYNCAPI_PATH,
    {
      schema: routeSchema({ tag: 'docs', summary: 'The WebSocket frames (AsyncAPI 3).', response: { 200: Document } }),
    },
    () => (asyncApi ??= asyncApiDocument(API_VERSION)),
  );
}

type Operation = { requestBody?: { required?: boolean } } & Record<string, unknown>;

/** Turns route-schema.ts's mark into `requestBody.required: false`, and drops the mark. */
function markOptionalBodies<T>(document: T): T {
  const paths = (document as { paths?: Record<string, Record<string, Operation>> }).paths ?? {};
  for (const operation of Object.values(paths).flatMap((methods) => Object.values(methods))) {
    if (operation[OPTIONAL_BODY] !== true) continue;
    delete operation[OPTIONAL_BODY];
    if (operation.requestBody) operation.requestBody.required = false;
  }
  return document;
}

type Content = Record<string, unknown>;

/** Turns route-schema.ts's text mark into a `text/plain` 200 answer, and drops the mark. */
function markTextResponses<T>(document: T): T {
  const paths = (document as { paths?: Record<string, Record<string, Operation>> }).paths ?? {};
  for (const operation of Object.values(paths).flatMap((methods) => Object.values(methods))) {
    if (operation[TEXT_RESPONSE] !== true) continue;
    delete operation[TEXT_RESPONSE];
    const ok = (operation['responses'] as Record<string, { content?: Content }> | undefined)?.['200'];
    const json = ok?.content?.['application/json'];
    if (ok && json !== undefined) ok.content = { 'text/plain': json };
  }
  return document;
}

/**
 * The CSP hashes of the inline <style> elements Swagger UI creates, read from the installed file
 * at startup: they change with its version, so they are computed, never pasted.
 */
export function swaggerUiStyleHashes(): string[] {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('@fastify/swagger-ui/package.json'));
  const hashes = new Set<string>();
  for (const file of ['swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js']) {
    const source = readFileSync(join(root, 'static', file), 'utf8');
    for (const match of source.matchAll(/createElement\("style",null,("(?:[^"\\]|\\.)*")\)/g)) {
      const css = JSON.parse(match[1]!) as string;
      hashes.add(`sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}`);
    }
  }
  return [...hashes];
}
