import { afterEach, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, login, register, request, uniqueName } from '../helpers/http.js';
import { GENEROUS_LIMITS, startServer, type TestServer } from '../helpers/server.js';
import { waitUntil } from '../helpers/wait.js';
import { connect, expectRefused } from '../helpers/ws-client.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serverWith(env: Record<string, string>): Promise<TestServer> {
  server = await startServer({ env: { ...GENEROUS_LIMITS, ...env } });
  return server;
}

function loginFrom(base: string, username: string, password: string, forwardedFor?: string) {
  return request<{ error?: { code: string; retryAfter?: number } }>(`${base}/api/v1/auth/login`, {
    body: { username, password },
    ...(forwardedFor === undefined ? {} : { headers: { 'x-forwarded-for': forwardedFor } }),
  });
}

describe('login throttling', () => {
  it('slows a guesser at one account from one address with a growing delay, without locking out the owner elsewhere', async () => {
    const s = await serverWith({ TRUST_PROXY: '127.0.0.1', RATE_LIMIT_LOGIN_FREE_FAILURES: '5' });
    const username = uniqueName('victim');
    await register(s.url, username);
    const guess = (i: number) => loginFrom(s.url, username, `guess-${i}-wrong`, '203.0.113.7');
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await guess(i));
    // The next three at once, so they meet the 1 s block however slow the machine is.
    const atOnce = await Promise.all([5, 6, 7].map(guess));
    answers.push(...atOnce.sort((a, b) => a.status - b.status));
    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401, 401, 429, 429]);
    // The sixth attempt is checked and blocks the pair for 1 s; each attempt during a block is
    // refused unchecked and blocks it for longer (2 s, 4 s …), so hammering only prolongs it.
    expect(
      answers
        .slice(6)
        .map((answer) => answer.body.error?.retryAfter ?? 0)
        .sort(),
    ).toEqual([2, 4]);

    const limited = await loginFrom(s.url, username, GOOD_PASSWORD, '203.0.113.7');
    expect(limited.status).toBe(429);
    expect(limited.body.error?.code).toBe('RATE_LIMITED');
    expect(limited.body.error?.retryAfter).toBe(8);
    expect(limited.headers.get('retry-after')).toBe(String(limited.body.error?.retryAfter));
    expect(limited.headers.get('x-ratelimit-limit')).toBe('1');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('x-ratelimit-reset')).toBe('8');

    // The owner, from another address, is not hurt.
    const owner = await loginFrom(s.url, username, GOOD_PASSWORD, '198.51.100.20');
    expect(owner.status).toBe(200);
  });

  it('lets one attempt through once the block has passed, and checks none of those refused during it', async () => {
    let checks = 0;
    server = await startServer({
      env: {
        ...GENEROUS_LIMITS,
        TRUST_PROXY: '127.0.0.1',
        RATE_LIMIT_LOGIN_FREE_FAILURES: '2',
        RATE_LIMIT_LOGIN_MAX_DELAY: '1',
      },
      hasher: (real) => ({
        hash: (password) => real.hash(password),
        verify: (password, hash) => {
          checks += 1;
          return real.verify(password, hash);
        },
      }),
    });
    const username = uniqueName('patient');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await loginFrom(server.url, username, `wrong-${i}`, '203.0.113.9')).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
    expect(checks).toBe(3);
    const refused = await loginFrom(server.url, username, 'wrong-again', '203.0.113.9');
    expect(refused.body.error?.retryAfter).toBe(1);
    // Wait out exactly the block the server announced, trying nothing meanwhile.
    await new Promise((resolve) => setTimeout(resolve, refused.body.error!.retryAfter! * 1000 + 150));
    expect((await loginFrom(server.url, username, 'wrong-after', '203.0.113.9')).status).toBe(401);
    expect((await loginFrom(server.url, username, 'wrong-after', '203.0.113.9')).status).toBe(429);
    expect(checks).toBe(4);
  });

  it('ignores X-Forwarded-For without TRUST_PROXY: credential stuffing with a fresh header per try is capped per IP', async () => {
    const s = await serverWith({ RATE_LIMIT_LOGIN_IP_PER_HOUR: '10' });
    const results: number[] = [];
    for (let i = 0; i < 14; i++) {
      const spoofed = `10.${i}.${i}.${i}`;
      results.push((await loginFrom(s.url, uniqueName('stuffed'), `leaked-password-${i}`, spoofed)).status);
    }
    expect(results.slice(0, 10).every((status) => status === 401)).toBe(true);
    expect(results.slice(10)).toEqual([429, 429, 429, 429]);
  });

  it('caps failures per username across addresses, but never locks the owner out of a browser that has their device cookie', async () => {
    const s = await serverWith({ TRUST_PROXY: '127.0.0.1', RATE_LIMIT_LOGIN_USER_PER_HOUR: '6' });
    const username = uniqueName('sprayed');
    await register(s.url, username);
    const ownersDevice = await login(s.url, username);
    const results: number[] = [];
    for (let i = 0; i < 8; i++)
      results.push((await loginFrom(s.url, username, `spray-${i}-wrong`, `192.0.2.${i + 1}`)).status);
    expect(results).toEqual([401, 401, 401, 401, 401, 401, 429, 429]);
    // A new browser gets the cap; the owner's, with its device cookie, does not.
    expect((await loginFrom(s.url, username, GOOD_PASSWORD, '198.51.100.9')).status).toBe(429);
    const owner = await request(`${s.url}/api/v1/auth/login`, {
      body: { username, password: GOOD_PASSWORD },
      headers: { 'x-forwarded-for': '198.51.100.9', cookie: ownersDevice.deviceCookie ?? '' },
    });
    expect(owner.status).toBe(200);
  });

  it('throttles password changes like logins: a burst of wrong current passwords gets at most free + 1 checks', async () => {
    let checks = 0;
    server = await startServer({
      env: {
        ...GENEROUS_LIMITS,
        TRUST_PROXY: '127.0.0.1',
        RATE_LIMIT_LOGIN_FREE_FAILURES: '3',
        RATE_LIMIT_LOGIN_CONCURRENT_PER_USER: '2',
      },
      hasher: (real) => ({
        hash: (password) => real.hash(password),
        verify: (password, hash) => {
          checks += 1;
          return real.verify(password, hash);
        },
      }),
    });
    const username = uniqueName('changer');
    await register(server.url, username);
    const session = await login(server.url, username);
    checks = 0;
    const change = (currentPassword: string) =>
      request<{ error?: { code: string } }>(`${server!.url}/api/v1/auth/password`, {
        body: { currentPassword, newPassword: 'amber-falcon-77-orbit' },
        token: session.accessToken,
        cookie: session.cookie,
        headers: { 'x-forwarded-for': '203.0.113.60' },
      });
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => change(`stolen-session-guess-${i}`)));
    const codes = answers.map((answer) => answer.body.error?.code);
    expect(codes.every((code) => code === 'CURRENT_PASSWORD_WRONG' || code === 'RATE_LIMITED')).toBe(true);
    expect(checks).toBeLessThanOrEqual(3 + 1);
    expect(codes.filter((code) => code === 'CURRENT_PASSWORD_WRONG')).toHaveLength(checks);
    // The pair is blocked now: even the right current password waits.
    expect((await change(GOOD_PASSWORD)).status).toBe(429);
    expect(checks).toBeLessThanOrEqual(3 + 1);
  });

  it('limits registrations per IP', async () => {
    const s = await serverWith({ RATE_LIMIT_REGISTER_IP_PER_HOUR: '3' });
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      statuses.push(
        (
          await request(`${s.url}/api/v1/auth/register`, {
            body: { username: uniqueName('reg'), password: GOOD_PASSWORD },
          })
        ).status,
      );
    }
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
  });
});

