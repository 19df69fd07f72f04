import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import type { OidcProviderConfig } from '../../src/config-oidc.js';

/**
 * A real OpenID provider for tests: oidc-provider@9 in this process on 127.0.0.1, with its
 * development login form (any account id signs in). The HTTP server listens first so the issuer
 * URL is known before Parley starts; the Provider itself is made by `allow()`, once Parley's
 * callback URLs are known (they are the clients' registered redirect URIs).
 *
 * Two confidential clients: `parley` (what Parley is configured with) and `other` (a second client
 * of the same provider, for "an answer meant for another audience").
 */
export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  otherClientId: string;
  /** Parley's configuration for this provider (plain http allowed: tests only). */
  config(id: string, name?: string): OidcProviderConfig;
  /** Registers the callback URLs of these Parley origins for provider `id`, then serves. */
  allow(origins: string[], id: string): void;
  /** What the provider says about an account (besides `sub`, the account id). */
  setAccount(accountId: string, claims: Record<string, unknown>): void;
  /**
   * Plays the browser at the provider: from the authorization URL through the dev login (and
   * consent) form to the redirect back; answers that redirect's URL (Parley's callback with code
   * and state). Each call is a fresh browser at the provider (no provider session carried over).
   */
  login(authorizationUrl: string, accountId: string): Promise<string>;
  close(): Promise<void>;
}

const secret = () => randomBytes(24).toString('base64url');

export async function startOidcProvider(): Promise<TestOidcProvider> {
  let provider: Provider | undefined;
  const server: Server = createServer((req, res) => {
    if (!provider) {
      res.statusCode = 503;
      res.end('provider not configured yet');
      return;
    }
    provider.callback()(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'parley';
  const clientSecret = secret();
  const otherClientId = 'other';
  const otherSecret = secret();
  const accounts = new Map<string, Record<string, unknown>>();
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: 'test' };

  const build = (redirectUris: string[]) => {
    const client = (client_id: string, client_secret: string) => ({
      client_id,
      client_secret,
      redirect_uris: redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    const made: Provider = new Provider(issuer, {
      clients: [client(clientId, clientSecret), client(otherClientId, otherSecret)],
      jwks: { keys: [jwk] },
      cookies: { keys: [secret()] },
      features: { devInteractions: { enabled: true } },
      ttl: { Interaction: 600, Grant: 600, Session: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
      claims: { openid: ['sub'], profile: ['preferred_username', 'name'], email: ['email', 'email_verified'] },
      findAccount: (_ctx: unknown, id: string) => ({
        accountId: id,
        claims: () => Promise.resolve({ ...accounts.get(id), sub: id }),
      }),
      // Consent granted ahead for every client, so the flow is: login form, then back to Parley.
      loadExistingGrant: async (ctx: { oidc: { client?: { clientId: string }; session?: { accountId?: string } } }) => {
        const accountId = ctx.oidc.session?.accountId;
        const grantClient = ctx.oidc.client?.clientId;
        if (!accountId || !grantClient) return undefined;
        const grant = new made.Grant({ accountId, clientId: grantClient });
        grant.addOIDCScope('openid profile email');
        grant.addOIDCClaims(['preferred_username', 'name', 'email', 'email_verified']);
        await grant.save();
        return grant;
      },
    });
    return made;
  };

  return {
    issuer,
    clientId,
    clientSecret,
    otherClientId,
    config: (id, name) => ({
      id,
      name: name ?? id,
      issuer,
      clientId,
      clientSecret,
      scopes: 'openid profile email',
      allowInsecureRequests: true,
    }),
    allow(origins, id) {
      const uris = origins.flatMap((origin) => {
        const url = new URL(origin);
        const hosts = [url.host, `localhost:${url.port}`, `127.0.0.1:${url.port}`];
        return [...new Set(hosts)].map((host) => `${url.protocol}//${host}/api/v1/auth/oidc/${id}/callback`);
      });
      provider = build(uris);
    },
    setAccount(accountId, claims) {
      accounts.set(accountId, claims);
    },
    login: (authorizationUrl, accountId) => playBrowser(issuer, authorizationUrl, accountId),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** Follows the provider's redirects by hand with a cookie jar, filling its dev forms, until it sends the browser away. */
async function playBrowser(issuer: string, authorizationUrl: string, accountId: string): Promise<string> {
  const jar = new Map<string, string>();
  const send = async (url: string, init: RequestInit = {}) => {
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers, cookie } });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return response;
  };
  let url = authorizationUrl;
  for (let step = 0; step < 12; step++) {
    if (!url.startsWith(issuer)) return url;
    const response = await send(url);
    const location = response.headers.get('location');
    if (location) {
      url = new URL(location, url).href;
      continue;
    }
    const page = await response.text();
    const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
    if (response.status !== 200 || prompt === undefined) {
      throw new Error(`the provider answered ${response.status} at ${url}: ${page.slice(0, 400)}`);
    }
    const form = new URLSearchParams({ prompt, login: accountId, password: 'any' });
    const posted = await send(url, {
      method: 'POST',
      body: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const next = posted.headers.get('location');
    if (!next)
      throw new Error(
        `the provider's ${prompt} form answered ${posted.status}: ${(await posted.text()).slice(0, 400)}`,
      );
    url = new URL(next, url).href;
  }
  throw new Error('the provider never sent the browser back');
}
