import { afterEach, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, register, request, uniqueName } from '../helpers/http.js';
import { GENEROUS_LIMITS, startServer, type TestServer } from '../helpers/server.js';
import { expectRefused } from '../helpers/ws-client.js';

/**
 * One IPv6 subscriber holds a whole /64: every per-IP limit counts its addresses as one
 * (RATE_LIMIT_IPV6_PREFIX, default 64), and addresses of different /64s apart.
 */
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serverWith(env: Record<string, string>): Promise<TestServer> {
  server = await startServer({ env: { ...GENEROUS_LIMITS, TRUST_PROXY: '127.0.0.1', ...env } });
  return server;
}

/** `count` addresses of the /64 `prefix` (four groups), scattered over its interface ids. */
function addressesOf(prefix: string, count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => `${prefix}:${((i * 7919 + 1) % 0x10000).toString(16)}:${i.toString(16)}::${i + 1}`,
  );
}

function post(url: string, body: unknown, ip: string) {
  return request(url, { body, headers: { 'x-forwarded-for': ip } });
}

describe('per-IP limits over IPv6', () => {
  it('counts registrations from one /64 together, and another /64 apart', async () => {
    const s = await serverWith({ RATE_LIMIT_REGISTER_IP_PER_HOUR: '20' });
    const statuses = [];
    for (const ip of addressesOf('2001:db8:aa:1', 30)) {
      statuses.push(
        (await post(`${s.url}/api/v1/auth/register`, { username: uniqueName('v6'), password: GOOD_PASSWORD }, ip))
          .status,
      );
    }
    expect(statuses.slice(0, 20).every((status) => status === 201)).toBe(true);
    expect(statuses.slice(20).every((status) => status === 429)).toBe(true);
    const elsewhere = await post(
      `${s.url}/api/v1/auth/register`,
      { username: uniqueName('v6'), password: GOOD_PASSWORD },
      '2001:db8:aa:2::1',
    );
    expect(elsewhere.status).toBe(201);
  });

  it('counts failed logins per IP by /64, whatever the usernames', async () => {
    const s = await serverWith({ RATE_LIMIT_LOGIN_IP_PER_HOUR: '10' });
    const statuses = [];
    for (const ip of addressesOf('2001:db8:bb:1', 14)) {
      statuses.push(
        (await post(`${s.url}/api/v1/auth/login`, { username: uniqueName('stuffed'), password: 'leaked-1' }, ip))
          .status,
      );
    }
    expect(statuses).toEqual([...Array.from({ length: 10 }, () => 401), 429, 429, 429, 429]);
    const elsewhere = await post(
      `${s.url}/api/v1/auth/login`,
      { username: uniqueName('stuffed'), password: 'leaked-1' },
      '2001:db8:bb:2::1',
    );
    expect(elsewhere.status).toBe(401);
  });

  it('applies the growing delay per (username, /64), and IPv4-mapped addresses as their IPv4 address', async () => {
    const s = await serverWith({ RATE_LIMIT_LOGIN_FREE_FAILURES: '3' });
    const username = uniqueName('v6victim');
    await register(s.url, username);
    // Three free attempts one by one, then three at once: one passes the gate, the other two meet the
    // block it set, however slow the machine (sent one by one, a stall over the 1 s block would let
    // the fifth through).
    const login = (ip: string) => post(`${s.url}/api/v1/auth/login`, { username, password: 'wrong-guess' }, ip);
    const ips = addressesOf('2001:db8:cc:1', 6);
    const statuses = [];
    for (const ip of ips.slice(0, 3)) statuses.push((await login(ip)).status);
    statuses.push(...(await Promise.all(ips.slice(3).map(login))).map((answer) => answer.status).sort());
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    expect(
      (await post(`${s.url}/api/v1/auth/login`, { username, password: GOOD_PASSWORD }, '2001:db8:cc:2::9')).status,
    ).toBe(200);

    const mapped = uniqueName('mapped');
    await register(s.url, mapped);
    const loginMapped = (ip: string) =>
      post(`${s.url}/api/v1/auth/login`, { username: mapped, password: 'wrong-guess' }, ip);
    const viaBoth = [];
    for (const ip of ['203.0.113.50', '::ffff:203.0.113.50', '203.0.113.50'])
      viaBoth.push((await loginMapped(ip)).status);
    const atOnce = ['::ffff:cb00:7132', '203.0.113.50', '::ffff:203.0.113.50'];
    viaBoth.push(...(await Promise.all(atOnce.map(loginMapped))).map((answer) => answer.status).sort());
    expect(viaBoth).toEqual([401, 401, 401, 401, 429, 429]);
  });

  it('counts WebSocket upgrades by /64', async () => {
    const s = await serverWith({ RATE_LIMIT_WS_UPGRADES_IP_PER_MINUTE: '5' });
    const statuses = [];
    for (const ip of addressesOf('2001:db8:dd:1', 9)) {
      statuses.push((await expectRefused(s.wsUrl, ['parley.v1'], { headers: { 'x-forwarded-for': ip } })).status);
    }
    // No credentials: refused (401) after being counted; past five in the minute, 429 first.
    expect(statuses.slice(0, 5).every((status) => status !== 429)).toBe(true);
    expect(statuses.slice(5)).toEqual([429, 429, 429, 429]);
    const elsewhere = await expectRefused(s.wsUrl, ['parley.v1'], {
      headers: { 'x-forwarded-for': '2001:db8:dd:2::1' },
    });
    expect(elsewhere.status).not.toBe(429);
  });

  it('counts by a configured prefix: /48 groups subnets, /128 counts each address', async () => {
    const wide = await serverWith({ RATE_LIMIT_REGISTER_IP_PER_HOUR: '2', RATE_LIMIT_IPV6_PREFIX: '48' });
    const register3 = async (ips: string[]) => {
      const statuses = [];
      for (const ip of ips)
        statuses.push(
          (await post(`${wide.url}/api/v1/auth/register`, { username: uniqueName('px'), password: GOOD_PASSWORD }, ip))
            .status,
        );
      return statuses;
    };
    expect(await register3(['2001:db8:ee:1::1', '2001:db8:ee:2::1', '2001:db8:ee:3::1'])).toEqual([201, 201, 429]);
    await wide.close();
    server = undefined;
    const narrow = await serverWith({ RATE_LIMIT_REGISTER_IP_PER_HOUR: '2', RATE_LIMIT_IPV6_PREFIX: '128' });
    const statuses = [];
    for (const ip of [
      '2001:db8:ff:1::1',
      '2001:db8:ff:1::2',
      '2001:db8:ff:1::3',
      '2001:db8:ff:1::1',
      '2001:db8:ff:1:0:0:0:1',
    ])
      statuses.push(
        (await post(`${narrow.url}/api/v1/auth/register`, { username: uniqueName('px'), password: GOOD_PASSWORD }, ip))
          .status,
      );
    expect(statuses).toEqual([201, 201, 201, 201, 429]);
  });
});
