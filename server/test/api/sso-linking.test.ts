import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, movableClock, type Backend } from '../helpers/backends.js';
import { cookiePair, newUser, request, type Session } from '../helpers/http.js';
import { callback, exchangeCode, sessionOf, ssoCode, ssoSignIn, startSsoServer } from '../helpers/sso.js';

type Identities = { identities: { id: string; provider: string; providerName: string; label: string }[] };

describe.each(BACKENDS)('single sign-on: two providers, linking and unlinking (%s)', (_name, makeBackend) => {
  const clock = movableClock();
  let backend: Backend;
  let sso: Awaited<ReturnType<typeof startSsoServer>>;
  const url = (path: string) => `${sso.server.url}${path}`;
  const auth = (session: Session) => ({ token: session.accessToken, cookie: session.cookie });
  const identities = async (session: Session) =>
    (await request<Identities>(url('/api/v1/me/identities'), auth(session))).body.identities;

  /** Links `account` at provider `id` to the signed-in session's user; answers the callback's answer. */
  async function link(session: Session, id: string, account: string): Promise<Response> {
    const begun = await request<{ authorizationUrl: string }>(url(`/api/v1/me/identities/${id}`), {
      ...auth(session),
      method: 'POST',
    });
    expect(begun.status).toBe(200);
    const binding = cookiePair(begun.headers, 'parley_sso')!;
    const back = await sso.idps[id]!.login(begun.body.authorizationUrl, account);
    return callback(back, binding);
  }

  beforeAll(async () => {
    backend = await makeBackend();
    sso = await startSsoServer(['alpha', 'beta'], { env: backend.env, clock });
    sso.idps['alpha']!.setAccount('x', { preferred_username: 'same_person', email: 'a@b.c' });
    sso.idps['beta']!.setAccount('x', { preferred_username: 'same_person', email: 'a@b.c' });
  });
  afterAll(async () => {
    await sso.close();
    await backend.dispose();
  });

  it('two providers that both say a@b.c give two different users, unless linked on purpose', async () => {
    const first = await ssoSignIn(sso.server, sso.idps['alpha']!, 'alpha', 'x');
    expect(first.user.username).toBe('same_person');
    // Same e-mail, same preferred name, same subject string, another issuer: another person to Parley.
    const { code, cookie } = await ssoCode(sso.server, sso.idps['beta']!, 'beta', 'x');
    const step = await exchangeCode(sso.server, code, cookie);
    expect(step.body).toMatchObject({ chooseUsername: { ticket: expect.any(String) as string } });
    const ticket = (step.body as { chooseUsername: { ticket: string } }).chooseUsername.ticket;
    const chosen = await request(url('/api/v1/auth/oidc/username'), {
      body: { ticket, username: 'other_one' },
      cookie,
    });
    expect(chosen.status).toBe(200);
    expect(sessionOf(chosen).user.id).not.toBe(first.user.id);
    expect((await ssoSignIn(sso.server, sso.idps['beta']!, 'beta', 'x')).user.id).toBe(sessionOf(chosen).user.id);
  });

  it('a linked account signs in both ways; the last sign-in method cannot be unlinked', async () => {
    sso.idps['alpha']!.setAccount('dana', { preferred_username: 'dana_sso' });
    sso.idps['beta']!.setAccount('dana-b', { preferred_username: 'dana_elsewhere', email: 'dana@b.example' });
    const dana = await ssoSignIn(sso.server, sso.idps['alpha']!, 'alpha', 'dana');
    const linked = await link(dana, 'beta', 'dana-b');
    expect(linked.status).toBe(302);
    expect(linked.headers.get('location')).toBe('/?ssoLinked=beta');
    expect((await ssoSignIn(sso.server, sso.idps['beta']!, 'beta', 'dana-b')).user.id).toBe(dana.user.id);
    expect((await ssoSignIn(sso.server, sso.idps['alpha']!, 'alpha', 'dana')).user.id).toBe(dana.user.id);
    const mine = await identities(dana);
    expect(mine.map((i) => [i.provider, i.providerName, i.label])).toEqual([
      ['alpha', 'Test alpha', 'dana_sso'],
      ['beta', 'Test beta', 'dana_elsewhere'],
    ]);
    const remove = (id: string) => request(url(`/api/v1/me/identities/${id}`), { ...auth(dana), method: 'DELETE' });
    expect((await remove(mine[1]!.id)).status).toBe(204);
    const last = await remove(mine[0]!.id);
    expect(last.status).toBe(409);
    expect(last.body).toMatchObject({ error: { code: 'LAST_SIGN_IN_METHOD' } });
    expect((await remove('no-such-identity')).body).toMatchObject({ error: { code: 'SSO_IDENTITY_NOT_FOUND' } });
    // Unlinked: beta's account is a stranger again (a first sign-in, not dana).
    const { code, cookie } = await ssoCode(sso.server, sso.idps['beta']!, 'beta', 'dana-b');
    const fresh = await exchangeCode(sso.server, code, cookie);
    expect(sessionOf(fresh).user.id).not.toBe(dana.user.id);
  });

  it('a password account links an identity, and may unlink it (the password remains)', async () => {
    sso.idps['alpha']!.setAccount('erin', { preferred_username: 'erin_at_alpha' });
    const erin = await newUser(sso.server.url, 'erin');
    expect((await link(erin, 'alpha', 'erin')).headers.get('location')).toBe('/?ssoLinked=alpha');
    expect((await ssoSignIn(sso.server, sso.idps['alpha']!, 'alpha', 'erin')).user.id).toBe(erin.user.id);
    const [identity] = await identities(erin);
    const removed = await request(url(`/api/v1/me/identities/${identity!.id}`), { ...auth(erin), method: 'DELETE' });
    expect(removed.status).toBe(204);
    expect(await identities(erin)).toEqual([]);
    const events = await request<{ events: { kind: string }[] }>(url('/api/v1/me/security-events'), auth(erin));
    expect(events.body.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['sso_linked', 'sso_unlinked']));
  });

  it('an identity linked to someone else cannot be linked again: SSO_IDENTITY_TAKEN', async () => {
    const frank = await newUser(sso.server.url, 'frank');
    const taken = await link(frank, 'alpha', 'x');
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain('SSO_IDENTITY_TAKEN');
    expect(await identities(frank)).toEqual([]);
  });

  it('linking and unlinking need a recent proof (step-up)', async () => {
    const gina = await newUser(sso.server.url, 'gina');
    clock.advance(6 * 60_000);
    const begin = await request(url('/api/v1/me/identities/alpha'), { ...auth(gina), method: 'POST' });
    expect(begin.body).toMatchObject({ error: { code: 'STEP_UP_REQUIRED' } });
    const unlink = await request(url('/api/v1/me/identities/any'), { ...auth(gina), method: 'DELETE' });
    expect(unlink.body).toMatchObject({ error: { code: 'STEP_UP_REQUIRED' } });
    const unknown = await request(url('/api/v1/me/identities/nope'), { ...auth(gina), method: 'POST' });
    expect(unknown.body).toMatchObject({ error: { code: 'SSO_PROVIDER_NOT_FOUND' } });
  });
});
