import { afterEach, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, register, request, uniqueName, type JsonResponse } from '../helpers/http.js';
import { GENEROUS_LIMITS, startServer, type TestServer } from '../helpers/server.js';

/**
 * The refresh route's own limits (per IP, per session) and the per-user limit on the authenticated
 * read API: the usual 429 with Retry-After and X-RateLimit-*, and an honest client never meets them.
 */
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serverWith(env: Record<string, string>): Promise<TestServer> {
  server = await startServer({ env: { ...GENEROUS_LIMITS, ...env } });
  return server;
}

/** The defaults of config.ts for the limits under test, with the generous ones for the rest. */
const DEFAULT_REQUEST_LIMITS = {
  RATE_LIMIT_REFRESH_IP_PER_MINUTE: '120',
  RATE_LIMIT_REFRESH_SESSION_PER_MINUTE: '30',
  RATE_LIMIT_READS_PER_USER_PER_MINUTE: '600',
};

interface Tokens {
  accessToken: string;
  refreshToken: string;
  cookie: string;
  userId: string;
}

async function signIn(base: string, username: string): Promise<Tokens> {
  const res = await request<{ accessToken: string; refreshToken: string; user: { id: string } }>(
    `${base}/api/v1/auth/login`,
    { body: { username, password: GOOD_PASSWORD } },
  );
  expect(res.status).toBe(200);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { accessToken: res.body.accessToken, refreshToken: res.body.refreshToken, cookie, userId: res.body.user.id };
}

async function newPerson(base: string): Promise<{ username: string; tokens: Tokens }> {
  const username = uniqueName('lim');
  await register(base, username);
  return { username, tokens: await signIn(base, username) };
}

type RefreshAnswer = { accessToken: string; refreshToken: string; error?: { code: string; retryAfter?: number } };

function refresh(base: string, refreshToken: string, cookie?: string, forwardedFor?: string) {
  return request<RefreshAnswer>(`${base}/api/v1/auth/refresh`, {
    body: { refreshToken },
    ...(cookie === undefined ? {} : { cookie }),
    ...(forwardedFor === undefined ? {} : { headers: { 'x-forwarded-for': forwardedFor } }),
  });
}

/** Refreshes as the web client does, rotating: each answer's token is the next one to use. */
async function refreshLoop(base: string, tokens: Tokens, times: number): Promise<JsonResponse<RefreshAnswer>[]> {
  const answers = [];
  let current = tokens.refreshToken;
  for (let i = 0; i < times; i++) {
    const answer = await refresh(base, current, tokens.cookie);
    answers.push(answer);
    if (answer.status === 200) current = answer.body.refreshToken;
  }
  return answers;
}

function expectLimited(answer: JsonResponse<{ error?: { code: string; retryAfter?: number } }>, limit: number) {
  expect(answer.status).toBe(429);
  expect(answer.body.error?.code).toBe('RATE_LIMITED');
  const retryAfter = Number(answer.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(answer.body.error?.retryAfter).toBe(retryAfter);
  expect(answer.headers.get('x-ratelimit-limit')).toBe(String(limit));
  expect(answer.headers.get('x-ratelimit-remaining')).toBe('0');
  expect(answer.headers.get('x-ratelimit-reset')).toBe(String(retryAfter));
}

describe('POST /api/v1/auth/refresh', () => {
  it('limits refreshes per session: a client stuck in a refresh loop gets 429, the same IP’s other sessions do not', async () => {
    const s = await serverWith({ RATE_LIMIT_REFRESH_SESSION_PER_MINUTE: '3' });
    const looping = await newPerson(s.url);
    const answers = await refreshLoop(s.url, looping.tokens, 5);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429, 429]);
    expectLimited(answers[3]!, 3);
    // Another session from the same address has its own allowance.
    const other = await newPerson(s.url);
    expect((await refreshLoop(s.url, other.tokens, 3)).map((a) => a.status)).toEqual([200, 200, 200]);
  });

  it('limits refreshes per IP: a thief trying a stolen refresh token without its fingerprint cookie gets 429; other addresses do not', async () => {
    const s = await serverWith({ TRUST_PROXY: '127.0.0.1', RATE_LIMIT_REFRESH_IP_PER_MINUTE: '5' });
    const victim = await newPerson(s.url);
    const tries = [];
    for (let i = 0; i < 7; i++) tries.push(await refresh(s.url, victim.tokens.refreshToken, undefined, '203.0.113.9'));
    expect(tries.slice(0, 5).every((t) => t.status === 401)).toBe(true);
    expect(tries.slice(5).map((t) => t.status)).toEqual([429, 429]);
    expectLimited(tries[5]!, 5);
    // Garbage tokens from one address count the same.
    expect((await refresh(s.url, 'x'.repeat(43), undefined, '203.0.113.9')).status).toBe(429);
    // The owner, elsewhere, refreshes as usual; the thief's tries never reached the token.
    const owner = await refresh(s.url, victim.tokens.refreshToken, victim.tokens.cookie, '198.51.100.4');
    expect(owner.status).toBe(200);
  });
});

describe('the authenticated read API', () => {
  it('limits GET requests per user, across their sessions; writes, and other users, are not counted', async () => {
    const s = await serverWith({ RATE_LIMIT_READS_PER_USER_PER_MINUTE: '5' });
    const reader = await newPerson(s.url);
    const get = (tokens: Tokens, path: string) =>
      request<{ error?: { code: string } }>(`${s.url}/api/v1${path}`, {
        token: tokens.accessToken,
        cookie: tokens.cookie,
      });
    const paths = ['/me', '/rooms', '/rooms/general', '/rooms/general/messages', '/auth/sessions'];
    for (const path of paths) expect((await get(reader.tokens, path)).status).toBe(200);
    const refused = await get(reader.tokens, '/me');
    expectLimited(refused, 5);
    // Another session of the same user shares the allowance.
    const second = await signIn(s.url, reader.username);
    expect((await get(second, '/rooms')).status).toBe(429);
    // A write still goes through (it has limits of its own) ...
    const created = await request(`${s.url}/api/v1/rooms`, {
      body: { name: `r${Date.now() % 100000}` },
      token: reader.tokens.accessToken,
      cookie: reader.tokens.cookie,
    });
    expect(created.status).toBe(201);
    // ... and someone else reads as usual.
    const bystander = await newPerson(s.url);
    expect((await get(bystander.tokens, '/rooms')).status).toBe(200);
  });

  it('an honest client under the default limits: ten page loads, an office behind one NAT, and a busy minute of reads', async () => {
    const s = await serverWith(DEFAULT_REQUEST_LIMITS);
    const person = await newPerson(s.url);
    // Ten page loads in a minute (each refreshes once) in one browser: its session's allowance is 30.
    expect((await refreshLoop(s.url, person.tokens, 10)).every((a) => a.status === 200)).toBe(true);
    // Ten people behind one NAT all loading the page at once.
    const office = await Promise.all(Array.from({ length: 10 }, () => newPerson(s.url)));
    const loads = await Promise.all(office.map((p) => refreshLoop(s.url, p.tokens, 3)));
    expect(loads.flat().every((a) => a.status === 200)).toBe(true);
    // Opening the app and scrolling far back: 200 reads in a minute.
    const reads = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        request(`${s.url}/api/v1${i % 2 === 0 ? '/rooms' : '/rooms/general/messages'}`, {
          token: person.tokens.accessToken,
          cookie: person.tokens.cookie,
        }),
      ),
    );
    expect(reads.every((r) => r.status === 200)).toBe(true);
  });
});
