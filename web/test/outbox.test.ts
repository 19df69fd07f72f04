/**
 * The outbox through sync, against a scripted server: my messages go out one at a time in the order
 * I wrote them, at the advertised pace; a RATE_LIMITED one waits (never "failed") with everything
 * after it and goes again with the same clientMsgId after `retryAfter`; other refusals fail it and
 * let the next one go.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { ClientFrame, ServerFrame, ServerLimits } from '../../protocol/frames.js';
import type { Connection } from '../src/connection.js';
import type { History } from '../src/history.js';
import { createStore, type Store } from '../src/store.js';
import { createSync, type Sync, type SyncEvents } from '../src/sync.js';
import { RoomModel } from './helpers/room-model.js';

const ann = { id: 'u1', username: 'ann', color: '#88ff88' };
type SendFrame = Extract<ClientFrame, { type: 'send' }>;

let sent: ClientFrame[];
let up: boolean;
let store: Store;
let sync: Sync;
let events: SyncEvents;
const onSlowMode = vi.fn<(room: string, seconds: number) => void>();
const onError = vi.fn<(text: string) => void>();
const onDone = vi.fn<() => void>();
let room: RoomModel;

beforeEach(() => {
  vi.useFakeTimers();
  onError.mockReset();
  onDone.mockReset();
  onSlowMode.mockReset();
  sent = [];
  up = false;
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
    onError,
    onDone,
    onLiveMessage: vi.fn(),
    onTyping: vi.fn(),
    onRoomsChanged: vi.fn(),
    onLeft: vi.fn(),
    onSlowMode,
  };
  store = createStore();
  sync = createSync(store, () => conn, history, events);
  room = new RoomModel();
});
afterEach(() => vi.useRealTimers());

const LIMITS: ServerLimits = {
  messageMaxChars: 4000,
  messageMaxBytes: 16_384,
  messagesPerSecond: 5,
  messagesBurst: 20,
};

function connect(limits: ServerLimits = LIMITS): void {
  up = true;
  sync.follow(['general']);
  sync.handle({ type: 'ready', user: ann, sessionId: 's', limits });
  sync.handle(room.freshJoin(ann));
}

const sends = (): SendFrame[] => sent.filter((f): f is SendFrame => f.type === 'send');
const texts = (): string[] => sends().map((f) => f.text);

/** The server stores the last message sent and acknowledges it. */
function ack(frame: SendFrame = sends().at(-1)!): void {
  const live = room.send(ann, frame.text);
  if (live.type !== 'message') throw new Error('expected a message');
  sync.handle({ type: 'ack', clientMsgId: frame.clientMsgId, message: live.message } satisfies ServerFrame);
}

function refuse(
  frame: SendFrame,
  code: 'RATE_LIMITED' | 'STORE_UNAVAILABLE' | 'SLOW_MODE' | 'MUTED',
  retryAfter?: number,
  details: { until?: string; reason?: string } = {},
): void {
  sync.handle({
    type: 'error',
    code,
    message: code === 'STORE_UNAVAILABLE' ? 'The store is unavailable.' : 'Not now.',
    ref: frame.clientMsgId,
    room: frame.room,
    ...(retryAfter === undefined ? {} : { retryAfter }),
    ...details,
  });
}

const statuses = () => store.getState().pending.map((p) => p.status);

it('sends one message at a time, in the order written, each after the previous one is answered', () => {
  connect();
  for (let i = 1; i <= 5; i++) sync.sendText('general', `m${i}`);
  expect(texts()).toEqual(['m1']);
  ack();
  expect(texts()).toEqual(['m1', 'm2']);
  ack();
  ack();
  ack();
  ack();
  expect(texts()).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
  expect(store.getState().pending).toEqual([]);
  expect(onDone).toHaveBeenCalledTimes(5);
});

it('keeps to the advertised pace: a burst under the server, then a little under its rate', () => {
  connect({ ...LIMITS, messagesPerSecond: 2, messagesBurst: 4 });
  for (let i = 1; i <= 5; i++) sync.sendText('general', `m${i}`);
  ack();
  ack();
  expect(texts()).toHaveLength(3); // a burst of 3 (4 × 0.75) goes at once
  ack();
  expect(texts()).toHaveLength(3); // the bucket is empty: the 4th waits
  vi.advanceTimersByTime(600);
  expect(texts()).toHaveLength(3);
  vi.advanceTimersByTime(25); // 1 / (2 × 0.8) s = 625 ms
  expect(texts()).toHaveLength(4);
  ack();
  vi.advanceTimersByTime(624);
  expect(texts()).toHaveLength(4);
  vi.advanceTimersByTime(1);
  expect(texts()).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
});

