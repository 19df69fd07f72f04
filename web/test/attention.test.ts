/**
 * What the tab shows and when a notification goes out: the unread total behind the title and the
 * favicon, the title's text, the per-room levels and their defaults, the notification rules and
 * text, and when the online list counts as stale.
 */
import { describe, expect, it } from 'vitest';
import type { Message, Room, User } from '../../protocol/frames.js';
import { countText, titleText, unreadTotal } from '../src/attention/unread.js';
import { notificationText, plainExcerpt, shouldNotify } from '../src/attention/notify-policy.js';
import { createNotifySettings, defaultLevel } from '../src/attention/notify-settings.js';
import { initialState, reduce, type ChatState } from '../src/state.js';
import { createPresenceFreshness } from '../src/ui/online-list.js';

const ann: User = { id: 'u1', username: 'ann', color: '#88ff88' };
const ben: User = { id: 'u2', username: 'ben', color: '#ffcc88' };

function room(name: string, extra: Partial<Room> = {}): Room {
  return {
    name,
    kind: 'room',
    visibility: 'public',
    topic: '',
    lastSeq: 0,
    memberCount: 2,
    createdAt: '2025-01-01T00:00:00.000Z',
    member: true,
    unread: 0,
    mentions: 0,
    ...extra,
  };
}

function stateWith(rooms: Room[], active: string | null): ChatState {
  let s = reduce(initialState, { type: 'ready', user: ann });
  s = reduce(s, { type: 'rooms', rooms });
  return reduce(s, { type: 'open', room: active });
}

const message = (extra: Partial<Message> = {}): Message => ({
  id: 'm1',
  room: 'general',
  seq: 1,
  user: ben,
  text: 'hello',
  createdAt: '2025-01-01T00:00:00.000Z',
  ...extra,
});

describe('the unread count in the title and on the favicon', () => {
  const rooms = [
    room('general', { unread: 2 }),
    room('side', { unread: 3 }),
    room('lobby', { member: false, unread: 50 }),
    room('dm-x', { kind: 'dm', members: [ann, ben], unread: 1 }),
  ];

  it('sums my rooms; the open one only while the page is not visible (it is being read)', () => {
    const s = stateWith(rooms, 'general');
    expect(unreadTotal(s, true)).toBe(4);
    expect(unreadTotal(s, false)).toBe(6);
  });

  it('says 99+ past 99, as the server stops counting at 100', () => {
    expect(countText(5)).toBe('5');
    expect(countText(99)).toBe('99');
    expect(countText(100)).toBe('99+');
    expect(countText(340)).toBe('99+');
  });

  it('puts the count before the room and the app name', () => {
    const s = stateWith(rooms, 'general');
    expect(titleText(s, 3)).toBe('(3) #general — Parley');
    expect(titleText(s, 0)).toBe('#general — Parley');
    expect(titleText(s, 150)).toBe('(99+) #general — Parley');
    expect(titleText(stateWith(rooms, 'dm-x'), 1)).toBe('(1) @ben — Parley');
    expect(titleText(stateWith(rooms, null), 2)).toBe('(2) Parley');
  });

  it('follows live messages and the read marker', () => {
    let s = stateWith([room('general', { lastSeq: 0, lastReadSeq: 0 }), room('side')], 'side');
    s = reduce(s, { type: 'joined', room: 'general', messages: [], complete: true, online: [ann], lastSeq: 0 });
    s = reduce(s, { type: 'message', message: message({ seq: 1 }) });
    s = reduce(s, { type: 'message', message: message({ id: 'm2', seq: 2 }) });
    expect(unreadTotal(s, true)).toBe(2);
    s = reduce(s, { type: 'read', room: 'general', seq: 2 });
    expect(unreadTotal(s, true)).toBe(0);
  });
});

