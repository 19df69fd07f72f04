import { afterAll, beforeAll, expect, it } from 'vitest';
import { GOOD_PASSWORD, login, register, request, uniqueName } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { connect, expectRefused } from '../helpers/ws-client.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ env: { LOG_LEVEL: 'trace' } });
});
afterAll(async () => {
  await server.close();
});

it('never writes passwords, tokens, cookies or the auth subprotocol to the log', async () => {
  const username = uniqueName();
  await register(server.url, username);
  const session = await login(server.url, username);
  await request(`${server.url}/api/v1/auth/login`, { body: { username, password: 'wrong-password-9' } });
  await request(`${server.url}/api/v1/me`, { token: session.accessToken, cookie: session.cookie });
  await request(`${server.url}/api/v1/me?token=${session.accessToken}`, { token: session.accessToken });
  const client = await connect(server.wsUrl, session);
  await client.join();
  await client.sendText('hello');
  await client.close();
  await expectRefused(`${server.wsUrl}?token=${session.accessToken}`, [
    'parley.v1',
    `parley.auth.${session.accessToken}`,
  ]);

  const log = server.logs.join('');
  expect(log.length).toBeGreaterThan(0);
  expect(log).toContain('incoming request');
  const fingerprint = session.cookie.split('=')[1]!;
  for (const secret of [GOOD_PASSWORD, 'wrong-password-9', session.accessToken, fingerprint, server.config.jwtSecret]) {
    expect(log).not.toContain(secret);
  }
  // A token-shaped string never appears at all, not even someone else's.
  expect(log).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/);
});
