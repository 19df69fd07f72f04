import { join } from 'node:path';
import type { Config } from '../config.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Bus } from '../ports/bus.js';
import type { Presence } from '../ports/presence.js';
import type { LimitFactory } from '../ports/rate-limiter.js';
import type { SocketSlots } from '../ports/socket-slots.js';
import type { Store } from '../ports/store.js';
import { DiskBlobStore } from './blob-disk.js';
import { S3BlobStore } from './blob-s3.js';
import { MemoryBus } from './bus-memory.js';
import { RedisBus } from './bus-redis.js';
import { MemoryPresence } from './presence-memory.js';
import { RedisPresence } from './presence-redis.js';
import { MemoryLimitFactory } from './rate-limit-memory.js';
import { RedisLimitFactory } from './rate-limit-redis.js';
import { MemorySocketSlots } from './socket-slots-memory.js';
import { RedisSocketSlots } from './socket-slots-redis.js';
import { openPostgresStore } from './store-postgres/store-postgres.js';
import { openSqliteStore } from './store-sqlite/store-sqlite.js';

export interface Adapters {
  store: Store;
  bus: Bus;
  presence: Presence;
  limits: LimitFactory;
  /** Live sockets per user: on this node, or (Redis) across nodes. */
  socketSlots: SocketSlots;
  /** Shared files' bytes: DATA_DIR/files, or the S3 bucket (BLOB_STORE). */
  blobs: BlobStore;
  /** Answers when the shared cache (Redis) responds; undefined on a single node. */
  redisPing: (() => Promise<void>) | undefined;
  /** Closes what the app does not close itself (the Redis limit client). */
  closeExtras(): Promise<void>;
}

/** SQLite or PostgreSQL; in-process or Redis. The core never knows which. */
export async function selectAdapters(config: Config): Promise<Adapters> {
  const store = await openConfiguredStore(config.database);
  const blobs = selectBlobStore(config);
  if (!config.redis) {
    return {
      store,
      blobs,
      bus: new MemoryBus(),
      presence: new MemoryPresence(),
      limits: new MemoryLimitFactory(),
      socketSlots: new MemorySocketSlots(),
      redisPing: undefined,
      closeExtras: () => {
        closeBlobs(blobs);
        return Promise.resolve();
      },
    };
  }
  const { url, prefix } = config.redis;
  const bus = new RedisBus(url, prefix);
  const limits = new RedisLimitFactory(url, prefix);
  const presence = new RedisPresence(url, prefix);
  // A lease outlives two missed heartbeats, so a slow beat never frees a live socket's slot.
  const socketSlots = new RedisSocketSlots(url, prefix, 3 * config.wsHeartbeatMs);
  await Promise.all([bus.start(), limits.start(), presence.start(), socketSlots.start()]);
  return {
    store,
    blobs,
    bus,
    presence,
    limits,
    socketSlots,
    redisPing: () => limits.ping(),
    closeExtras: () => {
      limits.close();
      closeBlobs(blobs);
      return Promise.resolve();
    },
  };
}

/** The local disk under DATA_DIR/files (one node), or the S3 bucket every node shares. */
export function selectBlobStore(config: Pick<Config, 'blobs' | 'dataDir'>): BlobStore {
  return config.blobs.kind === 's3'
    ? new S3BlobStore(config.blobs.s3)
    : new DiskBlobStore(join(config.dataDir, 'files'));
}

function closeBlobs(blobs: BlobStore): void {
  if (blobs instanceof S3BlobStore) blobs.close();
}

/** The configured database alone, migrated: what the server and the admin CLI both open. */
export function openConfiguredStore(database: Config['database']): Promise<Store> {
  return database.kind === 'postgres'
    ? openPostgresStore(database.url, database.poolSize)
    : openSqliteStore(database.filename, database.synchronous);
}
