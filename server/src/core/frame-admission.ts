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

  /** The user's last socket here has gone: forget their bucket once it has refilled. */
  userLeft(userId: string, now: number): void {
    const bucket = this.byUser.get(userId);
    if (bucket?.isFull(now)) this.byUser.delete(userId);
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
    let bucket = this.byUser.get(userId);
    if (!bucket) {
      bucket = new TokenBucket(this.rates.perUserBurst, this.rates.perUserPerSecond, now);
      this.byUser.set(userId, bucket);
    }
    return bucket;
  }
}
