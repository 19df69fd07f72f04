import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, login, register, request, uniqueName, type Session } from '../helpers/http.js';
import { GENEROUS_LIMITS, startServer, type TestServer } from '../helpers/server.js';

/**
 * Spraying one account from many addresses fills its per-username cap; the owner's browser keeps
 * its device cookie through logout and is let in all the same. Default login limits.
 */
const LIMITS = {
  RATE_LIMIT_LOGIN_FREE_FAILURES: '5',
  RATE_LIMIT_LOGIN_IP_PER_HOUR: '50',
  RATE_LIMIT_LOGIN_USER_PER_HOUR: '100',
  RATE_LIMIT_LOGIN_DEVICE_FAILURES_PER_HOUR: '10',
  RATE_LIMIT_LOGIN_CONCURRENT_PER_IP: '4',
  RATE_LIMIT_LOGIN_CONCURRENT_PER_USER: '2',
  TRUST_PROXY: '127.0.0.1',
};

let server: TestServer;
let owner: string;
let ownersBrowser: Session;
let sprayed: number[];

function loginFrom(username: string, password: string, ip: string, cookie?: string) {
  return request<{ error?: { code: string } }>(`${server.url}/api/v1/auth/login`, {
    body: { username, password },
    headers: { 'x-forwarded-for': ip, ...(cookie === undefined ? {} : { cookie }) },
  });
}

/** The device cookie's value with one character of the part at `index` (0 id, 1 nonce, 2 MAC) changed. */
function altered(deviceCookie: string, index: number): string {
  const [name, value] = deviceCookie.split('=') as [string, string];
  const parts = value.split('.');
  const part = parts[index]!;
  parts[index] = `${part.slice(0, -1)}${part.endsWith('A') ? 'B' : 'A'}`;
  return `${name}=${parts.join('.')}`;
}

beforeAll(async () => {
  server = await startServer({ env: { ...GENEROUS_LIMITS, ...LIMITS } });
  owner = uniqueName('owner');
  await register(server.url, owner);
  ownersBrowser = await login(server.url, owner);
  expect(ownersBrowser.deviceCookie).toMatch(/^parley_dev=[\w-]+\.[\w-]+\.[\w-]+$/);
  const logout = await request(`${server.url}/api/v1/auth/logout`, {
    body: {},
    token: ownersBrowser.accessToken,
    cookie: ownersBrowser.cookie,
  });
  expect(logout.status).toBe(204);
  // Logout clears the session's cookies, never the device cookie.
  expect(logout.headers.get('clear-site-data')).toBe('"storage"');
  expect(logout.headers.getSetCookie().some((line) => line.startsWith('parley_dev='))).toBe(false);

  // 105 wrong guesses from 21 addresses, five each (the free allowance of each pair).
  sprayed = [];
  for (let address = 1; address <= 21; address++) {
    for (let guess = 0; guess < 5; guess++) {
      sprayed.push((await loginFrom(owner, `spray-${address}-${guess}`, `192.0.2.${address}`)).status);
    }
  }
});
afterAll(async () => {
  await server.close();
});

describe('an account sprayed from many addresses', () => {
  it('is capped after 100 failures in the hour, from any address', () => {
    expect(sprayed.slice(0, 100).every((status) => status === 401)).toBe(true);
    expect(sprayed.slice(100)).toEqual([429, 429, 429, 429, 429]);
  });

  it('lets the owner in from their browser: the device cookie, kept through logout, skips the cap', async () => {
    const again = await loginFrom(owner, GOOD_PASSWORD, '198.51.100.7', ownersBrowser.deviceCookie);
    expect(again.status).toBe(200);
  });

  it("keeps the attacker's further guesses from fresh addresses throttled", async () => {
    for (let address = 1; address <= 5; address++) {
      const guess = await loginFrom(owner, `late-guess-${address}`, `203.0.113.${address}`);
      expect(guess.status).toBe(429);
      expect(guess.body.error?.code).toBe('RATE_LIMITED');
    }
  });

  it('caps a new browser (no device cookie), even with the right password', async () => {
    expect((await loginFrom(owner, GOOD_PASSWORD, '198.51.100.8')).status).toBe(429);
  });

  it("gives no exemption to a forged or altered device cookie, nor to another user's", async () => {
    const device = ownersBrowser.deviceCookie!;
    const stranger = uniqueName('stranger');
    await register(server.url, stranger);
    const strangers = (await login(server.url, stranger)).deviceCookie!;
    const [, ownValue] = device.split('=') as [string, string];
    const [ownerId, nonce] = ownValue.split('.') as [string, string];
    const forged = [
      altered(device, 0),
      altered(device, 1),
      altered(device, 2),
      `parley_dev=${ownerId}.${nonce}`,
      `parley_dev=${ownerId}.${nonce}.`,
      `parley_dev=${ownerId}.${nonce}.${'A'.repeat(43)}`,
      `parley_dev=${ownValue}.extra`,
      // Another account's genuine cookie, and its signature put on the owner's id.
      strangers,
      `parley_dev=${ownerId}.${strangers.split('.').slice(1).join('.')}`,
    ];
    for (const cookie of forged) {
      expect((await loginFrom(owner, GOOD_PASSWORD, '198.51.100.9', cookie)).status, cookie).toBe(429);
    }
  });

  it('stops exempting a device cookie past its own failure allowance, so a stolen one is no unlimited oracle', async () => {
    const fresh = await loginFrom(owner, GOOD_PASSWORD, '198.51.100.10', ownersBrowser.deviceCookie);
    expect(fresh.status).toBe(200);
    const stolen = fresh.headers
      .getSetCookie()
      .map((line) => line.split(';')[0]!)
      .find((pair) => pair.startsWith('parley_dev='))!;
    // Ten failures with it are checked (two addresses, to stay inside each pair's free allowance)…
    const statuses = [];
    for (let guess = 0; guess < 10; guess++) {
      const ip = `198.18.0.${1 + Math.floor(guess / 5)}`;
      statuses.push((await loginFrom(owner, `stolen-guess-${guess}`, ip, stolen)).status);
    }
    expect(statuses).toEqual(Array.from({ length: 10 }, () => 401));
    // …the eleventh falls back to the per-username cap, which is full: refused, right password or not.
    expect((await loginFrom(owner, 'stolen-guess-10', '198.18.0.3', stolen)).status).toBe(429);
    expect((await loginFrom(owner, GOOD_PASSWORD, '198.18.0.4', stolen)).status).toBe(429);
  });
});
