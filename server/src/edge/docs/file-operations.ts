import { BINARY_RESPONSE, MULTIPART_FILE } from '../http/route-schema.js';

type Operation = Record<string, unknown> & {
  requestBody?: { content?: Record<string, unknown>; required?: boolean };
  responses?: Record<string, { content?: Record<string, unknown>; description?: string }>;
};

/**
 * Turns route-schema.ts's file marks into what the operations really carry, and drops the marks: a
 * multipart body with one binary file part (an upload) and a 200 of raw bytes in the listed types
 * (a download). The zod schemas cannot say either; the routes read and write the bytes themselves.
 */
export function markFileOperations<T>(document: T): T {
  const paths = (document as { paths?: Record<string, Record<string, Operation>> }).paths ?? {};
  for (const operation of Object.values(paths).flatMap((methods) => Object.values(methods))) {
    const field = operation[MULTIPART_FILE];
    if (typeof field === 'string') {
      delete operation[MULTIPART_FILE];
      operation.requestBody = {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              required: [field],
              properties: {
                [field]: { type: 'string', format: 'binary', description: 'The file (exactly one part).' },
              },
              additionalProperties: false,
            },
          },
        },
      };
    }
    const types = operation[BINARY_RESPONSE];
    if (Array.isArray(types)) {
      delete operation[BINARY_RESPONSE];
      const ok = operation.responses?.['200'];
      if (ok) {
        ok.content = Object.fromEntries(
          types.map((type: unknown) => [String(type), { schema: { type: 'string', format: 'binary' } }]),
        );
      }
    }
  }
  return document;
}
