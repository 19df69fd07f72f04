import type { FastifySchema } from 'fastify';
import { z } from 'zod';
import { ErrorBodySchema } from '../../../../protocol/index.js';

/**
 * How a route declares itself for the OpenAPI document: the very zod schemas it validates with
 * (`validate(Schema, …)` stays the one check, see api-docs.ts for why Fastify does not validate), the
 * answer per status, and whether it needs a signed-in caller. Every route also answers the error
 * body (`default`), so a refusal is documented without listing each code per route.
 */
export interface RouteDoc {
  tag: string;
  summary: string;
  description?: string;
  /** A bearer access token and the fingerprint cookie it is bound to. */
  auth?: boolean;
  body?: z.ZodType;
  /** The route reads a missing body as empty (`request.body ?? {}`); a body that accepts undefined is optional anyway. */
  optionalBody?: boolean;
  params?: z.ZodType;
  querystring?: z.ZodType;
  response: Record<number, z.ZodType>;
  /** The 200 answer is `text/plain` (its schema a string), not JSON. */
  textResponse?: boolean;
  /** A page a browser navigates to: these statuses answer `text/html` (list them in `response` as a string). */
  htmlStatuses?: number[];
}

/** The names of the security schemes in the document (api-docs.ts declares them). */
export const SECURITY = { bearer: 'bearerAuth', fingerprint: 'fingerprintCookie' } as const;

/**
 * Marks an operation whose body may be left out: @fastify/swagger calls every body required, and
 * api-docs.ts turns this mark into `requestBody.required: false`.
 */
export const OPTIONAL_BODY = 'x-parley-optional-body';

/**
 * Marks an operation whose success answer is plain text (the Prometheus exposition): api-docs.ts
 * moves its 200 from `application/json` to `text/plain`.
 */
export const TEXT_RESPONSE = 'x-parley-text-response';

/**
 * Marks an operation some of whose answers are HTML pages (the SSO callback's failure page):
 * api-docs.ts moves those statuses from `application/json` to `text/html`, and a documented
 * answer without a body (a redirect) loses its content.
 */
export const HTML_RESPONSE = 'x-parley-html-response';

/** An answer without a body (204). */
export const NoContent = z.null().describe('No content.');

export function routeSchema(doc: RouteDoc): FastifySchema {
  return {
    tags: [doc.tag],
    summary: doc.summary,
    ...(doc.description === undefined ? {} : { description: doc.description }),
    ...(doc.body === undefined ? {} : { body: doc.body }),
    ...(doc.body !== undefined && (doc.optionalBody === true || doc.body.safeParse(undefined).success)
      ? { [OPTIONAL_BODY]: true }
      : {}),
    ...(doc.params === undefined ? {} : { params: doc.params }),
    ...(doc.querystring === undefined ? {} : { querystring: doc.querystring }),
    ...(doc.textResponse ? { [TEXT_RESPONSE]: true } : {}),
    ...(doc.htmlStatuses ? { [HTML_RESPONSE]: doc.htmlStatuses } : {}),
    ...(doc.auth ? { security: [{ [SECURITY.bearer]: [], [SECURITY.fingerprint]: [] }] } : {}),
    response: { ...doc.response, default: ErrorBodySchema },
  };
}
