/** Older pages by seq cursor, and the latest page again after a replay was cut short. */
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

beforeEach(() => fetchPage.mockReset());

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

it('drops an older page that no longer joins onto the list because it was trimmed meanwhile', async () => {
  shortPages(1200, 50);
  const store = createStore();
  const history = createHistory(store, { onNotice: vi.fn(), onAuthFailure: vi.fn() });
  const held = Array.from({ length: 1100 }, (_, i) => msg(i + 101));
  store.dispatch({ type: 'joined', room: 'general', messages: held, online: [], complete: true });
  const room = () => store.getState().rooms.get('general')!;
  const loading = history.loadOlder('general');
  store.dispatch({ type: 'trim', room: 'general' });
  const firstAfterTrim = room().messages[0]!.seq;
  expect(firstAfterTrim).toBeGreaterThan(101);
  await loading;
  // No page from before 101 glued onto a list that now starts later: the seqs stay contiguous.
  const seqs = room().messages.map((m) => m.seq);
  expect(seqs[0]).toBe(firstAfterTrim);
  expect(seqs.every((s, i) => i === 0 || s === seqs[i - 1]! + 1)).toBe(true);
  expect(room().hasOlder).toBe(true);
  await history.loadOlder('general');
  expect(room().messages[0]!.seq).toBe(firstAfterTrim - 50);
});
