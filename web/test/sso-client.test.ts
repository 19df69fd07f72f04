/**
 * The web client's half of single sign-on, without a browser: the code leaves the address bar
 * (and only the SSO parameters do), the code goes in a POST body with the cookies and never in a
 * URL, and each refusal is said in words that say what to do next.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { ApiError } from '../src/api.js';
import * as sso from '../src/api-sso.js';
import { readSsoReturn, takeSsoReturn } from '../src/sso-return.js';
import { identityProblem, ssoSignInProblem, usernameProblem } from '../src/ui/sso-words.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

it('takes ?sso and ?ssoLinked out of the address, keeping the rest of it', () => {
  expect(readSsoReturn('http://localhost:3000/?sso=abc123')).toEqual({ code: 'abc123', linked: null, cleaned: '/' });
  expect(readSsoReturn('http://localhost:3000/?ssoLinked=keycloak')).toEqual({
    code: null,
    linked: 'keycloak',
    cleaned: '/',
  });
  expect(readSsoReturn('http://localhost:3000/app?x=1&sso=c0de&y=2#room')).toMatchObject({
    code: 'c0de',
    cleaned: '/app?x=1&y=2#room',
  });
  // An empty code is no code, but it still leaves the address.
  expect(readSsoReturn('http://localhost:3000/?sso=')).toEqual({ code: null, linked: null, cleaned: '/' });
  // Nothing to take: the address stays as it is.
  expect(readSsoReturn('http://localhost:3000/?room=general')).toEqual({ code: null, linked: null, cleaned: null });
});

it('replaces the history entry (no new one) and only when there is something to take', () => {
  const replaceState = vi.fn();
  const stub = (href: string) =>
    vi.stubGlobal('window', { location: { href }, history: { state: { keep: 1 }, replaceState } });
  stub('http://localhost:3000/?sso=abc');
  expect(takeSsoReturn()).toEqual({ code: 'abc', linked: null });
  expect(replaceState).toHaveBeenCalledWith({ keep: 1 }, '', '/');
  replaceState.mockClear();
  stub('http://localhost:3000/');
  expect(takeSsoReturn()).toEqual({ code: null, linked: null });
  expect(replaceState).not.toHaveBeenCalled();
});

it('posts the code in the body with the same-origin cookies; links go to the start route by GET', async () => {
  const calls: { url: string; init: RequestInit }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string, init: RequestInit) => {
      calls.push({ url, init });
      const body = url.endsWith('/providers') ? { providers: [{ id: 'kc', name: 'Keycloak' }] } : { ok: true };
      return Promise.resolve(
        new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } }),
      );
    }),
  );
  expect(await sso.providers()).toEqual([{ id: 'kc', name: 'Keycloak' }]);
  await sso.exchange('the-code');
  await sso.chooseUsername('the-ticket', 'ann_2');
  expect(calls.map((c) => [c.init.method, c.url])).toEqual([
    ['GET', '/api/v1/auth/oidc/providers'],
    ['POST', '/api/v1/auth/oidc/exchange'],
    ['POST', '/api/v1/auth/oidc/username'],
  ]);
  for (const { url, init } of calls) {
    expect(init.credentials).toBe('same-origin');
    expect(url).not.toMatch(/code|ticket/);
  }
  expect(JSON.parse(calls[1]!.init.body as string)).toEqual({ code: 'the-code' });
  expect(JSON.parse(calls[2]!.init.body as string)).toEqual({ ticket: 'the-ticket', username: 'ann_2' });
  expect(sso.startUrl('my idp/x')).toBe('/api/v1/auth/oidc/my%20idp%2Fx/start');
});

const refusal = (status: number, code: string, message = 'server words') =>
  new ApiError(status, code as ApiError['code'], message);

it('says each refusal plainly: a spent code, a taken or invalid name, the last way to sign in', () => {
  expect(ssoSignInProblem(refusal(401, 'EXCHANGE_CODE_INVALID'))).toMatch(/expired or was already used.*again/);
  expect(ssoSignInProblem(refusal(401, 'SSO_FAILED'))).toMatch(/could not be verified/);
  expect(ssoSignInProblem(refusal(403, 'ACCOUNT_SUSPENDED'))).toMatch(/suspended/);
  expect(ssoSignInProblem(new ApiError(0, 'NETWORK', 'Cannot reach the server.'))).toBe('Cannot reach the server.');
  expect(usernameProblem(refusal(409, 'USERNAME_TAKEN'))).toMatch(/taken/);
  expect(usernameProblem(refusal(400, 'INVALID_USERNAME'))).toMatch(/3–32 letters, digits or _/);
  expect(identityProblem(refusal(409, 'LAST_SIGN_IN_METHOD'), 'unlink')).toMatch(/only way to sign in/);
  expect(identityProblem(refusal(403, 'STEP_UP_REQUIRED'), 'unlink')).toMatch(/^Not unlinked: .*sign in again/);
  expect(identityProblem(refusal(403, 'STEP_UP_REQUIRED'), 'link')).toMatch(/^Not linked: it needs you to confirm/);
  expect(identityProblem(refusal(409, 'SSO_IDENTITY_TAKEN'), 'link')).toMatch(/another Parley account/);
  expect(identityProblem(refusal(500, 'INTERNAL', 'Something broke.'), 'link')).toBe('Something broke.');
});
