/**
 * The marks between messages: a date when the day changes, and the "new messages" line before the
 * first message after my read marker as it was when I opened the room.
 */
import { describe, expect, it } from 'vitest';
import type { Message } from '../../protocol/frames.js';
import { dayLabel, indexOfSeq, marksBefore, unreadFrom } from '../src/ui/message-marks.js';

const ben = { id: 'u2', username: 'ben', color: '#ffcc88' };
const at = (seq: number, createdAt: Date): Message => ({
  id: `m${seq}`,
  room: 'general',
  seq,
  user: ben,
  text: `line ${seq}`,
  createdAt: createdAt.toISOString(),
});
const now = new Date(2025, 5, 18, 15, 0);
const local = (day: number, hour: number) => new Date(2025, 5, day, hour, 0);

describe('day separators', () => {
  it('says Today, Yesterday, or the date', () => {
    expect(dayLabel(local(18, 0).toISOString(), now)).toBe('Today');
    expect(dayLabel(local(17, 23).toISOString(), now)).toBe('Yesterday');
    expect(dayLabel(local(10, 9).toISOString(), now)).toContain('10');
    expect(dayLabel(new Date(2023, 0, 2).toISOString(), now)).toContain('2023');
  });

  it('goes before the first message of each day, and before the first one held', () => {
    const a = at(1, local(17, 22));
    const b = at(2, local(17, 23));
    const c = at(4, local(18, 1));
    expect(marksBefore(a, undefined, true, Infinity, now).day).toBe('Yesterday');
    expect(marksBefore(b, a, true, Infinity, now).day).toBeNull();
    expect(marksBefore(c, b, true, Infinity, now).day).toBe('Today');
  });
});

describe('the "new messages" line', () => {
  const list = [at(3, local(18, 1)), at(5, local(18, 2)), at(8, local(18, 3))];

  it('sits before the first message after the read marker as it was when the room opened', () => {
    const from = unreadFrom(list, 4);
    expect(from).toBe(4);
    expect(list.map((m, i) => marksBefore(m, list[i - 1], false, from, now).unread)).toEqual([false, true, false]);
  });

  it('is not drawn when nothing held was unread, nor above the oldest held while older ones exist', () => {
    expect(unreadFrom(list, 8)).toBe(Infinity);
    expect(marksBefore(list[0]!, undefined, true, 1, now).unread).toBe(false);
    expect(marksBefore(list[0]!, undefined, false, 1, now).unread).toBe(true);
  });

  it('finds a window by seq', () => {
    expect(indexOfSeq(list, 5)).toBe(1);
    expect(indexOfSeq(list, 6)).toBe(2);
    expect(indexOfSeq(list, 9)).toBe(3);
    expect(indexOfSeq(list, 0)).toBe(0);
  });
});
