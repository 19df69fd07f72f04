import type { User } from '../../../protocol/index.js';

/**
 * The Presence port: who is online in which room, counted per connection so a user with two tabs
 * stays online until the last one leaves. Adapters: in-memory (one process), Redis (with TTL
 * heartbeats so a crashed node's users drop out in bounded time).
 *
 * Guarantees: `add` answers true exactly when the user had no connection in the room before;
 * `remove` answers true exactly when it removed the user's last connection in the room.
 */
export interface OnlineList {
  users: User[];
  total: number;
}

export interface Presence {
  add(room: string, user: User, connectionId: string): Promise<boolean>;
  remove(room: string, userId: string, connectionId: string): Promise<boolean>;
  /**
   * Who is online in the room: at most `limit` users (any `limit` of them) and the total count,
   * so a join costs O(limit), not O(everyone), however full the room.
   */
  online(room: string, limit: number): Promise<OnlineList>;
  close(): Promise<void>;
}
