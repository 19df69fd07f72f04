import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEP_UP_WINDOW_SECONDS } from '../../../protocol/index.js';
import { adminAs, makeAdmin } from '../helpers/admin.js';
import { BACKENDS, movableClock } from '../helpers/backends.js';
import { GOOD_PASSWORD, newUser, request, type Session } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 16, step-up: each sensitive action is refused without a fresh proof of identity and allowed
 * with one; a login is a proof; the proof lapses after STEP_UP_WINDOW_SECONDS (a moved clock, no waiting).
 */
describe.each(BACKENDS)('step-up, on %s', (_name, open) => {
  let dispose: () => Promise<void>;
  let server: TestServer;
  const clock = movableClock();
  const WINDOW_MS = STEP_UP_WINDOW_SECONDS * 1000;

  beforeAll(async () => {
    const backend = await open();
    dispose = backend.dispose;
    server = await startServer({ clock, env: { LOG_LEVEL: 'warn', ...backend.env } });
  });
  afterAll(async () => {
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
  const stepUp = (session: Session, password = GOOD_PASSWORD) =>
    call<{ proofUntil: string }>(session, '/auth/step-up', { password });

  it('refuses every listed action once the login proof is older than the window, and allows it after a step-up', async () => {
    const admin = await newUser(server.url, 'stepadmin');
    await makeAdmin(server.app, admin);
    const target = await newUser(server.url, 'steptarget');
    const api = adminAs(server.url, admin);
    const policy = { role: 'member', domain: 'room:*', action: 'kick' };
    const name = target.user.username;
    const writes: [method: string, path: string, body: unknown, status: number][] = [
      ['POST', `/users/${name}/roles`, { role: 'moderator' }, 200],
      ['DELETE', `/users/${name}/roles/moderator`, undefined, 200],
      ['POST', `/users/${name}/suspend`, { reason: 'spam' }, 200],
      ['POST', `/users/${name}/unsuspend`, {}, 200],
      ['POST', '/policies', policy, 200],
      ['DELETE', '/policies', policy, 204],
      ['POST', '/policies', policy, 200],
      ['POST', '/policies/remove', policy, 204],
    ];

    // A fresh login is a proof: an admin write right away is allowed.
    expect((await api.post('/policies', policy)).status).toBe(200);
    expect((await api.post('/policies/remove', policy)).status).toBe(204);

    clock.advance(WINDOW_MS + 1000);
    for (const [method, path, body] of writes) {
      expect([method, path, ...codeOf(await api.call(method, path, body))]).toEqual([
        method,
        path,
        403,
        'STEP_UP_REQUIRED',
      ]);
    }
    // Reads, and the permission question asked with POST, need no proof.
    expect((await api.get('/users')).status).toBe(200);
    const check = await api.post('/permissions/check', { username: name, domain: 'global', action: 'suspend' });
    expect(check.status).toBe(200);
    const change = { currentPassword: GOOD_PASSWORD, newPassword: 'amber-heron-77-quarry', logoutOtherSessions: false };
    expect(codeOf(await call(admin, '/auth/password', change))).toEqual([403, 'STEP_UP_REQUIRED']);
    expect(codeOf(await call(admin, '/auth/logout', { allSessions: true }))).toEqual([403, 'STEP_UP_REQUIRED']);
    // Ending only this session is not sensitive.
    const other = await newUser(server.url, 'stepother');
    clock.advance(WINDOW_MS + 1000);
    expect((await call(other, '/auth/logout', {})).status).toBe(204);

    // A wrong password is no proof, and counts as a failed login.
    expect(codeOf(await stepUp(admin, 'not-the-password-at-all'))).toEqual([401, 'INVALID_CREDENTIALS']);
    const confirmed = await stepUp(admin);
    expect(confirmed.status).toBe(200);
    expect(Date.parse(confirmed.body.proofUntil)).toBeGreaterThan(clock.now() + WINDOW_MS - 5000);
    expect(Date.parse(confirmed.body.proofUntil)).toBeLessThanOrEqual(clock.now() + WINDOW_MS);

    for (const [method, path, body, status] of writes) {
      expect([method, path, (await api.call(method, path, body)).status]).toEqual([method, path, status]);
    }
    expect((await call(admin, '/auth/password', change)).status).toBe(204);
    expect((await call(admin, '/auth/logout', { allSessions: true })).status).toBe(204);
  });

  it('the proof lapses after the window: allowed just inside it, refused just past it', async () => {
    const person = await newUser(server.url, 'steplapse');
    clock.advance(WINDOW_MS + 1000);
    expect((await stepUp(person)).status).toBe(200);
    clock.advance(WINDOW_MS - 10_000);
    const change = { currentPassword: GOOD_PASSWORD, newPassword: 'amber-heron-77-quarry', logoutOtherSessions: false };
    expect((await call(person, '/auth/password', change)).status).toBe(204);
    clock.advance(20_000);
    const back = { currentPassword: 'amber-heron-77-quarry', newPassword: GOOD_PASSWORD, logoutOtherSessions: false };
    expect(codeOf(await call(person, '/auth/password', back))).toEqual([403, 'STEP_UP_REQUIRED']);
    expect((await stepUp(person, 'amber-heron-77-quarry')).status).toBe(200);
    expect((await call(person, '/auth/password', back)).status).toBe(204);

    const events = await call<{ events: { kind: string }[] }>(person, '/me/security-events');
    expect(events.body.events.filter((event) => event.kind === 'step_up')).toHaveLength(2);
  });
});
