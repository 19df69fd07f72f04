import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, login, register, request, uniqueName } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

const post = (path: string, body: unknown) => request<{ error?: { code: string } }>(`${server.url}${path}`, { body });

describe('register', () => {
  it('creates a user with a server-chosen colour and refuses the same name in another case', async () => {
    const username = uniqueName('Reg');
    const created = await post('/api/v1/auth/register', { username, password: GOOD_PASSWORD });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ user: { username, color: expect.stringMatching(/^#[0-9a-f]{6}$/) } });
    const again = await post('/api/v1/auth/register', { username: username.toUpperCase(), password: GOOD_PASSWORD });
    expect(again.status).toBe(409);
    expect(again.body.error?.code).toBe('USERNAME_TAKEN');
  });

  it.each([
    ['ab', 'INVALID_USERNAME'],
    ['a'.repeat(33), 'INVALID_USERNAME'],
    ['has space', 'INVALID_USERNAME'],
    ['émile', 'INVALID_USERNAME'],
    ['<script>', 'INVALID_USERNAME'],
  ])('refuses username %j with %s', async (username, code) => {
    const response = await post('/api/v1/auth/register', { username, password: GOOD_PASSWORD });
    expect(response.status).toBe(400);
    expect(response.body.error?.code).toBe(code);
  });

  it.each([
    ['short', 'PASSWORD_TOO_SHORT'],
    ['password', 'PASSWORD_TOO_COMMON'],
    ['PassWord1', 'PASSWORD_TOO_COMMON'],
    ['é'.repeat(37), 'PASSWORD_TOO_LONG'], // 74 bytes of UTF-8 in 37 characters
    ['x'.repeat(73), 'PASSWORD_TOO_LONG'],
    ['null\u0000byte-password', 'VALIDATION_FAILED'],
  ])('refuses password %j with %s', async (password, code) => {
    const response = await post('/api/v1/auth/register', { username: uniqueName(), password });
    expect(response.status).toBe(400);
    expect(response.body.error?.code).toBe(code);
  });

  it('accepts a password of exactly 72 bytes', async () => {
    const username = uniqueName();
    const password = 'q'.repeat(70) + 'é'; // 72 bytes
    expect((await post('/api/v1/auth/register', { username, password })).status).toBe(201);
    expect((await post('/api/v1/auth/login', { username, password })).status).toBe(200);
  });

  it('answers malformed bodies with the error shape, never a stack', async () => {
    for (const body of [
      '{nope',
      '[]',
      '"text"',
      JSON.stringify({ username: 'abc' }),
      JSON.stringify({ username: 1, password: 2 }),
    ]) {
      const response = await post('/api/v1/auth/register', body);
      expect(response.status).toBe(400);
      expect(['BAD_REQUEST', 'VALIDATION_FAILED']).toContain(response.body.error?.code);
      expect(JSON.stringify(response.body)).not.toMatch(/at .*\.(ts|js):\d+/);
    }
    const tooBig = await post('/api/v1/auth/register', { username: 'x', password: 'y'.repeat(20_000) });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error?.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('login and me', () => {
  it('logs in, sets an HttpOnly SameSite=Strict fingerprint cookie, and /me answers', async () => {
    const username = uniqueName('Login');
    await register(server.url, username);
    const response = await post('/api/v1/auth/login', { username: username.toLowerCase(), password: GOOD_PASSWORD });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^parley_fp=[A-Za-z0-9_-]{43}; /);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const session = await login(server.url, username);
    const me = await request<{ user: { username: string } }>(`${server.url}/api/v1/me`, {
      token: session.accessToken,
      cookie: session.cookie,
    });
    expect(me.status).toBe(200);
    expect(me.body.user.username).toBe(username);
  });

  it('answers an unknown user and a wrong password identically', async () => {
    const username = uniqueName();
    await register(server.url, username);
    const wrong = await post('/api/v1/auth/login', { username, password: 'not-the-password-1' });
    const unknown = await post('/api/v1/auth/login', { username: uniqueName('ghost'), password: 'not-the-password-1' });
    const invalidName = await post('/api/v1/auth/login', { username: 'x', password: 'not-the-password-1' });
    for (const response of [wrong, unknown, invalidName]) {
      expect(response.status).toBe(401);
      expect(response.body).toEqual(wrong.body);
    }
    expect(wrong.body.error?.code).toBe('INVALID_CREDENTIALS');
  });

  it('refuses a longer password that shares the stored one`s first 72 bytes', async () => {
    const username = uniqueName();
    const password = 'k'.repeat(72);
    await register(server.url, username, password);
    const longer = await post('/api/v1/auth/login', { username, password: `${password}extra` });
    expect(longer.status).toBe(401);
    expect(longer.body.error?.code).toBe('INVALID_CREDENTIALS');
  });

  it('refuses /me without a token, with a bad token, and with the token but not the cookie', async () => {
    const session = await login(server.url, (await register(server.url, uniqueName())).username);
    const me = (init: { token?: string; cookie?: string }) =>
      request<{ error?: { code: string } }>(`${server.url}/api/v1/me`, init);
    expect((await me({})).body.error?.code).toBe('UNAUTHENTICATED');
    expect((await me({ token: 'abc.def.ghi', cookie: session.cookie })).body.error?.code).toBe('TOKEN_INVALID');
    const noCookie = await me({ token: session.accessToken });
    expect(noCookie.status).toBe(401);
    expect(noCookie.body.error?.code).toBe('FINGERPRINT_MISMATCH');
    const other = await login(server.url, session.user.username);
    expect((await me({ token: session.accessToken, cookie: other.cookie })).body.error?.code).toBe(
      'FINGERPRINT_MISMATCH',
    );
  });
});

describe('rooms and history over HTTP', () => {
  it('lists the default room and validates the history query', async () => {
    const session = await login(server.url, (await register(server.url, uniqueName())).username);
    const auth = { token: session.accessToken, cookie: session.cookie };
    const rooms = await request<{ rooms: { name: string }[] }>(`${server.url}/api/v1/rooms`, auth);
    expect(rooms.body.rooms.map((room) => room.name)).toContain('general');
    const page = await request<{ messages: unknown[]; hasMore: boolean }>(
      `${server.url}/api/v1/rooms/general/messages?limit=5`,
      auth,
    );
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ messages: expect.any(Array), hasMore: expect.any(Boolean) });
    const missing = await request<{ error: { code: string } }>(`${server.url}/api/v1/rooms/nowhere/messages`, auth);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('ROOM_NOT_FOUND');
    for (const query of ['limit=0', 'limit=101', 'before=-1', 'before=abc', 'sneaky=1']) {
      const bad = await request<{ error: { code: string } }>(
        `${server.url}/api/v1/rooms/general/messages?${query}`,
        auth,
      );
      expect(bad.status, query).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('health answers, unknown routes are JSON 404s, and security headers are set', async () => {
    expect((await request(`${server.url}/health`)).body).toEqual({ status: 'ok' });
    expect((await request(`${server.url}/ready`)).status).toBe(200);
    const missing = await request<{ error: { code: string } }>(`${server.url}/api/v1/nope`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    const headers = missing.headers;
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(headers.get('x-powered-by')).toBeNull();
  });
});
