import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCodes } from '../../../protocol/index.js';
import { runAdminCli } from '../helpers/admin-cli.js';
import type { ErrorAnswer } from '../helpers/admin.js';
import { startServerOn, type ConversationServer } from '../helpers/conversations.js';
import { GOOD_PASSWORD, login, register, request, uniqueName } from '../helpers/http.js';
import { tempRedisPrefix } from '../helpers/redis.js';
import { REDIS_URL } from '../helpers/redis.js';
import { waitUntil } from '../helpers/wait.js';
import { connect } from '../helpers/ws-client.js';

/**
 * `users suspend | unsuspend` beside a running server: on SQLite with no Redis (the sessions end in
 * the store and the server refuses them), and on PostgreSQL with Redis (the server also closes the
 * person's sockets with 4403 at once, told through the bus).
 */
describe.each([
  ['SQLite, no Redis', 'sqlite', false],
  ['PostgreSQL with Redis', 'postgres', true],
] as const)('admin CLI suspension on %s', (_label, kind, withRedis) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });

  it('suspends: sessions end, login is refused with the reason, audited by cli; unsuspend lets them in', async () => {
    const redis = withRedis ? await tempRedisPrefix() : undefined;
    if (redis) cleanups.push(redis.cleanup);
    const redisEnv: Record<string, string> = redis ? { REDIS_URL, REDIS_PREFIX: redis.prefix } : {};
    const running: ConversationServer = await startServerOn(kind, { env: redisEnv });
    cleanups.push(() => running.close());
    const { server } = running;
    const databaseUrl =
      kind === 'postgres'
        ? (server.config.database as { url: string }).url
        : `sqlite:${join(server.dataDir, 'parley.db')}`;
    const cli = (...args: string[]) => runAdminCli(args, { DATABASE_URL: databaseUrl, ...redisEnv });

    const name = uniqueName('eve');
    await register(server.url, name);
    const session = await login(server.url, name);
    const socket = await connect(server.wsUrl, session);

    const suspended = await cli('users', 'suspend', name.toUpperCase(), '--reason', 'phishing');
    expect(suspended.stderr).toBe('');
    expect(suspended.code).toBe(0);
    expect(suspended.stdout).toContain(`suspended ${name}`);
    expect(suspended.stdout).toContain('1 session ended');
    if (withRedis) {
      expect(suspended.stdout).toContain('told through Redis');
      expect((await socket.closed).code).toBe(CloseCodes.BANNED);
    } else {
      expect(suspended.stdout).toContain('no REDIS_URL');
      await socket.close();
    }
    // The server refuses the ended session (after its short live-session cache at most).
    await waitUntil(
      async () =>
        (await request(`${server.url}/api/v1/me`, { token: session.accessToken, cookie: session.cookie })).status ===
        401,
      'the old token is refused',
    );
    const refused = await request<ErrorAnswer>(`${server.url}/api/v1/auth/login`, {
      body: { username: name, password: GOOD_PASSWORD },
    });
    expect([refused.status, refused.body.error.code, refused.body.error.reason]).toEqual([
      403,
      'ACCOUNT_SUSPENDED',
      'phishing',
    ]);
    expect((await cli('users', 'suspend', name)).stdout).toContain('already suspended since');

    const lifted = await cli('users', 'unsuspend', name, '--reason', 'appeal upheld');
    expect(lifted.code).toBe(0);
    expect(lifted.stdout).toContain(`unsuspended ${name}`);
    expect((await cli('users', 'unsuspend', name)).stdout).toContain('is not suspended: nothing changed');
    await login(server.url, name);

    const listed = await cli('audit', 'list');
    const lines = listed.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(`by cli  user.unsuspend  user:${session.user.id}  reason "appeal upheld"`);
    expect(lines[1]).toContain(`by cli  user.suspend  user:${session.user.id}  reason "phishing"`);
    expect((await cli('audit', 'verify')).stdout).toContain('audit log intact: 2 entries');

    expect((await cli('users', 'suspend', 'nobody_here')).code).toBe(67);
    const controls = await cli('users', 'suspend', name, '--reason', 'two\nlines');
    expect(controls.code).toBe(2);
  });
});
