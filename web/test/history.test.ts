/** A hole in the list (a frame the bus lost) is filled from history, asked once per hole. */
import { beforeEach, expect, it, vi } from 'vitest';
import type { Message } from '../../protocol/frames.js';
import type * as Api from '../src/api.js';
import { roomMessages } from '../src/api.js';
import { createHistory } from '../src/history.js';
import { createStore } from '../src/store.js';

vi.mock('../src/api.js', async (importOriginal) => ({
  ...(await importOriginal<typeof Api>()),
  roomMessages: vi.fn(),
}));

const user = { id: 'u1', username: 'ann', color: '#88ff88' };
const msg = (seq: number): Message => ({ id: `m${seq}`, room: 'general', seq, user, text: `${seq}`, createdAt: '' });
const fetchPage = vi.mocked(roomMessages);

beforeEach(() => {
  fetchPage.mockReset();
  // The server: seqs 1..300 exist, except 150 (deleted, say) — a hole that can never close.
  fetchPage.mockImplementation((_room, before = Infinity, limit = 50) => {
    const all = Array.from({ length: 300 }, (_, i) => i + 1).filter((s) => s !== 150 && s < before);
    return Promise.resolve({ messages: all.slice(-limit).map(msg), hasMore: all.length > limit });
  });
});

it('fills holes newest first, page by page, and asks about each hole only once', async () => {
  const store = createStore();
  const history = createHistory(store, { onNotice: vi.fn(), onAuthFailure: vi.fn() });
  store.dispatch({ type: 'joined', room: 'general', messages: [1, 2, 299, 300].map(msg), online: [], complete: true });
  await history.fillGaps('general');
  const seqs = store
    .getState()
    .rooms.get('general')!
    .messages.map((m) => m.seq);
  expect(seqs).toEqual(Array.from({ length: 300 }, (_, i) => i + 1).filter((s) => s !== 150));
  const calls = fetchPage.mock.calls.length;
  await history.fillGaps('general');
  expect(fetchPage.mock.calls.length).toBe(calls); // the hole at 150 is known, not asked again
  for (const [, , limit] of fetchPage.mock.calls) expect(limit).toBeLessThanOrEqual(100);
});
