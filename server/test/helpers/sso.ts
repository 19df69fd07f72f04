import type { TestOidcProvider } from './oidc-provider.js';
import { startOidcProvider } from './oidc-provider.js';
import { cookiePair, request, type JsonResponse, type Session } from './http.js';
import { startServer, type TestServer, type TestServerOptions } from './server.js';
import type { LoginResponse } from '../../../protocol/index.js';

/** A Parley test server whose single sign-on providers are real oidc-provider instances on 127.0.0.1. */
export async function startSsoServer(
  ids: string[],
  options: TestServerOptions = {},
): Promise<{ server: TestServer; idps: Record<string, TestOidcProvider>; close(): Promise<void> }> {
  const idps: Record<string, TestOidcProvider> = {};
  for (const id of ids) idps[id] = await startOidcProvider();
  const server = await startServer({
    ...options,
    overrides: {
      ...options.overrides,
      oidc: { providers: ids.map((id) => idps[id]!.config(id, `Test ${id}`)), publicUrl: undefined },
    },
  });
  for (const id of ids) idps[id]!.allow([server.url], id);
  return {
    server,
    idps,
    async close() {
      await server.close();
      for (const idp of Object.values(idps)) await idp.close();
    },
  };
}

/** What a browser holds after `/start`: the binding cookie, and where it was sent. */
export interface Started {
  /** `parley_sso=<value>` as the browser sends it back. */
  cookie: string;
  authorizationUrl: string;
}

/** GET …/start as a browser would (no redirect followed). */
export async function startSignIn(server: TestServer, provider: string): Promise<Started> {
  const response = await fetch(`${server.url}/api/v1/auth/oidc/${provider}/start`, { redirect: 'manual' });
  if (response.status !== 302) throw new Error(`start answered ${response.status}: ${await response.text()}`);
  return {
    cookie: cookiePair(response.headers, 'parley_sso') ?? '',
    authorizationUrl: response.headers.get('location')!,
  };
}

/** GET the callback URL the provider sent the browser to, with this cookie (no redirect followed). */
export async function callback(url: string, cookie: string | undefined): Promise<Response> {
  return fetch(url, { redirect: 'manual', headers: cookie === undefined ? {} : { cookie } });
}

/** Start → provider login as `account` → callback: the exchange code, the cookie, and every Location seen. */
export async function ssoCode(
  server: TestServer,
  idp: TestOidcProvider,
  provider: string,
  account: string,
): Promise<{ code: string; cookie: string; locations: string[] }> {
  const started = await startSignIn(server, provider);
  const back = await idp.login(started.authorizationUrl, account);
  const answer = await callback(back, started.cookie);
  const location = answer.headers.get('location');
  if (answer.status !== 302 || !location) throw new Error(`callback answered ${answer.status}: ${await answer.text()}`);
  const code = new URL(location, server.url).searchParams.get('sso');
  if (!code) throw new Error(`callback redirected to ${location}`);
  return { code, cookie: started.cookie, locations: [started.authorizationUrl, back, location] };
}

export function exchangeCode(server: TestServer, code: string, cookie: string | undefined): Promise<JsonResponse> {
  return request(`${server.url}/api/v1/auth/oidc/exchange`, {
    body: { code },
    ...(cookie === undefined ? {} : { cookie }),
  });
}

/** The session a LoginResponse answer opened (token and fingerprint cookie). */
export function sessionOf(answer: JsonResponse): Session {
  const body = answer.body as LoginResponse;
  return { user: body.user, accessToken: body.accessToken, cookie: cookiePair(answer.headers, 'parley_fp') ?? '' };
}

/** A full sign-in through the provider as `account`; throws unless it ends with tokens. */
export async function ssoSignIn(
  server: TestServer,
  idp: TestOidcProvider,
  provider: string,
  account: string,
): Promise<Session> {
  const { code, cookie } = await ssoCode(server, idp, provider, account);
  const answer = await exchangeCode(server, code, cookie);
  if (answer.status !== 200 || !('accessToken' in (answer.body as object))) {
    throw new Error(`exchange answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return sessionOf(answer);
}
