import { parse } from 'cookie';

/**
 * The three cookies Parley sets, all HttpOnly and SameSite=Strict:
 * - the device fingerprint, sent everywhere (Path=/); `__Host-` prefixed and Secure over HTTPS;
 * - the refresh token, sent only to /api/v1/auth; `__Secure-` prefixed and Secure over HTTPS;
 * - the device cookie (device-cookie.ts), sent only to /api/v1/auth, kept a year and through
 *   logout, because its whole point is to outlive sessions; `__Secure-` prefixed over HTTPS.
 * The refresh token is also in the login and refresh bodies for non-browser clients; the web client
 * relies on the cookie so no script ever has to keep it.
 */
/** The refresh and device cookies go only to the auth routes, the only ones that read them. */
const AUTH_COOKIE_PATH = '/api/v1/auth';
/** About a year: a device the owner uses once a year still counts as theirs. */
const DEVICE_COOKIE_MAX_AGE = 31_536_000;

export interface CookieNames {
  fingerprint: string;
  refresh: string;
  device: string;
}

export function cookieNames(secure: boolean): CookieNames {
  return secure
    ? { fingerprint: '__Host-parley_fp', refresh: '__Secure-parley_rt', device: '__Secure-parley_dev' }
    : { fingerprint: 'parley_fp', refresh: 'parley_rt', device: 'parley_dev' };
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
    cookie(names.refresh, values.refreshToken, AUTH_COOKIE_PATH, lifetimes.refreshSeconds, secure),
  ];
}

export function refreshCookie(refreshToken: string, refreshSeconds: number, secure: boolean): string {
  return cookie(cookieNames(secure).refresh, refreshToken, AUTH_COOKIE_PATH, refreshSeconds, secure);
}

export function deviceCookie(value: string, secure: boolean): string {
  return cookie(cookieNames(secure).device, value, AUTH_COOKIE_PATH, DEVICE_COOKIE_MAX_AGE, secure);
}

/** Expired copies of the session's two cookies, so the browser forgets them at logout (not the device cookie). */
export function clearedCookies(secure: boolean): string[] {
  const names = cookieNames(secure);
  return [cookie(names.fingerprint, '', '/', 0, secure), cookie(names.refresh, '', AUTH_COOKIE_PATH, 0, secure)];
}

/** The passkey sign-in ceremony cookie: binds options to verify in one browser; 5 minutes, auth routes only. */
export function passkeyCeremonyCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return cookie(passkeyCeremonyCookieName(secure), value, AUTH_COOKIE_PATH, maxAgeSeconds, secure);
}

export function passkeyCeremonyCookieName(secure: boolean): string {
  return secure ? '__Secure-parley_pk' : 'parley_pk';
}
