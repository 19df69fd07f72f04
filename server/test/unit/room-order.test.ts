import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RoomOrder } from '../../src/core/room-order.js';
import { outgoingFrame } from '../../src/ports/socket.js';
import type { Connection } from '../../src/core/connection.js';

/** Records what RoomOrder hands to the hub, as "room:seq" (or "room:-" for seq-less events). */
function recorder() {
  const delivered: string[] = [];
  const excepts: (string | undefined)[] = [];
  const order = new RoomOrder((room, _frame, seq, personal) => {
    delivered.push(`${room}:${seq ?? '-'}`);
    excepts.push(personal?.connection.id);
  }, 250);
  const push = (room: string, seq: number | undefined, except?: string) =>
    order.push(
      room,
      outgoingFrame(new Uint8Array()),
      seq,
      except === undefined ? undefined : { connection: { id: except } as Connection, frame: undefined },
    );
  return { order, push, delivered, excepts };
}

describe('RoomOrder', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('hands out in-order messages at once and holds nothing', () => {
    const { order, push, delivered } = recorder();
    for (let seq = 7; seq <= 10; seq++) push('a', seq);
    expect(delivered).toEqual(['a:7', 'a:8', 'a:9', 'a:10']);
    expect(order.heldCount).toBe(0);
  });

  it('holds a message that overtook an earlier seq and releases the run once the gap fills', () => {
    const { order, push, delivered, excepts } = recorder();
    push('a', 1);
    push('a', 3, 'sender-conn');
    push('a', 4);
    push('b', 1); // another room is not held up
    push('a', undefined); // presence or typing: not ordered
    expect(delivered).toEqual(['a:1', 'b:1', 'a:-']);
    expect(order.heldCount).toBe(2);
    push('a', 2);
    expect(delivered).toEqual(['a:1', 'b:1', 'a:-', 'a:2', 'a:3', 'a:4']);
    // The sender's own connection is still skipped for its message, however late it goes out.
    expect(excepts[delivered.indexOf('a:3')]).toBe('sender-conn');
    expect(order.heldCount).toBe(0);
    // The timer was cleared: nothing happens later.
    vi.advanceTimersByTime(1000);
    expect(delivered).toHaveLength(6);
  });

  it('gives up on a gap after the hold time, in order, and still delivers the missing seq if it comes', () => {
    const { order, push, delivered } = recorder();
    push('a', 1);
    push('a', 3);
    push('a', 6);
    push('a', 4);
    vi.advanceTimersByTime(249);
    expect(delivered).toEqual(['a:1']);
    vi.advanceTimersByTime(1);
    // Seq 2 is given up: 3 and 4 go out; 6 waits for 5 with a fresh hold.
    expect(delivered).toEqual(['a:1', 'a:3', 'a:4']);
    expect(order.heldCount).toBe(1);
    push('a', 2); // lost and found: below the next seq, so out at once (clients keep messages by seq)
    expect(delivered.at(-1)).toBe('a:2');
    vi.advanceTimersByTime(250);
    expect(delivered).toEqual(['a:1', 'a:3', 'a:4', 'a:2', 'a:6']);
    push('a', 7);
    expect(delivered.at(-1)).toBe('a:7');
    expect(order.heldCount).toBe(0);
  });

  it('flushAll hands out everything held, in order (shutdown)', () => {
    const { order, push, delivered } = recorder();
    push('a', 1);
    push('a', 5);
    push('a', 3);
    push('b', 10);
    push('b', 12);
    order.flushAll();
    expect(delivered).toEqual(['a:1', 'b:10', 'a:3', 'a:5', 'b:12']);
    expect(order.heldCount).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
