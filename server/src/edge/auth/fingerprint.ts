import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The device fingerprint: 256 random bits kept in an HttpOnly, SameSite=Strict cookie; the access
 * token carries only its SHA-256, so a token stolen without the cookie is useless.
 */
export function newFingerprint(): string {
  return randomBytes(32).toString('base64url');
}

export function hashFingerprint(fingerprint: string): string {
  return createHash('sha256').update(fingerprint, 'utf8').digest('base64url');
}

/** Constant-time check that a cookie value hashes to the hash a token carries. */
export function fingerprintMatches(cookieValue: string | undefined, expectedHash: string): boolean {
  if (cookieValue === undefined || cookieValue.length === 0) return false;
  const actual = Buffer.from(hashFingerprint(cookieValue));
  const expected = Buffer.from(expectedHash);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
