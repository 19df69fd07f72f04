import { describe, expect, it } from 'vitest';
import { Connection } from '../../src/core/connection.js';
import { outgoingFrame } from '../../src/ports/socket.js';
import { RecordingSocket } from '../helpers/recording-socket.js';

const user = { id: 'u1', username: 'alice', color: '#ffffff' };
const bytes = (text: string) => outgoingFrame(new TextEncoder().encode(text));
/** One room event as the hub hands it over: the frame, and the event list a join holds back. */
const event = (text: string, seq: number | undefined) => {
  const frame = bytes(text);
  return [frame, [{ frame, seq }]] as const;
};

describe('Connection', () => {
  it('holds room events during a join and releases only those the joined frame did not cover', () => {
    const socket = new RecordingSocket();
    const connection = new Connection('c1', user, 's1', socket, 1 << 20);
    connection.beginJoin('general');
    connection.deliver('general', ...event('seq5', 5));
    connection.deliver('general', ...event('presence', undefined));
    connection.deliver('general', ...event('seq7', 7));
    expect(socket.written).toEqual([]);
    connection.finishJoin(
      'general',
      { type: 'joined', room: 'general', messages: [], complete: true, online: [], onlineCount: 0 },
      6,
    );
    expect(socket.written.slice(1)).toEqual(['presence', 'seq7']);
    connection.deliver('general', ...event('seq8', 8));
    connection.deliver('other', ...event('not mine', 1));
    expect(socket.written.at(-1)).toBe('seq8');
    expect(socket.written).toHaveLength(4);
  });

  it('closes a slow consumer with 4408 instead of buffering without bound', () => {
    const socket = new RecordingSocket();
    const connection = new Connection('c1', user, 's1', socket, 1000);
    connection.send({ type: 'pong' });
    socket.bufferedAmount = 995;
    connection.send({ type: 'pong' });
    expect(socket.closedWith).toBe(4408);
    expect(socket.written).toHaveLength(1);
  });

  it('runs queued tasks in order even when one fails', async () => {
    const connection = new Connection('c1', user, 's1', new RecordingSocket(), 1000);
    const order: number[] = [];
    const first = connection.enqueue(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      order.push(1);
      throw new Error('boom');
    });
    const second = connection.enqueue(() => {
      order.push(2);
      return Promise.resolve();
    });
    await expect(first).rejects.toThrow('boom');
    await second;
    expect(order).toEqual([1, 2]);
  });
});
