import { describe, expect, it } from 'vitest';
import { CloseCodes, type LoginResponse } from '../../../protocol/index.js';
import { adminAs, makeAdmin, type ErrorAnswer } from '../helpers/admin.js';
import { serverForSuite, startServerOn, STORE_KINDS } from '../helpers/conversations.js';
import { GOOD_PASSWORD, login, newUser, register, request, uniqueName, type Session } from '../helpers/http.js';
import { connect, expectRefused } from '../helpers/ws-client.js';

/** A login that keeps its refresh token, to try a refresh later. */
async function loginKeepingRefresh(base: string, username: string): Promise<Session & { refreshToken: string }> {
  const answer = await request<LoginResponse>(`${base}/api/v1/auth/login`, {
    body: { username, password: GOOD_PASSWORD },
  });
  if (answer.status !== 200) throw new Error(`login ${username}: ${answer.status}`);
  return {
    user: answer.body.user,
    accessToken: answer.body.accessToken,
    cookie: (answer.headers.get('set-cookie') ?? '').split(';')[0] ?? '',
    refreshToken: answer.body.refreshToken,
  };
}

describe.each(STORE_KINDS)('suspension on %s', (kind) => {
  const env = serverForSuite(kind);
  const base = () => env.server.url;

  it('closes every live socket with 4403, refuses login, refresh and sockets; unsuspend lets them back in', async () => {
    const boss = await newUser(base(), 'boss');
    await makeAdmin(env.server.app, boss);
    const api = adminAs(base(), boss);
    const name = uniqueName('mallory');
    await register(base(), name);
    const laptop = await loginKeepingRefresh(base(), name);
    const phone = await login(base(), name);
    const sockets = [
      await connect(env.server.wsUrl, laptop),
      await connect(env.server.wsUrl, laptop),
      await connect(env.server.wsUrl, phone),
    ];
    await sockets[0]!.join();

    const started = Date.now();
    const suspended = await api.suspend(name, 'spamming links');
    expect(suspended.suspended).toEqual({ at: expect.any(String) as string, reason: 'spamming links' });
    // 4403, "stop, do not reconnect" — never 4401 ("refresh and come back") first.
    for (const socket of sockets) expect((await socket.closed).code).toBe(CloseCodes.BANNED);
    expect(Date.now() - started).toBeLessThan(1000);

    const refused = await request<ErrorAnswer>(`${base()}/api/v1/auth/login`, {
      body: { username: name, password: GOOD_PASSWORD },
    });
    expect([refused.status, refused.body.error.code, refused.body.error.reason]).toEqual([
      403,
      'ACCOUNT_SUSPENDED',
      'spamming links',
    ]);
    // A wrong password learns nothing about the suspension.
    const wrong = await request<ErrorAnswer>(`${base()}/api/v1/auth/login`, {
      body: { username: name, password: 'not-the-password-at-all' },
    });
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'INVALID_CREDENTIALS']);
    expect(wrong.body.error).not.toHaveProperty('reason');

    const refresh = await request<ErrorAnswer>(`${base()}/api/v1/auth/refresh`, {
      body: { refreshToken: laptop.refreshToken },
      cookie: laptop.cookie,
    });
    expect([refresh.status, refresh.body.error.code, refresh.body.error.reason]).toEqual([
      403,
      'ACCOUNT_SUSPENDED',
      'spamming links',
    ]);
    // The access tokens still in hand open nothing: no request, no socket.
    const me = await request<ErrorAnswer>(`${base()}/api/v1/me`, { token: phone.accessToken, cookie: phone.cookie });
    expect(me.status).toBe(401);
    const handshake = await expectRefused(env.server.wsUrl, ['parley.v1', `parley.auth.${phone.accessToken}`], {
      headers: { cookie: phone.cookie },
    });
    expect(handshake.status).toBe(401);

    // Suspending again changes nothing: the first reason stands.
    expect((await api.suspend(name, 'again')).suspended?.reason).toBe('spamming links');

    const lifted = await api.post<{ user: { suspended?: unknown } }>(`/users/${name}/unsuspend`, { reason: 'appeal' });
    expect(lifted.status).toBe(200);
    expect(lifted.body.user).not.toHaveProperty('suspended');
    const back = await login(base(), name);
    const socket = await connect(env.server.wsUrl, back);
    await socket.join();
    // The sessions the suspension ended stay ended.
    const old = await request<ErrorAnswer>(`${base()}/api/v1/auth/refresh`, {
      body: { refreshToken: laptop.refreshToken },
      cookie: laptop.cookie,
    });
    expect([old.status, old.body.error.code]).toEqual([401, 'REFRESH_TOKEN_INVALID']);
    await socket.close();
  });

  it('the ready frame names my global roles, and nobody else gets any', async () => {
    const boss = await newUser(base(), 'boss');
    await makeAdmin(env.server.app, boss);
    const plain = await newUser(base(), 'plain');
    const mine = await connect(env.server.wsUrl, boss);
    const theirs = await connect(env.server.wsUrl, plain);
    expect(mine.framesOf('ready')[0]?.roles).toEqual(['admin']);
    expect(theirs.framesOf('ready')[0]).not.toHaveProperty('roles');
    await mine.close();
    await theirs.close();
  });
});

describe.each(STORE_KINDS)('locking oneself out on %s', (kind) => {
  it('the only admin cannot drop their admin role, nor the policy that lets admins in', async () => {
    const server = await startServerOn(kind);
    try {
      const base = server.server.url;
      const boss = await newUser(base, 'boss');
      await makeAdmin(server.server.app, boss);
      const api = adminAs(base, boss);
      const code = (answer: { status: number; body: unknown }) => [
        answer.status,
        (answer.body as ErrorAnswer).error?.code,
      ];

      expect(code(await api.delete(`/users/${boss.user.username}/roles/admin`))).toEqual([403, 'FORBIDDEN']);
      const key = { role: 'admin', domain: 'global', action: 'admin' };
      expect(code(await api.delete('/policies', key))).toEqual([403, 'FORBIDDEN']);

      // With a second admin, they may step down; a suspended admin does not count as one.
      const second = await newUser(base, 'second');
      await api.post(`/users/${second.user.username}/roles`, { role: 'admin' });
      await api.suspend(second.user.username, 'on leave');
      expect(code(await api.delete(`/users/${boss.user.username}/roles/admin`))).toEqual([403, 'FORBIDDEN']);
      await api.post(`/users/${second.user.username}/unsuspend`);
      const stepped = await api.delete<{ user: { roles: string[] } }>(`/users/${boss.user.username}/roles/admin`);
      expect(stepped.body.user.roles).toEqual([]);
      expect(code(await api.get('/users'))).toEqual([403, 'FORBIDDEN']);

      // Another rule that lets admins in makes the default one removable.
      const other = adminAs(base, await login(base, second.user.username));
      expect((await other.post('/policies', { role: 'admin', domain: '*', action: 'admin' })).status).toBe(200);
      expect((await other.delete('/policies', key)).status).toBe(204);
      expect(code(await other.delete('/policies', { role: 'admin', domain: '*', action: 'admin' }))).toEqual([
        403,
        'FORBIDDEN',
      ]);
      expect((await other.get('/users')).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
