import { describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../src/core/audit/verify-audit-log.js';
import { serverForSuite, STORE_KINDS, type ErrorAnswer } from '../helpers/conversations.js';
import { closeAll, person } from '../helpers/moderation.js';

/**
 * A moderator's reason goes into a room event, a `left` frame and the hash-chained audit log. Text
 * the stores cannot keep byte for byte (a lone surrogate becomes U+FFFD; PostgreSQL refuses U+0000)
 * must be refused at the edge, or the audit entry's hash no longer matches what was stored and
 * `audit verify` reports an untouched log as changed.
 */
describe.each(STORE_KINDS)('moderation reasons on %s', (kind) => {
  const env = serverForSuite(kind);

  it('a reason with a lone surrogate or U+0000 is VALIDATION_FAILED, and the audit chain still verifies', async () => {
    const [owner, bob] = [await person(env, 'owner'), await person(env, 'bob')];
    const room = `rsn-${process.pid}-${Date.now() % 100000}`;
    await owner.rest.createRoom(room, 'public');
    await bob.socket.join(room);
    for (const reason of ['bad \ud800 text', 'nul \u0000 here']) {
      for (const [path, body] of [
        [`/rooms/${room}/bans`, { username: bob.session.user.username, reason }],
        [`/rooms/${room}/kicks`, { username: bob.session.user.username, reason }],
        [`/rooms/${room}/mutes`, { username: bob.session.user.username, durationSeconds: 60, reason }],
      ] as const) {
        const answer = await owner.rest.post<ErrorAnswer>(path, body);
        expect([path, answer.status, answer.body.error?.code]).toEqual([path, 400, 'VALIDATION_FAILED']);
      }
    }
    expect(await verifyAuditLog(env.server.app.core.ctx.store)).toMatchObject({ ok: true });
    await closeAll(owner, bob);
  });
});
