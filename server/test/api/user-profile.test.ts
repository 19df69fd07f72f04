import { describe, expect, it } from 'vitest';
import { ErrorCodes, type UserProfile } from '../../../protocol/index.js';
import { restAs, serverForSuite, STORE_KINDS, type ErrorAnswer } from '../helpers/conversations.js';
import { newUser, request, uniqueName } from '../helpers/http.js';

/**
 * `GET /api/v1/users/:username`: a person's public profile (the name and colour every message shows,
 * and when they joined) for anyone signed in, and nothing more, on SQLite and on PostgreSQL.
 */
describe.each(STORE_KINDS)('public profiles on %s', (kind) => {
  const env = serverForSuite(kind);

  it('answers another person’s id, name, colour and joined date, in any letter case, and nothing else', async () => {
    const before = Date.now();
    const bob = await newUser(env.server.url, 'Bob');
    const after = Date.now();
    const alice = restAs(env.server.url, await newUser(env.server.url, 'alice'));

    const answer = await alice.get<{ user: UserProfile }>(`/users/${bob.user.username.toUpperCase()}`);
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body)).toEqual(['user']);
    expect(Object.keys(answer.body.user).sort()).toEqual(['color', 'createdAt', 'id', 'username']);
    expect(answer.body.user).toMatchObject({ id: bob.user.id, username: bob.user.username, color: bob.user.color });
    const joined = Date.parse(answer.body.user.createdAt);
    expect(joined).toBeGreaterThanOrEqual(before - 1000);
    expect(joined).toBeLessThanOrEqual(after + 1000);
    // No hash, no session, no address: the answer is only the four fields above.
    expect(JSON.stringify(answer.body)).not.toMatch(/\$2[aby]\$|passwordHash|session|127\.0\.0\.1/i);

    // My own profile reads the same way (the account page uses it for "joined").
    const mine = await restAs(env.server.url, bob).get<{ user: UserProfile }>(`/users/${bob.user.username}`);
    expect(mine.body.user).toEqual(answer.body.user);
  });

  it('answers 404 USER_NOT_FOUND for a name nobody has, and VALIDATION_FAILED for a name nobody can have', async () => {
    const alice = restAs(env.server.url, await newUser(env.server.url, 'alice'));
    const missing = await alice.get<ErrorAnswer>(`/users/${uniqueName('nobody')}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { code: 'USER_NOT_FOUND', message: ErrorCodes.USER_NOT_FOUND.message } });

    for (const bad of ['ab', 'x'.repeat(33), 'bad-name', 'a%20b', '%00abc', 'caf%C3%A9']) {
      const refused = await alice.get<ErrorAnswer>(`/users/${bad}`);
      expect([bad, refused.status, refused.body.error.code]).toEqual([bad, 400, 'VALIDATION_FAILED']);
    }
  });

  it('answers only to a signed-in person with a live session', async () => {
    const bob = await newUser(env.server.url, 'bob');
    const path = `${env.server.url}/api/v1/users/${bob.user.username}`;
    const anonymous = await request<ErrorAnswer>(path);
    expect([anonymous.status, anonymous.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    const noCookie = await request<ErrorAnswer>(path, { token: bob.accessToken });
    expect([noCookie.status, noCookie.body.error.code]).toEqual([401, 'FINGERPRINT_MISMATCH']);

    const carol = await newUser(env.server.url, 'carol');
    const rest = restAs(env.server.url, carol);
    expect((await rest.post('/auth/logout')).status).toBe(204);
    const ended = await rest.get<ErrorAnswer>(`/users/${bob.user.username}`);
    expect([ended.status, ended.body.error.code]).toEqual([401, 'TOKEN_INVALID']);
  });
});
