import { Redis } from 'ioredis';
import type { User } from '../../../protocol/index.js';
import type { OnlineList, Presence } from '../ports/presence.js';
import { redisReady } from './redis-ready.js';

/**
 * Presence shared by every node, in Redis. Each connection is a member of a per-(room, user)
 * sorted set scored by its expiry; this node refreshes the expiry of its own connections every
 * `heartbeatMs`, so a crashed node's users drop out of the online list within `ttlMs`.
 * Scripts make "first connection" and "last connection" answers atomic across nodes.
 */
const ADD = `
local conns, users, info = KEYS[1], KEYS[2], KEYS[3]
local now, expiry, uid, conn, user, keep = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])
redis.call('ZREMRANGEBYSCORE', conns, '-inf', now)
local had = redis.call('ZCARD', conns)
redis.call('ZADD', conns, expiry, conn)
redis.call('ZADD', users, 'GT', expiry, uid)
redis.call('ZADD', users, 'NX', expiry, uid)
redis.call('HSET', info, uid, user)
redis.call('PEXPIRE', conns, keep)
redis.call('PEXPIRE', users, keep)
redis.call('PEXPIRE', info, keep)
if had == 0 then return 1 else return 0 end`;

const REMOVE = `
local conns, users, info = KEYS[1], KEYS[2], KEYS[3]
local now, uid, conn = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local removed = redis.call('ZREM', conns, conn)
redis.call('ZREMRANGEBYSCORE', conns, '-inf', now)
if removed == 1 and redis.call('ZCARD', conns) == 0 then
  redis.call('ZREM', users, uid)
  redis.call('HDEL', info, uid)
  return 1
end
return 0`;

interface Entry {
  room: string;
  userId: string;
  connectionId: string;
}

export class RedisPresence implements Presence {
  private readonly redis: Redis;
  private readonly mine = new Map<string, Entry>();
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly ttlMs = 30_000,
    heartbeatMs = 10_000,
  ) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    this.redis.on('error', () => undefined);
    this.timer = setInterval(() => void this.heartbeat().catch(() => undefined), heartbeatMs);
    this.timer.unref();
  }

  start(): Promise<void> {
    return redisReady(this.redis);
  }

  async add(room: string, user: User, connectionId: string): Promise<boolean> {
    this.mine.set(connectionId + room, { room, userId: user.id, connectionId });
    const now = Date.now();
    const first = await this.redis.eval(
      ADD,
      3,
      ...this.keys(room, user.id),
      now,
      now + this.ttlMs,
      user.id,
      connectionId,
      JSON.stringify(user),
      this.ttlMs * 4,
    );
    return first === 1;
  }

  async remove(room: string, userId: string, connectionId: string): Promise<boolean> {
    this.mine.delete(connectionId + room);
    const last = await this.redis.eval(REMOVE, 3, ...this.keys(room, userId), Date.now(), userId, connectionId);
    return last === 1;
  }

  async online(room: string, limit: number): Promise<OnlineList> {
    const [, users, info] = this.keys(room, '');
    const now = Date.now();
    const [ids, total] = await Promise.all([
      this.redis.zrangebyscore(users, now, '+inf', 'LIMIT', 0, limit),
      this.redis.zcount(users, now, '+inf'),
    ]);
    if (ids.length === 0) return { users: [], total };
    const records = await this.redis.hmget(info, ...ids);
    const list = records
      .filter((record): record is string => record !== null)
      .map((record) => JSON.parse(record) as User);
    return { users: list, total };
  }

  /** Pushes the expiry of every connection this node holds; a node that stops doing this fades out. */
  async heartbeat(): Promise<void> {
    if (this.mine.size === 0) return;
    const expiry = Date.now() + this.ttlMs;
    const pipeline = this.redis.pipeline();
    const keep = this.ttlMs * 4;
    for (const entry of this.mine.values()) {
      const [conns, users, info] = this.keys(entry.room, entry.userId);
      pipeline.zadd(conns, 'XX', expiry, entry.connectionId);
      pipeline.zadd(users, 'GT', expiry, entry.userId);
      // The keys themselves must outlive a quiet room: renew their expiry with every beat.
      pipeline.pexpire(conns, keep);
      pipeline.pexpire(users, keep);
      pipeline.pexpire(info, keep);
    }
    await pipeline.exec();
  }

  /** Stops heartbeats without removing anything, as a crash would (tests use this). */
  abandon(): void {
    clearInterval(this.timer);
    this.mine.clear();
    this.redis.disconnect();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    const entries = [...this.mine.values()];
    this.mine.clear();
    await Promise.allSettled(entries.map((e) => this.remove(e.room, e.userId, e.connectionId)));
    this.redis.disconnect();
  }

  private keys(room: string, userId: string): [string, string, string] {
    const base = `${this.prefix}:presence:${room}`;
    return [`${base}:conns:${userId}`, `${base}:users`, `${base}:info`];
  }
}
