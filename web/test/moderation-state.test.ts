/**
 * Moderation in the client's state: system lines from live and replayed events (once each, in seq
 * order), my mutes from events, refusals and the room list, the room's modes and my role in the
 * list, and a tombstone that remembers a moderator removed the message.
 */
import { describe, expect, it } from 'vitest';
import type { Room } from '../../protocol/frames.js';
import type { RoomEvent } from '../../protocol/events.js';
import { mutedText, noteText } from '../src/moderation/words.js';
import { initialState, reduce, roomEntry, type ChatState } from '../src/state.js';
import type { HeldMessage } from '../src/state/messages.js';
import { NOTES_MAX } from '../src/state/moderation.js';

const ann = { id: 'u1', username: 'ann', color: '#88ff88' };
const ben = { id: 'u2', username: 'ben', color: '#8888ff' };
const at = '2026-01-01T10:00:00.000Z';

function room(name: string, extra: Partial<Room> = {}): Room {
  const base: Room = {
    name,
    kind: 'room',
    topic: '',
    visibility: 'public',
    memberCount: 2,
    member: true,
    lastSeq: 1,
    createdAt: at,
  };
  return { ...base, ...extra };
}

function start(): ChatState {
  let s = reduce(initialState, { type: 'ready', user: ann, roles: ['admin'] });
  s = reduce(s, { type: 'rooms', rooms: [room('general', { role: 'member' })] });
  const message = { id: 'm1', room: 'general', seq: 1, user: ben, text: 'hi', createdAt: at };
  return reduce(s, { type: 'joined', room: 'general', messages: [message], complete: true, online: [], lastSeq: 1 });
}

const ev = (e: Omit<RoomEvent, 'room' | 'at'> & Record<string, unknown>): RoomEvent =>
  ({ room: 'general', at, ...e }) as RoomEvent;

describe('moderation in the state', () => {
  it('keeps the roles the ready frame gave', () => {
    expect(start().roles).toEqual(['admin']);
  });

  it('adds a system line per moderation event, once, in seq order; topic changes and joins are not lines', () => {
    let s = start();
    const kick = ev({ seq: 3, kind: 'member_kick', actor: ann, user: ben, reason: 'spam' });
    const mode = ev({ seq: 2, kind: 'room_change', actor: ann, readOnly: true });
    s = reduce(s, { type: 'event', event: kick });
    s = reduce(s, { type: 'event', event: mode });
    s = reduce(s, { type: 'event', event: kick });
    s = reduce(s, { type: 'event', event: ev({ seq: 4, kind: 'room_change', actor: ann, topic: 'new' }) });
    s = reduce(s, { type: 'event', event: ev({ seq: 5, kind: 'member_join', actor: ben, user: ben }) });
    expect(s.rooms.get('general')!.notes.map((n) => n.seq)).toEqual([2, 3]);
    expect(noteText(s.rooms.get('general')!.notes[1]!, ann)).toBe('you removed ben from the room — spam');
    expect(noteText(s.rooms.get('general')!.notes[0]!, ben)).toBe('ann made the room read-only');
    expect(roomEntry(s, 'general')).toMatchObject({ readOnly: true, memberCount: 2 });
  });

  it('replays moderation lines from a resumed join, and caps how many are held', () => {
    let s = start();
    const events = Array.from({ length: NOTES_MAX + 5 }, (_, i) =>
      ev({ seq: i + 2, kind: 'member_unban', actor: ann, user: ben }),
    );
    s = reduce(s, { type: 'joined', room: 'general', messages: [], complete: true, online: [], events, lastSeq: 300 });
    const notes = s.rooms.get('general')!.notes;
    expect(notes).toHaveLength(NOTES_MAX);
    expect(notes.at(-1)!.seq).toBe(NOTES_MAX + 6);
  });

  it('a mute of me holds until it is lifted; a mute of someone else is only a line', () => {
    let s = start();
    const until = '2026-01-01T11:00:00.000Z';
    s = reduce(s, { type: 'event', event: ev({ seq: 2, kind: 'member_mute', actor: ben, user: ben, until }) });
    expect(s.mutes.size).toBe(0);
    s = reduce(s, {
      type: 'event',
      event: ev({ seq: 3, kind: 'member_mute', actor: ben, user: ann, until, reason: 'calm' }),
    });
    expect(s.mutes.get('general')).toEqual({ until, reason: 'calm' });
    expect(roomEntry(s, 'general')!.mutedUntil).toBe(until);
    expect(mutedText(s.mutes.get('general')!, new Date(until))).toMatch(/^You are muted here until .+ — calm$/);
    s = reduce(s, { type: 'event', event: ev({ seq: 4, kind: 'member_unmute', actor: ben, user: ann }) });
    expect(s.mutes.size).toBe(0);
    expect(roomEntry(s, 'general')!.mutedUntil).toBeUndefined();
  });

  it('the room list is the truth about my mutes; the reason I was told stays with the same mute', () => {
    let s = start();
    const until = '2026-01-01T11:00:00Z';
    s = reduce(s, { type: 'muted', room: 'general', until: '2026-01-01T11:00:00.000Z', reason: 'calm' });
    s = reduce(s, { type: 'rooms', rooms: [room('general', { mutedUntil: until })] });
    expect(s.mutes.get('general')).toMatchObject({ reason: 'calm' });
    s = reduce(s, { type: 'rooms', rooms: [room('general')] });
    expect(s.mutes.size).toBe(0);
  });

  it('my new room role reaches the list', () => {
    let s = start();
    s = reduce(s, {
      type: 'event',
      event: ev({ seq: 2, kind: 'member_role', actor: ben, user: ann, role: 'moderator' }),
    });
    expect(roomEntry(s, 'general')!.role).toBe('moderator');
  });

  it('a message removed by a moderator says so; one deleted by its author does not', () => {
    let s = start();
    s = reduce(s, {
      type: 'event',
      event: ev({ seq: 2, kind: 'delete', actor: ann, messageId: 'm1', byModerator: true }),
    });
    const m = s.rooms.get('general')!.messages[0] as HeldMessage;
    expect(m).toMatchObject({ text: '', removedByModerator: true });
  });

  it('kicked or banned: what waited to be sent there fails, saying why', () => {
    let s = start();
    s = reduce(s, {
      type: 'queue',
      pending: { clientMsgId: 'c1', room: 'general', text: 'x', createdAt: at, status: 'pending' },
    });
    s = reduce(s, { type: 'left', room: 'general', reason: 'banned' });
    expect(s.pending[0]).toMatchObject({ status: 'failed', error: 'A moderator banned you from this room.' });
  });
});
