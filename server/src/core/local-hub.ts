import type { OutgoingFrame } from '../ports/socket.js';
import type { Connection } from './connection.js';

/**
 * This node's index of live connections by room and by session. It hands one event's bytes to
 * every local connection in a room; it knows nothing about other nodes (the bus does that).
 */
export class LocalHub {
  private readonly byRoom = new Map<string, Set<Connection>>();
  private readonly bySession = new Map<string, Set<Connection>>();
  private readonly byUser = new Map<string, Set<Connection>>();
  private readonly all = new Set<Connection>();

  addConnection(connection: Connection): void {
    this.all.add(connection);
    addTo(this.bySession, connection.sessionId, connection);
    addTo(this.byUser, connection.user.id, connection);
  }

  removeConnection(connection: Connection): void {
    this.all.delete(connection);
    removeFrom(this.bySession, connection.sessionId, connection);
    removeFrom(this.byUser, connection.user.id, connection);
    for (const room of connection.rooms) removeFrom(this.byRoom, room, connection);
  }

  joinRoom(room: string, connection: Connection): void {
    addTo(this.byRoom, room, connection);
  }

  leaveRoom(room: string, connection: Connection): void {
    removeFrom(this.byRoom, room, connection);
  }

  broadcast(room: string, frame: OutgoingFrame, seq: number | undefined, exceptConnectionId?: string): void {
    const members = this.byRoom.get(room);
    if (!members) return;
    for (const connection of members) {
      if (connection.id !== exceptConnectionId) connection.deliver(room, frame, seq);
    }
  }

  connectionsOfSession(sessionId: string): Connection[] {
    return [...(this.bySession.get(sessionId) ?? [])];
  }

  countOfUser(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  connections(): Connection[] {
    return [...this.all];
  }

  get size(): number {
    return this.all.size;
  }
}

function addTo(index: Map<string, Set<Connection>>, key: string, connection: Connection): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(connection);
}

function removeFrom(index: Map<string, Set<Connection>>, key: string, connection: Connection): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(connection);
  if (set.size === 0) index.delete(key);
}