describe('desktop notification rules', () => {
  const mention = message({ text: '@ann look', mentions: [ann.id] });

  it('levels: all notifies every message of others, mentions only mentions of me, none nothing', () => {
    expect(shouldNotify(message(), ann, 'all', false)).toBe(true);
    expect(shouldNotify(message(), ann, 'mentions', false)).toBe(false);
    expect(shouldNotify(mention, ann, 'mentions', false)).toBe(true);
    expect(shouldNotify(message({ mentions: [ben.id] }), ann, 'mentions', false)).toBe(false);
    expect(shouldNotify(mention, ann, 'none', false)).toBe(false);
  });

  it('never while I am looking at the tab, never for my own message, never for a deleted one', () => {
    expect(shouldNotify(mention, ann, 'all', true)).toBe(false);
    expect(shouldNotify(message({ user: ann }), ann, 'all', false)).toBe(false);
    expect(shouldNotify(message({ deletedAt: '2025-01-01T00:00:01.000Z', text: '' }), ann, 'all', false)).toBe(false);
    expect(shouldNotify(message(), null, 'all', false)).toBe(false);
  });

  it('says who wrote, where, and a plain one-line excerpt cut by code points', () => {
    expect(notificationText(message({ text: 'hi **there**\n\n`code`' }), '#general', false)).toEqual({
      title: 'ben in #general',
      body: 'hi there code',
    });
    expect(notificationText(message(), '@ben', true).title).toBe('ben');
    expect(plainExcerpt('# Title\n> quoted [a link](https://x.test) ![pic](https://x.test/p.png)')).toBe(
      'Title quoted a link pic',
    );
    expect(plainExcerpt('<b>not html</b>')).toBe('<b>not html</b>'); // shown as text by the OS, never parsed
    const long = '😀'.repeat(200);
    const cut = plainExcerpt(long);
    expect([...cut]).toHaveLength(140);
    expect(cut.endsWith('😀…')).toBe(true);
  });
});

class MemoryStorage {
  items = new Map<string, string>();
  getItem = (k: string) => this.items.get(k) ?? null;
  setItem = (k: string, v: string) => void this.items.set(k, v);
}

describe('per-room notification levels', () => {
  it('default: all in a DM, mentions in a room', () => {
    expect(defaultLevel('dm')).toBe('all');
    expect(defaultLevel('room')).toBe('mentions');
    expect(defaultLevel(undefined)).toBe('mentions');
  });

  it('remembers a choice per user and room, and ignores what is not a level', () => {
    const storage = new MemoryStorage() as unknown as Storage;
    createNotifySettings(ann.id, storage).set('general', 'none');
    expect(createNotifySettings(ann.id, storage).level('general', 'room')).toBe('none');
    expect(createNotifySettings(ben.id, storage).level('general', 'room')).toBe('mentions');
    storage.setItem(`parley.notify.v1.${ann.id}`, '{"general":"loud","side":"all"}');
    const read = createNotifySettings(ann.id, storage);
    expect(read.level('general', 'room')).toBe('mentions');
    expect(read.level('side', 'room')).toBe('all');
    storage.setItem(`parley.notify.v1.${ann.id}`, 'not json');
    expect(createNotifySettings(ann.id, storage).level('x', 'dm')).toBe('all');
  });
});

describe('the online list while offline', () => {
  it('is stale from the drop until a fresh list for the room arrives on the new socket', () => {
    const fresh = createPresenceFreshness();
    let s = reduce(stateWith([room('general'), room('side')], 'general'), { type: 'online', online: true });
    const joined = (st: ChatState, name: string) =>
      reduce(st, { type: 'joined', room: name, messages: [], complete: true, online: [ann, ben] });
    s = joined(joined(s, 'general'), 'side');
    fresh.update(s, null, 'general');
    const step = (next: ChatState) => {
      const prev = s;
      s = next;
      return fresh.update(s, prev, 'general');
    };
    expect(step(reduce(s, { type: 'presence', room: 'general', joined: [], left: [] }))).toBe(false);
    expect(step(reduce(s, { type: 'online', online: false }))).toBe(true);
    expect(step(reduce(s, { type: 'online', online: true }))).toBe(true); // ready, but not joined again yet
    expect(step(joined(s, 'side'))).toBe(true); // another room's list
    expect(fresh.update(s, s, 'side')).toBe(false);
    expect(step(reduce(s, { type: 'presence', room: 'general', joined: [ben], left: [] }))).toBe(false);
  });
});
