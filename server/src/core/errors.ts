import { ErrorCodes, type ErrorCode, type ErrorDetails } from '../../../protocol/index.js';
import { StoreUnavailableError } from '../ports/store.js';
import { BlobUnavailableError } from '../ports/blob-store.js';

/**
 * A domain error with a stable code. The edge maps it to an HTTP status or an `error` frame;
 * tests assert on `code`, never on `message`.
 */
export class ParleyError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryAfter: number | undefined;
  /** For RATE_LIMITED: the allowance, what is left, and seconds until it refills (X-RateLimit-*). */
  readonly rateLimit: RateLimitInfo | undefined;
  /** MUTED's `until`, a moderator's or admin's `reason`: sent beside the code. */
  readonly details: ErrorDetails | undefined;

  constructor(
    code: ErrorCode,
    message?: string,
    retryAfter?: number,
    rateLimit?: RateLimitInfo,
    details?: ErrorDetails,
  ) {
    super(message ?? ErrorCodes[code].message);
    this.name = 'ParleyError';
    this.code = code;
    this.status = ErrorCodes[code].status;
    this.retryAfter = retryAfter;
    this.rateLimit = rateLimit;
    this.details = details;
  }
}

/** A refusal that carries details (MUTED until when and why; ACCOUNT_SUSPENDED why). */
export function refusedWith(code: ErrorCode, details: ErrorDetails, retryAfter?: number): ParleyError {
  return new ParleyError(code, undefined, retryAfter, undefined, details);
}

export interface RateLimitInfo {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

/** RATE_LIMITED for a refused limit state: retry after the refill, never less than a second. */
export function rateLimited(state: { limit: number; remaining: number; resetMs: number }): ParleyError {
  const seconds = Math.max(1, Math.ceil(state.resetMs / 1000));
  return new ParleyError('RATE_LIMITED', undefined, seconds, {
    limit: state.limit,
    remaining: state.remaining,
    resetSeconds: seconds,
  });
}

export function isParleyError(error: unknown): error is ParleyError {
  return error instanceof ParleyError;
}

/** The error as a ParleyError when it has a public meaning (the database being down has one). */
export function asParleyError(error: unknown): ParleyError | undefined {
  if (error instanceof ParleyError) return error;
  if (error instanceof StoreUnavailableError) return new ParleyError('STORE_UNAVAILABLE');
  if (error instanceof BlobUnavailableError) return new ParleyError('FILES_UNAVAILABLE');
  return undefined;
}
