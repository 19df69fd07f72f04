import { afterEach, describe, expect, it } from 'vitest';
import { RedisBus } from '../../src/adapters/bus-redis.js';
import { openPostgresStore } from '../../src/adapters/store-postgres/store-postgres.js';
import { Authorizer, EVERY_DOMAIN, GLOBAL_DOMAIN, roomDomain } from '../../src/core/authz/authorizer.js';
import type { Store } from '../../src/ports/store.js';
import { createTempDatabase } from '../helpers/postgres.js';
import { recordingLogger } from '../helpers/recording-logger.js';
import { REDIS_URL, tempRedisPrefix } from '../helpers/redis.js';
import { waitUntil } from '../helpers/wait.js';

/** Long enough that only the bus can bring a change within the test. */
const NO_TIMER_MS = 10 * 60_000;

describe('authorization rules reach every node (PostgreSQL + Redis)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });

  /** A node's authorizer over the shared database, on the bus of `prefix`. */
  async function node(databaseUrl: string, prefix: string, nodeId: string, reloadEveryMs: number) {
    const store: Store = await openPostgresStore(databaseUrl, 2);
    const bus = new RedisBus(REDIS_URL, prefix);
    await bus.start();
    const logger = recordingLogger();
    const authorizer = await Authorizer.open({ store, bus, nodeId, logger, reloadEveryMs });
    cleanups.push(async () => {
      authorizer.close();
      await bus.close();
      await store.close();
    });
    return { authorizer, store, logger };
  }

  async function cluster(prefixes: [string, string], reloadEveryMs: [number, number]) {
    const database = await createTempDatabase();
    cleanups.push(() => database.drop());
    const a = await node(database.url, prefixes[0], 'node-a', reloadEveryMs[0]);
    const b = await node(database.url, prefixes[1], 'node-b', reloadEveryMs[1]);
    return { a, b };
  }

  async function redisPrefix(): Promise<string> {
    const { prefix, cleanup } = await tempRedisPrefix();
    cleanups.push(cleanup);
    return prefix;
  }

  it('a grant, a new policy and a revocation on node A are enforced on node B through the bus', async () => {
    const prefix = await redisPrefix();
    const { a, b } = await cluster([prefix, prefix], [NO_TIMER_MS, NO_TIMER_MS]);
    expect(b.authorizer.can('u1', GLOBAL_DOMAIN, 'suspend')).toBe(false);

    // The issue's bound: enforced on the other node within 1 s of the change. The waits' ceilings
    // are generous so that a slow run fails on the bound, with its number, not on a timeout.
    let started = Date.now();
    await a.authorizer.grantRole('u1', 'admin', EVERY_DOMAIN);
    expect(a.authorizer.can('u1', GLOBAL_DOMAIN, 'suspend')).toBe(true);
    await waitUntil(() => b.authorizer.can('u1', GLOBAL_DOMAIN, 'suspend'), 'grant on B', { ceilingMs: 10_000 });
    expect(Date.now() - started).toBeLessThan(1000);

    await b.authorizer.grantRole('u2', 'member', roomDomain('x'));
    expect(b.authorizer.can('u2', roomDomain('x'), 'pin')).toBe(false);
    started = Date.now();
    await a.authorizer.addPolicy('member', 'room:*', 'pin');
    await waitUntil(() => b.authorizer.can('u2', roomDomain('x'), 'pin'), 'policy on B', { ceilingMs: 10_000 });
    expect(Date.now() - started).toBeLessThan(1000);

    started = Date.now();
    await a.authorizer.revokeRole('u1', 'admin', EVERY_DOMAIN);
    await waitUntil(() => !b.authorizer.can('u1', GLOBAL_DOMAIN, 'suspend'), 'revocation on B', { ceilingMs: 10_000 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect([...a.logger.lines, ...b.logger.lines].filter((line) => line.level === 'warn')).toEqual([]);
  });

  it('with the bus message lost, the periodic reload still brings the change', async () => {
    // Two bus prefixes: B never hears A. Only B's timer can bring A's grant.
    const { a, b } = await cluster([await redisPrefix(), await redisPrefix()], [NO_TIMER_MS, 200]);
    expect(b.authorizer.can('u1', roomDomain('general'), 'ban')).toBe(false);
    await a.authorizer.grantRole('u1', 'moderator', EVERY_DOMAIN);
    await waitUntil(() => b.authorizer.can('u1', roomDomain('general'), 'ban'), 'grant on B by its timer', {
      ceilingMs: 10_000,
    });
  });

  it('a reload that fails keeps the rules already loaded, and says so', async () => {
    const prefix = await redisPrefix();
    const { a, b } = await cluster([prefix, prefix], [NO_TIMER_MS, NO_TIMER_MS]);
    await a.authorizer.grantRole('u1', 'owner', roomDomain('r'));
    await waitUntil(() => b.authorizer.can('u1', roomDomain('r'), 'manage'), 'grant on B', { ceilingMs: 10_000 });
    await b.store.close();
    await expect(b.authorizer.reload()).rejects.toThrow();
    expect(b.authorizer.can('u1', roomDomain('r'), 'manage')).toBe(true);
    // A change announced on the bus: B tries, fails, logs, and keeps answering.
    await a.authorizer.grantRole('u2', 'owner', roomDomain('r'));
    await waitUntil(
      () => b.logger.lines.some((line) => line.level === 'warn' && line.message.includes('not reloaded')),
      'B warns',
      { ceilingMs: 10_000 },
    );
    expect(b.authorizer.can('u1', roomDomain('r'), 'manage')).toBe(true);
  });
});
