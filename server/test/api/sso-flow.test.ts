import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, movableClock, type Backend } from '../helpers/backends.js';
import { request, type Session } from '../helpers/http.js';
import type { RawDb } from '../helpers/raw-db.js';
import { callback, exchangeCode, ssoCode, startSignIn, startSsoServer, sessionOf } from '../helpers/sso.js';

const TOKENISH = /accessToken|refreshToken|access_token|refresh_token|id_token|eyJ/;

async function securityEvents(base: string, session: Session): Promise<string[]> {
  const answer = await request<{ events: { kind: string }[] }>(`${base}/api/v1/me/security-events`, {
    token: session.accessToken,
    cookie: session.cookie,
  });
  return answer.body.events.map((event) => event.kind);
}

describe.each(BACKENDS)('single sign-on, the whole flow against a real provider (%s)', (_name, makeBackend) => {
  const clock = movableClock();
  let backend: Backend;
  let sso: Awaited<ReturnType<typeof startSsoServer>>;
  let raw: RawDb;

  beforeAll(async () => {
    backend = await makeBackend();
    sso = await startSsoServer(['main'], { env: backend.env, clock });
    raw = await backend.raw(sso.server.dataDir);
  });
  afterAll(async () => {
    await raw.close();
    await sso.close();
    await backend.dispose();
  });

  it('lists the configured provider', async () => {
    const answer = await request(`${sso.server.url}/api/v1/auth/oidc/providers`);
    expect(answer.body).toEqual({ providers: [{ id: 'main', name: 'Test main' }] });
  });

  it('start → provider login → callback → /?sso=CODE → exchange: tokens that work, none in any URL', async () => {
    sso.idps['main']!.setAccount('alice-sub', { preferred_username: 'alice_sso', email: 'alice@example.com' });
    const { code, cookie, locations } = await ssoCode(sso.server, sso.idps['main']!, 'main', 'alice-sub');
    expect(locations[2]).toBe(`/?sso=${encodeURIComponent(code)}`);
    for (const location of locations) expect(location).not.toMatch(TOKENISH);
    const answer = await exchangeCode(sso.server, code, cookie);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const session = sessionOf(answer);
    expect(session.user.username).toBe('alice_sso');
    const me = await request<{ user: { username: string } }>(`${sso.server.url}/api/v1/me`, {
      token: session.accessToken,
      cookie: session.cookie,
    });
    expect(me.status).toBe(200);
    expect(await securityEvents(sso.server.url, session)).toContain('login_succeeded');
    // The account has no password: no password signs in to it.
    const login = await request(`${sso.server.url}/api/v1/auth/login`, {
      body: { username: 'alice_sso', password: '!no-password' },
    });
    expect(login.status).toBe(401);
    // The second sign-in finds the same user by (issuer, subject).
    const again = await ssoCode(sso.server, sso.idps['main']!, 'main', 'alice-sub');
    const second = await exchangeCode(sso.server, again.code, again.cookie);
    expect(sessionOf(second).user.id).toBe(session.user.id);
    // The first code (which made the account) presented again: refused, and the new account is warned.
    expect((await exchangeCode(sso.server, code, cookie)).status).toBe(401);
    expect(await securityEvents(sso.server.url, session)).toContain('sso_code_reuse');
    // Nothing secret in the server's logs: not the client secret, the exchange code or the tokens.
    const logs = sso.server.logs.join('');
    for (const secret of [sso.idps['main']!.clientSecret, code, session.accessToken])
      expect(logs).not.toContain(secret);
  });

  it('the exchange code works once: a second use is refused and recorded as sso_code_reuse', async () => {
    sso.idps['main']!.setAccount('bob-sub', { preferred_username: 'bob_sso' });
    const first = await ssoCode(sso.server, sso.idps['main']!, 'main', 'bob-sub');
    const ok = await exchangeCode(sso.server, first.code, first.cookie);
    expect(ok.status).toBe(200);
    // The user exists now; a second sign-in's code is for that user, and its reuse is recorded.
    const { code, cookie } = await ssoCode(sso.server, sso.idps['main']!, 'main', 'bob-sub');
    const used = await exchangeCode(sso.server, code, cookie);
    expect(used.status).toBe(200);
    const reused = await exchangeCode(sso.server, code, cookie);
    expect(reused.status).toBe(401);
    expect(reused.body).toMatchObject({ error: { code: 'EXCHANGE_CODE_INVALID' } });
    expect(await securityEvents(sso.server.url, sessionOf(used))).toContain('sso_code_reuse');
  });

  it('single use under concurrency: of five simultaneous callbacks or exchanges, exactly one wins', async () => {
    sso.idps['main']!.setAccount('dave-sub', { preferred_username: 'dave_sso' });
    const started = await startSignIn(sso.server, 'main');
    const back = await sso.idps['main']!.login(started.authorizationUrl, 'dave-sub');
    const callbacks = await Promise.all([1, 2, 3, 4, 5].map(() => callback(back, started.cookie)));
    expect(callbacks.map((answer) => answer.status).sort()).toEqual([302, 400, 400, 400, 400]);
    const { code, cookie } = await ssoCode(sso.server, sso.idps['main']!, 'main', 'dave-sub');
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => exchangeCode(sso.server, code, cookie)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401, 401, 401, 401]);
    const users = await raw.rows(`select count(*) as n from users where username = 'dave_sso'`);
    expect(Number(users[0]!['n'])).toBe(1);
  });

  it('refuses a code after 60 s, and a code from another browser (no or wrong binding cookie)', async () => {
    sso.idps['main']!.setAccount('carol-sub', { preferred_username: 'carol_sso' });
    const late = await ssoCode(sso.server, sso.idps['main']!, 'main', 'carol-sub');
    clock.advance(61_000);
    const expired = await exchangeCode(sso.server, late.code, late.cookie);
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ error: { code: 'EXCHANGE_CODE_INVALID' } });

    const stolen = await ssoCode(sso.server, sso.idps['main']!, 'main', 'carol-sub');
    expect((await exchangeCode(sso.server, stolen.code, undefined)).status).toBe(401);
    const other = await ssoCode(sso.server, sso.idps['main']!, 'main', 'carol-sub');
    const wrong = await exchangeCode(sso.server, other.code, 'parley_sso=someone-elses-cookie');
    expect(wrong.body).toMatchObject({ error: { code: 'EXCHANGE_CODE_INVALID' } });
    const users = await raw.rows(`select count(*) as n from users where username = 'carol_sso'`);
    expect(Number(users[0]!['n'])).toBe(0);
  });
});
