import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../../protocol/index.js';
import { GOOD_PASSWORD, register, request, uniqueName } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { alteredCopies } from '../helpers/tokens.js';
import { connect, expectRefused } from '../helpers/ws-client.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

interface Device {
  user: User;
  accessToken: string;
  refreshToken: string;
  /** Both cookies, as the browser would send them to /api/v1/auth. */
  cookies: string;
  fingerprintCookie: string;
}

interface TokenBody {
  accessToken: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
  user: User;
  error?: { code: string };
}

function cookiePairs(setCookie: string[]): Record<string, string> {
  return Object.fromEntries(setCookie.map((c) => c.split(';')[0]!.split('=') as [string, string]));
}

async function loginDevice(username: string, password = GOOD_PASSWORD, userAgent = 'device-a'): Promise<Device> {
  const response = await request<TokenBody>(`${server.url}/api/v1/auth/login`, {
    body: { username, password },
    headers: { 'user-agent': userAgent },
  });
  expect(response.status).toBe(200);
  const jar = cookiePairs(response.headers.getSetCookie());
  return {
    user: response.body.user,
    accessToken: response.body.accessToken,
    refreshToken: response.body.refreshToken,
    cookies: `parley_fp=${jar['parley_fp']}; parley_rt=${jar['parley_rt']}`,
    fingerprintCookie: `parley_fp=${jar['parley_fp']}`,
  };
}

async function newAccount(prefix = 'sess'): Promise<{ username: string; device: Device }> {
  const username = uniqueName(prefix);
  await register(server.url, username);
  return { username, device: await loginDevice(username) };
}

const refresh = (refreshToken: string | undefined, cookie?: string) =>
  request<TokenBody>(`${server.url}/api/v1/auth/refresh`, {
    body: refreshToken === undefined ? {} : { refreshToken },
    ...(cookie === undefined ? {} : { cookie }),
  });

const me = (token: string, cookie?: string) =>
  request<{ user?: User; error?: { code: string } }>(`${server.url}/api/v1/me`, {
    token,
    ...(cookie === undefined ? {} : { cookie }),
  });

const events = async (device: Device) =>
  (
    await request<{ events: { kind: string; sessionId: string | null; ip: string }[] }>(
      `${server.url}/api/v1/me/security-events`,
      { token: device.accessToken, cookie: device.fingerprintCookie },
    )
  ).body.events;

describe('refresh rotation', () => {
  it('returns a new pair, spends the old token, and a replay revokes the family and closes its sockets with 4401', async () => {
    const { device } = await newAccount();
    const socket = await connect(server.wsUrl, {
      user: device.user,
      accessToken: device.accessToken,
      cookie: device.fingerprintCookie,
    });

    const first = await refresh(device.refreshToken, device.fingerprintCookie);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(first.body.refreshToken).not.toBe(device.refreshToken);
    expect(first.body.accessToken).not.toBe(device.accessToken);
    expect((await me(first.body.accessToken, device.fingerprintCookie)).status).toBe(200);

    const replay = await refresh(device.refreshToken, device.fingerprintCookie);
    expect(replay.status).toBe(401);
    expect(replay.body.error?.code).toBe('REFRESH_TOKEN_REUSED');
    const started = Date.now();
    expect((await socket.closed).code).toBe(4401);
    expect(Date.now() - started).toBeLessThan(1000);

    const newer = await refresh(first.body.refreshToken, device.fingerprintCookie);
    expect(newer.status).toBe(401);
    expect(newer.body.error?.code).toBe('REFRESH_TOKEN_INVALID');
    expect((await me(first.body.accessToken, device.fingerprintCookie)).body.error?.code).toBe('TOKEN_INVALID');
    expect((await events(await loginDevice(device.user.username))).map((e) => e.kind)).toEqual(
      expect.arrayContaining(['refresh', 'refresh_token_reused', 'session_revoked', 'login_succeeded']),
    );
  });

  it('takes the refresh token from its HttpOnly cookie when the body has none', async () => {
    const { device } = await newAccount();
    const response = await refresh(undefined, device.cookies);
    expect(response.status).toBe(200);
    const rotated = cookiePairs(response.headers.getSetCookie());
    expect(rotated['parley_rt']).toBe(response.body.refreshToken);
    expect(response.headers.getSetCookie()[0]).toMatch(/Path=\/api\/v1\/auth; HttpOnly; SameSite=Strict/);
  });

  it('20 concurrent refreshes with one token leave at most one live family', async () => {
    const { device } = await newAccount();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => refresh(device.refreshToken, device.fingerprintCookie)),
    );
    const winners = answers.filter((a) => a.status === 200);
    expect(winners.length).toBeLessThanOrEqual(1);
    expect(answers.filter((a) => a.status !== 200).every((a) => a.status === 401)).toBe(true);
    let live = 0;
    for (const winner of winners) {
      if ((await refresh(winner.body.refreshToken, device.fingerprintCookie)).status === 200) live++;
    }
    expect(live).toBeLessThanOrEqual(1);
  });

  it('refuses a refresh without the fingerprint cookie or with another session`s, without spending the token', async () => {
    const { username, device } = await newAccount();
    const other = await loginDevice(username, GOOD_PASSWORD, 'device-b');
    expect((await refresh(device.refreshToken)).body.error?.code).toBe('FINGERPRINT_MISMATCH');
    expect((await refresh(device.refreshToken, other.fingerprintCookie)).body.error?.code).toBe('FINGERPRINT_MISMATCH');
    expect((await refresh(device.refreshToken, device.fingerprintCookie)).status).toBe(200);
  });

  it('refuses an access token at /auth/refresh and a refresh token as a Bearer token', async () => {
    const { device } = await newAccount();
    const wrongKind = await refresh(device.accessToken, device.fingerprintCookie);
    expect(wrongKind.status).toBe(401);
    expect(wrongKind.body.error?.code).toBe('REFRESH_TOKEN_INVALID');
    const asBearer = await me(device.refreshToken, device.fingerprintCookie);
    expect(asBearer.status).toBe(401);
    expect(asBearer.body.error?.code).toBe('TOKEN_INVALID');
    const handshake = await expectRefused(server.wsUrl, ['parley.v1', `parley.auth.${device.refreshToken}`], {
      headers: { cookie: device.fingerprintCookie },
    });
    expect(handshake).toMatchObject({ status: 401, body: { error: { code: 'TOKEN_INVALID' } } });
    // And the refresh token still works afterwards: those attempts spent nothing.
    expect((await refresh(device.refreshToken, device.fingerprintCookie)).status).toBe(200);
  });
});

