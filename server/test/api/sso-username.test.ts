import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAs, makeAdmin } from '../helpers/admin.js';
import { GOOD_PASSWORD, newUser, register, request } from '../helpers/http.js';
import { exchangeCode, sessionOf, ssoCode, ssoSignIn, startSignIn, startSsoServer } from '../helpers/sso.js';

type Step = { chooseUsername: { ticket: string; expiresAt: string; suggestion?: string } };

describe('single sign-on: the username step, and accounts without a password', () => {
  let sso: Awaited<ReturnType<typeof startSsoServer>>;
  const url = (path: string) => `${sso.server.url}${path}`;
  const choose = (ticket: string, username: string, cookie: string | undefined) =>
    request(url('/api/v1/auth/oidc/username'), { body: { ticket, username }, ...(cookie ? { cookie } : {}) });

  beforeAll(async () => {
    sso = await startSsoServer(['main']);
  });
  afterAll(async () => {
    await sso.close();
  });

  it('derives a valid name from the claims (accents, dots and dashes made plain)', async () => {
    sso.idps['main']!.setAccount('h', { preferred_username: 'Hélène.de-Vries' });
    const { code, cookie } = await ssoCode(sso.server, sso.idps['main']!, 'main', 'h');
    expect(sessionOf(await exchangeCode(sso.server, code, cookie)).user.username).toBe('Helene_de_Vries');
    sso.idps['main']!.setAccount('i', { email: 'ivan.petrov@example.com' });
    const second = await ssoCode(sso.server, sso.idps['main']!, 'main', 'i');
    expect(sessionOf(await exchangeCode(sso.server, second.code, second.cookie)).user.username).toBe('ivan_petrov');
  });

  it('a taken name asks for another: invalid and taken choices are refused, the ticket stays until one fits', async () => {
    await register(sso.server.url, 'taken_name');
    sso.idps['main']!.setAccount('j', { preferred_username: 'taken_name', email: 'j@example.com' });
    const { code, cookie } = await ssoCode(sso.server, sso.idps['main']!, 'main', 'j');
    const step = await exchangeCode(sso.server, code, cookie);
    expect(step.status).toBe(200);
    const { ticket, suggestion } = (step.body as Step).chooseUsername;
    expect(suggestion).toBe('taken_name2');
    expect((await choose(ticket, 'no spaces', cookie)).body).toMatchObject({ error: { code: 'INVALID_USERNAME' } });
    expect((await choose(ticket, 'TAKEN_NAME', cookie)).body).toMatchObject({ error: { code: 'USERNAME_TAKEN' } });
    expect((await choose(ticket, 'jay_sso', undefined)).body).toMatchObject({
      error: { code: 'EXCHANGE_CODE_INVALID' },
    });
    const chosen = await choose(ticket, 'jay_sso', cookie);
    expect(chosen.status).toBe(200);
    expect(sessionOf(chosen).user.username).toBe('jay_sso');
    // Used up: a second account cannot be made from the same ticket.
    expect((await choose(ticket, 'jay_again', cookie)).body).toMatchObject({
      error: { code: 'EXCHANGE_CODE_INVALID' },
    });
  });

  it('one ticket sent five times at once makes one account and one session', async () => {
    await register(sso.server.url, 'race_name');
    sso.idps['main']!.setAccount('r', { preferred_username: 'race_name' });
    const { code, cookie } = await ssoCode(sso.server, sso.idps['main']!, 'main', 'r');
    const { ticket } = ((await exchangeCode(sso.server, code, cookie)).body as Step).chooseUsername;
    const answers = await Promise.all(
      ['ra_1', 'ra_2', 'ra_3', 'ra_4', 'ra_5'].map((name) => choose(ticket, name, cookie)),
    );
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    for (const refused of answers.filter((answer) => answer.status !== 200)) {
      expect(refused.body).toMatchObject({ error: { code: 'EXCHANGE_CODE_INVALID' } });
    }
  });

  it('a name too short to use asks for one, without a suggestion', async () => {
    sso.idps['main']!.setAccount('k', { email: 'k@example.com' });
    const { code, cookie } = await ssoCode(sso.server, sso.idps['main']!, 'main', 'k');
    const step = (await exchangeCode(sso.server, code, cookie)).body as Step;
    expect(step.chooseUsername.ticket).toEqual(expect.any(String));
    expect(step.chooseUsername.suggestion).toBeUndefined();
  });

  it('an account made by single sign-on has no password: login, step-up and password change refuse every guess', async () => {
    sso.idps['main']!.setAccount('l', { preferred_username: 'lena_sso' });
    const { code, cookie } = await ssoCode(sso.server, sso.idps['main']!, 'main', 'l');
    const lena = sessionOf(await exchangeCode(sso.server, code, cookie));
    for (const password of ['', '!no-password', GOOD_PASSWORD]) {
      const login = await request(url('/api/v1/auth/login'), { body: { username: 'lena_sso', password } });
      expect(login.status).not.toBe(200);
    }
    const auth = { token: lena.accessToken, cookie: lena.cookie };
    const stepUp = await request(url('/api/v1/auth/step-up'), { ...auth, body: { password: '!no-password' } });
    expect(stepUp.body).toMatchObject({ error: { code: 'INVALID_CREDENTIALS' } });
    const change = await request(url('/api/v1/auth/password'), {
      ...auth,
      body: { currentPassword: '!no-password', newPassword: 'a-brand-new-long-password', logoutOtherSessions: false },
    });
    expect(change.body).toMatchObject({ error: { code: 'CURRENT_PASSWORD_WRONG' } });
  });
});

describe('single sign-on and suspension', () => {
  it('a suspended account is refused at the exchange, like a password login', async () => {
    const sso = await startSsoServer(['main']);
    try {
      sso.idps['main']!.setAccount('s', { preferred_username: 'sus_sso' });
      await ssoSignIn(sso.server, sso.idps['main']!, 'main', 's');
      const admin = await newUser(sso.server.url, 'admin');
      await makeAdmin(sso.server.app, admin);
      await adminAs(sso.server.url, admin).suspend('sus_sso', 'spam');
      const { code, cookie } = await ssoCode(sso.server, sso.idps['main']!, 'main', 's');
      const refused = await exchangeCode(sso.server, code, cookie);
      expect(refused.body).toMatchObject({ error: { code: 'ACCOUNT_SUSPENDED', reason: 'spam' } });
    } finally {
      await sso.close();
    }
  });
});

describe('single sign-on: start, exchange and the username step are limited per IP', () => {
  it('refuses past the allowance with 429 RATE_LIMITED', async () => {
    const sso = await startSsoServer(['main'], { env: { RATE_LIMIT_REFRESH_IP_PER_MINUTE: '3' } });
    try {
      for (let i = 0; i < 3; i++) await startSignIn(sso.server, 'main');
      const fourth = await request(`${sso.server.url}/api/v1/auth/oidc/main/start`);
      expect(fourth.body).toMatchObject({ error: { code: 'RATE_LIMITED' } });
      const exchange = await request(`${sso.server.url}/api/v1/auth/oidc/exchange`, { body: { code: 'guess' } });
      expect(exchange.status).toBe(429);
    } finally {
      await sso.close();
    }
  });
});
