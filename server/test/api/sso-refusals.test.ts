import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type Backend } from '../helpers/backends.js';
import { newUser, request } from '../helpers/http.js';
import type { RawDb } from '../helpers/raw-db.js';
import { startServer } from '../helpers/server.js';
import { callback, startSignIn, startSsoServer } from '../helpers/sso.js';

/** Refused callbacks answer a small HTML page naming the code; nothing is created. */
async function expectPage(answer: Response, status: number, code: string) {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
  expect(answer.headers.get('location')).toBeNull();
  expect(answer.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
  const page = await answer.text();
  expect(page).toContain(code);
  expect(page).not.toMatch(/<script|<style|style=/i);
}

describe.each(BACKENDS)('single sign-on refuses what it must, creating nothing (%s)', (_name, makeBackend) => {
  let backend: Backend;
  let sso: Awaited<ReturnType<typeof startSsoServer>>;
  let raw: RawDb;
  const counts = async () => {
    const rows = await raw.rows(
      `select (select count(*) from users) as users, (select count(*) from sso_identities) as identities,
              (select count(*) from sso_codes) as codes`,
    );
    return Object.fromEntries(Object.entries(rows[0]!).map(([key, value]) => [key, Number(value)]));
  };
  /** Why the library refused the provider's last answer (the server logs it, without tokens). */
  const lastRefusal = () => {
    const lines = sso.server.logs.filter((line) => line.includes('single sign-on answer refused'));
    return String((JSON.parse(lines.at(-1) ?? '{}') as { reason?: string }).reason);
  };
  /** Begins a sign-in and plays the provider; `tamper` changes the authorization URL first. */
  const toCallback = async (account: string, tamper: (url: URL) => void = () => {}) => {
    const started = await startSignIn(sso.server, 'main');
    const url = new URL(started.authorizationUrl);
    tamper(url);
    return { ...started, back: new URL(await sso.idps['main']!.login(url.href, account)) };
  };

  beforeAll(async () => {
    backend = await makeBackend();
    sso = await startSsoServer(['main'], { env: backend.env });
    raw = await backend.raw(sso.server.dataDir);
    sso.idps['main']!.setAccount('mallory', { preferred_username: 'mallory', email: 'm@example.com' });
  });
  afterAll(async () => {
    await raw.close();
    await sso.close();
    await backend.dispose();
  });

  it('a forged state: SSO_STATE_INVALID', async () => {
    const before = await counts();
    const { back, cookie } = await toCallback('mallory');
    back.searchParams.set('state', 'forged-state-value');
    await expectPage(await callback(back.href, cookie), 400, 'SSO_STATE_INVALID');
    expect(await counts()).toEqual(before);
  });

  it('a replayed callback (the same state twice): the second is SSO_STATE_INVALID', async () => {
    const { back, cookie } = await toCallback('mallory');
    expect((await callback(back.href, cookie)).status).toBe(302);
    const before = await counts();
    await expectPage(await callback(back.href, cookie), 400, 'SSO_STATE_INVALID');
    expect(await counts()).toEqual(before);
  });

  it('a callback in another browser (no or another binding cookie): SSO_STATE_INVALID', async () => {
    const before = await counts();
    const first = await toCallback('mallory');
    await expectPage(await callback(first.back.href, undefined), 400, 'SSO_STATE_INVALID');
    const second = await toCallback('mallory');
    await expectPage(await callback(second.back.href, 'parley_sso=another-browser'), 400, 'SSO_STATE_INVALID');
    expect(await counts()).toEqual(before);
  });

  it('an ID token with another nonce: SSO_FAILED', async () => {
    const before = await counts();
    const { back, cookie } = await toCallback('mallory', (url) => url.searchParams.set('nonce', 'not-the-nonce'));
    await expectPage(await callback(back.href, cookie), 401, 'SSO_FAILED');
    expect(lastRefusal()).toMatch(/nonce/);
    expect(await counts()).toEqual(before);
  });

  it('a code issued to another client of the provider (another audience): SSO_FAILED', async () => {
    const before = await counts();
    const { back, cookie } = await toCallback('mallory', (url) =>
      url.searchParams.set('client_id', sso.idps['main']!.otherClientId),
    );
    expect(back.searchParams.get('code')).toBeTruthy();
    await expectPage(await callback(back.href, cookie), 401, 'SSO_FAILED');
    expect(lastRefusal()).toMatch(/invalid_grant/);
    expect(await counts()).toEqual(before);
  });

  it("the provider's error answer (access denied): SSO_FAILED", async () => {
    const before = await counts();
    const started = await startSignIn(sso.server, 'main');
    const state = new URL(started.authorizationUrl).searchParams.get('state')!;
    const url = `${sso.server.url}/api/v1/auth/oidc/main/callback?error=access_denied&state=${state}&iss=${encodeURIComponent(sso.idps['main']!.issuer)}`;
    await expectPage(await callback(url, started.cookie), 401, 'SSO_FAILED');
    expect(lastRefusal()).toMatch(/access_denied/);
    expect(await counts()).toEqual(before);
  });

  it('an unknown provider: 404 SSO_PROVIDER_NOT_FOUND at start and at callback', async () => {
    const before = await counts();
    const start = await request(`${sso.server.url}/api/v1/auth/oidc/nope/start`);
    expect(start.status).toBe(404);
    expect(start.body).toMatchObject({ error: { code: 'SSO_PROVIDER_NOT_FOUND' } });
    const { back, cookie } = await toCallback('mallory');
    const elsewhere = back.href.replace('/oidc/main/', '/oidc/nope/');
    await expectPage(await callback(elsewhere, cookie), 404, 'SSO_PROVIDER_NOT_FOUND');
    expect(await counts()).toEqual(before);
  });
});

describe('single sign-on with no provider configured', () => {
  it('lists none, and every other SSO route answers 404', async () => {
    const server = await startServer();
    try {
      expect((await request(`${server.url}/api/v1/auth/oidc/providers`)).body).toEqual({ providers: [] });
      const session = await newUser(server.url, 'nosso');
      const auth = { token: session.accessToken, cookie: session.cookie };
      const answers = await Promise.all([
        request(`${server.url}/api/v1/auth/oidc/main/start`),
        request(`${server.url}/api/v1/auth/oidc/exchange`, { body: { code: 'x' } }),
        request(`${server.url}/api/v1/auth/oidc/username`, { body: { ticket: 'x', username: 'someone' } }),
        request(`${server.url}/api/v1/me/identities`, auth),
        request(`${server.url}/api/v1/me/identities/main`, { ...auth, method: 'POST' }),
        request(`${server.url}/api/v1/me/identities/some-id`, { ...auth, method: 'DELETE' }),
      ]);
      for (const answer of answers) expect(answer.body).toMatchObject({ error: { code: 'SSO_PROVIDER_NOT_FOUND' } });
      const page = await fetch(`${server.url}/api/v1/auth/oidc/main/callback?code=a&state=b`);
      expect(page.status).toBe(404);
      expect(await page.text()).toContain('SSO_PROVIDER_NOT_FOUND');
    } finally {
      await server.close();
    }
  });
});