describe('device binding', () => {
  it('refuses a valid access token without its cookie or with another session`s, on HTTP and the handshake', async () => {
    const { username, device } = await newAccount();
    const other = await loginDevice(username, GOOD_PASSWORD, 'device-b');
    for (const cookie of [undefined, other.fingerprintCookie]) {
      expect((await me(device.accessToken, cookie)).body.error?.code).toBe('FINGERPRINT_MISMATCH');
      const handshake = await expectRefused(server.wsUrl, ['parley.v1', `parley.auth.${device.accessToken}`], {
        headers: cookie === undefined ? {} : { cookie },
      });
      expect(handshake).toMatchObject({ status: 401, body: { error: { code: 'FINGERPRINT_MISMATCH' } } });
    }
  });
});

describe('logout and revocation', () => {
  it('kills the token at once (altered copies too), closes the live socket within 1 s, spares other sessions', async () => {
    const { username, device } = await newAccount();
    const other = await loginDevice(username, GOOD_PASSWORD, 'device-b');
    const copies = alteredCopies(device.accessToken);
    // jose accepts at least one altered copy while the session lives: the test is meaningful.
    const acceptedBefore = await Promise.all(
      copies.map(async (copy) => (await me(copy, device.fingerprintCookie)).status),
    );
    expect(acceptedBefore).toContain(200);

    const socket = await connect(server.wsUrl, {
      user: device.user,
      accessToken: device.accessToken,
      cookie: device.fingerprintCookie,
    });
    const otherSocket = await connect(server.wsUrl, {
      user: other.user,
      accessToken: other.accessToken,
      cookie: other.fingerprintCookie,
    });
    const logout = await request(`${server.url}/api/v1/auth/logout`, {
      body: {},
      token: device.accessToken,
      cookie: device.fingerprintCookie,
    });
    const loggedOutAt = Date.now();
    expect(logout.status).toBe(204);
    expect(logout.headers.get('clear-site-data')).toBe('"storage"');
    expect(logout.headers.getSetCookie().every((c) => c.includes('Max-Age=0'))).toBe(true);
    expect((await socket.closed).code).toBe(4401);
    expect(Date.now() - loggedOutAt).toBeLessThan(1000);

    for (const token of [device.accessToken, ...copies]) {
      expect((await me(token, device.fingerprintCookie)).body.error?.code).toBe('TOKEN_INVALID');
      // `=` may not appear in a subprotocol, so the copies go in the Authorization header.
      const handshake = await expectRefused(server.wsUrl, undefined, {
        headers: { cookie: device.fingerprintCookie, authorization: `Bearer ${token}` },
      });
      expect(handshake.status).toBe(401);
    }
    expect((await refresh(device.refreshToken, device.fingerprintCookie)).body.error?.code).toBe(
      'REFRESH_TOKEN_INVALID',
    );

    // The other session is untouched.
    expect((await me(other.accessToken, other.fingerprintCookie)).status).toBe(200);
    otherSocket.send({ type: 'ping' });
    await otherSocket.next('pong');
    await otherSocket.close();
  });

  it('allSessions ends every session of the user and closes all their sockets', async () => {
    const { username, device } = await newAccount();
    const other = await loginDevice(username, GOOD_PASSWORD, 'device-b');
    const sockets = await Promise.all(
      [device, other].map((d) =>
        connect(server.wsUrl, { user: d.user, accessToken: d.accessToken, cookie: d.fingerprintCookie }),
      ),
    );
    const logout = await request(`${server.url}/api/v1/auth/logout`, {
      body: { allSessions: true },
      token: device.accessToken,
      cookie: device.fingerprintCookie,
    });
    expect(logout.status).toBe(204);
    for (const socket of sockets) expect((await socket.closed).code).toBe(4401);
    expect((await me(other.accessToken, other.fingerprintCookie)).body.error?.code).toBe('TOKEN_INVALID');
    const fresh = await loginDevice(username);
    expect((await events(fresh)).filter((e) => e.kind === 'logout')).toHaveLength(2);
  });

  it('a password change can end the other sessions; the old password stops working', async () => {
    const { username, device } = await newAccount();
    const other = await loginDevice(username, GOOD_PASSWORD, 'device-b');
    const change = (body: unknown) =>
      request<{ error?: { code: string } }>(`${server.url}/api/v1/auth/password`, {
        body,
        token: device.accessToken,
        cookie: device.fingerprintCookie,
      });
    expect(
      (await change({ currentPassword: 'not-it-at-all', newPassword: 'amber-falcon-77-orbit' })).body.error?.code,
    ).toBe('CURRENT_PASSWORD_WRONG');
    expect((await change({ currentPassword: GOOD_PASSWORD, newPassword: 'password1' })).body.error?.code).toBe(
      'PASSWORD_TOO_COMMON',
    );
    const ok = await change({
      currentPassword: GOOD_PASSWORD,
      newPassword: 'amber-falcon-77-orbit',
      logoutOtherSessions: true,
    });
    expect(ok.status).toBe(204);
    expect((await me(other.accessToken, other.fingerprintCookie)).body.error?.code).toBe('TOKEN_INVALID');
    expect((await me(device.accessToken, device.fingerprintCookie)).status).toBe(200);
    const oldLogin = await request(`${server.url}/api/v1/auth/login`, { body: { username, password: GOOD_PASSWORD } });
    expect(oldLogin.status).toBe(401);
    expect((await events(device)).map((e) => e.kind)).toEqual(
      expect.arrayContaining(['password_changed', 'session_revoked']),
    );
  });
});

