import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Limits, type Visibility } from '../../../protocol/index.js';
import type {
  ChangeResult,
  MembershipLimits,
  NewMessage,
  RoomChange,
  Store,
  StoredEvent,
  StoredUser,
} from '../../src/ports/store.js';
import type { RawDb } from '../helpers/raw-db.js';

/**
 * The conversation half of the Store contract (ports/conversation-store.ts): rooms, memberships,
 * room events, edits and deletions, reactions, mentions, read markers, and one gap-free seq per room
 * shared by every kind of change. Every adapter runs it unchanged; `raw` reads the same database
 * behind the Store's back, to prove a deleted message's words are gone from it.
 */
export interface ConversationStoreUnderTest {
  store: Store;
  /** A second Store on the same database, as another node would have (multi-node adapters only). */
  peer?: Store;
  raw: RawDb;
  dispose: () => Promise<void>;
}

const GENEROUS: MembershipLimits = { roomsPerUser: 1_000_000, membersPerRoom: 1_000_000 };

/** `multiNode`: the adapter serves several nodes at once, so `open` gives a `peer` and the two-node case is part of its contract. */
export function describeConversationContract(
  adapter: string,
  open: () => Promise<ConversationStoreUnderTest>,
  { multiNode = false }: { multiNode?: boolean } = {},
): void {
  describe(`Conversation store contract: ${adapter}`, () => {
    let store: Store;
    let peer: Store | undefined;
    let raw: RawDb;
    let dispose: () => Promise<void>;
    const now = () => new Date().toISOString();

    beforeEach(async () => {
      ({ store, peer, raw, dispose } = await open());
    });
    afterEach(async () => {
      await dispose();
    });

    async function user(username = `u_${randomUUID().slice(0, 8)}`): Promise<StoredUser> {
      const record: StoredUser = { id: randomUUID(), username, passwordHash: 'x', createdAt: now() };
      expect(await store.createUser(record)).toBe('created');
      return record;
    }

    async function room(
      owner: StoredUser,
      options: { name?: string; visibility?: Visibility; members?: StoredUser[]; kind?: 'room' | 'dm' } = {},
    ): Promise<string> {
      const roomName = options.name ?? `r-${randomUUID().slice(0, 8)}`;
      const result = await store.createRoom(
        {
          name: roomName,
          kind: options.kind ?? 'room',
          visibility: options.visibility ?? 'public',
          topic: '',
          createdBy: owner.id,
          at: now(),
          members: [
            { userId: owner.id, role: options.kind === 'dm' ? 'member' : 'owner' },
            ...(options.members ?? []).map((m) => ({ userId: m.id, role: 'member' as const })),
          ],
        },
        GENEROUS,
      );
      expect(result.status).toBe('created');
      return roomName;
    }

    async function lastSeq(roomName: string): Promise<number> {
      return (await store.findRoom(roomName))?.lastSeq ?? -1;
    }

    function message(roomName: string, userId: string, text = 'hello', extra: Partial<NewMessage> = {}): NewMessage {
      return { id: randomUUID(), room: roomName, userId, clientMsgId: randomUUID(), text, createdAt: now(), ...extra };
    }

    async function post(roomName: string, author: StoredUser, text = 'hello', extra: Partial<NewMessage> = {}) {
      const result = await store.appendMessage(message(roomName, author.id, text, extra));
      if (result.status !== 'created') throw new Error(`append refused: ${result.status}`);
      return result.message;
    }

    function join(roomName: string, who: StoredUser, limits = GENEROUS, on: Store = store): Promise<ChangeResult> {
      return on.applyChange({
        kind: 'member_join',
        room: roomName,
        actorId: who.id,
        userId: who.id,
        role: 'member',
        limits,
        at: now(),
      });
    }

    function react(
      roomName: string,
      messageId: string,
      who: StoredUser,
      emoji: string,
      remove = false,
      on: Store = store,
    ): Promise<ChangeResult> {
      return on.applyChange({
        kind: remove ? 'reaction_remove' : 'reaction_add',
        room: roomName,
        messageId,
        actorId: who.id,
        emoji,
        maxDistinct: Limits.REACTIONS_PER_MESSAGE_MAX,
        at: now(),
      });
    }

    function edit(
      roomName: string,
      messageId: string,
      who: StoredUser,
      text: string,
      mentions: string[] = [],
      on = store,
    ) {
      return on.applyChange({ kind: 'edit', room: roomName, messageId, actorId: who.id, text, mentions, at: now() });
    }

    function remove(roomName: string, messageId: string, who: StoredUser): Promise<ChangeResult> {
      return store.applyChange({
        kind: 'delete',
        room: roomName,
        messageId,
        actorId: who.id,
        byModerator: false,
        at: now(),
      });
    }

    /** The change applies once, as `expected`; the same change again is unchanged and writes nothing. */
    async function appliesOnce(roomName: string, change: RoomChange, expected: Partial<StoredEvent>): Promise<void> {
      expect(applied(await store.applyChange(change))).toMatchObject(expected);
      await expectNothingWritten(roomName, async () =>
        expect(await store.applyChange(change)).toEqual({ status: 'unchanged' }),
      );
    }

    function applied(result: ChangeResult): StoredEvent {
      if (result.status !== 'applied') throw new Error(`expected applied, got ${JSON.stringify(result)}`);
      return result.event;
    }

    /** A change that is refused or unchanged writes nothing: same last seq, same events. */
    async function expectNothingWritten(roomName: string, change: () => Promise<unknown>): Promise<void> {
      const before = { seq: await lastSeq(roomName), events: await store.eventsAfter(roomName, 0, 10_000) };
      await change();
      expect(await lastSeq(roomName)).toBe(before.seq);
      expect(await store.eventsAfter(roomName, 0, 10_000)).toEqual(before.events);
    }

    describe('rooms', () => {
      it('createRoom stores the room with its first members, one event each, and a taken name changes nothing', async () => {
        const [owner, friend] = [await user(), await user()];
        const result = await store.createRoom(
          {
            name: 'lounge',
            kind: 'room',
            visibility: 'private',
            topic: 'tea',
            createdBy: owner.id,
            at: now(),
            members: [
              { userId: owner.id, role: 'owner' },
              { userId: friend.id, role: 'member' },
            ],
          },
          GENEROUS,
        );
        if (result.status !== 'created') throw new Error(result.status);
        expect(result.room).toMatchObject({
          name: 'lounge',
          kind: 'room',
          visibility: 'private',
          topic: 'tea',
          lastSeq: 2,
          memberCount: 2,
        });
        expect(result.events.map((e) => [e.seq, e.kind, e.targetId, e.data['role']])).toEqual([
          [1, 'member_join', owner.id, 'owner'],
          [2, 'member_add', friend.id, 'member'],
        ]);
        expect(await store.eventsAfter('lounge', 0, 10)).toEqual(result.events);
        expect((await store.findMembership('lounge', owner.id))?.role).toBe('owner');

        const other = await user();
        await expectNothingWritten('lounge', async () => {
          const again = await store.createRoom(
            {
              name: 'lounge',
              kind: 'room',
              visibility: 'public',
              topic: 'hijack',
              createdBy: other.id,
              at: now(),
              members: [{ userId: other.id, role: 'owner' }],
            },
            GENEROUS,
          );
          expect(again.status).toBe('taken');
        });
        expect(await store.findRoom('lounge')).toMatchObject({ visibility: 'private', topic: 'tea', memberCount: 2 });
        expect(await store.findMembership('lounge', other.id)).toBeUndefined();
      });

      it('a creation refused by a membership limit leaves no room behind', async () => {
        const owner = await user();
        await room(owner);
        const result = await store.createRoom(
          {
            name: 'one-too-many',
            kind: 'room',
            visibility: 'public',
            topic: '',
            createdBy: owner.id,
            at: now(),
            members: [{ userId: owner.id, role: 'owner' }],
          },
          { roomsPerUser: 1, membersPerRoom: 100 },
        );
        expect(result).toEqual({ status: 'refused', code: 'ROOM_LIMIT_REACHED' });
        expect(await store.findRoom('one-too-many')).toBeUndefined();
        expect(await store.eventsAfter('one-too-many', 0, 10)).toEqual([]);
      });

      it('room_change records only what changed, and a change to nothing is unchanged', async () => {
        const owner = await user();
        const name = await room(owner);
        const change = (c: Partial<Extract<RoomChange, { kind: 'room_change' }>>) =>
          store.applyChange({ kind: 'room_change', room: name, actorId: owner.id, at: now(), ...c });
        const event = applied(await change({ topic: 'new topic', visibility: 'public' }));
        expect(event).toMatchObject({ kind: 'room_change', seq: 2, actorId: owner.id, data: { topic: 'new topic' } });
        expect(event.data).not.toHaveProperty('visibility');
        await expectNothingWritten(name, async () => {
          expect(await change({ topic: 'new topic' })).toEqual({ status: 'unchanged' });
        });
        expect(applied(await change({ visibility: 'private' })).data).toEqual({ visibility: 'private' });
        expect(await store.findRoom(name)).toMatchObject({ topic: 'new topic', visibility: 'private', lastSeq: 3 });
      });

      it('a change to a room that does not exist is ROOM_NOT_FOUND', async () => {
        const someone = await user();
        expect(await join('nowhere', someone)).toEqual({ status: 'refused', code: 'ROOM_NOT_FOUND' });
        expect(await store.findRoom('nowhere')).toBeUndefined();
      });
    });

    describe('memberships', () => {
      it('join, add, leave and remove each take one seq; repeating one is unchanged and takes none', async () => {
        const [owner, bob, carol] = [await user(), await user(), await user()];
        const name = await room(owner);

        const join2: RoomChange = {
          kind: 'member_join',
          room: name,
          actorId: bob.id,
          userId: bob.id,
          role: 'member',
          limits: GENEROUS,
          at: now(),
        };
        await appliesOnce(name, join2, {
          kind: 'member_join',
          seq: 2,
          actorId: bob.id,
          targetId: bob.id,
          targetName: bob.username,
        });
        const add: RoomChange = { ...join2, kind: 'member_add', actorId: owner.id, userId: carol.id };
        await appliesOnce(name, add, { kind: 'member_add', seq: 3, actorId: owner.id, targetId: carol.id });
        expect((await store.findRoom(name))?.memberCount).toBe(3);
        // A newcomer has nothing unread from before they came.
        expect((await store.findMembership(name, carol.id))?.lastReadSeq).toBe(3);
        const leave: RoomChange = { kind: 'member_leave', room: name, actorId: bob.id, userId: bob.id, at: now() };
        await appliesOnce(name, leave, { kind: 'member_leave', seq: 4, targetId: bob.id });
        const removal: RoomChange = { ...leave, kind: 'member_remove', actorId: owner.id, userId: carol.id };
        await appliesOnce(name, removal, { kind: 'member_remove', seq: 5, actorId: owner.id, targetId: carol.id });

        expect(await store.findMembership(name, bob.id)).toBeUndefined();
        expect(await store.findMembership(name, carol.id)).toBeUndefined();
        expect((await store.findRoom(name))?.memberCount).toBe(1);
        expect((await store.listMembers(name, 10)).map((m) => m.userId)).toEqual([owner.id]);
        // A member who left cannot write.
        expect((await store.appendMessage(message(name, bob.id))).status).toBe('not-member');
        expect(await lastSeq(name)).toBe(5);
      });

      it('ROOM_LIMIT_REACHED and ROOM_FULL refuse the join and take no seq', async () => {
        const [owner, bob, carol] = [await user(), await user(), await user()];
        const first = await room(owner);
        const second = await room(owner);
        applied(await join(first, bob));
        await expectNothingWritten(second, async () => {
          expect(await join(second, bob, { roomsPerUser: 1, membersPerRoom: 100 })).toEqual({
            status: 'refused',
            code: 'ROOM_LIMIT_REACHED',
          });
        });
        expect(await store.findMembership(second, bob.id)).toBeUndefined();
        // `first` has owner and bob: full at 2.
        await expectNothingWritten(first, async () => {
          expect(await join(first, carol, { roomsPerUser: 100, membersPerRoom: 2 })).toEqual({
            status: 'refused',
            code: 'ROOM_FULL',
          });
        });
        expect((await store.findRoom(first))?.memberCount).toBe(2);
        // The limits are ceilings, not off by one.
        applied(await join(second, bob, { roomsPerUser: 2, membersPerRoom: 2 }));
      });

      it('DMs count apart from rooms: DMs others opened cannot keep anyone out of rooms', async () => {
        const [victim, a, b, c] = [await user(), await user(), await user(), await user()];
        const limits = { roomsPerUser: 2, membersPerRoom: 100 };
        const dm = (opener: StoredUser, name: string) =>
          store.createRoom(
            {
              name,
              kind: 'dm',
              visibility: 'private',
              topic: '',
              createdBy: opener.id,
              at: now(),
              members: [opener, victim].map((m) => ({ userId: m.id, role: 'member' as const })),
            },
            limits,
          );
        expect((await dm(a, `dm-${'a'.repeat(28)}`)).status).toBe('created');
        expect((await dm(b, `dm-${'b'.repeat(28)}`)).status).toBe('created');
        // A third DM would pass the victim's DM limit: refused, and nothing of it exists.
        expect(await dm(c, `dm-${'c'.repeat(28)}`)).toEqual({ status: 'refused', code: 'ROOM_LIMIT_REACHED' });
        expect(await store.findRoom(`dm-${'c'.repeat(28)}`)).toBeUndefined();
        // Rooms are counted apart: the victim still joins two.
        const owner = await user();
        applied(await join(await room(owner), victim, limits));
        applied(await join(await room(owner), victim, limits));
      });

      it('the only owner cannot leave while others remain (checked under the room lock); alone they can', async () => {
        const [owner, bob] = [await user(), await user()];
        const name = await room(owner, { members: [bob] });
        const leave = (who: StoredUser) =>
          store.applyChange({ kind: 'member_leave', room: name, actorId: who.id, userId: who.id, at: now() });
        await expectNothingWritten(name, async () => {
          expect(await leave(owner)).toEqual({ status: 'refused', code: 'LAST_OWNER' });
        });
        applied(await leave(bob));
        applied(await leave(owner));
        expect((await store.findRoom(name))?.memberCount).toBe(0);
      });

      it('edits, deletions and reactions by someone no longer a member are refused in the transaction', async () => {
        const [owner, bob] = [await user(), await user()];
        const name = await room(owner, { members: [bob] });
        const sent = await post(name, bob, 'before the removal');
        applied(
          await store.applyChange({ kind: 'member_remove', room: name, actorId: owner.id, userId: bob.id, at: now() }),
        );
        await expectNothingWritten(name, async () => {
          expect(await edit(name, sent.id, bob, 'after')).toEqual({ status: 'refused', code: 'NOT_IN_ROOM' });
          expect(await remove(name, sent.id, bob)).toEqual({ status: 'refused', code: 'NOT_IN_ROOM' });
          expect(await react(name, sent.id, bob, '👍')).toEqual({ status: 'refused', code: 'NOT_IN_ROOM' });
        });
      });

      it('members are listed owners first, then by name; membersNamed matches any case and only members', async () => {
        const owner = await user('Zed_owner');
        const [amy, bea, stranger] = [await user('amy_m'), await user('Bea_m'), await user('cat_m')];
        const name = await room(owner, { members: [bea, amy] });
        expect((await store.listMembers(name, 10)).map((m) => [m.username, m.role])).toEqual([
          ['Zed_owner', 'owner'],
          ['amy_m', 'member'],
          ['Bea_m', 'member'],
        ]);
        expect((await store.listMembers(name, 2)).map((m) => m.username)).toEqual(['Zed_owner', 'amy_m']);
        expect((await store.membersNamed(name, ['AMY_M', 'bea_m', stranger.username, 'nobody'])).sort()).toEqual(
          [amy.id, bea.id].sort(),
        );
        expect(await store.membersNamed(name, [])).toEqual([]);
      });
    });

    describe('events', () => {
      it('eventsAfter lists every non-message event after a seq, ascending, up to a limit', async () => {
        const [owner, bob] = [await user(), await user()];
        const name = await room(owner);
        applied(await join(name, bob));
        const first = await post(name, owner, 'one');
        applied(await react(name, first.id, bob, '👍'));
        applied(await edit(name, first.id, owner, 'one!'));
        applied(await react(name, first.id, bob, '👍', true));
        applied(await store.applyChange({ kind: 'room_change', room: name, actorId: owner.id, topic: 't', at: now() }));
        applied(
          await store.applyChange({ kind: 'member_leave', room: name, actorId: bob.id, userId: bob.id, at: now() }),
        );

        const all = await store.eventsAfter(name, 0, 100);
        expect(all.map((e) => [e.seq, e.kind])).toEqual([
          [1, 'member_join'],
          [2, 'member_join'],
          [4, 'reaction_add'],
          [5, 'edit'],
          [6, 'reaction_remove'],
          [7, 'room_change'],
          [8, 'member_leave'],
        ]);
        expect(all[2]).toMatchObject({
          messageId: first.id,
          actorId: bob.id,
          actorName: bob.username,
          data: { emoji: '👍', count: 1 },
        });
        expect(all[4]?.data).toEqual({ emoji: '👍', count: 0 });
        expect(all[3]?.message).toMatchObject({ text: 'one!', deletedAt: null });
        expect((await store.eventsAfter(name, 4, 2)).map((e) => e.seq)).toEqual([5, 6]);
        expect(await store.eventsAfter(name, 8, 100)).toEqual([]);
        expect(await store.eventsAfter(name, Number.MAX_SAFE_INTEGER, 100)).toEqual([]);
        expect(await lastSeq(name)).toBe(8);
      });
    });

    describe('edits and deletions', () => {
      it('an edit replaces the text and its mentions; the same text again is unchanged', async () => {
        const [owner, bob] = [await user(), await user()];
        const name = await room(owner, { members: [bob] });
        const sent = await post(name, owner, 'hi @someone', { mentions: [bob.id] });
        const event = applied(await edit(name, sent.id, owner, 'hi there'));
        expect(event).toMatchObject({ kind: 'edit', messageId: sent.id, message: { text: 'hi there', mentions: [] } });
        expect(event.message?.editedAt).not.toBeNull();
        const [stored] = await store.messagesAfter(name, 0, 10, owner.id);
        expect(stored).toMatchObject({ id: sent.id, seq: sent.seq, text: 'hi there', mentions: [], deletedAt: null });
        expect(stored?.editedAt).toBe(event.message?.editedAt);
        await expectNothingWritten(name, async () => {
          const same = await edit(name, sent.id, owner, 'hi there');
          expect(same).toEqual({ status: 'unchanged' });
        });
        // The mention went with the old text.
        const listing = (await store.listRoomsFor(bob.id, 10, 100)).find((l) => l.room.name === name);
        expect(listing?.mentions).toBe(0);
      });

      it('a deleted message keeps its place and loses its words everywhere in the database', async () => {
        const [owner, bob] = [await user(), await user()];
        const name = await room(owner, { members: [bob] });
        const secret = `launch code ${randomUUID()}`;
        const edited = `corrected ${randomUUID()}`;
        const sent = await post(name, owner, secret, { mentions: [bob.id] });
        const reply = await post(name, bob, 'what?', { replyToId: sent.id });
        applied(await react(name, sent.id, bob, '😮'));
        applied(await edit(name, sent.id, owner, edited, [bob.id]));
        expect(await raw.dump()).toContain(edited);

        const deleted = applied(await remove(name, sent.id, owner));
        expect(deleted).toMatchObject({ kind: 'delete', messageId: sent.id, data: { byModerator: false } });

        const [tombstone, answer] = await store.messagesAfter(name, 0, 10, bob.id);
        expect(tombstone).toMatchObject({
          id: sent.id,
          seq: sent.seq,
          userId: owner.id,
          text: '',
          mentions: [],
          reactions: [],
        });
        expect(tombstone?.deletedAt).not.toBeNull();
        expect(answer?.replyTo).toMatchObject({ id: sent.id, text: '', deleted: true });
        expect(await store.findMessage(name, sent.id)).toMatchObject({ text: '', mentions: [] });
        // The earlier edit event reads the message as it is now: no words.
        const editEvent = (await store.eventsAfter(name, 0, 100)).find((e) => e.kind === 'edit');
        expect(editEvent?.message?.text).toBe('');

        const dump = await raw.dump();
        expect(dump).not.toContain(secret);
        expect(dump).not.toContain(edited);
        expect(dump).not.toContain('launch code');
        const row = (await raw.rows(`select * from messages where id = '${sent.id}'`))[0];
        expect(row).toMatchObject({ text: '', mention_ids: '' });
        expect(await raw.rows(`select * from mentions where message_id = '${sent.id}'`)).toEqual([]);
        expect(await raw.rows(`select * from reactions where message_id = '${sent.id}'`)).toEqual([]);

        // A tombstone cannot be edited, deleted again or reacted to, and none of that takes a seq.
        await expectNothingWritten(name, async () => {
          const refused = { status: 'refused', code: 'MESSAGE_DELETED' };
          expect(await edit(name, sent.id, owner, 'back')).toEqual(refused);
          expect(await remove(name, sent.id, owner)).toEqual(refused);
          expect(await react(name, sent.id, bob, '👍')).toEqual(refused);
        });
        expect(await raw.dump()).not.toContain('back');
        const listing = (await store.listRoomsFor(bob.id, 10, 100)).find((l) => l.room.name === name);
        expect(listing?.mentions).toBe(0);
        expect(reply.replyToId).toBe(sent.id);
      });

      it('a message that is not in the room is MESSAGE_NOT_FOUND, and takes no seq', async () => {
        const owner = await user();
        const [here, there] = [await room(owner), await room(owner)];
        const elsewhere = await post(there, owner, 'over there');
        await expectNothingWritten(here, async () => {
          const notFound = { status: 'refused', code: 'MESSAGE_NOT_FOUND' };
          for (const messageId of [elsewhere.id, randomUUID()]) {
            expect(await edit(here, messageId, owner, 'x')).toEqual(notFound);
            expect(await remove(here, messageId, owner)).toEqual(notFound);
            expect(await react(here, messageId, owner, '👍')).toEqual(notFound);
          }
        });
        expect((await store.findMessage(there, elsewhere.id))?.text).toBe('over there');
      });
    });

    describe('reactions', () => {
      it('one per (user, emoji, message), counted per emoji, with mine for the viewer', async () => {
        const [owner, bob, carol] = [await user(), await user(), await user()];
        const name = await room(owner, { members: [bob, carol] });
        const sent = await post(name, owner);
        expect(applied(await react(name, sent.id, bob, '👍')).data).toEqual({ emoji: '👍', count: 1 });
        await expectNothingWritten(name, async () =>
          expect(await react(name, sent.id, bob, '👍')).toEqual({ status: 'unchanged' }),
        );
        expect(applied(await react(name, sent.id, carol, '👍')).data).toEqual({ emoji: '👍', count: 2 });
        expect(applied(await react(name, sent.id, carol, '🎉')).data).toEqual({ emoji: '🎉', count: 1 });

        const [forBob] = await store.messagesAfter(name, 0, 10, bob.id);
        expect(forBob?.reactions).toHaveLength(2);
        expect(forBob?.reactions).toEqual(
          expect.arrayContaining([
            { emoji: '👍', count: 2, mine: true },
            { emoji: '🎉', count: 1, mine: false },
          ]),
        );
        expect(applied(await react(name, sent.id, bob, '👍', true)).data).toEqual({ emoji: '👍', count: 1 });
        await expectNothingWritten(name, async () =>
          expect(await react(name, sent.id, bob, '👍', true)).toEqual({ status: 'unchanged' }),
        );
        const [again] = await store.messagesAfter(name, 0, 10, bob.id);
        // The order among emoji first used in the same millisecond is not part of the contract.
        expect(again?.reactions).toHaveLength(2);
        expect(again?.reactions).toEqual(
          expect.arrayContaining([
            { emoji: '👍', count: 1, mine: false },
            { emoji: '🎉', count: 1, mine: false },
          ]),
        );
      });

      it(`at ${Limits.REACTIONS_PER_MESSAGE_MAX} distinct emoji a new one is REACTION_LIMIT; an emoji already there is still welcome`, async () => {
        const [owner, bob] = [await user(), await user()];
        const name = await room(owner, { members: [bob] });
        const sent = await post(name, owner);
        const emoji = [...'😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙🥲😚🙂🤗🤩🤔'];
        expect(emoji.length).toBeGreaterThan(Limits.REACTIONS_PER_MESSAGE_MAX);
        for (const e of emoji.slice(0, Limits.REACTIONS_PER_MESSAGE_MAX)) applied(await react(name, sent.id, owner, e));
        await expectNothingWritten(name, async () => {
          expect(await react(name, sent.id, bob, emoji[Limits.REACTIONS_PER_MESSAGE_MAX]!)).toEqual({
            status: 'refused',
            code: 'REACTION_LIMIT',
          });
        });
        expect(applied(await react(name, sent.id, bob, emoji[0]!)).data).toEqual({ emoji: emoji[0], count: 2 });
        const [stored] = await store.messagesAfter(name, 0, 10, bob.id);
        expect(stored?.reactions).toHaveLength(Limits.REACTIONS_PER_MESSAGE_MAX);
      });
    });

    describe('unread, mentions and read markers', () => {
      it('listRoomsFor: my rooms with unread and mention counts, then public rooms I am not in; never a private one', async () => {
        const [alice, bob, carol] = [await user('alice_l'), await user('bob_l'), await user('carol_l')];
        const shared = await room(alice, { name: 'shared', members: [bob] });
        await room(carol, { name: 'open-door' });
        await room(carol, { name: 'hidden', visibility: 'private' });
        const dm = await room(alice, {
          name: 'dm-0123456789abcdef0123456789ab',
          kind: 'dm',
          visibility: 'private',
          members: [bob],
        });

        await post(shared, alice, 'hello @bob_l', { mentions: [bob.id] });
        await post(shared, alice, 'plain');
        await post(shared, bob, 'mine does not count');
        const gone = await post(shared, alice, 'to be deleted');
        applied(await remove(shared, gone.id, alice));
        await post(dm, alice, 'psst @bob_l', { mentions: [bob.id] });

        const forBob = await store.listRoomsFor(bob.id, 10, 1000);
        expect(forBob.map((l) => [l.room.name, l.membership?.role, l.unread, l.mentions])).toEqual([
          [dm, 'member', 1, 1],
          ['shared', 'member', 2, 1],
          ['open-door', undefined, 0, 0],
        ]);
        expect(forBob[0]?.members?.map((m) => m.id).sort()).toEqual([alice.id, bob.id].sort());
        expect(forBob[1]?.members).toBeUndefined();
        // The unread count stops at the cap.
        expect((await store.listRoomsFor(bob.id, 10, 1)).find((l) => l.room.name === 'shared')?.unread).toBe(1);
        expect((await store.listRoomsFor(bob.id, 0, 1000)).map((l) => l.room.name)).toEqual([dm, 'shared']);
        expect((await store.listRoomsFor(carol.id, 10, 1000)).map((l) => l.room.name)).toEqual([
          'hidden',
          'open-door',
          'shared',
        ]);

        // Read up to the room's end: nothing unread, nothing mentioned.
        expect(await store.markRead('shared', bob.id, await lastSeq('shared'))).toBe(await lastSeq('shared'));
        const after = (await store.listRoomsFor(bob.id, 10, 1000)).find((l) => l.room.name === 'shared');
        expect([after?.unread, after?.mentions, after?.membership?.lastReadSeq]).toEqual([
          0,
          0,
          await lastSeq('shared'),
        ]);
      });

      it('a read marker moves only forward, never past the last seq, and only for a member', async () => {
        const [alice, bob, stranger] = [await user(), await user(), await user()];
        const name = await room(alice, { members: [bob] });
        const base = await lastSeq(name);
        expect((await store.findMembership(name, bob.id))?.lastReadSeq).toBe(base);
        for (let i = 0; i < 5; i++) await post(name, alice, `m${i}`);
        expect(await store.markRead(name, bob.id, base + 3)).toBe(base + 3);
        expect(await store.markRead(name, bob.id, base + 1)).toBe(base + 3);
        expect(await store.markRead(name, bob.id, 0)).toBe(base + 3);
        expect(await store.markRead(name, bob.id, base + 1000)).toBe(base + 5);
        expect(await store.markRead(name, bob.id, Number.MAX_SAFE_INTEGER)).toBe(base + 5);
        expect((await store.findMembership(name, bob.id))?.lastReadSeq).toBe(base + 5);
        expect(await store.markRead(name, stranger.id, 2)).toBeUndefined();
        expect(await store.markRead('nowhere', bob.id, 2)).toBeUndefined();
        // Marking read writes no event and takes no seq.
        expect(await lastSeq(name)).toBe(base + 5);
        const unread = (await store.listRoomsFor(bob.id, 0, 100)).find((l) => l.room.name === name);
        expect(unread?.unread).toBe(0);
      });
    });

    describe('one seq per room under concurrent writers', () => {
      /** Every seq of the room, messages and events together, must be exactly 1..lastSeq. */
      async function expectGapFree(name: string): Promise<number[]> {
        const messageSeqs = (await store.messagesAfter(name, 0, 100_000)).map((m) => m.seq);
        const eventSeqs = (await store.eventsAfter(name, 0, 100_000)).map((e) => e.seq);
        const all = [...messageSeqs, ...eventSeqs].sort((a, b) => a - b);
        const last = await lastSeq(name);
        expect(new Set(all).size).toBe(all.length);
        expect(all).toEqual(Array.from({ length: last }, (_, i) => i + 1));
        return all;
      }

      async function concurrentMix(nodes: Store[]): Promise<void> {
        const owner = await user();
        const members = [await user(), await user(), await user()];
        const name = await room(owner, { members });
        const seeds = [];
        for (const author of [owner, ...members]) seeds.push(await post(name, author, `seed by ${author.username}`));
        const newcomers = await Promise.all(Array.from({ length: 6 }, () => user()));
        const on = (i: number) => nodes[i % nodes.length]!;
        const writes: Promise<unknown>[] = [];
        for (let i = 0; i < 24; i++) {
          const author = [owner, ...members][i % 4]!;
          const seed = seeds[i % seeds.length]!;
          writes.push(on(i).appendMessage(message(name, author.id, `burst ${i}`)));
          writes.push(react(name, seed.id, author, ['👍', '🎉', '❤️'][i % 3]!, false, on(i + 1)));
          if (i % 4 === 0) {
            const mine = seeds.find((s) => s.userId === author.id)!;
            writes.push(edit(name, mine.id, author, `edit ${i}`, [], on(i)));
          }
          if (i < newcomers.length) writes.push(join(name, newcomers[i]!, GENEROUS, on(i + 1)));
          if (i % 6 === 3)
            writes.push(
              on(i).applyChange({ kind: 'room_change', room: name, actorId: owner.id, topic: `topic ${i}`, at: now() }),
            );
          // Refused and unchanged changes in the same burst must not leave holes.
          writes.push(react(name, randomUUID(), author, '👍', false, on(i)));
          if (i % 5 === 0) writes.push(join(name, members[0]!, GENEROUS, on(i)));
        }
        const settled = await Promise.allSettled(writes);
        expect(settled.filter((s) => s.status === 'rejected')).toEqual([]);
        const seqs = await expectGapFree(name);
        // Exactly what should have been applied was: 4 first members, 4 seeds, 24 messages, 6 joins,
        // 6 edits, 4 topics, and 12 distinct (message, user, emoji) reactions; nothing refused took a seq.
        expect(seqs).toHaveLength(4 + 4 + 24 + 6 + 6 + 4 + 12);
        const events = await store.eventsAfter(name, 0, 100_000);
        expect(new Set(events.map((e) => e.kind))).toEqual(
          new Set(['member_join', 'member_add', 'reaction_add', 'edit', 'room_change']),
        );
        expect(events.filter((e) => e.kind === 'member_join' && e.targetId !== owner.id)).toHaveLength(
          newcomers.length,
        );
      }

      it('messages, reactions, edits, joins and topic changes interleaved leave seqs 1..lastSeq, each once', async () => {
        await concurrentMix([store]);
      });

      if (multiNode) {
        it('the same holds with two Store instances (two nodes) writing at once', async () => {
          if (!peer) throw new Error('a multi-node adapter must give a peer store');
          await concurrentMix([store, peer]);
        });
      }
    });
  });
}
