import { parse } from 'cookie';

/**
 * The two cookies Parley sets, both HttpOnly and SameSite=Strict:
 * - the device fingerprint, sent everywhere (Path=/); `__Host-` prefixed and Secure over HTTPS;
 * - the refresh token, sent only to /api/v1/auth; `__Secure-` prefixed and Secure over HTTPS.
 * The refresh token is also in the login and refresh bodies for non-browser clients; the web client
 * relies on the cookie so no script ever has to keep it.
 */
export const REFRESH_COOKIE_PATH = '/api/v1/auth';

export interface CookieNames {
  fingerprint: string;
  refresh: string;
}

export function cookieNames(secure: boolean): CookieNames {
  return secure
    ? { fingerprint: '__Host-parley_fp', refresh: '__Secure-parley_rt' }
    : { fingerprint: 'parley_fp', refresh: 'parley_rt' };
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  return parse(header)[name];
}

function cookie(name: string, value: string, path: string, maxAgeSeconds: number, secure: boolean): string {
  const parts = [`${name}=${value}`, `Path=${path}`, 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSeconds}`];
  if (secure) parts.push('Secure');
  return parts.join('; ');
}

export function sessionCookies(
  values: { fingerprint: string; refreshToken: string },
  lifetimes: { sessionSeconds: number; refreshSeconds: number },
  secure: boolean,
): string[] {
  const names = cookieNames(secure);
  return [
    cookie(names.fingerprint, values.fingerprint, '/', lifetimes.sessionSeconds, secure),
    cookie(names.refresh, values.refreshToken, REFRESH_COOKIE_PATH, lifetimes.refreshSeconds, secure),
  ];
}

export function refreshCookie(refreshToken: string, refreshSeconds: number, secure: boolean): string {
  return cookie(cookieNames(secure).refresh, refreshToken, REFRESH_COOKIE_PATH, refreshSeconds, secure);
}

/** Expired copies of both cookies, so the browser forgets them at logout. */
export function clearedCookies(secure: boolean): string[] {
  const names = cookieNames(secure);
  return [cookie(names.fingerprint, '', '/', 0, secure), cookie(names.refresh, '', REFRESH_COOKIE_PATH, 0, secure)];
}
