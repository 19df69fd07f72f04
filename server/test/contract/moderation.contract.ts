import { describe, expect, it } from 'vitest';
import { GENEROUS, moderationHarness, type ModerationStoreUnderTest } from './moderation-harness.js';

/**
 * The membership half of the moderation contract (ADR 0020): kicks, bans and room roles are room events
 * with the next seq, applied with their state in one transaction; a ban bars joining and being added
 * (BANNED_FROM_ROOM), checked under the room's lock; a mute outlives leaving. Refused: no seq, no event.
 */
export function describeModerationContract(adapter: string, open: () => Promise<ModerationStoreUnderTest>): void {
  describe(`Moderation store contract: ${adapter}`, () => {
    const t = moderationHarness(open);

    it('a kick removes the membership with a member_kick event carrying the reason; a non-member is NOT_IN_ROOM', async () => {
      const [owner, bob] = [await t.user(), await t.user()];
      const name = await t.room(owner, bob);
      const event = t.applied(
        await t.change({
          kind: 'member_kick',
          room: name,
          actorId: owner.id,
          userId: bob.id,
          reason: 'spam',
          at: t.now(),
        }),
      );
      expect(event).toMatchObject({
        kind: 'member_kick',
        targetId: bob.id,
        actorId: owner.id,
        data: { reason: 'spam' },
      });
      expect(event.seq).toBe(await t.lastSeq(name));
      expect(await t.store.findMembership(name, bob.id)).toBeUndefined();
      expect((await t.store.findRoom(name))!.memberCount).toBe(1);
      expect(
        await t.nothingWritten(name, () =>
          t.change({ kind: 'member_kick', room: name, actorId: owner.id, userId: bob.id, reason: '', at: t.now() }),
        ),
      ).toEqual({ status: 'refused', code: 'NOT_IN_ROOM' });
      // A kick is not a ban: he may come back.
      expect((await t.join(name, bob)).status).toBe('applied');
    });

    it('a ban removes a member and bars joining and being added (BANNED_FROM_ROOM) until lifted; it works on non-members', async () => {
      const [owner, bob, carol] = [await t.user(), await t.user(), await t.user()];
      const name = await t.room(owner, bob);
      const ban = t.applied(
        await t.change({
          kind: 'member_ban',
          room: name,
          actorId: owner.id,
          userId: bob.id,
          reason: 'abuse',
          at: t.now(),
        }),
      );
      expect(ban).toMatchObject({ kind: 'member_ban', targetId: bob.id, data: { reason: 'abuse' } });
      expect(await t.store.findMembership(name, bob.id)).toBeUndefined();
      expect(await t.nothingWritten(name, () => t.join(name, bob))).toEqual({
        status: 'refused',
        code: 'BANNED_FROM_ROOM',
      });
      expect(
        await t.nothingWritten(name, () =>
          t.change({
            kind: 'member_add',
            room: name,
            actorId: owner.id,
            userId: bob.id,
            role: 'member',
            limits: GENEROUS,
            at: t.now(),
          }),
        ),
      ).toEqual({ status: 'refused', code: 'BANNED_FROM_ROOM' });
      // Banned twice: nothing to do.
      expect(
        await t.change({ kind: 'member_ban', room: name, actorId: owner.id, userId: bob.id, reason: '', at: t.now() }),
      ).toEqual({ status: 'unchanged' });
      // Pre-emptive: carol never joined.
      t.applied(
        await t.change({
          kind: 'member_ban',
          room: name,
          actorId: owner.id,
          userId: carol.id,
          reason: '',
          at: t.now(),
        }),
      );
      expect((await t.join(name, carol)).status).toBe('refused');
      const bans = await t.store.listBans(name, 10);
      expect(bans.map((b) => [b.userId, b.reason, b.bannedBy, b.bannedByName]).sort()).toEqual(
        [
          [bob.id, 'abuse', owner.id, owner.username],
          [carol.id, '', owner.id, owner.username],
        ].sort(),
      );
      expect(bans.find((b) => b.userId === bob.id)?.username).toBe(bob.username);

      const unban = t.applied(
        await t.change({ kind: 'member_unban', room: name, actorId: owner.id, userId: bob.id, at: t.now() }),
      );
      expect(unban).toMatchObject({ kind: 'member_unban', targetId: bob.id });
      expect(
        await t.change({ kind: 'member_unban', room: name, actorId: owner.id, userId: bob.id, at: t.now() }),
      ).toEqual({
        status: 'unchanged',
      });
      expect((await t.join(name, bob)).status).toBe('applied');
      expect((await t.store.listBans(name, 10)).map((b) => b.userId)).toEqual([carol.id]);
    });

    it('a role change is a member_role event; the last owner cannot stop being one', async () => {
      const [owner, bob] = [await t.user(), await t.user()];
      const name = await t.room(owner, bob);
      const event = t.applied(
        await t.change({
          kind: 'member_role',
          room: name,
          actorId: owner.id,
          userId: bob.id,
          role: 'moderator',
          at: t.now(),
        }),
      );
      expect(event).toMatchObject({ kind: 'member_role', targetId: bob.id, data: { role: 'moderator' } });
      expect((await t.store.findMembership(name, bob.id))?.role).toBe('moderator');
      expect((await t.store.listMembers(name, 10)).map((m) => m.role)).toEqual(['owner', 'moderator']);
      expect(
        await t.change({
          kind: 'member_role',
          room: name,
          actorId: owner.id,
          userId: bob.id,
          role: 'moderator',
          at: t.now(),
        }),
      ).toEqual({ status: 'unchanged' });
      expect(
        await t.nothingWritten(name, () =>
          t.change({
            kind: 'member_role',
            room: name,
            actorId: owner.id,
            userId: owner.id,
            role: 'member',
            at: t.now(),
          }),
        ),
      ).toEqual({ status: 'refused', code: 'LAST_OWNER' });
      // With a second owner, the first may step down.
      t.applied(
        await t.change({
          kind: 'member_role',
          room: name,
          actorId: owner.id,
          userId: bob.id,
          role: 'owner',
          at: t.now(),
        }),
      );
      t.applied(
        await t.change({
          kind: 'member_role',
          room: name,
          actorId: owner.id,
          userId: owner.id,
          role: 'member',
          at: t.now(),
        }),
      );
      const stranger = await t.user();
      expect(
        await t.change({
          kind: 'member_role',
          room: name,
          actorId: bob.id,
          userId: stranger.id,
          role: 'member',
          at: t.now(),
        }),
      ).toEqual({ status: 'refused', code: 'NOT_IN_ROOM' });
    });

    it('leaving and joining again does not lift a mute that still runs', async () => {
      const [owner, bob] = [await t.user(), await t.user()];
      const name = await t.room(owner, bob);
      const until = t.later(600);
      t.applied(
        await t.change({
          kind: 'member_mute',
          room: name,
          actorId: owner.id,
          userId: bob.id,
          until,
          reason: 'r',
          at: t.now(),
        }),
      );
      t.applied(await t.change({ kind: 'member_leave', room: name, actorId: bob.id, userId: bob.id, at: t.now() }));
      t.applied(await t.join(name, bob));
      expect(await t.send(name, bob)).toEqual({ status: 'muted', until, reason: 'r' });
      // Kicked and back after it ran out: free.
      t.applied(
        await t.change({ kind: 'member_kick', room: name, actorId: owner.id, userId: bob.id, reason: '', at: t.now() }),
      );
      t.advance(601_000);
      t.applied(await t.join(name, bob));
      expect((await t.send(name, bob)).status).toBe('created');
    });
  });
}
