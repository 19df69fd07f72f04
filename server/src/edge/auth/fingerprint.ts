import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The device fingerprint: 256 random bits in an HttpOnly, SameSite=Strict cookie; the access token
 * carries only its SHA-256, so a token stolen without the cookie is useless.
 */
export const FINGERPRINT_COOKIE = 'parley_fp';
export const SECURE_FINGERPRINT_COOKIE = '__Host-parley_fp';
/** How long the browser keeps the fingerprint cookie, in seconds (30 days). */
export const FINGERPRINT_COOKIE_MAX_AGE = 30 * 24 * 3600;

export function fingerprintCookieName(secure: boolean): string {
  return secure ? SECURE_FINGERPRINT_COOKIE : FINGERPRINT_COOKIE;
}

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

export function fingerprintCookieHeader(value: string, secure: boolean): string {
  const parts = [
    `${fingerprintCookieName(secure)}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${FINGERPRINT_COOKIE_MAX_AGE}`,
  ];
  if (secure) parts.push('Secure');
  return parts.join('; ');
}
