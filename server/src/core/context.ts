import type { BlobStore } from '../ports/blob-store.js';
import type { Bus } from '../ports/bus.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Metrics } from '../ports/metrics.js';
import type { Presence } from '../ports/presence.js';
import type { Limit } from '../ports/rate-limiter.js';
import type { Store } from '../ports/store.js';
import type { Authorizer } from './authz/authorizer.js';
import type { LocalHub } from './local-hub.js';
import type { PresenceCoalescer } from './presence-coalescer.js';
import type { FanOut } from './fan-out.js';
import type { FrameRates } from './frame-admission.js';

export interface ChatLimits {
  /** Longest message text, in characters after trimming. */
  messageMaxChars: number;
  /** Longest message text on the wire: UTF-8 bytes of the whole untrimmed text as a JSON string. */
  messageMaxBytes: number;
  /**
   * The message rate `messageLimit` enforces per user (steady per second, and the burst above it).
   * Not enforced from here: told to each client in `ready.limits`, so its outbox paces itself.
   */
  messagesPerSecond: number;
  messagesBurst: number;
  /** Most bytes of messages in one `joined` or `history` reply; at least one message always goes. */
  replyMaxBytes: number;
  /** A connection whose unsent bytes pass this is a slow consumer (closed with 4408). */
  maxBufferedBytes: number;
  /** Presence changes in a room are coalesced over this window before going out. */
  presenceCoalesceMs: number;
  /** At most one typing event per connection and room per this interval. */
  typingIntervalMs: number;
  /** Refused frames (rate-limited sends included) within a minute after which a socket is closed with 4429. */
  messageViolationsBeforeClose: number;
  /** How fast one connection, and one user on this node, may send frames of any type. */
  frames: FrameRates;
  /** Frames that may wait behind the one being handled; one more closes the socket with 4429. */
  maxQueuedFrames: number;
  /** Longest a message from one node waits for an earlier seq from another node (see RoomOrder). */
  reorderHoldMs: number;
  /** Rooms one user may belong to, and, counted apart, DMs. */
  roomsPerUser: number;
  /** Members one room may have (DMs have at most Limits.DM_MEMBERS_MAX). */
  membersPerRoom: number;
}

/** Everything an action may use. Built once by ChatCore. */
export interface CoreContext {
  store: Store;
  /** The bytes of shared files (their rows are in the store). */
  blobs: BlobStore;
  bus: Bus;
  presence: Presence;
  clock: Clock;
  logger: Logger;
  /** What happens, counted (noMetrics when the node exposes none). */
  metrics: Metrics;
  nodeId: string;
  limits: ChatLimits;
  /** The policies (Casbin): every room decision goes through `accessRoom`, which asks it. */
  authz: Authorizer;
  hub: LocalHub;
  fanOut: FanOut;
  presenceDiffs: PresenceCoalescer;
  /** Messages per user across all their sockets (and, with a shared adapter, all nodes). */
  messageLimit: Limit;
  /** Rooms one user may create per hour. */
  roomCreateLimit: Limit;
  /** New direct conversations one user may open per hour. */
  dmCreateLimit: Limit;
  newId(): string;
}
