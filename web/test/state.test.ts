/** The reducer keeps one copy of each message, in seq order, and finds holes to fill. */
import { describe, expect, it } from 'vitest';
import type { Message } from '../../protocol/frames.js';
import { initialState, lastSeq, mergeMessages, newestGap, reduce, type ChatState } from '../src/state.js';

const user = { id: 'u1', username: 'ann', color: '#88ff88' };
const msg = (seq: number): Message => ({
  id: `m${seq}`,
  room: 'general',
  seq,
  user,
  text: `line ${seq}`,
  createdAt: '2025-01-01T00:00:00.000Z',
});
const seqs = (state: ChatState) => state.rooms.get('general')?.messages.map((m) => m.seq);

function joined(messages: Message[], complete = true): ChatState {
  return reduce(initialState, { type: 'joined', room: 'general', messages, online: [user], complete });
}

describe('messages', () => {
  it('merges replays, acks and history without duplicates, in seq order', () => {
    let state = joined([msg(3), msg(4)]);
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
  });

  it('finds the newest hole, and a fill closes it', () => {
    let state = joined([msg(1), msg(2), msg(6), msg(9), msg(10)]);
    expect(newestGap(state.rooms.get('general')!.messages)).toEqual({ after: 6, before: 9 });
    state = reduce(state, { type: 'fill', room: 'general', messages: [msg(7), msg(8)] });
    expect(newestGap(state.rooms.get('general')!.messages)).toEqual({ after: 2, before: 6 });
  });

  it('keeps the old list after an incomplete replay until the reload replaces it', () => {
    let state = joined([msg(1), msg(2)]);
    state = reduce(state, { type: 'joined', room: 'general', messages: [msg(900)], online: [], complete: false });
    expect(seqs(state)).toEqual([1, 2]);
    state = reduce(state, { type: 'reload', room: 'general', messages: [msg(999), msg(1000)], hasMore: true });
    expect(seqs(state)).toEqual([999, 1000]);
    expect(state.rooms.get('general')?.hasOlder).toBe(true);
  });
});

describe('the outbox', () => {
  const pending = { clientMsgId: 'c1', room: 'general', text: 'hi', createdAt: '', status: 'pending' as const };

  it('goes pending → failed → pending (retry) → gone when acknowledged', () => {
    let state = reduce(joined([msg(1)]), { type: 'queue', pending });
    state = reduce(state, { type: 'fail', clientMsgId: 'c1', error: 'too long' });
    expect(state.pending[0]).toMatchObject({ status: 'failed', error: 'too long' });
    state = reduce(state, { type: 'retry', clientMsgId: 'c1' });
    expect(state.pending[0]?.status).toBe('pending');
    expect(state.pending[0]?.error).toBeUndefined();
    state = reduce(state, { type: 'ack', clientMsgId: 'c1', message: msg(2) });
    expect(state.pending).toEqual([]);
    expect(seqs(state)).toEqual([1, 2]);
  });
});
