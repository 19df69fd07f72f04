import type { User } from '../../../protocol/index.js';
import type { OnlineList, Presence } from '../ports/presence.js';

/** Presence in one process: per room, per user, the set of that user's connections. */
export class MemoryPresence implements Presence {
  private readonly rooms = new Map<string, Map<string, { user: User; connections: Set<string> }>>();

  add(room: string, user: User, connectionId: string): Promise<boolean> {
    let users = this.rooms.get(room);
    if (!users) this.rooms.set(room, (users = new Map<string, { user: User; connections: Set<string> }>()));
    const entry = users.get(user.id);
    if (entry) {
      entry.connections.add(connectionId);
      return Promise.resolve(false);
    }
    users.set(user.id, { user, connections: new Set([connectionId]) });
    return Promise.resolve(true);
  }

  remove(room: string, userId: string, connectionId: string): Promise<boolean> {
    const users = this.rooms.get(room);
    const entry = users?.get(userId);
    if (!users || !entry || !entry.connections.delete(connectionId)) return Promise.resolve(false);
    if (entry.connections.size > 0) return Promise.resolve(false);
    users.delete(userId);
    if (users.size === 0) this.rooms.delete(room);
    return Promise.resolve(true);
  }

  online(room: string, limit: number): Promise<OnlineList> {
    const users = this.rooms.get(room);
    if (!users) return Promise.resolve({ users: [], total: 0 });
    const list: User[] = [];
    for (const entry of users.values()) {
      if (list.length >= limit) break;
      list.push(entry.user);
    }
    return Promise.resolve({ users: list, total: users.size });
  }

  close(): Promise<void> {
    this.rooms.clear();
    return Promise.resolve();
  }
}