describe('room and DM creation', () => {
  it('limits rooms created per user per hour, counted atomically under a concurrent burst, per user', async () => {
    const s = await serverWith({ RATE_LIMIT_ROOMS_PER_HOUR: '3' });
    const [spammer, other] = [uniqueName('spam'), uniqueName('other')];
    await Promise.all([register(s.url, spammer), register(s.url, other)]);
    const [a, b] = await Promise.all([login(s.url, spammer), login(s.url, other)]);
    const create = (session: typeof a, name: string) =>
      request<{ error?: { code: string; retryAfter?: number } }>(`${s.url}/api/v1/rooms`, {
        body: { name },
        token: session.accessToken,
        cookie: session.cookie,
      });
    const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => create(a, `spam-${i}`)));
    const statuses = burst.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 201, 429, 429, 429, 429, 429]);
    for (const refused of burst.filter((r) => r.status === 429)) {
      expect(refused.body.error?.code).toBe('RATE_LIMITED');
      expect(refused.body.error?.retryAfter).toBeGreaterThan(0);
      expect(refused.headers.get('retry-after')).not.toBeNull();
    }
    // Exactly the three accepted rooms exist; someone else is not held back.
    const rooms = await request<{ rooms: { name: string }[] }>(`${s.url}/api/v1/rooms`, {
      token: b.accessToken,
      cookie: b.cookie,
    });
    expect(rooms.body.rooms.filter((r) => r.name.startsWith('spam-'))).toHaveLength(3);
    expect((await create(b, 'not-spam')).status).toBe(201);
  });

  it('limits new DMs per user per hour, while an existing DM always opens', async () => {
    const s = await serverWith({ RATE_LIMIT_DMS_PER_HOUR: '2' });
    const names = Array.from({ length: 5 }, () => uniqueName('dm'));
    await Promise.all(names.map((name) => register(s.url, name)));
    const opener = await login(s.url, names[0]!);
    const open = (username: string) =>
      request<{ room?: { name: string }; error?: { code: string } }>(`${s.url}/api/v1/dms`, {
        body: { username },
        token: opener.accessToken,
        cookie: opener.cookie,
      });
    const burst = await Promise.all(names.slice(1).map(open));
    expect(burst.map((r) => r.status).sort()).toEqual([200, 200, 429, 429]);
    const opened = burst.find((r) => r.status === 200)!;
    const again = await open(names[burst.indexOf(opened) + 1]!.toUpperCase());
    expect(again.status).toBe(200);
    expect(again.body.room?.name).toBe(opened.body.room?.name);
  });
});

