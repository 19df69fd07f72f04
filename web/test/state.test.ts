/**
 * The reducer keeps one copy of each message in seq order, applies room events, watches the
 * watermark for lost frames, and — the property the server's tests rely on too — ends a resume
 * (`joined` with `after`, messages and events in seq order) in exactly the state a fresh load shows.
 */
import { describe, expect, it } from 'vitest';
import type { Message } from '../../protocol/frames.js';
import {
  initialState,
  isBehind,
  lastSeq,
  mergeMessages,
  reduce,
  roomMessages,
  roomSnapshot,
  type ChatAction,
  type ChatState,
} from '../src/state.js';
import { random, RoomModel, type Live } from './helpers/room-model.js';

const ann = { id: 'u1', username: 'ann', color: '#88ff88' };
const ben = { id: 'u2', username: 'ben', color: '#ffcc88' };
const cat = { id: 'u3', username: 'cat', color: '#88ccff' };
const msg = (seq: number, user = ann): Message => ({
  id: `m${seq}`,
  room: 'general',
  seq,
  user,
  text: `line ${seq}`,
  createdAt: '2025-01-01T00:00:00.000Z',
});
const seqs = (state: ChatState) => roomMessages(state, 'general').map((m) => m.seq);
const me = reduce(initialState, { type: 'ready', user: ann });

function joined(messages: Message[], extra: Partial<Extract<ChatAction, { type: 'joined' }>> = {}): ChatState {
  return reduce(me, { type: 'joined', room: 'general', messages, online: [ann], complete: true, ...extra });
}

function apply(state: ChatState, frames: readonly (Live | ChatAction)[]): ChatState {
  return frames.reduce<ChatState>((s, f) => reduce(s, f), state);
}

describe('messages', () => {
  it('merges replays, acks and history without duplicates, in seq order', () => {
    let state = joined([msg(3), msg(4)], { lastSeq: 4 });
    state = reduce(state, { type: 'message', message: msg(5) });
    state = reduce(state, { type: 'message', message: msg(5) });
    state = reduce(state, { type: 'history', room: 'general', messages: [msg(1), msg(2), msg(3)], hasMore: false });
    expect(seqs(state)).toEqual([1, 2, 3, 4, 5]);
    expect(lastSeq(state, 'general')).toBe(5);
    expect(state.rooms.get('general')?.hasOlder).toBe(false);
  });

  it('returns the same list when nothing is new, so nothing re-renders', () => {
    const list = mergeMessages([], [msg(1), msg(2)]);
    expect(mergeMessages(list, [msg(2)])).toBe(list);
    expect(mergeMessages(list, [msg(2)], true)).toBe(list);
  });

  it('replaces the whole list after an incomplete replay, and the reload page wins over it', () => {
    let state = joined([msg(1), msg(2)], { lastSeq: 2 });
    state = reduce(state, {
      type: 'joined',
      room: 'general',
      messages: [msg(900), msg(901)],
      online: [],
      complete: false,
      lastSeq: 905,
    });
    expect(seqs(state)).toEqual([900, 901]);
    expect(lastSeq(state, 'general')).toBe(905);
    const edited = { ...msg(901), text: 'edited', editedAt: '2025-01-02T00:00:00.000Z' };
    state = reduce(state, { type: 'reload', room: 'general', messages: [msg(899), edited], hasMore: true });
    expect(seqs(state)).toEqual([899, 900, 901]);
    expect(roomMessages(state, 'general').at(-1)?.text).toBe('edited');
    expect(state.rooms.get('general')?.hasOlder).toBe(true);
  });
});