it('puts a rate-limited message back to waiting and holds the rest until retryAfter, then resends in order', () => {
  connect();
  for (let i = 1; i <= 4; i++) sync.sendText('general', `m${i}`);
  ack();
  const refused = sends().at(-1)!;
  expect(refused.text).toBe('m2');
  refuse(refused, 'RATE_LIMITED', 2);
  // Not failed, no error shown, and nothing after it overtakes it.
  expect(statuses()).toEqual(['pending', 'pending', 'pending']);
  expect(onError).not.toHaveBeenCalled();
  expect(texts()).toEqual(['m1', 'm2']);
  sync.sendText('general', 'm5'); // typing on meanwhile changes nothing
  vi.advanceTimersByTime(1999);
  expect(texts()).toEqual(['m1', 'm2']);
  vi.advanceTimersByTime(1);
  expect(sends().at(-1)).toEqual(refused); // the same clientMsgId: never a duplicate
  ack();
  // The bucket refilled during the hold (2 s × 4/s): the rest goes now, in order.
  ack();
  ack();
  ack();
  expect(texts()).toEqual(['m1', 'm2', 'm2', 'm3', 'm4', 'm5']);
  expect(room.ids).toHaveLength(5);
  expect(store.getState().pending).toEqual([]);
});

it('slow mode is a wait too: the message waits retryAfter (not failed), the composer hears how long', () => {
  connect();
  sync.sendText('general', 'm1');
  ack();
  sync.sendText('general', 'm2');
  const refused = sends().at(-1)!;
  refuse(refused, 'SLOW_MODE', 30);
  expect(statuses()).toEqual(['pending']);
  expect(onError).not.toHaveBeenCalled();
  expect(onSlowMode).toHaveBeenCalledWith('general', 30);
  vi.advanceTimersByTime(29_999);
  expect(texts()).toEqual(['m1', 'm2']);
  vi.advanceTimersByTime(1);
  expect(sends().at(-1)).toEqual(refused);
  ack();
  expect(store.getState().pending).toEqual([]);
});

it('a MUTED refusal fails the message with until and reason, and remembers the mute for the composer', () => {
  connect();
  sync.sendText('general', 'm1');
  const until = new Date(Date.now() + 3_600_000).toISOString();
  refuse(sends().at(-1)!, 'MUTED', undefined, { until, reason: 'cool off' });
  expect(statuses()).toEqual(['failed']);
  expect(store.getState().pending[0]!.error).toMatch(/^You are muted here until .+ — cool off$/);
  expect(store.getState().mutes.get('general')).toEqual({ until, reason: 'cool off' });
  // The composer says it where the person writes: no notice on top.
  expect(onError).not.toHaveBeenCalled();
});

it('fails a message refused for another reason, says why, and lets the next one go', () => {
  connect();
  sync.sendText('general', 'm1');
  sync.sendText('general', 'm2');
  refuse(sends().at(-1)!, 'STORE_UNAVAILABLE');
  expect(statuses()).toEqual(['failed', 'pending']);
  expect(onError).toHaveBeenCalledWith('The store is unavailable.');
  expect(texts()).toEqual(['m1', 'm2']);
  ack();
  // Retry sends the failed one again with its id, behind nothing.
  const failedId = store.getState().pending[0]!.clientMsgId;
  sync.retry(failedId);
  expect(sends().at(-1)!.clientMsgId).toBe(failedId);
});

it('keeps what was typed offline and what was in flight, and sends it after the next join with the same ids', () => {
  sync.sendText('general', 'offline 1'); // never connected yet
  connect();
  sync.sendText('general', 'offline 2');
  const first = sends()[0]!;
  expect(first.text).toBe('offline 1');
  // The socket drops before the answer.
  up = false;
  sync.disconnected();
  sync.sendText('general', 'offline 3');
  expect(sends()).toHaveLength(1);
  connect();
  expect(sends()[1]).toEqual(first);
  ack();
  ack();
  ack();
  expect(texts()).toEqual(['offline 1', 'offline 1', 'offline 2', 'offline 3']);
});

it('waits for its room to be joined on this socket, whatever other rooms are joined', () => {
  up = true;
  sync.follow(['general', 'other']);
  sync.handle({ type: 'ready', user: ann, sessionId: 's', limits: LIMITS });
  sync.handle(new RoomModel('other').freshJoin(ann));
  sync.sendText('general', 'for general');
  expect(sends()).toEqual([]);
  sync.handle(room.freshJoin(ann));
  expect(texts()).toEqual(['for general']);
});

it('adopts the limits the server advertises', () => {
  connect({ ...LIMITS, messageMaxChars: 50 });
  expect(store.getState().limits.messageMaxChars).toBe(50);
});

it('sends my files with the message, and again with the same clientMsgId and files after a reconnect', () => {
  const file = { id: 'f'.repeat(22), name: 'cat.png', type: 'image/png', size: 10, thumbnail: true };
  connect();
  sync.sendText('general', '', undefined, [file]);
  const first = sends()[0]!;
  expect(first).toMatchObject({ text: '', files: [file.id] });
  expect(store.getState().pending[0]?.files).toEqual([file]);
  // The socket drops before the ack: after the next join the same message goes again, files and all.
  up = false;
  sync.disconnected();
  connect();
  const again = sends().at(-1)!;
  expect(sends()).toHaveLength(2);
  expect(again).toEqual(first);
  ack(again);
  expect(store.getState().pending).toEqual([]);
});
