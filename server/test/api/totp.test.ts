import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEP_UP_WINDOW_SECONDS } from '../../../protocol/index.js';
import { BACKENDS, movableClock } from '../helpers/backends.js';
import { GOOD_PASSWORD, newUser, request, type Session } from '../helpers/http.js';
import type { RawDb } from '../helpers/raw-db.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { passwordStep, secondStep, totpCode } from '../helpers/totp.js';

/**
 * Issue 16, TOTP: enrolment needs a valid first code; login then needs the code; the same code twice
 * is refused; each recovery code works exactly once; the stored secret is not the plain secret; every
 * event is in the feed. Codes are computed by otpauth at the server's (moved) clock.
 */
describe.each(BACKENDS)('TOTP and recovery codes, on %s', (_name, open) => {
  let dispose: () => Promise<void>;
  let server: TestServer;
  let raw: RawDb;
  const clock = movableClock();
  const STEP = 30_000;

  beforeAll(async () => {
    const backend = await open();
    dispose = backend.dispose;
    server = await startServer({ clock, env: { LOG_LEVEL: 'warn', ...backend.env } });
    raw = await backend.raw(server.dataDir);
  });
  afterAll(async () => {
    await raw?.close();
    await server?.close();
    await dispose?.();
  });

  const call = <T = unknown>(session: Session, path: string, body?: unknown, method?: string) =>
    request<T>(`${server.url}/api/v1${path}`, {
      ...(method ? { method } : {}),
      ...(body === undefined ? {} : { body }),
      token: session.accessToken,
      cookie: session.cookie,
    });
  const codeOf = (answer: { status: number; body: unknown }) => [
    answer.status,
    (answer.body as { error?: { code?: string } }).error?.code,
  ];

  /** A new user with TOTP on: answers the session, the secret and the recovery codes. */
  async function enrolled(prefix: string) {
    const session = await newUser(server.url, prefix);
    const started = await call<{ secret: string; otpauthUrl: string }>(session, '/me/totp', {});
    expect(started.status).toBe(200);
    const { secret } = started.body;
    const confirmed = await call<{ recoveryCodes: string[] }>(session, '/me/totp/confirm', {
      code: totpCode(secret, clock.now()),
    });
    expect(confirmed.status).toBe(200);
    return { session, secret, recoveryCodes: confirmed.body.recoveryCodes };
  }

  it('enrolment stays pending until a valid first code; the stored secret is encrypted', async () => {
    const session = await newUser(server.url, 'totpenrol');
    const started = await call<{ secret: string; otpauthUrl: string }>(session, '/me/totp', {});
    expect(started.status).toBe(200);
    expect(started.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\/Parley:.*secret=/);
    const { secret } = started.body;
    // Pending: not on, and login still needs only the password.
    expect((await call(session, '/me/second-factors')).body).toEqual({
      totp: false,
      recoveryCodesLeft: 0,
      passkeys: 0,
    });
    const login = await request<Record<string, unknown>>(`${server.url}/api/v1/auth/login`, {
      body: { username: session.user.username, password: GOOD_PASSWORD },
    });
    expect(login.body).toHaveProperty('accessToken');

    const wrong = totpCode(secret, clock.now() + 10 * STEP);
    expect(codeOf(await call(session, '/me/totp/confirm', { code: wrong }))).toEqual([401, 'INVALID_CODE']);
    const confirmed = await call<{ recoveryCodes: string[] }>(session, '/me/totp/confirm', {
      code: totpCode(secret, clock.now()),
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    expect(new Set(confirmed.body.recoveryCodes).size).toBe(10);
    expect((await call(session, '/me/second-factors')).body).toEqual({
      totp: true,
      recoveryCodesLeft: 10,
      passkeys: 0,
    });
    expect(codeOf(await call(session, '/me/totp', {}))).toEqual([409, 'TOTP_ALREADY_ENABLED']);

    const rows = await raw.rows(`select * from user_totp where user_id = '${session.user.id}'`);
    expect(rows).toHaveLength(1);
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(secret);
    expect(stored.toLowerCase()).not.toContain(secret.toLowerCase());
    const codes = JSON.stringify(await raw.rows(`select * from recovery_codes where user_id = '${session.user.id}'`));
    for (const code of confirmed.body.recoveryCodes) expect(codes).not.toContain(code);
  });

  it('login then needs the code, a code is accepted once, and the ticket is single-use and bound to its browser', async () => {
    const { session, secret } = await enrolled('totplogin');
    const name = session.user.username;
    const start = await passwordStep(server.url, name);
    expect(start.deviceCookie).not.toBe('');
    // The ticket is no session: it opens nothing, and no tokens came with it.
    expect(codeOf(await secondStep(server.url, start, { code: '000000' }))).toEqual([401, 'INVALID_CODE']);
    // Another browser (no device cookie, or someone else's) cannot finish it.
    const other = await newUser(server.url, 'totpother');
    expect(
      codeOf(await secondStep(server.url, start, { code: totpCode(secret, clock.now()) }, '')).slice(0, 2),
    ).toEqual([401, 'SECOND_STEP_EXPIRED']);
    expect(
      codeOf(await secondStep(server.url, start, { code: totpCode(secret, clock.now()) }, other.deviceCookie ?? '')),
    ).toEqual([401, 'SECOND_STEP_EXPIRED']);

    clock.advance(STEP); // the enrolment's own code was for the step before
    const code = totpCode(secret, clock.now());
    const done = await secondStep(server.url, start, { code });
    expect(done.status).toBe(200);
    expect((await call(done.session!, '/me/second-factors')).status).toBe(200);
    // The ticket is spent, and the same code is refused on a fresh ticket too (replay).
    expect(codeOf(await secondStep(server.url, start, { code }))).toEqual([401, 'SECOND_STEP_EXPIRED']);
    const again = await passwordStep(server.url, name);
    expect(codeOf(await secondStep(server.url, again, { code }))).toEqual([401, 'INVALID_CODE']);
    // An earlier step's code is refused too once a later one was used.
    expect(codeOf(await secondStep(server.url, again, { code: totpCode(secret, clock.now() - STEP) }))).toEqual([
      401,
      'INVALID_CODE',
    ]);
    clock.advance(STEP);
    expect((await secondStep(server.url, again, { code: totpCode(secret, clock.now()) })).status).toBe(200);

    // A ticket lapses after five minutes.
    const late = await passwordStep(server.url, name);
    clock.advance(5 * 60_000 + 1000);
    expect(codeOf(await secondStep(server.url, late, { code: totpCode(secret, clock.now()) }))).toEqual([
      401,
      'SECOND_STEP_EXPIRED',
    ]);
    // A wrong password still says nothing about TOTP.
    const wrongPassword = await request(`${server.url}/api/v1/auth/login`, {
      body: { username: name, password: 'not-the-password-at-all' },
    });
    expect(codeOf(wrongPassword)).toEqual([401, 'INVALID_CREDENTIALS']);
  });

  it('each recovery code works exactly once, and the feed shows every event', async () => {
    const { session, secret, recoveryCodes } = await enrolled('totprecover');
    const name = session.user.username;
    const [first, second] = recoveryCodes as [string, string];
    const start = await passwordStep(server.url, name);
    const done = await secondStep(server.url, start, { recoveryCode: first.toUpperCase() });
    expect(done.status).toBe(200);
    const again = await passwordStep(server.url, name);
    expect(codeOf(await secondStep(server.url, again, { recoveryCode: first }))).toEqual([401, 'INVALID_CODE']);
    expect((await secondStep(server.url, again, { recoveryCode: second })).status).toBe(200);
    const me = done.session!;
    expect((await call(me, '/me/second-factors')).body).toEqual({ totp: true, recoveryCodesLeft: 8, passkeys: 0 });

    // New codes and turning TOTP off need a fresh proof; a step-up then needs the code as well.
    clock.advance(STEP_UP_WINDOW_SECONDS * 1000 + 1000);
    expect(codeOf(await call(me, '/me/recovery-codes', {}))).toEqual([403, 'STEP_UP_REQUIRED']);
    expect(codeOf(await call(me, '/me/totp', undefined, 'DELETE'))).toEqual([403, 'STEP_UP_REQUIRED']);
    expect(codeOf(await call(me, '/auth/step-up', { password: GOOD_PASSWORD }))).toEqual([401, 'INVALID_CODE']);
    const up = await call(me, '/auth/step-up', { password: GOOD_PASSWORD, code: totpCode(secret, clock.now()) });
    expect(up.status).toBe(200);
    const fresh = await call<{ recoveryCodes: string[] }>(me, '/me/recovery-codes', {});
    expect(fresh.status).toBe(200);
    expect(fresh.body.recoveryCodes).toHaveLength(10);
    const third = await passwordStep(server.url, name);
    expect(codeOf(await secondStep(server.url, third, { recoveryCode: recoveryCodes[2]! }))).toEqual([
      401,
      'INVALID_CODE',
    ]);
    expect((await secondStep(server.url, third, { recoveryCode: fresh.body.recoveryCodes[0]! })).status).toBe(200);

    expect((await call(me, '/me/totp', undefined, 'DELETE')).status).toBe(204);
    expect((await call(me, '/me/second-factors')).body).toEqual({ totp: false, recoveryCodesLeft: 0, passkeys: 0 });
    const plain = await request<Record<string, unknown>>(`${server.url}/api/v1/auth/login`, {
      body: { username: name, password: GOOD_PASSWORD },
    });
    expect(plain.body).toHaveProperty('accessToken');

    const feed = await call<{ events: { kind: string; detail?: Record<string, number> }[] }>(
      me,
      '/me/security-events?limit=200',
    );
    const kinds = feed.body.events.map((event) => event.kind);
    for (const kind of ['totp_enabled', 'totp_disabled', 'recovery_code_used', 'second_step_failed', 'step_up']) {
      expect(kinds).toContain(kind);
    }
    const used = feed.body.events.filter((event) => event.kind === 'recovery_code_used').map((e) => e.detail);
    expect(used).toEqual([{ remaining: 9 }, { remaining: 8 }, { remaining: 9 }].reverse());
  });
});