describe('the watermark', () => {
  it('moves with every frame in seq order, messages and events alike', () => {
    const room = new RoomModel();
    let state = reduce(me, room.freshJoin(ann));
    state = apply(state, [room.memberJoin(ben), room.send(ben, 'hi'), room.react(ann, 'm2', '👍')!]);
    expect(lastSeq(state, 'general')).toBe(3);
    expect(isBehind(state, 'general')).toBe(false);
  });

  it('applies a frame past a lost one at once, says it is behind, and a replay catches up', () => {
    const room = new RoomModel();
    let state = reduce(me, room.freshJoin(ann));
    room.send(ben, 'lost on the bus');
    const later = room.send(ben, 'arrived');
    state = reduce(state, later);
    expect(roomMessages(state, 'general').map((m) => m.text)).toEqual(['arrived']);
    expect(isBehind(state, 'general')).toBe(true);
    expect(lastSeq(state, 'general')).toBe(0);
    state = reduce(state, room.joinAfter(ann, 0));
    expect(roomMessages(state, 'general').map((m) => m.text)).toEqual(['lost on the bus', 'arrived']);
    expect(isBehind(state, 'general')).toBe(false);
    expect(lastSeq(state, 'general')).toBe(2);
  });

  it('closes the hole when the late frame arrives after all (an ack overtaking a broadcast)', () => {
    const room = new RoomModel();
    let state = reduce(me, room.freshJoin(ann));
    const first = room.send(ben, 'one');
    const mine = room.send(ann, 'two');
    state = reduce(state, { type: 'ack', clientMsgId: 'c', message: (mine as { message: Message }).message });
    expect(isBehind(state, 'general')).toBe(true);
    state = reduce(state, first);
    expect(isBehind(state, 'general')).toBe(false);
    expect(lastSeq(state, 'general')).toBe(2);
  });

  it('skips live frames a replay already covered, so an old edit never brings back old words', () => {
    const room = new RoomModel();
    let state = reduce(me, room.freshJoin(ann));
    state = reduce(state, room.send(ann, 'v1'));
    const firstEdit = room.edit(ann, 'm1', 'v2');
    room.edit(ann, 'm1', 'v3');
    state = reduce(state, room.joinAfter(ann, 1));
    state = reduce(state, firstEdit); // held by the server while it answered the join
    expect(roomMessages(state, 'general')[0]?.text).toBe('v3');
  });
});

describe('room events', () => {
  it('edits, deletes (erasing text, mentions and reactions) and updates the quotes of replies', () => {
    const room = new RoomModel();
    let state = reduce(me, room.freshJoin(ann));
    state = apply(state, [
      room.send(ben, 'first words', { mentions: [ann.id] }),
      room.send(ann, 'an answer', { replyTo: 'm1' }),
      room.react(ann, 'm1', '🎉')!,
      room.edit(ben, 'm1', 'better   words\nhere'),
    ]);
    const [first, reply] = roomMessages(state, 'general');
    expect(first).toMatchObject({ text: 'better   words\nhere', reactions: [{ emoji: '🎉', count: 1, mine: true }] });
    expect(first?.editedAt).toBeDefined();
    expect(first?.mentions).toBeUndefined();
    expect(reply?.replyTo).toMatchObject({ id: 'm1', excerpt: 'better words here', deleted: false });

    state = reduce(state, room.delete(ben, 'm1'));
    const [gone, after] = roomMessages(state, 'general');
    expect(gone).toMatchObject({ text: '', reactions: [] });
    expect(gone?.deletedAt).toBeDefined();
    expect(after?.replyTo).toMatchObject({ excerpt: '', deleted: true });
  });

  it('sets an emoji to the count the event carries; mine follows only my own changes', () => {
    const room = new RoomModel();
    let state = reduce(me, room.freshJoin(ann));
    state = apply(state, [room.send(ben, 'react to me'), room.react(ben, 'm1', '👍')!, room.react(ann, 'm1', '👍')!]);
    expect(roomMessages(state, 'general')[0]?.reactions).toEqual([{ emoji: '👍', count: 2, mine: true }]);
    state = reduce(state, room.react(ben, 'm1', '👍', true)!);
    expect(roomMessages(state, 'general')[0]?.reactions).toEqual([{ emoji: '👍', count: 1, mine: true }]);
    state = reduce(state, room.react(ann, 'm1', '👍', true)!);
    expect(roomMessages(state, 'general')[0]?.reactions).toEqual([]);
  });
});

