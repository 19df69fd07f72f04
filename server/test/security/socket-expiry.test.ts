import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessTokens } from '../../src/edge/auth/access-tokens.js';
import { hashFingerprint } from '../../src/edge/auth/fingerprint.js';
import { CloseCodes, type User } from '../../../protocol/index.js';
import { GOOD_PASSWORD, register, request, uniqueName } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { connect, type TestClient } from '../helpers/ws-client.js';

/**
 * Sockets expire with their credentials: closed with 4401 when the access token lapses unrenewed
 * (or the session reaches its absolute end), kept open by `renew` frames carrying refreshed tokens.
 */
const TTL_S = 2;
let server: TestServer;
beforeAll(async () => {
  server = await startServer({ overrides: { accessTokenTtlSeconds: TTL_S } });
});
afterAll(async () => {
  await server.close();
});

interface Login {
  accessToken: string;
  refreshToken: string;
  cookie: string;
  user: User;
}

async function loginAs(base: string, username: string): Promise<Login> {
  const res = await request<Omit<Login, 'cookie'>>(`${base}/api/v1/auth/login`, {
    body: { username, password: GOOD_PASSWORD },
  });
  expect(res.status).toBe(200);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { ...res.body, cookie };
}

async function newLogin(base: string): Promise<Login> {
  const username = uniqueName('exp');
  await register(base, username);
  return loginAs(base, username);
}

/** Refreshes like the web client: the next access token of the same session. */
async function refresh(base: string, login: Login): Promise<Login> {
  const res = await request<Omit<Login, 'cookie'>>(`${base}/api/v1/auth/refresh`, {
    body: { refreshToken: login.refreshToken },
    cookie: login.cookie,
  });
  expect(res.status).toBe(200);
  return { ...login, accessToken: res.body.accessToken, refreshToken: res.body.refreshToken };
}

function expiryOf(token: string): number {
  const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number };
  return payload.exp * 1000;
}

const until = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

/** Resolves with the close and the moment it was seen; a ceiling for one that never comes. */
async function closeOf(client: TestClient, ceilingMs = 15_000): Promise<{ code: number; at: number }> {
  const ceiling = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('never closed')), ceilingMs));
  const closed = await Promise.race([client.closed, ceiling]);
  return { code: closed.code, at: Date.now() };
}

async function renew(client: TestClient, token: string) {
  client.send({ type: 'renew', token });
  return Promise.race([client.next('renewed'), client.next('error', (f) => f.ref === 'renew')]);
}

describe('a socket whose credentials lapse', () => {
  it('is closed with 4401 within 1 s of its token expiry when not renewed', async () => {
    const login = await newLogin(server.url);
    const client = await connect(server.wsUrl, login);
    const { code, at } = await closeOf(client);
    expect(code).toBe(CloseCodes.SESSION_ENDED);
    const exp = expiryOf(login.accessToken);
    expect(at).toBeGreaterThanOrEqual(exp - 50);
    expect(at - exp).toBeLessThan(1000);
  });

  it('stays open across three expiries while it renews, can still send, then closes at the last one', async () => {
    let login = await newLogin(server.url);
    const client = await connect(server.wsUrl, login);
    await client.join();
    const replaced: number[] = [];
    for (let round = 0; round < 3; round++) {
      // The web client refreshes ahead of expiry; so do we, 700 ms ahead.
      replaced.push(expiryOf(login.accessToken));
      await until(replaced.at(-1)! - 700);
      login = await refresh(server.url, login);
      expect(expiryOf(login.accessToken)).toBeGreaterThan(replaced.at(-1)!);
      const answer = await renew(client, login.accessToken);
      expect(answer).toEqual({ type: 'renewed', expiresAt: new Date(expiryOf(login.accessToken)).toISOString() });
    }
    // Past the third expiry it renewed away from, and the socket still works.
    await until(replaced.at(-1)! + 200);
    expect(replaced.every((at) => at < Date.now())).toBe(true);
    expect((await client.sendText('still here')).message.text).toBe('still here');
    const { code, at } = await closeOf(client);
    expect(code).toBe(CloseCodes.SESSION_ENDED);
    expect(at - expiryOf(login.accessToken)).toBeLessThan(1000);
  });
});

