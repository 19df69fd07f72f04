import type { FastifyError, FastifyInstance } from 'fastify';
import { errorBody, type ErrorCode } from '../../../../protocol/index.js';
import { asParleyError, isParleyError } from '../../core/errors.js';

/**
 * Every HTTP failure answers the one error shape with a stable code. Nothing internal leaks: no
 * stack, no SQL, no path — unexpected errors are logged and answered as INTERNAL.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((failure: FastifyError, request, reply) => {
    const error = asParleyError(failure) ?? failure;
    if (isParleyError(error)) {
      if (error.retryAfter !== undefined) void reply.header('Retry-After', String(error.retryAfter));
      if (error.rateLimit) {
        void reply.headers({
          'X-RateLimit-Limit': String(error.rateLimit.limit),
          'X-RateLimit-Remaining': String(error.rateLimit.remaining),
          'X-RateLimit-Reset': String(error.rateLimit.resetSeconds),
        });
      }
      return reply.status(error.status).send(errorBody(error.code, error.message, error.retryAfter, error.details));
    }
    const mapped = mapFrameworkError(error);
    if (mapped) return reply.status(mapped.status).send(errorBody(mapped.code));
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send(errorBody('INTERNAL'));
  });

  app.setNotFoundHandler((request, reply) => {
    return reply.status(404).send(errorBody('NOT_FOUND'));
  });
}

function mapFrameworkError(error: FastifyError): { status: number; code: ErrorCode } | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'PAYLOAD_TOO_LARGE' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, code: 'BAD_REQUEST' };
    default:
      if (error.statusCode === 400 || (error as { type?: string }).type === 'entity.parse.failed') {
        return { status: 400, code: 'BAD_REQUEST' };
      }
      return undefined;
  }
}
