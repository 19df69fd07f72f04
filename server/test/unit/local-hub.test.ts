import { describe, expect, it } from 'vitest';
import { Connection } from '../../src/core/connection.js';
import { LocalHub } from '../../src/core/local-hub.js';
import { outgoingFrame } from '../../src/ports/socket.js';
import { RecordingSocket } from '../helpers/recording-socket.js';

const frame = (text: string) => outgoingFrame(new TextEncoder().encode(text));

function member(hub: LocalHub, id: string, room = 'general', log?: string[]) {
  const socket = new RecordingSocket(id, log);
  const connection = new Connection(
    id,
    { id: `user-${id}`, username: id, color: '#ffffff' },
    `s-${id}`,
    socket,
    1 << 20,
  );
  hub.addConnection(connection);
  connection.beginJoin(room);
  hub.joinRoom(room, connection);
  connection.finishJoin(room, { type: 'joined', room, messages: [], complete: true, online: [], onlineCount: 0 }, 0);
  socket.written.length = 0;
  socket.writes.length = 0;
  if (log) log.length = 0;
  return { connection, socket };
}

const tick = () => new Promise<void>((resolve) => queueMicrotask(resolve));

describe('LocalHub', () => {
  it('gives one event the same frame object for every member, once the task is done', async () => {
    const hub = new LocalHub();
    const members = ['a', 'b', 'c'].map((id) => member(hub, id));
    const shared = frame('m1');
    hub.broadcast('general', shared, 1);
    expect(members.every(({ socket }) => socket.writes.length === 0)).toBe(true);
    await tick();
    for (const { socket } of members) expect(socket.writes).toEqual([{ messages: ['m1'], frame: shared }]);
  });

  it('writes the messages of one task to each socket in one write, the senders getting their acks in seq order', async () => {
    const hub = new LocalHub();
    const [a, b, c] = ['a', 'b', 'c'].map((id) => member(hub, id)) as [
      ReturnType<typeof member>,
      ReturnType<typeof member>,
      ReturnType<typeof member>,
    ];
    hub.broadcast('general', frame('m1'), 1, { connection: a.connection, frame: frame('ack1') });
    hub.broadcast('general', frame('m2'), 2, { connection: b.connection, frame: frame('ack2') });
    hub.broadcast('general', frame('presence'), undefined);
    hub.broadcast('general', frame('typing-c'), undefined, { connection: c.connection, frame: undefined });
    await tick();
    expect(a.socket.writes.map((w) => w.messages)).toEqual([['ack1', 'm2', 'presence', 'typing-c']]);
    expect(b.socket.writes.map((w) => w.messages)).toEqual([['m1', 'ack2', 'presence', 'typing-c']]);
    // The typist does not get its own typing event.
    expect(c.socket.writes.map((w) => w.messages)).toEqual([['m1', 'm2', 'presence']]);
  });

  it('writes to the senders first, so an ack does not wait for the whole room', async () => {
    const hub = new LocalHub();
    const log: string[] = [];
    const members = ['a', 'b', 'c', 'd'].map((id) => member(hub, id, 'general', log));
    hub.broadcast('general', frame('m1'), 1, { connection: members[3]!.connection, frame: frame('ack1') });
    await tick();
    expect(log).toEqual(['d', 'a', 'b', 'c']);
  });

  it('hands a join the events of the current task before it answers, so joined and live events neither gap nor repeat', () => {
    const hub = new LocalHub();
    const watcher = member(hub, 'w');
    const socket = new RecordingSocket();
    const joiner = new Connection('j', { id: 'user-j', username: 'j', color: '#ffffff' }, 's-j', socket, 1 << 20);
    hub.addConnection(joiner);
    joiner.beginJoin('general');
    hub.joinRoom('general', joiner);
    hub.broadcast('general', frame('m5'), 5);
    hub.broadcast('general', frame('m6'), 6);
    // What the join action does: flush, then answer with history up to seq 5.
    hub.flush();
    joiner.finishJoin(
      'general',
      { type: 'joined', room: 'general', messages: [], complete: true, online: [], onlineCount: 0 },
      5,
    );
    expect(socket.written.slice(1)).toEqual(['m6']);
    expect(JSON.parse(socket.written[0]!)).toMatchObject({ type: 'joined' });
    expect(watcher.socket.written).toEqual(['m5', 'm6']);
  });

  it('still acks a sender that left the room before the write, and sends it nothing else of the room', async () => {
    const hub = new LocalHub();
    const sender = member(hub, 's');
    const other = member(hub, 'o');
    hub.broadcast('general', frame('m1'), 1, { connection: sender.connection, frame: frame('ack1') });
    hub.broadcast('general', frame('m2'), 2);
    sender.connection.leave('general');
    hub.leaveRoom('general', sender.connection);
    await tick();
    expect(sender.socket.written).toEqual(['ack1']);
    expect(other.socket.written).toEqual(['m1', 'm2']);
  });
});
