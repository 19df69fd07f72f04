import { ErrorCodes, type ErrorCode } from '../../../protocol/index.js';

/**
 * A domain error with a stable code. The edge maps it to an HTTP status or an `error` frame;
 * tests assert on `code`, never on `message`.
 */
export class ParleyError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, message?: string, retryAfter?: number) {
    super(message ?? ErrorCodes[code].message);
    this.name = 'ParleyError';
    this.code = code;
    this.status = ErrorCodes[code].status;
    this.retryAfter = retryAfter;
  }
}

export function isParleyError(error: unknown): error is ParleyError {
  return error instanceof ParleyError;
}