describe('a renewal that is refused', () => {
  it("refuses another user's token, another session's, a revoked session's, a forged and a garbage one; the deadline does not move", async () => {
    const alice = await newLogin(server.url);
    const client = await connect(server.wsUrl, alice);
    const bob = await newLogin(server.url);
    const aliceElsewhere = await loginAs(server.url, alice.user.username);
    const revoked = await loginAs(server.url, alice.user.username);
    const logout = await request(`${server.url}/api/v1/auth/logout`, {
      body: {},
      token: revoked.accessToken,
      cookie: revoked.cookie,
    });
    expect(logout.status).toBe(204);
    // Alice's user and session, signed with the server's key, but bound to another device.
    const claims = JSON.parse(Buffer.from(alice.accessToken.split('.')[1]!, 'base64url').toString()) as {
      sid: string;
      sub: string;
    };
    const forged = await new AccessTokens(server.config.jwtSecret, TTL_S + 60, { now: () => Date.now() }).sign({
      userId: claims.sub,
      sessionId: claims.sid,
      fingerprintHash: hashFingerprint('another-device'),
    });
    for (const token of [bob.accessToken, aliceElsewhere.accessToken, revoked.accessToken, forged.token, 'x.y.z']) {
      const answer = await renew(client, token);
      expect(answer).toMatchObject({ type: 'error', code: 'TOKEN_INVALID', ref: 'renew' });
    }
    const { code, at } = await closeOf(client);
    expect(code).toBe(CloseCodes.SESSION_ENDED);
    expect(at - expiryOf(alice.accessToken)).toBeLessThan(1000);
  });

  it('refuses a malformed renew frame as INVALID_FRAME', async () => {
    const login = await newLogin(server.url);
    const client = await connect(server.wsUrl, login);
    const numeric: Record<string, unknown> = { type: 'renew', token: 42 };
    client.send(numeric);
    expect(await client.next('error')).toMatchObject({ code: 'INVALID_FRAME' });
    client.send({ type: 'renew', token: 'a'.repeat(5000) });
    expect(await client.next('error')).toMatchObject({ code: 'INVALID_FRAME' });
    await client.close();
  });
});

describe('a session at its absolute end', () => {
  it('closes the socket with 4401 at the end, even with a renewed token that outlives it', async () => {
    const short = await startServer({ overrides: { accessTokenTtlSeconds: 4, sessionMaxAgeSeconds: 4 } });
    try {
      const loggedInAt = Date.now();
      let login = await newLogin(short.url);
      const client = await connect(short.wsUrl, login);
      const sessions = await request<{ sessions: { expiresAt: string }[] }>(`${short.url}/api/v1/auth/sessions`, {
        token: login.accessToken,
        cookie: login.cookie,
      });
      const sessionEnd = Date.parse(sessions.body.sessions[0]!.expiresAt);
      // A token refreshed a second later outlives the session (its exp counts whole seconds).
      await until(loggedInAt + 1100);
      login = await refresh(short.url, login);
      expect(expiryOf(login.accessToken)).toBeGreaterThan(sessionEnd);
      const answer = await renew(client, login.accessToken);
      // The session's end, not the token's.
      expect(answer).toEqual({ type: 'renewed', expiresAt: new Date(sessionEnd).toISOString() });
      const renewedUntil = sessionEnd;
      const { code, at } = await closeOf(client);
      expect(code).toBe(CloseCodes.SESSION_ENDED);
      expect(at).toBeGreaterThanOrEqual(renewedUntil - 50);
      expect(at - renewedUntil).toBeLessThan(1000);
    } finally {
      await short.close();
    }
  });
});
