import { Redis } from 'ioredis';
import type { SocketSlots } from '../ports/socket-slots.js';
import { MemorySocketSlots } from './socket-slots-memory.js';
import { redisReady } from './redis-ready.js';

/**
 * Socket slots shared by every node: one sorted set per user (`<prefix>:sockets:<userId>`), each
 * member a socket id scored by its lease's end. Claiming drops lapsed leases, counts and adds in one
 * script, so concurrent claims on several nodes cannot overshoot the cap. Times come from Redis's own
 * clock (TIME), so the nodes' clocks need not agree. The heartbeat pushes the leases of this node's
 * sockets (adding back any claimed while Redis was away); a crashed node stops pushing and its sockets stop counting within `leaseMs`.
 *
 * This node's own slots are also kept in memory: they are what the heartbeat renews, and what a claim
 * counts when Redis cannot be reached (the cap then holds per node, as without Redis).
 */
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

const CLAIM = `${NOW}
local key, id, max, lease = KEYS[1], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
if redis.call('ZSCORE', key, id) == false and redis.call('ZCARD', key) >= max then return 0 end
redis.call('ZADD', key, now + lease, id)
redis.call('PEXPIRE', key, lease)
return 1`;

const KEEP_ALIVE = `${NOW}
local key, lease = KEYS[1], tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', key, now + lease, ARGV[i]) end
redis.call('PEXPIRE', key, lease)
return 0`;

export class RedisSocketSlots implements SocketSlots {
  private readonly redis: Redis;
  private readonly mine = new MemorySocketSlots();

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly leaseMs: number,
  ) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    this.redis.on('error', () => undefined);
  }

  start(): Promise<void> {
    return redisReady(this.redis);
  }

  async claim(userId: string, socketId: string, max: number): Promise<boolean> {
    let shared: boolean;
    try {
      shared = (await this.redis.eval(CLAIM, 1, this.key(userId), socketId, max, this.leaseMs)) === 1;
    } catch {
      // Redis unreachable: the cap holds per node, on this node's own sockets.
      return this.mine.claimNow(userId, socketId, max);
    }
    if (shared) this.mine.claimNow(userId, socketId, Number.POSITIVE_INFINITY);
    return shared;
  }

  async release(userId: string, socketId: string): Promise<void> {
    if (!this.mine.releaseNow(userId, socketId)) return;
    // If Redis misses this, the lease frees the slot.
    await this.redis.zrem(this.key(userId), socketId).catch(() => undefined);
  }

  async keepAlive(): Promise<void> {
    const pipeline = this.redis.pipeline();
    let any = false;
    for (const [userId, ids] of this.mine.entries()) {
      pipeline.eval(KEEP_ALIVE, 1, this.key(userId), this.leaseMs, ...ids);
      any = true;
    }
    if (any) await pipeline.exec();
  }

  async close(): Promise<void> {
    const held = [...this.mine.entries()].map(([userId, ids]) => [userId, [...ids]] as const);
    await Promise.allSettled(held.map(([userId, ids]) => this.redis.zrem(this.key(userId), ...ids)));
    await this.mine.close();
    this.redis.disconnect();
  }

  private key(userId: string): string {
    return `${this.prefix}:sockets:${userId}`;
  }
}