describe('a resume ends where a fresh load does', () => {
  const people = [ann, ben, cat];
  const emoji = ['👍', '🎉', '❤️', '👀'];

  /** One random change in the room (or none, when it picked something the server would refuse). */
  function change(room: RoomModel, rand: () => number): Live | undefined {
    const who = people[Math.floor(rand() * people.length)]!;
    const ids = room.ids;
    const target = ids[Math.floor(rand() * ids.length)];
    const roll = rand();
    if (target === undefined || roll < 0.3) {
      const replyTo = target !== undefined && rand() < 0.3 ? target : undefined;
      const mentions = rand() < 0.2 ? [ann.id] : [];
      return room.send(who, `said ${room.seq + 1} ${'x'.repeat(Math.floor(rand() * 200))}`, { replyTo, mentions });
    }
    if (!room.live(target)) return undefined;
    if (roll < 0.45) return room.edit(who, target, `edited at ${room.seq + 1}`, rand() < 0.3 ? [ann.id] : []);
    if (roll < 0.5) return room.delete(who, target);
    if (roll < 0.55) return room.memberJoin(who);
    return room.react(who, target, emoji[Math.floor(rand() * emoji.length)]!, rand() < 0.4);
  }

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`seed ${seed}: online for a while, away while others change things, then back with after`, () => {
      const rand = random(seed);
      const room = new RoomModel();
      let client = reduce(me, room.freshJoin(ann));
      for (let i = 0; i < 60; i++) {
        const frame = change(room, rand);
        if (frame !== undefined) client = reduce(client, frame);
      }
      const away = lastSeq(client, 'general')!;
      for (let i = 0; i < 80; i++) change(room, rand);
      const resumed = reduce(client, room.joinAfter(ann, away));

      const fresh = reduce(me, room.freshJoin(ann, 1000));
      expect(roomSnapshot(resumed, 'general')).toEqual(roomSnapshot(fresh, 'general'));
      expect(lastSeq(resumed, 'general')).toBe(room.seq);
      // And a history page read now agrees with both.
      const page = room.page(ann, Number.MAX_SAFE_INTEGER, 1000).messages;
      const paged = reduce(me, { type: 'joined', room: 'general', messages: page, online: [], complete: true });
      expect(roomSnapshot(paged, 'general')).toEqual(roomSnapshot(fresh, 'general'));
    });
  }

  it('also when a live frame was lost before the cut and arrives in the replay', () => {
    const rand = random(99);
    const room = new RoomModel();
    let client = reduce(me, room.freshJoin(ann));
    for (let i = 0; i < 40; i++) {
      const frame = change(room, rand);
      if (frame !== undefined && rand() > 0.1) client = reduce(client, frame); // some are lost
    }
    const resumed = reduce(client, room.joinAfter(ann, lastSeq(client, 'general')!));
    expect(roomSnapshot(resumed, 'general')).toEqual(roomSnapshot(reduce(me, room.freshJoin(ann, 1000)), 'general'));
  });
});

