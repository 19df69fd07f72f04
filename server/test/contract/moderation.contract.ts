import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoomRole } from '../../../protocol/index.js';
import type {
  AppendResult,
  ChangeResult,
  MembershipLimits,
  NewMessage,
  RoomChange,
  Store,
  StoredEvent,
  StoredUser,
} from '../../src/ports/store.js';

/**
 * The moderation half of the Store contract (ADR 0020): kicks, bans, mutes, room roles and room
 * modes are room events with the next seq, applied with their state in one transaction; a ban bars
 * joining, a mute bars appending, editing and reacting, read-only and slow mode bar appending unless
 * the author's role is exempt — all checked in the store's transaction, refused without a seq.
 */
export interface ModerationStoreUnderTest {
  store: Store;
  /** A second Store on the same database, as another node would have (multi-node adapters only). */
  peer?: Store;
  dispose: () => Promise<void>;
}

const GENEROUS: MembershipLimits = { roomsPerUser: 1_000_000, membersPerRoom: 1_000_000 };
const ALL_ROLES: RoomRole[] = ['owner', 'moderator', 'member'];
const STAFF: RoomRole[] = ['owner', 'moderator'];

export function describeModerationContract(adapter: string, open: () => Promise<ModerationStoreUnderTest>): void {
  describe(`Moderation store contract: ${adapter}`, () => {
    let store: Store;
    let peer: Store | undefined;
    let dispose: () => Promise<void>;
    let clock = Date.parse('2030-01-01T00:00:00.000Z');
    const now = () => new Date(clock).toISOString();
    const later = (seconds: number) => new Date(clock + seconds * 1000).toISOString();

    beforeEach(async () => {
      ({ store, peer, dispose } = await open());
      clock = Date.parse('2030-01-01T00:00:00.000Z');
    });
    afterEach(async () => {
      await dispose();
    });

    async function user(): Promise<StoredUser> {
      const record: StoredUser = {
        id: randomUUID(),
        username: `u_${randomUUID().slice(0, 8)}`,
        passwordHash: 'x',
        createdAt: now(),
      };
      expect(await store.createUser(record)).toBe('created');
      return record;
    }

    /** A public room owned by `owner`, with `others` as members. */
    async function room(owner: StoredUser, ...others: StoredUser[]): Promise<string> {
      const name = `r-${randomUUID().slice(0, 8)}`;
      const result = await store.createRoom(
        {
          name,
          kind: 'room',
          visibility: 'public',
          topic: '',
          createdBy: owner.id,
          at: now(),
          members: [
            { userId: owner.id, role: 'owner' },
            ...others.map((m) => ({ userId: m.id, role: 'member' as const })),
          ],
        },
        GENEROUS,
      );
      expect(result.status).toBe('created');
      return name;
    }

    const change = (c: RoomChange, on: Store = store) => on.applyChange(c);
    const join = (name: string, who: StoredUser, on: Store = store) =>
      change(
        {
          kind: 'member_join',
          room: name,
          actorId: who.id,
          userId: who.id,
          role: 'member',
          limits: GENEROUS,
          at: now(),
        },
        on,
      );

    function send(name: string, who: StoredUser, extra: Partial<NewMessage> = {}, on: Store = store) {
      return on.appendMessage({
        id: randomUUID(),
        room: name,
        userId: who.id,
        clientMsgId: randomUUID(),
        text: 'hi',
        createdAt: now(),
        ...extra,
      });
    }

    function applied(result: ChangeResult): StoredEvent {
      if (result.status !== 'applied') throw new Error(`expected applied, got ${JSON.stringify(result)}`);
      return result.event;
    }

    const lastSeq = async (name: string) => (await store.findRoom(name))!.lastSeq;

    /** Refused (or unchanged) writes nothing: no seq, no event, no message. */
    async function nothingWritten<T>(name: string, act: () => Promise<T>): Promise<T> {
      const before = { seq: await lastSeq(name), events: await store.eventsAfter(name, 0, 10_000) };
      const messages = (await store.messagesAfter(name, 0, 10_000)).length;
      const result = await act();
      expect(await lastSeq(name)).toBe(before.seq);
      expect(await store.eventsAfter(name, 0, 10_000)).toEqual(before.events);
      expect((await store.messagesAfter(name, 0, 10_000)).length).toBe(messages);
      return result;
    }

    it('a kick removes the membership with a member_kick event carrying the reason; a non-member is NOT_IN_ROOM', async () => {
      const [owner, bob] = [await user(), await user()];
      const name = await room(owner, bob);
      const event = applied(
        await change({ kind: 'member_kick', room: name, actorId: owner.id, userId: bob.id, reason: 'spam', at: now() }),
      );
      expect(event).toMatchObject({
        kind: 'member_kick',
        targetId: bob.id,
        actorId: owner.id,
        data: { reason: 'spam' },
      });
      expect(event.seq).toBe(await lastSeq(name));
      expect(await store.findMembership(name, bob.id)).toBeUndefined();
      expect((await store.findRoom(name))!.memberCount).toBe(1);
      expect(
        await nothingWritten(name, () =>
          change({ kind: 'member_kick', room: name, actorId: owner.id, userId: bob.id, reason: '', at: now() }),
        ),
      ).toEqual({ status: 'refused', code: 'NOT_IN_ROOM' });
      // A kick is not a ban: he may come back.
      expect((await join(name, bob)).status).toBe('applied');
    });

    it('a ban removes a member and bars joining and being added (BANNED_FROM_ROOM) until lifted; it works on non-members', async () => {
      const [owner, bob, carol] = [await user(), await user(), await user()];
      const name = await room(owner, bob);
      const ban = applied(
        await change({ kind: 'member_ban', room: name, actorId: owner.id, userId: bob.id, reason: 'abuse', at: now() }),
      );
      expect(ban).toMatchObject({ kind: 'member_ban', targetId: bob.id, data: { reason: 'abuse' } });
      expect(await store.findMembership(name, bob.id)).toBeUndefined();
      expect(await nothingWritten(name, () => join(name, bob))).toEqual({
        status: 'refused',
        code: 'BANNED_FROM_ROOM',
      });
      expect(
        await nothingWritten(name, () =>
          change({
            kind: 'member_add',
            room: name,
            actorId: owner.id,
            userId: bob.id,
            role: 'member',
            limits: GENEROUS,
            at: now(),
          }),
        ),
      ).toEqual({ status: 'refused', code: 'BANNED_FROM_ROOM' });
      // Banned twice: nothing to do.
      expect(
        await change({ kind: 'member_ban', room: name, actorId: owner.id, userId: bob.id, reason: '', at: now() }),
      ).toEqual({ status: 'unchanged' });
      // Pre-emptive: carol never joined.
      applied(
        await change({ kind: 'member_ban', room: name, actorId: owner.id, userId: carol.id, reason: '', at: now() }),
      );
      expect((await join(name, carol)).status).toBe('refused');
      const bans = await store.listBans(name, 10);
      expect(bans.map((b) => [b.userId, b.reason, b.bannedBy, b.bannedByName]).sort()).toEqual(
        [
          [bob.id, 'abuse', owner.id, owner.username],
          [carol.id, '', owner.id, owner.username],
        ].sort(),
      );
      expect(bans.find((b) => b.userId === bob.id)?.username).toBe(bob.username);

      const unban = applied(
        await change({ kind: 'member_unban', room: name, actorId: owner.id, userId: bob.id, at: now() }),
      );
      expect(unban).toMatchObject({ kind: 'member_unban', targetId: bob.id });
      expect(await change({ kind: 'member_unban', room: name, actorId: owner.id, userId: bob.id, at: now() })).toEqual({
        status: 'unchanged',
      });
      expect((await join(name, bob)).status).toBe('applied');
      expect((await store.listBans(name, 10)).map((b) => b.userId)).toEqual([carol.id]);
    });

    it('a role change is a member_role event; the last owner cannot stop being one', async () => {
      const [owner, bob] = [await user(), await user()];
      const name = await room(owner, bob);
      const event = applied(
        await change({
          kind: 'member_role',
          room: name,
          actorId: owner.id,
          userId: bob.id,
          role: 'moderator',
          at: now(),
        }),
      );
      expect(event).toMatchObject({ kind: 'member_role', targetId: bob.id, data: { role: 'moderator' } });
      expect((await store.findMembership(name, bob.id))?.role).toBe('moderator');
      expect((await store.listMembers(name, 10)).map((m) => m.role)).toEqual(['owner', 'moderator']);
      expect(
        await change({
          kind: 'member_role',
          room: name,
          actorId: owner.id,
          userId: bob.id,
          role: 'moderator',
          at: now(),
        }),
      ).toEqual({ status: 'unchanged' });
      expect(
        await nothingWritten(name, () =>
          change({ kind: 'member_role', room: name, actorId: owner.id, userId: owner.id, role: 'member', at: now() }),
        ),
      ).toEqual({ status: 'refused', code: 'LAST_OWNER' });
      // With a second owner, the first may step down.
      applied(
        await change({ kind: 'member_role', room: name, actorId: owner.id, userId: bob.id, role: 'owner', at: now() }),
      );
      applied(
        await change({
          kind: 'member_role',
          room: name,
          actorId: owner.id,
          userId: owner.id,
          role: 'member',
          at: now(),
        }),
      );
      const stranger = await user();
      expect(
        await change({
          kind: 'member_role',
          room: name,
          actorId: bob.id,
          userId: stranger.id,
          role: 'member',
          at: now(),
        }),
      ).toEqual({ status: 'refused', code: 'NOT_IN_ROOM' });
    });

    it('a muted member appends nothing (muted, until, reason) and takes no seq, cannot edit or react, may delete; the mute runs out', async () => {
      const [owner, bob] = [await user(), await user()];
      const name = await room(owner, bob);
      const sent = await send(name, bob);
      if (sent.status !== 'created') throw new Error(sent.status);
      const until = later(60);
      const mute = applied(
        await change({
          kind: 'member_mute',
          room: name,
          actorId: owner.id,
          userId: bob.id,
          until,
          reason: 'calm down',
          at: now(),
        }),
      );
      expect(mute).toMatchObject({ kind: 'member_mute', targetId: bob.id, data: { until, reason: 'calm down' } });
      expect(await store.findMembership(name, bob.id)).toMatchObject({ mutedUntil: until, muteReason: 'calm down' });

      const refused = await nothingWritten(name, () => send(name, bob, { exemptRoles: ALL_ROLES }));
      expect(refused).toEqual({ status: 'muted', until, reason: 'calm down' });
      const editing = await nothingWritten(name, () =>
        change({
          kind: 'edit',
          room: name,
          messageId: sent.message.id,
          actorId: bob.id,
          text: 'x',
          mentions: [],
          at: now(),
        }),
      );
      expect(editing).toEqual({ status: 'refused', code: 'MUTED', details: { until, reason: 'calm down' } });
      const reacting = await change({
        kind: 'reaction_add',
        room: name,
        messageId: sent.message.id,
        actorId: bob.id,
        emoji: '👍',
        maxDistinct: 20,
        at: now(),
      });
      expect(reacting).toMatchObject({ status: 'refused', code: 'MUTED' });
      expect(
        (
          await change({
            kind: 'delete',
            room: name,
            messageId: sent.message.id,
            actorId: bob.id,
            byModerator: false,
            at: now(),
          })
        ).status,
      ).toBe('applied');

      // Time passes: the mute simply stops applying.
      clock += 61_000;
      expect((await send(name, bob)).status).toBe('created');
    });

    it('unmute lifts a running mute (member_unmute); with none running it changes nothing', async () => {
      const [owner, bob] = [await user(), await user()];
      const name = await room(owner, bob);
      expect(await change({ kind: 'member_unmute', room: name, actorId: owner.id, userId: bob.id, at: now() })).toEqual(
        {
          status: 'unchanged',
        },
      );
      applied(
        await change({
          kind: 'member_mute',
          room: name,
          actorId: owner.id,
          userId: bob.id,
          until: later(600),
          reason: '',
          at: now(),
        }),
      );
      expect((await send(name, bob)).status).toBe('muted');
      const unmute = applied(
        await change({ kind: 'member_unmute', room: name, actorId: owner.id, userId: bob.id, at: now() }),
      );
      expect(unmute).toMatchObject({ kind: 'member_unmute', targetId: bob.id, data: {} });
      expect((await send(name, bob)).status).toBe('created');
      const stranger = await user();
      expect(
        await change({
          kind: 'member_mute',
          room: name,
          actorId: owner.id,
          userId: stranger.id,
          until: later(9),
          reason: '',
          at: now(),
        }),
      ).toEqual({ status: 'refused', code: 'NOT_IN_ROOM' });
    });

    it('leaving and joining again does not lift a mute that still runs', async () => {
      const [owner, bob] = [await user(), await user()];
      const name = await room(owner, bob);
      const until = later(600);
      applied(
        await change({
          kind: 'member_mute',
          room: name,
          actorId: owner.id,
          userId: bob.id,
          until,
          reason: 'r',
          at: now(),
        }),
      );
      applied(await change({ kind: 'member_leave', room: name, actorId: bob.id, userId: bob.id, at: now() }));
      applied(await join(name, bob));
      expect(await send(name, bob)).toEqual({ status: 'muted', until, reason: 'r' });
      // Kicked and back after it ran out: free.
      applied(
        await change({ kind: 'member_kick', room: name, actorId: owner.id, userId: bob.id, reason: '', at: now() }),
      );
      clock += 601_000;
      applied(await join(name, bob));
      expect((await send(name, bob)).status).toBe('created');
    });

    it('read-only: only exempt roles append; room_change carries readOnly and slowModeSeconds', async () => {
      const [owner, bob] = [await user(), await user()];
      const name = await room(owner, bob);
      const event = applied(
        await change({
          kind: 'room_change',
          room: name,
          actorId: owner.id,
          readOnly: true,
          slowModeSeconds: 0,
          at: now(),
        }),
      );
      // Only what changed is recorded (slow mode was already off).
      expect(event.data).toEqual({ readOnly: true });
      expect(await store.findRoom(name)).toMatchObject({ readOnly: true, slowModeSeconds: 0 });
      expect(await nothingWritten(name, () => send(name, bob, { exemptRoles: STAFF }))).toEqual({
        status: 'read-only',
      });
      expect(await nothingWritten(name, () => send(name, bob))).toEqual({ status: 'read-only' });
      expect((await send(name, owner, { exemptRoles: STAFF })).status).toBe('created');
      expect((await send(name, bob, { exemptRoles: ALL_ROLES })).status).toBe('created');
      applied(await change({ kind: 'room_change', room: name, actorId: owner.id, readOnly: false, at: now() }));
      expect((await send(name, bob)).status).toBe('created');
      expect(await change({ kind: 'room_change', room: name, actorId: owner.id, readOnly: false, at: now() })).toEqual({
        status: 'unchanged',
      });
    });

    it('slow mode: a second message within N seconds is refused with the seconds left; exempt roles are not held back', async () => {
      const [owner, bob, carol] = [await user(), await user(), await user()];
      const name = await room(owner, bob, carol);
      const event = applied(
        await change({ kind: 'room_change', room: name, actorId: owner.id, slowModeSeconds: 30, at: now() }),
      );
      expect(event.data).toEqual({ slowModeSeconds: 30 });
      expect((await send(name, bob, { exemptRoles: STAFF })).status).toBe('created');
      clock += 10_500;
      expect(await nothingWritten(name, () => send(name, bob, { exemptRoles: STAFF }))).toEqual({
        status: 'slow-mode',
        retryAfter: 20,
      });
      // Someone else is not held back by bob's message; the owner never is.
      expect((await send(name, carol)).status).toBe('created');
      for (let i = 0; i < 3; i++) expect((await send(name, owner, { exemptRoles: STAFF })).status).toBe('created');
      clock += 20_000;
      expect((await send(name, bob)).status).toBe('created');
      // A burst in one turn (group commit): one of bob's gets through, the rest wait.
      clock += 31_000;
      const burst = await Promise.all(Array.from({ length: 4 }, () => send(name, bob)));
      expect(burst.filter((r) => r.status === 'created')).toHaveLength(1);
      expect(burst.filter((r) => r.status === 'slow-mode')).toHaveLength(3);
      // Seqs stay gap-free through every refusal.
      const messages = await store.messagesAfter(name, 0, 100);
      const events = await store.eventsAfter(name, 0, 100);
      const seqs = [...messages.map((m) => m.seq), ...events.map((e) => e.seq)].sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    });

    it('a duplicate of a message stored before the mute still answers with the original', async () => {
      const [owner, bob] = [await user(), await user()];
      const name = await room(owner, bob);
      const clientMsgId = randomUUID();
      const first = await send(name, bob, { clientMsgId });
      applied(
        await change({
          kind: 'member_mute',
          room: name,
          actorId: owner.id,
          userId: bob.id,
          until: later(60),
          reason: '',
          at: now(),
        }),
      );
      const again: AppendResult = await send(name, bob, { clientMsgId });
      expect(again.status).toBe('duplicate');
      expect(first.status).toBe('created');
    });

    it('a mute or ban made through one node holds on the other at once (multi-node)', async () => {
      if (!peer) return;
      const [owner, bob] = [await user(), await user()];
      const name = await room(owner, bob);
      applied(
        await change(
          {
            kind: 'member_mute',
            room: name,
            actorId: owner.id,
            userId: bob.id,
            until: later(60),
            reason: '',
            at: now(),
          },
          peer,
        ),
      );
      expect((await send(name, bob)).status).toBe('muted');
      applied(
        await change(
          { kind: 'member_ban', room: name, actorId: owner.id, userId: bob.id, reason: '', at: now() },
          peer,
        ),
      );
      expect((await send(name, bob)).status).toBe('not-member');
      expect((await join(name, bob)).status).toBe('refused');
    });
  });
}
