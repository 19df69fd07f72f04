import type { ClientFrameType, ErrorCode } from '../../../protocol/index.js';
import type { BusEvent } from './bus.js';

/**
 * Why a socket ended, as a metric label: the close code we sent, named, or `peer` when the client or
 * the network ended it first. A closed set, so a label never carries anything a client chose.
 */
export const SocketCloseReasons = [
  'peer',
  'going_away',
  'policy',
  'too_big',
  'session_ended',
  'banned',
  'slow_consumer',
  'too_many_violations',
  'other',
] as const;
export type SocketCloseReason = (typeof SocketCloseReasons)[number];

/** Why sessions were revoked (the store's reasons). */
export const RevocationReasons = [
  'logout',
  'session_revoked',
  'password_changed',
  'refresh_token_reused',
  'account_suspended',
] as const;
export type RevocationReason = (typeof RevocationReasons)[number];

/** The kinds of bus envelope, as a label. */
export type BusEventKind = BusEvent['kind'];

/** What a dependency is, for the availability gauge. */
export type DependencyName = 'database' | 'redis';

/**
 * What Parley counts, named after what happened, not after a metrics library. The core and the edge
 * call these; an adapter turns them into Prometheus series (adapters/metrics-prom.ts) or nothing
 * (`noMetrics`).
 *
 * Guarantees every implementation keeps:
 * - Every argument that becomes a label comes from a closed set in our code (a frame type, an error
 *   code, a close reason, a limit's name from `LimitFactory.create`, a route *pattern*): never a
 *   username, room name, IP, id or raw URL, so the number of series is bounded.
 * - Calls are cheap and never throw, never block, never fail the action they describe. The
 *   per-delivery path calls at most `deliveries` and `fanOutSeconds`, once per room flush, not per socket.
 */
export interface Metrics {
  /** True when `fanOutSeconds` records anything: callers read the clock only then. */
  readonly timesFanOut: boolean;

  /** A WebSocket passed every check and was handed to the core. */
  socketOpened(): void;
  /** ...and ended (once per opened socket). */
  socketClosed(reason: SocketCloseReason): void;
  /** An upgrade request refused before the upgrade, by the error code it was answered with. */
  connectRefused(code: ErrorCode): void;

  /** A frame arrived on a socket: its validated type, or `invalid` when it did not parse. */
  frameIn(type: ClientFrameType | 'invalid'): void;
  /** A new message was stored (not a retried clientMsgId). */
  messageStored(): void;
  /** How long the store took to append one message (the append, group commit included). */
  storeAppendSeconds(seconds: number): void;
  /** `count` durable room events (with a seq) were written to local sockets. */
  deliveries(count: number): void;
  /** From a room event handed to the local hub to its last local socket write, per room flush. */
  fanOutSeconds(seconds: number): void;
  /** An `ack` went to a sender (a retried clientMsgId too). */
  ack(): void;
  /** An `error` frame went to a socket. */
  errorFrame(code: ErrorCode): void;
  /** A limit refused something; `limit` is the limit's name in code (`messages-user`, `frames`…). */
  rateLimited(limit: string): void;

  /** A login with a username and password ended (a throttled attempt is `rateLimited`, not a failure). */
  login(outcome: 'success' | 'failure'): void;
  /** A spent refresh token was presented again (its family is revoked). */
  refreshReuse(): void;
  /** `sessions` sessions were revoked at once, for `reason`. */
  revocation(reason: RevocationReason, sessions: number): void;
  /** A socket was closed with 4408 (its send backlog overflowed, or a message took too long to arrive). */
  slowConsumerClose(): void;

  /** This node published on the bus; `ok` false when the publish failed. */
  busPublish(kind: BusEventKind, ok: boolean): void;
  /** The bus brought an envelope from another node. */
  busReceive(kind: BusEventKind): void;
  /** Asks `probe` at each scrape whether the dependency answers (a gauge of 1 or 0). */
  watchDependency(name: DependencyName, probe: () => Promise<void>): void;

  /** One HTTP response: the route's pattern (`/api/v1/rooms/:room/messages`), never the raw URL. */
  httpResponse(method: string, route: string, status: number, seconds: number): void;
}

const nothing = () => undefined;

/** Counts nothing: for a node without a metrics exposure, and for tests that need none. */
export const noMetrics: Metrics = {
  timesFanOut: false,
  socketOpened: nothing,
  socketClosed: nothing,
  connectRefused: nothing,
  frameIn: nothing,
  messageStored: nothing,
  storeAppendSeconds: nothing,
  deliveries: nothing,
  fanOutSeconds: nothing,
  ack: nothing,
  errorFrame: nothing,
  rateLimited: nothing,
  login: nothing,
  refreshReuse: nothing,
  revocation: nothing,
  slowConsumerClose: nothing,
  busPublish: nothing,
  busReceive: nothing,
  watchDependency: nothing,
  httpResponse: nothing,
};