describe('WebSocket limits', () => {
  it('limits upgrades per IP per minute, refusing before the upgrade with 429 and the JSON body', async () => {
    const s = await serverWith({ RATE_LIMIT_WS_UPGRADES_IP_PER_MINUTE: '4' });
    const username = uniqueName('ws');
    await register(s.url, username);
    const session = await login(s.url, username);
    const clients = [];
    for (let i = 0; i < 4; i++) clients.push(await connect(s.wsUrl, session));
    const refused = await expectRefused(s.wsUrl, ['parley.v1', `parley.auth.${session.accessToken}`], {
      headers: { cookie: session.cookie },
    });
    expect(refused).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED' } } });
    // Even a request with no credentials at all counts, so floods cost the server no crypto.
    const anonymous = await expectRefused(s.wsUrl, ['parley.v1']);
    expect(anonymous.status).toBe(429);
    for (const client of clients) await client.close();
  });

  it('limits live sockets per user', async () => {
    const s = await serverWith({ WS_MAX_SOCKETS_PER_USER: '2' });
    const username = uniqueName('ws');
    await register(s.url, username);
    const session = await login(s.url, username);
    const first = await connect(s.wsUrl, session);
    const second = await connect(s.wsUrl, session);
    const third = await expectRefused(s.wsUrl, ['parley.v1', `parley.auth.${session.accessToken}`], {
      headers: { cookie: session.cookie },
    });
    expect(third).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED' } } });
    await first.close();
    // A closed socket frees its place once the server has handled the close, not at a fixed time.
    await waitUntil(() => s.app.core.connectionsOfUser(session.user.id) < 2, 'the closed socket no longer counted');
    const again = await connect(s.wsUrl, session);
    await Promise.all([second.close(), again.close()]);
  });

  it('limits messages per user across sockets: an error frame with retryAfter, no ack, nothing stored; 4429 after repeats', async () => {
    const s = await serverWith({
      RATE_LIMIT_MESSAGES_PER_SECOND: '1',
      RATE_LIMIT_MESSAGES_BURST: '4',
      RATE_LIMIT_MESSAGE_VIOLATIONS: '3',
    });
    const username = uniqueName('chatty');
    await register(s.url, username);
    const session = await login(s.url, username);
    const a = await connect(s.wsUrl, session);
    const b = await connect(s.wsUrl, session);
    await a.join();
    await b.join();
    for (let i = 0; i < 3; i++) a.send({ type: 'send', room: 'general', text: `a${i}`, clientMsgId: `a${i}` });
    for (let i = 0; i < 3; i++) b.send({ type: 'send', room: 'general', text: `b${i}`, clientMsgId: `b${i}` });
    // Five allowed in all (1 steady + 4 burst), shared by both sockets; the sixth is refused.
    const outcomes = await Promise.all(
      ['a0', 'a1', 'a2'].map((id) =>
        Promise.race([a.next('ack', (f) => f.clientMsgId === id), a.next('error', (f) => f.ref === id)]),
      ),
    );
    const outcomesB = await Promise.all(
      ['b0', 'b1', 'b2'].map((id) =>
        Promise.race([b.next('ack', (f) => f.clientMsgId === id), b.next('error', (f) => f.ref === id)]),
      ),
    );
    const all = [...outcomes, ...outcomesB];
    const refused = all.filter((frame) => frame.type === 'error');
    expect(all.filter((frame) => frame.type === 'ack')).toHaveLength(5);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });

    const page = await request<{ messages: { text: string }[] }>(`${s.url}/api/v1/rooms/general/messages`, {
      token: session.accessToken,
      cookie: session.cookie,
    });
    expect(page.body.messages).toHaveLength(5);

    // Two more violations on one socket within the minute close it with 4429.
    a.send({ type: 'send', room: 'general', text: 'x', clientMsgId: 'x1' });
    a.send({ type: 'send', room: 'general', text: 'y', clientMsgId: 'x2' });
    a.send({ type: 'send', room: 'general', text: 'z', clientMsgId: 'x3' });
    expect((await a.closed).code).toBe(4429);
    await b.close();
  });
});
