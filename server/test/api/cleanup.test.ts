import { afterAll, beforeAll, expect, it } from 'vitest';
import { newUser } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

it('the cleanup job deletes expired refresh tokens and long-ended sessions in batches, keeping live ones', async () => {
  const store = server.app.core.ctx.store;
  const alice = await newUser(server.url, 'clean');
  const longAgo = new Date(Date.now() - 90 * 86_400_000).toISOString();
  const hashes: string[] = [];
  for (let i = 0; i < 1200; i++) {
    const id = `old-session-${i}`;
    const tokenHash = `old-token-${i}`;
    hashes.push(tokenHash);
    await store.createSession(
      {
        id,
        userId: alice.user.id,
        familyId: id,
        fingerprintHash: 'x',
        createdAt: longAgo,
        lastSeenAt: longAgo,
        expiresAt: longAgo,
        ip: '127.0.0.1',
        userAgent: 'old',
        revokedAt: null,
        revokedReason: null,
      },
      { tokenHash, sessionId: id, familyId: id, createdAt: longAgo, expiresAt: longAgo, spentAt: null },
    );
  }
  const deleted = await server.app.cleanup.runOnce();
  expect(deleted).toBe(2400);
  expect(await store.findRefreshToken(hashes[0]!)).toBeUndefined();
  expect(await store.findSession('old-session-1199')).toBeUndefined();
  const live = await store.listLiveSessions(alice.user.id, new Date().toISOString());
  expect(live).toHaveLength(1);
  expect(server.logs.join('')).toContain('cleaned up expired sessions and tokens');
});