describe('the room list', () => {
  const room = (name: string, extra: object = {}) => ({
    name,
    kind: 'room' as const,
    visibility: 'public' as const,
    topic: '',
    lastSeq: 10,
    memberCount: 2,
    createdAt: '',
    member: true,
    role: 'member' as const,
    lastReadSeq: 10,
    unread: 0,
    mentions: 0,
    ...extra,
  });
  const entry = (state: ChatState, name: string) => state.directory?.find((r) => r.name === name);

  it('counts live messages from others in rooms not read, with mentions of me', () => {
    let state = reduce(me, { type: 'rooms', rooms: [room('general'), room('dev', { lastSeq: 3, lastReadSeq: 3 })] });
    state = reduce(state, {
      type: 'joined',
      room: 'dev',
      messages: [],
      online: [],
      complete: true,
      lastSeq: 3,
      lastReadSeq: 3,
    });
    const dev = (seq: number, user = ben, mentions?: string[]): Message => ({
      ...msg(seq, user),
      room: 'dev',
      id: `d${seq}`,
      ...(mentions ? { mentions } : {}),
    });
    state = apply(state, [
      { type: 'message', message: dev(4) },
      { type: 'message', message: dev(5, ann) },
      { type: 'message', message: dev(6, ben, [ann.id]) },
      { type: 'message', message: dev(6, ben, [ann.id]) },
    ]);
    expect(entry(state, 'dev')).toMatchObject({ unread: 2, mentions: 1, lastSeq: 6 });
    // My other device read up to 4: one left, the mention.
    state = reduce(state, { type: 'read', room: 'dev', seq: 4 });
    expect(entry(state, 'dev')).toMatchObject({ unread: 1, mentions: 1, lastReadSeq: 4 });
    state = reduce(state, { type: 'read', room: 'dev', seq: 6 });
    expect(entry(state, 'dev')).toMatchObject({ unread: 0, mentions: 0 });
    // A fresh list that was counted before the read does not bring the badge back.
    state = reduce(state, {
      type: 'rooms',
      rooms: [room('general'), room('dev', { lastSeq: 6, lastReadSeq: 3, unread: 2 })],
    });
    expect(entry(state, 'dev')).toMatchObject({ unread: 0, lastReadSeq: 6 });
  });

  it('takes the server counts for a room the socket stopped following (what it held is stale)', () => {
    let state = reduce(me, { type: 'rooms', rooms: [room('dev', { lastSeq: 3, lastReadSeq: 3 })] });
    state = reduce(state, { type: 'joined', room: 'dev', messages: [], online: [], complete: true, lastSeq: 3 });
    state = reduce(state, { type: 'forget', room: 'dev' });
    state = reduce(state, { type: 'rooms', rooms: [room('dev', { lastSeq: 9, lastReadSeq: 3, unread: 4 })] });
    expect(entry(state, 'dev')).toMatchObject({ unread: 4 });
    expect(state.rooms.has('dev')).toBe(false);
  });

  it('clears a room it does not follow when the marker reaches its end, and drops a private room I left', () => {
    let state = reduce(me, {
      type: 'rooms',
      rooms: [room('secret', { visibility: 'private', unread: 4, lastReadSeq: 6 }), room('open', { unread: 1 })],
    });
    state = reduce(state, { type: 'read', room: 'secret', seq: 10 });
    expect(entry(state, 'secret')).toMatchObject({ unread: 0 });
    state = reduce(reduce(state, { type: 'open', room: 'secret' }), {
      type: 'left',
      room: 'secret',
      reason: 'removed',
    });
    expect(entry(state, 'secret')).toBeUndefined();
    expect(state.active).toBeNull();
    state = reduce(state, { type: 'left', room: 'open', reason: 'left' });
    expect(entry(state, 'open')).toMatchObject({ member: false });
  });
});

describe('the outbox', () => {
  const pending = { clientMsgId: 'c1', room: 'general', text: 'hi', createdAt: '', status: 'pending' as const };

  it('goes pending → failed → pending (retry) → gone when acknowledged', () => {
    let state = reduce(joined([msg(1)], { lastSeq: 1 }), { type: 'queue', pending });
    state = reduce(state, { type: 'fail', clientMsgId: 'c1', error: 'too long' });
    expect(state.pending[0]).toMatchObject({ status: 'failed', error: 'too long' });
    state = reduce(state, { type: 'retry', clientMsgId: 'c1' });
    expect(state.pending[0]?.status).toBe('pending');
    expect(state.pending[0]?.error).toBeUndefined();
    state = reduce(state, { type: 'ack', clientMsgId: 'c1', message: msg(2) });
    expect(state.pending).toEqual([]);
    expect(seqs(state)).toEqual([1, 2]);
  });

  it('fails what waits for a room I was removed from', () => {
    let state = reduce(joined([msg(1)], { lastSeq: 1 }), { type: 'queue', pending });
    state = reduce(state, { type: 'left', room: 'general', reason: 'removed' });
    expect(state.pending[0]).toMatchObject({ status: 'failed', error: 'You were removed from this room.' });
  });
});
