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

/** A server whose pages are cut short by its byte budget: at most `per` messages, `hasMore` honest. */
function shortPages(total: number, per: number) {
  fetchPage.mockImplementation((_room, before = Infinity, limit = 50) => {
    const all = Array.from({ length: total }, (_, i) => i + 1).filter((s) => s < before);
    const page = all.slice(-Math.min(limit, per));
    return Promise.resolve({ messages: page.map(msg), hasMore: all.length > page.length });
  });
}

it('keeps paging back through pages shorter than asked while the server says hasMore', async () => {
  shortPages(40, 3);
  const store = createStore();
  const history = createHistory(store, { onNotice: vi.fn(), onAuthFailure: vi.fn() });
  store.dispatch({ type: 'joined', room: 'general', messages: [39, 40].map(msg), online: [], complete: true });
  const room = () => store.getState().rooms.get('general')!;
  expect(room().hasOlder).toBe(true);
  let loads = 0;
  while (room().hasOlder && loads < 100) {
    await history.loadOlder('general');
    loads++;
  }
  expect(room().messages.map((m) => m.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  expect(loads).toBe(13); // 38 older messages, 3 a page
});

it('after complete:false, reloads a short latest page and can page back from it', async () => {
  shortPages(500, 4);
  const store = createStore();
  const history = createHistory(store, { onNotice: vi.fn(), onAuthFailure: vi.fn() });
  store.dispatch({ type: 'joined', room: 'general', messages: [1, 2].map(msg), online: [], complete: true });
  store.dispatch({ type: 'joined', room: 'general', messages: [499, 500].map(msg), online: [], complete: false });
  await history.reload('general');
  const room = () => store.getState().rooms.get('general')!;
  // No gap shown: the reloaded page replaced the old list, and older pages are still to be had.
  expect(room().messages.map((m) => m.seq)).toEqual([497, 498, 499, 500]);
  expect(room().hasOlder).toBe(true);
  await history.loadOlder('general');
  expect(room().messages.map((m) => m.seq)).toEqual([493, 494, 495, 496, 497, 498, 499, 500]);
});

it('fills a hole through short pages until it is closed', async () => {
  shortPages(300, 7);
  const store = createStore();
  const history = createHistory(store, { onNotice: vi.fn(), onAuthFailure: vi.fn() });
  store.dispatch({ type: 'joined', room: 'general', messages: [1, 2, 299, 300].map(msg), online: [], complete: true });
  await history.fillGaps('general');
  const seqs = store
    .getState()
    .rooms.get('general')!
    .messages.map((m) => m.seq);
  expect(seqs).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
});
