import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RoomRole } from '../../../protocol/index.js';
import type { AppendResult } from '../../src/ports/store.js';
import { moderationHarness, type ModerationStoreUnderTest } from './moderation-harness.js';

/**
 * The append half of the moderation contract (ADR 0020): a mute bars appending, editing and reacting;
 * read-only and slow mode bar appending unless the author's room role is exempt — checked in the
 * append's transaction, refused with no seq, on every node at once.
 */
const ALL_ROLES: RoomRole[] = ['owner', 'moderator', 'member'];
const STAFF: RoomRole[] = ['owner', 'moderator'];

export function describeModerationAppendContract(adapter: string, open: () => Promise<ModerationStoreUnderTest>): void {
  describe(`Moderation append store contract: ${adapter}`, () => {
    const t = moderationHarness(open);

    it('a muted member appends nothing (muted, until, reason) and takes no seq, cannot edit or react, may delete; the mute runs out', async () => {
      const [owner, bob] = [await t.user(), await t.user()];
      const name = await t.room(owner, bob);
      const sent = await t.send(name, bob);
      if (sent.status !== 'created') throw new Error(sent.status);
      const until = t.later(60);
      const mute = t.applied(
        await t.change({
          kind: 'member_mute',
          room: name,
          actorId: owner.id,
          userId: bob.id,
          until,
          reason: 'calm down',
          at: t.now(),
        }),
      );
      expect(mute).toMatchObject({ kind: 'member_mute', targetId: bob.id, data: { until, reason: 'calm down' } });
      expect(await t.store.findMembership(name, bob.id)).toMatchObject({ mutedUntil: until, muteReason: 'calm down' });

      const refused = await t.nothingWritten(name, () => t.send(name, bob, { exemptRoles: ALL_ROLES }));
      expect(refused).toEqual({ status: 'muted', until, reason: 'calm down' });
      const editing = await t.nothingWritten(name, () =>
        t.change({
          kind: 'edit',
          room: name,
          messageId: sent.message.id,
          actorId: bob.id,
          text: 'x',
          mentions: [],
          at: t.now(),
        }),
      );
      expect(editing).toEqual({ status: 'refused', code: 'MUTED', details: { until, reason: 'calm down' } });
      const reacting = await t.change({
        kind: 'reaction_add',
        room: name,
        messageId: sent.message.id,
        actorId: bob.id,
        emoji: '👍',
        maxDistinct: 20,
        at: t.now(),
      });
      expect(reacting).toMatchObject({ status: 'refused', code: 'MUTED' });
      expect(
        (
          await t.change({
            kind: 'delete',
            room: name,
            messageId: sent.message.id,
            actorId: bob.id,
            byModerator: false,
            at: t.now(),
          })
        ).status,
      ).toBe('applied');

      // Time passes: the mute simply stops applying.
      t.advance(61_000);
      expect((await t.send(name, bob)).status).toBe('created');
    });

    it('unmute lifts a running mute (member_unmute); with none running it changes nothing', async () => {
      const [owner, bob] = [await t.user(), await t.user()];
      const name = await t.room(owner, bob);
      expect(
        await t.change({ kind: 'member_unmute', room: name, actorId: owner.id, userId: bob.id, at: t.now() }),
      ).toEqual({
        status: 'unchanged',
      });
      t.applied(
        await t.change({
          kind: 'member_mute',
          room: name,
          actorId: owner.id,
          userId: bob.id,
          until: t.later(600),
          reason: '',
          at: t.now(),
        }),
      );
      expect((await t.send(name, bob)).status).toBe('muted');
      const unmute = t.applied(
        await t.change({ kind: 'member_unmute', room: name, actorId: owner.id, userId: bob.id, at: t.now() }),
      );
      expect(unmute).toMatchObject({ kind: 'member_unmute', targetId: bob.id, data: {} });
      expect((await t.send(name, bob)).status).toBe('created');
      const stranger = await t.user();
      expect(
        await t.change({
          kind: 'member_mute',
          room: name,
          actorId: owner.id,
          userId: stranger.id,
          until: t.later(9),
          reason: '',
          at: t.now(),
        }),
      ).toEqual({ status: 'refused', code: 'NOT_IN_ROOM' });
    });

    it('read-only: only exempt roles append; room_change carries readOnly and slowModeSeconds', async () => {
      const [owner, bob] = [await t.user(), await t.user()];
      const name = await t.room(owner, bob);
      const event = t.applied(
        await t.change({
          kind: 'room_change',
          room: name,
          actorId: owner.id,
          readOnly: true,
          slowModeSeconds: 0,
          at: t.now(),
        }),
      );
      // Only what changed is recorded (slow mode was already off).
      expect(event.data).toEqual({ readOnly: true });
      expect(await t.store.findRoom(name)).toMatchObject({ readOnly: true, slowModeSeconds: 0 });
      expect(await t.nothingWritten(name, () => t.send(name, bob, { exemptRoles: STAFF }))).toEqual({
        status: 'read-only',
      });
      expect(await t.nothingWritten(name, () => t.send(name, bob))).toEqual({ status: 'read-only' });
      expect((await t.send(name, owner, { exemptRoles: STAFF })).status).toBe('created');
      expect((await t.send(name, bob, { exemptRoles: ALL_ROLES })).status).toBe('created');
      t.applied(await t.change({ kind: 'room_change', room: name, actorId: owner.id, readOnly: false, at: t.now() }));
      expect((await t.send(name, bob)).status).toBe('created');
      expect(
        await t.change({ kind: 'room_change', room: name, actorId: owner.id, readOnly: false, at: t.now() }),
      ).toEqual({
        status: 'unchanged',
      });
    });

    it('slow mode: a second message within N seconds is refused with the seconds left; exempt roles are not held back', async () => {
      const [owner, bob, carol] = [await t.user(), await t.user(), await t.user()];
      const name = await t.room(owner, bob, carol);
      const event = t.applied(
        await t.change({ kind: 'room_change', room: name, actorId: owner.id, slowModeSeconds: 30, at: t.now() }),
      );
      expect(event.data).toEqual({ slowModeSeconds: 30 });
      expect((await t.send(name, bob, { exemptRoles: STAFF })).status).toBe('created');
      t.advance(10_500);
      expect(await t.nothingWritten(name, () => t.send(name, bob, { exemptRoles: STAFF }))).toEqual({
        status: 'slow-mode',
        retryAfter: 20,
      });
      // Someone else is not held back by bob's message; the owner never is.
      expect((await t.send(name, carol)).status).toBe('created');
      for (let i = 0; i < 3; i++) expect((await t.send(name, owner, { exemptRoles: STAFF })).status).toBe('created');
      t.advance(20_000);
      expect((await t.send(name, bob)).status).toBe('created');
      // A burst in one turn (group commit): one of bob's gets through, the rest wait.
      t.advance(31_000);
      const burst = await Promise.all(Array.from({ length: 4 }, () => t.send(name, bob)));
      expect(burst.filter((r) => r.status === 'created')).toHaveLength(1);
      expect(burst.filter((r) => r.status === 'slow-mode')).toHaveLength(3);
      // Seqs stay gap-free through every refusal.
      const messages = await t.store.messagesAfter(name, 0, 100);
      const events = await t.store.eventsAfter(name, 0, 100);
      const seqs = [...messages.map((m) => m.seq), ...events.map((e) => e.seq)].sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    });

    it('a duplicate of a message stored before the mute still answers with the original', async () => {
      const [owner, bob] = [await t.user(), await t.user()];
      const name = await t.room(owner, bob);
      const clientMsgId = randomUUID();
      const first = await t.send(name, bob, { clientMsgId });
      t.applied(
        await t.change({
          kind: 'member_mute',
          room: name,
          actorId: owner.id,
          userId: bob.id,
          until: t.later(60),
          reason: '',
          at: t.now(),
        }),
      );
      const again: AppendResult = await t.send(name, bob, { clientMsgId });
      expect(again.status).toBe('duplicate');
      expect(first.status).toBe('created');
    });

    it('a mute or ban made through one node holds on the other at once (multi-node)', async () => {
      if (!t.peer) return;
      const [owner, bob] = [await t.user(), await t.user()];
      const name = await t.room(owner, bob);
      t.applied(
        await t.change(
          {
            kind: 'member_mute',
            room: name,
            actorId: owner.id,
            userId: bob.id,
            until: t.later(60),
            reason: '',
            at: t.now(),
          },
          t.peer,
        ),
      );
      expect((await t.send(name, bob)).status).toBe('muted');
      t.applied(
        await t.change(
          { kind: 'member_ban', room: name, actorId: owner.id, userId: bob.id, reason: '', at: t.now() },
          t.peer,
        ),
      );
      expect((await t.send(name, bob)).status).toBe('not-member');
      expect((await t.join(name, bob)).status).toBe('refused');
    });
  });
}
