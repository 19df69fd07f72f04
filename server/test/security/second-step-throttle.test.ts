import { afterEach, expect, it } from 'vitest';
import { GOOD_PASSWORD, newUser, request, type Session } from '../helpers/http.js';
import { GENEROUS_LIMITS, startServer, type TestServer } from '../helpers/server.js';
import { passwordStep, secondStep, totpCode } from '../helpers/totp.js';

/**
 * Wrong second-step and step-up codes are password guesses too: they count toward the login
 * throttle (the same growing delay per username and address). And a server without
 * TOTP_ENCRYPTION_KEY (production) refuses enrolment rather than store a secret it cannot seal.
 */
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const call = <T = unknown>(base: string, session: Session, path: string, body?: unknown) =>
  request<T>(`${base}/api/v1${path}`, {
    ...(body === undefined ? {} : { body }),
    token: session.accessToken,
    cookie: session.cookie,
  });
const codeOf = (answer: { status: number; body: unknown }) => [
  answer.status,
  (answer.body as { error?: { code?: string } }).error?.code,
];

it('wrong codes at the second step and at step-up are throttled like wrong passwords', async () => {
  server = await startServer({ env: { ...GENEROUS_LIMITS, RATE_LIMIT_LOGIN_FREE_FAILURES: '2', LOG_LEVEL: 'warn' } });
  const base = server.url;
  const session = await newUser(base, 'throttled');
  const { secret } = (await call<{ secret: string }>(base, session, '/me/totp', {})).body;
  expect((await call(base, session, '/me/totp/confirm', { code: totpCode(secret, Date.now()) })).status).toBe(200);

  const start = await passwordStep(base, session.user.username);
  const wrong = () => secondStep(base, start, { code: '000000' });
  expect(codeOf(await wrong())).toEqual([401, 'INVALID_CODE']);
  expect(codeOf(await wrong())).toEqual([401, 'INVALID_CODE']);
  expect(codeOf(await wrong())).toEqual([401, 'INVALID_CODE']); // past the free ones: this one sets a delay
  expect(codeOf(await wrong())).toEqual([429, 'RATE_LIMITED']);
  // During the delay even the right code is not checked.
  const right = await secondStep(base, start, { code: totpCode(secret, Date.now() + 30_000) });
  expect(codeOf(right)).toEqual([429, 'RATE_LIMITED']);

  // A step-up goes through the same throttle: the (username, address) pair is still held back.
  const stepUp = await call(base, session, '/auth/step-up', { password: GOOD_PASSWORD, code: '000000' });
  expect(codeOf(stepUp)).toEqual([429, 'RATE_LIMITED']);
});

it('without TOTP_ENCRYPTION_KEY, enrolment answers 503 TOTP_UNAVAILABLE', async () => {
  server = await startServer({ overrides: { totpEncryptionKey: undefined } });
  const session = await newUser(server.url, 'nokey');
  expect(codeOf(await call(server.url, session, '/me/totp', {}))).toEqual([503, 'TOTP_UNAVAILABLE']);
  expect((await call(server.url, session, '/me/second-factors')).body).toMatchObject({ totp: false });
});
