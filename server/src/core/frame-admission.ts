import type { Connection } from './connection.js';
import { TokenBucket } from './token-bucket.js';

export interface FrameRates {
  /** Frames per second one connection may send, steadily. */
  perConnectionPerSecond: number;
  /** Frames one connection may send at once, above the steady rate. */
  perConnectionBurst: number;
  /** Frames per second one user may send across all their sockets on this node. */
  perUserPerSecond: number;
  perUserBurst: number;
}

/**
 * Every frame a client sends — of any type, valid or not — takes a token from its connection's
 * bucket and from its user's (all their sockets on this node), before it is parsed further or
 * queued. A flood therefore costs the node a few microseconds per frame and never a database read.
 */
export class FrameAdmission {
  private readonly byConnection = new WeakMap<Connection, TokenBucket>();
  private readonly byUser = new Map<string, TokenBucket>();
  /** Users with no socket left here whose bucket has not refilled yet (kept so a reconnect cannot reset it). */
  private readonly departed = new Set<string>();

  constructor(private readonly rates: FrameRates) {}

  /** Answers 0 when the frame may be handled, else the milliseconds until it could have been. */
  admit(connection: Connection, now: number): number {
    const own = this.bucketOf(connection, now);
    const ownWait = own.take(now);
    if (ownWait > 0) return ownWait;
    const userWait = this.bucketOfUser(connection.user.id, now).take(now);
    if (userWait > 0) own.giveBack();
    return userWait;
  }

  /**
   * The user's last socket here has gone: their bucket is forgotten once it has refilled. Checked
   * for every departed user at each departure; a bucket refills within burst ÷ rate seconds, so
   * the departed set only ever holds the users who left in the last few seconds.
   */
  userLeft(userId: string, now: number): void {
    this.departed.add(userId);
    for (const id of this.departed) {
      const bucket = this.byUser.get(id);
      if (bucket !== undefined && !bucket.isFull(now)) continue;
      this.byUser.delete(id);
      this.departed.delete(id);
    }
  }

  /** Users whose bucket is remembered (connected, or departed within the last few seconds). */
  get usersTracked(): number {
    return this.byUser.size;
  }

  private bucketOf(connection: Connection, now: number): TokenBucket {
    let bucket = this.byConnection.get(connection);
    if (!bucket) {
      bucket = new TokenBucket(this.rates.perConnectionBurst, this.rates.perConnectionPerSecond, now);
      this.byConnection.set(connection, bucket);
    }
    return bucket;
  }

  private bucketOfUser(userId: string, now: number): TokenBucket {
    this.departed.delete(userId);
    let bucket = this.byUser.get(userId);
    if (!bucket) {
      bucket = new TokenBucket(this.rates.perUserBurst, this.rates.perUserPerSecond, now);
      this.byUser.set(userId, bucket);
    }
    return bucket;
  }
}
