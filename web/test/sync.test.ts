/**
 * Sync joins every followed room on `ready` (resuming after each room's watermark), and joins a
 * room again with `after` when a live frame shows one was lost — once, and only if the frame under
 * it does not turn up late.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { ClientFrame, ServerFrame } from '../../protocol/frames.js';
import type { Connection } from '../src/connection.js';
import type { History } from '../src/history.js';
import { createStore, type Store } from '../src/store.js';
import { createSync, type Sync, type SyncEvents } from '../src/sync.js';
import { RoomModel } from './helpers/room-model.js';

const ann = { id: 'u1', username: 'ann', color: '#88ff88' };
const ben = { id: 'u2', username: 'ben', color: '#ffcc88' };

let sent: ClientFrame[];
let up: boolean;
let store: Store;
const roomsChanged = vi.fn();
let sync: Sync;
let events: SyncEvents;

beforeEach(() => {
  vi.useFakeTimers();
  sent = [];
  up = false;
  roomsChanged.mockReset();
  // Like the real one: frames go out only once the server said ready.
  const conn: Connection = {
    start: vi.fn(),
    stop: vi.fn(),
    retryNow: vi.fn(),
    renewToken: vi.fn(),
    send: (frame) => up && (sent.push(frame), true),
  };
  const history: History = { loadOlder: vi.fn(), reload: vi.fn() };
  events = {
    onNotice: vi.fn(),
    onError: vi.fn(),
    onDone: vi.fn(),
    onLiveMessage: vi.fn(),
    onTyping: vi.fn(),
    onRoomsChanged: roomsChanged,
    onLeft: vi.fn(),
    onSlowMode: vi.fn(),
  };
  store = createStore();
  sync = createSync(store, () => conn, history, events);
});
afterEach(() => vi.useRealTimers());

const joins = () => sent.filter((f) => f.type === 'join');
const handle = (frame: ServerFrame | undefined) => {
  if (frame?.type === 'ready') up = true;
  sync.handle(frame!);
};

it('joins the rooms it follows on ready, then resumes after their watermarks', () => {
  const room = new RoomModel();
  sync.follow(['general']);
  expect(joins()).toEqual([]); // not connected yet
  handle({ type: 'ready', user: ann, sessionId: 's' });
  expect(joins()).toEqual([{ type: 'join', room: 'general' }]);
  handle(room.freshJoin(ann));
  handle(room.memberJoin(ben));
  handle(room.send(ben, 'hi'));
  up = false;
  sync.disconnected();
  sent = [];
  handle({ type: 'ready', user: ann, sessionId: 's' });
  expect(joins()).toEqual([{ type: 'join', room: 'general', after: 2 }]);
  expect(roomsChanged).toHaveBeenCalledTimes(2);
});

it('joins again with after when a frame was lost, once', () => {
  const room = new RoomModel();
  sync.follow(['general']);
  handle({ type: 'ready', user: ann, sessionId: 's' });
  handle(room.freshJoin(ann));
  sent = [];
  room.send(ben, 'lost on the way');
  handle(room.send(ben, 'arrived'));
  handle(room.react(ben, 'm2', '👍'));
  expect(joins()).toEqual([]); // it may only be late
  vi.advanceTimersByTime(1000);
  expect(joins()).toEqual([{ type: 'join', room: 'general', after: 0 }]);
  handle(room.send(ben, 'still behind'));
  vi.advanceTimersByTime(1000);
  expect(joins()).toHaveLength(1); // the answer is on its way
  handle(room.joinAfter(ann, 0));
  expect(
    store
      .getState()
      .rooms.get('general')
      ?.messages.map((m) => m.text),
  ).toEqual(['lost on the way', 'arrived', 'still behind']);
  expect(store.getState().rooms.get('general')?.lastSeq).toBe(room.seq);
});

it('does not join again when the missing frame arrives late (an ack ahead of a broadcast)', () => {
  const room = new RoomModel();
  sync.follow(['general']);
  handle({ type: 'ready', user: ann, sessionId: 's' });
  handle(room.freshJoin(ann));
  sent = [];
  const broadcast = room.send(ben, 'first');
  const mine = room.send(ann, 'second');
  handle(mine.type === 'message' ? { type: 'ack', clientMsgId: 'c1', message: mine.message } : undefined);
  handle(broadcast);
  vi.advanceTimersByTime(1000);
  expect(joins()).toEqual([]);
});

it('stops following a room: leaves it on the socket and forgets what it held', () => {
  const room = new RoomModel('dev');
  sync.follow(['general', 'dev']);
  handle({ type: 'ready', user: ann, sessionId: 's' });
  handle(room.freshJoin(ann));
  sync.follow(['general']);
  expect(sent.at(-1)).toEqual({ type: 'leave', room: 'dev' });
  expect(store.getState().rooms.has('dev')).toBe(false);
});

/** Joined to #general, I send one message and the server answers NOT_IN_ROOM for it. */
function refusedNotInRoom(room: RoomModel): void {
  sync.follow(['general']);
  handle({ type: 'ready', user: ann, sessionId: 's' });
  handle(room.freshJoin(ann));
  sync.sendText('general', 'hello');
  const send = sent.find((f) => f.type === 'send');
  expect(send?.type).toBe('send');
  sent = [];
  const ref = send?.type === 'send' ? send.clientMsgId : '';
  handle({ type: 'error', code: 'NOT_IN_ROOM', message: 'Join the room first.', ref });
}

it('after NOT_IN_ROOM for my message, joins again when no left frame follows, and the message goes out', () => {
  const room = new RoomModel();
  refusedNotInRoom(room);
  expect(sync.isJoined('general')).toBe(false);
  vi.advanceTimersByTime(1000);
  expect(joins()).toEqual([{ type: 'join', room: 'general', after: 0 }]);
  handle(room.joinAfter(ann, 0));
  expect(sent.filter((f) => f.type === 'send')).toHaveLength(1);
});

it('after NOT_IN_ROOM followed by left, does not join again', () => {
  refusedNotInRoom(new RoomModel());
  handle({ type: 'left', room: 'general', reason: 'removed' });
  vi.advanceTimersByTime(1000);
  expect(joins()).toEqual([]);
});
