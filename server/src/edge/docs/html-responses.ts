import { HTML_RESPONSE } from '../http/route-schema.js';

type Response = { content?: Record<string, unknown> };
type Operation = { responses?: Record<string, Response> } & Record<string, unknown>;

/**
 * Turns route-schema.ts's HTML mark into `text/html` answers for the listed statuses; a documented
 * answer of that operation with a `null` schema (a redirect) loses its content. Drops the mark.
 */
export function markHtmlResponses<T>(document: T): T {
  const paths = (document as { paths?: Record<string, Record<string, Operation>> }).paths ?? {};
  for (const operation of Object.values(paths).flatMap((methods) => Object.values(methods))) {
    const statuses = operation[HTML_RESPONSE];
    if (!Array.isArray(statuses)) continue;
    delete operation[HTML_RESPONSE];
    for (const [status, response] of Object.entries(operation.responses ?? {})) {
      const json = response.content?.['application/json'] as { schema?: { type?: unknown } } | undefined;
      if (statuses.includes(Number(status))) {
        response.content = { 'text/html': { schema: { type: 'string' } } };
      } else if (json?.schema?.type === 'null') {
        delete response.content;
      }
    }
  }
  return document;
}
