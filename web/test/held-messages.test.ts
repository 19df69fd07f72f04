/**
 * A long-open tab holds a bounded number of messages per room: past `HELD_MAX` the oldest go (at
 * once in a room not on screen, on the list's word in the room on screen), the room says older ones
 * exist so they are fetched again, and the watermark, the unread count and the next page's cursor
 * are what they would have been.
 */
import { describe, expect, it } from 'vitest';
import type { Message } from '../../protocol/frames.js';
import { initialState, lastSeq, reduce, roomMessages, type ChatState } from '../src/state.js';
import { HELD_KEEP, HELD_MAX, holds } from '../src/state/messages.js';

const ann = { id: 'u1', username: 'ann', color: '#88ff88' };
const ben = { id: 'u2', username: 'ben', color: '#ffcc88' };
const msg = (seq: number, room = 'general', user = ben): Message => ({
  id: `m${room}${seq}`,
  room,
  seq,
  user,
  text: `line ${seq}`,
  createdAt: '2025-01-01T00:00:00.000Z',
});

function start(active: string | null): ChatState {
  let state = reduce(initialState, { type: 'ready', user: ann });
  state = reduce(state, { type: 'rooms', rooms: [] });
  for (const room of ['general', 'quiet']) {
    state = reduce(state, { type: 'joined', room, messages: [msg(1, room)], online: [], complete: true, lastSeq: 1 });
  }
  return reduce(state, { type: 'open', room: active });
}

function pour(state: ChatState, room: string, from: number, to: number): ChatState {
  for (let seq = from; seq <= to; seq++) state = reduce(state, { type: 'message', message: msg(seq, room) });
  return state;
}

describe('messages held per room', () => {
  it('lets the oldest go in a room not on screen, and keeps the watermark', () => {
    const state = pour(start('general'), 'quiet', 2, HELD_MAX + 1);
    const held = roomMessages(state, 'quiet');
    expect(held).toHaveLength(HELD_KEEP);
    expect(held.at(-1)?.seq).toBe(HELD_MAX + 1);
    expect(held[0]?.seq).toBe(HELD_MAX + 2 - HELD_KEEP);
    expect(state.rooms.get('quiet')?.hasOlder).toBe(true);
    expect(lastSeq(state, 'quiet')).toBe(HELD_MAX + 1);
    // A replay of a message that went is not taken for a new one.
    expect(reduce(state, { type: 'message', message: msg(5, 'quiet') })).toBe(state);
  });

  it('keeps everything in the room on screen until the list says the person follows its end', () => {
    let state = pour(start('general'), 'general', 2, HELD_MAX + 50);
    expect(roomMessages(state, 'general')).toHaveLength(HELD_MAX + 50);
    state = reduce(state, { type: 'trim', room: 'general' });
    expect(roomMessages(state, 'general')).toHaveLength(HELD_KEEP);
    expect(state.rooms.get('general')?.hasOlder).toBe(true);
    // Nothing more to let go: the same state.
    expect(reduce(state, { type: 'trim', room: 'general' })).toBe(state);
    // The next older page starts where memory now ends.
    const first = roomMessages(state, 'general')[0]!.seq;
    state = reduce(state, {
      type: 'history',
      room: 'general',
      messages: [msg(first - 2), msg(first - 1)],
      hasMore: true,
    });
    expect(
      roomMessages(state, 'general')
        .slice(0, 3)
        .map((m) => m.seq),
    ).toEqual([first - 2, first - 1, first]);
  });

  it('finds a held message by seq and id', () => {
    const list = [msg(2), msg(5), msg(9)];
    expect(holds(list, msg(5))).toBe(true);
    expect(holds(list, msg(6))).toBe(false);
    expect(holds(list, { ...msg(5), id: 'other' })).toBe(false);
    expect(holds([], msg(1))).toBe(false);
  });
});