describe('my sessions and my security events', () => {
  it('lists my sessions with the current one marked, revokes one, and answers a stranger`s id like a missing one', async () => {
    const { username, device } = await newAccount();
    const other = await loginDevice(username, GOOD_PASSWORD, 'device-b');
    const stranger = await newAccount('stranger');
    const auth = { token: device.accessToken, cookie: device.fingerprintCookie };
    const list = await request<{ sessions: { id: string; current: boolean; userAgent: string; ip: string }[] }>(
      `${server.url}/api/v1/auth/sessions`,
      auth,
    );
    expect(list.status).toBe(200);
    expect(list.body.sessions).toHaveLength(2);
    expect(list.body.sessions.filter((s) => s.current)).toHaveLength(1);
    expect(list.body.sessions.map((s) => s.userAgent).sort()).toEqual(['device-a', 'device-b']);
    const otherId = list.body.sessions.find((s) => !s.current)!.id;

    const strangerList = await request<{ sessions: { id: string }[] }>(`${server.url}/api/v1/auth/sessions`, {
      token: stranger.device.accessToken,
      cookie: stranger.device.fingerprintCookie,
    });
    const strangersId = strangerList.body.sessions[0]!.id;
    const foreign = await request(`${server.url}/api/v1/auth/sessions/${strangersId}`, { ...auth, method: 'DELETE' });
    const missing = await request(`${server.url}/api/v1/auth/sessions/00000000-0000-4000-8000-000000000000`, {
      ...auth,
      method: 'DELETE',
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(missing.body);
    expect((await me(stranger.device.accessToken, stranger.device.fingerprintCookie)).status).toBe(200);

    const socket = await connect(server.wsUrl, {
      user: other.user,
      accessToken: other.accessToken,
      cookie: other.fingerprintCookie,
    });
    const revoked = await request(`${server.url}/api/v1/auth/sessions/${otherId}`, { ...auth, method: 'DELETE' });
    expect(revoked.status).toBe(204);
    expect((await socket.closed).code).toBe(4401);
    expect((await me(other.accessToken, other.fingerprintCookie)).body.error?.code).toBe('TOKEN_INVALID');
  });

  it('records login failures for the targeted user and shows each user only their own events, with nothing secret', async () => {
    const { username, device } = await newAccount();
    const stranger = await newAccount('stranger');
    await request(`${server.url}/api/v1/auth/login`, { body: { username, password: 'wrong-password-5' } });
    const mine = await events(device);
    expect(mine.map((e) => e.kind)).toEqual(expect.arrayContaining(['login_failed', 'login_succeeded']));
    const theirs = await events(stranger.device);
    expect(theirs.map((e) => e.kind)).toEqual(['login_succeeded']);
    const text = JSON.stringify(mine);
    for (const secret of [GOOD_PASSWORD, 'wrong-password-5', device.accessToken, device.refreshToken])
      expect(text).not.toContain(secret);
  });
});
