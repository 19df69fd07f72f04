import { rateLimited } from '../../core/errors.js';
import type { Limit } from '../../ports/rate-limiter.js';

/**
 * The HTTP limits that are not about passwords: refreshes, and the authenticated read API. Each
 * refusal is the usual 429 RATE_LIMITED with Retry-After and X-RateLimit-* (core/errors.ts).
 */

export interface RefreshLimits {
  /** Keyed by client IP (IPv6 by prefix). */
  perIp: Limit;
  /** Keyed by the SHA-256 of the fingerprint cookie: one per session, since login sets it. */
  perSession: Limit;
}

/**
 * Counts one refresh before the token is looked up, so a flood costs no database read. Per IP, it
 * bounds anyone replaying or guessing refresh tokens from one place (a stolen refresh cookie without
 * its fingerprint cookie only earns FINGERPRINT_MISMATCH, but each try still costs a lookup); per
 * session, it bounds a client stuck in a refresh loop and a thief holding both cookies, whose every
 * refresh rotates the family (the next reuse then ends it). The per-session count is taken only once
 * the per-IP one allowed the request, so a refused flood does not eat the session's allowance.
 */
export async function admitRefresh(
  limits: RefreshLimits,
  ip: string,
  fingerprintHash: string | undefined,
): Promise<void> {
  const byIp = await limits.perIp.consume(ip);
  if (!byIp.allowed) throw rateLimited(byIp);
  if (fingerprintHash === undefined) return;
  const bySession = await limits.perSession.consume(fingerprintHash);
  if (!bySession.allowed) throw rateLimited(bySession);
}

/** Counts one authenticated read (GET, HEAD) against its user's allowance; other methods pass. */
export async function admitRead(limit: Limit, method: string, userId: string): Promise<void> {
  if (method !== 'GET' && method !== 'HEAD') return;
  const state = await limit.consume(userId);
  if (!state.allowed) throw rateLimited(state);
}
